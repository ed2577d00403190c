"""The grading pipeline: nbgrader configuration, preprocessors and the course workflow.

``nbgrader_config.py`` at the course root calls :func:`configure`, so plain ``nbgrader``
commands and the ``course`` console script (``course_lib.cli``) grade the same way.
"""
from .config import DEFAULT_TIMEOUT, configure

__all__ = ["configure", "DEFAULT_TIMEOUT"]
