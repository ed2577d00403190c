"""The HTML misconception report (`course report CHAPTER --html`) in Chromium, with no server.

The page of the made-up class of tests/made_up_class.py is opened from a ``file://`` URL with
every other request refused and recorded: it must need none, show its plots (decoded images,
not broken ones) and one section per exercise, hardest first. Chromium and Playwright come from
tests/test_browser.py's fixtures (skipped, with the reason, where either is missing).
"""
from __future__ import annotations

import subprocess
import sys

from made_up_class import CHAPTER, graded_class
from made_up_class import start_in_background  # noqa: F401 (conftest calls it)
from test_browser import browser, playwright, pytestmark  # noqa: F401  (fixtures, skip mark)


def test_report_opens_from_a_file_with_its_plots(browser, tmp_path):  # noqa: F811
    made = graded_class()
    path = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "report", CHAPTER,
                             "--html", str(path)], cwd=made.root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    page, requested = _open_offline(browser, path)
    try:
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
        assert len(images) == 4 and all(done and width > 100 for done, width in images), images
        sections = page.eval_on_selector_all("section.exercise", "s => s.map(e => e.id)")
        assert sections == ["iterate_minibatches_test", "adam_step_test", "sgd_step_test"]
        sgd = page.inner_text("#sgd_step_test")
        assert "Exercise 1 · One step of gradient descent" in sgd
        assert "11 of 20" in sgd
        assert "The learning rate is applied twice" in sgd
        assert requested == []
    finally:
        page.close()


def test_feedback_of_a_blank_notebook_draws_formulas_offline_without_tracebacks(
        browser, tmp_path):  # noqa: F811
    """The student who answered nothing: every demo cell that calls a blank exercise shows a
    one-line note, and the chapter's formulas are drawn as MathML by Chromium itself (a
    fraction's numerator laid out above its denominator), with every network request refused."""
    made = graded_class()
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "feedback", CHAPTER,
                             "--student", "blank"], cwd=made.root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    path = made.root / "feedback" / "blank" / CHAPTER / f"{CHAPTER}.html"
    page, requested = _open_offline(browser, path)
    try:
        page.wait_for_load_state("load")
        text = page.inner_text("body")
        assert "Traceback" not in text
        assert text.count("uses an exercise that has not been answered yet") >= 3
        sizes = page.eval_on_selector_all(
            "math", "ms => ms.map(m => { const r = m.getBoundingClientRect();"
                    " return [r.width, r.height]; })")
        assert len(sizes) > 20, len(sizes)
        # drawn: a formula's height, not zero (an element the browser does not draw)
        assert all(w > 0 and 5 < h < 200 for w, h in sizes), sizes
        fractions = page.eval_on_selector_all(
            "mfrac", "fs => fs.map(f => [f.children[0].getBoundingClientRect().bottom,"
                     " f.children[1].getBoundingClientRect().top])")
        assert fractions and all(num <= den + 1 for num, den in fractions), fractions
        markdown = " ".join(page.eval_on_selector_all(
            ".text_cell_render", "cs => cs.map(c => c.innerText)"))
        assert markdown and "$" not in markdown  # no formula left as raw LaTeX
        assert requested == []
    finally:
        page.close()


def _open_offline(browser, path):
    """A new page showing the file at ``path`` with every network request refused; returns
    the page and the list of the addresses it tried to reach."""
    page = browser.new_page()
    requested = []

    def refuse(route):
        requested.append(route.request.url)
        route.abort()

    page.route("http*://**", refuse)
    page.goto(path.as_uri())
    return page, requested
