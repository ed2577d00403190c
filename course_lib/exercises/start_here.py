"""The visible checks of chapter 00_start_here, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close

__all__ = ["check_celsius_to_fahrenheit"]


def check_celsius_to_fahrenheit(celsius_to_fahrenheit):
    """0, 37 and -40 degrees as an array (the factor 5/9 or a missing 9/5 named), and 100 alone."""
    c = np.array([0.0, 37.0, -40.0])
    check_close(celsius_to_fahrenheit(c), [32.0, 98.6, -40.0],
                "celsius_to_fahrenheit(np.array([0, 37, -40]))",
                mistakes=[(5 / 9 * c + 32, "You multiplied by 5/9; from Celsius to Fahrenheit "
                                           "the factor is 9/5."),
                          (c + 32, "The factor 9/5 is missing (did you write 9 // 5, which is "
                                   "integer division and gives 1?).")],
                hint={"offset": "Did you forget to add 32?"})
    check_close(celsius_to_fahrenheit(100.0), 212.0, "celsius_to_fahrenheit(100)")
