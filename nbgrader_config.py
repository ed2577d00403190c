"""nbgrader settings for this course (read by every ``nbgrader`` and ``course`` command).

The settings live in ``course_lib.grading.config.configure`` so that the ``course`` command,
the tests and ``nbgrader`` run by hand in this directory all grade the same way:

- ``solutions/`` is nbgrader's source directory, ``notebooks/`` its release directory;
  ``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db`` are made here and ignored
  by git;
- per-cell timeout: 60 s (``DEFAULT_TIMEOUT``); a runaway cell fails, the rest still scores;
- each submission's own cells run in a bubblewrap sandbox, its test cells in a separate check
  kernel (``course_lib/grading/execute.py``); without bubblewrap grading refuses to run unless
  ``course autograde --unsandboxed`` (or ``c.Execute.unsandboxed = True``);
- deleted, edited or duplicated test cells are restored from the gradebook, once each;
- Python warnings on stderr are stripped before scoring (other stderr output still fails);
- feedback shows, per exercise, pass/fail, points and the failed check's message only;
- hints (``hint("...")`` in a notebook) are free; to make each hint step cost points, set
  ``c.CourseHints.points_per_hint`` below, after ``configure(c)`` (``grading/hintcost.py``).

Gradebook: SQLite ``gradebook.db`` here, or any SQLAlchemy URL in ``$COURSE_GRADEBOOK_URL``.
"""
from course_lib.grading.config import configure

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
configure(c)
# c.CourseHints.points_per_hint = 0.0  # points per hint step; 0: hints are free
