"""Check kernels forked from a warm process instead of started from nothing.

Every graded submission gets a fresh check kernel (see :mod:`~course_lib.grading.execute`),
and a fresh ``python -m ipykernel_launcher`` spends most of its start importing IPython,
ipykernel, ZMQ, NumPy and the checks, the same work each time: a check kernel cost 0.8 CPU
seconds per submission, 0.47 forked (0.28 with its chapter's modules preloaded, below). A *fork server* does that work once per grading
process: a child process that imports those modules and then waits; each check kernel is a
``fork()`` of it, which shares the imported modules copy-on-write and only runs the kernel's
own start (reading its connection file, binding its sockets). The first check kernel of a
chapter also has the fork server import that chapter's check modules (the imports of
:func:`~course_lib.grading.execute.import_prelude`: scikit-learn for some, 1.3 CPU s each time
it was imported anew); every later kernel of that chapter starts with them. A module's state
after import is then each kernel's own copy of the same state: a module that drew unseeded
random numbers at import would hand every kernel the same draws.

Only the **check kernel** is started this way. It only ever runs the instructor's code, so a
kernel forked from the same parent as the kernel of another submission shares nothing with it
that a submission could change (each fork gets its own copy of memory on first write). The
student's kernel is not: it must start inside its own bubblewrap box, with its own user, as a
new process (see :mod:`~course_lib.grading.sandbox`).

What a forked kernel gets, as a launched one would: its working directory, the environment
``jupyter_client`` made for it, its own session (``setsid``, so an interrupt reaches its
process group only), default signal handlers, its own seeds for ``random`` and NumPy's global
generator (a forked process would otherwise draw what its siblings draw), stdin/stdout/stderr on ``/dev/null`` and the fork server as the parent it watches
(ipykernel's parent poller: the kernel exits when the fork server does, which exits when the
grading process that started it closes its pipe). The fork server reaps its children itself
(``SIGCHLD`` ignored), so the grading process watches a kernel through a pidfd.

:class:`ForkedKernelManager` is an ``AsyncKernelManager`` that launches through the fork
server when the kernel command is this interpreter's ``-m ipykernel_launcher`` and starts the
kernel the ordinary way otherwise, or when the fork server cannot be started or does not
answer.
"""
from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading

from jupyter_client.manager import AsyncKernelManager
from traitlets import List, Unicode

#: What the fork server imports before its first fork: what every check kernel loads.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger",
           "IPython.core.interactiveshell", "numpy", "course_lib.checks", "course_lib.grading.bridge")
#: Seconds to wait for the fork server's answer before starting a kernel the ordinary way.
ANSWER_TIMEOUT = 30.0

_log = logging.getLogger(__name__)


# -- the fork server (its own process) -----------------------------------------------------
def serve(preload: list[str]) -> None:
    """Import the modules ``preload``, then fork a kernel for each request on stdin, until EOF.

    A request is one JSON line ``{"argv": [...], "cwd": ..., "env": {...}, "preload": [...]}``
    (``argv``: the arguments after ``-m ipykernel_launcher``; ``preload``: more modules to
    import here first, once, e.g. the chapter's check module and what it needs); the answer,
    on the pipe that was stdout, is ``{"pid": N}`` once the kernel has its own session, or
    ``{"error": "..."}``.
    """
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does: the kernel adds its own folder back
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader stops kernels, not Ctrl-C
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished kernels are reaped at once
    tried: set[str] = set()
    _import(preload, tried)
    answers.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        try:
            request = json.loads(line)
            _import(request.get("preload", []), tried)
            answers.write(json.dumps({"pid": _fork_kernel(request, null)}) + "\n")
        except Exception as error:  # noqa: BLE001 (the grader then starts it itself)
            answers.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")


def _import(names, tried: set[str]) -> None:
    """Import each module of ``names`` not tried before (only instructor code asks: the
    course's own modules and the libraries its checks use)."""
    import importlib

    for name in names:
        if name in tried:
            continue
        tried.add(name)
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (the kernel imports it again, and says why)
            pass


