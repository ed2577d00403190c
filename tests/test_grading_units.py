"""The grading pieces one by one, without a gradebook: fast, and precise about each fix.

The end-to-end proofs per chapter are in test_grading.py; these pin down the behaviour of each
preprocessor and of the ``course`` command's input handling on small hand-made cases.
"""
from __future__ import annotations

import copy
import os
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from course_lib.cli import main
from course_lib.grading import DEFAULT_TIMEOUT, configure
from course_lib.grading import course
from course_lib.grading.preprocessors import (CleanFeedback, Execute, RestoreTestCells,
                                              StripHarmlessWarnings, markdown_math_to_mathml)

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------
# StripHarmlessWarnings
# --------------------------------------------------------------------------------------------
FUTURE = ("/tmp/ipykernel_1/2.py:3: FutureWarning: the default will change\n"
          "  y = old_api(x)\n")
DEPRECATION = ("/usr/lib/python3/site-packages/lib.py:10: DeprecationWarning: use new()\n"
               "  return old()\n")
SKLEARN = ("/x/sklearn/cluster/_kmeans.py:1419: sklearn.exceptions.ConvergenceWarning: "
           "Number of distinct clusters (2) found smaller than n_clusters (3).\n"
           "  return fit_method(estimator, *args, **kwargs)\n")


@pytest.mark.parametrize("text", [FUTURE, DEPRECATION, SKLEARN, FUTURE + DEPRECATION])
def test_warning_blocks_are_removed(text):
    assert StripHarmlessWarnings().strip(text) == ""


def test_other_stderr_text_is_kept_around_warnings():
    text = "starting\n" + FUTURE + "something went wrong\n" + DEPRECATION
    assert StripHarmlessWarnings().strip(text) == "starting\nsomething went wrong\n"


def test_categories_limit_what_is_stripped():
    strip = StripHarmlessWarnings(categories="DeprecationWarning").strip
    assert strip(FUTURE + DEPRECATION) == FUTURE


def _cell_with(*outputs):
    cell = new_code_cell("x = 1")
    cell.outputs = list(outputs)
    return cell


def test_a_cell_with_only_warnings_on_stderr_has_no_stderr_left():
    cell = _cell_with(new_output("stream", name="stdout", text="ok\n"),
                      new_output("stream", name="stderr", text=FUTURE))
    cell, _ = StripHarmlessWarnings().preprocess_cell(cell, {}, 0)
    assert [(o.output_type, o.get("name")) for o in cell.outputs] == [("stream", "stdout")]


def test_errors_fail_a_test_cell_and_other_stderr_text_does_not():
    # a failed check is an error; text on stderr in a test cell (the check kernel's own noise
    # on a loaded machine) stays readable on stdout and costs nothing
    from nbgrader.utils import determine_grade

    error = new_output("error", ename="ValueError", evalue="bad", traceback=[])
    noise = "IOStream.flush timed out\n"
    test = {"nbgrader": {"grade": True, "solution": False, "points": 2, "grade_id": "t",
                         "locked": True}}
    for outputs, score in (([new_output("stream", name="stderr", text=FUTURE), error], 0),
                           ([new_output("stream", name="stderr", text=FUTURE + noise)], 2.0)):
        cell = _cell_with(*outputs)
        cell.metadata = copy.deepcopy(test)
        cell, _ = StripHarmlessWarnings().preprocess_cell(cell, {}, 0)
        assert determine_grade(cell) == (score, 2.0)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in cell.outputs] == [
        ("stream", "stdout", "[stderr] IOStream.flush timed out\n")]
    # a demo cell (no points) keeps its stderr as it was
    demo = _cell_with(new_output("stream", name="stderr", text=noise))
    demo, _ = StripHarmlessWarnings().preprocess_cell(demo, {}, 0)
    assert [(o.name, o.text) for o in demo.outputs] == [("stderr", noise)]


# --------------------------------------------------------------------------------------------
# CleanFeedback
# --------------------------------------------------------------------------------------------
HIDDEN = "check_close(f(17.5), 306.25, reveal=False)"


def _test_cell(score, *outputs):
    cell = new_code_cell(f"check_close(f(2), 4)\n### BEGIN HIDDEN TESTS\n{HIDDEN}\n"
                         f"### END HIDDEN TESTS\npassed('f')")
    cell.metadata = {"nbgrader": {"grade": True, "solution": False, "locked": True,
                                  "grade_id": "f_test", "points": 2.0, "score": score}}
    cell.outputs = list(outputs)
    return cell


def _clean(cell):
    cell, _ = CleanFeedback().preprocess_cell(cell, {}, 0)
    shown = cell.source + "".join(o.get("text", "") for o in cell.outputs)
    assert HIDDEN not in shown and "306.25" not in shown and "HIDDEN" not in shown
    assert [o.output_type for o in cell.outputs] == ["stream"]
    return shown


def test_feedback_for_a_passed_exercise():
    shown = _clean(_test_cell(2.0, new_output("stream", name="stdout", text="✔ f\n")))
    assert "Passed: 2 / 2 points" in shown and "'f'" in shown


