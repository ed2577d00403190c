"""The misconception report: what a class got wrong in a chapter, per exercise.

For each exercise (an answer cell and the test cell that grades it) of an autograded chapter:

* the share of students with full marks and the distribution of their scores, from the gradebook;
* the *named mistakes*: each student who lost points is grouped by the message of the FIRST
  failed check of the exercise, as recorded in the error output of the test cell in
  ``autograded/<student>/<chapter>/<chapter>.ipynb`` (nothing is re-run). A ``CheckFailed``
  message whose first line is the generic ``... is not right.`` is reduced to its diagnosis:
  the lines after the first that are neither indented (``expected:``/``got:`` values) nor
  ``Hint:`` lines, i.e. the ``mistakes=`` message when the check recognised a named mistake;
  any other ``CheckFailed`` is named by its first line (``... contains NaN ...``); other
  errors are named ``<ExceptionName>: <first line>``.
  Numbers are replaced by ``#`` to group messages that differ only in a student's values.

* the *hints* each student asked for: ``hint("...")`` (``course_lib.hints``) records every hint
  it shows as a display output whose metadata ``course_hint`` names the exercise and the step;
  per student and exercise the largest step found in
  ``submitted/<student>/<chapter>/<chapter>.ipynb`` counts (the submitted notebook, since
  autograding clears outputs and re-runs the cells).

Exercises are sorted hardest first (lowest share with full marks). ``format_report`` gives the
text the ``course report`` command prints, ``report_html`` a self-contained page (plots are
matplotlib PNGs embedded as ``data:`` URIs: no server, no network).
"""
from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import course

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TITLE = re.compile(r"Exercise\s+(\d+)\s*·\s*(.+?)\s*(?:\(\s*\d+\s*points?\s*\))?\s*$",
                    re.MULTILINE)
NOT_ANSWERED = "not answered (raise NotImplementedError() left in place)"


@dataclass
class Mistake:
    """Students whose first failed check of an exercise said the same thing."""
    message: str
    students: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass
class ExerciseReport:
    test_id: str          #: the test cell's grade_id, e.g. ``sgd_step_test``
    answer_id: str        #: the answer cell's grade_id, e.g. ``sgd_step``
    title: str            #: ``Exercise 1 · One step of gradient descent`` (or answer_id)
    max_score: float
    scores: dict[str, float]      #: student -> score of this exercise
    mistakes: list[Mistake]       #: most frequent first
    hints: dict[str, int] = field(default_factory=dict)  #: student -> hints asked (if any)

    @property
    def students(self) -> int:
        return len(self.scores)

    @property
    def passed(self) -> int:
        return sum(1 for s in self.scores.values() if s >= self.max_score)

    @property
    def share(self) -> float:
        return self.passed / self.students if self.students else 0.0

    @property
    def name(self) -> str:
        return self.title if self.title == self.answer_id else f"{self.title} ({self.answer_id})"


# --------------------------------------------------------------------------------------------
# Reading the notebooks
# --------------------------------------------------------------------------------------------
def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def exercises(source_nb) -> list[tuple[str, str, str]]:
    """``[(test_id, answer_id, title)]`` in notebook order, from the solution notebook.

    Each test cell grades the answer cell before it; the title is the last markdown line
    ``Exercise N · Title (k points)`` before the answer (without the points), else the answer id.
    """
    out, answer, title = [], None, None
    for cell in source_nb.cells:
        meta = _nbgrader(cell)
        if cell.get("cell_type") == "markdown":
            found = _TITLE.findall(cell.get("source", ""))
            if found:
                number, text = found[-1]
                title = f"Exercise {number} · {text.strip().rstrip('#').strip()}"
        elif meta.get("solution") and cell.get("cell_type") == "code":
            answer = meta.get("grade_id")
        elif meta.get("grade") and cell.get("cell_type") == "code":
            test = meta.get("grade_id")
            answer_id = answer or re.sub(r"_test$", "", test)
            out.append((test, answer_id, title or answer_id))
            answer, title = None, None
    return out


def mistake_message(output: dict) -> str:
    """The name of the mistake an error output records (see the module docstring)."""
    ename = output.get("ename") or "Error"
    evalue = str(output.get("evalue") or "")
    lines = [line.rstrip() for line in evalue.splitlines() if line.strip()]
    if ename == "NotImplementedError" and not (lines and lines[0].strip()):
        return NOT_ANSWERED
    if ename == "CheckFailed" and lines:
        diagnosis = [line.strip() for line in lines[1:]
                     if not line.startswith((" ", "\t")) and not line.startswith("Hint:")]
        generic = lines[0].strip().endswith("is not right.")
        return " ".join(diagnosis) if diagnosis and generic else lines[0].strip()
    if ename in ("CellTimeoutError", "TimeoutError", "DeadKernelError"):
        return f"{ename}: the cell did not finish (endless loop or too slow)"
    return f"{ename}: {lines[0].strip()}" if lines else ename


