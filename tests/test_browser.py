"""Smoke test in a real browser: a chapter runs in JupyterLab and its first widget responds.

JupyterLab is started on 127.0.0.1 (a free port, a random token, its state under
``.test_home/``) on scratch copies of the chapters' solution folders (one server for all
chapters, each chapter in a workspace of its own, its kernel stopped after); Debian's Chromium
(``apt-get install chromium``; Playwright must not download a browser of its own) is driven by
Playwright: open the notebook, Run All, wait for the kernel, require that no cell shows an
error, then drag the first slider of the first ``.course-widget`` and require that its picture
changes. Skipped, with the reason, where Chromium or Playwright is missing (``.ci/run``
installs Chromium, so CI runs it).

Every chapter in ``solutions/`` is opened: each has at least one widget (the syllabus asks for
it), so a chapter without a working one fails here.

A blank student chapter (``notebooks/``, with one wrong answer and one ``hint(...)`` cell added)
is opened as a student would (``course lab``'s environment): Run All must run every cell, every
explorer must draw, the wrong answer's check must show its short box and no traceback, and the
hint must appear.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / ".test_home"
COURSE = Path(os.environ.get("COURSE_TEST_ROOT", ROOT)).resolve()
#: Chapters whose first ``.course-widget`` is checked in the browser: all of them.
CHAPTERS = sorted(p.name for p in (COURSE / "solutions").glob("[0-9][0-9]_*")
                  if (p / f"{p.name}.ipynb").exists())
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
RUN_ALL_SECONDS = 180


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason=(
        "no Chromium found: the browser smoke test needs Debian's chromium "
        "(`apt-get install chromium`, as .ci/run does); Playwright's own download is not used")),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def playwright():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e .[dev])")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright, tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")  # an empty user-data-dir
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
        viewport={"width": 1400, "height": 1000})
    yield context
    context.close()


@contextmanager
def _jupyterlab(work: Path, tmp_path: Path, *, instructor: bool = True):
    """JupyterLab serving ``work`` on a free loopback port; yields its base URL and token.

    ``instructor=False`` starts it as ``course lab`` does for students (nbgrader's instructor
    tools hidden by ``course_lib.lab``)."""
    from course_lib.lab import lab_environment

    port, token = _free_port(), secrets.token_hex(16)
    settings = HOME / "lab_settings"
    # Render every cell (JupyterLab 4 otherwise only renders the cells in view) so that the
    # error check sees the whole notebook.
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env = lab_environment(instructor, dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings),
                          JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces")))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
            f"--port={port}", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={work}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    log_path = tmp_path / f"lab-{port}.log"
    log = log_path.open("w")
    server = subprocess.Popen(args, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + log_path.read_text()[-4000:])
                time.sleep(0.5)
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """One JupyterLab for every chapter's test, serving scratch copies of the solution folders
    (each chapter in its own folder, so its kernel starts where the notebook is, as always)."""
    tmp = tmp_path_factory.mktemp("lab")
    work = tmp / "work"
    for chapter in CHAPTERS:
        shutil.copytree(COURSE / "solutions" / chapter, work / chapter,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with _jupyterlab(work, tmp) as (url, token):
        yield url, token


def _stop_kernels(url: str, token: str) -> None:
    """Shut down every kernel of the server, so that a chapter's test does not leave its
    kernel (and its widgets' comms) running beside the next chapter's."""
    import json

    with urllib.request.urlopen(f"{url}/api/kernels?token={token}", timeout=10) as answer:
        kernels = json.load(answer)
    for kernel in kernels:
        request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}?token={token}",
                                         method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


@pytest.fixture()
def lab(request, lab_server):
    """The shared JupyterLab's URL of one chapter's notebook; its kernel is stopped after."""
    chapter = request.param
    url, token = lab_server
    try:
        # a workspace of its own: JupyterLab would otherwise reopen the last chapter's tab too
        yield chapter, (f"{url}/lab/workspaces/{chapter}/tree/{chapter}/{chapter}.ipynb"
                        f"?token={token}")
    finally:
        _stop_kernels(url, token)


def _run_all(page):
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    # the kernel must be up before Run All, or the cells wait behind its start; the status bar
    # says "Python 3 (ipykernel) | Idle" once it is
    page.locator(".jp-StatusBar-Item", has_text="| Idle").first.wait_for(timeout=90_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # done when no prompt says [*] and every non-empty code cell has a number
    try:
        _wait_until_run(page)
    except Exception as error:  # Playwright's TimeoutError: say what the page shows
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        shot = Path(os.environ.get("COURSE_BROWSER_SHOT", "/tmp/course-browser-failure.png"))
        page.screenshot(path=str(shot), full_page=True)
        pytest.fail(f"Run All did not finish in {RUN_ALL_SECONDS} s: prompts {prompts}; "
                    f"screenshot in {shot} ({type(error).__name__})")


def _wait_until_run(page):
    # at the first error JupyterLab clears the [*] of the cells still queued (which go on
    # running when the failing cell is tagged raises-exception), so "done" here is: nothing
    # marked running and either every non-empty code cell numbered or an error shown
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            if (prompts.length === 0 || prompts.some(p => p.textContent.includes('*')))
                return false;
            const error = document.querySelector(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']");
            // a cell whose source is collapsed (the hint cells) has no editor to read
            const blank = source => !source || source.textContent.trim() === '';
            return !!error || prompts.every(p => /\\[\\d+\\]/.test(p.textContent)
                || blank(p.closest('.jp-Cell').querySelector('.cm-content')));
        }""", timeout=RUN_ALL_SECONDS * 1000)


