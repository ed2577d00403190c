"""Autograding with two kernels: the student's code in a box, the checks where it cannot reach.

Why two kernels
---------------
Anything that runs in the student's Python process can be changed by the student's code in
that process: an AST or input transformer rewrites the test cells, a trace hook or a patched
``numpy.allclose``/``course_lib.checks``/builtin changes what a check computes, a module named
``numpy.py`` beside the notebook replaces the library, an object whose ``__eq__`` always says
``True`` fools a comparison, and code that sees it runs under the grader can behave otherwise.
A "restorer" run before the checks can itself be patched. So no verdict is computed there.

:class:`Execute` (nbgrader's Execute step, replaced) runs each submission with

- a **student kernel**, started by :class:`~course_lib.grading.sandbox.SandboxedKernelManager`
  (bubblewrap: read-only system, course folder and temp folders hidden, no network, a fresh
  unprivileged uid, a scratch folder holding a copy of the submission's folder, limits on
  memory, processes, file size and CPU). It runs every cell that is not a test cell: answers,
  demo cells, and the read-only set-up cells (so the student's code has its imports);
- a **check kernel**, which only ever runs instructor code: the read-only cells that bind what
  the test cells read (:func:`check_kernel_sources`) and the test cells (restored from the
  gradebook by ``RestoreTestCells``), after the import statements of the instructor's own
  non-answer cells (so a chapter whose set-up cell is not read-only
  still gets its ``numpy`` and checks here, never the student's) and the names of
  ``course_lib.checks``. Its working folder is a copy of the chapter's *source* folder, never
  the submission's. It is forked from a process that imported IPython, NumPy and the checks
  once (:mod:`~course_lib.grading.forkserver`), which halves its start. Before each test cell,
  :func:`course_lib.grading.bridge.prepare` binds the names the cell reads that the student's
  cells define (the answer's function, a demo cell's data) to copies of plain data or to
  proxies that call into the student kernel with plain data (see ``bridge`` and ``wire``: no
  pickle, no student class, no student ``__eq__`` ever reaches the check kernel).

So whatever a submission did to its own interpreter stays in its own kernel, and a test cell's
verdict is what the honest check computes from the values the student's code returned.
Hidden test *inputs* do reach the student's code (they are arguments); hidden *expected values*
never do. The gradebook is written by nbgrader in the grading process after both kernels are
shut down; the student kernel cannot see the course folder, let alone write it.

Where it runs: :mod:`~course_lib.grading.pipeline` calls this on a worker (this process, a
Dask worker of this machine or of a cluster) with the chapter's source and the submission
rebuilt in a temporary folder, which the box hides along with the course folder.

Figures are not drawn unless ``draw_figures``: no grade depends on a picture, and drawing
them was about a sixth of a chapter's grading time; a shown figure is kept as its text form.
Nobody watches a graded kernel's widgets either: they talk to no frontend, and the course's
explorers skip rasterising their pictures (their drawing functions, and the student's code
they call, still run).

Bounded cost
------------
- each cell has ``timeout`` seconds; a call from a test cell into student code has the test
  cell's time. A timed-out or crashed answer cell fails its exercise *without running its test*
  (so the loop is not run a second time); a kernel that ignores the interrupt, or dies, is
  started again and the cells that had completed are replayed silently (never the one that
  failed), so later exercises still score and earlier ones keep their points;
- the whole submission has ``submission_budget`` seconds: cells after that fail at once;
- every cell keeps at most ``max_output_bytes`` of output, then a note says what was cut;
- the student kernel's memory, processes, file sizes and CPU time are capped (``sandbox``).

Limits (what this does not do)
------------------------------
- Test cells must talk to student code through plain data: NumPy arrays, scalars and dtypes,
  Python numbers, strings, lists/tuples/dicts/sets, pandas tables, NumPy ``Generator``s (the
  student's draws are copied back, and a lazy generator keeps drawing from the same stream
  within a test cell), classes of builtins/numpy/pandas/course_lib, ``course_lib`` objects
  (copied by value) and proxies for anything else (calls, attributes, items, iteration,
  ``len``, ``str``). A test's own function passed to student code is called back in the check
  kernel. Copy-back of changed inputs covers arrays, lists, dicts, Generators and the columns
  of tables, not the attributes of objects.
  A test that compares a student object with ``==``, or needs ``isinstance`` on a student's own
  class, sees the proxy, not the object. Names that only a *test* cell defines do not exist in
  the student kernel (demo cells cannot use them).
- A student function that loops when called from a later demo cell costs one more timeout
  there; ``submission_budget`` bounds the total.
- The student's code still sees the hidden tests' *inputs* (it must, to compute its answers).
- Without bubblewrap (``--unsandboxed``), the student's code runs with the grader's rights: it
  can read and write the course folder and the gradebook and use the network. The two kernels
  still keep it from switching off the checks, but nothing keeps it from editing the gradebook
  (except that nbgrader rewrites the submission's own rows at the end).
"""
from __future__ import annotations

