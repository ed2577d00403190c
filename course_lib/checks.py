"""What the notebooks' check cells call.

A check compares a student's answer with the expected one. When they agree it returns quietly;
when they do not it raises :class:`CheckFailed`, whose message is the whole feedback the student
reads: what was checked, what was expected, what came, and, where the check can tell, *why* the
two differ::

    CheckFailed: mean_absolute_error([1, 2, 3], [2, 2, 5]) is not right.
      expected: 1
      got:      1.66667
    This is the mean squared error; the exercise asks for the mean absolute error.

The diagnoses are found from the numbers alone: ``None`` (a missing ``return``), a function
instead of its result, NaN or infinity, a wrong shape (transposed, one axis missing or extra),
a constant factor (``-1`` is a flipped sign, ``N`` a sum where a mean was wanted), a constant
offset, flipped 0/1 labels, the right values in the wrong order, and probabilities that do not
sum to 1 (or sum to 1 along the wrong axis). ``mistakes=`` adds the exercise's own catalogue of
known wrong answers, recognised by value.

Hidden checks pass ``reveal=False``: the message then still says what went wrong (shape, sign,
factor, a named mistake) but never prints the expected value, nor the answer computed on hidden
inputs, from which the expected value could be worked back.
"""
from __future__ import annotations

import linecache
import numbers
import re

import numpy as np

__all__ = [
    "CheckFailed",
    "check_close",
    "check_shape",
    "check_type",
    "check_true",
    "check_probabilities",
    "passed",
]

# Keys a hint dictionary may use: each names a diagnosis that the hint is appended to.
HINT_KEYS = ("none", "callable", "type", "nan", "shape", "mistake", "sign", "factor", "offset",
             "flipped", "order", "values")


class CheckFailed(AssertionError):
    """A check did not pass. The message is the complete, friendly feedback.

    In a notebook the failure shows as one short box: a title line, the message, and (when the
    exercise has hints) how to ask for one. IPython draws an exception through its
    ``_render_traceback_()`` when it has one, so no traceback, cell source or frame of this
    module is shown. The error output keeps ``ename == "CheckFailed"`` and ``evalue`` equal to
    the message, which is what nbgrader scores (any error output fails the test cell) and what
    the grader's feedback and ``course report`` read; the box is the same in the student's
    kernel and in the grader's check kernel, so there is no mode a student could switch.
    """

    def _render_traceback_(self):
        """The lines IPython shows instead of a traceback (ANSI colours, as tracebacks use)."""
        lines = [f"{_BOX_TITLE}✘ Not passed yet{_BOX_END}"]
        lines += [f"  {line}" if line else "" for line in str(self).splitlines()]
        # IPython may draw one failure more than once (for the screen and for its history):
        # the failure is counted, and its advice chosen, only the first time
        if not hasattr(self, "_advice"):
            try:  # advice from the hints never hides the message itself
                from .hints import failure_advice

                self._advice = failure_advice(_exercise_of(self.__traceback__))
            except Exception:  # noqa: BLE001
                self._advice = None
        advice = self._advice
        if advice:
            lines.append(f"{_BOX_NOTE}{advice}{_BOX_END}")
        return lines


# bold red title, dim note, reset: the colours JupyterLab shows in an error output
_BOX_TITLE, _BOX_NOTE, _BOX_END = "\x1b[1;31m", "\x1b[2m", "\x1b[0m"
_PASSED_CALL = re.compile(r"""\bpassed\(\s*["']([^"']+)["']\s*\)""")


