"""Grading at class scale, through real ``course autograde`` runs on scratch courses.

- ``--jobs 1`` (in the grading process), ``--jobs 2`` (a Dask ``LocalCluster``) and
  ``--scheduler`` (the session's cluster of ``dask scheduler``/``dask worker`` processes, see
  tests/test_grading.py) give the same scores and the same test-cell outputs;
- a Dask worker killed (SIGKILL) while it executes a submission costs a retry, not a grade;
- Ctrl-C (SIGINT to the whole process group, as a terminal sends it) leaves every submission
  recorded before it whole and every other student's gradebook rows as they were;
- the gradebook works on a real PostgreSQL server started here (``initdb`` in a temporary
  folder, ``pg_ctl`` on a loopback port), and two graders recording two chapters into it at
  the same time, for the same new students, lose nothing.

The classes are chapter 00's (one exercise, a few seconds a submission): the solution, the
blank notebook, each stored wrong answer, and copies of the solution whose answer sleeps
first (``slow-*``), which keep a worker busy long enough to be killed or interrupted.

The gradings run in the background (:func:`start_in_background`, as tests/test_grading.py's
classes do), all at once, as soon as every chapter's class has started: alone at the end of
the suite, their sleeps and start-ups left a core idle for two minutes. The tests then check
what they recorded.
"""
from __future__ import annotations

import csv
import getpass
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from test_grading import (GradingCluster, _env, _new_course, fill_answers, grade_id,
                          grading_pool, is_test, load_wrong_answers, run_ok as _run)

yaml = pytest.importorskip("yaml")

CHAPTER = "00_start_here"
OTHER = "99_start_again"  # chapter 00 again under another name, for a second grader
COURSE = [sys.executable, "-m", "course_lib.cli"]


