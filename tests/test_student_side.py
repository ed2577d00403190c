"""What a student sees in a real Jupyter kernel: a failing check's box, and hints on request.

Each test runs a small notebook in a real IPython kernel (nbclient) and reads the outputs the
notebook would store; the expected texts are written here by hand.
"""
from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

SETUP = ("from course_lib.checks import check_close, passed\n"
         "from course_lib.hints import hint, register_hints\n")
REGISTER = ("register_hints('scale', hints=['Look at what each value is multiplied by.', "
            "'The key idea: multiply every value by 2.'], explanation='Take the input array "
            "and return twice it, element by element.', after_failures={after})")
FAILING = "check_close(3.0, 2.0, 'scale(1)')\npassed('scale')"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*sources, tags=("raises-exception",)):
    """Execute cells (each a source string) in a fresh kernel; the executed notebook."""
    cells = [nbformat.v4.new_code_cell(src, metadata={"tags": list(tags)}) for src in sources]
    nb = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    return nb


def error_of(cell):
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs
    return errors[0]


def hints_of(cell):
    return [o for o in cell.outputs if o.output_type == "display_data"]


def test_a_failing_check_shows_a_short_box_without_traceback():
    nb = run(SETUP, FAILING)
    error = error_of(nb.cells[1])
    # what nbgrader scores and the feedback / `course report` read is unchanged
    assert error.ename == "CheckFailed"
    assert error.evalue == "scale(1) is not right.\n  expected: 2\n  got:      3"
    shown = [ANSI.sub("", line) for line in error.traceback]
    assert shown == ["✘ Not passed yet", "  scale(1) is not right.", "    expected: 2",
                     "    got:      3"]
    text = "\n".join(error.traceback)
    for leak in ("Traceback", "checks.py", "check_close(", "File ", "Cell In"):
        assert leak not in text


def test_other_errors_keep_their_traceback():
    # only CheckFailed draws a box: a bug in the student's code still shows where it happened
    nb = run("def f():\n    return 1 / 0\nf()")
    text = ANSI.sub("", "\n".join(error_of(nb.cells[0]).traceback))
    assert "ZeroDivisionError" in text and "return 1 / 0" in text


def test_the_box_points_at_hints_then_at_the_explanation():
    nb = run(SETUP + REGISTER.format(after=2), FAILING, FAILING)
    first = ANSI.sub("", error_of(nb.cells[1]).traceback[-1])
    second = ANSI.sub("", error_of(nb.cells[2]).traceback[-1])
    assert first == 'Stuck? Run hint("scale") in a new cell for a hint.'
    assert second == ('You have tried 2 times: run hint("scale") in a new cell for a worked '
                      'explanation of the approach.')


def test_hints_come_in_steps_then_the_explanation_and_are_recorded():
    nb = run(SETUP + REGISTER.format(after=3), "hint('scale')", "hint('scale')",
             "hint('scale')", "hint('scale')", tags=())
    shown = [hints_of(cell) for cell in nb.cells[1:]]
    assert all(len(outputs) == 1 for outputs in shown), shown
    meta = [outputs[0].metadata["course_hint"] for outputs in shown]
    assert meta == [
        {"exercise": "scale", "step": 1, "hints": 2, "kind": "hint"},
        {"exercise": "scale", "step": 2, "hints": 2, "kind": "hint"},
        {"exercise": "scale", "step": 3, "hints": 2, "kind": "explanation"},
        {"exercise": "scale", "step": 3, "hints": 2, "kind": "explanation"},
    ]
    texts = [outputs[0].data["text/markdown"] for outputs in shown]
    assert "Hint 1 of 2" in texts[0] and "Look at what each value" in texts[0]
    assert "Hint 2 of 2" in texts[1] and "multiply every value by 2" in texts[1]
    assert "worked" in texts[1]  # the last hint says what comes next
    assert "How to approach" in texts[2] and "twice it" in texts[2]


def test_enough_failed_checks_bring_the_explanation_forward():
    nb = run(SETUP + REGISTER.format(after=1), FAILING, "hint('scale')")
    meta = hints_of(nb.cells[2])[0].metadata["course_hint"]
    assert meta["kind"] == "explanation"


