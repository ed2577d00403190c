"""One submission's grading in three steps, so that the expensive one can run anywhere.

::

    prepare  (the grader's machine)  submitted notebook -> Job
             nbgrader's own sanitize preprocessors (test cells restored, locked cells and
             points from the gradebook, outputs cleared), plus everything execution needs:
             the chapter's source notebook and data files, the submission's other files,
             the Execute settings. Reads the gradebook, writes nothing.
    execute  (any worker)            Job -> executed notebook
             the two kernels of :class:`~course_lib.grading.execute.Execute`, in a
             temporary folder rebuilt from the Job: no gradebook, no course folder needed.
    record   (the grader's machine)  executed notebook -> scores in the gradebook
             nbgrader's own ``autograde`` of that student, with :class:`UseExecuted` in the
             place of Execute: nbgrader sanitizes again (the same cells, checked), then
             scores and writes the gradebook and ``autograded/`` exactly as it always does.

So a sequential run (``--jobs 1``: execute in this process) and a parallel one (a Dask worker
per core, or a cluster) run the same code on the same inputs and give the same grades, and
only the one process that records ever writes the gradebook. A record is done whole or not
at all as far as Ctrl-C is concerned (:func:`deferred_interrupt`).
"""
from __future__ import annotations

import fnmatch
import json
import os
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

#: The config sections that shape execution, shipped with each Job to the worker.
EXECUTE_SECTIONS = ("Execute", "ExecutePreprocessor", "NotebookClient")


@dataclass
class Job:
    """Everything a worker needs to execute one submission (plain, picklable data)."""

    chapter: str
    student: str
    notebook: str                                   # the sanitized submission, nbformat JSON
    source_notebook: str                            # the instructor's notebook, no outputs
    source_files: dict[str, bytes] = field(default_factory=dict)       # the chapter's data
    submission_files: dict[str, bytes] = field(default_factory=dict)   # the student's folder
    settings: dict[str, dict] = field(default_factory=dict)            # EXECUTE_SECTIONS
    hide: list[str] = field(default_factory=list)   # folders the box hides (the course's)


@dataclass
class Executed:
    """What comes back from a worker."""

    chapter: str
    student: str
    notebook: str                                   # the executed notebook, nbformat JSON
    seconds: float
    where: str                                      # host and process that ran it


# --------------------------------------------------------------------------------------------
# prepare
# --------------------------------------------------------------------------------------------
def _files(folder: Path, ignore: list[str], limit: int, skip=lambda rel: False
           ) -> dict[str, bytes]:
    """``{relative path: bytes}`` of a folder's files, hidden folders, links and ``ignore``
    patterns left out, at most ``limit`` bytes in all (what the box would copy anyway)."""
    found, used = {}, 0
    if not folder.is_dir():
        return found
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not any(fnmatch.fnmatch(d, p) for p in ignore))
        for name in sorted(names):
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if (path.is_symlink() or skip(rel)
                    or any(fnmatch.fnmatch(name, p) for p in ignore)):
                continue
            size = path.stat().st_size
            if used + size > limit:
                continue
            found[rel] = path.read_bytes()
            used += size
    return found


def _without_outputs(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(nb)


def prepare(grader, chapter: str, student: str) -> Job:
    """The Job for ``student``'s submission of ``chapter``; ``grader`` is the course's
    ``NbGraderAPI`` (its config and course directory)."""
    from nbconvert.exporters import NotebookExporter
    from traitlets.config import Config

    coursedir, config = grader.coursedir, grader.config
    submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, chapter))
    source = Path(coursedir.format_path(coursedir.source_directory, ".", chapter))
    path = submitted / f"{chapter}.ipynb"

    exporter = NotebookExporter(config=config)
    for preprocessor in config.Autograde.sanitize_preprocessors:
        exporter.register_preprocessor(preprocessor, enabled=True)
    resources = {"unique_key": chapter, "output_files_dir": f"{chapter}_files",
                 "nbgrader": {"student": student, "assignment": chapter, "notebook": chapter,
                              "db_url": coursedir.db_url}}
    sanitized, _ = exporter.from_filename(str(path), resources=resources)

    execute = config.get("Execute", Config())
    limit = int(execute.get("copy_limit", 200 << 20))
    ignore = list(coursedir.ignore)
    source_files = _files(source, ignore + ["*.ipynb"], limit)
    # as nbgrader's autograde does: the submission's files, the chapter's files over them
    submission = _files(submitted, ignore, limit, skip=lambda rel: rel == f"{chapter}.ipynb")
    submission.update(source_files)
    submission[f"{chapter}.ipynb"] = sanitized.encode("utf-8")
    settings = {name: json.loads(json.dumps(dict(config.get(name, Config())), default=str))
                for name in EXECUTE_SECTIONS}
    return Job(chapter=chapter, student=student, notebook=sanitized,
               source_notebook=_without_outputs(nbformat.read(source / f"{chapter}.ipynb",
                                                              as_version=4)),
               source_files=source_files, submission_files=submission, settings=settings,
               hide=[str(Path(coursedir.root).resolve())])


