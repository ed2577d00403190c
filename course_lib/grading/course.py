"""The instructor's workflow over nbgrader's own Python API (``nbgrader.apps.NbGraderAPI``).

Each function is one step of ``release -> collect -> autograde -> feedback -> grades``; the
``course`` console script (``course_lib.cli``) is a thin argument parser over them. Nothing here
grades: scoring is nbgrader's, with the preprocessors ``nbgrader_config.py`` switches on.
"""
from __future__ import annotations

import filecmp
import io
import logging
import os
import re
import shutil
import sys
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

CHAPTER_PATTERN = re.compile(r"^\d\d_[a-z0-9_]+$")
#: What a student id may look like: it becomes a directory name under ``submitted/``.
STUDENT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


class CourseError(RuntimeError):
    """A step of the workflow could not be done; the message says why and what to do."""


# --------------------------------------------------------------------------------------------
# The course directory
# --------------------------------------------------------------------------------------------
def find_root(start: str | Path | None = None) -> Path:
    """The course root: the nearest directory at or above ``start`` with ``nbgrader_config.py``."""
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "nbgrader_config.py").is_file():
            return candidate
    raise CourseError(f"no nbgrader_config.py in {here} or above: run this inside the course "
                      f"folder or pass --root")


def chapters(root: str | Path) -> list[str]:
    """Chapter (assignment) names: the ``NN_slug`` folders of ``solutions/`` with a notebook."""
    solutions = Path(root) / "solutions"
    if not solutions.is_dir():
        return []
    return sorted(p.name for p in solutions.iterdir()
                  if p.is_dir() and CHAPTER_PATTERN.match(p.name)
                  and (p / f"{p.name}.ipynb").is_file())


def _chapter(root: Path, chapter: str) -> str:
    known = chapters(root)
    if chapter not in known:
        raise CourseError(f"unknown chapter {chapter!r}; the chapters in {root / 'solutions'} "
                          f"are: {', '.join(known) or 'none'}")
    return chapter


def load_config(root: str | Path, **overrides):
    """The traitlets config of ``root/nbgrader_config.py``, plus ``Section.option`` overrides."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    extra = Config()
    for key, value in overrides.items():
        section, option = key.split(".")
        extra[section][option] = value
    config.merge(extra)
    return config


def ensure_tools_on_path() -> None:
    """Put this Python's ``bin/`` first on ``PATH``.

    nbgrader creates a new gradebook by running the ``alembic`` executable found on ``PATH``;
    when ``course`` is called as ``.venv/bin/course`` without activating the environment,
    that executable is only found next to the interpreter.
    """
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


def api(root: str | Path, **overrides):
    """nbgrader's ``NbGraderAPI`` for the course in ``root``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    ensure_tools_on_path()
    config = load_config(root, **overrides)
    # the exchange (used by JupyterHub set-ups) is not needed to grade; keep its noise out
    logging.getLogger("NbGraderAPI").setLevel(logging.ERROR)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def _run(result: dict, what: str) -> dict:
    if not result.get("success"):
        detail = "\n".join(part.strip() for part in (result.get("log"), result.get("error"))
                           if part)
        raise CourseError(f"{what} failed:\n{detail}")
    return result


# --------------------------------------------------------------------------------------------
# Release and check
# --------------------------------------------------------------------------------------------
def release(root: str | Path, only: Iterable[str] | None = None,
            progress: Progress = _quiet) -> list[str]:
    """Regenerate ``notebooks/<chapter>/`` from ``solutions/<chapter>/`` for each chapter.

    This is ``nbgrader generate_assignment --force`` per chapter: answers become
    ``raise NotImplementedError()``, hidden tests and outputs are removed, and the gradebook
    learns the test cells that autograding will restore.
    """
    root = Path(root).resolve()
    names = [_chapter(root, c) for c in only] if only else chapters(root)
    grader = api(root)
    for i, name in enumerate(names, 1):
        progress(f"[{i}/{len(names)}] generating notebooks/{name}")
        _run(grader.generate_assignment(name, force=True, create=True),
             f"generate_assignment {name}")
    return names


@dataclass
class Problem:
    chapter: str
    message: str

    def __str__(self) -> str:
        return f"{self.chapter}: {self.message}"


