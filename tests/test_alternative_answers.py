"""Correct answers that are spelled differently from the solution keep their points.

``tests/right_answers/NN_slug.yml`` lists, per chapter, honest answers a check could wrongly
reject because it looked at how the answer is written rather than at what it computes (chapter
08 once failed ``Dense(10)`` followed by ``Activation("softmax")``). Each is put into the
solution notebook in place of its exercise's answer, the notebook is run top to bottom, and the
exercise's test cell must finish without an error, as it must for its points under grading.
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "tests" / "right_answers").glob("*.yml"))
CASES = [pytest.param(path.stem, i, entry, id=f"{path.stem}-{entry['exercise']}-{i}")
         for path in FILES
         for i, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")))]


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


@pytest.mark.parametrize("chapter, index, entry", CASES)
def test_alternative_answer_passes_its_checks(chapter, index, entry, tmp_path):
    from nbclient import NotebookClient

    source = ROOT / "solutions" / chapter / f"{chapter}.ipynb"
    nb = copy.deepcopy(nbformat.read(source, as_version=4))
    answers = [c for c in nb.cells if _grade_id(c) == entry["exercise"]]
    assert len(answers) == 1, f"{chapter}: no single answer cell {entry['exercise']!r}"
    answers[0].source = entry["source"]
    test_id = f"{entry['exercise']}_test"
    # the cells after the exercise's test cell cannot change its verdict: leave them out
    end = next(i for i, c in enumerate(nb.cells) if _grade_id(c) == test_id)
    nb.cells = nb.cells[:end + 1]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    errors = [o for o in nb.cells[end].outputs if o.output_type == "error"]
    assert not errors, (f"{chapter}: the honest answer ({entry['why']}) fails "
                        f"{test_id}:\n{errors[0].ename}: {errors[0].evalue}")
