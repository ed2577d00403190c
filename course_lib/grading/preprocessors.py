"""nbgrader preprocessors that make autograding fair to students and safe for hidden tests.

Stock nbgrader 0.9 has four behaviours this course cannot live with; each class below fixes one
and is switched on from ``nbgrader_config.py`` (see :func:`course_lib.grading.config.configure`),
so ``nbgrader autograde`` run by hand behaves exactly like ``course autograde``.

==========================  =====================================================================
stock behaviour             fix
==========================  =====================================================================
a deleted test cell is      :class:`RestoreTestCells` rebuilds every test cell from the gradebook,
not graded at all; a        once each, in the source notebook's position, whatever the student
duplicated one voids the    did to the copies in the submission (edited, deleted, duplicated)
notebook (DeduplicateIds
strips its metadata)
any stderr output fails a   :class:`StripHarmlessWarnings` removes the text of Python warnings
test cell, so a correct     (``file:line: SomeWarning: message`` plus its source line) before
answer that triggers a      the scores are saved; anything else on stderr, and every raised
DeprecationWarning scores   error, still fails the cell
zero
student code runs in the    :class:`Execute` (``execute.py``) runs the student's cells in a
grader's kernel: it can     bubblewrap-sandboxed kernel and the set-up and test cells in a
switch the checks off,      separate check kernel that reaches student code through plain data
write the gradebook, loop   only; a runaway or crashing cell costs its exercise once, a killed
or crash the grading        kernel is restarted and the completed cells replayed, output is
                            capped per cell and a submission has a time budget
the feedback HTML shows     :class:`CleanFeedback` replaces each test cell by a one-line verdict:
the test cells, hidden      passed or failed, the points, and for a failure the message of the
tests and tracebacks, and   failed check only (never hidden code, tracebacks or hidden values);
loads MathJax from a CDN    any other cell's error becomes one friendly line; formulas become
                            MathML that the browser draws offline
==========================  =====================================================================
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Integer, List, Unicode

from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = ["RestoreTestCells", "StripHarmlessWarnings", "Execute", "CleanFeedback",
           "is_test_cell", "error_note", "markdown_math_to_mathml"]


def is_test_cell(cell) -> bool:
    """An autograder test cell: graded, not an answer (nbgrader's ``grade and not solution``)."""
    return utils.is_grade(cell) and not utils.is_solution(cell)


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


# --------------------------------------------------------------------------------------------
# Sanitising: the test cells
# --------------------------------------------------------------------------------------------
class RestoreTestCells(NbGraderPreprocessor):
    """Grade every submission with the original test cells, exactly once each, in place.

    The same goes for the other read-only (locked) code cells, such as a chapter's set-up cell
    with its imports: deleting one would otherwise fail every exercise after it.

    Replaces nbgrader's ``DeduplicateIds`` in ``Autograde.sanitize_preprocessors`` (it must run
    before ``OverwriteCells``). For each notebook:

    1. every submitted cell that carries the id of a test (or locked) cell is removed, whatever
       its content
       (an edited copy, a second copy pasted elsewhere, a copy whose type was changed);
    2. each test cell of the gradebook is inserted again, source and points from the gradebook,
       right after the nearest cell that precedes it in the instructor's source notebook and is
       present in the submission (so it lands under its answer cell; a set-up cell at the top
       lands under the title, before the cells that need its imports). Graded cells are
       matched by grade_id, the others by the cell id that the release keeps;
    3. a duplicated answer cell keeps its id on the last copy only (the one whose definitions
       are in force when the tests run), as stock nbgrader does; the earlier copies become
       plain code cells instead of cells with emptied nbgrader metadata, which nbgrader's
       metadata validator rejects.
    """

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        notebook_id, assignment_id = info["notebook"], info["assignment"]
        with Gradebook(info["db_url"]) as gb:
            source_nb = gb.find_notebook(notebook_id, assignment_id)
            points = {cell.name: cell.max_score for cell in source_nb.grade_cells
                      if cell.cell_type == "code"
                      and not _is_solution_id(source_nb, cell.name)}
            sources = {cell.name: cell for cell in source_nb.source_cells}
            # test cells, and the read-only code cells (imports, data) they depend on
            tests = {name: sources[name] for name in sources
                     if sources[name].cell_type == "code" and sources[name].locked
                     and not _is_solution_id(source_nb, name)}
            order = self._source_order(assignment_id, notebook_id,
                                       [cell.name for cell in source_nb.source_cells])

        removed = [_grade_id(c) for c in nb.cells if _grade_id(c) in tests]
        nb.cells = [c for c in nb.cells if _grade_id(c) not in tests]
        self._deduplicate_answers(nb)

        for name in [value for kind, value in order if kind == "grade_id" and value in tests]:
            copies = removed.count(name)
            if copies != 1:
                self.log.warning("Locked cell '%s' appeared %d times in the submission; "
                                 "grading it once, from the source", name, copies)
            cell = self._rebuild(sources[name], points.get(name))
            nb.cells.insert(self._insert_position(nb, order, name), cell)
        return nb, resources

    def _source_order(self, assignment_id: str, notebook_id: str, fallback: list) -> list:
        """The instructor's notebook as a list of cell keys (:func:`_cell_key`), in order.

        The gradebook keeps no order, and no cell without a grade_id."""
        coursedir = CourseDirectory(parent=self)
        path = Path(coursedir.format_path(coursedir.source_directory, ".", assignment_id),
                    f"{notebook_id}.ipynb")
        fallback = [("grade_id", name) for name in fallback]
        if not path.exists():
            # the gradebook lists cells in the order generate_assignment saved them
            return fallback
        order = [_cell_key(c) for c in nbformat.read(path, as_version=4).cells]
        return order + [key for key in fallback if key not in order]

    @staticmethod
    def _deduplicate_answers(nb: NotebookNode) -> None:
        seen = set()
        for cell in reversed(nb.cells):
            name = _grade_id(cell)
            if name is None:
                continue
            if name in seen:
                del cell.metadata["nbgrader"]
            seen.add(name)

    @staticmethod
    def _insert_position(nb: NotebookNode, order: list, name: str) -> int:
        present = {key: i for i, c in enumerate(nb.cells) if (key := _cell_key(c))[1]}
        index = order.index(("grade_id", name))
        for before in reversed(order[:index]):
            if before in present:
                return present[before] + 1
        for after in order[index + 1:]:
            if after in present:
                return present[after]
        return len(nb.cells)

    @staticmethod
    def _rebuild(source_cell, points: float | None) -> NotebookNode:
        cell = nbformat.v4.new_code_cell(source_cell.source)
        meta = {"grade": points is not None, "solution": False, "locked": True,
                "grade_id": source_cell.name, "checksum": source_cell.checksum,
                "cell_type": "code", "schema_version": 3}
        if points is not None:
            meta["points"] = float(points)
        cell.metadata = NotebookNode({"deletable": False, "editable": False, "nbgrader": meta})
        # nbformat >= 4.5 gives every cell a random id; a stable one keeps outputs diffable
        cell.id = re.sub(r"[^A-Za-z0-9_-]", "-", source_cell.name)[:64]
        return cell


def _cell_key(cell) -> tuple[str, str | None]:
    """How a cell of the source is found again in a submission: its grade_id, else its id."""
    name = _grade_id(cell)
    return ("grade_id", name) if name else ("id", cell.get("id"))


def _is_solution_id(source_nb, name: str) -> bool:
    return any(cell.name == name for cell in source_nb.solution_cells)


# --------------------------------------------------------------------------------------------
# Autograding: warnings on stderr
# --------------------------------------------------------------------------------------------
#: A warning as Python's ``warnings.showwarning`` prints it: ``path:line: Category: message``,
#: the message possibly over several lines, then (usually) the offending source line indented.
_WARNING_LINE = re.compile(r"^.*?:\d+: (?P<category>[A-Za-z_][\w.]*Warning): ")


class StripHarmlessWarnings(NbGraderPreprocessor):
    """Keep stderr text from costing a correct answer its points; only a failed check does.

    nbgrader scores a test cell zero as soon as it has any stderr output. Here a test cell runs
    in the check kernel, where only the instructor's code, the course's checks and the grader's
    own machinery run (the student's code runs in its own kernel, whose stderr never reaches a
    test cell), and a failed check is an ``error`` output, which this never touches. What else
    reaches stderr says nothing about the answer: warnings (``DeprecationWarning`` from a
    library, ``ConvergenceWarning`` from scikit-learn, NumPy's ``RuntimeWarning``, a student's
    warning raised again by the bridge), and on a loaded machine the kernel's own complaints
    (ipykernel copies whatever is written to the process's stderr into the running cell).

    So each warning block whose category matches ``categories`` (a regular expression,
    default: any ``...Warning``) is removed from stderr, and in a *test* cell the stderr text
    that is left stays readable for the instructor as a stdout note, ``[stderr] ...``. Other
    cells keep their stderr (they carry no points). A stream left empty is dropped.
    """

    categories = Unicode(
        r".*Warning",
        help="Regular expression for the warning categories to strip from stderr.",
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code":
            return cell, resources
        test = is_test_cell(cell)
        kept = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                output.text = self.strip(output.text)
                if not output.text.strip():
                    continue
                if test:
                    output = nbformat.v4.new_output("stream", name="stdout", text="".join(
                        f"[stderr] {line}" for line in output.text.splitlines(keepends=True)))
            kept.append(output)
        cell.outputs = kept
        return cell, resources

    def strip(self, text: str) -> str:
        """``text`` without the warning blocks of the configured categories."""
        allowed = re.compile(rf"(?:{self.categories})$")
        lines = text.splitlines(keepends=True)
        kept, skipping = [], False
        for line in lines:
            match = _WARNING_LINE.match(line)
            if match:
                category = match.group("category").rsplit(".", 1)[-1]
                skipping = bool(allowed.match(category))
                if skipping:
                    continue
            elif skipping and (line.startswith((" ", "\t")) or not line.strip()):
                # the indented source line (and blank lines) that belong to the warning
                continue
            else:
                skipping = False
            kept.append(line)
        return "".join(kept)


# --------------------------------------------------------------------------------------------
# Autograding: two kernels, the student's in a sandbox (see execute.py)
# --------------------------------------------------------------------------------------------
from .execute import Execute  # noqa: E402  (re-exported: the config names it from here)


# --------------------------------------------------------------------------------------------
# Feedback: never show hidden tests
# --------------------------------------------------------------------------------------------
#: Exceptions whose message is written for the student by the check helpers.
_FRIENDLY = ("CheckFailed",)


class CleanFeedback(NbGraderPreprocessor):
    """Turn an autograded notebook into feedback a student may read, offline, with no traceback.

    Runs in ``GenerateFeedback.preprocessors`` after ``GetGrades`` (which puts the score in
    the cell metadata). The test cell's code (visible and hidden checks alike) is replaced by a
    comment naming the exercise, and its outputs by one text output:

    - ``Passed: 2.0 / 2.0 points``;
    - ``Not passed: 0.0 / 2.0 points`` followed by the message of the failed check when it was
      a ``CheckFailed`` (its message is the friendly feedback and hidden checks leave the
      expected value out of it), or by the error's name for anything else (the exception text
      could quote a hidden input), or by a timeout notice.

    Every other code cell keeps its code and outputs, except that an error (a demo cell calling
    an exercise the student left blank raises ``NotImplementedError``) becomes a one-line note
    (:func:`error_note`): tracebacks are never shown, they are noise to a student and a test
    cell's would quote the test code. Hidden-test markers in any other cell are removed with
    everything between them, in case a student pasted them there.

    With ``offline_math`` (the default) the page needs no network: the markdown's ``$...$`` and
    ``$$...$$`` formulas become MathML (:func:`markdown_math_to_mathml`), which browsers draw
    themselves, and the MathJax ``<script>`` that nbgrader's feedback template loads from a CDN
    is left out (:meth:`_drop_mathjax`).
    """

    begin_hidden = Unicode("### BEGIN HIDDEN TESTS").tag(config=True)
    end_hidden = Unicode("### END HIDDEN TESTS").tag(config=True)
    max_message = Integer(2000, help="Longest check message shown, in characters.").tag(
        config=True)
    friendly_errors = List(list(_FRIENDLY), help="Exception names whose message is shown."
                           ).tag(config=True)
    offline_math = Bool(True, help="Render formulas as MathML and load no MathJax from a CDN."
                        ).tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.offline_math:
            self._drop_mathjax()

    def preprocess_cell(self, cell, resources, cell_index):
        if is_test_cell(cell):
            return self._verdict(cell), resources
        if cell.cell_type == "markdown" and self.offline_math:
            cell.source = markdown_math_to_mathml(cell.source)
        if self.begin_hidden in cell.source:
            hidden = re.compile(re.escape(self.begin_hidden) + r".*?(" +
                                re.escape(self.end_hidden) + r"|\Z)", re.S)
            cell.source = hidden.sub("", cell.source)
        if cell.cell_type == "code":
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text=error_note(o) + "\n")
                if o.output_type == "error" else o for o in cell.get("outputs", [])]
        return cell, resources

    def _drop_mathjax(self) -> None:
        """Make the exporter running this preprocessor render ``mathjax()`` as nothing.

        nbgrader's ``feedback`` template calls nbconvert's ``mathjax()`` macro with its CDN
        address hard-wired, so neither ``HTMLExporter.mathjax_url`` nor any resource changes it.
        A Jinja loader placed first on the exporter's ``extra_loaders`` (which nbconvert tries
        before its template folders, and whose change rebuilds the template) answers
        ``mathjax.html.j2`` with an empty macro. Doing it here, rather than in the config,
        keeps ``nbgrader generate_feedback`` run by hand offline too. The exporter is the
        preprocessor's ``parent`` (nbconvert registers preprocessors with ``parent=self``);
        without one (a unit test) there is no template to change. It runs when the exporter
        registers this preprocessor, before the exporter first builds its Jinja environment:
        changing the loaders later would rebuild the environment without the filters that
        ``HTMLExporter.from_notebook_node`` has just registered in it.
        """
        from jinja2 import DictLoader
        from nbconvert.exporters import TemplateExporter

        exporter = self.parent
        if not isinstance(exporter, TemplateExporter):
            return
        if any(getattr(loader, "course_offline", False) for loader in exporter.extra_loaders):
            return
        loader = DictLoader({"mathjax.html.j2": "{%- macro mathjax(url='') -%}{%- endmacro -%}"})
        loader.course_offline = True
        exporter.extra_loaders = [loader, *exporter.extra_loaders]

    def _verdict(self, cell):
        meta = cell.metadata.nbgrader
        name = meta.get("grade_id", "")
        exercise = name[:-len("_test")] if name.endswith("_test") else name
        score, points = meta.get("score"), meta.get("points")
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        stderr = [o for o in cell.get("outputs", []) if o.output_type == "stream"
                  and o.name == "stderr"]
        full = score is not None and points is not None and float(score) >= float(points)
        if full:
            text = f"Passed: {_fmt(score)} / {_fmt(points)} points."
        else:
            text = f"Not passed: {_fmt(score)} / {_fmt(points)} points.\n\n"
            text += self._reason(errors, stderr)
        cell.source = f"# Checks for exercise '{exercise}' (their code is not shown here)"
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
        cell.execution_count = None
        return cell

    def _reason(self, errors, stderr) -> str:
        if errors:
            error = errors[0]
            ename = error.get("ename", "Error")
            if ename in self.friendly_errors:
                return _strip_ansi(error.get("evalue", ""))[: self.max_message]
            if ename == "CellTimeoutError":
                return _TIMEOUT_NOTE
            if ename == "NotImplementedError":
                return "This exercise has not been answered yet (NotImplementedError)."
            return (f"Running the checks raised {ename}. Run the exercise and its check "
                    f"cell in your notebook to see the details.")
        if stderr:
            return ("The checks wrote to the error stream (stderr); graded cells must run "
                    "without error output.")
        return "The checks did not pass."


