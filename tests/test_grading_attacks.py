"""Cheating submissions, graded for real (``course autograde`` on a scratch course).

For 01_what_is_ml and 06_gradient_descent, a scratch course first grades two honest students
(``bystander-a``: the solution, ``bystander-b``: the blank notebook), then takes snapshots of
the gradebook rows and of every file of the course, then grades the attackers in one
``course autograde`` run. Each attacker batches attacks that cannot mask one another:

==================  ========================================================================
student             submission                                            expected score
==================  ========================================================================
``interp``          no exercise solved; the first answer cell registers   zero everywhere
                    an AST transformer and an input transformer that
                    gut every cell calling a check, a trace and a
                    profile hook, and every answer returns an object whose
                    ``__eq__``, ``__array__``, ``__float__``, ``__len__``
                    and ``__iter__`` lie
``patches``         no exercise solved (answers return zeros); patches    zero everywhere
                    ``numpy.allclose``/``isclose``/``array_equal``,
                    ``numpy.testing``, every ``course_lib.checks``
                    function and the chapter's check functions
                    (``course_lib.exercises``), builtins (``isinstance``,
                    ``abs``, ``len``, ``print``), and writes ``numpy.py``
                    and a ``course_lib/`` package beside the notebook, all only
                    when it detects the grader (env, argv, cwd, parent)
``escape``          the solution, plus cells that try: ``sqlite3`` UPDATE of every       full marks but the
                    ``gradebook.db`` it can find (known path and           last exercise;
                    ``find /``), writes into the course folder and other   course files and
                    students' ``submitted/``/``autograded/`` files, a TCP  other students'
                    connection to a listener on 127.0.0.1, a fork bomb, a  gradebook rows
                    50 GB allocation (own cell), a 20 MB print (own cell), unchanged, no
                    and the last answer kills its own kernel               connection
``loop-call``       the solution, but the first answer loops forever when   all but the first
                    called (by its checks, then by the demo cells)         exercise; one timeout
``odd``             honest but odd: float32 / list results, warnings,    full marks
                    prints, an extra helper, a file written in the cwd
==================  ========================================================================

An endless loop (one timeout, not several) is proven in ``tests/test_grading.py``
(``runaway-tampered``) for every chapter.
"""
from __future__ import annotations

import hashlib
import socket
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from test_grading import (ROOT, _env, _new_course, exercises_of, fill_answers, grade_id,
                          grading_pool, is_answer, run_ok as _run,
                          why_points_were_lost)

CHAPTERS = ["01_what_is_ml", "06_gradient_descent"]
BYSTANDERS = ["bystander-a", "bystander-b"]

INTERP = '''
import ast as _ast, sys as _sys
_ip = get_ipython()
class _Gut(_ast.NodeTransformer):
    def visit_Module(self, node):
        text = _ast.unparse(node)
        if "check_" in text or "passed(" in text:
            return _ast.parse("print('all checks passed')")
        return node
_ip.ast_transformers.append(_Gut())
_ip.input_transformers_post.append(
    lambda lines: ["print('all checks passed')\\n"] if any("check_" in l for l in lines) else lines)
_sys.settrace(lambda *a: None)
_sys.setprofile(lambda *a: None)

class _Liar:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, dtype=None, copy=None):
        import numpy
        return numpy.zeros(3)
    def __float__(self): return 0.5
    def __int__(self): return 1
    def __index__(self): return 1
    def __len__(self): return 2
    def __iter__(self): return iter([_Liar(), _Liar()])
    def __getitem__(self, key): return _Liar()
    def __bool__(self): return True
    def __lt__(self, other): return True
    __le__ = __gt__ = __ge__ = __lt__
    def __sub__(self, other): return 0.0
    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__

def _lie(*args, **kwargs):
    return _Liar()
'''

