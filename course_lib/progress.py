"""``course progress``: which exercises of every chapter pass their visible checks, for a student.

A student runs it in the course folder. Each chapter's notebook in ``notebooks/`` is copied
(with its folder) into a temporary folder and run there top to bottom by nbclient in an
ordinary IPython kernel, errors allowed, so the student's notebooks are only read, never
written. There is no sandbox: it is the student's own code on the student's own machine,
exactly what Run All in JupyterLab would do. Then each exercise gets one of three verdicts:

==============  ===========================================================================
``passed``      its check cell ran without error (the visible checks passed)
``not yet``     its check cell raised: a check failed, or the answer raised something
``not started`` the answer still raises ``NotImplementedError`` (in its own cell, or when the
                check calls it)
==============  ===========================================================================

Only the visible checks take part: the hidden tests are not in the student's notebook.
Chapters run ``jobs`` at a time (kernels are separate processes, so on 2 cores two chapters
run in parallel), each cell at most ``timeout`` seconds; one line is printed as each chapter
finishes. :func:`format_progress` gives the table, :func:`progress_png` the picture (chapters
as rows, one square per exercise coloured by its verdict).
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

__all__ = ["PASSED", "NOT_YET", "NOT_STARTED", "NOT_RUN", "ExerciseProgress",
           "ChapterProgress", "student_notebooks", "exercise_progress", "run_chapters",
           "format_progress", "progress_png"]

PASSED, NOT_YET, NOT_STARTED = "passed", "not yet", "not started"
#: The chapter's notebook could not be run at all (its kernel would not start, or died).
NOT_RUN = "not run"

#: Seconds one cell may run before it is interrupted (the exercise then counts as "not yet").
DEFAULT_TIMEOUT = 60

_CHAPTER = re.compile(r"^\d\d_\w+$")


@dataclass
class ExerciseProgress:
    """One exercise of a chapter and its verdict."""
    answer_id: str        #: the answer cell's grade_id, e.g. ``sgd_step``
    title: str            #: ``Exercise 1 · One step of gradient descent`` (or answer_id)
    status: str           #: PASSED, NOT_YET, NOT_STARTED or NOT_RUN
    message: str = ""     #: for NOT_YET: what went wrong, in one line


@dataclass
class ChapterProgress:
    """Every exercise of one chapter, in notebook order."""
    chapter: str
    exercises: list[ExerciseProgress] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""       #: why the notebook could not be run, if it could not

    @property
    def passed(self) -> int:
        return sum(1 for e in self.exercises if e.status == PASSED)


def student_notebooks(root: str | Path) -> list[tuple[str, Path]]:
    """``[(chapter, notebook path)]`` for each ``notebooks/NN_slug/NN_slug.ipynb``, in order."""
    folder = Path(root) / "notebooks"
    if not folder.is_dir():
        raise ValueError(f"course progress: no notebooks/ folder in {Path(root)}: run it in "
                         f"the course folder (the one with notebooks/ and nbgrader_config.py)")
    return [(p.name, p / f"{p.name}.ipynb") for p in sorted(folder.iterdir())
            if p.is_dir() and _CHAPTER.match(p.name) and (p / f"{p.name}.ipynb").is_file()]


def _error(cell) -> dict | None:
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def exercise_progress(nb) -> list[ExerciseProgress]:
    """The verdict of each exercise of an executed student notebook ``nb`` (see the module)."""
    from .grading.report import exercises

    if not hasattr(nb, "cells"):
        raise TypeError(f"exercise_progress: nb must be a notebook (nbformat.NotebookNode), "
                        f"got {type(nb).__name__}")
    by_id = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id and cell.get("cell_type") == "code":
            by_id[grade_id] = cell
    out = []
    for test_id, answer_id, title in exercises(nb):
        answer, test = by_id.get(answer_id), by_id.get(test_id)
        answer_error = _error(answer) if answer is not None else None
        test_error = _error(test) if test is not None else None
        if "NotImplementedError" in ((answer_error or {}).get("ename"),
                                     (test_error or {}).get("ename")):
            out.append(ExerciseProgress(answer_id, title, NOT_STARTED))
        elif test_error is not None:
            out.append(ExerciseProgress(answer_id, title, NOT_YET, _one_line(test_error)))
        elif test is None or test.get("execution_count") is None:
            out.append(ExerciseProgress(answer_id, title, NOT_RUN,
                                        "its check cell did not run"))
        else:
            out.append(ExerciseProgress(answer_id, title, PASSED))
    return out


def _one_line(error: dict) -> str:
    """What a failed check cell said, on one line: a check's message with its expected and
    got values (the student's own, visible checks), else the error's name and first line."""
    from .grading.report import mistake_message

    if error.get("ename") == "KeyboardInterrupt":
        # nbclient stops a cell at the timeout by interrupting the kernel
        return "the check was stopped: it ran longer than the per-cell timeout"
    if error.get("ename") == "CheckFailed":
        lines = [" ".join(line.split()) for line in str(error.get("evalue", "")).splitlines()]
        text = " ".join(line for line in lines if line and not line.startswith("Hint:"))
    else:
        text = mistake_message(error)
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


async def _run_one(chapter: str, path: Path, timeout: int) -> ChapterProgress:
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix=f"course-progress-{chapter}-") as tmp:
        work = Path(tmp) / chapter
        shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns(
            ".ipynb_checkpoints", "__pycache__"))
        # Unix sockets in the temporary folder rather than TCP ports: nothing listens on the
        # network and ipykernel has no "running over TCP without encryption" to warn about.
        # The path is absolute because the kernel runs in the chapter's copy, not here.
        km = AsyncKernelManager(kernel_name="python3", transport="ipc",
                                ip=str(Path(tmp) / "kernel"))
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                                interrupt_on_timeout=True, record_timing=False,
                                resources={"metadata": {"path": str(work)}})
        # figures are drawn into the notebook copy, never in a window
        env = {**os.environ, "MPLBACKEND": "Agg"}
        error = ""
        try:
            await client.async_execute(env=env)
        except Exception as exc:  # noqa: BLE001 (a kernel that dies or will not start)
            error = " ".join([type(exc).__name__, *str(exc).strip().splitlines()[:1]])
        finally:
            # nbclient shuts down only the kernels it made itself; this one is ours
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
    exercises = exercise_progress(nb)
    if error:
        for exercise in exercises:
            if exercise.status == NOT_RUN:
                exercise.message = error
    return ChapterProgress(chapter, exercises, time.perf_counter() - start, error)


def run_chapters(root: str | Path, chapters: list[str] | None = None, jobs: int = 2,
                 timeout: int = DEFAULT_TIMEOUT,
                 progress: Callable[[ChapterProgress, int, int], None] | None = None
                 ) -> list[ChapterProgress]:
    """Run the student's chapters (all, or those named) and return their progress in order.

    ``jobs`` chapters run at once, each cell at most ``timeout`` seconds; ``progress(result,
    done, total)`` is called as each chapter finishes (in finishing order).
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"course progress: jobs must be a whole number of at least 1, "
                         f"got {jobs!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"course progress: timeout must be a positive number of seconds, "
                         f"got {timeout!r}")
    found = student_notebooks(root)
    if chapters:
        known = [name for name, _ in found]
        unknown = [c for c in chapters if c not in known]
        if unknown:
            raise ValueError(f"course progress: unknown chapter(s) {', '.join(unknown)}; the "
                             f"chapters in notebooks/ are: {', '.join(known) or 'none'}")
        found = [(name, path) for name, path in found if name in chapters]

    async def run_all():
        limit = asyncio.Semaphore(jobs)
        done = 0

        async def one(name, path):
            nonlocal done
            async with limit:
                result = await _run_one(name, path, int(timeout))
            done += 1
            if progress:
                progress(result, done, len(found))
            return result

        return await asyncio.gather(*(one(name, path) for name, path in found))

    return list(asyncio.run(run_all()))


