"""Similarity check: pairs of submissions whose answer cells are suspiciously alike.

Method (token fingerprints, as MOSS does: Schleimer, Wilkerson and Aiken, "Winnowing: local
algorithms for document fingerprinting", SIGMOD 2003, with its "base code" exclusion):

1. Each answer cell (``nbgrader.solution`` cells, by ``grade_id``) of each submission in
   ``submitted/<student>/<chapter>/<chapter>.ipynb`` is tokenised with Python's own
   :mod:`tokenize` (maintained with the language, so it reads exactly the Python students write;
   no new dependency). Comments and blank lines are dropped; every number becomes ``0``, every
   string ``"S"``, every name ``N`` except Python keywords, builtins, names after a ``.``
   (``np.random.permutation``: the library's names cannot be renamed) and the modules the
   chapter imports. Renaming variables, reformatting, commenting or changing constants thus
   changes nothing.
2. A cell's fingerprints are its normalised token ``k``-grams (``k`` = 6), tagged with the
   exercise. Removed from every submission: the fingerprints of the starter code (the cell in
   ``notebooks/``), of the solution (``solutions/``), and those found in more than
   ``common`` (default half) of the submissions. What remains is what the student wrote that is
   neither given nor the usual answer.
3. The score of a pair is the Jaccard index of their remaining fingerprints,
   ``|A ∩ B| / |A ∪ B|`` (1 = same distinctive code, 0 = nothing distinctive in common), and a
   pair is flagged when the score is at least ``threshold`` (default 0.75) AND they share at
   least ``min_shared`` fingerprints (default 20), so that a short answer common to many never
   flags a pair.

A maintained library was considered: ``copydetect`` (PyPI) implements the same winnowing over
files with Pygments tokens; a notebook's answer cells are a handful of short snippets, where all
``k``-grams can be kept (no winnowing needed) and :mod:`tokenize` suffices, so this module is
about 100 lines and adds no dependency.
"""
from __future__ import annotations

import builtins
import html
import io
import itertools
import keyword
import tokenize
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import course

K = 6
_KEEP = set(keyword.kwlist) | set(dir(builtins)) | {"np", "numpy", "math", "plt", "self"}
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


def normalise(source: str) -> list[str]:
    """The normalised tokens of ``source`` (see the module docstring, step 1).

    Source that does not tokenise (a syntax error) is compared as its whitespace-split words.
    """
    if not isinstance(source, str):
        raise TypeError(f"normalise: argument 'source' must be a str, got "
                        f"{type(source).__name__}")
    out: list[str] = []
    previous = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in _SKIP:
                continue
            if token.type == tokenize.NAME:
                text = token.string if token.string in _KEEP or previous == "." else "N"
            elif token.type == tokenize.NUMBER:
                text = "0"
            elif token.type == tokenize.STRING:
                text = '"S"'
            elif token.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE):
                text = tokenize.tok_name[token.type]
            else:
                text = token.string
            out.append(text)
            previous = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source.split()
    return out


def fingerprints(source: str, tag: str = "", k: int = K) -> set[tuple]:
    """The set of ``(tag, k-gram)`` of the normalised tokens of ``source``."""
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"fingerprints: argument 'k' must be a positive int, got {k!r}")
    tokens = normalise(source)
    return {(tag, tuple(tokens[i:i + k])) for i in range(max(0, len(tokens) - k + 1))}


@dataclass
class Pair:
    first: str
    second: str
    score: float          #: Jaccard index of the distinctive fingerprints
    shared: int           #: number of distinctive fingerprints in common
    exercises: list[str]  #: exercises (answer grade_ids) where they share some

    @property
    def flagged(self) -> bool:
        return self._flagged

    _flagged: bool = False

THRESHOLD = 0.75


def _answers(nb) -> dict[str, str]:
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if cell.get("cell_type") == "code" and meta.get("solution") and meta.get("grade_id"):
            cells[meta["grade_id"]] = cell.get("source", "")
    return cells


def load_answers(root: str | Path, chapter: str) -> tuple[dict[str, str], dict[str, str],
                                                          dict[str, dict[str, str]]]:
    """``(starter, solution, {student: answers})``, each ``{answer grade_id: source}``."""
    import nbformat

    root = Path(root).resolve()
    chapter = course._chapter(root, chapter)
    solution = _answers(nbformat.read(root / "solutions" / chapter / f"{chapter}.ipynb", 4))
    released = root / "notebooks" / chapter / f"{chapter}.ipynb"
    if not released.is_file():
        raise course.CourseError(f"{released} is missing: run `course release {chapter}`")
    starter = _answers(nbformat.read(released, 4))
    students = {}
    for student in course.submitted_students(root, chapter):
        path = root / "submitted" / student / chapter / f"{chapter}.ipynb"
        students[student] = _answers(nbformat.read(path, 4))
    if len(students) < 2:
        raise course.CourseError(f"fewer than two submissions of {chapter} in "
                                 f"{root / 'submitted'}: nothing to compare")
    return starter, solution, students