import ast
import asyncio
import functools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from queue import Empty
from time import monotonic

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Integer

from nbgrader import utils
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute as _StockExecute

from ..widgets._base import HEADLESS_ENV
from . import sandbox
from .forkserver import ForkedKernelManager

_BRIDGE = "_course_bridge_"
#: Run in the student's kernel before its cells unless ``draw_figures``: a figure shown is kept
#: as its text form (``<Figure size 640x480 with 1 Axes>``) instead of being drawn to a PNG;
#: widgets get comms that send nothing (their state messages were a third of a chapter's
#: messages, for no frontend), and explorers draw no pictures (``HEADLESS_ENV``).
_NO_PICTURES = ("get_ipython().display_formatter.formatters['image/png'].enabled = False\n"
                "get_ipython().display_formatter.formatters['image/svg+xml'].enabled = False\n"
                "import comm as _course_comm, os as _course_os\n"
                "_course_comm.create_comm = _course_comm.DummyComm\n"
                f"_course_os.environ[{HEADLESS_ENV!r}] = '1'\n"
                "del _course_comm, _course_os\n")


class SandboxUnavailable(RuntimeError):
    """Grading needs bubblewrap, or the instructor's explicit ``--unsandboxed``."""


def _is_test(cell) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def _is_locked_code(cell) -> bool:
    return (cell.cell_type == "code" and utils.is_locked(cell) and not utils.is_grade(cell)
            and not utils.is_solution(cell))


def _is_answer(cell) -> bool:
    return cell.cell_type == "code" and utils.is_solution(cell)


