"""`course similarity`: a renamed copy is flagged; honest distinct submissions, the starter code
and the answers every correct solution shares are not.

The graded class is tests/made_up_class.py's (20 submissions of chapter 06, built from the
stored wrong answers; ``copycat`` is ``mix1`` with renamed variables, added comments and
changed literals).
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from course_lib.grading import similarity
from made_up_class import CHAPTER, graded_class, rename_copy
from made_up_class import start_in_background  # noqa: F401 (conftest calls it)

ORIGINAL = '''def sgd_step(w, grad, learning_rate):
    """One step."""
    step = learning_rate * np.asarray(grad, dtype=float)
    return np.asarray(w, dtype=float) - learning_rate * step
'''


def test_normalising_ignores_names_comments_whitespace_and_literals():
    disguised = ('def my_step(weights, g, lr):  # mine\n'
                 '    """Another docstring."""\n\n'
                 '    delta = lr   *   np.asarray(g, dtype=float)\n'
                 '    return np.asarray(weights, dtype=float) - lr * delta  # done\n')
    assert similarity.normalise(disguised) == similarity.normalise(ORIGINAL)
    assert similarity.normalise(rename_copy(ORIGINAL)) == similarity.normalise(ORIGINAL)
    # library names and operators are kept: a different computation stays different
    assert similarity.normalise(ORIGINAL.replace(" - ", " + ")) != similarity.normalise(ORIGINAL)
    assert similarity.normalise(ORIGINAL.replace("asarray", "array")) != \
        similarity.normalise(ORIGINAL)
    assert similarity.normalise("x = 1\n") == ["N", "=", "0", "NEWLINE"]


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="argument 'source'"):
        similarity.normalise(None)
    with pytest.raises(ValueError, match="argument 'k'"):
        similarity.fingerprints("x = 1", k=0)
    with pytest.raises(ValueError, match="argument 'threshold'"):
        similarity.compare({}, {}, {"a": {}, "b": {}}, threshold=1.5)


STARTER = {"ex": 'def f(x):\n    """Doc."""\n    raise NotImplementedError()\n'}
SOLUTION = {"ex": 'def f(x):\n    """Doc."""\n    return np.sum(np.abs(x - np.mean(x)))\n'}
LONG_WRONG = ('def f(x):\n    """Doc."""\n    total = 0\n    for value in x:\n'
              '        total = total + (value - sum(x) / len(x)) ** 2\n'
              '    return math.sqrt(total / (len(x) - 1))\n')


def _score(pairs, a, b):
    return next(p for p in pairs if {p.first, p.second} == {a, b})


def test_starter_code_and_the_solution_are_never_flagged():
    students = {"s1": dict(STARTER), "s2": dict(STARTER), "c1": dict(SOLUTION),
                "c2": dict(SOLUTION), "c3": dict(SOLUTION)}
    pairs = similarity.compare(STARTER, SOLUTION, students)
    assert all(p.score == 0 and not p.flagged for p in pairs)


def test_a_renamed_copy_of_distinctive_code_is_flagged_and_a_short_common_one_is_not():
    short = {"ex": 'def f(x):\n    """Doc."""\n    return x.mean()\n'}
    students = {"orig": {"ex": LONG_WRONG}, "copy": {"ex": rename_copy(
        LONG_WRONG.replace("total", "acc").replace("value", "v"))},
        "other": {"ex": SOLUTION["ex"].replace("np.abs", "np.square")},
        "short1": dict(short), "short2": dict(short)}
    pairs = similarity.compare(STARTER, SOLUTION, students)
    assert _score(pairs, "orig", "copy").score == 1.0
    assert _score(pairs, "orig", "copy").flagged
    # identical, but too short to say anything: shares fewer than min_shared fingerprints
    assert not _score(pairs, "short1", "short2").flagged
    assert [(p.first, p.second) for p in pairs if p.flagged] == [("copy", "orig")]


@pytest.fixture(scope="module")
def pairs():
    made = graded_class()
    return similarity.compare(*similarity.load_answers(made.root, CHAPTER))


def test_in_the_graded_class_only_the_copied_pair_is_flagged(pairs):
    flagged = [(p.first, p.second) for p in pairs if p.flagged]
    assert flagged == [("copycat", "mix1")]
    copied = _score(pairs, "copycat", "mix1")
    assert copied.score > 0.95
    assert copied.exercises == ["adam_step", "iterate_minibatches", "sgd_step"]
    honest = max(p.score for p in pairs if not p.flagged)
    assert honest < similarity.THRESHOLD - 0.1, f"highest honest pair {honest:.2f}"
    for p in pairs:  # the solution and the blank notebook have nothing distinctive
        if {"solution", "blank"} & {p.first, p.second}:
            assert p.score == 0.0, p


def test_command_prints_the_pairs_and_writes_them_side_by_side(tmp_path):
    made = graded_class()
    page = tmp_path / "similar.html"
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "similarity", CHAPTER,
                             "--html", str(page)], cwd=made.root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{CHAPTER}: 1 suspicious pair(s) (score >= 0.75) among "
                                    f"190 pairs\n  FLAG  1.00  copycat ~ mix1")
    text = page.read_text(encoding="utf-8")
    assert text.count('class="pair"') == 1
    assert text.count("<pre>") == 6  # three exercises, two students
    assert "my own work" in text  # the copy's own cells are shown
