"""The check kernels' fork server: forked kernels behave as launched ones, and share nothing."""
from __future__ import annotations

import ast
import os
import sys
import time

import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbformat.v4 import new_code_cell, new_notebook

from course_lib.grading import forkserver
from course_lib.grading.forkserver import ForkedKernelManager
from course_lib.grading.preprocessors import Execute

pytestmark = pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs Linux's pidfd")


async def _start(manager_class=ForkedKernelManager, **kwargs):
    km = manager_class(kernel_name="python3")
    await km.start_kernel(**kwargs)
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    return km, kc


async def _stop(km, kc):
    kc.stop_channels()
    await km.shutdown_kernel(now=True)


async def _value(kc, expression: str):
    reply = await kc.execute_interactive("", user_expressions={"v": expression}, timeout=30)
    return ast.literal_eval(reply["content"]["user_expressions"]["v"]["data"]["text/plain"])


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:  # a zombie still has its entry: look at it
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_forked_kernel_is_the_fork_servers_child_in_its_own_folder_and_session(tmp_path):
    async def go():
        km, kc = await _start(cwd=str(tmp_path), env={**os.environ, "COURSE_PROBE": "here"})
        try:
            server = forkserver._SERVER._process.pid
            pid, ppid, cwd, probe, sid = await _value(
                kc, "(__import__('os').getpid(), __import__('os').getppid(), "
                    "__import__('os').getcwd(), __import__('os').environ.get('COURSE_PROBE'), "
                    "__import__('os').getsid(0))")
            assert (pid, ppid) == (km.provisioner.pid, server)  # forked, not launched
            assert cwd == str(tmp_path) and probe == "here" and sid == pid
            # the checks were imported before the fork: the kernel did not import them again
            assert await _value(kc, "'course_lib.checks' in __import__('sys').modules")
        finally:
            await _stop(km, kc)
        return pid

    pid = run_sync(go)()
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the stopped kernel is still there (or a zombie nobody reaps)"


def test_what_one_forked_kernel_changes_another_does_not_see(monkeypatch):
    # with the random generators loaded before the fork, as a chapter's check module might
    monkeypatch.setattr(forkserver, "PRELOAD", forkserver.PRELOAD + ("random", "numpy.random"))
    forkserver._SERVER._close()

    async def go():
        first, first_c = await _start()
        try:
            # what a check could be fooled by if kernels shared their modules
            await first_c.execute_interactive(
                "import numpy, course_lib.checks\n"
                "numpy.allclose = lambda *a, **k: True\n"
                "course_lib.checks.check_close = lambda *a, **k: None", timeout=30)
            draws = [await _value(first_c, "(__import__('random').random(), "
                                           "float(__import__('numpy').random.rand()))")]
            second, second_c = await _start()
            try:
                assert await _value(second_c, "__import__('numpy').allclose(1, 2)") is False
                assert await _value(second_c, "__import__('course_lib.checks', fromlist=['x'])"
                                              ".check_close.__module__") == "course_lib.checks"
                draws.append(await _value(second_c, "(__import__('random').random(), "
                                                    "float(__import__('numpy').random.rand()))"))
            finally:
                await _stop(second, second_c)
        finally:
            await _stop(first, first_c)
        # each kernel seeds its own generators, as a launched one would
        assert draws[0][0] != draws[1][0] and draws[0][1] != draws[1][1]

    try:
        run_sync(go)()
    finally:
        forkserver._SERVER._close()  # the next test's fork server preloads the usual modules


