"""The solution notebooks and the student notebooks, for every chapter in solutions/.

- Stored outputs are the truth: each solution notebook is stored executed top to bottom, and
  ``pytest --nbval`` (strict, not ``--nbval-lax``) re-runs it and compares every text output
  with the stored one. Strict mode is the point: a library change that alters a printed number
  in any chapter fails here. What may legitimately differ is replaced first by
  ``tests/nbval_sanitize.cfg`` (object addresses, timings, temporary paths); nbval itself skips
  images (figures) and widget model ids (``application/vnd.jupyter.widget-view+json``), so
  figures and widgets compare by their text form only (``<Figure size 640x480 with 1 Axes>``,
  the widget's repr), which is deterministic. One ``pytest --nbval`` process runs every
  chapter, in the grading pool's background lane once the classes are graded
  (tests/test_grading.py); each chapter's test reads its cells' outcomes from its report.
- ``notebooks/`` is generated, never hand-edited: a fresh ``course release`` (nbgrader's
  ``generate_assignment`` of every chapter) in a scratch course must give the same files, byte
  for byte.
"""
from __future__ import annotations

import filecmp
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from test_grading import grading_pool

ROOT = Path(__file__).resolve().parent.parent
COURSE = Path(os.environ.get("COURSE_TEST_ROOT", ROOT)).resolve()
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def _chapters() -> list[str]:
    from course_lib.grading.course import chapters

    return chapters(COURSE)


