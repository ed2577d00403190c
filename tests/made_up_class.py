"""A made-up class of chapter 06, graded once by a real ``course autograde`` run.

Shared by tests/test_report.py, tests/test_similarity.py, tests/test_lms_export.py and
tests/test_report_browser.py: :func:`graded_class` returns the scratch course, built and
graded once per test session (one autograde run on the session's Dask cluster of
tests/test_grading.py), in the background as soon as the chapters' classes have all started
(:func:`start_in_background`, imported by those modules for conftest to call).

=========================  ==================================================================
student id                 submission
=========================  ==================================================================
``solution``               the solution notebook
``blank``                  the untouched student notebook
``s01`` ... ``s14``        one stored wrong answer each (tests/wrong_answers/06_...yml, in file
                           order), the solution everywhere else
``mix1`` ... ``mix3``      the second, third and fourth stored wrong answer of every exercise
                           that has one (several wrong answers in one notebook)
``copycat``                ``mix1``'s answers with every local name renamed, comments added
                           and literal values changed: the copied pair is (mix1, copycat)
=========================  ==================================================================

Hints asked (the outputs ``hint(...)`` records, saved in the submitted notebook): ``mix2`` asked
two for ``sgd_step`` (shown as steps 1 and 2), ``mix3`` went up to the worked explanation of
``adam_step`` (step 4: three hints, then the explanation); nobody else asked.

``COURSE_TEST_CLASS=/tmp/course-report-...`` reuses a class built before (``python
tests/made_up_class.py`` builds one and prints its folder). Helpers come from
tests/test_grading.py (notebook surgery), which is not changed.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from test_grading import _env, _new_course, grading_pool, fill_answers, load_wrong_answers

CHAPTER = "06_gradient_descent"

#: What the copier renamed: each local name of mix1's answers -> the copy's name.
RENAMES = {"order": "perm", "rng": "gen", "start": "s0", "idx": "sel", "step": "delta",
           "m_hat": "mhat_t", "v_hat": "vhat_t", "w": "weights", "grad": "g"}


@dataclass
class GradedClass:
    root: Path
    wrong: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> {ex: mistake}
    students: list[str] = field(default_factory=list)


#: student -> {exercise: the hint steps whose outputs the submitted notebook shows}
HINTS_ASKED = {"mix2": {"sgd_step": [1, 2]}, "mix3": {"adam_step": [4]}}


def ask_hints(nb, asked: dict[str, list[int]]):
    """``nb`` with the outputs ``hint(exercise)`` would have left, under each answer cell."""
    from course_lib.hints import HINT_METADATA_KEY

    for cell in nb.cells:
        exercise = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and exercise in asked:
            for step in asked[exercise]:
                cell.outputs.append(nbformat.v4.new_output(
                    "display_data", data={"text/plain": f"hint {step} for {exercise}"},
                    metadata={HINT_METADATA_KEY: {"exercise": exercise, "step": step,
                                                  "hints": 3, "kind": "hint"}}))
    return nb


def rename_copy(source: str) -> str:
    """The copier's disguise: renamed locals, a comment per line, literals changed."""
    out = []
    for line in source.splitlines():
        for old, new in RENAMES.items():
            line = re.sub(rf"\b{old}\b", new, line)
        line = re.sub(r"\b0\.9\b", "0.90", line)
        if line.strip() and not line.strip().startswith(('"""', "#")):
            line += "  # my own work"
        out.append(line)
    return "\n".join(out) + "\n"


_CLASS: GradedClass | None = None


def graded_class() -> GradedClass:
    global _CLASS
    if _CLASS is None and os.environ.get("COURSE_TEST_CLASS"):  # debugging: reuse a graded one
        _CLASS = GradedClass(Path(os.environ["COURSE_TEST_CLASS"]))
    if _CLASS is None:
        _CLASS = grading_pool().task_result("made-up class", _build)
    return _CLASS


def start_in_background(items) -> None:
    """The test modules that use the class import this, and conftest calls it once the tests
    are collected: the class is graded in the background, on the session's cluster, as soon
    as every chapter's class has started (tests/test_grading.py)."""
    if not os.environ.get("COURSE_TEST_CLASS"):
        grading_pool().in_background("made-up class", _build)


def _build(base: Path | None = None) -> GradedClass:
    base = _new_course((base or grading_pool().base / "made-up class") / "course", CHAPTER)
    env = _env()
    source_nb = nbformat.read(base / "solutions" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    blank_nb = nbformat.read(base / "notebooks" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    folder = base / "class"
    folder.mkdir()
    made = GradedClass(base)

    def write(student, nb, wrong=None):
        nbformat.write(ask_hints(nb, HINTS_ASKED.get(student, {})), folder / f"{student}.ipynb")
        made.wrong[student] = wrong or {}
        made.students.append(student)

    write("solution", source_nb)
    write("blank", blank_nb)
    entries = load_wrong_answers(CHAPTER)
    for k, entry in enumerate(entries, 1):
        write(f"s{k:02d}", fill_answers(blank_nb, source_nb, {entry["exercise"]: entry["source"]}),
              {entry["exercise"]: entry["mistake"]})
    by_exercise: dict[str, list[dict]] = {}
    for entry in entries:
        by_exercise.setdefault(entry["exercise"], []).append(entry)
    for j in (1, 2, 3):
        pack = {ex: e[j] for ex, e in by_exercise.items() if len(e) > j}
        write(f"mix{j}", fill_answers(blank_nb, source_nb,
                                      {ex: e["source"] for ex, e in pack.items()}),
              {ex: e["mistake"] for ex, e in pack.items()})
    pack = {ex: e[1] for ex, e in by_exercise.items() if len(e) > 1}
    write("copycat", fill_answers(blank_nb, source_nb,
                                  {ex: rename_copy(e["source"]) for ex, e in pack.items()}),
          {ex: e["mistake"] for ex, e in pack.items()})
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "autograde", CHAPTER,
                             str(folder), *grading_pool().autograde_args()],
                            cwd=base, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return made


if __name__ == "__main__":  # build one and print where, to try the commands by hand
    made = _build(Path(tempfile.mkdtemp(prefix="course-report-")))
    print(made.root)
