"""Hints on request: ``hint("sgd_step")`` shows the next step of an exercise's hints.

Each exercise of a chapter registers its hints in a read-only cell just above its answer cell
(written by the instructor in the solution notebook, copied into the student notebook by
``course release``, never containing the solution)::

    register_hints("sgd_step",
                   hints=["A nudge: what does one step do to each weight?",
                          "The key idea: move against the gradient, scaled by the rate."],
                   explanation="A worked explanation of the approach, in words, not code.")

A student who is stuck runs ``hint("sgd_step")`` in a cell: the first call shows hint 1, the
next call hint 2, and after the last hint a call shows the worked explanation. After
``after_failures`` failed checks of the exercise in this session (counted by
:class:`course_lib.checks.CheckFailed` when its box is drawn) the next call shows the
explanation at once, and the failure box says so.

What a student saw is recorded in the notebook: each hint is a display output whose metadata
``course_hint = {"exercise": name, "step": k, "hints": n, "kind": "hint" | "explanation"}``
names the exercise and the step (``k`` counts the texts shown, the explanation being step
``n + 1``). The output is saved with the notebook, so it reaches the grader with the submission;
``course report`` counts, per exercise, the largest step found in the submitted notebooks.
The counters live in the kernel: a restarted kernel starts again from hint 1.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

__all__ = ["hint", "register_hints", "failure_advice", "HINT_METADATA_KEY"]

#: Key of the display metadata that records a hint shown (read by ``course report``).
HINT_METADATA_KEY = "course_hint"

#: Failed checks of one exercise after which ``hint`` shows the worked explanation at once.
DEFAULT_AFTER_FAILURES = 3


@dataclass
class _Exercise:
    hints: tuple[str, ...]
    explanation: str
    after_failures: int
    shown: int = 0      # texts shown so far (hints, then the explanation)
    failures: int = 0   # failed checks counted this session


_REGISTRY: dict[str, _Exercise] = {}


def _text(value, arg: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"register_hints: argument '{arg}' must be a non-empty string, got "
                        f"{value!r}")
    return value.strip()


def register_hints(exercise, hints, explanation, *, after_failures=DEFAULT_AFTER_FAILURES):
    """Make ``hint(exercise)`` show ``hints`` one by one, then ``explanation``.

    Parameters
    ----------
    exercise : the exercise's name, as its check cell's ``passed("...")`` spells it.
    hints : list of at least two strings (Markdown): a nudge first, then the key idea.
    explanation : a worked explanation of the approach in words (Markdown), not the code.
    after_failures : positive int; after this many failed checks of the exercise in one
        session the next ``hint`` call shows the explanation.

    Registering again (re-running the cell) replaces the texts and starts the steps again.
    Prints one line telling the student how to ask for the hints.
    """
    exercise = _text(exercise, "exercise")
    if isinstance(hints, str) or not isinstance(hints, (list, tuple)) or len(hints) < 2:
        raise TypeError(f"register_hints: argument 'hints' must be a list of at least two "
                        f"strings (a nudge, then the key idea), got {hints!r}")
    texts = tuple(_text(h, "hints") for h in hints)
    explanation = _text(explanation, "explanation")
    if (isinstance(after_failures, bool) or not isinstance(after_failures, numbers.Integral)
            or after_failures < 1):
        raise ValueError(f"register_hints: argument 'after_failures' must be a positive "
                         f"integer, got {after_failures!r}")
    _REGISTRY[exercise] = _Exercise(texts, explanation, int(after_failures))
    print(f'💡 Stuck on {exercise}? Run hint("{exercise}") in a new cell: {len(texts)} hints, '
          f'then a worked explanation of the approach.')


def _lookup(exercise) -> _Exercise:
    if not isinstance(exercise, str):
        raise TypeError(f"hint: argument 'exercise' must be the exercise's name as a string, "
                        f"for example hint(\"{next(iter(_REGISTRY), 'sgd_step')}\"), got "
                        f"{type(exercise).__name__}")
    if exercise not in _REGISTRY:
        known = ", ".join(f'"{name}"' for name in _REGISTRY) or "none yet"
        raise ValueError(f"hint: no hints for an exercise named {exercise!r}. Exercises with "
                         f"hints so far: {known}. (Run the cells above the exercise first: "
                         f"the cell just above its answer cell registers its hints.)")
    return _REGISTRY[exercise]


def hint(exercise):
    """Show the next hint of ``exercise`` (then its worked explanation) below this cell.

    Returns nothing; the text is displayed as Markdown, with metadata recording the step.
    """
    entry = _lookup(exercise)
    n = len(entry.hints)
    explain = entry.shown >= n or entry.failures >= entry.after_failures
    if explain:
        step, kind = n + 1, "explanation"
        title = f"How to approach `{exercise}`"
        body = entry.explanation
        footer = ("Now write the code yourself in the answer cell, then run its check "
                  "again.")
    else:
        step, kind = entry.shown + 1, "hint"
        title = f"Hint {step} of {n} for `{exercise}`"
        body = entry.hints[step - 1]
        footer = (f'Still stuck? Run `hint("{exercise}")` again for the next hint.' if step < n
                  else f'Still stuck? Run `hint("{exercise}")` again for a worked '
                       f'explanation of the approach.')
    entry.shown = max(entry.shown, step)
    markdown = f"**💡 {title}**\n\n{body}\n\n*{footer}*"
    plain = f"💡 {title.replace('`', '')}\n{body}\n{footer.replace('`', '')}"
    from IPython.display import display

    display({"text/markdown": markdown, "text/plain": plain}, raw=True,
            metadata={HINT_METADATA_KEY: {"exercise": exercise, "step": step, "hints": n,
                                          "kind": kind}})


def failure_advice(exercise) -> str | None:
    """Count one failed check of ``exercise``; the line the failure box ends with, or None.

    None when the exercise is unknown or has no hints registered in this session.
    """
    entry = _REGISTRY.get(exercise) if isinstance(exercise, str) else None
    if entry is None:
        return None
    entry.failures += 1
    if entry.failures >= entry.after_failures and entry.shown <= len(entry.hints):
        return (f"You have tried {entry.failures} times: run hint(\"{exercise}\") in a new "
                f"cell for a worked explanation of the approach.")
    if entry.shown > len(entry.hints):
        return f"Run hint(\"{exercise}\") to read the worked explanation again."
    return f"Stuck? Run hint(\"{exercise}\") in a new cell for a hint."