def _write_class(course: Path, folder: Path, slow: int = 1, sleep: float = 3.0) -> dict:
    """The class's notebooks in ``folder``; returns each student's expected score share."""
    source = nbformat.read(course / "solutions" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    blank = nbformat.read(course / "notebooks" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    folder.mkdir(parents=True, exist_ok=True)
    expect = {"solution": 1.0, "blank": 0.0}
    nbformat.write(source, folder / "solution.ipynb")
    nbformat.write(blank, folder / "blank.ipynb")
    for k, entry in enumerate(load_wrong_answers(CHAPTER)):
        nb = fill_answers(blank, source, {entry["exercise"]: entry["source"]})
        nbformat.write(nb, folder / f"wrong-{k}.ipynb")
        expect[f"wrong-{k}"] = 0.0
    answer = next(grade_id(c) for c in source.cells
                  if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    solved = next(c.source for c in source.cells if grade_id(c) == answer)
    for k in range(slow):
        nb = fill_answers(blank, source, {answer: f"import time\ntime.sleep({sleep})\n{solved}"})
        nbformat.write(nb, folder / f"slow-{k}.ipynb")
        expect[f"slow-{k}"] = 1.0
    return expect


def _course(base: Path, chapters=(CHAPTER,)) -> Path:
    course = _new_course(base, chapters[0])
    for extra in chapters[1:]:  # a second chapter: chapter 00 under another name, released
        target = course / "solutions" / extra  # by `course autograde` when it first grades it
        target.mkdir(parents=True)
        shutil.copy(course / "solutions" / chapters[0] / f"{chapters[0]}.ipynb",
                    target / f"{extra}.ipynb")
    return course


def _scores(db_url: str, chapter: str, students) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        out = {}
        for student in students:
            nb = gb.find_submission_notebook(chapter, chapter, student)
            out[student] = {g.name: float(g.score or 0.0) for g in nb.grades
                            if g.max_score and g.cell_type == "code"}
        return out


def _shares(scores: dict, max_score: float) -> dict[str, float]:
    return {s: sum(v.values()) / max_score for s, v in scores.items()}


def _test_outputs(course: Path, student: str) -> list:
    """What each test cell printed or raised in the autograded notebook (not timings)."""
    nb = nbformat.read(course / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb",
                       as_version=4)
    return [[(o.output_type, o.get("ename"), o.get("evalue"), o.get("text"))
             for o in c.outputs] for c in nb.cells if is_test(c)]


def _sqlite(course: Path) -> str:
    return f"sqlite:///{course / 'gradebook.db'}"


# --------------------------------------------------------------------------------------------
# The gradings: run in the background with the other graded classes (start_in_background), so
# that their sleeps and start-ups overlap other work instead of running alone at the end
# --------------------------------------------------------------------------------------------
def _three_ways(base: Path) -> dict:
    """The same class graded ``--jobs 1``, ``--jobs 2`` and on the session's cluster, at once:
    {way: (course, expected shares, the command's output)}."""
    runs = {"jobs-1": ["--jobs", "1"], "jobs-2": ["--jobs", "2"],
            "cluster": grading_pool().autograde_args()}

    def grade(name):
        course = _course(base / name)
        expect = _write_class(course, course / "class")
        done = _run(COURSE + ["autograde", CHAPTER, "class", *runs[name]], course)
        return course, expect, done.stdout

    with ThreadPoolExecutor(len(runs)) as pool:
        return dict(zip(runs, pool.map(grade, runs)))


def _killed_worker(base: Path) -> dict:
    """A class graded on a cluster of two workers, one of them killed (SIGKILL) while it
    executes a slow submission."""
    from distributed import Client

    course = _course(base / "course")
    expect = _write_class(course, course / "class", slow=2, sleep=6.0)
    cluster = GradingCluster(base / "cluster", _env())
    try:
        cluster.add_workers(2)
        with Client(cluster.address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            grader = subprocess.Popen(COURSE + ["autograde", CHAPTER, "class", "--scheduler",
                                                cluster.address],
                                      cwd=course, env=_env(), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
            victim = None
            deadline = time.monotonic() + 300
            while victim is None and time.monotonic() < deadline and grader.poll() is None:
                for worker, keys in client.processing().items():
                    if any("-slow-" in str(key) for key in keys):
                        victim = worker
                time.sleep(0.2)
            pid = None
            if victim is not None:
                time.sleep(1.0)  # well inside the submission's 6 s sleep
                pid = client.run(os.getpid, workers=[victim])[victim]
                os.kill(pid, signal.SIGKILL)
            out, err = grader.communicate(timeout=600)
            after = set(client.run(os.getpid).values())
    finally:
        cluster.stop()
    return {"course": course, "expect": expect, "pid": pid, "after": after, "out": out,
            "err": err, "returncode": grader.returncode}


def _ctrl_c(base: Path) -> dict:
    """A class graded once, then everybody resubmits and a ``--jobs 2`` grading is
    interrupted (SIGINT to its process group) as soon as its first submission is recorded."""
    course = _course(base / "course")
    expect = _write_class(course, course / "class", slow=4, sleep=4.0)
    _run(COURSE + ["autograde", CHAPTER, "class", "--jobs", "1"], course)
    before = _rows(course, expect)
    # everybody resubmits the blank notebook: a full run would zero every score
    blank = course / "notebooks" / CHAPTER / f"{CHAPTER}.ipynb"
    for student in expect:
        target = course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"
        shutil.copy(blank, target)
    (course / "submitted" / "slow-0" / CHAPTER / f"{CHAPTER}.ipynb").write_text(
        (course / "class" / "slow-0.ipynb").read_text())  # one slow one stays slow
    grader = subprocess.Popen(COURSE + ["autograde", CHAPTER, "--jobs", "2"], cwd=course,
                              env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    lines = []
    for line in grader.stdout:
        lines.append(line)
        if line.startswith("[1/"):
            os.killpg(grader.pid, signal.SIGINT)  # Ctrl-C in the terminal
            break
    rest, err = grader.communicate(timeout=300)
    return {"expect": expect, "before": before, "after": _rows(course, expect),
            "out": "".join(lines) + rest, "err": err, "returncode": grader.returncode}


def start_in_background(items) -> None:
    """conftest calls this once the tests are collected: the gradings of the selected tests
    start once every chapter's class has started (tests/test_grading.py)."""
    wanted = {item.originalname for item in items}
    for name, test in (("three ways", "test_parallel_and_cluster_grading_give_the_sequential_"
                                      "grades"),
                       ("killed worker", "test_a_killed_worker_costs_a_retry_not_a_grade"),
                       ("ctrl-c", "test_ctrl_c_keeps_whole_records_and_leaves_the_rest_as_they_"
                                  "were")):
        if test in wanted:
            grading_pool().in_background(f"scale: {name}", _builder(name))
    if wanted & {"test_the_gradebook_round_trips_through_postgresql",
                 "test_two_graders_at_once_into_one_postgresql_gradebook_lose_nothing"} \
            and _postgres_missing() is None:
        grading_pool().in_background("scale: postgres", _builder("postgres"))


def _builder(name: str):
    return lambda: _GRADINGS[name](grading_pool().base / "scale" / name.replace(" ", "-"))


def _graded(name: str):
    return grading_pool().task_result(f"scale: {name}", _builder(name))


# --------------------------------------------------------------------------------------------
def test_parallel_and_cluster_grading_give_the_sequential_grades():
    results = _graded("three ways")
    for name, (_, expect, stdout) in results.items():
        n = len(expect)
        assert f"graded {n} of {n}, 0 failed" in stdout, stdout
        assert all(f"[{i}/{n}] " in stdout for i in range(1, n + 1)), stdout
        if name == "jobs-2":
            assert "2 Dask worker(s) on this machine" in stdout, stdout
    course, expect, _ = results["jobs-1"]
    sequential = _scores(_sqlite(course), CHAPTER, expect)
    max_score = max(sum(v.values()) for v in sequential.values())
    assert max_score > 0 and _shares(sequential, max_score) == expect, sequential
    for name in ("jobs-2", "cluster"):
        other_course = results[name][0]
        scores = _scores(_sqlite(other_course), CHAPTER, expect)
        assert scores == sequential, f"{name} graded differently from --jobs 1"
        for student in expect:
            assert _test_outputs(other_course, student) == _test_outputs(course, student), (
                f"{name}: {student}'s test cells printed something else than under --jobs 1")


def test_a_killed_worker_costs_a_retry_not_a_grade():
    run = _graded("killed worker")
    out, expect = run["out"], run["expect"]
    assert run["pid"] is not None, "no slow submission was seen executing on a worker"
    assert run["returncode"] == 0, f"{out[-3000:]}\n{run['err'][-3000:]}"
    assert run["pid"] not in run["after"], "the killed worker is still there"
    n = len(expect)
    assert f"graded {n} of {n}, 0 failed" in out, out
    scores = _scores(_sqlite(run["course"]), CHAPTER, expect)
    max_score = max(sum(v.values()) for v in scores.values())
    assert _shares(scores, max_score) == expect, scores


def _rows(course: Path, students) -> dict[str, list]:
    """Every gradebook row that belongs to each student (submission, notebooks, grades)."""
    con = sqlite3.connect(course / "gradebook.db")
    try:
        out = {}
        for student in students:
            rows = con.execute(
                "SELECT sa.id, sa.timestamp, sn.id, g.cell_id, g.auto_score, g.manual_score, "
                "g.needs_manual_grade FROM submitted_assignment sa "
                "JOIN submitted_notebook sn ON sn.assignment_id = sa.id "
                "JOIN grade g ON g.notebook_id = sn.id WHERE sa.student_id = ? "
                "ORDER BY g.cell_id", (student,)).fetchall()
            out[student] = rows
        return out
    finally:
        con.close()


def test_ctrl_c_keeps_whole_records_and_leaves_the_rest_as_they_were():
    run = _graded("ctrl-c")
    expect, before, after, out = run["expect"], run["before"], run["after"], run["out"]
    assert all(before.values()), "the first grading wrote no rows"
    assert run["returncode"] == 130, f"exit {run['returncode']}\n{out}\n{run['err'][-3000:]}"
    assert "interrupted" in out, out
    recorded = {line.split("] ", 1)[1].split(":")[0] for line in out.splitlines()
                if line.startswith("[")}
    assert recorded and len(recorded) < len(expect), (
        f"the interrupt should land with some submissions recorded and some not:\n{out}")
    for student in expect:
        if student in recorded:  # the new grading, whole: slow-0 solved, the rest blank
            scores = [row[4] for row in after[student]]
            assert scores, f"{student} was recorded but has no grades"
            if student == "slow-0":
                assert all(s > 0 for s in scores), f"slow-0: {after[student]}"
            else:
                assert all(s == 0 for s in scores), f"{student}: {after[student]}"
        else:
            assert after[student] == before[student], (
                f"{student} was not recorded, yet its gradebook rows changed")


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------
def _postgres_bin() -> Path | None:
    for candidate in [shutil.which("initdb"), *sorted(Path("/usr/lib/postgresql").glob(
            "*/bin/initdb"), reverse=True)]:
        if candidate and Path(candidate).exists():
            return Path(candidate).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_missing() -> str | None:
    """Why no PostgreSQL server can be started here, or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg driver is not installed"
    if _postgres_bin() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    return None


@contextmanager
def _postgres_server():
    """A throw-away PostgreSQL server on a loopback port; yields a URL maker."""
    bindir = _postgres_bin()
    # a folder of its own under /tmp: pytest's are private to root, which the server is not
    base = Path(tempfile.mkdtemp(prefix="course-postgres-"))
    data, sockets = base / "data", base / "run"
    sockets.mkdir()
    prefix, user = [], getpass.getuser()
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: an unprivileged user runs it
        user = "postgres" if _user_exists("postgres") else "nobody"
        entry = pwd.getpwnam(user)
        for path in (base, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        base.chmod(0o755)
        prefix = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
                  "--clear-groups", "--"]
    port = _free_port()
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "LANG": "C"}
    def run(args):
        done = subprocess.run(prefix + args, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"

    run([str(bindir / "initdb"), "-D", str(data), "-U", "grader", "--auth=trust", "-E", "UTF8"])
    run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-o",
         f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets}", "start"])
    try:
        def url(database: str) -> str:
            from sqlalchemy import create_engine, text

            admin = create_engine(f"postgresql+psycopg://grader@127.0.0.1:{port}/postgres",
                                  isolation_level="AUTOCOMMIT")
            with admin.connect() as con:
                con.execute(text(f'CREATE DATABASE "{database}"'))
            admin.dispose()
            return f"postgresql+psycopg://grader@127.0.0.1:{port}/{database}"

        yield url
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                 "stop"], env=env, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _round_trip(base: Path, url: str) -> dict:
    """Chapter 00 released, graded (``--jobs 2``) and exported with the gradebook in
    PostgreSQL."""
    env = {**_env(), "COURSE_GRADEBOOK_URL": url}
    course = _new_course(base, CHAPTER)
    (course / "gradebook.db").unlink()  # this course's gradebook is the PostgreSQL one
    _run(COURSE + ["release", CHAPTER], course, env=env)
    expect = _write_class(course, course / "class", slow=0)
    _run(COURSE + ["autograde", CHAPTER, "class", "--jobs", "2"], course, env=env)
    _run(COURSE + ["export", "grades.csv"], course, env=env)
    with open(course / "grades.csv", newline="") as f:
        sheet = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)
                 if row["assignment"] == CHAPTER}
    return {"expect": expect, "sqlite": (course / "gradebook.db").exists(), "sheet": sheet,
            "scores": _scores(url, CHAPTER, expect)}


def _two_graders(base: Path, url: str) -> dict:
    """Two chapters graded into one new PostgreSQL gradebook by two graders at once."""
    env = {**_env(), "COURSE_GRADEBOOK_URL": url}
    course = _course(base, (CHAPTER, OTHER))
    expect = _write_class(course, course / "class", slow=0)
    # both graders start on an empty database: both create the schema, the course, the same
    # students, at the same moment
    graders = [subprocess.Popen(COURSE + ["autograde", chapter, "class", "--jobs", "1"],
                                cwd=course, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
               for chapter in (CHAPTER, OTHER)]
    ends = []
    for grader in graders:
        out, err = grader.communicate(timeout=900)
        ends.append((grader.returncode, out, err))
    return {"expect": expect, "ends": ends,
            "scores": {chapter: _scores(url, chapter, expect) for chapter in (CHAPTER, OTHER)}}


def _postgres_gradings(base: Path) -> dict:
    """Both PostgreSQL gradings at once, on one server started for them."""
    with _postgres_server() as url:
        jobs = {"round trip": (_round_trip, url("roundtrip")),
                "two graders": (_two_graders, url("shared"))}
        with ThreadPoolExecutor(len(jobs)) as pool:
            futures = {name: pool.submit(build, base / name.replace(" ", "-"), db)
                       for name, (build, db) in jobs.items()}
            return {name: future.result() for name, future in futures.items()}


#: Each test's grading, by name: started in the background by :func:`start_in_background`
#: (or by its test, when that comes first), in a folder of the session's grading pool.
_GRADINGS = {"three ways": _three_ways, "killed worker": _killed_worker, "ctrl-c": _ctrl_c,
             "postgres": _postgres_gradings}


@pytest.fixture(scope="module")
def postgres_graded():
    """The two PostgreSQL gradings, on one server (skipped where none can start, never on CI)."""
    why = _postgres_missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is missing on CI ({why}): .ci/run installs Debian's "
                        f"postgresql and pip install -e .[dev] the driver")
        pytest.skip(why)
    return _graded("postgres")


def test_the_gradebook_round_trips_through_postgresql(postgres_graded):
    run = postgres_graded["round trip"]
    expect, scores = run["expect"], run["scores"]
    assert not run["sqlite"], "graded into SQLite, not PostgreSQL"
    max_score = max(sum(v.values()) for v in scores.values())
    assert _shares(scores, max_score) == expect, scores
    assert run["sheet"] == {s: share * max_score for s, share in expect.items()}, run["sheet"]


def test_two_graders_at_once_into_one_postgresql_gradebook_lose_nothing(postgres_graded):
    run = postgres_graded["two graders"]
    for returncode, out, err in run["ends"]:
        assert returncode == 0, f"{out[-3000:]}\n{err[-3000:]}"
    for chapter, scores in run["scores"].items():
        max_score = max(sum(v.values()) for v in scores.values())
        assert _shares(scores, max_score) == run["expect"], (chapter, scores)