_MARK = {PASSED: "✔", NOT_YET: "✘", NOT_STARTED: "·", NOT_RUN: "?"}


def format_progress(results: list[ChapterProgress]) -> str:
    """The table ``course progress`` prints: per chapter its exercises and their verdicts."""
    lines = []
    width = max((len(e.answer_id) for r in results for e in r.exercises), default=10)
    for result in results:
        lines.append(f"{result.chapter}   {result.passed} of {len(result.exercises)} passed")
        if result.error:
            lines.append(f"  (the notebook could not be run: {result.error})")
        for e in result.exercises:
            note = f"   {e.message}" if e.message else ""
            lines.append(f"  {_MARK[e.status]} {e.status:<11}  {e.answer_id:<{width}}{note}"
                         .rstrip())
    total = sum(len(r.exercises) for r in results)
    passed = sum(r.passed for r in results)
    lines.append("")
    lines.append(f"{passed} of {total} exercises pass their visible checks. "
                 f"(✔ passed, ✘ not yet: run the exercise and its check to read what is "
                 f"wrong, · not started)")
    return "\n".join(lines)


_COLOUR = {PASSED: "#2e7d32", NOT_YET: "#ef6c00", NOT_STARTED: "#cfd8dc", NOT_RUN: "#ffffff"}