CHAPTERS = _chapters() or [pytest.param(None, marks=pytest.mark.skip(
    reason=f"no chapter in {COURSE / 'solutions'} yet"))]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solution_is_stored_executed_top_to_bottom(chapter):
    nb = nbformat.read(COURSE / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{chapter}: execution counts {counts}; restart the kernel and run all cells, then save")
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def _nbval_command(chapters, report: Path) -> list[str]:
    """One ``pytest --nbval`` over the chapters' solution notebooks (a kernel per notebook, in
    the notebook's folder), each cell's outcome in the JUnit XML ``report``."""
    return [sys.executable, "-m", "pytest", "--nbval",
            *[str(COURSE / "solutions" / c / f"{c}.ipynb") for c in chapters],
            "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE),
            "--nbval-cell-timeout", "300", "-p", "no:cacheprovider", "-q", "-o", "addopts=",
            "--rootdir", str(COURSE), "--junitxml", str(report)]


def _nbval_report() -> Path:
    return grading_pool().base / "nbval.xml"


def start_in_background(items) -> None:
    """conftest calls this once the tests are collected: nbval runs in the grading pool's
    background lane, after the chapters' classes are graded (tests/test_grading.py)."""
    chapters = sorted({item.callspec.params["chapter"] for item in items
                       if item.originalname == "test_solution_outputs_are_reproduced_by_nbval"
                       and item.callspec.params.get("chapter")})
    if chapters:
        grading_pool().after_the_classes("nbval", _nbval_command(chapters, _nbval_report()),
                                         COURSE)


@pytest.fixture(scope="module")
def nbval_outcomes() -> dict[str, list[str]]:
    """chapter -> what nbval reported for each of its cells that did not match ([] when all
    did), from the background run (or from a run here, if nothing queued one)."""
    import xml.etree.ElementTree as ET

    done = grading_pool().later_result("nbval", _nbval_command(_chapters(), _nbval_report()),
                                       COURSE)
    assert _nbval_report().exists(), (
        f"nbval wrote no report:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    outcomes: dict[str, list[str]] = {}
    for case in ET.parse(_nbval_report()).getroot().iter("testcase"):
        chapter = next((c for c in _chapters()
                        if case.get("classname", "").endswith(f"{c}.{c}.ipynb")), None)
        if chapter is None:
            continue
        failures = outcomes.setdefault(chapter, [])
        for bad in (*case.findall("failure"), *case.findall("error")):
            text = f"{case.get('name')}: {bad.get('message', '')}\n{bad.text or ''}"
            failures.append(re.sub(r"(?:#x1B|\x1b)\[[0-9;]*m", "", text))  # nbval's colours
    return outcomes


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solution_outputs_are_reproduced_by_nbval(chapter, nbval_outcomes):
    assert chapter in nbval_outcomes, f"nbval ran no cell of {chapter}"
    failures = nbval_outcomes[chapter]
    assert not failures, (
        f"nbval found differences in {chapter} (re-run the notebook top to bottom and save it, "
        f"or seed what is random):\n" + "\n---\n".join(failures)[-8000:])


@pytest.fixture(scope="module")
def regenerated() -> Path:
    """``notebooks/`` of a scratch course in which ``course release`` (the README's command)
    regenerated every chapter from solutions/: the session's one release, which the grading
    proofs' scratch courses copy too (tests/test_grading.py)."""
    return grading_pool().released() / "notebooks"


def _files(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()
            and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_notebooks_are_what_the_solutions_generate(chapter, regenerated):
    fresh, stored = regenerated / chapter, COURSE / "notebooks" / chapter
    assert stored.is_dir(), f"notebooks/{chapter} is missing: run `course release`"
    assert _files(stored) == _files(fresh), f"notebooks/{chapter}: run `course release`"
    for path in _files(fresh):
        assert filecmp.cmp(fresh / path, stored / path, shallow=False), (
            f"notebooks/{chapter}/{path} differs from what solutions/ generates: "
            f"run `course release` (never edit notebooks/ by hand)")


def test_notebooks_has_no_chapter_without_a_solution():
    released = COURSE / "notebooks"
    folders = {p.name for p in released.iterdir() if p.is_dir() and not p.name.startswith(".")
               } if released.is_dir() else set()
    assert folders <= set(_chapters()), f"not generated from solutions/: {folders - set(_chapters())}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_student_code_cell_is_valid_python(chapter):
    """A student must be able to run any cell of their copy: no answer stub inside a literal."""
    import ast
    import re

    nb = nbformat.read(COURSE / "notebooks" / chapter / f"{chapter}.ipynb", as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        # IPython magics and shell escapes are not Python; everything else must parse
        source = "\n".join(line for line in cell.source.splitlines()
                           if not re.match(r"\s*[%!]", line))
        try:
            ast.parse(source)
        except SyntaxError as error:
            pytest.fail(f"notebooks/{chapter}: code cell {index} is not valid Python "
                        f"({error.msg}, line {error.lineno}):\n{cell.source}")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_students_check_cell_is_two_readable_lines(chapter):
    """The catalogue of known mistakes lives in ``course_lib.exercises.<slug>``, not in the cell:
    the student reads ``check_<exercise>(answer, ...)`` and ``passed("<exercise>")``."""
    import importlib
    import re

    nb = nbformat.read(COURSE / "notebooks" / chapter / f"{chapter}.ipynb", as_version=4)
    package = f"course_lib.exercises.{chapter[3:]}"
    module = importlib.import_module(package)
    imports = "\n".join(c.source for c in nb.cells
                        if c.cell_type == "code" and package in c.source)
    tests = [c for c in nb.cells if c.cell_type == "code"
             and c.get("metadata", {}).get("nbgrader", {}).get("grade")
             and not c.metadata.nbgrader.get("solution")]
    assert tests, f"notebooks/{chapter} has no test cell"
    for cell in tests:
        exercise = cell.metadata.nbgrader.grade_id.removesuffix("_test")
        lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")]
        assert len(lines) == 2 and re.fullmatch(rf"check_{exercise}\(\w[\w, ]*\)", lines[0]) \
            and lines[1] == f'passed("{exercise}")', (
                f"notebooks/{chapter}: the check cell of {exercise} should read "
                f"check_{exercise}(...) and passed(\"{exercise}\"), not:\n{cell.source}")
        check = getattr(module, f"check_{exercise}", None)
        assert callable(check) and check.__doc__, (
            f"course_lib.exercises.{chapter[3:]} has no documented check_{exercise}")
        assert re.search(rf"\bcheck_{exercise}\b", imports), (
            f"notebooks/{chapter}: no cell imports check_{exercise} from course_lib.exercises")