_TIMEOUT_NOTE = ("Your code ran for too long and was stopped (an endless loop, or far more "
                 "work than the exercise needs).")


def error_note(error: dict) -> str:
    """One friendly line in place of the traceback of an error raised by a non-test cell.

    ``error`` is a notebook ``error`` output (``ename``, ``evalue``). A ``NotImplementedError``
    means the cell used an exercise that is still blank; any other error is named with the
    first line of its message (the cell's own code is shown above it, so nothing is hidden).
    """
    ename = error.get("ename", "Error")
    if ename == "NotImplementedError":
        return ("This cell did not run to the end because it uses an exercise that has not "
                "been answered yet. Answer the exercise above it, then run this cell again.")
    if ename == "CellTimeoutError":
        return _TIMEOUT_NOTE
    first = (_strip_ansi(str(error.get("evalue", ""))).strip().splitlines() or [""])[0][:200]
    detail = f": {first}" if first else ""
    return (f"This cell stopped with {ename}{detail}. Run it in your notebook to see the "
            f"line that raised it.")


#: Code in markdown (fenced blocks, then inline spans), whose dollars are not math.
_MARKDOWN_CODE = re.compile(r"^(?P<fence>```|~~~).*?^(?P=fence)[^\n]*$|(?P<ticks>`+).+?(?P=ticks)",
                            re.S | re.M)
