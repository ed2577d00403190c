"""Test set-up shared by every test.

Jupyter, IPython and matplotlib write state (config, kernels, runtime files, font caches) to the
user's home by default. Tests point all of it at ``.test_home/`` inside the clone, before any of
those packages is imported, so that running the tests never touches the user's own set-up.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_HOME = ROOT / ".test_home"
for _var, _sub in {
    "JUPYTER_CONFIG_DIR": "jupyter_config",
    "JUPYTER_DATA_DIR": "jupyter_data",
    "JUPYTER_RUNTIME_DIR": "jupyter_runtime",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
}.items():
    _path = _HOME / _sub
    _path.mkdir(parents=True, exist_ok=True)
    os.environ[_var] = str(_path)
os.environ.setdefault("MPLBACKEND", "Agg")
# Ignore any system-wide Jupyter config that could change how notebooks run under test.
os.environ["JUPYTER_PLATFORM_DIRS"] = "1"


import pytest  # noqa: E402  (after the environment above is set)


@pytest.fixture(autouse=True)
def _fresh_layer_names():
    """Each test starts its automatic layer names at ``dense``, ``sequential``, ... as Keras'
    own tests do with ``clear_session()``: names count over the session, so otherwise they
    would depend on which tests ran before."""
    from course_lib.utils import clear_session

    clear_session()


@pytest.fixture
def float64():
    """Models and layers in float64 for the duration of a test (gradient checks need it)."""
    from course_lib.utils import floatx, set_floatx

    before = floatx()
    set_floatx("float64")
    yield
    set_floatx(before)


def pytest_collection_finish(session):
    """Let a test module start slow preparation in the background once the tests are known.

    A module opts in with ``start_in_background(items)`` (called with its selected tests) and
    ``stop_background()`` (called when the session ends, also after a failure or Ctrl-C).
    tests/test_grading.py grades its chapters' classes this way while the earlier files run.
    """
    if session.config.option.collectonly:
        return
    for module, items in _modules_of(session.items).items():
        start = getattr(module, "start_in_background", None)
        if start is not None:
            start(items)


def pytest_sessionfinish(session):
    for module in _modules_of(getattr(session, "items", [])):
        stop = getattr(module, "stop_background", None)
        if stop is not None:
            stop()


def _modules_of(items) -> dict:
    modules = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None:
            modules.setdefault(module, []).append(item)
    return modules
