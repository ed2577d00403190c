"""The grading round trip, for every chapter in solutions/, through real nbgrader commands.

For each chapter, a throwaway course (the repository's ``nbgrader_config.py`` plus a short
per-cell timeout, the chapter as the session's one ``course release`` released it) grades a whole
class of made-up submissions with ``course autograde --scheduler`` (the instructor's command,
over nbgrader's API, executing the submissions on a Dask cluster of ``dask scheduler`` and
``dask worker`` processes the session starts on loopback) and writes the feedback
(``--feedback``, nbgrader's generate_feedback); every proof below reads that one grading of
the class.
``COURSE_TEST_WORKERS`` (default 3, on CI's 2 cores: each class holds one worker asleep in
its runaway answer for the per-cell timeout) is the cluster's size. The grading is most of
the suite's time, so :class:`GradingPool` starts it in the background as soon as pytest has
collected the tests and it overlaps the test files that run before this one:

==========================  ================================================================
student id                  submission
==========================  ================================================================
``solution``                the solution notebook                       -> full marks
``blank``                   the untouched student notebook              -> zero
``wrong-<exercise>``        the first stored wrong answer of that exercise (from
                            tests/wrong_answers/<chapter>.yml), the solution everywhere else
                                                                        -> loses that exercise only
``wrong-pack-<j>``          the j-th stored wrong answer of every exercise that has one, the
                            solution elsewhere                          -> loses exactly those
                                                                           exercises
``runaway-tampered``        first exercise answered by an endless loop (``RUNAWAY``);
                            every test cell edited to just ``passed(...)`` (which would
                            pass), pasted once more right after itself and once more at
                            the end
                                                                        -> first exercise zero,
                                                                           the others full, every
                                                                           test once, in place
``deleted-warning``         the solution with every test cell and every other read-only
                            code cell (set-up, data) deleted, and a hook that prints a
                            FutureWarning on stderr in every later cell
                                                                        -> full marks
==========================  ================================================================

Why packs: every graded notebook costs a kernel start and a run of the whole chapter (about
3-5 s), and the chapters store 3 to 7 wrong answers per exercise. Grading each exercise's first
wrong answer alone proves that a wrong answer there costs that exercise and no other; the
further ones only need to show that their checks catch them, which a pack shows as well, at
one notebook per pack instead of one per answer.

A new chapter gets all of this by existing: a folder ``solutions/NN_slug/`` and its
``tests/wrong_answers/NN_slug.yml``. ``COURSE_TEST_TIMEOUT`` (seconds, default 20) is the
per-cell timeout of these runs: every cell of every chapter must finish within it on CI,
where two workers' kernels share two cores with the rest of the suite (chapter 15's CNN
check, which trains the student's network through the check kernel's proxies, takes 9 to
11 s there).
"""
from __future__ import annotations

import atexit
import copy
import heapq
import html
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
#: Another course folder to run these proofs on (debugging aid); the repository by default.
COURSE = Path(os.environ.get("COURSE_TEST_ROOT", ROOT)).resolve()
TIMEOUT = int(os.environ.get("COURSE_TEST_TIMEOUT", "20"))
#: Dask workers of the session's grading cluster once the grading tests wait (CI: 2 cores).
WORKERS = max(1, int(os.environ.get("COURSE_TEST_WORKERS", "3")))
CHAPTER = re.compile(r"^\d\d_[a-z0-9_]+$")
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
#: The runaway answer: it waits for something that never comes. Waiting, not spinning: a
#: spinning loop burns a core for the whole timeout in each of the chapters, on a machine the
#: suite keeps busy; the attack proofs (``loop-call``) stop a spinning loop that even swallows
#: the interrupt.
RUNAWAY = "import time\nwhile True:\n    time.sleep(0.05)\n"


def _chapters() -> list[str]:
    solutions = COURSE / "solutions"
    if not solutions.is_dir():
        return []
    return sorted(p.name for p in solutions.iterdir()
                  if p.is_dir() and CHAPTER.match(p.name) and (p / f"{p.name}.ipynb").exists())