def test_feedback_keeps_only_the_check_message_of_a_failure():
    trace = ["\x1b[0;31mCheckFailed\x1b[0m Traceback", f"----> 3 {HIDDEN}", "CheckFailed: ..."]
    error = new_output("error", ename="CheckFailed",
                       evalue="f(x) is wrong for a negative input.\n  got: 3.0", traceback=trace)
    shown = _clean(_test_cell(0.0, error))
    assert "Not passed: 0 / 2 points" in shown
    assert "f(x) is wrong for a negative input.\n  got: 3.0" in shown
    assert "Traceback" not in shown


def test_feedback_hides_the_text_of_other_errors():
    # an error raised inside a hidden check may quote its inputs
    error = new_output("error", ename="ValueError", evalue="shapes (7,) and (306,) differ",
                       traceback=[HIDDEN])
    shown = _clean(_test_cell(0.0, error))
    assert "ValueError" in shown and "(306,)" not in shown


def test_feedback_explains_a_timeout_and_a_missing_answer():
    timeout = new_output("error", ename="CellTimeoutError", evalue="", traceback=[])
    assert "too long" in _clean(_test_cell(0.0, timeout))
    missing = new_output("error", ename="NotImplementedError", evalue="", traceback=[])
    assert "not been answered" in _clean(_test_cell(0.0, missing))


def test_hidden_blocks_pasted_into_other_cells_are_removed():
    cell = new_code_cell(f"x = 1\n### BEGIN HIDDEN TESTS\n{HIDDEN}\n### END HIDDEN TESTS\ny = 2")
    cell, _ = CleanFeedback().preprocess_cell(cell, {}, 0)
    assert HIDDEN not in cell.source and "x = 1" in cell.source and "y = 2" in cell.source


def _traceback(ename):
    return ["\x1b[0;31m---------------------------------------------------------------\x1b[0m",
            f"\x1b[0;31m{ename}\x1b[0m                       Traceback (most recent call last)",
            "Cell In[7], line 2\n----> 2 sgd_step(w, g, 0.1)"]


@pytest.mark.parametrize("ename, evalue, expected", [
    ("NotImplementedError", "", "uses an exercise that has not been answered yet"),
    ("ValueError", "w has shape (3,)\nsecond line", "stopped with ValueError: w has shape (3,)."),
    ("CellTimeoutError", "", "ran for too long"),
])
def test_feedback_turns_a_demo_cells_traceback_into_one_friendly_line(ename, evalue, expected):
    # a demo cell (not graded) calling an exercise the student left blank
    cell = new_code_cell("w_new = sgd_step(w, g, 0.1)\nprint(w_new)")
    cell.outputs = [new_output("stream", name="stdout", text="before\n"),
                    new_output("error", ename=ename, evalue=evalue, traceback=_traceback(ename))]
    cell, _ = CleanFeedback().preprocess_cell(cell, {}, 0)
    assert cell.source == "w_new = sgd_step(w, g, 0.1)\nprint(w_new)"  # its code stays
    assert [o.output_type for o in cell.outputs] == ["stream", "stream"]
    assert cell.outputs[0].text == "before\n"
    note = cell.outputs[1].text
    assert expected in note and note.count("\n") == 1
    assert "Traceback" not in note and "second line" not in note and "\x1b" not in note


def test_markdown_formulas_become_mathml_and_code_and_prices_stay():
    text = ("The step is $w - \\alpha g$ and\n\n$$L = \\frac{1}{n}\\sum_i (y_i - p_i)^2$$\n\n"
            "Code `x = \"$a$\"` and prices $5 and $6 stay.\n\n```python\nplt.xlabel(\"$w_1$\")\n```")
    out = markdown_math_to_mathml(text)
    assert out.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') == 2
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in out
    assert "<mfrac>" in out and re.search(r"<mi>&#x0*3B1;</mi>", out)  # alpha, a character
    assert '`x = "$a$"`' in out and "prices $5 and $6 stay" in out
    assert 'plt.xlabel("$w_1$")' in out
    assert "\n" not in out[out.index("<math"):out.index("</math>")]  # one line: no HTML block


def test_markdown_formulas_keep_markdown_out_of_the_mathml():
    # "*" and "_" in the text of MathML elements would otherwise turn into emphasis
    out = markdown_math_to_mathml("$a * b * c$ and $x_\\text{a_b}$")
    between = "".join(re.findall(r">([^<]*)<", out))
    assert "*" not in between and "_" not in between
    assert "a&#95;b" in between  # the text's own underscore, as an entity


def test_markdown_formula_latex2mathml_cannot_read_stays_as_code():
    out = markdown_math_to_mathml(r"see $\frac{1}{$ here")
    assert "<math" not in out


def test_markdown_math_rejects_what_is_not_text():
    with pytest.raises(TypeError, match="markdown must be a str, got bytes"):
        markdown_math_to_mathml(b"$x$")


