"""Run All on a fresh (blank) student notebook runs the whole chapter.

A blank chapter's answer cells still say ``raise NotImplementedError()``, so its check cells and
the demo cells that call an unanswered function fail. Those cells carry the ``raises-exception``
tag (set in the solution notebook, copied by ``course release``): JupyterLab then sends them
with ``stop_on_error = false`` (``packages/outputarea/src/widget.ts``), so the kernel does not
drop the cells queued after them, and nbclient and nbval let them fail the same way.

Each blank notebook in ``notebooks/`` is executed here with nbclient *honouring only the tag*
(``allow_errors`` off: an error in an untagged cell fails the test, as it would stop Run All),
and every explorer widget and every figure of the solution notebook must appear in the blank
run, except the figures drawn by a cell that fails because it uses an unanswered exercise.
"""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

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


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_run_all_on_a_blank_chapter_runs_every_cell_and_draws_every_widget(chapter):
    folder = COURSE / "notebooks" / chapter
    blank = nbformat.read(folder / f"{chapter}.ipynb", as_version=4)
    solution = nbformat.read(COURSE / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    assert len(blank.cells) == len(solution.cells), "run `course release` first"
    # allow_errors stays False: only a tagged cell may fail, exactly as in JupyterLab's Run All
    NotebookClient(blank, kernel_name="python3", timeout=300,
                   resources={"metadata": {"path": str(folder)}}).execute()

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
