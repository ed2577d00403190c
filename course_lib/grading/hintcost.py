"""Whether hints cost points: ``c.CourseHints.points_per_hint`` in ``nbgrader_config.py``.

The default is 0: asking for hints is free. With a positive value,
each exercise loses ``points_per_hint`` for every hint step its student saw (the worked
explanation counting as one more step, see :mod:`course_lib.hints`), never more than the points
the exercise scored. The steps are read from the *submitted* notebook (autograding clears the
outputs that recorded them), with :func:`course_lib.grading.report.hints_used`.

The deduction is written to the gradebook as a negative ``extra_credit`` of the exercise's test
cell (nbgrader adds ``extra_credit`` to ``auto_score`` in every total), so the automatic score
itself stays what the checks gave and the cost stays visible. Autograding again rewrites it: a
negative ``extra_credit`` is taken to be this step's and is cleared when no cost is owed any
more (say, after the setting went back to 0); a positive one, given by hand, is left alone.
Runs in ``Autograde.autograde_preprocessors`` after ``SaveAutoGrades`` (``config.py``).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, TraitError, validate


class CourseHints(NbGraderPreprocessor):
    """Deduct ``points_per_hint`` per hint step from each exercise (default 0: free)."""

    points_per_hint = Float(0.0, help=(
        "Points an exercise loses for each hint step its student saw (the worked "
        "explanation counts as one step); 0 makes hints free.")).tag(config=True)

    @validate("points_per_hint")
    def _non_negative(self, proposal):
        value = proposal["value"]
        if not value >= 0:
            raise TraitError(f"CourseHints.points_per_hint must be a number >= 0, got {value}")
        return value

    def preprocess(self, nb, resources):
        from .report import exercises, hints_used

        info = resources["nbgrader"]
        coursedir = CourseDirectory(parent=self)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, info["student"],
                                               info["assignment"])) / f"{info['notebook']}.ipynb"
        used = hints_used(nbformat.read(submitted, as_version=4)) if submitted.is_file() else {}
        with Gradebook(info["db_url"]) as gb:
            for test, answer, _ in exercises(nb):
                grade = gb.find_grade(test, info["notebook"], info["assignment"],
                                      info["student"])
                cost = min(used.get(answer, 0) * self.points_per_hint, grade.auto_score or 0.0)
                if cost:
                    grade.extra_credit = -cost
                elif (grade.extra_credit or 0.0) < 0:
                    grade.extra_credit = None  # an earlier run's cost, no longer owed
                if cost:
                    self.log.info("%s: %s steps of hints cost %g point(s)", answer,
                                  used[answer], cost)
            gb.db.commit()
        return nb, resources