def _exercise_of(tb) -> str | None:
    """The exercise whose check cell raised: the name in that cell's ``passed("...")`` call.

    The check cell is the outermost frame running at the top level of IPython's user
    namespace; its source is in ``linecache`` (IPython puts every cell there).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None:
        return None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_globals is shell.user_ns and frame.f_code.co_name == "<module>":
            match = _PASSED_CALL.search("".join(linecache.getlines(frame.f_code.co_filename)))
            return match.group(1) if match else None
        tb = tb.tb_next
    return None


def _not_answered_box(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for NotImplementedError: a short box when an exercise is unanswered.

    The blank answer cells say ``raise NotImplementedError()``; a check or a demo cell that
    calls such a function would show a traceback quoting the cell. When the error was raised
    with no message by code of the notebook itself (the innermost frame runs in the user
    namespace), two lines say which exercise is missing and what to do; any other
    NotImplementedError (a library's, or one re-raised by the grader's bridge) keeps its usual
    traceback. Either way the error output (``ename``, ``evalue``) is the one IPython sends
    for any exception, so nbgrader and ``course report`` read it as before.
    """
    frame = None
    walk = tb
    while walk is not None:
        frame, walk = walk.tb_frame, walk.tb_next
    if not str(value) and frame is not None and frame.f_globals is shell.user_ns:
        name = frame.f_code.co_name
        if name == "<module>":
            text = ("This answer cell still says `raise NotImplementedError()`: replace that "
                    "line with your code and run the cell again.")
        else:
            text = (f"`{name}` is not answered yet: replace `raise NotImplementedError()` in "
                    f"its answer cell with your code, run that cell, then run this one again.")
        stb = [f"{_BOX_NOTE_TITLE}✎ Not answered yet{_BOX_END}", f"  {text}"]
    else:
        stb = shell.InteractiveTB.structured_traceback(
            etype, value, tb, tb_offset=1 if tb_offset is None else tb_offset)
    shell._showtraceback(etype, value, stb)
    return stb


def _install_not_answered_box():
    """Register :func:`_not_answered_box` in the running IPython, unless it has its own."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and not shell.custom_exceptions:
        shell.set_custom_exc((NotImplementedError,), _not_answered_box)


_BOX_NOTE_TITLE = "\x1b[1;34m"  # bold blue: nothing is wrong yet, something is missing
_install_not_answered_box()


# ---------------------------------------------------------------------------------------------
# helpers: turning answers into arrays and arrays into short text
# ---------------------------------------------------------------------------------------------

def _type_name(value) -> str:
    kind = type(value)
    module = kind.__module__
    if module in ("builtins", None):
        return kind.__name__
    return f"{module.split('.')[0]}.{kind.__name__}"


def _fmt_number(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (numbers.Integral, np.integer)):
        return str(int(v))
    return f"{float(v):.6g}"


def _fmt(arr: np.ndarray) -> str:
    """Short text for a value: numbers with 6 significant digits, long arrays summarised."""
    if arr.ndim == 0:
        return _fmt_number(arr[()])
    text = np.array2string(arr, precision=6, threshold=20, edgeitems=3, separator=", ",
                           floatmode="maxprec")
    text = text.replace("\n", "\n            ")
    return f"{text}  (shape {arr.shape})"


def _fmt_shape(shape) -> str:
    return "a single number" if shape == () else f"shape {tuple(shape)}"


def _to_array(value):
    """A NumPy array for lists, scalars, arrays and pandas objects, or None if impossible."""
    if hasattr(value, "to_numpy") and callable(value.to_numpy):  # pandas Series / DataFrame
        value = value.to_numpy()
    if value is None or isinstance(value, (str, bytes, dict, set)):
        return None
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged nested lists
        return None
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (ValueError, TypeError):
            return None
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        return None
    return arr


def _fail(lines, hint=None, key=None):
    """Raise CheckFailed with the lines, plus the caller's hint for this diagnosis."""
    __tracebackhide__ = True
    text = _hint_text(hint, key)
    if text:
        lines = list(lines) + [f"Hint: {text}"]
    raise CheckFailed("\n".join(lines))


def _hint_text(hint, key):
    if hint is None:
        return None
    if isinstance(hint, str):
        return hint
    return hint.get(key) or hint.get("default")


def _check_hint(hint, func):
    if hint is None or isinstance(hint, str):
        return
    if not isinstance(hint, dict):
        raise TypeError(f"{func}: argument 'hint' must be None, a string or a dict from "
                        f"diagnosis to text, got {type(hint).__name__}")
    unknown = set(hint) - set(HINT_KEYS) - {"default"}
    if unknown:
        raise ValueError(f"{func}: argument 'hint' has unknown key(s) {sorted(unknown)}; "
                         f"known keys are {', '.join(HINT_KEYS)} and 'default'")