def test_feedback_html_loads_no_mathjax_and_shows_mathml():
    from nbconvert.exporters import HTMLExporter

    exporter = HTMLExporter(template_name="classic")
    exporter.register_preprocessor(CleanFeedback, enabled=True)
    nb = new_notebook(cells=[new_markdown_cell("Softmax: $\\sigma(z)_i = e^{z_i}$")])
    page, _ = exporter.from_notebook_node(nb)
    # (nbconvert's classic template loads jQuery from a CDN too; nbgrader's feedback template,
    # which the browser test opens offline, does not)
    assert "MathJax.Hub" not in page and not re.search(r"<script[^>]*mathjax", page, re.I)
    assert re.search(r'<math [^>]*xmlns="http://www.w3.org/1998/Math/MathML"', page)
    # an exporter without the preprocessor still loads it: the test can tell the difference
    stock, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    assert "MathJax.Hub" in stock and re.search(r"<script[^>]*mathjax", stock, re.I)


def _feedback_exporters(template="feedback"):
    """A template (nbgrader's feedback one by default) rendered by HTMLExporter and by
    FeedbackExporter, each new (with CleanFeedback, as generate_feedback runs them)."""
    from pathlib import Path as _Path

    import nbgrader
    from nbconvert.exporters import HTMLExporter

    from course_lib.grading.feedback import FeedbackExporter

    formgrader = _Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    config = Config()
    config.HTMLExporter.template_name = template
    config.HTMLExporter.extra_template_basedirs = [str(formgrader / "templates")]
    config.HTMLExporter.extra_template_paths = [
        str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    made = []
    for cls in (HTMLExporter, FeedbackExporter):
        exporter = cls(config=config)
        exporter.register_preprocessor(CleanFeedback, enabled=True)
        made.append(exporter)
    return made


def _feedback_notebook():
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5"
           "ErkJggg==")
    code = new_code_cell("import numpy as np\nprint(np.arange(3))  # <b>not bold</b>", outputs=[
        new_output("stream", name="stdout", text="[0 1 2]\n"),
        new_output("stream", name="stderr", text="a warning\n"),
        new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        new_output("execute_result", execution_count=1, data={
            "text/html": '<div class="jp-OutputArea-output">a table</div><img src="x.png">'
                         '<img src="y.png" alt="a plot">',
            "text/plain": "table"}),
        new_output("error", ename="ValueError", evalue="bad", traceback=["Traceback", "bad"])])
    markdown = new_markdown_cell("# Title\n\nText with $x^2$ and ![a digit](digit.png) and "
                                 "<img src='z.png'>.")
    nb = new_notebook(cells=[markdown, code, new_code_cell("x = 1")])
    nb.metadata.language_info = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


#: What nbgrader's GetGrades hands the feedback template.
_FEEDBACK_RESOURCES = {"nbgrader": {"notebook": "01_demo", "score": 3.0, "max_score": 4.0,
                                    "late_penalty": 0.0}}


@pytest.mark.parametrize("template, focusable", [("feedback", 0), ("lab", 9)])
def test_the_feedback_exporter_writes_the_page_htmlexporter_writes(template, focusable):
    from bs4 import BeautifulSoup

    stock_exporter, ours_exporter = _feedback_exporters(template)
    nb = _feedback_notebook()
    stock, _ = stock_exporter.from_notebook_node(copy.deepcopy(nb), _FEEDBACK_RESOURCES)
    ours, _ = ours_exporter.from_notebook_node(copy.deepcopy(nb), _FEEDBACK_RESOURCES)
    assert ours != stock  # not the same text (BeautifulSoup rewrites the markup)
    stock_tree, our_tree = (BeautifulSoup(page, "html.parser") for page in (stock, ours))
    assert our_tree == stock_tree  # the same elements, attributes and text
    # what the comparison is about is there: focusable inputs and outputs (in JupyterLab's
    # template, none in nbgrader's), described images
    assert len(our_tree.select("[tabindex='0']")) == focusable
    alts = [img.get("alt") for img in our_tree.select("img")]
    assert len(alts) == 5 and alts.count("a plot") == 1 and alts.count("a digit") == 1
    assert alts.count("No description has been provided for this image") == 3


