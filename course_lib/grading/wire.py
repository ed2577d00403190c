"""Plain data between the student's kernel and the check kernel: a tagged JSON tree, no pickle.

This module is self-contained (only the standard library, NumPy and, when a table is sent,
pandas): the grader copies its source into the student's kernel, where the student may change
it at will. That is harmless, because only the *decoder in the check kernel* decides what a
message becomes there, and it builds nothing but:

- ``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, ``bytes``;
- NumPy arrays and scalars of numeric, bool or string dtype (``np.load(allow_pickle=False)``),
  object arrays as a shape plus decoded items;
- ``list``, ``tuple``, ``set``, ``frozenset``, ``dict`` of the above;
- pandas ``DataFrame``/``Series``/``Index`` rebuilt from such columns;
- instances of ``course_lib`` classes (not ``course_lib.checks``/``course_lib.grading``),
  created with ``cls.__new__`` and given a decoded ``__dict__`` (no constructor, no
  ``__setstate__``), so ``isinstance(model, Sequential)`` and ``model.predict`` run the course's
  own code on the student's weights;
- whatever the caller's ``on_tag`` hook makes of ``handle``/``callback`` nodes (the check
  kernel: a proxy object for a remote one).

No student-defined class, ``__eq__``, ``__array__`` or ``__float__`` ever crosses: an object
that is none of the above is sent as a handle.
"""
from __future__ import annotations

import base64
import io
import json
import math

import numpy as np

#: Deepest nesting and most nodes one message may hold (a cycle or a bomb fails the call).
MAX_DEPTH = 64
MAX_NODES = 2_000_000
#: Modules whose classes may be rebuilt by value (the course's own code, never the grader's).
TRUSTED_PREFIX = "course_lib."
UNTRUSTED_MODULES = ("course_lib.checks", "course_lib.grading")


#: The student's side keeps each Generator a test passed, by the test's reference, so that a
#: lazy generator of batches draws from the same stream across calls (the agent sets a dict).
RNG_CACHE = None
#: The check side is told of each Generator it sends (to copy the student's draws back).
ON_RNG = None