def _subject(name: str) -> str:
    """``name`` ready to open a sentence: "the MAE of ..." -> "The MAE of ...".

    Only names written as words are capitalised; code such as ``mae(y, p)`` or a variable
    name such as ``probs`` is left exactly as the student wrote it.
    """
    first = name.split(" ", 1)[0]
    if " " in name and first.isalpha() and first.islower():
        return name[0].upper() + name[1:]
    return name


def _check_name(name, func):
    if not isinstance(name, str):
        raise TypeError(f"{func}: argument 'name' must be a string, got "
                        f"{type(name).__name__}")


def _check_tolerance(value, arg, func):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: argument '{arg}' must be a number, got "
                        f"{type(value).__name__}")
    if not (value >= 0 and np.isfinite(value)):
        raise ValueError(f"{func}: argument '{arg}' must be a finite number >= 0, got {value}")


def _common_trouble(actual, name, hint):
    """The mistakes that need no expected value: None, a function, text."""
    __tracebackhide__ = True
    if actual is None:
        _fail([f"{_subject(name)} is None, so there was nothing to check.",
               "Did you forget `return`? A function without a return statement gives None; "
               "printing a value is not the same as returning it.",
               "(If the cell still says `raise NotImplementedError()`, replace that line with "
               "your code.)"], hint, "none")
    if callable(actual) and not isinstance(actual, np.ndarray):
        what = getattr(actual, "__name__", type(actual).__name__)
        _fail([f"{_subject(name)} is the function `{what}` itself, not its result.",
               f"Did you forget to call it? Write `{what}(...)` with its arguments, "
               f"not `{what}`."], hint, "callable")


def _axis_word(length):
    return f"axis of length {length}"


def _shape_diagnosis(actual_shape, expected_shape, name):
    """Plain words for the difference between two shapes."""
    a, e = tuple(actual_shape), tuple(expected_shape)
    if len(a) >= 2 and a == e[::-1]:
        return ("It looks transposed: rows and columns are swapped (try `.T`, or check which "
                "axis you put first).")
    if len(a) == len(e) + 1:
        if e == ():
            n = int(np.prod(a))
            return (f"You returned {n} values where a single number was expected: did you "
                    f"forget to combine them (for example with `np.mean`)?")
        for k in range(len(a)):
            if a[:k] + a[k + 1:] == e:
                if a[k] == 1:
                    return (f"It has an extra axis of length 1 (axis {k}): remove it with "
                            f"`.ravel()` or `np.squeeze`, or drop `keepdims=True`.")
                return (f"It has an extra {_axis_word(a[k])} (axis {k}): you returned "
                        f"{a[k]} values for each entry that should hold one. Did you forget "
                        f"to sum or average over axis {k}?")
    if len(a) + 1 == len(e):
        if a == ():
            n = int(np.prod(e))
            return (f"You returned a single number where {n} values were expected, one per "
                    f"entry: did you sum or average when you should keep each value?")
        for k in range(len(e)):
            if e[:k] + e[k + 1:] == a:
                if e[k] == 1:
                    return (f"It lacks an axis of length 1 at position {k}: add it with "
                            f"`np.expand_dims(..., {k})` or `keepdims=True`.")
                return (f"It is missing axis {k} ({_axis_word(e[k])}): you returned one value "
                        f"where {e[k]} were expected. Did you sum or average over axis {k} "
                        f"(check the `axis=` argument)?")
    if len(a) == len(e):
        wrong = [k for k in range(len(a)) if a[k] != e[k]]
        if len(wrong) == 1:
            k = wrong[0]
            return (f"Axis {k} has length {a[k]} instead of {e[k]}: check how you built or "
                    f"sliced that axis.")
    return None


def _as_sizes(sizes, func):
    """``sizes`` as a dict name -> positive int (sizes the caller passed into the exercise)."""
    if sizes is None:
        return {}
    if isinstance(sizes, dict):
        items = sizes.items()
    else:
        raise TypeError(f"{func}: argument 'sizes' must be None or a dict such as "
                        f"{{'N': 10}}, got {type(sizes).__name__}")
    out = {}
    for key, val in items:
        if isinstance(val, bool) or not isinstance(val, numbers.Integral) or val < 1:
            raise ValueError(f"{func}: argument 'sizes' must map names to positive integers, "
                             f"got {key!r}: {val!r}")
        out[str(key)] = int(val)
    return out


