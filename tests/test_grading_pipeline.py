"""The pieces of parallel grading that need no kernel: course_lib.grading.pipeline, cluster,
gradebook. (Whole runs, with kernels, workers and databases: tests/test_grading_scale.py.)"""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_lib.cli import main
from course_lib.grading import cluster, pipeline
from course_lib.grading.gradebook import WriteLock


def _executed(source="x = 1", student="alice"):
    nb = new_notebook(cells=[new_code_cell(source)])
    return pipeline.Executed(chapter="01_demo", student=student, notebook=nbformat.writes(nb),
                             seconds=0.1, where="here")


def _resources(student="alice"):
    return {"nbgrader": {"assignment": "01_demo", "student": student, "notebook": "01_demo"}}


def test_use_executed_hands_over_the_executed_notebook_once_and_only_for_its_student():
    done = _executed()
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    with pipeline.UseExecuted.handing(done):
        out, _ = pipeline.UseExecuted()(nb, _resources())
        assert out.cells[0].source == "x = 1" and out is not nb
        with pytest.raises(RuntimeError, match="no executed notebook"):
            pipeline.UseExecuted()(nb, _resources("bob"))
    with pytest.raises(RuntimeError, match="no executed notebook"):
        pipeline.UseExecuted()(nb, _resources())


def test_use_executed_refuses_when_the_cells_changed_in_between():
    nb = new_notebook(cells=[new_code_cell("x = 2")])
    with pipeline.UseExecuted.handing(_executed("x = 1")):
        with pytest.raises(RuntimeError, match="changed while it was being graded"):
            pipeline.UseExecuted()(nb, _resources())


def test_use_executed_cannot_be_switched_off():
    # nbconvert skips a disabled preprocessor silently: the un-executed notebook would then be
    # scored (no errors in it, so full marks)
    assert pipeline.UseExecuted().enabled


def test_record_preprocessors_replace_execute_and_keep_the_rest():
    from course_lib.grading.course import load_config
    from course_lib.grading.execute import Execute

    config = load_config(os.path.dirname(os.path.dirname(__file__)))
    before = list(config.Autograde.autograde_preprocessors)
    after = pipeline.record_preprocessors(config)
    assert Execute in before and Execute not in after
    assert after[before.index(Execute)] is pipeline.UseExecuted
    assert [p for p in after if p is not pipeline.UseExecuted] == [
        p for p in before if p is not Execute]


def test_a_job_travels_as_plain_data():
    job = pipeline.Job(chapter="01_demo", student="alice", notebook="{}", source_notebook="{}",
                       source_files={"data.csv": b"1,2"}, settings={"Execute": {"timeout": 5}})
    assert pickle.loads(pickle.dumps(job)) == job


def test_a_job_cannot_write_outside_its_folder(tmp_path):
    with pytest.raises(ValueError, match="outside its folder"):
        pipeline._write_files(tmp_path / "job", {"../escaped.txt": b"x"})
    assert not (tmp_path / "escaped.txt").exists()


def test_ctrl_c_waits_for_the_end_of_a_record():
    steps = []
    with pytest.raises(KeyboardInterrupt):
        with pipeline.deferred_interrupt():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            steps.append("the record finished")
    assert steps == ["the record finished"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class _InterruptedFinalizer:
    """Ctrl-C pressed while Python runs this object's ``__del__``."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here, inside __del__


def test_ctrl_c_in_a_finalizer_is_noted_where_python_would_drop_it(monkeypatch):
    # what Python does by itself: the KeyboardInterrupt raised inside __del__ goes to
    # sys.unraisablehook ("Exception ignored in ...") and no further (a Dask future's __del__
    # in the driver lost a Ctrl-C that way)
    dropped = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: dropped.append(info.exc_type))
    _InterruptedFinalizer()
    assert dropped == [KeyboardInterrupt]
    with pipeline.interrupts_noted() as pressed:
        _InterruptedFinalizer()
    assert pressed.is_set()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


_HOLDER = """
import sys, time
from course_lib.grading.gradebook import WriteLock
with WriteLock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(1.5)
"""


def test_two_graders_take_turns_on_an_sqlite_gradebook(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, url], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        start = time.monotonic()
        with WriteLock(url):
            waited = time.monotonic() - start
    finally:
        holder.wait(timeout=30)
    assert waited > 0.8, f"took the lock after {waited:.2f} s while another grader held it"


def test_runner_grades_in_this_process_for_one_job_or_one_submission():
    assert isinstance(cluster.runner(jobs=1, submissions=30), cluster.InProcess)
    assert isinstance(cluster.runner(jobs=4, submissions=1), cluster.InProcess)
    parallel = cluster.runner(jobs=4, submissions=3)
    assert isinstance(parallel, cluster.DaskRunner) and parallel.jobs == 3
    remote = cluster.runner(jobs=1, scheduler="tcp://127.0.0.1:1")
    assert isinstance(remote, cluster.DaskRunner) and remote.scheduler == "tcp://127.0.0.1:1"
    with pytest.raises(ValueError, match="jobs must be at least 1, got 0"):
        cluster.DaskRunner(jobs=0)


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_cli_rejects_a_jobs_count_below_one(value, capsys):
    with pytest.raises(SystemExit):
        main(["autograde", "01_what_is_ml", "--jobs", value])
    assert "expected a whole number of at least 1" in capsys.readouterr().err