def _errors(page) -> list[str]:
    shown = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return [shown.nth(i).inner_text()[:500] for i in range(shown.count())]


def _picture(widget):
    for selector in ("img", ".jp-OutputArea-output img", "canvas", "svg"):
        candidate = widget.locator(selector).first
        if candidate.count():
            return candidate
    pytest.fail("the widget has no picture (img, canvas or svg) inside .course-widget")


@pytest.mark.parametrize("lab", CHAPTERS, indirect=True)
def test_chapter_runs_and_its_widget_responds(lab, browser):
    chapter, url = lab
    page = browser.new_page()
    page.goto(url)
    _run_all(page)
    errors = _errors(page)
    assert not errors, f"{chapter}: cells show errors after Run All:\n" + "\n---\n".join(errors)

    widget = page.locator(".course-widget").first
    widget.wait_for(timeout=30_000)
    widget.scroll_into_view_if_needed()
    picture = _picture(widget)
    picture.wait_for(timeout=30_000)
    before = picture.screenshot()

    handle = widget.locator(".widget-slider .noUi-handle, input[type=range]").first
    track = widget.locator(".widget-slider .noUi-target, input[type=range]").first
    box, track_box = handle.bounding_box(), track.bounding_box()
    assert box and track_box, "the widget has no visible slider"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    target = track_box["x"] + (0.2 if x > track_box["x"] + track_box["width"] / 2 else 0.8) * \
        track_box["width"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(target, y, steps=10)
    page.mouse.up()

    deadline = time.monotonic() + 30
    after = picture.screenshot()
    while after == before and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        after = picture.screenshot()
    assert after != before, f"{chapter}: moving the slider did not change the picture"
    errors = _errors(page)
    assert not errors, f"{chapter}: errors after moving the slider:\n" + "\n---\n".join(errors)
    page.close()


@pytest.mark.parametrize("instructor", [False, True], ids=["student", "instructor"])
def test_students_see_no_instructor_tools(instructor, browser, tmp_path):
    """`course lab` hides nbgrader's Nbgrader menu and "Create Assignment" from students; the
    instructor's view (the same JupyterLab without the student config) shows them."""
    work = tmp_path / "work"
    shutil.copytree(COURSE / "notebooks" / "00_start_here", work)
    with _jupyterlab(work, tmp_path, instructor=instructor) as (url, token):
        page = browser.new_page()
        page.goto(f"{url}/lab/tree/00_start_here.ipynb?token={token}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        page.locator(".jp-SideBar .lm-TabBar-tab").first.wait_for(timeout=30_000)
        tabs = page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all(
            "tabs => tabs.map(t => (t.getAttribute('title') || '') + ' ' + "
            "(t.getAttribute('data-id') || ''))")
        page.close()
    tools = [m for m in menus if "nbgrader" in m.lower()] + \
        [t for t in tabs if "create" in t.lower() and "assignment" in t.lower()
         or "nbgrader" in t.lower()]
    if instructor:
        assert tools, f"the instructor's view should show nbgrader's tools: menus {menus}, " \
                      f"side tabs {tabs}"
    else:
        assert not tools, f"students see instructor tools: {tools}"


#: The blank chapter opened as a student would, with one wrong answer and one hint asked.
BLANK_CHAPTER = "06_gradient_descent"
WRONG_SGD_STEP = ("def sgd_step(w, grad, learning_rate):\n"
                  "    return np.asarray(w, dtype=float) + learning_rate * np.asarray(grad)\n")


def _solution_widget_cells(chapter) -> int:
    import nbformat

    nb = nbformat.read(COURSE / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    return sum(any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for o in c.get("outputs", [])) for c in nb.cells if c.cell_type == "code")


def test_a_blank_chapter_runs_to_the_end_with_boxes_and_hints(browser, tmp_path):
    """Run All on the student's blank chapter (one answer wrong, one hint asked): every cell
    runs, every explorer below the unanswered exercises draws, the wrong answer's check shows
    the short box without a traceback, and the hint appears under the cell that asked it."""
    import nbformat

    chapter = BLANK_CHAPTER
    work = tmp_path / "work"
    shutil.copytree(COURSE / "notebooks" / chapter, work,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    path = work / f"{chapter}.ipynb"
    nb = nbformat.read(path, as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    nb.cells[ids.index("sgd_step")].source = WRONG_SGD_STEP
    asked = nbformat.v4.new_code_cell('hint("iterate_minibatches")')
    nb.cells.insert(ids.index("iterate_minibatches_test") + 1, asked)
    nbformat.write(nb, path)
    expected_widgets = _solution_widget_cells(chapter)
    assert expected_widgets >= 1

    with _jupyterlab(work, tmp_path, instructor=False) as (url, token):
        page = browser.new_page()
        page.goto(f"{url}/lab/tree/{chapter}.ipynb?token={token}")
        _run_all(page)  # returns at the first error shown: the later cells are still queued
        # Run All goes on past every failing cell: wait until every non-empty code cell has its
        # number (textContent, not innerText: the hint cells' source is collapsed)
        numbered = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].map(c => {
            const source = c.querySelector('.cm-content');
            const prompt = c.querySelector('.jp-InputPrompt');
            return !source || source.textContent.trim() === ''
                || /\\[\\d+\\]/.test(prompt ? prompt.textContent : '');
        })"""
        try:
            page.wait_for_function(f"() => ({numbered})().every(x => x)",
                                   timeout=RUN_ALL_SECONDS * 1000)
        except Exception:  # Playwright's TimeoutError: name the cells that did not run
            flags = page.evaluate(numbered)
            pytest.fail(f"cells not run by Run All: {[k for k, f in enumerate(flags) if not f]}")

        widgets = page.locator(".course-widget")
        widgets.nth(expected_widgets - 1).wait_for(timeout=60_000)
        assert widgets.count() == expected_widgets
        for k in range(expected_widgets):
            widgets.nth(k).scroll_into_view_if_needed()
            _picture(widgets.nth(k)).wait_for(timeout=30_000)

        boxes = _errors(page)
        wrong = [b for b in boxes if "Not passed yet" in b]
        assert len(wrong) == 1, boxes
        assert "sgd_step" in wrong[0] and "sign is flipped" in wrong[0], wrong[0]
        assert len(wrong[0].splitlines()) <= 8, wrong[0]
        for box in boxes:  # boxes only: no traceback, no frame of the library, no test code
            for leak in ("Traceback", "checks.py", "check_close(", "File ", "Cell In", "---->"):
                assert leak not in box, f"{leak!r} shown to the student:\n{box}"
        assert sum("Not answered yet" in b for b in boxes) >= 2, boxes

        hint = page.locator(".jp-RenderedMarkdown", has_text="Hint 1 of")
        hint.first.wait_for(timeout=30_000)
        assert "iterate_minibatches" in hint.first.inner_text()
        page.close()