def _nice_factor(c):
    """A short text for c if it is a simple factor (an integer or 1/integer), else None."""
    for n in range(2, 1001):
        if np.isclose(c, n, rtol=1e-9, atol=0):
            return str(n)
        if np.isclose(c, 1.0 / n, rtol=1e-9, atol=0):
            return f"1/{n}"
    return None


def _value_diagnosis(a, e, rtol, atol, sizes):
    """(key, text) explaining how two same-shape arrays differ, or (None, None)."""
    close = lambda x, y: np.allclose(x, y, rtol=rtol, atol=atol)  # noqa: E731
    # The best factor c = <a, e> / <e, e>, computed on scaled copies so that it cannot overflow.
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    e_unit = e / scale if scale > 0 else e
    e_norm = float(np.sum(e_unit * e_unit))
    # A constant factor. A single wrong number is always "some factor" away from the right
    # one, so for single numbers only the factors that mean something (-1, a size) are said.
    if e_norm > 0 and np.any(a != 0):
        c = float(np.sum((a / scale) * e_unit) / e_norm)
        if c != 0 and np.isfinite(c) and close(a, c * e):
            if np.isclose(c, -1.0, rtol=1e-9):
                return "sign", ("The sign is flipped: your answer is exactly -1 times the "
                                "expected one. Check the order of a subtraction or a missing "
                                "minus sign.")
            for label, n in sizes.items():
                if n > 1 and np.isclose(c, n, rtol=1e-9):
                    return "factor", (f"Your answer is {label} = {n} times too large: did you "
                                      f"sum instead of averaging?")
                if n > 1 and np.isclose(c, 1.0 / n, rtol=1e-9):
                    return "factor", (f"Your answer is {label} = {n} times too small: did you "
                                      f"average where a sum was wanted, or divide by "
                                      f"{label} twice?")
            if e.size > 1:
                nice = _nice_factor(abs(c))
                sign = "-" if c < 0 else ""
                factor = sign + (nice if nice is not None else f"{abs(c):.6g}")
                text = f"Your answer is off by a constant factor of {factor}"
                if nice is not None and "/" not in nice:
                    text += (f" (if {nice} is the number of values you combined, you summed "
                             f"instead of averaging)")
                return "factor", text + "."
    if e.size > 1:
        is_binary = np.all((e == 0) | (e == 1)) and np.all((a == 0) | (a == 1))
        if is_binary and np.all(a == 1 - e):
            return "flipped", ("Every 0 and 1 is swapped: your rule is reversed (a `>` that "
                               "should be `<`, or the two classes exchanged).")
        d = float(np.mean(a - e))
        if d != 0 and close(a, e + d):
            return "offset", (f"Every value is off by the same constant {d:.6g}: something "
                              f"is added or left out everywhere.")
        if not is_binary and close(np.sort(a, axis=None), np.sort(e, axis=None)):
            return "order", ("The values are right but in the wrong order: check how you "
                             "sorted, indexed or shuffled.")
    return None, None


# ---------------------------------------------------------------------------------------------
# the checks
# ---------------------------------------------------------------------------------------------

