"""The check kernel's side of grading: names of the student's kernel as proxies.

The grader imports this in the *check kernel* (which only ever runs the instructor's set-up
cells and test cells) and, before each test cell, calls :func:`prepare` with the cell's source.
Every name the cell reads that the student's cells define (an answer's function, a model, a
demo cell's data) is bound to what the student's kernel holds:

- plain data (see :mod:`course_lib.grading.wire`) arrives as a copy, built here;
- anything else (a function, a generator, an object of the student's own class) is a
  :class:`Remote` proxy: calling it sends the arguments as plain data to the student's kernel,
  which calls the real object and sends the result back the same way; the arguments as they
  are after the call come back too and are copied into the test's own arrays, lists, dicts and
  tables, so "did it change its input" checks still see in-place changes. Attributes, items,
  ``len``, iteration, ``str`` and ``repr`` go remote as well; comparisons, ``__array__``,
  ``__float__``, ``__bool__`` and friends do not (a proxy equals only itself).

Warnings raised by student code during a call are raised again here; an exception becomes an
exception of the same builtin type (``ValueError``, ``NotImplementedError``, ...) or of a
class of the same name derived from :class:`RemoteError`, with the same message.
"""
from __future__ import annotations

import ast
import base64
import builtins
import importlib.resources
import time
import warnings

import zmq

from . import wire

_REQUEST_LIMIT = 1 << 28
#: Requests up to this many characters travel inside the code the student's kernel runs; longer
#: ones are fetched over stdin (ipykernel hashes each cell's code, 0.3 s per MB).
_INLINE_LIMIT = 16_384

_state: dict = {"bridge": None}


class RemoteError(Exception):
    """An exception raised by the student's code whose type is not a builtin one."""


class CellTimeoutError(RemoteError):
    """The student's code ran past the cell's time budget."""


class DeadKernelError(RemoteError):
    """The student's kernel died (or had died) during the call."""


def _agent_source() -> str:
    here = importlib.resources.files("course_lib.grading")
    return ((here / "wire.py").read_text(encoding="utf-8") + "\n\n" +
            (here / "agent.py").read_text(encoding="utf-8"))