def test_the_feedback_exporter_compiles_its_templates_once_per_process(monkeypatch):
    import jinja2

    compiled = []
    compile_ = jinja2.Environment.compile

    def counting(self, *args, **kwargs):
        compiled.append(1)
        return compile_(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    stock, first = _feedback_exporters()
    first.from_notebook_node(_feedback_notebook(), _FEEDBACK_RESOURCES)
    compiled.clear()
    stock.from_notebook_node(_feedback_notebook(), _FEEDBACK_RESOURCES)
    assert len(compiled) >= 5  # HTMLExporter compiles the template and those it extends
    compiled.clear()
    _, second = _feedback_exporters()
    page, _ = second.from_notebook_node(_feedback_notebook(), _FEEDBACK_RESOURCES)
    assert compiled == [] and "Title" in page


def test_the_feedback_exporter_colours_each_code_cell_once_per_process(monkeypatch):
    # the instructor's cells read the same on every student's page: coloured once
    import pygments

    from course_lib.grading.feedback import _RememberedHighlight

    monkeypatch.setattr(_RememberedHighlight, "done", {})
    coloured = []
    highlight = pygments.highlight

    def counting(code, lexer, formatter, *args):
        coloured.append(code)
        return highlight(code, lexer, formatter, *args)

    monkeypatch.setattr(pygments, "highlight", counting)
    _, exporter = _feedback_exporters()
    pages, base = [], _feedback_notebook()
    for answer in ("x = 1", "x = 2", "x = 1"):  # three students, two different answers
        nb = copy.deepcopy(base)
        nb.cells[2].source = answer
        pages.append(exporter.from_notebook_node(nb, _FEEDBACK_RESOURCES)[0])
    assert sorted(coloured) == sorted([base.cells[1].source, "x = 1", "x = 2"])
    assert pages[0] == pages[2] and pages[0] != pages[1]
    assert "x</span> <span class=\"o\">=</span> <span class=\"mi\">2" in pages[1]


# --------------------------------------------------------------------------------------------
# RestoreTestCells: where a missing test cell goes back, which duplicate answer counts
# --------------------------------------------------------------------------------------------
def _tagged(name, solution=True):
    cell = new_code_cell(name)
    cell.metadata = {"nbgrader": {"grade_id": name, "solution": solution,
                                  "grade": not solution, "locked": not solution}}
    return cell


def _graded(*names):
    return [("grade_id", name) for name in names]


def test_a_restored_test_goes_right_after_its_answer():
    order = _graded("a", "a_test", "b", "b_test")
    nb = new_notebook(cells=[new_markdown_cell("intro"), _tagged("a"), _tagged("b"),
                             new_markdown_cell("end")])
    assert RestoreTestCells._insert_position(nb, order, "a_test") == 2
    assert RestoreTestCells._insert_position(nb, order, "b_test") == 3


def test_a_restored_test_without_its_answer_goes_before_the_next_known_cell():
    order = _graded("a", "a_test", "b", "b_test")
    nb = new_notebook(cells=[new_markdown_cell("intro"), _tagged("b")])
    assert RestoreTestCells._insert_position(nb, order, "a_test") == 1
    assert RestoreTestCells._insert_position(new_notebook(), order, "a_test") == 0


def test_the_check_kernel_imports_only_what_the_test_cells_read():
    import subprocess
    import sys

    from course_lib.grading.execute import import_prelude

    setup = _tagged("setup", solution=False)
    setup.metadata.nbgrader["grade"] = False
    setup.source = ("%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
                    "from course_lib.widgets.gradient_descent import learning_rate_explorer\n"
                    "from course_lib.exercises.gradient_descent import check_sgd_step\n")
    answer, test = _tagged("sgd_step"), _tagged("sgd_step_test", solution=False)
    test.source = "check_sgd_step(sgd_step)\nassert np.isfinite(1.0)\npassed('sgd_step')\n"
    nb = new_notebook(cells=[setup, answer, test])
    prelude = import_prelude(nb)
    assert "numpy as np" in prelude and "check_sgd_step" in prelude
    assert "matplotlib" not in prelude and "widgets" not in prelude
    # what it leaves out is what made the check kernel slow to prepare: run it and look
    probe = prelude + "import sys\nprint(sorted({'matplotlib', 'ipywidgets'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]", out
    # a test cell that does not parse could read anything: then every import is kept
    test.source = "check_sgd_step(sgd_step\n"
    assert "matplotlib.pyplot as plt" in import_prelude(nb)


def test_the_check_kernel_runs_only_the_read_only_cells_the_test_cells_need():
    from course_lib.grading.execute import check_kernel_sources

    def locked(source):
        cell = new_code_cell(source)
        cell.metadata = {"nbgrader": {"grade_id": f"c{len(source)}", "locked": True,
                                      "grade": False, "solution": False}}
        return cell

    setup = locked("%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
                   "from course_lib.widgets.gradient_descent import learning_rate_explorer\n"
                   "np.set_printoptions(precision=3)\n")
    data = locked("rng = np.random.default_rng(0)\nx_test = rng.normal(size=3)\n")
    scale = locked("SCALE = 2.0\n")
    demo = locked("fig, ax = plt.subplots()\nax.plot(x_test)\nlearning_rate_explorer()\n")
    answer, test = _tagged("f"), _tagged("f_test", solution=False)
    test.source = "check_close(f(x_test), x_test * 2, 'f(x_test)')\npassed('f')\n"
    nb = new_notebook(cells=[setup, data, scale, demo, answer, test])
    sources = check_kernel_sources(nb)
    # the data the test reads is the instructor's (with the import and the rng it needs);
    # the demo, and what only the demo needs, stay in the student's kernel
    assert sorted(sources) == [0, 1]
    assert sources[1] == "rng = np.random.default_rng(0)\nx_test = rng.normal(size=3)\n"
    assert sources[0] == "import numpy as np\nnp.set_printoptions(precision=3)\n"
    # a test cell that does not parse could read anything: every read-only cell, as written
    test.source = "check_close(f(x_test\n"
    assert check_kernel_sources(nb) == {i: c.source for i, c in enumerate(nb.cells[:4])}


def test_a_deleted_setup_cell_goes_back_under_the_title_before_the_cells_using_it():
    # title, set-up (locked, deleted by the student), a demo cell that needs its imports, then
    # the first exercise: the set-up must come back above the demo, not above the exercise.
    title, demo = new_markdown_cell("# Chapter"), new_code_cell("np.zeros(3)")
    order = [("id", title.id), ("grade_id", "setup"), ("id", demo.id)] + _graded("a", "a_test")
    nb = new_notebook(cells=[title, demo, _tagged("a")])
    assert RestoreTestCells._insert_position(nb, order, "setup") == 1
    # with the title deleted too, it goes before the demo, the next cell still there
    nb = new_notebook(cells=[demo, _tagged("a")])
    assert RestoreTestCells._insert_position(nb, order, "setup") == 0


def test_a_duplicated_answer_counts_once_the_last_copy():
    nb = new_notebook(cells=[_tagged("a"), _tagged("a"), _tagged("b")])
    RestoreTestCells._deduplicate_answers(nb)
    assert ["nbgrader" in c.metadata for c in nb.cells] == [False, True, True]


# --------------------------------------------------------------------------------------------
# Execute: a kernel that ignores the interrupt, or dies, costs one cell; the box
# --------------------------------------------------------------------------------------------
def _run_cells(*sources, timeout=2, path=None):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    Execute(timeout=timeout, iopub_timeout=2).preprocess(
        nb, {"metadata": {"path": str(path) if path else "."}})
    return nb


def _errors(cell):
    return [o.ename for o in cell.outputs if o.output_type == "error"]


def test_a_loop_that_swallows_the_interrupt_costs_only_its_cell():
    nb = _run_cells("import time\nanswer = 42",
                    "while True:\n    try:\n        time.sleep(0.05)\n    except:\n        pass",
                    "print(answer)")
    assert "CellTimeoutError" in _errors(nb.cells[1])
    assert _errors(nb.cells[2]) == []
    assert nb.cells[2].outputs[0].text == "42\n"


def test_a_timed_out_cell_is_interrupted_and_keeps_what_it_defined():
    nb = _run_cells("x = 5\nimport time\ntime.sleep(60)", "print(x)", timeout=3)
    assert "CellTimeoutError" in _errors(nb.cells[0])
    assert nb.cells[1].outputs[0].text == "5\n"


def test_a_kernel_that_fails_to_start_is_started_again(monkeypatch):
    # what two kernels racing for one port look like
    from course_lib.grading import sandbox

    start = sandbox.SandboxedKernelManager.start_kernel
    failures = []

    async def flaky_start(self, **kwargs):
        if not failures:
            failures.append(1)
            raise RuntimeError("Kernel died before replying to kernel_info")
        return await start(self, **kwargs)

    monkeypatch.setattr(sandbox.SandboxedKernelManager, "start_kernel", flaky_start)
    nb = _run_cells("print(6 * 7)")
    assert failures == [1] and nb.cells[0].outputs[0].text == "42\n"


def test_a_kernel_that_dies_before_it_answers_is_started_again(monkeypatch):
    # a kernel that started and died before its first reply (a slow start under load, a
    # crash): the retry needs a kernel manager whose ZMQ context the failed start's clean-up
    # did not destroy (it was one, and the retry failed with "ZMQError: Operation not
    # supported")
    import os
    import signal

    from course_lib.grading import sandbox

    start = sandbox.SandboxedKernelManager.start_kernel
    killed = []

    async def start_then_die(self, **kwargs):
        await start(self, **kwargs)
        if not killed:
            killed.append(self.pid)
            os.kill(self.pid, signal.SIGKILL)

    monkeypatch.setattr(sandbox.SandboxedKernelManager, "start_kernel", start_then_die)
    nb = _run_cells("print(6 * 7)")
    assert len(killed) == 1 and nb.cells[0].outputs[0].text == "42\n"


def test_a_notebook_that_fails_after_its_cells_started_is_not_run_twice(monkeypatch):
    calls = []
    original = Execute._run_student

    async def crash(self, *args, **kwargs):
        calls.append(1)
        await original(self, *args, **kwargs)
        raise RuntimeError("something else went wrong")

    monkeypatch.setattr(Execute, "_run_student", crash)
    with pytest.raises(RuntimeError, match="something else"):
        _run_cells("x = 1")
    assert calls == [1]


def test_a_kernel_that_dies_costs_only_its_cell():
    nb = _run_cells("answer = 7", "import os\nos._exit(1)", "print(answer)", timeout=20)
    assert _errors(nb.cells[1]) == ["DeadKernelError"]
    assert nb.cells[2].outputs[0].text == "7\n"


def test_big_arguments_reach_the_students_function_whole(tmp_path):
    # 2.4 MB of arguments: past the size that travels inside the code the kernel runs, so the
    # student's kernel fetches the request over stdin, and the test still sees every number
    test = new_code_cell(
        "import numpy as np\n"
        "x = np.arange(300_000.0)\n"
        "total, shape, back = summarise(x, scale=np.full(3, 2.0))\n"
        "assert total == x.sum() * 2.0 and tuple(shape) == x.shape\n"
        "assert np.array_equal(back, x[::-1])\n"
        "print('the check saw', len(back), 'numbers')")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": "summarise_test", "points": 1,
                                 "schema_version": 3}
    nb = new_notebook(cells=[
        new_code_cell("def summarise(a, scale):\n"
                      "    return float(a.sum() * scale[0]), a.shape, a[::-1].copy()"), test])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    Execute(timeout=60, iopub_timeout=2).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert _errors(nb.cells[1]) == []
    assert nb.cells[1].outputs[0].text == "the check saw 300000 numbers\n"


