"""The gradebook, SQLite or PostgreSQL, written by one grader at a time.

nbgrader's gradebook code finds-or-creates rows (the course, each student, each submission)
in several transactions. Two graders recording at the same time into one database (two
chapters autograded at once into a shared PostgreSQL gradebook) can both find a student
missing and both insert it: one of them then fails. :class:`WriteLock` makes the graders take
turns for the short record step only (the long execution runs in parallel):

- PostgreSQL: a session-level advisory lock (``pg_advisory_lock``), held on a connection of
  its own, released when that connection ends even if the grader is killed;
- SQLite: an exclusive ``flock`` on ``<gradebook>.lock`` beside the database file, released by
  the operating system when the process ends.

The URL is ``$COURSE_GRADEBOOK_URL`` (``config.DB_URL_ENV``) or nbgrader's default SQLite file
in the course folder; PostgreSQL needs a driver, e.g. ``postgresql+psycopg://user@host/db``
with the ``psycopg`` package.
"""
from __future__ import annotations

import os

#: The advisory lock key this course's graders share (any fixed 64-bit number).
ADVISORY_KEY = 0x6C6D636F75727365  # "lmcourse"


class WriteLock:
    """``with lock:`` around every gradebook write of a grading run."""

    def __init__(self, db_url: str):
        from sqlalchemy.engine import make_url

        self.url = make_url(db_url)
        self._engine = self._connection = self._file = None

    def __enter__(self):
        backend = self.url.get_backend_name()
        if backend == "sqlite":
            import fcntl

            database = self.url.database
            if database and database != ":memory:":
                self._file = open(os.path.abspath(database) + ".lock", "a+b")
                fcntl.flock(self._file, fcntl.LOCK_EX)
        elif backend == "postgresql":
            from sqlalchemy import create_engine, text
            from sqlalchemy.pool import NullPool

            if self._engine is None:
                self._engine = create_engine(self.url, poolclass=NullPool)
            self._connection = self._engine.connect()
            self._connection.execute(text("SELECT pg_advisory_lock(:key)"),
                                     {"key": ADVISORY_KEY})
        return self

    def __exit__(self, *exc):
        if self._file is not None:
            import fcntl

            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._connection is not None:
            from sqlalchemy import text

            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                         {"key": ADVISORY_KEY})
            finally:
                self._connection.close()
                self._connection = None
        return False

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