def _fork_kernel(request: dict, null: int) -> int:
    argv, cwd, env = list(request["argv"]), str(request["cwd"]), dict(request["env"])
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the kernel
        code = 1
        try:
            os.close(ready_r)
            os.setsid()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            os.write(ready_w, b"1")
            os.close(ready_w)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.closerange(3, 1 << 16)  # the fork server's pipes are not the kernel's
            code = _run_kernel(argv, cwd, env)
        finally:
            os._exit(code)
    os.close(ready_w)
    try:
        if not select.select([ready_r], [], [], ANSWER_TIMEOUT)[0] or not os.read(ready_r, 1):
            raise RuntimeError("the forked kernel did not start its session")
    finally:
        os.close(ready_r)
    return pid


def _run_kernel(argv: list[str], cwd: str, env: dict) -> int:
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:  # Python's random draws a new seed after a fork; NumPy does not
        numpy_random.seed()
    from ipykernel.kernelapp import IPKernelApp

    sys.argv = [sys.executable, "-m", "ipykernel_launcher", *argv]
    # parent_handle's default was read from the fork server's environment at import
    app = IPKernelApp.instance(parent_handle=os.getppid())
    app.initialize(argv)
    app.start()
    return 0


# -- the grading process's side ------------------------------------------------------------
class _ForkServer:
    """The fork server of this process, started on first use and again if it died."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def spawn(self, argv: list[str], cwd: str, env: dict, preload=()) -> int | None:
        """The pid of a kernel forked with these arguments, or None (then launch it)."""
        request = {"argv": argv, "cwd": cwd, "env": env, "preload": list(preload)}
        with self._lock:
            try:
                process = self._running()
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
                answer = self._answer(process)
            except (OSError, ValueError, RuntimeError) as error:
                _log.warning("The check kernels' fork server failed (%s); starting the kernel "
                             "the ordinary way", error)
                self._close()
                return None
        if "pid" not in answer:
            _log.warning("The fork server could not fork a kernel: %s", answer.get("error"))
            return None
        return int(answer["pid"])

    def _running(self) -> subprocess.Popen:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._close()
        self._process = subprocess.Popen(
            [sys.executable, "-c", "import sys\nfrom course_lib.grading.forkserver import serve\n"
                                   "serve(sys.argv[1:])", *PRELOAD],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd="/", text=True, start_new_session=True)
        if "ready" not in self._answer(self._process):
            raise RuntimeError("the fork server did not start")
        return self._process

    @staticmethod
    def _answer(process: subprocess.Popen) -> dict:
        if not select.select([process.stdout], [], [], ANSWER_TIMEOUT)[0]:
            raise RuntimeError(f"no answer in {ANSWER_TIMEOUT:.0f} s")
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("it exited")
        return json.loads(line)

    def _close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            stream.close()


_SERVER = _ForkServer()


class _ForkedProcess:
    """A forked kernel as ``jupyter_client``'s local provisioner uses a ``Popen``: it is the
    fork server's child, not ours, so it is watched and signalled through a pidfd."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # it already ended
            self._fd, self.returncode = None, -1

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._fd], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            self._ended()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _ended(self) -> None:
        # its exit status went to the fork server, which reaped it
        self.returncode = 0
        os.close(self._fd)
        self._fd = None

    def __del__(self) -> None:
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)


def _forkable(kernel_cmd: list[str]) -> bool:
    return (hasattr(os, "pidfd_open") and hasattr(os, "fork") and len(kernel_cmd) >= 3
            and kernel_cmd[1:3] == ["-m", "ipykernel_launcher"]
            and os.path.realpath(kernel_cmd[0]) == os.path.realpath(sys.executable))


class ForkedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel is forked by this process's fork server, after
    the fork server has imported the modules ``preload`` (once per fork server)."""

    preload = List(Unicode(), help="Modules the fork server imports before it forks.")

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        pid = None
        if _forkable(list(kernel_cmd)):
            cwd = str(kw.get("cwd") or os.getcwd())
            env = dict(kw.get("env") or os.environ)
            pid = _SERVER.spawn(list(kernel_cmd[3:]), cwd, env, self.preload)
        if pid is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        provisioner = self.provisioner
        provisioner.process = _ForkedProcess(pid)
        provisioner.pid = provisioner.pgid = pid  # the kernel called setsid() before its pid came
        provisioner.cwd = kw.get("cwd")
        self._reconcile_connection_info(provisioner.connection_info)