class WireError(ValueError):
    """A message that is not plain data as defined above."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text) -> bytes:
    if not isinstance(text, str):
        raise WireError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _npy(array) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return _b64(buffer.getvalue())


def _from_npy(text):
    return np.load(io.BytesIO(_unb64(text)), allow_pickle=False)


def _plain_dtype(dtype) -> bool:
    return dtype.kind in "biufcSUMm" and not dtype.hasobject and dtype.names is None


def _trusted_class(cls) -> bool:
    module = getattr(cls, "__module__", "") or ""
    return (module.startswith(TRUSTED_PREFIX)
            and not module.startswith(UNTRUSTED_MODULES))


_TYPE_MODULES = ("builtins", "numpy", "pandas", "course_lib")
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


def _referable(cls) -> bool:
    module = getattr(cls, "__module__", "") or ""
    return module.split(".")[0] in _TYPE_MODULES and not module.startswith(UNTRUSTED_MODULES)


def encode(value, on_other, _depth=0, _count=None):
    """``value`` as a JSON-able tree; ``on_other(obj)`` gives the node of anything else.

    A course object already being encoded higher up (a model's history pointing back at the
    model) is sent as ``on_other`` gives it, as is one whose state cannot be sent."""
    if _count is None:
        _count = [0, set()]
    _count[0] += 1
    if _count[0] > MAX_NODES or _depth > MAX_DEPTH:
        raise WireError("the value is too large or too deeply nested to send")
    deeper = _depth + 1
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int:
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind is complex:
        return {"t": "complex", "v": [repr(value.real), repr(value.imag)]}
    if kind is str:
        return {"t": "str", "v": value}
    if kind is bytes:
        return {"t": "bytes", "v": _b64(value)}
    if isinstance(value, np.generic) and kind.__module__ == "numpy" and _plain_dtype(value.dtype):
        return {"t": "npscalar", "v": _npy(np.asarray(value))}
    if kind is np.ndarray or (isinstance(value, np.ndarray) and kind.__module__.startswith("numpy")):
        array = np.asarray(value)
        if _plain_dtype(array.dtype):
            return {"t": "nd", "v": _npy(array.copy(order="C"))}
        if array.dtype.hasobject and array.dtype.names is None:
            return {"t": "ndobj", "shape": list(array.shape),
                    "v": [encode(item, on_other, deeper, _count) for item in array.ravel()]}
    if kind in (list, tuple, set, frozenset):
        return {"t": kind.__name__, "v": [encode(item, on_other, deeper, _count)
                                         for item in value]}
    if kind is dict:
        return {"t": "dict", "v": [[encode(k, on_other, deeper, _count),
                                    encode(v, on_other, deeper, _count)]
                                   for k, v in value.items()]}
    if kind is range:
        return {"t": "range", "v": [value.start, value.stop, value.step]}
    if isinstance(value, type) and _referable(value):
        return {"t": "type", "module": value.__module__, "name": value.__qualname__}
    if kind is np.dtype or isinstance(value, np.dtype):
        if _plain_dtype(value):
            return {"t": "dtype", "v": value.str}
    if kind is np.random.Generator:
        bitgen = value.bit_generator
        if ON_RNG is not None:
            ON_RNG(value)
        return {"t": "rng", "name": type(bitgen).__name__, "ref": str(id(value)),
                "state": encode(bitgen.state, on_other, deeper, _count)}
    module = kind.__module__ or ""
    if module.split(".")[0] == "pandas" and kind.__name__ in ("DataFrame", "Series", "Index",
                                                              "RangeIndex"):
        return _encode_pandas(value, on_other, deeper, _count)
    if _trusted_class(kind) and hasattr(value, "__dict__") and not hasattr(kind, "__slots__") \
            and not isinstance(value, type):
        if id(value) in _count[1]:
            return on_other(value)
        _count[1].add(id(value))
        try:
            state = encode(dict(vars(value)), on_other, deeper, _count)
        except WireError:
            return on_other(value)
        finally:
            _count[1].discard(id(value))
        return {"t": "obj", "module": kind.__module__, "name": kind.__qualname__,
                "state": state}
    return on_other(value)


def _encode_pandas(value, on_other, depth, count):
    name = type(value).__name__
    if name == "RangeIndex":
        return {"t": "pd.range", "v": [int(value.start), int(value.stop), int(value.step)],
                "name": encode(value.name, on_other, depth, count)}
    if name == "Index":
        return {"t": "pd.index", "v": encode(value.to_numpy(), on_other, depth, count),
                "name": encode(value.name, on_other, depth, count)}
    if name == "Series":
        return {"t": "pd.series", "v": encode(value.to_numpy(), on_other, depth, count),
                "index": _encode_pandas(value.index, on_other, depth, count)
                if type(value.index).__name__ in ("Index", "RangeIndex") else
                encode(value.index.to_numpy(), on_other, depth, count),
                "name": encode(value.name, on_other, depth, count)}
    columns = [encode(c, on_other, depth, count) for c in value.columns]
    data = [encode(value.iloc[:, i].to_numpy(), on_other, depth, count)
            for i in range(value.shape[1])]
    index = (_encode_pandas(value.index, on_other, depth, count)
             if type(value.index).__name__ in ("Index", "RangeIndex") else
             encode(value.index.to_numpy(), on_other, depth, count))
    return {"t": "pd.frame", "columns": columns, "v": data, "index": index}


def decode(node, on_tag, _depth=0):
    """The plain value of a node made by :func:`encode`; ``on_tag(node)`` for handles."""
    if _depth > MAX_DEPTH:
        raise WireError("too deeply nested")
    if not isinstance(node, dict) or not isinstance(node.get("t"), str):
        raise WireError("not a value node")
    tag, v, deeper = node["t"], node.get("v"), _depth + 1
    if tag == "none":
        return None
    if tag == "bool":
        if not isinstance(v, bool):
            raise WireError("bad bool")
        return v
    if tag == "int":
        if not isinstance(v, str) or len(v) > 5000:
            raise WireError("bad int")
        return int(v)
    if tag == "float":
        return float(v) if isinstance(v, str) and len(v) < 64 else _bad(tag)
    if tag == "complex":
        return complex(float(v[0]), float(v[1]))
    if tag == "str":
        return v if isinstance(v, str) else _bad(tag)
    if tag == "bytes":
        return _unb64(v)
    if tag == "npscalar":
        array = _from_npy(v)
        if array.shape != () or not _plain_dtype(array.dtype):
            raise WireError("bad scalar")
        return array[()]
    if tag == "nd":
        array = _from_npy(v)
        if type(array) is not np.ndarray or not _plain_dtype(array.dtype):
            raise WireError("bad array")
        return array
    if tag == "ndobj":
        shape = tuple(int(s) for s in node["shape"])
        items = [decode(item, on_tag, deeper) for item in v]
        array = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):
            array[i] = item
        return array.reshape(shape)
    if tag in ("list", "tuple", "set", "frozenset"):
        if not isinstance(v, list):
            raise WireError("bad sequence")
        items = [decode(item, on_tag, deeper) for item in v]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
    if tag == "dict":
        return {decode(k, on_tag, deeper): decode(val, on_tag, deeper) for k, val in v}
    if tag == "range":
        return range(int(v[0]), int(v[1]), int(v[2]))
    if tag.startswith("pd."):
        return _decode_pandas(node, on_tag, deeper)
    if tag == "type":
        return _decode_type(node)
    if tag == "dtype":
        dtype = np.dtype(str(v))
        if not _plain_dtype(dtype):
            raise WireError("bad dtype")
        return dtype
    if tag == "rng":
        name = node.get("name")
        if name not in _BIT_GENERATORS:
            raise WireError("unknown bit generator")
        ref = str(node.get("ref"))
        if RNG_CACHE is not None and ref in RNG_CACHE:
            return RNG_CACHE[ref]  # the same Generator as last time, in its current state
        generator = np.random.Generator(getattr(np.random, name)())
        generator.bit_generator.state = decode(node["state"], on_tag, deeper)
        if RNG_CACHE is not None:
            RNG_CACHE[ref] = generator
        return generator
    if tag == "obj":
        return _decode_object(node, on_tag, deeper)
    return on_tag(node)


def _bad(tag):
    raise WireError(f"bad {tag}")


def _decode_pandas(node, on_tag, depth):
    import pandas as pd

    tag = node["t"]
    if tag == "pd.range":
        start, stop, step = (int(x) for x in node["v"])
        return pd.RangeIndex(start, stop, step, name=_name(node, on_tag, depth))
    if tag == "pd.index":
        return pd.Index(_array(node["v"], on_tag, depth), name=_name(node, on_tag, depth))
    if tag == "pd.series":
        return pd.Series(_array(node["v"], on_tag, depth),
                         index=_index(node["index"], on_tag, depth),
                         name=_name(node, on_tag, depth))
    if tag == "pd.frame":
        columns = [decode(c, on_tag, depth) for c in node["columns"]]
        data = [_array(col, on_tag, depth) for col in node["v"]]
        index = _index(node["index"], on_tag, depth)
        frame = pd.DataFrame({i: col for i, col in enumerate(data)}, index=index)
        frame.columns = pd.Index(columns) if columns else frame.columns
        return frame
    raise WireError(f"unknown pandas node {tag}")


def _name(node, on_tag, depth):
    name = decode(node["name"], on_tag, depth)
    if not isinstance(name, (str, int, float, type(None))):
        raise WireError("bad name")
    return name


def _array(node, on_tag, depth):
    array = decode(node, on_tag, depth)
    if not isinstance(array, np.ndarray):
        raise WireError("expected an array")
    return array


def _index(node, on_tag, depth):
    import pandas as pd

    value = decode(node, on_tag, depth)
    if isinstance(value, np.ndarray):
        return pd.Index(value)
    if isinstance(value, pd.Index):
        return value
    raise WireError("bad index")


def _decode_type(node):
    import importlib

    module_name, qualname = node.get("module"), node.get("name")
    if not (isinstance(module_name, str) and isinstance(qualname, str)
            and module_name.split(".")[0] in _TYPE_MODULES
            and not module_name.startswith(UNTRUSTED_MODULES)):
        raise WireError("types of this module are not sent")
    target = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not isinstance(target, type):
        raise WireError("not a type")
    return target


def _decode_object(node, on_tag, depth):
    import importlib

    module_name, qualname = node.get("module"), node.get("name")
    if not (isinstance(module_name, str) and isinstance(qualname, str)
            and module_name.startswith(TRUSTED_PREFIX)
            and not module_name.startswith(UNTRUSTED_MODULES)):
        raise WireError("objects of this module are not rebuilt")
    target = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not isinstance(target, type) or not _trusted_class(target):
        raise WireError(f"{module_name}.{qualname} is not a course class")
    state = decode(node["state"], on_tag, depth)
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        raise WireError("bad object state")
    obj = target.__new__(target)
    obj.__dict__.update(state)
    return obj


def dumps(tree) -> str:
    return json.dumps(tree, separators=(",", ":"), allow_nan=False)


def loads(text: str, limit: int):
    if not isinstance(text, str) or len(text) > limit:
        raise WireError(f"message larger than {limit} characters")
    return json.loads(text, parse_constant=lambda c: math.nan)