def check_close(actual, expected, name="your answer", *, rtol=1e-6, atol=1e-8, hint=None,
                mistakes=None, reveal=True, sizes=None):
    """Check that ``actual`` equals ``expected`` within tolerance, explaining any difference.

    Passes when ``|actual - expected| <= atol + rtol * |expected|`` elementwise (NumPy's
    ``allclose``) and the shapes agree. Inputs may be numbers, lists, NumPy arrays or pandas
    objects.

    Parameters
    ----------
    name : what is checked, as the student should read it (``"mae([1, 2], [1, 4])"``).
    hint : a string added to every failure, or a dict from diagnosis to text (keys
        ``'none', 'callable', 'type', 'nan', 'shape', 'mistake', 'sign', 'factor', 'offset',
        'flipped', 'order', 'values', 'default'``), e.g. ``{'offset': 'Did you forget the
        bias b?'}`` so the hint appears only when that diagnosis fires.
    mistakes : list of ``(wrong_expected, message)``: when ``actual`` matches a known wrong
        answer, its message is said by name.
    reveal : False for hidden checks: the expected value (and the answer itself, computed on
        inputs the student cannot see) is never printed.
    sizes : dict of sizes passed into the exercise, e.g. ``{'N': len(x)}``, so that an answer
        N times too large reads "did you sum instead of averaging?".

    Raises
    ------
    CheckFailed
        with the whole feedback as its message.
    """
    __tracebackhide__ = True
    func = "check_close"
    _check_name(name, func)
    _check_tolerance(rtol, "rtol", func)
    _check_tolerance(atol, "atol", func)
    _check_hint(hint, func)
    sizes = _as_sizes(sizes, func)
    e = _to_array(expected)
    if e is None:
        # the check cell's own mistake: say so, so that no student hunts for a bug of theirs
        raise TypeError(f"{func}: argument 'expected' must be numbers (a number, list, array "
                        f"or pandas object), got {_type_name(expected)}. This is a fault in "
                        f"the check cell, not in your answer: tell your instructor")
    known = []
    if mistakes is not None:
        if not isinstance(mistakes, (list, tuple)):
            raise TypeError(f"{func}: argument 'mistakes' must be a list of (wrong_value, "
                            f"message) pairs, got {type(mistakes).__name__}")
        for item in mistakes:
            if (not isinstance(item, (list, tuple)) or len(item) != 2
                    or not isinstance(item[1], str) or _to_array(item[0]) is None):
                raise ValueError(f"{func}: argument 'mistakes' must hold (wrong_value, "
                                 f"message) pairs with a numeric value and a string message, "
                                 f"got {item!r}")
            known.append((_to_array(item[0]), item[1]))

    _common_trouble(actual, name, hint)
    a = _to_array(actual)
    if a is None:
        _fail([f"{_subject(name)} should be numbers ({_fmt_shape(e.shape)}), but it is a "
               f"{_type_name(actual)}: {str(actual)[:60]!r}.",
               "Return the number itself, not text describing it."], hint, "type")

    def show_expected():
        return [f"  expected: {_fmt(e)}"] if reveal else []

    def show_got():
        return [f"  got:      {_fmt(a)}"] if reveal else []

    # NaN where a number was expected.
    af = a.astype(np.float64) if a.dtype == np.bool_ else a
    if np.issubdtype(af.dtype, np.number):
        bad = ~np.isfinite(af)
        if e.shape == a.shape:
            bad &= np.isfinite(e.astype(np.float64))
        if bad.any():
            n_nan = int(np.isnan(af).sum())
            _fail([f"{_subject(name)} contains {'NaN' if n_nan else 'infinity'} "
                   f"({int(bad.sum())} of {a.size} value(s) are not finite numbers)."]
                  + show_got()
                  + ["NaN usually comes from 0/0, the log of 0 or a negative number, or the "
                     "mean of an empty array; infinity from dividing by 0 or exp of a large "
                     "number. Find the operation that produces it."], hint, "nan")

    if a.shape != e.shape:
        lines = [f"{_subject(name)} has the wrong shape."]
        lines.append(f"  expected {_fmt_shape(e.shape)}" if reveal
                     else "  the shape differs from what was expected")
        lines.append(f"  got      {_fmt_shape(a.shape)}")
        why = _shape_diagnosis(a.shape, e.shape, name)
        if why:
            lines.append(why)
        _fail(lines, hint, "shape")

    af = a.astype(np.float64)
    ef = e.astype(np.float64)
    if np.allclose(af, ef, rtol=rtol, atol=atol, equal_nan=True):
        return None

    for wrong, message in known:
        if wrong.shape == a.shape and np.allclose(af, wrong.astype(np.float64), rtol=rtol,
                                                  atol=atol, equal_nan=True):
            _fail([f"{_subject(name)} is not right."] + show_expected() + show_got()
                  + [message], hint, "mistake")

    # Huge answers may overflow while the diagnosis squares them; that must not warn.
    with np.errstate(all="ignore"):
        key, why = _value_diagnosis(af, ef, rtol, atol, sizes)
    lines = [f"{_subject(name)} is not right."] + show_expected() + show_got()
    if why:
        lines.append(why)
    elif a.size > 1:
        off = ~np.isclose(af, ef, rtol=rtol, atol=atol, equal_nan=True)
        first = tuple(int(i) for i in np.argwhere(off)[0])
        where = first[0] if len(first) == 1 else first
        text = f"{int(off.sum())} of {a.size} values differ; the first is at index {where}"
        if reveal:
            text += f" (expected {_fmt_number(ef[first])}, got {_fmt_number(af[first])})"
        lines.append(text + ".")
        key = "values"
    else:
        key = "values"
    if not reveal and not why:
        lines.append("(This is a hidden check: it tries inputs other than the visible "
                     "examples, so test your code on a few cases of your own.)")
    _fail(lines, hint, key)