def test_an_interrupt_stops_the_forked_kernels_cell_and_spares_the_fork_server():
    async def go():
        km, kc = await _start()
        try:
            # stop_on_error=False, as the grader's cells: ipykernel otherwise aborts the
            # requests that reach it before it has caught up with the error (seen under load)
            msg_id = kc.execute("import time\ntime.sleep(30)", stop_on_error=False)
            time.sleep(0.5)
            started = time.monotonic()
            await km.interrupt_kernel()
            while True:
                msg = await kc.iopub_channel.get_msg(timeout=10)
                if msg["msg_type"] == "error":
                    assert msg["content"]["ename"] == "KeyboardInterrupt"
                    break
            assert time.monotonic() - started < 10
            while (await kc.shell_channel.get_msg(timeout=10))["parent_header"].get(
                    "msg_id") != msg_id:
                pass
            assert await _value(kc, "6 * 7") == 42
        finally:
            await _stop(km, kc)
        server = forkserver._SERVER._process
        assert server.poll() is None, "the interrupt reached the fork server"
        again, again_c = await _start()
        await _stop(again, again_c)

    run_sync(go)()


def test_forked_kernels_end_with_their_fork_server():
    async def go():
        km, kc = await _start()
        pid = km.provisioner.pid
        forkserver._SERVER._close()  # what the grading process's exit does
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid), "a forked kernel outlived its fork server"
        assert not await km.is_alive()
        await _stop(km, kc)

    run_sync(go)()


def test_without_a_fork_server_the_kernel_is_launched(monkeypatch):
    def broken(self):
        raise OSError("no fork server here")

    monkeypatch.setattr(forkserver._ForkServer, "_running", broken)

    async def go():
        km, kc = await _start()
        try:
            assert await _value(kc, "__import__('os').getppid()") == os.getpid()
            assert await _value(kc, "6 * 7") == 42
        finally:
            await _stop(km, kc)

    run_sync(go)()


def test_another_interpreters_kernel_is_launched():
    # a kernel spec whose command is not this interpreter's ipykernel_launcher is not forked
    assert not forkserver._forkable(["/usr/bin/python3.9", "-m", "ipykernel_launcher", "-f", "x"])
    assert not forkserver._forkable([sys.executable, "-m", "other_kernel", "-f", "x"])
    assert forkserver._forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "x"])


def test_grading_runs_the_checks_in_a_forked_kernel(tmp_path):
    test = new_code_cell("import os\nprint(os.getppid() == SERVER, double(2))")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": "double_test", "points": 1, "schema_version": 3}
    setup = new_code_cell(f"SERVER = {forkserver._SERVER._running().pid}")
    setup.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                  "grade_id": "setup", "schema_version": 3}
    nb = new_notebook(cells=[setup, new_code_cell("def double(x):\n    return 2 * x"), test])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    execute = Execute(timeout=20, iopub_timeout=2)
    execute.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert nb.cells[2].outputs[0].text == "True 4\n"
    assert isinstance(execute.check_km, ForkedKernelManager)
    assert isinstance(execute.check_km, AsyncKernelManager)


def test_a_kernel_starts_with_the_modules_its_manager_asks_the_fork_server_for():
    forkserver._SERVER._close()  # a new fork server, which has not imported `wave`

    async def go():
        plain, plain_c = await _start()
        try:
            assert await _value(plain_c, "'wave' in __import__('sys').modules") is False
        finally:
            await _stop(plain, plain_c)
        km = ForkedKernelManager(kernel_name="python3", preload=["wave", "no_such_module"])
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        try:  # imported before the fork; a module that does not import is left to the kernel
            assert await _value(kc, "'wave' in __import__('sys').modules") is True
            assert await _value(kc, "6 * 7") == 42
        finally:
            await _stop(km, kc)

    run_sync(go)()


def test_the_modules_a_prelude_imports():
    from course_lib.grading.execute import imported_modules

    prelude = ("from course_lib.checks import check_close\n"
               "try:\n    import numpy as np, scipy.stats\nexcept Exception:\n    pass\n"
               "from . import local\nfrom sklearn.model_selection import KFold\nimport numpy\n")
    assert imported_modules(prelude) == ["course_lib.checks", "numpy", "scipy.stats",
                                         "sklearn.model_selection"]