# --------------------------------------------------------------------------------------------
# execute
# --------------------------------------------------------------------------------------------
def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = (folder / rel).resolve()
        if folder.resolve() not in target.parents:
            raise ValueError(f"file {rel!r} of the job points outside its folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def execute(job: Job) -> Executed:
    """Run the Job's notebook with the course's two-kernel Execute; no course folder needed.

    The chapter's source and the submission are rebuilt in a private temporary folder, which
    the student's box hides like the course folder (it holds the solution notebook).
    """
    import socket

    from traitlets.config import Config

    from .execute import Execute

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="course-job-") as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o700)
        source = tmp / "source" / job.chapter
        submission = tmp / "submission" / job.chapter
        _write_files(source, job.source_files)
        source.mkdir(parents=True, exist_ok=True)
        (source / f"{job.chapter}.ipynb").write_text(job.source_notebook, encoding="utf-8")
        _write_files(submission, job.submission_files)
        config = Config({name: Config(values) for name, values in job.settings.items()})
        preprocessor = Execute(config=config)
        resources = {"metadata": {"path": str(submission), "name": job.chapter},
                     "nbgrader": {"student": job.student, "assignment": job.chapter,
                                  "notebook": job.chapter},
                     "course": {"source_dir": str(source), "hide": [*job.hide, str(tmp)]}}
        nb = nbformat.reads(job.notebook, as_version=4)
        nb, _ = preprocessor.preprocess(nb, resources)
    return Executed(chapter=job.chapter, student=job.student, notebook=nbformat.writes(nb),
                    seconds=time.perf_counter() - start,
                    where=f"{socket.gethostname()}:{os.getpid()}")


# --------------------------------------------------------------------------------------------
# record
# --------------------------------------------------------------------------------------------
class UseExecuted(Preprocessor):
    """nbgrader's Execute step for a notebook already executed elsewhere.

    :meth:`handing` puts the executed copy in place for one ``autograde`` call; the notebook
    nbgrader sanitized again must have the very cells that were executed, else it refuses
    (the submission or the gradebook changed in between)."""

    # nbconvert skips a disabled preprocessor silently, which here would score the
    # un-executed notebook (no errors, so full marks): this one is always on
    enabled = Bool(True)
    _waiting: dict[tuple[str, str], str] = {}

    @classmethod
    @contextmanager
    def handing(cls, executed: Executed):
        key = (executed.chapter, executed.student)
        cls._waiting[key] = executed.notebook
        try:
            yield
        finally:
            cls._waiting.pop(key, None)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        key = (info["assignment"], info["student"])
        if key not in self._waiting:
            raise RuntimeError(f"no executed notebook for {key}: grade with `course "
                               f"autograde`, which executes it first")
        done = nbformat.reads(self._waiting[key], as_version=4)
        if [(c.cell_type, c.source) for c in nb.cells] != [(c.cell_type, c.source)
                                                              for c in done.cells]:
            raise RuntimeError(f"{key}: the submission changed while it was being graded; "
                               f"grade it again")
        return done, resources


def record_preprocessors(config) -> list:
    """The config's autograde preprocessors with Execute replaced by :class:`UseExecuted`."""
    from .execute import Execute

    return [UseExecuted if isinstance(p, type) and issubclass(p, Execute) else p
            for p in config.Autograde.autograde_preprocessors]


@contextmanager
def interrupts_noted():
    """Ctrl-C during the block sets the event it yields instead of raising KeyboardInterrupt.

    Python raises KeyboardInterrupt wherever the main thread happens to be, and one raised
    inside a finalizer (a Dask future's ``__del__`` runs each time the driver lets go of a
    finished one) is printed and dropped: the run goes on as if nothing was pressed. Code that
    waits under this block looks at the event instead. Off the main thread (no signals
    there) the event is never set."""
    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.set())
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def deferred_interrupt():
    """Ctrl-C during the block takes effect when it ends: a record is never cut in half."""
    with interrupts_noted() as pressed:
        yield
    if pressed.is_set():
        raise KeyboardInterrupt