def progress_png(results: list[ChapterProgress], path: str | Path) -> Path:
    """Draw the progress as a PNG at ``path``: one row per chapter, one square per exercise
    (green passed, orange not yet, grey not started), the count of passed ones on the right."""
    from matplotlib.figure import Figure  # no pyplot: no window, no global state
    from matplotlib.patches import Patch, Rectangle

    if not results:
        raise ValueError("progress_png: results is empty: there is no chapter to draw")
    path = Path(path)
    columns = max(len(r.exercises) for r in results)
    fig = Figure(figsize=(2.2 + 1.3 * columns, 0.9 + 0.38 * len(results)))
    ax = fig.add_subplot()
    for row, result in enumerate(results):
        for col, exercise in enumerate(result.exercises):
            ax.add_patch(Rectangle((col + 0.05, row + 0.08), 0.9, 0.84,
                                   facecolor=_COLOUR[exercise.status], edgecolor="#78909c"))
            ax.text(col + 0.5, row + 0.5, _two_lines(exercise.answer_id), ha="center",
                    va="center",
                    fontsize=6, color="white" if exercise.status in (PASSED, NOT_YET)
                    else "#37474f")
        ax.text(columns + 0.15, row + 0.5, f"{result.passed}/{len(result.exercises)}",
                va="center", fontsize=8)
    ax.set_xlim(0, columns + 0.8)
    ax.set_ylim(len(results), 0)
    ax.set_yticks([row + 0.5 for row in range(len(results))],
                  [r.chapter for r in results], fontsize=8)
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    total = sum(len(r.exercises) for r in results)
    ax.set_title(f"Your progress: {sum(r.passed for r in results)} of {total} exercises pass "
                 f"their visible checks", fontsize=10)
    fig.legend(handles=[Patch(facecolor=_COLOUR[s], edgecolor="#78909c", label=s)
                        for s in (PASSED, NOT_YET, NOT_STARTED)],
               loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.subplots_adjust(left=0.2, right=0.98, top=1 - 0.45 / fig.get_figheight(),
                        bottom=0.45 / fig.get_figheight())
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    return path


def _two_lines(name: str, width: int = 14) -> str:
    """``name`` broken at the underscore nearest its middle when it is too long for a square."""
    if len(name) <= width or "_" not in name:
        return name[:2 * width]
    cuts = [i for i, c in enumerate(name) if c == "_"]
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut + 1][:width + 4]}\n{name[cut + 1:][:width + 4]}"