def test_grading_leaves_no_socket_knocking_on_a_stopped_kernels_ports(tmp_path):
    # a client socket left open reconnects to its dead kernel's ports every 100 ms for as long
    # as the grading worker lives; whatever listens there later gets the knocks (on CI, the
    # attack proofs' listener for a sandbox escape once counted 2,099)
    import select
    import socket
    import time

    test = new_code_cell("print(double(2))")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": "double_test", "points": 1, "schema_version": 3}
    nb = new_notebook(cells=[new_code_cell("def double(x):\n    return 2 * x"), test])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    execute = Execute(timeout=20, iopub_timeout=2)
    execute.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert nb.cells[1].outputs[0].text == "4\n"
    km = execute.check_km  # the check kernel talks TCP on loopback (the student's: ipc files)
    listeners = []
    for port in (km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port):
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind((km.ip, port))
        except OSError:  # taken again by somebody else already: nothing to learn there
            server.close()
            continue
        server.listen()
        server.setblocking(False)
        listeners.append(server)
    assert listeners, "every port of the stopped kernel was taken again"
    knocks, deadline = 0, time.monotonic() + 1.5
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select(listeners, [], [], left)
        for server in ready:
            conn, _ = server.accept()
            conn.close()
            knocks += 1
    for server in listeners:
        server.close()
    assert knocks == 0, f"{knocks} connections to the stopped check kernel's ports in 1.5 s"


