"""The grader's helper inside the student's kernel (copied there as source, after wire.py).

It answers the check kernel's requests: look names up, call a student object, read an
attribute or an item, step an iterator; every answer is plain data (see ``wire``) or a handle
to an object kept here. Nothing here is trusted: the student's code can change all of it, and
can only make its own answers wrong by doing so. The answer travels back as the prompt of an
``input()`` request on the Jupyter stdin channel, which the check kernel answers; a test's own
function passed to student code (a callback) is called the same way.
"""
import base64 as _base64
import json as _json
import warnings as _warnings

PREFIX = "\x00course-rpc\x00"
RNG_CACHE = {}
_handles = {}
_counter = [0]


def _raw_input(prompt):
    return get_ipython().kernel.raw_input(prompt)  # noqa: F821 (IPython's global)


def _register(obj):
    _counter[0] += 1
    _handles[_counter[0]] = obj
    kind = type(obj)
    return {"t": "handle", "id": _counter[0], "callable": callable(obj),
            "type": f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', '?')}"}


class _Callback:
    """A function of the test cell: calling it asks the check kernel to call it there."""

    def __init__(self, ident, name):
        self._ident, self.__name__ = ident, name

    def __call__(self, *args, **kwargs):
        message = {"kind": "callback", "id": self._ident,
                   "args": encode(list(args), _register),
                   "kwargs": encode(dict(kwargs), _register)}
        reply = loads(_raw_input(PREFIX + dumps(message)), 1 << 28)
        if "error" in reply:
            raise RuntimeError(f"{reply['error'].get('type')}: {reply['error'].get('message')}")
        return decode(reply["result"], _on_tag)


def _on_tag(node):
    if node["t"] == "handle":
        return _handles[node["id"]]
    if node["t"] == "callback":
        return _Callback(node["id"], str(node.get("name", "callback")))
    raise WireError(f"unknown node {node['t']}")


def _user_ns():
    return get_ipython().user_ns  # noqa: F821


def _op(request):
    op = request["op"]
    if op == "lookup":  # a new test cell: the Generators of the last one are forgotten
        RNG_CACHE.clear()
        ns = _user_ns()
        names = {}
        for name in request["names"]:
            if name in ns:
                try:
                    names[name] = encode(ns[name], _register)
                except Exception:  # noqa: BLE001 (too big or too deep: a handle then)
                    names[name] = _register(ns[name])
        return {"names": names}
    target = _handles[request["target"]] if "target" in request else None
    if op == "call":
        args = decode(request["args"], _on_tag)
        kwargs = decode(request["kwargs"], _on_tag)
        result = target(*args, **kwargs)
        return {"result": encode(result, _register),
                "args": encode(args, _register), "kwargs": encode(kwargs, _register)}
    if op == "getattr":
        return {"result": encode(getattr(target, request["name"]), _register)}
    if op == "getitem":
        return {"result": encode(target[decode(request["key"], _on_tag)], _register)}
    if op == "iter":
        return {"result": _register(iter(target))}
    if op == "next":
        return {"result": encode(next(target), _register)}
    if op == "len":
        return {"result": encode(int(len(target)), _register)}
    if op in ("repr", "str"):
        return {"result": encode((repr if op == "repr" else str)(target)[:20000], _register)}
    raise ValueError(f"unknown request {op!r}")


def serve(request_text):
    if request_text is None:  # a big request: fetched over stdin, not sent as code
        request_text = _raw_input(PREFIX + dumps({"kind": "fetch"}))
    request = _json.loads(_base64.b64decode(request_text))
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        try:
            answer = {"kind": "answer", **_op(request)}
        except BaseException as error:  # noqa: B902 (every error goes back to the check)
            answer = {"kind": "answer", "error": {"type": type(error).__name__,
                                                  "stop": isinstance(error, StopIteration),
                                                  "message": str(error)[:2000]}}
    answer["warnings"] = [[w.category.__name__, str(w.message)[:2000]] for w in caught[:20]]
    try:
        answer["rngs"] = {ref: encode(g.bit_generator.state, _register)
                          for ref, g in RNG_CACHE.items()}
    except Exception:  # noqa: BLE001
        pass
    try:
        text = dumps(answer)
    except Exception as error:  # noqa: BLE001
        text = dumps({"kind": "answer", "error": {"type": type(error).__name__,
                                                  "message": str(error)[:2000]}})
    _raw_input(PREFIX + text)
