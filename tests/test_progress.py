"""``course progress``: a student's view of which exercises pass their visible checks.

A made-up course folder with two chapters, run through the real command (a subprocess, real
IPython kernels started by nbclient):

- ``01_first``: ``double`` answered correctly, ``square`` answered wrongly;
- ``02_second``: ``negate`` left blank (a demo cell after it calls it), ``ratio`` a variable
  exercise whose answer cell still raises, ``wait`` an answer that never returns (the per-cell
  timeout stops its check).

The table must say exactly that, the picture must show the three colours, and the student's
notebooks must be byte for byte what they were.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib import progress

ROOT = Path(__file__).resolve().parent.parent
SETUP = "from course_lib.checks import check_close, check_true, passed"


def _exercise(name: str, answer: str, check: str, title: str) -> list:
    heading = new_markdown_cell(f"### {title} (1 point)")
    answer_cell = new_code_cell(answer)
    answer_cell.metadata = {"nbgrader": {"solution": True, "grade": False, "locked": False,
                                         "grade_id": name, "schema_version": 3}}
    test_cell = new_code_cell(f"{check}\npassed({name!r})")
    test_cell.metadata = {"nbgrader": {"solution": False, "grade": True, "locked": True,
                                       "grade_id": f"{name}_test", "points": 1,
                                       "schema_version": 3}}
    return [heading, answer_cell, test_cell]


def _notebook(*exercises) -> nbformat.NotebookNode:
    cells = [new_markdown_cell("# A chapter"), new_code_cell(SETUP)]
    for exercise in exercises:
        cells += exercise
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    return nb


BLANK = "    # YOUR CODE HERE\n    raise NotImplementedError()"


@pytest.fixture(scope="module")
def student_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("student")
    (root / "nbgrader_config.py").write_text(
        (ROOT / "nbgrader_config.py").read_text(encoding="utf-8"), encoding="utf-8")
    first = _notebook(
        _exercise("double", "def double(x):\n    return 2 * x",
                  "check_close(double(3), 6)", "Exercise 1 · Double a number"),
        _exercise("square", "def square(x):\n    return 2 * x",  # the wrong answer
                  "check_close(square(3), 9)", "Exercise 2 · Square a number"))
    second = _notebook(
        _exercise("negate", f"def negate(x):\n{BLANK}",
                  "check_close(negate(2), -2)", "Exercise 1 · Negate"),
        [new_code_cell("print('a demo that uses the exercise:', negate(5))")],
        _exercise("ratio", "# YOUR CODE HERE\nraise NotImplementedError()",
                  "check_close(ratio, 0.5)", "Exercise 2 · A ratio"),
        _exercise("wait", "def wait():\n    while True:\n        pass",
                  "check_true(wait() is None, 'wait() returns')", "Exercise 3 · Wait"),
        [new_code_cell("print('the last cell still ran')")])
    for name, nb in (("01_first", first), ("02_second", second)):
        (root / "notebooks" / name).mkdir(parents=True)
        nbformat.write(nb, root / "notebooks" / name / f"{name}.ipynb")
    return root


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def ran(student_course, tmp_path_factory):
    before = _snapshot(student_course / "notebooks")
    png = tmp_path_factory.mktemp("picture") / "progress.png"
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "progress",
                             "--timeout", "4", "--png", str(png)],
                            cwd=student_course / "notebooks" / "01_first",  # any sub-folder
                            capture_output=True, text=True, timeout=300)
    return result, before, png


def test_progress_table_says_which_exercise_passed_failed_or_was_not_started(ran):
    result, _, _ = ran
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    table = lines[lines.index("01_first   1 of 2 passed"):]
    assert table[:8] == [
        "01_first   1 of 2 passed",
        "  ✔ passed       double",
        "  ✘ not yet      square   Your answer is not right. expected: 9 got: 6",
        "02_second   0 of 3 passed",
        "  · not started  negate",
        "  · not started  ratio",
        "  ✘ not yet      wait     the check was stopped: it ran longer than the per-cell "
        "timeout",
        "",
    ], "\n".join(table)
    assert table[8].startswith("1 of 5 exercises pass their visible checks.")


def test_progress_prints_a_line_as_each_chapter_finishes(ran):
    result, _, png = ran
    finished = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert [line[:5] for line in finished] == ["[1/2]", "[2/2]"]
    assert sorted(re.sub(r"^\[\d/2\] | \(\d+ s\)$", "", line) for line in finished) == [
        "01_first: 1 of 2 exercises pass", "02_second: 0 of 3 exercises pass"]
    assert f"picture: {png}" in result.stdout
    # kernels on Unix sockets, shut down by us: no warning of ipykernel's reaches the student
    assert "IPKernelApp" not in result.stdout + result.stderr


def test_progress_leaves_the_students_notebooks_untouched(ran, student_course):
    _, before, _ = ran
    assert _snapshot(student_course / "notebooks") == before


def test_progress_picture_shows_the_three_verdicts(ran):
    from matplotlib.image import imread

    _, _, png = ran
    pixels = (imread(png)[..., :3] * 255).round().astype(int)
    for name, rgb in (("green", (0x2e, 0x7d, 0x32)), ("orange", (0xef, 0x6c, 0x00)),
                      ("grey", (0xcf, 0xd8, 0xdc))):
        count = int((abs(pixels - rgb).sum(axis=-1) <= 6).sum())
        assert count > 500, f"the picture has {count} {name} pixels"


def test_run_chapters_rejects_bad_arguments(student_course, tmp_path):
    with pytest.raises(ValueError, match="jobs must be a whole number of at least 1, got 0"):
        progress.run_chapters(student_course, jobs=0)
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds, "
                                         "got -1"):
        progress.run_chapters(student_course, timeout=-1)
    with pytest.raises(ValueError, match=r"unknown chapter\(s\) 03_nope.*01_first, 02_second"):
        progress.run_chapters(student_course, ["03_nope"])
    with pytest.raises(ValueError, match="no notebooks/ folder"):
        progress.run_chapters(tmp_path)
    with pytest.raises(TypeError, match="nb must be a notebook"):
        progress.exercise_progress({"cells": []})
    with pytest.raises(ValueError, match="results is empty"):
        progress.progress_png([], tmp_path / "p.png")


def test_cli_names_an_unknown_chapter(student_course):
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "--root",
                             str(student_course), "progress", "03_nope"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "course progress: unknown chapter(s) 03_nope" in result.stderr
