"""Every slider of every chapter's explorer starts on one of its own steps.

The browser shows a slider's value as ``min + k * step`` only: a start value between two steps
is snapped on first display, and the picture then disagrees with the code that built it (chapter
01's line fit once started at b = -0.50 where the notebook said ``b=0.0``). The explorers are
built exactly as ``benchmarks/widgets.py`` builds them, which is how their chapters build them.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _benchmark_module():
    spec = importlib.util.spec_from_file_location("widget_benchmark",
                                                  ROOT / "benchmarks" / "widgets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCHMARK = _benchmark_module()


def _offset_in_steps(slider) -> float:
    """How many steps the value lies above the slider's minimum (a log slider: in exponents)."""
    value = math.log(slider.value, slider.base) if hasattr(slider, "base") else slider.value
    return (value - slider.min) / slider.step


@pytest.mark.parametrize("explorer", sorted(BENCHMARK.EXPLORERS))
def test_every_slider_starts_on_one_of_its_steps(explorer):
    box = BENCHMARK.EXPLORERS[explorer]()
    sliders = BENCHMARK.sliders(box)
    assert sliders, f"{explorer}: no slider found"
    for name, slider in sliders:
        offset = _offset_in_steps(slider)
        assert abs(offset - round(offset)) < 1e-6, (
            f"{explorer}: slider {name!r} starts at {slider.value!r}, between its steps "
            f"(min {slider.min!r}, step {slider.step!r}): the browser would snap it")
        assert slider.min <= (math.log(slider.value, slider.base) if hasattr(slider, "base")
                              else slider.value) <= slider.max


def test_the_check_sees_an_off_grid_slider():
    """The test above can fail: a slider built off its grid is caught."""
    import ipywidgets as widgets

    off = widgets.FloatSlider(value=0.0, min=-3.3, max=3.3, step=0.2)
    offset = _offset_in_steps(off)
    assert abs(offset - round(offset)) > 1e-3
