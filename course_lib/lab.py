"""JupyterLab for the course: students see the chapters without nbgrader's instructor tools.

nbgrader installs its instructor extensions (the Nbgrader menu, the formgrader, "Create
Assignment", the course and assignment lists) for everyone who has the package. Its documented
way of hiding them is to disable those lab extensions and server extensions in a Jupyter config
directory; ``course_lib/jupyter_config/student/`` is that directory, shipped with the course, and
:func:`lab_environment` puts it first on ``JUPYTER_CONFIG_PATH`` (ahead of the environment's own
``etc/jupyter``, where nbgrader enables them), so nothing is changed by hand or for other
projects. Validation (``@jupyter/nbgrader:validate-assignment``) stays: it is a student's tool.

``course lab`` opens ``notebooks/`` that way; ``course lab --instructor`` opens ``solutions/``
with every tool.
"""
from __future__ import annotations

import os
from pathlib import Path

#: The Jupyter config directory that hides the instructor tools.
STUDENT_CONFIG = Path(__file__).resolve().parent / "jupyter_config" / "student"


def lab_environment(instructor: bool = False, base: dict | None = None) -> dict:
    """The environment to start JupyterLab in: ``base`` (default ``os.environ``), plus, for a
    student, :data:`STUDENT_CONFIG` first on ``JUPYTER_CONFIG_PATH``."""
    env = dict(os.environ if base is None else base)
    if not instructor:
        rest = env.get("JUPYTER_CONFIG_PATH")
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
            [str(STUDENT_CONFIG)] + ([rest] if rest else []))
    return env


def lab_command(root: str | Path, instructor: bool = False, extra=()) -> list[str]:
    """``python -m jupyter lab <folder>`` for the course in ``root``: ``notebooks/`` for
    students, ``solutions/`` for instructors; ``extra`` are further JupyterLab arguments."""
    import sys

    folder = Path(root) / ("solutions" if instructor else "notebooks")
    return [sys.executable, "-m", "jupyter", "lab", str(folder), *extra]
