"""`course export --format canvas|moodle`: the layouts those gradebooks import.

The writers are checked on hand-made rows (names, a missing submission, two chapters); the
command on the made-up class of tests/made_up_class.py, graded by real autograding, against
scores worked out by hand from its plan (chapter 06: sgd_step 2, iterate_minibatches 3,
adam_step 3 points).
"""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from course_lib.grading import lms
from made_up_class import CHAPTER, graded_class
from made_up_class import start_in_background  # noqa: F401 (conftest calls it)

MAXIMA = {"01_what_is_ml": 9.0, "06_gradient_descent": 8.0}
ROWS = [lms.Row("ada", "Ada", "Lovelace", "ada@example.org",
                {"01_what_is_ml": 9.0, "06_gradient_descent": 5.5}),
        lms.Row("bob", "", "", "", {"01_what_is_ml": 0.0, "06_gradient_descent": None})]


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_layout(tmp_path):
    rows = _read(lms.write_canvas(tmp_path / "c.csv", MAXIMA, ROWS))
    assert rows == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_what_is_ml",
         "06_gradient_descent"],
        ["Points Possible", "", "", "", "", "9", "8"],
        ["Lovelace, Ada", "", "ada", "", "", "9", "5.5"],
        ["bob", "", "bob", "", "", "0", ""],
    ]


def test_moodle_layout(tmp_path):
    rows = _read(lms.write_moodle(tmp_path / "m.csv", MAXIMA, ROWS))
    assert rows == [
        ["ID number", "First name", "Last name", "Email address", "01_what_is_ml (max 9)",
         "06_gradient_descent (max 8)"],
        ["ada", "Ada", "Lovelace", "ada@example.org", "9", "5.5"],
        ["bob", "", "", "", "0", ""],
    ]


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="argument 'fmt'"):
        lms.export("sqlite://", tmp_path / "x.csv", "blackboard")


@pytest.fixture(scope="module")
def made():
    return graded_class()


def _export(made, tmp_path, *options):
    to = tmp_path / "grades.csv"
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "export", str(to),
                             *options], cwd=made.root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return _read(to)


#: by hand: s01-s04 lose sgd_step (2), s05-s09 iterate_minibatches (3), s10-s14 adam_step (3);
#: mix1-mix3 and copycat have a wrong answer in every exercise
EXPECTED = {"solution": "8", "blank": "0", "s01": "6", "s04": "6", "s05": "5", "s09": "5",
            "s10": "5", "s14": "5", "mix1": "0", "mix3": "0", "copycat": "0"}


def test_canvas_export_of_the_graded_class(made, tmp_path):
    rows = _export(made, tmp_path, "--format", "canvas")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", CHAPTER]
    assert rows[1] == ["Points Possible", "", "", "", "", "8"]
    scores = {r[2]: r[5] for r in rows[2:]}
    assert len(scores) == 20
    assert {s: scores[s] for s in EXPECTED} == EXPECTED


def test_moodle_export_of_the_graded_class(made, tmp_path):
    rows = _export(made, tmp_path, "--format", "moodle")
    assert rows[0] == ["ID number", "First name", "Last name", "Email address",
                       f"{CHAPTER} (max 8)"]
    scores = {r[0]: r[4] for r in rows[1:]}
    assert {s: scores[s] for s in EXPECTED} == EXPECTED


def test_plain_csv_stays_the_default(made, tmp_path):
    rows = _export(made, tmp_path)
    assert rows[0][:4] == ["assignment", "duedate", "timestamp", "student_id"]
    assert len(rows) == 21


def test_unknown_chapter_is_a_clear_error(made, tmp_path):
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "export",
                             str(tmp_path / "g.csv"), "--format", "canvas", "--chapter",
                             "99_nope"], cwd=made.root, capture_output=True, text=True)
    assert result.returncode == 2
    assert "no chapter '99_nope' in the gradebook" in result.stderr