def test_the_student_kernel_is_boxed(tmp_path):
    (tmp_path / "data.txt").write_text("mine")
    secret = ROOT / "solutions"
    nb = _run_cells(
        "import os, socket\nprint(open('data.txt').read())",
        f"print(os.path.exists({str(secret)!r}))",
        f"open({str(ROOT / 'owned.txt')!r}, 'w')",
        "socket.create_connection(('127.0.0.1', 22), timeout=2)",
        "print('x' * 1_000_000)", path=tmp_path, timeout=20)
    assert nb.cells[0].outputs[0].text == "mine\n"
    assert nb.cells[1].outputs[0].text == "False\n"
    assert _errors(nb.cells[2]) in (["OSError"], ["PermissionError"], ["FileNotFoundError"])
    assert not (ROOT / "owned.txt").exists()
    assert _errors(nb.cells[3]) in (["ConnectionRefusedError"], ["OSError"])
    text = "".join(o.get("text", "") for o in nb.cells[4].outputs)
    assert len(text) < 101_000 and "output cut" in text


def test_the_boxed_kernel_finds_matplotlibs_font_list_instead_of_scanning_the_fonts(tmp_path):
    # its home is new for every kernel: without a copy of the list, each one that imports
    # pyplot scanned the system's fonts again
    nb = _run_cells(
        "import io, logging\n"
        "log = io.StringIO()\n"
        "logging.getLogger('matplotlib.font_manager').addHandler(logging.StreamHandler(log))\n"
        "logging.getLogger('matplotlib.font_manager').setLevel(logging.INFO)\n"
        "import matplotlib.font_manager\n"
        "print('scanned' if 'generated new fontManager' in log.getvalue() else 'read', "
        "len(matplotlib.font_manager.fontManager.ttflist) > 0)", path=tmp_path, timeout=30)
    assert nb.cells[0].outputs[0].text == "read True\n"


def test_the_boxed_kernel_starts_without_the_debugger_and_imports_from_its_folder(tmp_path):
    # ipykernel imports debugpy when it can: a quarter of a kernel's start, for a debugger
    # nobody attaches to a graded kernel. A module beside the notebook must still import.
    (tmp_path / "helper.py").write_text("ANSWER = 42\n")
    nb = _run_cells(
        "import sys\nprint(sys.modules.get('debugpy', 'absent'))",
        "from helper import ANSWER\nprint(ANSWER)", path=tmp_path, timeout=30)
    assert nb.cells[0].outputs[0].text == "None\n"
    assert nb.cells[1].outputs[0].text == "42\n"