@contextmanager
def scratch_course(root: str | Path, names: Iterable[str] | None = None, **overrides):
    """A throwaway copy of the course (config and solutions) with its own empty gradebook."""
    root = Path(root).resolve()
    with tempfile.TemporaryDirectory(prefix="course-") as tmp:
        tmp = Path(tmp)
        shutil.copy(root / "nbgrader_config.py", tmp / "nbgrader_config.py")
        for name in names or chapters(root):
            shutil.copytree(root / "solutions" / name, tmp / "solutions" / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        yield tmp


def check(root: str | Path, only: Iterable[str] | None = None, grade: bool = True,
          progress: Progress = _quiet) -> list[Problem]:
    """Problems that make the released course wrong; an empty list means all is well.

    In a scratch copy of the course: regenerate every chapter and compare the result with
    ``notebooks/`` file by file (stale, missing or extra files), then, if ``grade``, autograde
    each solution notebook as a submission and require full marks.
    """
    root = Path(root).resolve()
    names = [_chapter(root, c) for c in only] if only else chapters(root)
    problems: list[Problem] = []
    released = root / "notebooks"
    if not only and released.is_dir():
        for extra in sorted(p.name for p in released.iterdir() if p.is_dir()):
            if extra not in names and not extra.startswith("."):
                problems.append(Problem(extra, "in notebooks/ but not in solutions/"))
    with scratch_course(root, names) as tmp:
        release(tmp, names)
        for i, name in enumerate(names, 1):
            progress(f"[{i}/{len(names)}] comparing notebooks/{name}")
            problems += [Problem(name, m) for m in _compare_dirs(tmp / "notebooks" / name,
                                                                  released / name)]
        if grade:
            for i, name in enumerate(names, 1):
                progress(f"[{i}/{len(names)}] grading the solution of {name}")
                submitted = tmp / "submitted" / "solution" / name
                submitted.mkdir(parents=True)
                shutil.copy(tmp / "solutions" / name / f"{name}.ipynb",
                            submitted / f"{name}.ipynb")
                try:
                    autograde(tmp, name, students=["solution"], jobs=1)
                except CourseError as error:
                    problems.append(Problem(name, str(error)))
                    continue
                for exercise in exercise_scores(tmp, name, "solution"):
                    if exercise.score < exercise.max_score:
                        problems.append(Problem(name, (
                            f"the solution scores {exercise.score:g}/{exercise.max_score:g} "
                            f"on {exercise.grade_id}")))
    return problems


def _compare_dirs(expected: Path, actual: Path) -> list[str]:
    if not actual.is_dir():
        return [f"{actual} is missing: run `course release`"]
    messages = []
    want = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    have = {p.relative_to(actual) for p in actual.rglob("*") if p.is_file()
            and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}
    for path in sorted(want - have):
        messages.append(f"notebooks/{actual.name}/{path} is missing: run `course release`")
    for path in sorted(have - want):
        messages.append(f"notebooks/{actual.name}/{path} is not generated from solutions/")
    for path in sorted(want & have):
        if not filecmp.cmp(expected / path, actual / path, shallow=False):
            messages.append(f"notebooks/{actual.name}/{path} is out of date: "
                            f"run `course release`")
    return messages


# --------------------------------------------------------------------------------------------
# Submissions, autograding, feedback
# --------------------------------------------------------------------------------------------
def collect(root: str | Path, chapter: str, source: str | Path) -> list[str]:
    """Put submissions into ``submitted/<student>/<chapter>/<chapter>.ipynb``.

    ``source`` is a folder or a zip file of notebooks named by student id
    (``alice.ipynb``, or ``alice/<chapter>.ipynb``). Returns the student ids.
    """
    root = Path(root).resolve()
    chapter = _chapter(root, chapter)
    source = Path(source)
    if not source.exists():
        raise CourseError(f"no submissions at {source}")
    with tempfile.TemporaryDirectory(prefix="submissions-") as tmp:
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise CourseError(f"{source} is neither a folder nor a zip file")
            with zipfile.ZipFile(source) as archive:
                archive.extractall(tmp)
            folder = Path(tmp)
        else:
            folder = source
        found = {}
        for path in sorted(folder.rglob("*.ipynb")):
            if ".ipynb_checkpoints" in path.parts or "__MACOSX" in path.parts:
                continue
            student = path.stem if path.stem != chapter else path.parent.name
            if not STUDENT_PATTERN.match(student):
                raise CourseError(f"{path.name}: {student!r} is not a usable student id "
                                  f"(letters, digits, '_', '-', '.', '@')")
            if student in found:
                raise CourseError(f"two submissions for student {student!r}: "
                                  f"{found[student]} and {path}")
            found[student] = path
        if not found:
            raise CourseError(f"no .ipynb files in {source}")
        for student, path in found.items():
            target = root / "submitted" / student / chapter
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / f"{chapter}.ipynb")
    return sorted(found)


