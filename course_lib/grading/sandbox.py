"""The student's kernel in a box: bubblewrap, its own user, resource limits, no network.

:class:`SandboxedKernelManager` starts an IPython kernel as::

    setpriv --reuid U --regid U --clear-groups      (root only: a fresh unprivileged uid)
      prlimit --as --nproc --fsize --nofile --core --cpu
        bwrap --unshare-all --die-with-parent --clearenv
              --ro-bind / /                           (the system, read-only)
              --tmpfs <course root> --tmpfs <repository> --tmpfs /tmp /var/tmp /home /root ...
              --ro-bind <python, site-packages, course_lib>   (back, read-only)
              --bind <scratch> <scratch>              (the only writable place)
              --proc /proc --dev /dev                 (its own processes only)
          python -c <ipykernel_launcher without debugpy> -f <scratch>/run/kernel.json

Its Jupyter sockets are Unix sockets (``ipc`` transport) in ``<scratch>/run``: there is no
network in the box, not even a loopback the grader listens on. The scratch folder holds a copy
of the submission's folder (the kernel's working directory) and the kernel's home; it is
deleted after grading. What the box does *not* give: a bound on disk use in the scratch folder
beyond ``--fsize`` per file, nor on CPU shared with other processes (``--cpu`` bounds the
total); without root the kernel keeps the grader's uid inside a user namespace, so the process
limit counts the grader's own processes too.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, List, Unicode

BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"

#: Environment variables passed into the box (everything else is cleared).
PASS_ENV = ("LANG", "LC_ALL", "PYTHONWARNINGS", "PYTHONHASHSEED", "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TZ")


#: ``python -m ipykernel_launcher``, less the debugger: ipykernel imports debugpy whenever it
#: can (0.1-0.15 CPU s, a quarter of a kernel's start), and nobody debugs a graded kernel.
#: A ``None`` in ``sys.modules`` makes that import fail as if debugpy were not installed.
LAUNCH_WITHOUT_DEBUGGER = (
    "import sys\n"
    "if sys.path and sys.path[0] == '':\n"
    "    del sys.path[0]  # as ipykernel_launcher: the working folder comes back for the cells\n"
    "sys.modules['debugpy'] = None\n"
    "from ipykernel.kernelapp import launch_new_instance\n"
    "launch_new_instance()\n")


def without_debugger(kernel_cmd: list[str]) -> list[str]:
    """``kernel_cmd`` with ``-m ipykernel_launcher`` replaced by :data:`LAUNCH_WITHOUT_DEBUGGER`
    (any other kernel command as it is)."""
    if kernel_cmd[1:3] == ["-m", "ipykernel_launcher"]:
        return [kernel_cmd[0], "-c", LAUNCH_WITHOUT_DEBUGGER, *kernel_cmd[3:]]
    return kernel_cmd


def available() -> str | None:
    """``None`` when bubblewrap can box a kernel here, else why not."""
    if not sys.platform.startswith("linux"):
        return "not Linux"
    if not os.path.exists(BWRAP):
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    try:
        done = subprocess.run([BWRAP, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net",
                               "--die-with-parent", "--"] + _user_prefix(_pick_uid()) + ["true"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        return f"bwrap could not run: {error}"
    if done.returncode != 0:
        return f"bwrap could not run: {done.stderr.decode(errors='replace').strip()}"
    return None


def _pick_uid() -> int | None:
    return random.randrange(200_000, 2_000_000) if os.geteuid() == 0 else None


def _user_prefix(uid: int | None) -> list[str]:
    if uid is None:
        return []
    return [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}",
            "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]


def _python_paths() -> list[str]:
    """Folders the kernel must read: the interpreter, its libraries and course_lib (never the
    current folder or a script's folder, which may be the course root)."""
    import site
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             str(Path(sys.executable).resolve().parent.parent)}
    paths.update(sysconfig.get_paths().values())
    paths.update(site.getsitepackages())
    paths.update(p for p in sys.path if p and ("-packages" in p or p.startswith(sys.base_prefix)))
    spec = importlib.util.find_spec("course_lib")
    if spec and spec.submodule_search_locations:
        paths.update(spec.submodule_search_locations)
    return sorted({os.path.realpath(p) for p in paths if os.path.isdir(p)} |
                  {os.path.abspath(p) for p in paths if os.path.isdir(p)})


def _repository_of_course_lib() -> str | None:
    spec = importlib.util.find_spec("course_lib")
    if not spec or not spec.submodule_search_locations:
        return None
    parent = Path(list(spec.submodule_search_locations)[0]).resolve().parent
    if (parent / "solutions").is_dir() or (parent / "nbgrader_config.py").exists():
        return str(parent)
    return None


