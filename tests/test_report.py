"""`course report`: the misconception report, on a made-up class graded by real autograding.

The class (tests/made_up_class.py) is 20 students of chapter 06: the solution, a blank notebook,
each stored wrong answer alone (s01-s14, in the order of tests/wrong_answers/06_...yml), three
students with several wrong answers (mix1-mix3) and a renamed copy of mix1 (copycat). The
expected groups below are written by hand from that plan, not from the report's output.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from course_lib.grading import report
from made_up_class import CHAPTER, graded_class
from made_up_class import start_in_background  # noqa: F401 (conftest calls it)


@pytest.fixture(scope="module")
def made():
    return graded_class()


@pytest.fixture(scope="module")
def reports(made):
    return {r.answer_id: r for r in report.chapter_report(made.root, CHAPTER)}


def _group(r, words: str) -> set[str]:
    found = [m for m in r.mistakes if words in m.message]
    assert len(found) == 1, f"{r.answer_id}: {len(found)} mistakes mention {words!r}: " \
                            f"{[m.message for m in r.mistakes]}"
    return set(found[0].students)


def test_exercises_are_named_by_their_titles_and_hardest_come_first(made):
    listed = report.chapter_report(made.root, CHAPTER)
    assert [r.answer_id for r in listed] == ["iterate_minibatches", "adam_step", "sgd_step"]
    assert [r.title for r in listed][-1] == "Exercise 1 · One step of gradient descent"
    assert [r.test_id for r in listed][-1] == "sgd_step_test"
    # 10, 10 and 11 of 20 with full marks: ties keep the notebook's order
    assert [(r.passed, r.students) for r in listed] == [(10, 20), (10, 20), (11, 20)]


def test_score_distribution(reports):
    assert report.score_distribution(reports["sgd_step"]) == [(0.0, 9), (2.0, 11)]


def test_students_are_grouped_by_the_named_mistake_of_their_first_failed_check(reports):
    sgd = reports["sgd_step"]
    assert _group(sgd, "learning rate is applied twice") == {"s02", "mix1", "copycat"}
    assert _group(sgd, "sign is flipped") == {"s01"}
    assert _group(sgd, "changed the array w") == {"s03", "mix2"}
    assert _group(sgd, report.NOT_ANSWERED) == {"blank"}
    every = {s for m in sgd.mistakes for s in m.students}
    assert every == {"s01", "s02", "s03", "s04", "mix1", "mix2", "mix3", "copycat", "blank"}
    batches = reports["iterate_minibatches"]
    assert _group(batches, "original order") == {"s06", "mix1", "copycat"}
    for r in reports.values():
        assert sum(m.count for m in r.mistakes) == r.students - r.passed
        assert "solution" not in {s for m in r.mistakes for s in m.students}


@pytest.mark.parametrize("output, expected", [
    ({"ename": "CheckFailed", "evalue": "f(1) is not right.\n  expected: 1\n  got:      -1\n"
                                        "The sign is flipped.\nHint: look at the minus."},
     "The sign is flipped."),
    ({"ename": "CheckFailed", "evalue": "w contains NaN (2 of 3 value(s)).\n  got: [nan]\n"
                                        "NaN usually comes from 0/0."},
     "w contains NaN (2 of 3 value(s))."),
    ({"ename": "NotImplementedError", "evalue": ""}, report.NOT_ANSWERED),
    ({"ename": "NameError", "evalue": "name 'np' is not defined"},
     "NameError: name 'np' is not defined"),
])
def test_mistake_message(output, expected):
    assert report.mistake_message(output) == expected


def test_hints_asked_are_counted_per_student_from_the_submitted_notebooks(reports):
    # made_up_class: mix2 saw hints 1 and 2 of sgd_step, mix3 the explanation of adam_step
    assert reports["sgd_step"].hints == {"mix2": 2}
    assert reports["adam_step"].hints == {"mix3": 4}
    assert reports["iterate_minibatches"].hints == {}


def test_hints_used_reads_the_largest_recorded_step():
    import nbformat

    def shown(exercise, step):
        return nbformat.v4.new_output("display_data", data={"text/plain": "a hint"},
                                      metadata={"course_hint": {"exercise": exercise,
                                                                "step": step}})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("hint('a')", outputs=[shown("a", 3)]),
        nbformat.v4.new_code_cell("hint('a')", outputs=[shown("a", 1), shown("b", 2)]),
        nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text="1\n")]),
    ])
    assert report.hints_used(nb) == {"a": 3, "b": 2}


def test_exercises_come_from_the_solution_cells_and_titles():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("### Exercise 7 · Do a thing (2 points)"),
        nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
            "solution": True, "grade": False, "grade_id": "thing"}}),
        nbformat.v4.new_code_cell("check(x)", metadata={"nbgrader": {
            "solution": False, "grade": True, "grade_id": "thing_test", "points": 2}}),
        nbformat.v4.new_code_cell("y = 2", metadata={"nbgrader": {
            "solution": True, "grade": False, "grade_id": "other"}}),
        nbformat.v4.new_code_cell("check(y)", metadata={"nbgrader": {
            "solution": False, "grade": True, "grade_id": "other_check", "points": 1}}),
    ])
    assert report.exercises(nb) == [("thing_test", "thing", "Exercise 7 · Do a thing"),
                                    ("other_check", "other", "other")]


def test_command_prints_the_report_and_writes_a_self_contained_html(made, tmp_path):
    page = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "report", CHAPTER,
                             "--html", str(page)], cwd=made.root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"{CHAPTER}: 20 graded students, hardest exercise first")
    assert "\nExercise 1 · One step of gradient descent (sgd_step, 2 points)\n" in out
    # `<test cell id>  <passed>/<students>`, as tests/test_grading.py reads it
    assert "  full marks: sgd_step_test  11/20 (55%) ###########\n" in out
    assert "3 of 20  The learning rate is applied twice" in out
    assert ("  hints:      1 of 20 students asked, 2 in all (mix2 2; the worked explanation "
            "counts as one more)\n") in out
    assert "  hints:      none asked (0 of 20 students)\n" in out
    text = page.read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') == 4  # overview + one per exercise
    assert "http://" not in text and "https://" not in text
    assert text.count('class="exercise"') == 3


def test_unknown_chapter_is_a_clear_error(made):
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "report", "99_nope"],
                            cwd=made.root, capture_output=True, text=True)
    assert result.returncode == 2
    assert "unknown chapter '99_nope'" in result.stderr