def submitted_students(root: str | Path, chapter: str) -> list[str]:
    base = Path(root) / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir()
                  if (p / chapter / f"{chapter}.ipynb").is_file())


def autograde(root: str | Path, chapter: str, source: str | Path | None = None,
              students: Iterable[str] | None = None, progress: Progress = _quiet,
              jobs: int | None = None, scheduler: str | None = None,
              **overrides) -> dict[str, tuple[float, float]]:
    """Autograde a chapter's submissions; returns ``{student: (score, max_score)}``.

    ``source`` (a folder or zip of ``<student>.ipynb``) is collected first; without it, what is
    already in ``submitted/`` is graded. Each submission is prepared here, executed in this
    process (``jobs=1``), on ``jobs`` Dask workers of this machine (default: one per core) or
    on the Dask cluster at ``scheduler``, and recorded here by nbgrader, one at a time, as
    each finishes (:mod:`~course_lib.grading.pipeline`, :mod:`~course_lib.grading.cluster`).
    One broken submission does not stop the others: it is reported, and the run then fails.
    Ctrl-C stops the run between two records: the gradebook holds the submissions recorded
    so far, whole, and the rows of the others as they were before the run.
    """
    from time import perf_counter

    from . import cluster, pipeline
    from .gradebook import WriteLock

    started = perf_counter()
    root = Path(root).resolve()
    chapter = _chapter(root, chapter)
    if source is not None:
        collected = collect(root, chapter, source)
        students = collected if students is None else students
    students = sorted(students or submitted_students(root, chapter))
    if not students:
        raise CourseError(f"no submissions for {chapter} in {root / 'submitted'}")
    grader = api(root, **overrides)
    db_url = grader.coursedir.db_url
    lock = WriteLock(db_url)
    with lock:
        with grader.gradebook as gb:
            known = {a.name for a in gb.assignments}
        if chapter not in known:
            progress(f"{chapter} is not in the gradebook yet: generating it first")
            _run(grader.generate_assignment(chapter, force=True, create=True),
                 f"generate_assignment {chapter}")
    recorder = api(root, **overrides, **{
        "Autograde.autograde_preprocessors": pipeline.record_preprocessors(grader.config)})

    scores, failures, n = {}, [], len(students)
    try:
        with cluster.runner(jobs, scheduler, submissions=n) as where, \
                where.interrupts() as pressed:
            progress(f"grading {n} submission(s) of {chapter} {where.description}")
            for student, outcome in where.run(students,
                                              lambda s: pipeline.prepare(grader, chapter, s),
                                              pressed):
                done = len(scores) + len(failures) + 1
                if isinstance(outcome, BaseException):
                    failures.append(student)
                    progress(f"[{done}/{n}] {student}: NOT GRADED ({type(outcome).__name__}: "
                             f"{outcome}{_raised_at(outcome)})")
                    continue
                with pipeline.deferred_interrupt(), lock, \
                        pipeline.UseExecuted.handing(outcome):
                    result = recorder.autograde(chapter, student, force=True, create=True)
                    total = (sum_scores(exercise_scores(root, chapter, student, db_url))
                             if result.get("success") else None)
                if total is None:
                    failures.append(student)
                    log = (result.get("log") or "").strip().splitlines()
                    progress(f"[{done}/{n}] {student}: NOT GRADED\n" + "\n".join(log[-30:]))
                    continue
                scores[student] = total
                progress(f"[{done}/{n}] {student}: {total[0]:g} / {total[1]:g} "
                         f"({outcome.seconds:.1f} s)")
    except KeyboardInterrupt:
        progress(f"interrupted: {len(scores)} submission(s) recorded; the other "
                 f"{n - len(scores) - len(failures)} were not, and their gradebook rows are "
                 f"as they were")
        raise
    finally:
        lock.close()
    seconds = perf_counter() - started
    progress(f"graded {len(scores)} of {n}, {len(failures)} failed, in {seconds:.1f} s: "
             f"{60 * len(scores) / seconds:.1f} submissions per minute")
    if failures:
        raise CourseError(f"could not grade: {', '.join(failures)} (see above)")
    return scores