def test_the_graded_kernel_sends_no_widget_messages_and_draws_no_explorer_pictures(tmp_path):
    # nobody watches a graded kernel: widgets' comms send nothing, explorers make no PNG, and
    # their drawing functions still run
    nb = _run_cells(
        "import ipywidgets as widgets\n"
        "from course_lib.widgets import build_explorer\n"
        "slider = widgets.IntSlider(value=1)\n"
        "box = build_explorer({'a': slider}, lambda fig, a: f'a is {a}')\n"
        "slider.value = 2\n"
        "print(type(slider.comm).__name__, len(box.image.value), box.readout.value)",
        path=tmp_path, timeout=30)
    assert nb.cells[0].outputs[0].text == "DummyComm 0 a is 2\n"


def test_grading_refuses_to_run_unboxed_without_the_flag():
    from course_lib.grading.execute import SandboxUnavailable

    nb = new_notebook(cells=[new_code_cell("1")])
    with pytest.raises(SandboxUnavailable, match="--unsandboxed"):
        Execute(use_sandbox=False).preprocess(nb, {"metadata": {"path": "."}})


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------
def test_configure_sets_the_timeout_and_the_gradebook(monkeypatch):
    monkeypatch.delenv("COURSE_GRADEBOOK_URL", raising=False)
    c = Config()
    configure(c)
    assert c.Execute.timeout == DEFAULT_TIMEOUT == 60
    assert c.CourseDirectory.source_directory == "solutions"
    assert c.CourseDirectory.release_directory == "notebooks"
    assert "db_url" not in c.CourseDirectory  # nbgrader's default: sqlite in the course root
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", "postgresql://grader@db/course")
    c = Config()
    configure(c, timeout=5)
    assert c.Execute.timeout == 5
    assert c.CourseDirectory.db_url == "postgresql://grader@db/course"


def test_the_repository_config_loads_the_course_settings():
    config = course.load_config(ROOT)
    assert config.CourseDirectory.source_directory == "solutions"
    assert RestoreTestCells in config.Autograde.sanitize_preprocessors
    assert CleanFeedback in config.GenerateFeedback.preprocessors


# --------------------------------------------------------------------------------------------
# The course command: bad input is named in the error
# --------------------------------------------------------------------------------------------
@pytest.fixture()
def tiny_course(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        (ROOT / "nbgrader_config.py").read_text(encoding="utf-8"), encoding="utf-8")
    chapter = tmp_path / "solutions" / "01_demo"
    chapter.mkdir(parents=True)
    nbformat.write(new_notebook(), chapter / "01_demo.ipynb")
    return tmp_path


def test_find_root_names_the_folder_and_the_option(tmp_path):
    with pytest.raises(course.CourseError, match=r"nbgrader_config\.py.*--root"):
        course.find_root(tmp_path)


def test_find_root_walks_up(tiny_course):
    assert course.find_root(tiny_course / "solutions" / "01_demo") == tiny_course.resolve()


def test_chapters_lists_numbered_folders_with_their_notebook(tiny_course):
    (tiny_course / "solutions" / "notes").mkdir()
    (tiny_course / "solutions" / "02_empty").mkdir()
    assert course.chapters(tiny_course) == ["01_demo"]


def test_unknown_chapter_is_named_with_the_known_ones(tiny_course):
    with pytest.raises(course.CourseError, match=r"'99_nope'.*01_demo"):
        course.collect(tiny_course, "99_nope", tiny_course)


def test_collect_from_a_folder_and_a_zip(tiny_course, tmp_path_factory):
    folder = tmp_path_factory.mktemp("subs")
    nbformat.write(new_notebook(), folder / "alice.ipynb")
    (folder / "bob").mkdir()
    nbformat.write(new_notebook(), folder / "bob" / "01_demo.ipynb")
    assert course.collect(tiny_course, "01_demo", folder) == ["alice", "bob"]
    archive = folder.parent / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(folder / "alice.ipynb", "inbox/carol.ipynb")
    assert course.collect(tiny_course, "01_demo", archive) == ["carol"]
    for student in ("alice", "bob", "carol"):
        assert (tiny_course / "submitted" / student / "01_demo" / "01_demo.ipynb").is_file()


@pytest.mark.parametrize("make, pattern", [
    (lambda d: d / "missing", r"no submissions at .*missing"),
    (lambda d: (d / "x.txt").write_text("x") and d / "x.txt", r"x\.txt.*neither a folder nor a zip"),
    (lambda d: d, r"no \.ipynb files"),
    (lambda d: nbformat.write(new_notebook(), d / "bad id!.ipynb") or d, r"'bad id!'.*student id"),
])
def test_collect_rejects_bad_submissions(tiny_course, tmp_path_factory, make, pattern):
    folder = tmp_path_factory.mktemp("subs")
    with pytest.raises(course.CourseError, match=pattern):
        course.collect(tiny_course, "01_demo", make(folder))


