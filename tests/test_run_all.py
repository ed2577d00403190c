"""Run All on a fresh (blank) student notebook runs the whole chapter.

A blank chapter's answer cells still say ``raise NotImplementedError()``, so its check cells and
the demo cells that call an unanswered function fail. Those cells carry the ``raises-exception``
tag (set in the solution notebook, copied by ``course release``): JupyterLab then sends them
with ``stop_on_error = false`` (``packages/outputarea/src/widget.ts``), so the kernel does not
drop the cells queued after them, and nbclient and nbval let them fail the same way.

Each blank notebook in ``notebooks/`` is executed with nbclient *honouring only the tag*
(``allow_errors`` off: an error in an untagged cell fails the test, as it would stop Run All),
all of them in one process in the grading pool's background lane (tests/test_grading.py),
and every explorer widget and every figure of the solution notebook must appear in the blank
run, except the figures drawn by a cell that fails because it uses an unanswered exercise.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

from test_grading import grading_pool

ROOT = Path(__file__).resolve().parent.parent
COURSE = Path(os.environ.get("COURSE_TEST_ROOT", ROOT)).resolve()
CHAPTERS = sorted(p.name for p in (COURSE / "notebooks").glob("[0-9][0-9]_*")
                  if (p / f"{p.name}.ipynb").exists())
WIDGET = "application/vnd.jupyter.widget-view+json"
FIGURE = "image/png"
#: what a cell may raise on a blank notebook: the stub itself, or a name that an unanswered
#: exercise (or a demo cell that failed because of one) would have defined
BLANK_ERRORS = {"NotImplementedError", "NameError", "CheckFailed"}


def _kinds(cell) -> set[str]:
    return {kind for output in cell.get("outputs", []) for kind in (WIDGET, FIGURE)
            if kind in output.get("data", {})}


def _tagged(cell) -> bool:
    return "raises-exception" in cell.metadata.get("tags", [])


#: Executes each blank notebook given (``notebooks/<chapter>`` folders) with nbclient in the
#: notebook's folder, ``allow_errors`` off: only a tagged cell may fail, exactly as in
#: JupyterLab's Run All. Writes ``<out>/<chapter>.ipynb``, and ``<chapter>.error`` if it stopped.
_RUN_ALL = """
import sys, traceback
from pathlib import Path
import nbformat
from nbclient import NotebookClient
out = Path(sys.argv[1])
for folder in map(Path, sys.argv[2:]):
    nb = nbformat.read(folder / f"{folder.name}.ipynb", as_version=4)
    try:
        NotebookClient(nb, kernel_name="python3", timeout=300,
                       resources={"metadata": {"path": str(folder)}}).execute()
    except Exception:
        (out / f"{folder.name}.error").write_text(traceback.format_exc(), encoding="utf-8")
    nbformat.write(nb, out / f"{folder.name}.ipynb")
"""


def _out() -> Path:
    return grading_pool().base / "run-all"


def _command(chapters) -> list[str]:
    _out().mkdir(parents=True, exist_ok=True)
    return [sys.executable, "-c", _RUN_ALL, str(_out()),
            *[str(COURSE / "notebooks" / c) for c in chapters]]


def start_in_background(items) -> None:
    """conftest calls this once the tests are collected: the blank chapters run in the grading
    pool's background lane, after the chapters' classes are graded (tests/test_grading.py)."""
    chapters = sorted({item.callspec.params["chapter"] for item in items
                       if hasattr(item, "callspec") and "chapter" in item.callspec.params})
    if chapters:
        grading_pool().after_the_classes("run-all", _command(chapters), COURSE)


def _run_all(chapter: str):
    """The blank chapter as Run All left it (from the background run, queued here if none)."""
    done = grading_pool().later_result("run-all", _command(CHAPTERS), COURSE)
    path = _out() / f"{chapter}.ipynb"
    assert path.exists(), f"{chapter} was not run:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    error = _out() / f"{chapter}.error"
    assert not error.exists(), (f"Run All stopped in {chapter} (an error in a cell without the "
                                f"raises-exception tag):\n{error.read_text()[-4000:]}")
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_run_all_on_a_blank_chapter_runs_every_cell_and_draws_every_widget(chapter):
    blank = nbformat.read(COURSE / "notebooks" / chapter / f"{chapter}.ipynb", as_version=4)
    solution = nbformat.read(COURSE / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    assert len(blank.cells) == len(solution.cells), "run `course release` first"
    blank = _run_all(chapter)

    missing, failed_demos, widgets = [], [], 0
    for index, (ran, stored) in enumerate(zip(blank.cells, solution.cells)):
        if ran.cell_type != "code":
            continue
        errors = [o for o in ran.outputs if o.output_type == "error"]
        if errors:
            assert _tagged(ran), f"cell {index} failed without the tag: {errors[0].ename}"
            assert errors[0].ename in BLANK_ERRORS, (
                f"cell {index} of the blank chapter fails with {errors[0].ename}: "
                f"{errors[0].evalue[:200]} (a blank notebook should only miss its answers)")
        want = _kinds(stored)
        widgets += WIDGET in want
        if WIDGET in want and errors:
            missing.append(f"cell {index}: the widget needs an answer ({errors[0].ename})")
        elif errors and want:
            failed_demos.append(index)  # a figure of the student's own answer: drawn later
        elif want - _kinds(ran):
            missing.append(f"cell {index}: no {sorted(want - _kinds(ran))} output")
    assert widgets >= 1, f"{chapter} has no explorer widget in its solution"
    assert not missing, f"{chapter}: " + "; ".join(missing)