def check_shape(actual, expected_shape, name="your answer", *, reveal=True):
    """Check that ``actual`` (an array, list or pandas object) has ``expected_shape``.

    ``expected_shape`` is a tuple; an entry ``None`` accepts any length on that axis.
    """
    __tracebackhide__ = True
    func = "check_shape"
    _check_name(name, func)
    if isinstance(expected_shape, numbers.Integral) and not isinstance(expected_shape, bool):
        expected_shape = (int(expected_shape),)
    if (not isinstance(expected_shape, (tuple, list))
            or not all(d is None or (isinstance(d, numbers.Integral)
                                     and not isinstance(d, bool) and d >= 0)
                       for d in expected_shape)):
        raise TypeError(f"{func}: argument 'expected_shape' must be a tuple of non-negative "
                        f"ints (or None for any length), got {expected_shape!r}")
    expected_shape = tuple(expected_shape)
    _common_trouble(actual, name, None)
    shape = getattr(actual, "shape", None)
    if shape is None:
        arr = _to_array(actual)
        if arr is None:
            _fail([f"{_subject(name)} should be an array of {_fmt_shape(expected_shape)}, "
                   f"but it is a {_type_name(actual)}, which has no shape."])
        shape = arr.shape
    shape = tuple(shape)
    if len(shape) == len(expected_shape) and all(
            w is None or w == s for s, w in zip(shape, expected_shape)):
        return None
    # Wildcards take the actual length, so the diagnosis looks only at the axes that matter.
    concrete = tuple((shape[k] if k < len(shape) else 0) if w is None else w
                     for k, w in enumerate(expected_shape))
    shown = tuple("any" if w is None else w for w in expected_shape)
    lines = [f"{_subject(name)} has the wrong shape."]
    lines.append(f"  expected shape {shown}".replace("'any'", "any") if reveal
                 else "  the shape differs from what was expected")
    lines.append(f"  got      {_fmt_shape(shape)}")
    why = _shape_diagnosis(shape, concrete, name)
    if why:
        lines.append(why)
    _fail(lines)


_TYPE_WORDS = {float: "a float (a number such as 2.5)", int: "an int (a whole number)",
               bool: "a bool (True or False)", str: "a string", list: "a list",
               tuple: "a tuple", dict: "a dict", np.ndarray: "a NumPy array"}


def _type_words(kind):
    if isinstance(kind, tuple):
        return " or ".join(_type_words(k) for k in kind)
    return _TYPE_WORDS.get(kind, f"a {kind.__module__.split('.')[0]}.{kind.__name__}"
                           if kind.__module__ != "builtins" else f"a {kind.__name__}")


def check_type(actual, expected_type, name="your answer"):
    """Check ``isinstance(actual, expected_type)`` (a type or a tuple of types)."""
    __tracebackhide__ = True
    func = "check_type"
    _check_name(name, func)
    types = expected_type if isinstance(expected_type, tuple) else (expected_type,)
    if not types or not all(isinstance(t, type) for t in types):
        raise TypeError(f"{func}: argument 'expected_type' must be a type or a tuple of "
                        f"types, got {expected_type!r}")
    if isinstance(actual, expected_type):
        return None
    _common_trouble(actual, name, None)
    lines = [f"{_subject(name)} should be {_type_words(expected_type)}, but it is a "
             f"{_type_name(actual)}."]
    wants_number = any(t in (float, int) for t in types)
    if wants_number and isinstance(actual, np.ndarray):
        lines.append(f"It is an array of shape {actual.shape}. If it holds the one number you "
                     f"meant, convert it with `float(...)`; otherwise combine its values "
                     f"first (for example with `np.mean`).")
    elif wants_number and isinstance(actual, str):
        lines.append("Return the number itself, not text describing it.")
    elif float in types and isinstance(actual, numbers.Real):
        lines.append("Convert it with `float(...)`.")
    _fail(lines)