@functools.lru_cache(maxsize=4096)
def _syntax_tree(source: str) -> ast.Module | None:
    """A cell's syntax tree after IPython's transforms (a magic becomes a call), or None.

    Kept: a chapter's cells are the same in every submission, and each is read four times per
    submission. Callers read the tree and never change it."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def bound_names(source: str) -> tuple[set[str], set[str]]:
    """(module-level names a cell binds other than by import, names it imports)."""
    tree = _syntax_tree(source)
    return _bindings(tree.body) if tree is not None else (set(), set())


def _bindings(statements) -> tuple[set[str], set[str]]:
    """(module-level names the statements bind other than by import, names they import)."""
    bound, imported = set(), set()
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
              ast.SetComp, ast.DictComp, ast.GeneratorExp)
    todo = list(statements)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            continue
        if isinstance(node, scopes):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imported |= _imported(node)
        elif isinstance(node, ast.Global):
            bound.update(node.names)
        todo.extend(ast.iter_child_nodes(node))
    return bound, imported


def student_names(source_nb) -> set[str]:
    """Names the test cells must take from the student's kernel even where the check kernel
    has them: those the instructor's own answer and demo cells bind (not by import), minus
    those its read-only cells bind (its imports, its data: never the student's)."""
    answers, others, locked = set(), set(), set()
    for cell in source_nb.cells:
        if cell.cell_type != "code" or _is_test(cell):
            continue
        bound, imported = bound_names(cell.source)
        if _is_locked_code(cell) or imported:
            locked |= imported
        if _is_locked_code(cell):
            locked |= bound
        elif _is_answer(cell):
            answers |= bound
        else:
            others |= bound
    return answers | (others - locked)


#: What ``course_lib.checks`` gives test cells: always the check kernel's own.
CHECK_NAMES = ("CheckFailed", "check_close", "check_shape", "check_type", "check_true",
               "check_probabilities", "passed")


def _names_tests_read(source_nb) -> set[str] | None:
    """Every name the test cells read (None when one of them does not parse)."""
    read = set()
    for cell in source_nb.cells:
        if _is_test(cell):
            tree = _syntax_tree(cell.source)
            if tree is None:
                return None
            read |= _loads([tree])
    return read


def _loads(nodes) -> set[str]:
    return {node.id for top in nodes for node in ast.walk(top)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _imported(node) -> set[str]:
    return {(a.asname or a.name).split(".")[0] for a in node.names}


def _is_matplotlib_magic(node) -> bool:
    """``%matplotlib inline`` as IPython transforms it: the check kernel shows no figure."""
    call = node.value if isinstance(node, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "run_line_magic" and bool(call.args)
            and isinstance(call.args[0], ast.Constant) and call.args[0].value == "matplotlib")


def check_kernel_sources(nb) -> dict[int, str]:
    """What the check kernel runs of the notebook's read-only code cells, by cell index.

    The check kernel runs a read-only cell so that the names the test cells read (the
    chapter's data, its imports) are the instructor's, never the student's. A read-only cell
    that binds none of those names, directly or through a later cell that is kept, is left
    out (a demo that plots or trains runs in the student's kernel only), and of a kept cell
    the imports that bind no needed name and ``%matplotlib`` are dropped: they made up about
    half of the check kernel's work per submission. A cell that does not parse, or a test
    cell that does not parse, keeps everything as written.
    """
    locked = [(i, c) for i, c in enumerate(nb.cells) if _is_locked_code(c)]
    needed = _names_tests_read(nb)
    if needed is None:
        return {i: c.source for i, c in locked}
    kept: dict[int, list | str] = {}
    for index, cell in reversed(locked):
        tree = _syntax_tree(cell.source)
        if tree is None:
            kept[index] = cell.source
            continue
        body = [node for node in tree.body if not _is_matplotlib_magic(node)]
        bound, imported = _bindings(body)
        bound |= imported
        if bound & needed or "*" in bound:
            needed |= _loads(n for n in body if not isinstance(n, (ast.Import, ast.ImportFrom)))
            kept[index] = body
    sources = {}
    for index, body in sorted(kept.items()):
        if isinstance(body, str):
            sources[index] = body
            continue
        body = [node for node in body if not isinstance(node, (ast.Import, ast.ImportFrom))
                or _imported(node) & needed or "*" in _imported(node)]
        sources[index] = ast.unparse(ast.Module(body=body, type_ignores=[])) + "\n"
    return sources


def import_prelude(source_nb) -> str:
    """The import statements of the instructor's non-answer cells that bind a name some test
    cell reads, each in its own ``try``, after the checks' names: run in the check kernel
    before anything else. The others (plotting, widgets, the chapter's demo libraries) would
    cost every submission a second of imports that no check uses."""
    lines = [f"from course_lib.checks import {', '.join(CHECK_NAMES)}"]
    if source_nb is None:
        return lines[0] + "\n"
    read = _names_tests_read(source_nb)
    for cell in source_nb.cells:
        if cell.cell_type != "code" or _is_answer(cell) or _is_test(cell):
            continue
        tree = _syntax_tree(cell.source)
        for node in (tree.body if tree is not None else []):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            names = _imported(node)
            if read is None or names & read or "*" in names:
                lines.append(f"try:\n    {ast.unparse(node)}\nexcept Exception:\n    pass")
    return "\n".join(lines) + "\n"


def imported_modules(source: str) -> list[str]:
    """The absolute module names that ``source``'s import statements load, in order."""
    tree = _syntax_tree(source)
    imports = [node for node in (ast.walk(tree) if tree is not None else [])
               if isinstance(node, (ast.Import, ast.ImportFrom))]
    names: list[str] = []
    for node in sorted(imports, key=lambda node: (node.lineno, node.col_offset)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return list(dict.fromkeys(names))


class Execute(_StockExecute):
    """Run a submission in a sandboxed student kernel and its checks in a check kernel."""

    timeout = Integer(60, allow_none=True, help="Seconds a single cell may run.").tag(
        config=True)
    startup_attempts = Integer(3, help="Tries to start a kernel before the notebook fails.").tag(
        config=True)
    submission_budget = Integer(900, help="Seconds the whole submission may run.").tag(
        config=True)
    max_output_bytes = Integer(100_000, help="Output kept per cell, bytes.").tag(config=True)
    max_restarts = Integer(3, help="Restarts of a dead or stuck student kernel.").tag(
        config=True)
    draw_figures = Bool(False, help="Draw the student's figures into the autograded notebook "
                                    "(no grade depends on them; drawing is a good part of a "
                                    "chapter's run time).").tag(config=True)
    unsandboxed = Bool(False, help="Grade without bubblewrap when it is missing (UNSAFE: the "
                                   "student's code then runs with the grader's rights).").tag(
        config=True)
    copy_limit = Integer(200 << 20, help="Bytes of the submission's folder copied into the "
                                         "student kernel's scratch folder.").tag(config=True)
    use_sandbox = Bool(True, help="Box the student kernel with bubblewrap (False only for "
                                  "measurements; needs unsandboxed=True).").tag(config=True)
    memory_limit = Integer(4 << 30, help="Address space of the student kernel, bytes.").tag(
        config=True)
    process_limit = Integer(256, help="Processes and threads of the student kernel.").tag(
        config=True)

    # ------------------------------------------------------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        resources = resources or {}
        return run_sync(self._async_preprocess)(nb, resources)

    async def _async_preprocess(self, nb, resources):
        why = sandbox.available() if self.use_sandbox else "switched off (use_sandbox=False)"
        if why and not self.unsandboxed:
            raise SandboxUnavailable(
                f"cannot sandbox the student's code: {why}. Install bubblewrap, or grade "
                f"unprotected with `course autograde --unsandboxed` (see README).")
        self.boxed = why is None
        self.kernel_name = (self.kernel_name or nb.metadata.get("kernelspec", {}).get("name")
                            or "python3")
        self.nb = nb
        self.resources = resources
        self.reset_execution_trackers()
        self._tmp = Path(tempfile.mkdtemp(prefix="course-box-"))
        self._tmp.chmod(0o711)  # the box's user must reach its scratch folder inside
        self._restarts = 0
        self._replay: list[str] = []
        self._failed_exercise: str | None = None
        self._student_dead = False
        self._out_bytes: dict[int, int] = {}
        self._deadline = monotonic() + self.submission_budget
        self.check_km = self.check_kc = None
        needs_check = any(_is_test(c) or _is_locked_code(c) for c in nb.cells)
        self._check_sources = check_kernel_sources(nb)
        # this submission's chapter: an Execute may grade notebooks of several (nbgrader's own
        # autograde keeps one preprocessor for all)
        self._source_nb = self._read_source_notebook()
        self._prelude = import_prelude(self._source_nb)
        try:
            if needs_check:  # both kernels start at once
                await asyncio.gather(self._start_student(), self._start_check_kernel())
                await self._setup_check()
            else:
                await self._start_student()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                if monotonic() > self._deadline:
                    cell.outputs = [self._error("CellTimeoutError", (
                        f"The submission used up its time budget ({self.submission_budget} s); "
                        f"this cell was not run."))]
                    continue
                if _is_test(cell):
                    await self._run_test(cell, index)
                elif index in self._check_sources and self.check_kc is not None:
                    # the read-only cell in both kernels, side by side
                    seconds = min(self.timeout or 1e9, self._remaining())
                    source = self._check_sources[index]
                    self.check_kc.execute(f"{_BRIDGE}.prepare({source!r}, {seconds!r})",
                                          silent=True, store_history=False)
                    msg_id = self.check_kc.execute(source, silent=True, store_history=False)
                    await self._run_student(cell, index)
                    await self._wait(self.check_kc, msg_id, seconds)
                else:
                    await self._run_student(cell, index)
        finally:
            await asyncio.gather(self._stop(self.km, self.kc),
                                 self._stop(self.check_km, self.check_kc))
            shutil.rmtree(self._tmp, ignore_errors=True)
        return nb, resources

    # -- kernels --------------------------------------------------------------------------
    def _submission_dir(self) -> Path | None:
        path = self.resources.get("metadata", {}).get("path")
        return Path(path) if path else None

    def _source_dir(self) -> Path | None:
        given = self.resources.get("course", {}).get("source_dir")
        if given:  # a worker's copy of the chapter (pipeline.execute)
            return Path(given)
        info = self.resources.get("nbgrader")
        if not info:
            return None
        try:
            coursedir = CourseDirectory(parent=self)
            path = Path(coursedir.format_path(coursedir.source_directory, ".",
                                              info["assignment"]))
            return path if path.is_dir() else None
        except Exception:  # noqa: BLE001
            return None

    def _course_root(self) -> str | None:
        if "course" in self.resources:  # a worker: no course folder here, only the job's
            return None
        try:
            return str(Path(CourseDirectory(parent=self).root).resolve())
        except Exception:  # noqa: BLE001
            return None

    async def _start_student(self) -> None:
        run = self._tmp / f"student{self._restarts}"
        work = run / "work"
        submission = self._submission_dir()
        work.mkdir(parents=True)
        if submission is not None and submission.is_dir():
            _copy_folder(submission, work, self.copy_limit)
        if self.boxed:
            hide = [p for p in (self._course_root(), str(submission.resolve())
                                if submission else None) if p]
            hide += self.resources.get("course", {}).get("hide", [])

            def manager():
                return sandbox.SandboxedKernelManager(
                    scratch=str(run), workdir=str(work), hide=hide,
                    memory_limit=self.memory_limit, process_limit=self.process_limit,
                    cpu_limit=self.submission_budget + 120, kernel_name=self.kernel_name)
            cwd = None
        else:
            def manager():
                return AsyncKernelManager(kernel_name=self.kernel_name)
            cwd = str(work)
        self.km, self.kc = await self._launch(manager, cwd)
        if not self.draw_figures:
            await self._silent(self.kc, _NO_PICTURES, self.startup_timeout)

    async def _start_check(self) -> None:
        await self._start_check_kernel()
        await self._setup_check()

    async def _start_check_kernel(self) -> None:
        work = self._tmp / "check"
        shutil.rmtree(work, ignore_errors=True)
        source = self._source_dir()
        if source is not None:
            shutil.copytree(source, work, ignore=shutil.ignore_patterns(
                "*.ipynb", ".ipynb_checkpoints", "__pycache__"))
        else:
            work.mkdir()
        # the fork server imports the chapter's check modules once; each kernel then has them
        preload = imported_modules(self._prelude)
        self.check_km, self.check_kc = await self._launch(
            lambda: ForkedKernelManager(kernel_name=self.kernel_name, preload=preload),
            str(work))

    def _read_source_notebook(self):
        """The chapter's source notebook (the instructor's), or None."""
        source, info = self._source_dir(), self.resources.get("nbgrader")
        if info and source is not None:
            path = source / f"{info['notebook']}.ipynb"
            if path.exists():
                return nbformat.read(path, as_version=4)
        return None

    async def _setup_check(self) -> None:
        source_nb = self._source_nb
        self._names = student_names(source_nb) if source_nb is not None else set()
        self._names -= set(CHECK_NAMES)
        await self._check_silent(f"import course_lib.grading.bridge as {_BRIDGE}")
        # the instructor's imports, from the source notebook: a chapter whose set-up cell is
        # not read-only still gets numpy, the checks and its classes here, never the student's
        await self._check_silent(self._prelude)
        await self._connect_bridge()

    async def _launch(self, manager, cwd):
        """Start a kernel made by ``manager()``, with a new manager for each attempt: a failed
        start's clean-up destroys its manager's ZMQ context, on which no socket opens again."""
        for attempt in range(1, self.startup_attempts + 1):
            km, kc = manager(), None
            try:
                kwargs = {"cwd": cwd} if cwd else {}
                kwargs.update(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                await km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                      **kwargs)
                kc = km.client()
                kc.start_channels()
                await _ready(kc, self.startup_timeout)
                return km, kc
            except Exception as error:  # noqa: BLE001 (a port race, a slow start)
                await self._stop(km, kc)
                if attempt == self.startup_attempts:
                    raise
                self.log.warning("The kernel did not start (%s); trying again", error)

    async def _stop(self, km, kc=None) -> None:
        # the client's sockets first: a ZMQ socket left open reconnects to the dead kernel's
        # ports every 100 ms for as long as this process lives (a grading worker: for hours),
        # and knocks on whatever later listens there
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass
        if km is None:
            return
        try:
            process = getattr(km.provisioner, "process", None) if km.has_kernel else None
            if process is not None:  # shutdown_kernel would look for its end every 0.1 s
                process.kill()
                process.wait(timeout=5)
        except Exception:  # noqa: BLE001 (shutdown_kernel below still tries)
            pass
        try:
            if km.has_kernel:
                await ensure_async(km.shutdown_kernel(now=True))
        except Exception:  # noqa: BLE001
            pass
        try:
            await ensure_async(km.cleanup_resources())
        except Exception:  # noqa: BLE001
            pass

    async def _connect_bridge(self) -> None:
        info = self.km.get_connection_info(session=False)
        info = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in info.items()}
        pid = getattr(self.km, "pid", None) if self.boxed else None
        if pid is None:
            process = getattr(self.km.provisioner, "process", None)
            pid = getattr(process, "pid", None)
        await self._check_silent(f"{_BRIDGE}.connect(__import__('json').loads("
                                 f"{json.dumps(info)!r}), {pid!r}, {sorted(self._names)!r})")

    async def _restart_student(self) -> None:
        await self._stop(self.km, self.kc)
        self._restarts += 1
        if self._restarts > self.max_restarts:
            self._student_dead = True
            return
        await self._start_student()
        for source in self._replay:
            if not await self._silent(self.kc, source, self.timeout):
                break
        if self.check_kc is not None:
            names = await self._check_eval(f"{_BRIDGE}.timed_out_names()")
            try:
                names = ast.literal_eval(names) if names else []
            except (ValueError, SyntaxError):
                names = []
            for name in names:
                if isinstance(name, str) and name.isidentifier():
                    # calls into a function that already ran out of time fail at once
                    await self._silent(self.kc, (
                        f"def {name}(*args, **kwargs):\n"
                        f"    raise TimeoutError('{name} ran too long when the checks called "
                        f"it, and is not run again')\n"), 10)
            await self._connect_bridge()

    # -- running cells --------------------------------------------------------------------
    def _remaining(self) -> float:
        return max(1.0, self._deadline - monotonic())

    async def _run_student(self, cell, index) -> None:
        if self._student_dead:
            cell.outputs = [self._error("DeadKernelError", "Your notebook's kernel died too "
                                        "often; this cell was not run.")]
            return
        saved = self.timeout
        self.timeout = int(min(self.timeout or 1e9, self._remaining())) or 1
        try:
            await super().async_execute_cell(cell, index, store_history=True)
        except (CellTimeoutError, DeadKernelError) as error:
            self.log.warning("Cell %d: %s; restarting the student's kernel", index,
                             type(error).__name__)
            cell.outputs.append(self._failure(error, saved))
            self._note_failure(cell, type(error).__name__)
            self.timeout = saved
            await self._restart_student()
            return
        finally:
            self.timeout = saved
        enames = {o.get("ename") for o in cell.outputs if o.output_type == "error"}
        if "CellTimeoutError" in enames:
            self._note_failure(cell, "CellTimeoutError")
        else:
            self._replay.append(cell.source)

    def _note_failure(self, cell, ename) -> None:
        if _is_answer(cell):
            self._failed_exercise = ename

    async def _run_test(self, cell, index) -> None:
        if self.check_kc is None:
            return
        if self._failed_exercise:
            ename = self._failed_exercise
            self._failed_exercise = None
            cell.outputs = [self._error(ename, (
                "The answer cell of this exercise ran too long and was stopped; its checks "
                "were not run." if ename == "CellTimeoutError" else
                "The kernel died while running the answer cell of this exercise; its checks "
                "were not run."))]
            return
        seconds = min(self.timeout or 1e9, self._remaining())
        await self._check_silent(f"{_BRIDGE}.prepare({cell.source!r}, {seconds!r})",
                                 timeout=seconds + 5)
        saved = (self.km, self.kc, self.timeout)
        self.km, self.kc = self.check_km, self.check_kc
        self.timeout = int(seconds) + 5
        broken = None
        try:
            await super().async_execute_cell(cell, index, store_history=True)
        except (CellTimeoutError, DeadKernelError) as error:
            cell.outputs.append(self._failure(error, saved[2]))
            broken = "check"
        finally:
            self.km, self.kc, self.timeout = saved
        if broken:  # the check kernel itself is stuck: start it again with its set-up
            await self._stop(self.check_km, self.check_kc)
            await self._start_check()
            for source in self._check_sources.values():
                await self._check_silent(source, prepare=True)
            await self._restart_student()
            return
        state = await self._check_eval(f"{_BRIDGE}.state()")
        if state in ("'timeout'", "'dead'") or not await ensure_async(self.km.is_alive()):
            await self._restart_student()

    async def _check_silent(self, source: str, prepare: bool = False,
                            timeout: float | None = None) -> bool:
        if prepare:
            seconds = min(self.timeout or 1e9, self._remaining())
            await self._silent(self.check_kc, f"{_BRIDGE}.prepare({source!r}, {seconds!r})",
                               seconds + 5)
        return await self._silent(self.check_kc, source, timeout or self.timeout)

    async def _check_eval(self, expression: str) -> str | None:
        msg_id = self.check_kc.execute("", silent=True, store_history=False,
                                       user_expressions={"value": expression})
        reply = await self._wait(self.check_kc, msg_id, 30)
        if not reply:
            return None
        value = reply["content"].get("user_expressions", {}).get("value", {})
        return value.get("data", {}).get("text/plain")

    async def _silent(self, kc, source: str, seconds) -> bool:
        # stop_on_error=False: after a failing request ipykernel aborts the requests that
        # reach it before it has caught up (a race under load); each of these stands alone
        msg_id = kc.execute(source, silent=True, store_history=False, allow_stdin=False,
                            stop_on_error=False)
        reply = await self._wait(kc, msg_id, seconds)
        return bool(reply) and reply["content"].get("status") == "ok"

    async def _wait(self, kc, msg_id, seconds):
        deadline = monotonic() + (seconds or 1e9)
        while (remaining := deadline - monotonic()) > 0:
            try:
                reply = await ensure_async(kc.shell_channel.get_msg(timeout=min(remaining, 1)))
            except Exception:  # noqa: BLE001 (queue.Empty)
                if not await ensure_async(kc.is_alive()):
                    return None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return reply
        return None

    # -- outputs --------------------------------------------------------------------------
    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return out
        used = self._out_bytes.get(cell_index, 0)
        size = _size(out)
        limit = self.max_output_bytes
        if used + size <= limit or out.output_type == "error":
            self._out_bytes[cell_index] = used + size
            return out
        if out in outs:
            outs.remove(out)
        if used <= limit:
            if out.output_type == "stream" and used < limit:
                outs.append(nbformat.v4.new_output("stream", name=out.name,
                                                   text=out.text[: limit - used]))
            outs.append(nbformat.v4.new_output("stream", name="stdout", text=(
                f"\n[output cut: this cell printed more than {limit} bytes; the rest was "
                f"dropped]\n")))
            self._out_bytes[cell_index] = limit + 1
        return None

    # -- errors ---------------------------------------------------------------------------
    def _failure(self, error, timeout) -> NotebookNode:
        if isinstance(error, DeadKernelError):
            return self._error("DeadKernelError", "The kernel died while running this cell.")
        return self._error(self.error_on_timeout.get("ename", "CellTimeoutError"),
                           f"The cell ran longer than {timeout} s and was stopped.")

    @staticmethod
    def _error(ename, evalue) -> NotebookNode:
        return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                      traceback=[f"{ename}: {evalue}"])


async def _ready(kc, timeout: float) -> None:
    """Wait until the kernel answers ``kernel_info`` and its IOPub channel is subscribed.

    jupyter_client's ``wait_for_ready`` does the same but waits 0.2 s for IOPub after a reply
    and then 0.2 s more to empty it: on every kernel start, twice per submission, where a
    kernel is ready in about 0.2 s. Replies and status messages left over from the extra
    requests are harmless: everything after this waits for the answer to its own message id.
    """
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        kc.kernel_info()
        try:
            reply = await ensure_async(kc.shell_channel.get_msg(timeout=1))
        except Empty:
            if not await ensure_async(kc.is_alive()):
                raise RuntimeError("the kernel died before it answered") from None
            continue
        if reply.get("msg_type") != "kernel_info_reply":
            continue
        try:
            await ensure_async(kc.iopub_channel.get_msg(timeout=0.05))
        except Empty:  # IOPub subscribed after the kernel's status message: ask again
            continue
        kc._handle_kernel_info_reply(reply)
        return
    raise RuntimeError(f"the kernel did not answer within {timeout} s")


def _copy_folder(source: Path, target: Path, limit: int) -> None:
    """The submission's folder (its notebook and data files), at most ``limit`` bytes; links
    are copied as links (they point nowhere in the box) and hidden folders are left out."""
    used = 0
    for root, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        rel = Path(root).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            path = Path(root) / name
            try:
                if path.is_symlink():
                    os.symlink(os.readlink(path), target / rel / name)
                    continue
                size = path.stat().st_size
                if used + size > limit:
                    continue
                shutil.copy2(path, target / rel / name)
                used += size
            except OSError:
                continue


def _size(out) -> int:
    if out.output_type == "stream":
        return len(out.get("text", ""))
    if out.output_type == "error":
        return len(out.get("evalue", "")) + sum(map(len, out.get("traceback", [])))
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v))
               for v in out.get("data", {}).values())