def test_collect_rejects_two_notebooks_for_one_student(tiny_course, tmp_path_factory):
    folder = tmp_path_factory.mktemp("subs")
    nbformat.write(new_notebook(), folder / "alice.ipynb")
    (folder / "alice").mkdir()
    nbformat.write(new_notebook(), folder / "alice" / "01_demo.ipynb")
    with pytest.raises(course.CourseError, match="two submissions for student 'alice'"):
        course.collect(tiny_course, "01_demo", folder)


def test_feedback_before_autograde_says_what_to_run(tiny_course):
    with pytest.raises(course.CourseError, match="course autograde"):
        course.feedback(tiny_course, "01_demo")


def test_cli_reports_errors_with_the_command_name(tiny_course, capsys):
    assert main(["--root", str(tiny_course), "report", "99_nope"]) == 2
    assert "course report: unknown chapter '99_nope'" in capsys.readouterr().err


def test_cli_help_documents_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for command in ("release", "check", "autograde", "feedback", "export", "report"):
        assert command in text


def _exercise_notebook(answer: str):
    """One exercise: answer cell 'double' and its test cell, nbgrader metadata as in the course."""
    answer_cell = new_code_cell(f"def double(x):\n    ### BEGIN SOLUTION\n    {answer}\n"
                                f"    ### END SOLUTION")
    answer_cell.metadata = {"nbgrader": {"solution": True, "grade": False, "locked": False,
                                         "grade_id": "double", "schema_version": 3}}
    test_cell = new_code_cell("assert double(2) == 4\n### BEGIN HIDDEN TESTS\n"
                              "assert double(-3) == -6\n### END HIDDEN TESTS")
    test_cell.metadata = {"nbgrader": {"solution": False, "grade": True, "locked": True,
                                       "grade_id": "double_test", "points": 1,
                                       "schema_version": 3}}
    nb = new_notebook(cells=[answer_cell, test_cell])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    return nb


@pytest.mark.filterwarnings("ignore:Object of type")  # nbgrader's own SQLAlchemy noise
def test_release_then_check_finds_failing_solutions_stale_and_extra_notebooks(tiny_course):
    nbformat.write(_exercise_notebook("return x + 2"),
                   tiny_course / "solutions" / "01_demo" / "01_demo.ipynb")
    assert course.release(tiny_course) == ["01_demo"]
    assert [str(p) for p in course.check(tiny_course)] == [
        "01_demo: the solution scores 0/1 on double_test"]
    released = tiny_course / "notebooks" / "01_demo" / "01_demo.ipynb"
    released.write_text(released.read_text() + " ")
    (tiny_course / "notebooks" / "02_gone").mkdir()
    problems = [str(p) for p in course.check(tiny_course, grade=False)]
    assert any("01_demo.ipynb is out of date" in p for p in problems), problems
    assert any(p.startswith("02_gone: in notebooks/ but not in solutions/") for p in problems)


@pytest.mark.filterwarnings("ignore:Object of type")  # nbgrader's own SQLAlchemy noise
def test_a_submission_that_cannot_be_graded_is_reported_and_the_others_are_graded(
        tiny_course, tmp_path_factory, monkeypatch):
    import zmq

    from course_lib.grading import pipeline

    nbformat.write(_exercise_notebook("return 2 * x"),
                   tiny_course / "solutions" / "01_demo" / "01_demo.ipynb")
    course.release(tiny_course)
    folder = tmp_path_factory.mktemp("subs")
    for student in ("alice", "bob"):
        nbformat.write(_exercise_notebook("return 2 * x"), folder / f"{student}.ipynb")
    execute = pipeline.execute

    def broken_for_bob(job):
        if job.student == "bob":
            raise zmq.ZMQError(zmq.ENOTSUP)
        return execute(job)

    monkeypatch.setattr(pipeline, "execute", broken_for_bob)
    lines = []
    with pytest.raises(course.CourseError, match="could not grade: bob"):
        course.autograde(tiny_course, "01_demo", folder, jobs=1, progress=lines.append)
    assert "[1/2] alice: 1 / 1" in "\n".join(lines), lines
    bob = next(line for line in lines if line.startswith("[2/2] bob"))
    assert re.fullmatch(r"\[2/2\] bob: NOT GRADED \(ZMQError: Operation not supported, raised "
                        r"at .*test_grading_units\.py:\d+\)", bob), bob


def test_reading_a_notebook_builds_no_iri_parser():
    """jsonschema 4.24+ compiles an RFC 3987 grammar with lark when nbformat imports it: 1.1 s
    of CPU in each grading process (pyproject.toml pins jsonschema below it)."""
    import subprocess
    import sys

    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, nbformat, course_lib.grading.pipeline; "
         "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'rfc3987_syntax')))"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_course_check_prints_what_matters_and_no_kernel_transport_warning():
    """`course check` grades a solution in the student and check kernels; ipykernel's
    "Kernel is running over TCP without encryption" (one per kernel started on TCP with its
    stderr inherited) must not reach the instructor's terminal."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "check",
                             "01_what_is_ml"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    shown = result.stdout + result.stderr
    assert result.returncode == 0, shown
    assert "scores full marks" in shown
    assert "without encryption" not in shown and "IPKernelApp" not in shown, shown