#: ``$$display$$``, or ``$inline$`` (within one paragraph: no blank line): not empty, no space
#: just inside the dollars and no digit right after the closing one, so "$5 and $6" is text.
_MARKDOWN_MATH = re.compile(
    r"\$\$(?P<display>.+?)\$\$"
    r"|(?<![\\$])\$(?!\s)(?P<inline>(?:[^$\n]|\n(?![ \t]*\n))+?)(?<![\s\\])\$(?!\d)", re.S)
#: Characters that markdown would read inside the text of a MathML element.
_MARKDOWN_ACTIVE = {c: f"&#{ord(c)};" for c in "\\*_`[]~|$"}


def markdown_math_to_mathml(markdown: str) -> str:
    """``markdown`` with each ``$...$`` / ``$$...$$`` formula replaced by inline MathML.

    Browsers (Chromium 109+, Firefox, Safari) draw MathML themselves, so the page needs no
    MathJax and no network. Dollars inside code spans and fenced code blocks are left alone;
    a formula that latex2mathml cannot convert stays as its LaTeX source in a ``<code>``.
    The MathML is one line and its text is entity-escaped, so markdown neither splits it into
    an HTML block nor reads ``*``, ``_`` or ``\\`` in it as emphasis or escapes.
    """
    if not isinstance(markdown, str):
        raise TypeError(f"markdown_math_to_mathml: markdown must be a str, got "
                        f"{type(markdown).__name__}")
    parts, last = [], 0
    for code in _MARKDOWN_CODE.finditer(markdown):
        parts.append(_MARKDOWN_MATH.sub(_to_mathml, markdown[last:code.start()]))
        parts.append(code.group(0))
        last = code.end()
    parts.append(_MARKDOWN_MATH.sub(_to_mathml, markdown[last:]))
    return "".join(parts)


def _to_mathml(match: re.Match) -> str:
    from latex2mathml.converter import convert

    display = match.group("display") is not None
    latex = (match.group("display") if display else match.group("inline")).strip()
    try:
        mathml = convert(latex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 (latex2mathml raises many kinds on LaTeX it lacks)
        return f"<code>{_escape_text(html.escape(latex))}</code>"
    # the text between tags is what markdown could misread; the tags themselves are raw HTML
    mathml = re.sub(r">([^<]+)<", lambda m: ">" + _escape_text(m.group(1)) + "<",
                    mathml.replace("\n", " "))
    return mathml


def _escape_text(text: str) -> str:
    return "".join(_MARKDOWN_ACTIVE.get(c, c) for c in text)


def _fmt(value) -> str:
    return "?" if value is None else f"{float(value):g}"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)