class SandboxedKernelManager(AsyncKernelManager):
    """An IPython kernel started inside bubblewrap (see the module docstring)."""

    scratch = Unicode(help="The box's only writable folder (must exist).").tag(config=True)
    workdir = Unicode(help="The kernel's working directory, inside scratch.").tag(config=True)
    hide = List(Unicode(), help="Folders replaced by an empty tmpfs in the box (the course "
                                "root, ...).").tag(config=True)
    memory_limit = Integer(4 << 30, help="Address space of the kernel, bytes.").tag(config=True)
    process_limit = Integer(256, help="Processes and threads of the box's user.").tag(
        config=True)
    file_size_limit = Integer(256 << 20, help="Largest file the kernel may write, bytes.").tag(
        config=True)
    cpu_limit = Integer(3600, help="CPU seconds of the kernel in total.").tag(config=True)
    tmp_size = Integer(256 << 20, help="Size of the box's /tmp, bytes.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        run = Path(self.scratch) / "run"
        run.mkdir(parents=True, exist_ok=True)
        self.ip = str(run / "kernel")
        self.connection_file = str(run / "kernel.json")
        self.uid = _pick_uid()
        # a signal from outside may not reach the kernel inside the box's pid namespace; an
        # interrupt_request on the control channel makes the kernel signal itself
        if self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"

    def _chown(self, path: Path) -> None:
        if self.uid is None:
            return
        for root, dirs, files in os.walk(path):
            os.chown(root, self.uid, self.uid)
            for name in files:
                os.chown(os.path.join(root, name), self.uid, self.uid, follow_symlinks=False)

    def sandbox_command(self, kernel_cmd: list[str]) -> list[str]:
        scratch = os.path.realpath(self.scratch)
        home = os.path.join(scratch, "home")
        os.makedirs(home, exist_ok=True)
        _give_font_cache(os.path.join(home, ".matplotlib"))
        self._chown(Path(scratch))
        nproc = self.process_limit
        if self.uid is None:  # our own uid: the limit must leave room for our own processes
            nproc += _tasks_of_this_user()
        limits = [shutil.which("prlimit") or "/usr/bin/prlimit",
                  f"--as={self.memory_limit}", f"--nproc={nproc}",
                  f"--fsize={self.file_size_limit}", "--nofile=1024", "--core=0",
                  f"--cpu={self.cpu_limit}", "--"]
        if self.uid is None:  # unprivileged: a user namespace, our own uid outside
            box = [BWRAP, "--unshare-all"]
        else:  # root: every namespace but the user one; setpriv then drops to a fresh uid
            box = [BWRAP, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                   "--unshare-cgroup-try"]
        box += ["--die-with-parent", "--clearenv", "--ro-bind", "/", "/"]
        hidden = ["/tmp", "/var/tmp", "/dev/shm", "/home", "/root", "/run", "/srv", "/mnt",
                  "/media"] + [p for p in self.hide if p]
        repo = _repository_of_course_lib()
        if repo:
            hidden.append(repo)
        for path in sorted({os.path.realpath(p) for p in hidden if os.path.isdir(p)}):
            if path != "/":
                box += ["--perms", "1777", "--size", str(self.tmp_size), "--tmpfs", path]
        for path in _python_paths():
            if any(path == h or path.startswith(h.rstrip("/") + "/") for h in hidden):
                box += ["--ro-bind", path, path]
        # folders above the scratch folder that the tmpfs hid: made again, traversable
        for parent in reversed(Path(scratch).parents):
            if any(str(parent).startswith(h.rstrip("/") + "/") for h in hidden):
                box += ["--perms", "0755", "--dir", str(parent)]
        box += ["--bind", scratch, scratch, "--proc", "/proc", "--dev", "/dev"]
        # hidden folders other than the temp ones are empty and read-only
        for path in sorted({os.path.realpath(p) for p in hidden if os.path.isdir(p)}):
            if path not in ("/", "/tmp", "/var/tmp", "/dev/shm") and not any(
                    scratch.startswith(path.rstrip("/") + "/") for _ in [0]):
                box += ["--remount-ro", path]
        box += [
                "--chdir", self.workdir or scratch]
        env = {"HOME": home, "PATH": os.pathsep.join([os.path.dirname(sys.executable),
                                                      "/usr/local/bin", "/usr/bin", "/bin"]),
               "TMPDIR": "/tmp", "IPYTHONDIR": os.path.join(home, ".ipython"),
               "MPLCONFIGDIR": os.path.join(home, ".matplotlib"),
               "JUPYTER_RUNTIME_DIR": os.path.join(home, ".jupyter"),
               "PYTHONNOUSERSITE": "1"}
        env.update({k: os.environ[k] for k in PASS_ENV if k in os.environ})
        for key, value in sorted(env.items()):
            box += ["--setenv", key, value]
        return limits + box + ["--"] + _user_prefix(self.uid) + without_debugger(kernel_cmd)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw.pop("cwd", None)
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        return await super()._async_launch_kernel(self.sandbox_command(list(kernel_cmd)), **kw)

    @property
    def pid(self) -> int | None:
        process = getattr(self.provisioner, "process", None)
        return getattr(process, "pid", None)


@functools.cache
def _font_cache() -> tuple[str, ...]:
    """Matplotlib's font list of this process (made now if it has none yet), or nothing."""
    try:
        from matplotlib import font_manager  # noqa: F401 (writes the list when it is missing)
        import matplotlib
    except Exception:  # noqa: BLE001 (no matplotlib: nothing to give)
        return ()
    return tuple(str(p) for p in Path(matplotlib.get_cachedir()).glob("fontlist-v*.json"))


def _give_font_cache(folder: str) -> None:
    """Put a copy of matplotlib's font list in the box's config folder: without it every boxed
    kernel that imports pyplot scans the system's fonts again (0.15 s with Chromium's 380)."""
    os.makedirs(folder, exist_ok=True)
    for path in _font_cache():
        try:
            shutil.copy(path, folder)
        except OSError:
            continue


def _tasks_of_this_user() -> int:
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                continue
    return count