def compare(starter: dict[str, str], solution: dict[str, str],
            students: dict[str, dict[str, str]], threshold: float = 0.75,
            min_shared: int = 20, common: float = 0.5) -> list[Pair]:
    """Every pair of students, most similar first (see the module docstring for the score)."""
    for name, value in (("threshold", threshold), ("common", common)):
        if not 0 <= value <= 1:
            raise ValueError(f"compare: argument '{name}' must be between 0 and 1, got {value}")
    base = set()
    for answers in (starter, solution):
        for exercise, source in answers.items():
            base |= fingerprints(source, exercise)
    prints = {student: set().union(*(fingerprints(src, ex) for ex, src in answers.items()))
              - base for student, answers in students.items()}
    counts = Counter(fp for fps in prints.values() for fp in fps)
    too_common = {fp for fp, n in counts.items() if n > common * len(prints)}
    prints = {s: fps - too_common for s, fps in prints.items()}
    pairs = []
    for a, b in itertools.combinations(sorted(prints), 2):
        union = prints[a] | prints[b]
        both = prints[a] & prints[b]
        score = len(both) / len(union) if union else 0.0
        pair = Pair(a, b, score, len(both), sorted({ex for ex, _ in both}))
        pair._flagged = score >= threshold and len(both) >= min_shared
        pairs.append(pair)
    return sorted(pairs, key=lambda p: (-p.score, -p.shared, p.first, p.second))


def format_pairs(chapter: str, pairs: list[Pair], threshold: float, top: int = 5) -> str:
    flagged = [p for p in pairs if p.flagged]
    out = io.StringIO()
    out.write(f"{chapter}: {len(flagged)} suspicious pair(s) (score >= {threshold:g}) "
              f"among {len(pairs)} pairs\n")
    for p in flagged:
        out.write(f"  FLAG  {p.score:.2f}  {p.first} ~ {p.second}  ({p.shared} shared "
                  f"fingerprints in {', '.join(p.exercises)})\n")
    rest = [p for p in pairs if not p.flagged][:top]
    if rest:
        out.write("most similar pairs below the threshold:\n")
        for p in rest:
            out.write(f"        {p.score:.2f}  {p.first} ~ {p.second}  ({p.shared} shared)\n")
    return out.getvalue()


def pairs_html(chapter: str, pairs: list[Pair], students: dict[str, dict[str, str]],
               threshold: float) -> str:
    """A self-contained page: each flagged pair's answer cells side by side."""
    esc = html.escape
    parts = [f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(chapter)}: similar submissions</title>
<style>body {{ font-family: sans-serif; margin: 2rem; }} table {{ border-collapse: collapse;
width: 100%; }} td, th {{ border: 1px solid #ccc; vertical-align: top; padding: .3rem; }}
pre {{ margin: 0; white-space: pre-wrap; }} td.shared {{ background: #fff3d6; }}</style>
</head><body><h1>{esc(chapter)}: suspiciously similar submissions</h1>
<p>Score: Jaccard index of the normalised code fingerprints that are neither starter code, nor
the solution, nor common to half the class. Flagged from {threshold:g}.</p>"""]
    flagged = [p for p in pairs if p.flagged]
    if not flagged:
        parts.append("<p>No pair above the threshold.</p>")
    for p in flagged:
        rows = []
        for exercise in sorted(set(students[p.first]) | set(students[p.second])):
            cls = ' class="shared"' if exercise in p.exercises else ""
            rows.append(f"<tr><th>{esc(exercise)}</th>"
                        f"<td{cls}><pre>{esc(students[p.first].get(exercise, ''))}</pre></td>"
                        f"<td{cls}><pre>{esc(students[p.second].get(exercise, ''))}</pre></td>"
                        f"</tr>")
        parts.append(f'<section class="pair"><h2>{esc(p.first)} ~ {esc(p.second)}: '
                     f'{p.score:.2f}</h2><table><tr><th>exercise</th><th>{esc(p.first)}</th>'
                     f'<th>{esc(p.second)}</th></tr>{"".join(rows)}</table></section>')
    parts.append("</body></html>\n")
    return "\n".join(parts)
