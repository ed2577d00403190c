"""Grade sheets in the layouts that learning-management systems import (``course export
--format canvas|moodle``). The plain grade sheet (``--format csv``, the default) is nbgrader's
own ``CsvExportPlugin``; see :func:`course_lib.grading.course.export_grades`.

One row per student in the gradebook, one column per chapter (assignment); a student's value is
the chapter's final score, ``score - late penalty`` in points, with the chapter's points as its
maximum; empty where the student has no submission (both systems then leave the grade alone).

Canvas (Gradebook > Import, "How do I import grades in the Gradebook?", Instructure's Canvas
Instructor Guide; the layout is that of Canvas' own Gradebook export)::

    Student,ID,SIS User ID,SIS Login ID,Section,06_gradient_descent
    Points Possible,,,,,8
    "Lovelace, Ada",,ada,,,6

The first five columns identify the student (Canvas needs one of ``Student`` name, ``ID``
or ``SIS User ID``; the nbgrader student id goes to ``SIS User ID``, the name, when the gradebook
has one, to ``Student`` as "Last, First"); every further column is an assignment, created when
Canvas does not know it yet, and the ``Points Possible`` row under the header gives its maximum.

Moodle (Grades > Import > CSV file, https://docs.moodle.org/en/Grade_import: the first row
names the columns, one row per user, and on import one column is mapped to a user field,
"ID number" -> ``useridnumber`` or "Email address" -> ``useremail``, and each other column to a
grade item or a new one)::

    ID number,First name,Last name,Email address,06_gradient_descent (max 8)

Moodle's CSV carries no maximum: the grade item's maximum grade is set in Moodle, so the column
name states it (``(max 8)``) for the instructor to set the new grade item to it.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

FORMATS = ("csv", "canvas", "moodle")


@dataclass
class Row:
    student: str
    first_name: str
    last_name: str
    email: str
    scores: dict[str, float | None]  #: chapter -> final score, None when not submitted


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def gradebook_rows(gb, only: Iterable[str] | None = None) -> tuple[dict[str, float], list[Row]]:
    """``({chapter: max points}, rows)`` from an open nbgrader ``Gradebook``."""
    wanted = list(only or [])
    assignments = sorted(gb.assignments, key=lambda a: a.name)
    if wanted:
        known = {a.name for a in assignments}
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise ValueError(f"argument 'only': no chapter {', '.join(map(repr, unknown))} in "
                             f"the gradebook (it has {', '.join(sorted(known)) or 'none'})")
        assignments = [a for a in assignments if a.name in wanted]
    maxima = {a.name: float(a.max_score) for a in assignments}
    rows = []
    for student in sorted(gb.students, key=lambda s: s.id):
        scores: dict[str, float | None] = {}
        for assignment in assignments:
            try:
                submission = gb.find_submission(assignment.name, student.id)
            except Exception:  # nbgrader raises MissingEntry
                scores[assignment.name] = None
                continue
            penalty = float(submission.late_submission_penalty or 0.0)
            scores[assignment.name] = max(0.0, float(submission.score or 0.0) - penalty)
        rows.append(Row(student.id, student.first_name or "", student.last_name or "",
                        student.email or "", scores))
    return maxima, rows


def write_canvas(to: str | Path, maxima: dict[str, float], rows: list[Row]) -> Path:
    """Write the Canvas Gradebook import CSV (layout in the module docstring)."""
    to = Path(to)
    with to.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *maxima])
        out.writerow(["Points Possible", "", "", "", "", *(_number(m) for m in maxima.values())])
        for row in rows:
            name = (f"{row.last_name}, {row.first_name}" if row.last_name and row.first_name
                    else row.last_name or row.first_name or row.student)
            out.writerow([name, "", row.student, "", "",
                          *(_number(row.scores[c]) for c in maxima)])
    return to


def write_moodle(to: str | Path, maxima: dict[str, float], rows: list[Row]) -> Path:
    """Write the Moodle grade import CSV (layout in the module docstring)."""
    to = Path(to)
    with to.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["ID number", "First name", "Last name", "Email address",
                      *(f"{c} (max {m:g})" for c, m in maxima.items())])
        for row in rows:
            out.writerow([row.student, row.first_name, row.last_name, row.email,
                          *(_number(row.scores[c]) for c in maxima)])
    return to


def export(db_url: str, to: str | Path, fmt: str, only: Iterable[str] | None = None) -> Path:
    """Write the gradebook at ``db_url`` to ``to`` in format ``fmt`` (``canvas`` or ``moodle``)."""
    from nbgrader.api import Gradebook

    writers = {"canvas": write_canvas, "moodle": write_moodle}
    if fmt not in writers:
        raise ValueError(f"argument 'fmt' must be one of {', '.join(writers)}, got {fmt!r}")
    with Gradebook(db_url) as gb:
        maxima, rows = gradebook_rows(gb, only)
    return writers[fmt](to, maxima, rows)