def hints_used(nb) -> dict[str, int]:
    """``{exercise: steps}``: how many hints (the explanation counting as one more) a notebook
    records for each exercise, i.e. the largest ``course_hint`` step in its outputs."""
    from course_lib.hints import HINT_METADATA_KEY

    used: dict[str, int] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            record = (output.get("metadata") or {}).get(HINT_METADATA_KEY)
            if not isinstance(record, dict):
                continue
            exercise, step = record.get("exercise"), record.get("step")
            if isinstance(exercise, str) and isinstance(step, int) and step > 0:
                used[exercise] = max(used.get(exercise, 0), step)
    return used


def _first_error(cell) -> dict | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output
    return None


def _normalise(message: str) -> str:
    return _NUMBER.sub("#", message)


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------
def chapter_report(root: str | Path, chapter: str) -> list[ExerciseReport]:
    """The per-exercise report of an autograded chapter, hardest exercise first.

    Scores come from the gradebook, mistakes from ``autograded/*/<chapter>/<chapter>.ipynb``.
    """
    import nbformat
    from nbgrader.api import Gradebook

    root = Path(root).resolve()
    chapter = course._chapter(root, chapter)
    source_nb = nbformat.read(root / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    found = exercises(source_nb)
    scores: dict[str, dict[str, float]] = {test: {} for test, _, _ in found}
    max_scores: dict[str, float] = {}
    with Gradebook(course.api(root).coursedir.db_url) as gb:
        notebook = gb.find_notebook(chapter, chapter)
        cells = {c.name: c for c in notebook.grade_cells}
        students = sorted(s.student.id for s in gb.find_assignment(chapter).submissions)
        for test in scores:
            if test not in cells:
                raise course.CourseError(f"{chapter}: test cell {test!r} is not in the "
                                         f"gradebook: run `course release {chapter}`")
            max_scores[test] = float(cells[test].max_score)
            for student in students:
                grade = gb.find_grade(test, chapter, chapter, student)
                scores[test][student] = float(grade.score or 0.0)
    if not students:
        raise course.CourseError(f"nothing autograded for {chapter}: run `course autograde`")
    messages: dict[str, dict[str, str]] = {test: {} for test in scores}
    for student in students:
        path = root / "autograded" / student / chapter / f"{chapter}.ipynb"
        if not path.is_file():
            continue
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            test = _nbgrader(cell).get("grade_id")
            if test not in messages or student in messages[test]:
                continue  # not a test cell, or a repeated one: the first copy counts
            if scores[test].get(student, 0.0) < max_scores[test]:
                error = _first_error(cell)
                if error is not None:
                    messages[test][student] = mistake_message(error)
    hints: dict[str, dict[str, int]] = {}  # exercise -> student -> steps
    for student in students:
        path = root / "submitted" / student / chapter / f"{chapter}.ipynb"
        if path.is_file():
            for exercise, steps in hints_used(nbformat.read(path, as_version=4)).items():
                hints.setdefault(exercise, {})[student] = steps
    reports = []
    for test, answer_id, title in found:
        groups: dict[str, Mistake] = {}
        examples: dict[str, Counter] = {}
        for student, score in sorted(scores[test].items()):
            if score >= max_scores[test]:
                continue
            message = messages[test].get(student, "lost points without an error recorded "
                                                  "(test cell deleted or changed?)")
            key = _normalise(message)
            groups.setdefault(key, Mistake(message)).students.append(student)
            examples.setdefault(key, Counter())[message] += 1
        for key, mistake in groups.items():
            mistake.message = examples[key].most_common(1)[0][0] if len(examples[key]) == 1 \
                else key
        ranked = sorted(groups.values(), key=lambda m: (-m.count, m.message))
        reports.append(ExerciseReport(test, answer_id, title, max_scores[test], scores[test],
                                      ranked, hints.get(answer_id, {})))
    order = {test: k for k, (test, _, _) in enumerate(found)}
    return sorted(reports, key=lambda r: (r.share, order[r.test_id]))


def score_distribution(report: ExerciseReport) -> list[tuple[float, int]]:
    """``[(score, number of students with it)]``, by increasing score."""
    return sorted(Counter(report.scores.values()).items())


def format_report(chapter: str, reports: list[ExerciseReport]) -> str:
    """The text of ``course report CHAPTER``."""
    if not reports:
        return f"{chapter}: no exercises\n"
    n = reports[0].students
    out = io.StringIO()
    out.write(f"{chapter}: {n} graded students, hardest exercise first\n")
    for r in reports:
        points = f"{r.max_score:g} point{'s' if r.max_score != 1 else ''}"
        label = f"{r.answer_id}, " if r.title != r.answer_id else ""
        out.write(f"\n{r.title} ({label}{points})\n")
        bar = "#" * round(20 * r.share)
        out.write(f"  full marks: {r.test_id}  {r.passed}/{r.students} "
                  f"({100 * r.share:.0f}%) {bar}\n")
        dist = ", ".join(f"{score:g} pts: {count}" for score, count in score_distribution(r))
        out.write(f"  scores:     {dist}\n")
        out.write(f"  hints:      {_hints_line(r)}\n")
        if r.mistakes:
            out.write("  mistakes (first failed check):\n")
            for m in r.mistakes:
                out.write(f"    {m.count:>3} of {r.students}  {m.message}\n")
    return out.getvalue()


def _hints_line(r: ExerciseReport) -> str:
    if not r.hints:
        return f"none asked (0 of {r.students} students)"
    total = sum(r.hints.values())
    who = ", ".join(f"{student} {steps}" for student, steps in sorted(r.hints.items()))
    return (f"{len(r.hints)} of {r.students} students asked, {total} in all ({who}; the "
            f"worked explanation counts as one more)")


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------
def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plots(reports: list[ExerciseReport]) -> tuple[str, list[str]]:
    from matplotlib.figure import Figure  # no pyplot: no backend, no global state
    fig = Figure(figsize=(7, 0.5 + 0.5 * len(reports)))
    ax = fig.add_subplot()
    names = [r.answer_id for r in reports][::-1]
    ax.barh(names, [100 * r.share for r in reports][::-1], color="#3b7dd8")
    ax.set_xlim(0, 100)
    ax.set_xlabel("students with full marks (%)")
    overview = _png(fig)
    histograms = []
    for r in reports:
        fig = Figure(figsize=(4, 2.4))
        ax = fig.add_subplot()
        dist = score_distribution(r)
        ax.bar([f"{s:g}" for s, _ in dist], [c for _, c in dist], color="#6a9f3a")
        ax.set_xlabel(f"score (of {r.max_score:g})")
        ax.set_ylabel("students")
        histograms.append(_png(fig))
    return overview, histograms


def report_html(chapter: str, reports: list[ExerciseReport]) -> str:
    """A self-contained HTML page of the report (inline CSS, plots as data URIs)."""
    esc = html.escape
    overview, histograms = _plots(reports) if reports else ("", [])
    n = reports[0].students if reports else 0
    parts = [f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(chapter)}: misconception report</title>
<style>
body {{ font-family: sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
section {{ border-top: 1px solid #ccc; padding-top: 1rem; margin-top: 1.5rem; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .2rem .6rem; text-align: left;
vertical-align: top; border-bottom: 1px solid #eee; }} td.count {{ text-align: right; }}
.students {{ color: #666; font-size: .85em; }}
</style></head><body>
<h1>{esc(chapter)}: what the class got wrong</h1>
<p>{n} graded students. Exercises hardest first; a mistake is the message of the first
failed check of the exercise, as recorded by autograding.</p>"""]
    if overview:
        parts.append(f'<img id="overview" alt="share of students with full marks per '
                     f'exercise" src="{overview}">')
    for r, hist in zip(reports, histograms):
        rows = "".join(
            f'<tr class="mistake"><td class="count">{m.count} of {r.students}</td>'
            f"<td>{esc(m.message)}<div class=\"students\">{esc(', '.join(m.students))}</div>"
            f"</td></tr>" for m in r.mistakes)
        table = (f"<table><tr><th>students</th><th>mistake</th></tr>{rows}</table>"
                 if rows else "<p>No mistakes: everyone has full marks.</p>")
        parts.append(f"""<section class="exercise" id="{esc(r.test_id)}">
<h2>{esc(r.title)}</h2>
<p><code>{esc(r.answer_id)}</code>, graded by <code>{esc(r.test_id)}</code>,
{r.max_score:g} points. Full marks: <b class="passed">{r.passed} of {r.students}</b>
({100 * r.share:.0f}%).
Hints: <span class="hints">{esc(_hints_line(r))}</span>.</p>
<img class="distribution" alt="score distribution of {esc(r.answer_id)}" src="{hist}">
{table}
</section>""")
    parts.append("</body></html>\n")
    return "\n".join(parts)
