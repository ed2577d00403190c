"""`course lab`: the students' JupyterLab hides nbgrader's instructor tools, by config only.

The browser test (tests/test_browser.py) looks at the page; these tests check the config itself,
without a browser: the plugins it disables exist in the installed nbgrader (a renamed plugin
would silently reappear), and the server extensions it disables are the ones JupyterLab loads
with the course's environment.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from course_lib.lab import STUDENT_CONFIG, lab_command, lab_environment


def _in_env(code: str, env: dict) -> str:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, check=True).stdout


def test_every_disabled_plugin_is_one_nbgrader_ships():
    import nbgrader

    disabled = json.loads((STUDENT_CONFIG / "labconfig" / "page_config.json").read_text())
    ids = set(disabled["disabledExtensions"])
    built = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader"
    shipped = "".join(p.read_text(errors="ignore") for p in built.rglob("*.js"))
    assert built.is_dir(), f"nbgrader {nbgrader.__version__}'s lab extension is not at {built}"
    for plugin in ids:
        assert f'"{plugin}"' in shipped, f"{plugin} is not a plugin of the installed nbgrader"
    assert "@jupyter/nbgrader:validate-assignment" not in ids  # a student's tool stays


def test_the_student_environment_disables_the_instructor_extensions():
    code = ("import json; from jupyterlab_server.config import get_static_page_config; "
            "print(json.dumps(get_static_page_config(level='all').get('disabledExtensions', {})))")
    student = json.loads(_in_env(code, lab_environment(False)))
    instructor = json.loads(_in_env(code, lab_environment(True)))
    assert student.get("@jupyter/nbgrader:create-assignment") is True
    assert student.get("@jupyter/nbgrader:menu") is True
    assert not instructor.get("@jupyter/nbgrader:create-assignment")

    server = ("from jupyter_server.serverapp import ServerApp; app = ServerApp(); "
              "app.load_config_file(); import json; print(json.dumps({k: v for k, v in "
              "app.jpserver_extensions.items() if 'nbgrader' in k}))")
    loaded = json.loads(_in_env(server, lab_environment(False)))
    assert loaded["nbgrader.server_extensions.formgrader"] is False
    assert loaded.get("nbgrader.server_extensions.validate_assignment") is not False


def test_lab_environment_keeps_the_callers_config_path_after_the_course_one():
    env = lab_environment(False, {"JUPYTER_CONFIG_PATH": "/somewhere"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(STUDENT_CONFIG), "/somewhere"]
    assert "JUPYTER_CONFIG_PATH" not in lab_environment(True, {})


def test_lab_command_opens_notebooks_for_students_and_solutions_for_instructors(tmp_path):
    assert lab_command(tmp_path)[-1] == str(tmp_path / "notebooks")
    assert lab_command(tmp_path, instructor=True, extra=["--port", "1"])[-3:] == [
        str(tmp_path / "solutions"), "--port", "1"]