def _raised_at(error: BaseException) -> str:
    """Where ``error`` was raised (a Dask task's error keeps its worker's traceback), for the
    instructor's bug report."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    return f", raised at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""


def feedback(root: str | Path, chapter: str, students: Iterable[str] | None = None,
             progress: Progress = _quiet) -> list[Path]:
    """Write ``feedback/<student>/<chapter>/<chapter>.html`` for autograded submissions."""
    root = Path(root).resolve()
    chapter = _chapter(root, chapter)
    grader = api(root)
    if students is None:
        base = root / "autograded"
        students = sorted(p.name for p in base.iterdir()
                          if (p / chapter).is_dir()) if base.is_dir() else []
    students = list(students)
    if not students:
        raise CourseError(f"nothing autograded for {chapter}: run `course autograde` first")
    paths = []
    for i, student in enumerate(students, 1):
        _run(grader.generate_feedback(chapter, student, force=True),
             f"generate_feedback {chapter} {student}")
        path = root / "feedback" / student / chapter / f"{chapter}.html"
        paths.append(path)
        progress(f"[{i}/{len(students)}] {path.relative_to(root)}")
    return paths


# --------------------------------------------------------------------------------------------
# Grades
# --------------------------------------------------------------------------------------------
@dataclass
class ExerciseScore:
    grade_id: str
    score: float
    max_score: float


def exercise_scores(root: str | Path, chapter: str, student: str,
                    db_url: str | None = None) -> list[ExerciseScore]:
    """The autograded score of each test cell of one student's submission, from the gradebook
    (``db_url``, else the course's)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url or api(root).coursedir.db_url) as gb:
        submission = gb.find_submission_notebook(chapter, chapter, student)
        return [ExerciseScore(g.name, float(g.score or 0.0), float(g.max_score))
                for g in submission.grades if g.cell_type == "code" and g.max_score]


def sum_scores(scores: list[ExerciseScore]) -> tuple[float, float]:
    return (sum(s.score for s in scores), sum(s.max_score for s in scores))


def export_grades(root: str | Path, to: str | Path, only: Iterable[str] | None = None,
                  format: str = "csv") -> Path:
    """Write the grade sheet.

    ``format="csv"`` (the default): nbgrader's ``CsvExportPlugin``, one row per student and
    chapter (raw score, max score, late penalty, final score). ``"canvas"`` or ``"moodle"``: the
    CSV layout that system's gradebook imports, one row per student and one column per chapter
    (see :mod:`course_lib.grading.lms`).
    """
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    from . import lms

    if format not in lms.FORMATS:
        raise CourseError(f"unknown export format {format!r}: use one of "
                          f"{', '.join(lms.FORMATS)}")
    root = Path(root).resolve()
    to = Path(to).resolve()
    to.parent.mkdir(parents=True, exist_ok=True)
    if format != "csv":
        try:
            return lms.export(api(root).coursedir.db_url, to, format, only)
        except ValueError as error:
            raise CourseError(str(error)) from None
    plugin = CsvExportPlugin(to=str(to), assignment=list(only or []))
    grader = api(root)
    with Gradebook(grader.coursedir.db_url, grader.coursedir.course_id) as gb:
        plugin.export(gb)
    return to


@dataclass
class PassRate:
    grade_id: str
    max_score: float
    passed: int
    students: int

    @property
    def share(self) -> float:
        return self.passed / self.students if self.students else 0.0


def pass_rates(root: str | Path, chapter: str) -> list[PassRate]:
    """For each exercise (test cell) of a chapter, how many autograded students got full marks.

    Sorted hardest first, so the exercises the class found hard head the list.
    """
    from nbgrader.api import Gradebook

    root = Path(root).resolve()
    chapter = _chapter(root, chapter)
    with Gradebook(api(root).coursedir.db_url) as gb:
        notebook = gb.find_notebook(chapter, chapter)
        solution_ids = {c.name for c in notebook.solution_cells}
        tests = [c for c in notebook.grade_cells if c.name not in solution_ids]
        submissions = [s for s in gb.find_assignment(chapter).submissions]
        rates = []
        for cell in tests:
            passed = 0
            for submission in submissions:
                grade = gb.find_grade(cell.name, chapter, chapter, submission.student.id)
                if grade.score is not None and grade.score >= cell.max_score:
                    passed += 1
            rates.append(PassRate(cell.name, float(cell.max_score), passed, len(submissions)))
    return sorted(rates, key=lambda r: (r.share, r.grade_id))


def format_pass_rates(chapter: str, rates: list[PassRate]) -> str:
    out = io.StringIO()
    if not rates:
        return f"{chapter}: no exercises\n"
    n = rates[0].students
    out.write(f"{chapter}: share of the {n} graded students with full marks, hardest first\n")
    width = max(len(r.grade_id) for r in rates)
    for r in rates:
        bar = "#" * round(20 * r.share)
        out.write(f"  {r.grade_id:<{width}}  {r.passed:>4}/{r.students:<4} "
                  f"{100 * r.share:5.1f}%  {bar}\n")
    return out.getvalue()