PATCHES = '''
import builtins as _b, os as _os, sys as _sys
_graded = (any("grading" in k.lower() or "nbgrader" in k.lower() for k in _os.environ)
           or "course-" in _os.getcwd() or "ipykernel" in " ".join(_sys.argv) or True)
if _graded:
    import numpy, numpy.testing
    numpy.allclose = lambda *a, **k: True
    numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), dtype=bool)
    numpy.array_equal = lambda *a, **k: True
    numpy.testing.assert_allclose = lambda *a, **k: None
    numpy.testing.assert_array_equal = lambda *a, **k: None
    import course_lib.checks as _c
    for _n in ("check_close", "check_true", "check_shape", "check_type",
               "check_probabilities", "passed"):
        setattr(_c, _n, lambda *a, **k: None)
        get_ipython().user_ns[_n] = getattr(_c, _n)
    _b.isinstance = lambda *a: True
    _b.abs = lambda x: 0
    _real_len = len
    _b.len = lambda x: 3
    _b.print = lambda *a, **k: None
    with open("numpy.py", "w") as _f:
        _f.write("allclose = lambda *a, **k: True\\n")
    # the chapter's catalogue of checks: replaced in this kernel and shadowed beside it
    import importlib as _il, pkgutil as _pk, course_lib.exercises as _ex
    _os.makedirs("course_lib/exercises", exist_ok=True)
    with open("course_lib/__init__.py", "w") as _f:
        _f.write("")
    with open("course_lib/exercises/__init__.py", "w") as _f:
        _f.write("")
    for _info in _pk.iter_modules(_ex.__path__):
        _mod = _il.import_module("course_lib.exercises." + _info.name)
        with open(f"course_lib/exercises/{_info.name}.py", "w") as _f:
            for _n in [n for n in dir(_mod) if n.startswith("check_")]:
                setattr(_mod, _n, lambda *a, **k: None)
                _f.write(f"def {_n}(*a, **k): pass\n")
    for _n in [n for n in get_ipython().user_ns if n.startswith("check_")]:
        get_ipython().user_ns[_n] = lambda *a, **k: None
    with open("course_lib/checks.py", "w") as _f:
        _f.write("def check_close(*a, **k): pass\\ncheck_true = check_shape = check_type = "
                 "passed = check_close\\nclass CheckFailed(Exception): pass\\n")
    for _m in [m for m in _sys.modules if m.startswith(("numpy", "course_lib"))]:
        del _sys.modules[_m]
    _sys.path.insert(0, _os.getcwd())
'''

ESCAPE = '''
import glob as _glob, os as _os, socket as _socket, sqlite3 as _sqlite3, subprocess as _sp
_targets = [{course!r} + "/gradebook.db"]
try:
    _targets += _sp.run(["find", "/", "-name", "gradebook.db"], capture_output=True,
                        text=True, timeout=4).stdout.split()
except Exception:
    pass
for _p in _targets:
    try:
        _db = _sqlite3.connect(_p)
        _db.execute("UPDATE grade SET auto_score = 99, manual_score = 99")
        _db.commit()
    except Exception:
        pass
for _p in {victims!r}:
    try:
        with open(_p, "a") as _f:
            _f.write("owned")
    except Exception:
        pass
    try:
        _os.remove(_p)
    except Exception:
        pass
try:
    _socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"owned")
except Exception:
    pass
import time as _time
_kids = []
for _i in range(5000):
    try:
        _pid = _os.fork()
    except OSError:
        break
    if _pid == 0:
        _time.sleep(1)
        _os._exit(0)
    _kids.append(_pid)
for _k in _kids:
    _os.waitpid(_k, 0)
'''

KILL = '''
import os as _os, signal as _signal
try:
    _os.kill(_os.getppid(), _signal.SIGKILL)
except Exception:
    pass
_os.kill(_os.getpid(), _signal.SIGKILL)
'''

ODD = '''
import warnings as _warnings, functools as _functools, numpy as _np
def _helper(value):
    """An extra helper: float32 for floats, lists for 1-D float arrays."""
    if isinstance(value, float):
        return _np.float32(value) if value == _np.float32(value) else value
    return value
def _odd(function):
    @_functools.wraps(function)
    def wrapper(*args, **kwargs):
        _warnings.warn("this is only a warning", RuntimeWarning)
        print("computing", function.__name__)
        return _helper(function(*args, **kwargs))
    return wrapper
with open("notes.txt", "w") as _f:
    _f.write("my notes")
'''


def _hash_tree(root: Path, skip) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not skip(rel):
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _rows(db: Path) -> set:
    with sqlite3.connect(db) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {(t, row) for t in tables for row in con.execute(f"SELECT * FROM {t}")}