def check_true(condition, message):
    """Pass when ``condition`` is true (for an array: every entry), else fail with ``message``."""
    __tracebackhide__ = True
    if not isinstance(message, str):
        raise TypeError(f"check_true: argument 'message' must be a string, got "
                        f"{type(message).__name__}")
    if isinstance(condition, np.ndarray):
        ok = bool(condition.size) and bool(np.all(condition))
    else:
        ok = bool(condition)
    if not ok:
        _fail([message])


def check_probabilities(actual, axis=-1, name="your answer", *, atol=1e-6):
    """Check that ``actual`` holds probabilities: finite, in [0, 1], summing to 1 on ``axis``.

    For a distribution over classes, ``actual`` has the classes on ``axis`` (Keras puts them
    last: ``(N, K)``); a 1-D array is one distribution.
    """
    __tracebackhide__ = True
    func = "check_probabilities"
    _check_name(name, func)
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{func}: argument 'axis' must be an integer, got "
                        f"{type(axis).__name__}")
    _check_tolerance(atol, "atol", func)
    _common_trouble(actual, name, None)
    p = _to_array(actual)
    if p is None:
        _fail([f"{_subject(name)} should be an array of probabilities, but it is a "
               f"{_type_name(actual)}."])
    if p.ndim == 0:
        _fail([f"{_subject(name)} is a single number; probabilities over classes need an "
               f"array with the classes along axis {axis}."])
    if not -p.ndim <= axis < p.ndim:
        raise ValueError(f"{func}: argument 'axis' is {axis} but {name} has only {p.ndim} "
                         f"dimension(s) (shape {p.shape})")
    p = p.astype(np.float64)
    if not np.all(np.isfinite(p)):
        _fail([f"{_subject(name)} contains NaN or infinity, which is no probability.",
               "With softmax this is usually exp of a large number: subtract the maximum "
               "along the class axis before taking exp."])
    if p.min() < -atol or p.max() > 1 + atol:
        lines = [f"{_subject(name)} should hold probabilities between 0 and 1, but its "
                 f"values run from {p.min():.6g} to {p.max():.6g}."]
        if p.min() < 0:
            lines.append("Probabilities cannot be negative: did you forget to apply exp (or "
                         "the sigmoid/softmax) to raw scores?")
        _fail(lines)
    sums = p.sum(axis=axis)
    if np.allclose(sums, 1.0, rtol=0, atol=atol):
        return None
    lines = [f"{_subject(name)} does not sum to 1 along axis {axis}: the sums run "
             f"from {sums.min():.6g} to {sums.max():.6g}."]
    other = [k for k in range(p.ndim) if k != axis % p.ndim
             and np.allclose(p.sum(axis=k), 1.0, rtol=0, atol=atol)]
    if other:
        lines.append(f"It sums to 1 along axis {other[0]} instead: softmax over the wrong "
                     f"axis? Use axis={axis} (the class axis).")
    elif np.allclose(sums, sums.flat[0], rtol=1e-9, atol=0):
        lines.append(f"Every group sums to {sums.flat[0]:.6g}: did you forget to divide by "
                     f"the sum (normalise)?")
    else:
        lines.append("Divide each value by the sum along the class axis (normalise).")
    _fail(lines)


def passed(exercise):
    """Print the one line that ends a check cell whose visible checks passed."""
    if not isinstance(exercise, str) or not exercise:
        raise TypeError(f"passed: argument 'exercise' must be the exercise name (a non-empty "
                        f"string), got {exercise!r}")
    print(f"✔ {exercise}: the visible checks passed. When your notebook is graded, hidden "
          f"tests will try more cases.")