class Bridge:
    def __init__(self, connection_info: dict, pid: int | None, student_names):
        from jupyter_client import BlockingKernelClient

        self.kc = BlockingKernelClient()
        self.kc.load_connection_info(connection_info)
        self.kc.start_channels(shell=True, iopub=False, stdin=True, hb=False)
        self.pid = pid
        self.student_names = set(student_names)
        self.installed = False
        self.broken: str | None = None  # "timeout" or "dead": later calls fail at once
        self.deadline = None
        self.callbacks: dict[int, object] = {}
        self.bound: dict[str, object] = {}
        self.origin: dict[int, str] = {}  # handle id -> the student's name it was looked up as
        self.timed_out: set[str] = set()
        self.rngs: dict[str, object] = {}  # Generators sent, by reference

    # -- the channel ------------------------------------------------------------------------
    def _alive(self) -> bool:
        if self.pid is None:
            return True
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as f:
                return f.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
        except OSError:
            return False

    def _execute(self, code: str, payload: str | None = None) -> tuple[dict | None, dict]:
        """Run ``code`` in the student's kernel; returns (answer, execute_reply content).
        ``payload`` is the text the agent fetches (once) with a ``fetch`` input request."""
        if self.broken == "timeout":
            raise CellTimeoutError("an earlier call into your code ran too long; it is not "
                                   "run again")
        if self.broken == "dead" or not self._alive():
            self.broken = "dead"
            raise DeadKernelError("your notebook's kernel died; your code cannot be run")
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=True,
                                 stop_on_error=False)
        answer = None
        stdin, shell = self.kc.stdin_channel, self.kc.shell_channel
        # one poll on both sockets: a call costs the kernel's time, not a polling interval
        poller = zmq.Poller()
        poller.register(stdin.socket, zmq.POLLIN)
        poller.register(shell.socket, zmq.POLLIN)
        while True:
            if self.deadline is not None and time.monotonic() > self.deadline:
                self.broken = "timeout"
                raise CellTimeoutError("your code ran longer than the cell's time limit")
            ready = dict(poller.poll(50))
            if not ready:
                if not self._alive():
                    self.broken = "dead"
                    raise DeadKernelError("your notebook's kernel died while running your "
                                          "code") from None
                continue
            if stdin.socket in ready:
                msg = stdin.get_msg(timeout=0)
                if msg["msg_type"] == "input_request":
                    prompt = msg["content"].get("prompt", "")
                    if prompt.startswith(_PREFIX):
                        message = wire.loads(prompt[len(_PREFIX):], _REQUEST_LIMIT)
                        if message.get("kind") == "callback":
                            self.kc.input(self._callback(message))
                            continue
                        if message.get("kind") == "fetch":
                            self.kc.input(payload or "")
                            payload = None
                            continue
                        answer = message
                    self.kc.input("")
                    continue
            if shell.socket in ready:
                reply = shell.get_msg(timeout=0)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return answer, reply["content"]

    def request(self, **request):
        if not self.installed:
            source = base64.b64encode(_agent_source().encode()).decode()
            _, content = self._execute(
                "import sys as _s, types as _t, base64 as _b\n"
                "_m = _t.ModuleType('_course_agent')\n"
                f"exec(compile(_b.b64decode('{source}').decode(), '<course-agent>', 'exec'), "
                "_m.__dict__)\n_s.modules['_course_agent'] = _m\ndel _s, _t, _b, _m\n")
            if content.get("status") != "ok":
                raise RemoteError("the grader could not talk to your notebook's kernel "
                                  f"({content.get('ename')}: {content.get('evalue')})")
            self.installed = True
        text = base64.b64encode(wire.dumps(request).encode()).decode()
        if len(text) <= _INLINE_LIMIT:
            answer, content = self._execute(
                f"__import__('sys').modules['_course_agent'].serve('{text}')")
        else:  # IPython hashes every cell's code in pure Python: big arguments go by stdin
            answer, content = self._execute(
                "__import__('sys').modules['_course_agent'].serve(None)", payload=text)
        if answer is None:
            raise RemoteError(f"your notebook's kernel did not answer the grader "
                              f"({content.get('ename')}: {content.get('evalue')})")
        for ref, state in (answer.get("rngs") or {}).items():
            generator = self.rngs.get(str(ref))
            if generator is not None:
                try:
                    generator.bit_generator.state = self.decode(state)
                except Exception:  # noqa: BLE001
                    pass
        for category, message in answer.get("warnings", [])[:20]:
            kind = getattr(builtins, str(category), None)
            if not (isinstance(kind, type) and issubclass(kind, Warning)):
                kind = UserWarning
            warnings.warn(str(message), kind, stacklevel=3)
        if "error" in answer:
            error = answer["error"]
            if error.get("stop"):
                raise StopIteration
            raise _exception(str(error.get("type")), str(error.get("message")))
        return answer

    # -- values -----------------------------------------------------------------------------
    def encode(self, value):
        wire.ON_RNG = lambda g: self.rngs.__setitem__(str(id(g)), g)
        try:
            return wire.encode(value, self._on_other)
        finally:
            wire.ON_RNG = None

    def _on_other(self, obj):
        if isinstance(obj, Remote):
            return {"t": "handle", "id": object.__getattribute__(obj, "_id")}
        if callable(obj):
            ident = len(self.callbacks) + 1
            self.callbacks[ident] = obj
            return {"t": "callback", "id": ident, "name": getattr(obj, "__name__", "f")}
        raise TypeError(f"a {type(obj).__name__} cannot be passed to the student's code")

    def decode(self, node):
        return wire.decode(node, self._on_tag)

    def _on_tag(self, node):
        if node["t"] == "handle":
            ident = int(node["id"])
            cls = RemoteCallable if node.get("callable") else Remote
            return cls(self, ident, str(node.get("type", "?"))[:200])
        raise wire.WireError(f"unexpected node {node['t']!r}")

    def _callback(self, message) -> str:
        try:
            function = self.callbacks[int(message["id"])]
            args = self.decode(message["args"])
            kwargs = self.decode(message["kwargs"])
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise wire.WireError("bad arguments")
            result = function(*args, **{str(k): v for k, v in kwargs.items()})
            return wire.dumps({"result": self.encode(result)})
        except Exception as error:  # noqa: BLE001
            return wire.dumps({"error": {"type": type(error).__name__,
                                         "message": str(error)[:500]}})

    def call(self, ident, args, kwargs):
        try:
            answer = self.request(op="call", target=ident, args=self.encode(list(args)),
                                  kwargs=self.encode(dict(kwargs)))
        except CellTimeoutError:
            if ident in self.origin:
                self.timed_out.add(self.origin[ident])
            raise
        try:
            _copy_back(list(args), self.decode(answer["args"]))
            _copy_back(dict(kwargs), self.decode(answer["kwargs"]))
        except Exception:  # noqa: BLE001 (a changed input that cannot be mirrored stays)
            pass
        return self.decode(answer["result"])


_PREFIX = "\x00course-rpc\x00"


def _exception(name: str, message: str) -> BaseException:
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception) and kind.__module__ == "builtins":
        try:
            return kind(message)
        except Exception:  # noqa: BLE001
            pass
    if not name.isidentifier():
        name = "RemoteError"
    return type(name, (RemoteError,), {"__module__": "student"})(message)


