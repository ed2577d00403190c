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
from test_browser import browser, playwright, pytestmark  # noqa: F401  (fixtures, skip mark)


def test_report_opens_from_a_file_with_its_plots(browser, tmp_path):  # noqa: F811
    made = graded_class()
    path = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "course_lib.cli", "report", CHAPTER,
                             "--html", str(path)], cwd=made.root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    page = browser.new_page()
    requested = []

    def refuse(route):
        requested.append(route.request.url)
        route.abort()

    page.route("http*://**", refuse)
    try:
        page.goto(path.as_uri())
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