def test_asking_for_an_unknown_exercise_names_the_known_ones():
    nb = run(SETUP + REGISTER.format(after=3), "hint('scael')")
    error = error_of(nb.cells[1])
    assert error.ename == "ValueError"
    assert "'scael'" in error.evalue and '"scale"' in error.evalue


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(exercise="", hints=["a", "b"], explanation="c"), TypeError, "'exercise'"),
    (dict(exercise="x", hints=["only one"], explanation="c"), TypeError, "at least two"),
    (dict(exercise="x", hints="ab", explanation="c"), TypeError, "'hints'"),
    (dict(exercise="x", hints=["a", ""], explanation="c"), TypeError, "'hints'"),
    (dict(exercise="x", hints=["a", "b"], explanation=None), TypeError, "'explanation'"),
    (dict(exercise="x", hints=["a", "b"], explanation="c", after_failures=0), ValueError,
     "'after_failures'"),
])
def test_register_hints_rejects_bad_arguments(kwargs, error, words):
    from course_lib.hints import register_hints

    with pytest.raises(error, match=words):
        register_hints(**kwargs)


def test_hint_needs_a_name():
    from course_lib.hints import hint

    with pytest.raises(TypeError, match="'exercise'"):
        hint(3)


def test_an_unanswered_exercise_shows_two_lines_not_a_traceback():
    stub = "def sgd_step(w, grad, learning_rate):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    nb = run(SETUP + stub, "check_close(sgd_step(1.0, 1.0, 0.5), 0.5)\npassed('sgd_step')",
             "x = 1\n# YOUR CODE HERE\nraise NotImplementedError()")
    error = error_of(nb.cells[1])
    assert (error.ename, error.evalue) == ("NotImplementedError", "")  # what grading reads
    assert [ANSI.sub("", line) for line in error.traceback] == [
        "✎ Not answered yet",
        "  `sgd_step` is not answered yet: replace `raise NotImplementedError()` in its "
        "answer cell with your code, run that cell, then run this one again."]
    assert [ANSI.sub("", line) for line in error_of(nb.cells[2]).traceback][1] == (
        "  This answer cell still says `raise NotImplementedError()`: replace that line with "
        "your code and run the cell again.")


def test_a_library_not_implemented_error_keeps_its_traceback():
    nb = run(SETUP, "def f():\n    raise NotImplementedError('a message of its own')\nf()",
             "from course_lib.layers import Layer\nLayer().call(None)")
    first = ANSI.sub("", "\n".join(error_of(nb.cells[1]).traceback))
    assert "a message of its own" in first and "Not answered" not in first
    second = ANSI.sub("", "\n".join(error_of(nb.cells[2]).traceback))
    assert "Not answered" not in second and "layers.py" in second


# --- whether hints cost points: c.CourseHints.points_per_hint, applied by real autograding ---

HINT_CHAPTER, HINT_EXERCISE = "00_start_here", "celsius_to_fahrenheit"


def _hint_course(tmp_path):
    """A scratch course with chapter 00, and its solution submitted by "ann" with 2 hint steps
    of its exercise shown (the display outputs hint() leaves)."""
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    base = tmp_path / "course"
    (base / "solutions").mkdir(parents=True)
    shutil.copytree(root / "solutions" / HINT_CHAPTER, base / "solutions" / HINT_CHAPTER,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    nb = nbformat.read(base / "solutions" / HINT_CHAPTER / f"{HINT_CHAPTER}.ipynb",
                       as_version=4)
    answer = next(c for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == HINT_EXERCISE)
    for step in (1, 2):
        answer.outputs.append(nbformat.v4.new_output(
            "display_data", data={"text/plain": "a hint"},
            metadata={"course_hint": {"exercise": HINT_EXERCISE, "step": step}}))
    (tmp_path / "subs").mkdir()
    nbformat.write(nb, tmp_path / "subs" / "ann.ipynb")
    return base, root


def _autograde(tmp_path, base, root, extra_config: str) -> float:
    """Autograde ann's submission with the course's nbgrader_config.py plus ``extra_config``."""
    import subprocess
    import sys

    from course_lib.grading import course

    (base / "nbgrader_config.py").write_text(
        (root / "nbgrader_config.py").read_text(encoding="utf-8") + extra_config)
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "autograde", HINT_CHAPTER,
                             str(tmp_path / "subs")], cwd=base, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    scores = course.exercise_scores(base, HINT_CHAPTER, "ann")
    assert [s.max_score for s in scores] == [1.0]
    return scores[0].score


def test_hints_are_free_by_default(tmp_path):
    base, root = _hint_course(tmp_path)
    assert _autograde(tmp_path, base, root, "") == 1.0


def test_hints_cost_what_the_config_says_and_no_more_once_it_says_0(tmp_path):
    base, root = _hint_course(tmp_path)
    # two steps at 0.25 points each: 1 - 0.5
    assert _autograde(tmp_path, base, root, "\nc.CourseHints.points_per_hint = 0.25\n") == 0.5
    # graded again after the instructor made hints free: the earlier cost is gone
    assert _autograde(tmp_path, base, root, "") == 1.0