def _copy_back(before, after) -> None:
    """Make the test's own objects look as the student's code left its copies."""
    import numpy as np

    if isinstance(before, np.random.Generator) and isinstance(after, np.random.Generator):
        if type(before.bit_generator) is type(after.bit_generator):
            before.bit_generator.state = after.bit_generator.state
    elif isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
        if before.shape == after.shape and not np.array_equal(before, after, equal_nan=True):
            before[...] = after
    elif isinstance(before, list) and isinstance(after, list):
        if len(before) == len(after):
            for i, (b, a) in enumerate(zip(before, after)):
                if isinstance(b, (np.ndarray, list, dict, np.random.Generator)) or _is_frame(b):
                    _copy_back(b, a)
                elif type(b) is not type(a) or b != a:
                    before[i] = a
        else:
            before[:] = after
    elif isinstance(before, dict) and isinstance(after, dict):
        for key in [k for k in before if k not in after]:
            del before[key]
        for key, value in after.items():
            if key in before and (isinstance(before[key], (np.ndarray, list, dict))
                                  or _is_frame(before[key])):
                _copy_back(before[key], value)
            else:
                before[key] = value
    elif _is_frame(before) and _is_frame(after):
        if list(before.columns) != list(after.columns) or not before.equals(after):
            gone = [c for c in before.columns if c not in list(after.columns)]
            if gone:
                before.drop(columns=gone, inplace=True)
            if len(before) == len(after):
                for column in after.columns:
                    if column not in before.columns or not before[column].equals(after[column]):
                        before[column] = after[column].to_numpy()


def _is_frame(value) -> bool:
    return type(value).__name__ == "DataFrame" and type(value).__module__.split(".")[0] == "pandas"


class Remote:
    """An object that lives in the student's kernel."""

    __slots__ = ("_bridge", "_id", "_type")

    def __init__(self, bridge, ident, type_name):
        object.__setattr__(self, "_bridge", bridge)
        object.__setattr__(self, "_id", ident)
        object.__setattr__(self, "_type", type_name)

    def _ask(self, op, **extra):
        bridge = object.__getattribute__(self, "_bridge")
        answer = bridge.request(op=op, target=object.__getattribute__(self, "_id"), **extra)
        return bridge.decode(answer["result"])

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __setattr__(self, name, value):
        raise AttributeError("objects of the student's kernel are read-only in checks")

    def __getitem__(self, key):
        bridge = object.__getattribute__(self, "_bridge")
        return self._ask("getitem", key=bridge.encode(key))

    def __len__(self):
        return int(self._ask("len"))

    def __iter__(self):
        iterator = self._ask("iter")
        while True:
            try:
                yield iterator._ask("next")
            except StopIteration:
                return

    def __repr__(self):
        try:
            return str(self._ask("repr"))
        except Exception:  # noqa: BLE001
            return f"<{object.__getattribute__(self, '_type')} object of your notebook>"

    def __str__(self):
        try:
            return str(self._ask("str"))
        except Exception:  # noqa: BLE001
            return self.__repr__()


class RemoteCallable(Remote):
    __slots__ = ()

    def __call__(self, *args, **kwargs):
        bridge = object.__getattribute__(self, "_bridge")
        return bridge.call(object.__getattribute__(self, "_id"), args, kwargs)


# --------------------------------------------------------------------------------------------
# What the grader calls in the check kernel
# --------------------------------------------------------------------------------------------
def connect(connection_info: dict, pid: int | None, student_names) -> None:
    """Open the channel to the student's kernel (again after a restart: ``pid`` changes)."""
    old = _state["bridge"]
    new = Bridge(connection_info, pid, student_names)
    if old is not None:
        old.kc.stop_channels()
        new.bound = old.bound  # the old kernel's proxies are dropped at the next prepare
        new.timed_out = set(old.timed_out)
    _state["bridge"] = new


def _read_names(source: str) -> set[str]:
    """Names the cell reads and never binds itself (its own names are its own business)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        code = shell.transform_cell(source) if shell is not None else source
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    read, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return read - bound


def prepare(source: str, seconds: float | None) -> None:
    """Bind the names ``source`` reads from the student's kernel; ``seconds`` bounds the calls."""
    from IPython import get_ipython

    bridge = _state["bridge"]
    ns = get_ipython().user_ns
    # proxies of the previous cell are dropped, so each cell sees the student's current values
    for name, value in list(bridge.bound.items()):
        if ns.get(name) is value:
            del ns[name]
    bridge.bound.clear()
    bridge.deadline = None if not seconds else time.monotonic() + float(seconds)
    bridge.callbacks.clear()
    bridge.rngs.clear()
    wanted = sorted(n for n in _read_names(source)
                    if n in bridge.student_names
                    or (n not in ns and not hasattr(builtins, n)))
    if not wanted or bridge.broken:
        return
    try:
        answer = bridge.request(op="lookup", names=wanted)
    except Exception:  # noqa: BLE001 (the names stay undefined: the checks fail on them)
        return
    for name, node in answer.get("names", {}).items():
        if name in wanted:
            try:
                value = bridge.decode(node)
            except Exception:  # noqa: BLE001
                continue
            ns[name] = value
            bridge.bound[name] = value
            if isinstance(value, Remote):
                bridge.origin[object.__getattribute__(value, "_id")] = name


def timed_out_names() -> list[str]:
    """Student functions whose call ran out of time: the grader stubs them after a restart,
    so that a later cell calling one fails at once instead of looping again."""
    bridge = _state["bridge"]
    return sorted(bridge.timed_out) if bridge else []


def state() -> str:
    bridge = _state["bridge"]
    return (bridge.broken or "ok") if bridge else "none"


def bound_names() -> list[str]:
    bridge = _state["bridge"]
    return sorted(bridge.bound) if bridge else []

