"""The course's nbgrader settings, in one function shared by ``nbgrader_config.py`` and tests."""
from __future__ import annotations

import os

#: Seconds one cell may run during autograding before it is interrupted and fails (only that
#: cell: the rest of the notebook still runs and scores). A chapter runs in well under a
#: minute, so a single cell needing more than this is a runaway.
DEFAULT_TIMEOUT = 60

#: Environment variable holding an SQLAlchemy URL for a shared gradebook
#: (e.g. ``postgresql://grader@db/course``); SQLite ``gradebook.db`` in the course root if unset.
DB_URL_ENV = "COURSE_GRADEBOOK_URL"


def configure(c, *, timeout: int | None = None, db_url: str | None = None) -> None:
    """Fill the traitlets config ``c`` with the course's nbgrader settings.

    ``timeout`` overrides :data:`DEFAULT_TIMEOUT` (tests use a short one); ``db_url`` overrides
    the gradebook (else ``$COURSE_GRADEBOOK_URL``, else nbgrader's default
    ``sqlite:///<root>/gradebook.db``). The course root is the directory nbgrader runs in.
    """
    # Imported here so that reading the settings does not need nbgrader importable first.
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                        GetGrades, LimitOutput, OverwriteCells,
                                        OverwriteKernelspec, SaveAutoGrades)

    from .feedback import FeedbackExporter
    from .hintcost import CourseHints
    from .preprocessors import CleanFeedback, Execute, RestoreTestCells, StripHarmlessWarnings

    c.CourseDirectory.course_id = "ml_course"
    # nbgrader's source is the solutions, its release the student notebooks
    c.CourseDirectory.source_directory = "solutions"
    c.CourseDirectory.release_directory = "notebooks"
    c.CourseDirectory.submitted_directory = "submitted"
    c.CourseDirectory.autograded_directory = "autograded"
    c.CourseDirectory.feedback_directory = "feedback"
    # checkpoints and caches must never reach students or the gradebook
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

    url = db_url or os.environ.get(DB_URL_ENV)
    if url:
        c.CourseDirectory.db_url = url

    # Execution: every cell gets `timeout` seconds; on a timeout nbgrader interrupts the kernel
    # and our Execute restarts it if the interrupt is ignored, so the rest still scores.
    c.Execute.timeout = DEFAULT_TIMEOUT if timeout is None else int(timeout)
    c.Execute.interrupt_on_timeout = True
    c.Execute.kernel_name = "python3"
    # Each submission: student kernel in bubblewrap, checks in a separate kernel (execute.py);
    # without bubblewrap grading refuses unless `course autograde --unsandboxed`.
    c.Execute.submission_budget = 900

    # Autograde = sanitize (restore what students must not change) then execute and score.
    c.Autograde.sanitize_preprocessors = [
        ClearOutput,
        RestoreTestCells,       # replaces DeduplicateIds: original tests, once each, in place
        OverwriteKernelspec,
        OverwriteCells,         # locked cells, points and checksums from the gradebook
        CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        Execute,
        StripHarmlessWarnings,  # replaces IgnorePattern: warnings must not zero a test cell
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        CourseHints,            # hints cost c.CourseHints.points_per_hint each (default 0)
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    # Feedback: scores from the gradebook, then hide every test cell's code and traceback.
    c.GenerateFeedback.preprocessors = [GetGrades, CleanFeedback, CSSHTMLHeaderPreprocessor]
    c.GenerateFeedback.exporter_class = FeedbackExporter  # HTMLExporter's page, sooner
    # nbconvert validates the whole notebook after each preprocessor by default (8 passes for
    # autograde's list): once, after the last, is the same check for a tenth of its time
    c.Exporter.optimistic_validation = True
    # nbgrader's own code, made faster where it repeated work (same results; see the module)
    from .nbgrader_patches import apply

    apply()