CHAPTERS = _chapters() or [pytest.param(None, marks=pytest.mark.skip(
    reason=f"no chapter in {COURSE / 'solutions'} yet"))]


def _env() -> dict:
    env = dict(os.environ)
    # nbgrader runs the `alembic` executable to create a gradebook: it lives next to python
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    return env


def run_ok(args, cwd, env=None, timeout=1800) -> subprocess.CompletedProcess:
    """Run a command in ``cwd`` (the tests' environment unless ``env``); it must succeed."""
    done = subprocess.run(args, cwd=cwd, env=env or _env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


# --------------------------------------------------------------------------------------------
# Notebook surgery, written for these tests only
# --------------------------------------------------------------------------------------------
def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_answer(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def is_locked_code(cell) -> bool:
    """A read-only code cell that is not graded (a chapter's imports, its data)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.cell_type == "code" and bool(meta.get("locked")) and not meta.get("grade")
            and not meta.get("solution"))


def exercises_of(source_nb) -> dict[str, str]:
    """{answer grade_id: grade_id of the test cell that grades it}, in notebook order.

    The chapter convention is one answer cell followed by exactly one test cell."""
    pairs, answer = {}, None
    for cell in source_nb.cells:
        if is_answer(cell):
            answer = grade_id(cell)
        elif is_test(cell):
            assert answer is not None, f"test cell {grade_id(cell)} has no answer cell before it"
            assert answer not in pairs, f"answer {answer} is followed by two test cells"
            pairs[answer] = grade_id(cell)
            answer = None
    return pairs


def answer_source(source_nb, exercise: str) -> str:
    return next(c.source for c in source_nb.cells if grade_id(c) == exercise)


def fill_answers(blank_nb, source_nb, replace: dict[str, str] | None = None):
    """The student notebook with every answer cell holding the solution's code (or replace's)."""
    nb = copy.deepcopy(blank_nb)
    for cell in nb.cells:
        if is_answer(cell):
            name = grade_id(cell)
            cell.source = (replace or {}).get(name, answer_source(source_nb, name))
    return nb


def _copy_cell(cell):
    clone = copy.deepcopy(cell)
    clone["id"] = uuid.uuid4().hex[:8]  # as Jupyter does on paste: new id, same metadata
    return clone


WARNING_HOOK = (
    "import warnings as _course_warnings\n"
    "def _course_warn(_info):\n"
    "    with _course_warnings.catch_warnings():\n"
    "        _course_warnings.simplefilter('always')\n"
    "        _course_warnings.warn('this spelling will change in a future version',"
    " FutureWarning)\n"
    "get_ipython().events.register('pre_run_cell', _course_warn)\n"
)


def load_wrong_answers(chapter: str) -> list[dict]:
    path = COURSE / "tests" / "wrong_answers" / f"{chapter}.yml"
    assert path.exists(), f"{chapter}: no stored wrong answers at {path}"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(entries, list) and entries, f"{path} must be a non-empty list"
    return entries


def build_submissions(chapter: str, source_nb, blank_nb, folder: Path) -> dict:
    """Write the class's notebooks to folder/<student>.ipynb; returns what each should score."""
    pairs = exercises_of(source_nb)
    folder.mkdir(parents=True)
    plan = {}

    def write(student, nb, **expect):
        nbformat.write(nb, folder / f"{student}.ipynb")
        plan[student] = expect

    write("solution", source_nb)
    write("blank", blank_nb)
    by_exercise: dict[str, list[dict]] = {}
    for entry in load_wrong_answers(chapter):
        by_exercise.setdefault(entry["exercise"], []).append(entry)
    # the first wrong answer of each exercise alone, the further ones in packs (see above)
    packs = [(f"wrong-{exercise}", {exercise: entries[0]})
             for exercise, entries in by_exercise.items()]
    packs += [(f"wrong-pack-{j}", {exercise: entries[j] for exercise, entries in
                                   by_exercise.items() if len(entries) > j})
              for j in range(1, max(map(len, by_exercise.values())))]
    for student, pack in packs:
        write(student, fill_answers(blank_nb, source_nb,
                                    {ex: entry["source"] for ex, entry in pack.items()}),
              wrong={ex: entry["mistake"] for ex, entry in pack.items()})

    first = next(iter(pairs))
    nb = fill_answers(blank_nb, source_nb, {first: RUNAWAY})
    cells = []
    for cell in nb.cells:
        if is_test(cell):
            exercise = next(a for a, t in pairs.items() if t == grade_id(cell))
            cell.source = f"passed({exercise!r})\n"
            cells += [cell, _copy_cell(cell)]
        else:
            cells.append(cell)
    cells += [_copy_cell(c) for c in nb.cells if is_test(c)]
    nb.cells = cells
    write("runaway-tampered", nb, looping=first)

    nb = fill_answers(blank_nb, source_nb, {first: WARNING_HOOK + answer_source(source_nb, first)})
    nb.cells = [c for c in nb.cells if not (is_test(c) or is_locked_code(c))]
    write("deleted-warning", nb)
    return plan


# --------------------------------------------------------------------------------------------
# One graded class per chapter
# --------------------------------------------------------------------------------------------
class GradedClass:
    """One chapter's graded class; ``courses`` maps each student to the course graded in."""

    def __init__(self, chapter: str, courses: dict[str, Path], plan: dict, source_nb):
        self.chapter, self.courses, self.plan, self.source_nb = (
            chapter, courses, plan, source_nb)
        self.pairs = exercises_of(source_nb)
        self.max_scores = {grade_id(c): float(c.metadata.nbgrader["points"])
                           for c in source_nb.cells if is_test(c)}
        self.scores = self._read_gradebooks()

    def _read_gradebooks(self) -> dict[str, dict[str, float]]:
        from nbgrader.api import Gradebook

        scores = {}
        for student, course in self.courses.items():
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
                nb = gb.find_submission_notebook(self.chapter, self.chapter, student)
                scores[student] = {g.name: float(g.score or 0.0) for g in nb.grades
                                   if g.name in self.max_scores}
        return scores

    def autograded_path(self, student: str) -> Path:
        return (self.courses[student] / "autograded" / student / self.chapter /
                f"{self.chapter}.ipynb")

    def autograded(self, student: str):
        return nbformat.read(self.autograded_path(student), as_version=4)

    def feedback_html(self, student: str) -> str:
        return (self.courses[student] / "feedback" / student / self.chapter /
                f"{self.chapter}.html").read_text(encoding="utf-8")

    def describe(self, student: str) -> str:
        return (f"{self.chapter}, student {student!r}: scores {self.scores[student]}"
                + why_points_were_lost(self.autograded_path(student)))


def why_points_were_lost(path: Path) -> str:
    """The errors of the autograded notebook's cells, with their run times, and their stderr
    text, so that a failed proof says whether a check failed, a cell timed out or a kernel died
    (on CI, where the scratch courses are gone once the session ends)."""
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as error:
        return f"\n  (no autograded notebook: {error})"
    lines = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = str(out.get("text", ""))
            if out.get("output_type") == "stream" and (out.get("name") == "stderr"
                                                       or text.startswith("[stderr]")):
                lines.append(f"\n  cell {index} ({grade_id(cell) or 'demo'}) stderr: "
                             f"{text[:300]!r}")
            if out.get("output_type") != "error":
                continue
            run = cell.metadata.get("execution", {})
            took = ""
            if "iopub.execute_input" in run and "shell.execute_reply" in run:
                start, end = (datetime.fromisoformat(run[k].replace("Z", "+00:00"))
                              for k in ("iopub.execute_input", "shell.execute_reply"))
                took = f" after {(end - start).total_seconds():.1f} s"
            lines.append(f"\n  cell {index} ({grade_id(cell) or 'demo'}){took}: "
                         f"{out.get('ename')}: {str(out.get('evalue'))[:300]}")
    return "".join(lines) or "\n  (no cell has an error or stderr text)"


def _new_course(base: Path, chapter: str) -> Path:
    """A scratch course with the chapter released: the repository's config with a short
    per-cell timeout, the chapter's solution folder, and the chapter's student folder and
    gradebook as the session's one ``course release`` made them (:meth:`GradingPool.released`)."""
    released = grading_pool().released()
    base.mkdir(parents=True)
    config = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    (base / "nbgrader_config.py").write_text(
        config + f"\n# test run: a short per-cell timeout\nc.Execute.timeout = {TIMEOUT}\n",
        encoding="utf-8")
    shutil.copytree(COURSE / "solutions" / chapter, base / "solutions" / chapter,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copytree(released / "notebooks" / chapter, base / "notebooks" / chapter)
    shutil.copy(released / "gradebook.db", base / "gradebook.db")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{base / 'gradebook.db'}") as gb:  # this chapter only
        for other in [a.name for a in gb.assignments if a.name != chapter]:
            gb.remove_assignment(other)
    return base


class _Slots:
    """At most ``limit`` subprocesses at once; a waiting job with a lower priority goes first."""

    def __init__(self, limit: int):
        self._limit, self._busy, self._waiting = limit, 0, []
        self._changed = threading.Condition()

    def acquire(self, priority: tuple) -> None:
        with self._changed:
            heapq.heappush(self._waiting, priority)
            self._changed.wait_for(
                lambda: self._waiting[0] == priority and self._busy < self._limit)
            heapq.heappop(self._waiting)
            self._busy += 1
            self._changed.notify_all()

    def release(self) -> None:
        with self._changed:
            self._busy -= 1
            self._changed.notify_all()

    def raise_limit(self, limit: int) -> None:
        with self._changed:
            self._limit = max(self._limit, limit)
            self._changed.notify_all()


class GradingCluster:
    """A Dask cluster on loopback for the whole session, started as the README tells an
    instructor to start one: a ``dask scheduler`` process and ``dask worker`` processes (one
    thread each). Every chapter's class is graded on it by ``course autograde --scheduler``."""

    def __init__(self, base: Path, env: dict):
        # as the README advises for grading workers: no stack sampling every 10 ms
        self.base, self.env = base, {**env, "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
        self.processes: list[subprocess.Popen] = []
        self.workers = 0
        base.mkdir(parents=True, exist_ok=True)
        info = base / "scheduler.json"
        self._start([_dask(), "scheduler", "--host", "127.0.0.1", "--port", "0",
                     "--no-dashboard", "--scheduler-file", str(info)], "scheduler")
        deadline = time.monotonic() + 120
        while not info.exists() or not info.read_text().strip():
            assert self.processes[0].poll() is None, (
                f"dask scheduler exited: {(base / 'scheduler.log').read_text()[-3000:]}")
            assert time.monotonic() < deadline, "dask scheduler did not start in 120 s"
            time.sleep(0.2)
        self.address = json.loads(info.read_text())["address"]

    def _start(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.base / f"{name}.log", "wb")
        process = subprocess.Popen(args, cwd=self.base, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def add_workers(self, total: int) -> None:
        """Start workers until there are ``total``."""
        while self.workers < total:
            self.workers += 1
            self._start([_dask(), "worker", self.address, "--nthreads", "1",
                         "--memory-limit", "0", "--no-dashboard",
                         "--name", f"worker-{self.workers}"], f"worker-{self.workers}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _dask() -> str:
    return str(Path(sys.executable).parent / "dask")


class GradingPool:
    """Grades the selected chapters' classes in background threads, earliest chapter first.

    conftest's ``pytest_collection_finish`` starts it as soon as the tests are collected, so
    the grading (most of the suite's time) overlaps the test files that run before this one.
    Each chapter is graded as an instructor grades it: released (``course release``, once for
    all chapters: :meth:`released`), then ``course autograde --scheduler --feedback`` on the
    session's :class:`GradingCluster` (the product's own parallel grading: prepared and
    recorded by the ``course`` process, executed by the cluster's workers; then the feedback),
    each a real subprocess.
    While the earlier test files run, the cluster has one worker, leaving the other core to
    them; once a test here waits for a chapter, it gets ``WORKERS``. Other files' slow work
    joins in: other graded classes once every chapter has started (:meth:`in_background`),
    commands that need no cluster once every class is graded (:meth:`after_the_classes`)."""

    def __init__(self, base: Path):
        self.base = base
        self.env = _env()  # one snapshot: tests that change os.environ must not reach here
        self.slots = _Slots(2)
        self.jobs: dict[str, Future] = {}
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self._stopping = False
        self._cluster: GradingCluster | None = None
        self._released: Path | None = None
        self._releasing = threading.Lock()
        self.later: dict[str, Future] = {}
        self.tasks: dict[str, Future] = {}
        self.started: dict[str, threading.Event] = {}
        self._lane: ThreadPoolExecutor | None = None

    def released(self) -> Path:
        """A course in which ``course release`` (the instructor's command, one process for
        every chapter) generated each chapter from the repository's solutions, once for the
        session: scratch courses copy their chapter's release from here (:func:`_new_course`)
        and tests/test_notebooks.py compares its ``notebooks/`` with the repository's."""
        with self._releasing:
            if self._released is None:
                course = self.base / "released"
                course.mkdir(parents=True)
                shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
                shutil.copytree(COURSE / "solutions", course / "solutions",
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints",
                                                              "__pycache__"))
                run_ok([sys.executable, "-m", "course_lib.cli", "release"], course, self.env)
                self._released = course
            return self._released

    def cluster(self) -> GradingCluster:
        with self._lock:
            if self._cluster is None:
                self._cluster = GradingCluster(self.base / "cluster", self.env)
                self._cluster.add_workers(1)
            return self._cluster

    def autograde_args(self) -> list[str]:
        """``course autograde`` options that grade on the session's cluster."""
        return ["--scheduler", self.cluster().address]

    def submit(self, chapters) -> None:
        for chapter in chapters:
            with self._lock:
                if chapter in self.jobs:
                    continue
                future = self.jobs[chapter] = Future()
                self.started[chapter] = threading.Event()
                rank = len(self.jobs)
            threading.Thread(target=self._grade_into, args=(chapter, rank, future),
                             name=f"grading-{chapter}", daemon=True).start()

    def all_hands(self) -> None:
        """The main thread only waits from here on: all workers, more drivers."""
        self.cluster().add_workers(WORKERS)
        self.slots.raise_limit(WORKERS + 1)

    def result(self, chapter: str) -> GradedClass:
        self.submit([chapter])
        self.all_hands()
        courses, plan, source_nb = self.jobs[chapter].result()
        return GradedClass(chapter, courses, plan, source_nb)

    def stop(self) -> None:
        """Kill what still runs; delete the scratch courses unless a chapter failed."""
        self._stopping = True
        with self._lock:
            for process in self._running:
                process.kill()
        self.slots.raise_limit(1 << 30)  # wake every waiting job so that it can give up
        if self._lane is not None:
            self._lane.shutdown(wait=False, cancel_futures=True)
        if self._cluster is not None:
            self._cluster.stop()
        failed = any(f.done() and f.exception() for f in self.jobs.values())
        if failed:
            print(f"\ngrading scratch courses kept for inspection in {self.base}")
        else:
            shutil.rmtree(self.base, ignore_errors=True)

    def _grade_into(self, chapter: str, rank: int, future: Future) -> None:
        try:
            future.set_result(self._grade(chapter, rank))
        except BaseException as exc:  # reported by the chapter's tests
            future.set_exception(exc)
        finally:
            self.started[chapter].set()

    def in_background(self, name: str, build) -> None:
        """Run ``build()`` in a background thread once every chapter's class submitted so far
        is being graded (none waits for its turn any more): the other graded classes (the
        attack proofs', the made-up class of the report tests) then keep the cluster busy
        while its last chapters finish, instead of being graded later while a test waits.
        :meth:`task_result` gives what ``build()`` returned."""
        with self._lock:
            if name in self.tasks:
                return
            future = self.tasks[name] = Future()
            started = list(self.started.values())

        def run():
            try:
                for event in started:
                    event.wait()
                if self._stopping:
                    raise RuntimeError("the test session ended before this ran")
                future.set_result(build())
            except BaseException as exc:  # reported by the test that needs it
                future.set_exception(exc)

        threading.Thread(target=run, name=f"background-{name}", daemon=True).start()

    def task_result(self, name: str, build):
        """What ``build()`` returned, queued as ``name`` (queued here if it was not)."""
        self.in_background(name, build)
        self.all_hands()
        return self.tasks[name].result()

    def _run(self, args: list[str], cwd: Path, rank: int, on_start=None) -> None:
        self.slots.acquire((rank, next(self._order)))
        if on_start is not None:
            on_start()
        try:
            done = self._call(args, cwd)
        finally:
            self.slots.release()
        assert done.returncode == 0, (
            f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-4000:]}\n"
            f"{done.stderr[-6000:]}")

    def _call(self, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
        """Run a command to its end (killed if the session stops first)."""
        if self._stopping:
            raise RuntimeError("the test session ended before this ran")
        process = subprocess.Popen(args, cwd=cwd, env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        with self._lock:
            self._running.add(process)
        try:
            out, err = process.communicate(timeout=1800)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        finally:
            with self._lock:
                self._running.discard(process)
        return subprocess.CompletedProcess(args, process.returncode, out, err)

    def after_the_classes(self, name: str, args: list[str], cwd: Path) -> None:
        """Queue a command that runs in the background once every chapter's class submitted
        so far is graded, one such command at a time: work that would otherwise run alone at
        the end of the suite (nbval, the blank Run All) then shares the machine with the
        tests after tests/test_grading.py, which leave a core mostly idle (waits, sleeps)."""
        with self._lock:
            if name in self.later:
                return
            if self._lane is None:
                self._lane = ThreadPoolExecutor(1, thread_name_prefix="after-the-classes")
            chapters = list(self.jobs.values())

            def run():
                wait(chapters)
                return self._call(args, cwd)

            self.later[name] = self._lane.submit(run)

    def later_result(self, name: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
        """The finished command queued as ``name`` (queued here if it was not)."""
        self.after_the_classes(name, args, cwd)
        if self.jobs:  # it waits for the classes: grade them with every hand
            self.all_hands()
        return self.later[name].result()

    def _grade(self, chapter: str, rank: int):
        """The chapter's class graded in one scratch course with its own gradebook."""
        tmp = self.base / chapter
        course = _new_course(tmp / "course", chapter)
        source_nb = nbformat.read(course / "solutions" / chapter / f"{chapter}.ipynb",
                                  as_version=4)
        blank_nb = nbformat.read(course / "notebooks" / chapter / f"{chapter}.ipynb",
                                 as_version=4)
        plan = build_submissions(chapter, source_nb, blank_nb, course / "class")
        self._run([sys.executable, "-m", "course_lib.cli", "autograde", chapter,
                   str(course / "class"), "--feedback", *self.autograde_args()], course, rank,
                  on_start=self.started[chapter].set)
        return {student: course for student in plan}, plan, source_nb


_POOL: GradingPool | None = None


def grading_pool() -> GradingPool:
    global _POOL
    if _POOL is None:
        _POOL = GradingPool(Path(tempfile.mkdtemp(prefix="course-grading-")))
        # other test files use the pool too: its cluster must stop with any session
        atexit.register(stop_background)
    return _POOL


def start_in_background(items) -> None:
    """conftest calls this with this module's selected tests once collection is done."""
    chapters = [item.callspec.params.get("graded") for item in items
                if hasattr(item, "callspec")]
    grading_pool().submit(sorted({c for c in chapters if c is not None}))


def stop_background() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.stop()
        _POOL = None


@pytest.fixture(scope="module", params=CHAPTERS)
def graded(request) -> GradedClass:
    """The chapter's graded class, from the background pool (graded now if not started)."""
    return grading_pool().result(request.param)


# --------------------------------------------------------------------------------------------
# The proofs
# --------------------------------------------------------------------------------------------
def test_every_exercise_has_an_answer_cell_and_one_test_cell(graded):
    assert graded.pairs, f"{graded.chapter} has no autograded exercise"
    for answer, test in graded.pairs.items():
        assert graded.max_scores[test] > 0, f"{test} is worth no points"


def test_solution_scores_full_marks(graded):
    assert graded.scores["solution"] == graded.max_scores, (
        graded.describe("solution") + f"; expected {graded.max_scores}. A cell slower than "
        f"{TIMEOUT} s fails here: raise COURSE_TEST_TIMEOUT or speed the cell up.")


def test_untouched_student_notebook_scores_zero(graded):
    assert all(score == 0 for score in graded.scores["blank"].values()), graded.describe("blank")


def _wrong_students(graded) -> list[str]:
    return [s for s in graded.plan if s.startswith("wrong-")]


def test_each_exercise_has_a_stored_wrong_answer(graded):
    covered = {ex for s in _wrong_students(graded) for ex in graded.plan[s]["wrong"]}
    unknown = covered - set(graded.pairs)
    assert not unknown, f"wrong answers name exercises that do not exist: {sorted(unknown)}"
    missing = set(graded.pairs) - covered
    assert not missing, f"{graded.chapter}: no stored wrong answer for {sorted(missing)}"
    for student in _wrong_students(graded):
        for exercise, mistake in graded.plan[student]["wrong"].items():
            assert str(mistake).strip(), f"{student}: {exercise} does not say what the mistake is"


def test_each_wrong_answer_loses_its_exercise_and_no_other(graded):
    for student in _wrong_students(graded):
        wrong = graded.plan[student]["wrong"]
        scores = graded.scores[student]
        for exercise, mistake in wrong.items():
            own_test = graded.pairs[exercise]
            assert scores[own_test] < graded.max_scores[own_test], (
                f"{graded.describe(student)}: the wrong answer to {exercise!r} ({mistake}) "
                f"keeps all its points")
        own_tests = {graded.pairs[exercise] for exercise in wrong}
        others = {t: s for t, s in scores.items() if t not in own_tests}
        assert others == {t: graded.max_scores[t] for t in others}, (
            f"{graded.describe(student)}: the wrong answers to {sorted(wrong)} "
            f"({'; '.join(wrong.values())}) also cost points in other exercises")


def _test_ids_in_order(nb) -> list[str]:
    return [grade_id(c) for c in nb.cells if is_test(c)]


def _source_test_order(graded) -> list[str]:
    return [grade_id(c) for c in graded.source_nb.cells if is_test(c)]


def _all_ids(nb) -> list[str]:
    return [grade_id(c) for c in nb.cells if grade_id(c)]


def test_runaway_exercise_times_out_and_the_rest_still_scores(graded):
    student = "runaway-tampered"
    looping = graded.plan[student]["looping"]
    looping_test = graded.pairs[looping]
    nb = graded.autograded(student)
    answer = next(c for c in nb.cells if grade_id(c) == looping)
    assert any(o.output_type == "error" and o.ename == "CellTimeoutError"
               for o in answer.outputs), f"{looping}: the endless loop was not stopped"
    scores = graded.scores[student]
    assert scores[looping_test] == 0, graded.describe(student)
    others = {t: s for t, s in scores.items() if t != looping_test}
    assert others == {t: graded.max_scores[t] for t in others}, graded.describe(student)


def test_edited_and_duplicated_test_cells_are_graded_by_the_originals_once(graded):
    # The edited copies only call passed(...): graded as submitted, the looping exercise would
    # score. Zero there proves the original checks ran; each id once, under its answer.
    nb = graded.autograded("runaway-tampered")
    assert _test_ids_in_order(nb) == _source_test_order(graded)
    assert _all_ids(nb) == _all_ids(graded.source_nb)  # each in its place, once
    sources = {grade_id(c): c.source for c in graded.source_nb.cells if is_test(c)}
    for cell in nb.cells:
        if is_test(cell):
            assert cell.source == sources[grade_id(cell)], f"{grade_id(cell)} was not restored"


def test_deleted_test_cells_are_restored_and_warnings_do_not_cost_points(graded):
    student = "deleted-warning"
    assert graded.scores[student] == graded.max_scores, graded.describe(student)
    nb = graded.autograded(student)
    assert _test_ids_in_order(nb) == _source_test_order(graded)
    assert _all_ids(nb) == _all_ids(graded.source_nb)  # each in its place, once


def _visible_text(page: str) -> str:
    """What a browser shows of the feedback page (tags dropped, entities decoded)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _hidden_lines(graded) -> list[str]:
    """Lines of hidden test code that appear nowhere in the student's notebook.

    Compared without whitespace, as the feedback is searched: a hidden line such as
    ``"a": 1, "b": 2,`` may equal two lines of the solution's own answer, which the feedback
    rightly shows.
    """
    released = re.sub(r"\s+", "", "\0".join(c.source for c in graded.source_nb.cells
                                           if not is_test(c)))
    lines = []
    for cell in graded.source_nb.cells:
        if is_test(cell):
            for block in re.findall(re.escape(BEGIN_HIDDEN) + r"(.*?)" + re.escape(END_HIDDEN),
                                    cell.source, flags=re.S):
                lines += [ln.strip() for ln in block.splitlines()
                          if len(ln.strip()) > 8 and re.sub(r"\s+", "", ln) not in released]
    return lines


def test_feedback_shows_no_hidden_test_code(graded):
    hidden = _hidden_lines(graded)
    assert hidden, f"{graded.chapter}: the test cells have no hidden tests"
    squashed_lines = [(line, re.sub(r"\s+", "", line)) for line in hidden]
    for student in graded.plan:
        page = graded.feedback_html(student)
        text = _visible_text(page)
        for marker in (BEGIN_HIDDEN, END_HIDDEN):
            assert marker not in text and marker not in page, f"{student}: {marker} shown"
        squashed_text = re.sub(r"\s+", "", text)  # once per page, not once per hidden line
        for line, squashed in squashed_lines:
            assert squashed not in squashed_text, (
                f"{graded.chapter} feedback for {student} shows hidden test code: {line!r}")


def test_feedback_names_the_failed_exercise_and_its_check_message(graded):
    student = next(iter(_wrong_students(graded)), None)
    if student is None:
        pytest.skip("no wrong answer stored")
    exercise = next(iter(graded.plan[student]["wrong"]))
    text = _visible_text(graded.feedback_html(student))
    assert f"exercise '{exercise}'" in text and "Not passed" in text, text[-2000:]
    # the failed check's own message comes from the autograded notebook's CheckFailed output
    nb = graded.autograded(student)
    test = next(c for c in nb.cells if grade_id(c) == graded.pairs[exercise])
    errors = [o for o in test.outputs if o.output_type == "error"]
    if errors and errors[0].ename == "CheckFailed":
        first_line = errors[0].evalue.strip().splitlines()[0].strip()
        assert re.sub(r"\s+", " ", first_line) in re.sub(r"\s+", " ", text)


def test_report_and_export_agree_with_the_gradebook(graded, capsys):
    import csv

    from course_lib.cli import main

    for course in sorted(set(graded.courses.values())):
        students = [s for s, c in graded.courses.items() if c == course]
        assert main(["--root", str(course), "report", graded.chapter]) == 0
        report = capsys.readouterr().out
        for test, max_score in graded.max_scores.items():
            passed = sum(graded.scores[s][test] >= max_score for s in students)
            assert re.search(rf"{re.escape(test)}\s+{passed}/{len(students)}\b", report), report
        assert main(["--root", str(course), "export", str(course / "grades.csv")]) == 0
        rows = list(csv.DictReader((course / "grades.csv").open(encoding="utf-8")))
        assert {r["student_id"] for r in rows} == set(students)
        for row in rows:
            assert float(row["score"]) == pytest.approx(
                sum(graded.scores[row["student_id"]].values()))
            assert float(row["max_score"]) == pytest.approx(sum(graded.max_scores.values()))