class _Listener:
    """A TCP server on 127.0.0.1 that records whether anybody connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


def _answer_names(source_nb) -> list[str]:
    return [grade_id(c) for c in source_nb.cells if is_answer(c)]


def _build(chapter: str, course: Path, port: int) -> dict:
    source_nb = nbformat.read(course / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    blank_nb = nbformat.read(course / "notebooks" / chapter / f"{chapter}.ipynb", as_version=4)
    answers = _answer_names(source_nb)
    first, last = answers[0], answers[-1]
    folder = course / "attack"
    folder.mkdir()
    plan = {}

    def cell_source(name):
        return next(c.source for c in blank_nb.cells if grade_id(c) == name)

    # interp: AST/input transformers, trace hooks, lying results, nothing solved
    replace = {name: cell_source(name) + f"\n{name} = _lie\n" for name in answers}
    replace[first] = INTERP + replace[first]
    nbformat.write(fill_answers(blank_nb, source_nb, replace), folder / "interp.ipynb")
    plan["interp"] = "zero"

    # patches: numpy, checks, builtins, shadow modules; answers return zeros
    replace = {name: cell_source(name) + f"\ndef {name}(*args, **kwargs):\n"
                                         f"    return 0.0\n" for name in answers}
    replace[first] = PATCHES + replace[first]
    nbformat.write(fill_answers(blank_nb, source_nb, replace), folder / "patches.ipynb")
    plan["patches"] = "zero"

    # escape: the solution, with every reach outside the box tried; the last answer kills
    victims = [str(course / p) for p in (
        "nbgrader_config.py", f"solutions/{chapter}/{chapter}.ipynb",
        f"submitted/bystander-a/{chapter}/{chapter}.ipynb",
        f"autograded/bystander-a/{chapter}/{chapter}.ipynb",
        f"autograded/bystander-b/{chapter}/{chapter}.ipynb")]
    solution = {name: next(c.source for c in source_nb.cells if grade_id(c) == name)
                for name in answers}
    replace = dict(solution)
    replace[last] = solution[last] + "\n" + KILL
    nb = fill_answers(blank_nb, source_nb, replace)
    position = next(i for i, c in enumerate(nb.cells) if grade_id(c) == first) + 1
    nb.cells[position:position] = [
        nbformat.v4.new_code_cell(ESCAPE.format(course=str(course), victims=victims,
                                                port=port)),
        nbformat.v4.new_code_cell("import numpy as _np\n_huge = _np.ones(50 * 10**9 // 8)\n"),
        nbformat.v4.new_code_cell("print('x' * 20_000_000)\n")]
    nbformat.write(nb, folder / "escape.ipynb")
    plan["escape"] = "all but last"

    # loop-call: the first answer loops forever when called (by the checks, then by demo cells)
    replace = dict(solution)
    replace[first] = solution[first] + (
        f"\n_honest_{first} = {first}\n"
        f"def {first}(*args, **kwargs):\n"
        f"    while True:\n"
        f"        try:\n"
        f"            pass\n"
        f"        except BaseException:\n"
        f"            pass\n")
    nbformat.write(fill_answers(blank_nb, source_nb, replace), folder / "loop-call.ipynb")
    plan["loop-call"] = "all but first"

    # odd: honest, with float32/list results, warnings, prints, a helper, a file
    replace = {name: solution[name] + f"\n{name} = _odd({name})\n" for name in answers}
    replace[first] = ODD + replace[first]
    nbformat.write(fill_answers(blank_nb, source_nb, replace), folder / "odd.ipynb")
    plan["odd"] = "full"
    return plan


def _grade_chapter(chapter: str, base: Path) -> dict:
    course = _new_course(base / chapter, chapter)
    source_nb = nbformat.read(course / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    blank_nb = nbformat.read(course / "notebooks" / chapter / f"{chapter}.ipynb", as_version=4)
    honest = course / "honest"
    honest.mkdir()
    nbformat.write(source_nb, honest / "bystander-a.ipynb")
    nbformat.write(blank_nb, honest / "bystander-b.ipynb")
    # graded as every chapter's class is: on the session's Dask cluster (test_grading)
    cluster = grading_pool().autograde_args()
    _run([sys.executable, "-m", "course_lib.cli", "autograde", chapter, str(honest), *cluster],
         course)
    rows_before = _rows(course / "gradebook.db")
    files_before = _hash_tree(course, lambda rel: rel == "gradebook.db")
    listener = _Listener()
    try:
        plan = _build(chapter, course, listener.port)
        _run([sys.executable, "-m", "course_lib.cli", "autograde", chapter,
              str(course / "attack"), *cluster], course)
    finally:
        listener.close()
    from nbgrader.api import Gradebook

    scores, max_scores = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in list(plan) + BYSTANDERS:
            nb = gb.find_submission_notebook(chapter, chapter, student)
            scores[student] = {g.name: float(g.score or 0) for g in nb.grades
                               if g.cell_type == "code" and g.max_score
                               and not g.name in _answer_names(source_nb)}
            max_scores = {g.name: float(g.max_score) for g in nb.grades
                          if g.cell_type == "code" and g.max_score
                          and g.name not in _answer_names(source_nb)}
    return {"course": course, "plan": plan, "scores": scores, "max": max_scores,
            "rows_before": rows_before, "rows_after": _rows(course / "gradebook.db"),
            "files_before": files_before,
            "files_after": _hash_tree(course, lambda rel: rel == "gradebook.db"),
            "connections": listener.connections,
            "pairs": exercises_of(source_nb), "answers": _answer_names(source_nb)}


def _grade_chapters() -> dict:
    base = grading_pool().base / "attacks"
    with ThreadPoolExecutor(len(CHAPTERS)) as pool:
        return dict(zip(CHAPTERS, pool.map(lambda c: _grade_chapter(c, base), CHAPTERS)))


def start_in_background(items) -> None:
    """conftest calls this once the tests are collected: the attacks are graded in the
    background, on the session's cluster, as soon as every chapter's class has started."""
    grading_pool().in_background("attacks", _grade_chapters)


@pytest.fixture(scope="module")
def attacked():
    return grading_pool().task_result("attacks", _grade_chapters)


@pytest.fixture(params=CHAPTERS)
def chapter(request, attacked):
    return attacked[request.param]


def _describe(result, student):
    chapter = result["course"].name
    return (f"{student}: {result['scores'][student]} (max {result['max']})" +
            why_points_were_lost(result["course"] / "autograded" / student / chapter /
                                 f"{chapter}.ipynb"))


@pytest.mark.parametrize("student", ["interp", "patches"])
def test_cheats_that_change_the_interpreter_score_zero(chapter, student):
    assert all(s == 0 for s in chapter["scores"][student].values()), _describe(chapter, student)


def test_honest_but_odd_submission_keeps_full_marks(chapter):
    assert chapter["scores"]["odd"] == chapter["max"], _describe(chapter, "odd")


def test_escape_attempts_score_what_the_honest_checks_give(chapter):
    last_test = chapter["pairs"][chapter["answers"][-1]]
    expected = {t: (0.0 if t == last_test else m) for t, m in chapter["max"].items()}
    assert chapter["scores"]["escape"] == expected, _describe(chapter, "escape")


def test_a_function_that_loops_when_called_costs_one_timeout(chapter):
    first_test = chapter["pairs"][chapter["answers"][0]]
    expected = {t: (0.0 if t == first_test else m) for t, m in chapter["max"].items()}
    assert chapter["scores"]["loop-call"] == expected, _describe(chapter, "loop-call")
    name = chapter["course"].name
    nb = nbformat.read(chapter["course"] / "autograded" / "loop-call" / name / f"{name}.ipynb",
                       as_version=4)
    timeouts = [c for c in nb.cells if c.cell_type == "code" and any(
        o.output_type == "error" and o.ename == "CellTimeoutError" for o in c.outputs)]
    assert len(timeouts) == 1, [c.source[:80] for c in timeouts]


def test_other_students_gradebook_rows_are_unchanged(chapter):
    missing = chapter["rows_before"] - chapter["rows_after"]
    assert not missing, f"gradebook rows changed or removed: {sorted(missing)[:5]}"
    assert chapter["scores"]["bystander-a"] == chapter["max"]
    assert all(s == 0 for s in chapter["scores"]["bystander-b"].values())


def test_no_course_file_changed(chapter):
    before, after = chapter["files_before"], chapter["files_after"]
    changed = [p for p in before if after.get(p) != before[p]]
    assert not changed, f"course files changed or deleted: {changed}"
    new = [p for p in after if p not in before
           and not p.startswith(("attack/", "submitted/", "autograded/"))]
    assert not new, f"files appeared in the course folder: {new}"
    for student in chapter["plan"]:
        for where in ("submitted", "autograded"):
            folder = chapter["course"] / where / student
            extra = [p.name for p in folder.rglob("*") if p.is_file()
                     and p.suffix != ".ipynb"]
            assert not extra, f"{where}/{student} holds files the kernel wrote: {extra}"


def test_no_network_connection_left_the_sandbox(chapter):
    assert chapter["connections"] == 0


def test_a_big_print_is_cut_and_a_huge_allocation_fails_only_its_cell(chapter):
    chapter_name = chapter["course"].name
    nb = nbformat.read(chapter["course"] / "autograded" / "escape" / chapter_name /
                       f"{chapter_name}.ipynb", as_version=4)
    printed = next(c for c in nb.cells if c.cell_type == "code"
                   and c.source.startswith("print('x' * 20_000_000)"))
    size = sum(len(o.get("text", "")) for o in printed.outputs)
    assert size < 200_000 and any("output cut" in o.get("text", "") for o in printed.outputs)
    allocation = next(c for c in nb.cells if c.cell_type == "code" and "50 * 10**9" in c.source)
    assert [o.ename for o in allocation.outputs if o.output_type == "error"] == ["MemoryError"]


def test_killing_the_kernel_costs_only_the_exercise_that_did_it(chapter):
    chapter_name = chapter["course"].name
    nb = nbformat.read(chapter["course"] / "autograded" / "escape" / chapter_name /
                       f"{chapter_name}.ipynb", as_version=4)
    last = next(c for c in nb.cells if grade_id(c) == chapter["answers"][-1])
    assert any(o.output_type == "error" and o.ename == "DeadKernelError" for o in last.outputs)

