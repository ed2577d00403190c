"""Where submissions execute: in this process, on Dask workers of this machine, or on a cluster.

``course autograde --jobs 1`` executes each submission in the grading process itself;
``--jobs N`` (default: one per core) starts a Dask ``LocalCluster`` of N single-threaded worker
processes for the run; ``--scheduler tcp://HOST:8786`` sends the work to a Dask cluster started
by hand (``dask scheduler`` on one machine, ``dask worker tcp://HOST:8786 --nthreads 1`` on each
grading machine; every worker needs this course's ``course_lib`` and bubblewrap installed;
``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` in a worker's environment spares it
Dask's stack sampling, as the embedded cluster does).

Each task carries one :class:`~course_lib.grading.pipeline.Job` in and one
:class:`~course_lib.grading.pipeline.Executed` out; workers need neither the gradebook nor the
course folder. Dask's scheduler runs a task again elsewhere when the worker running it dies
(up to ``distributed.scheduler.allowed-failures`` times), so a killed worker costs a retry,
never a grade. Results are yielded as they finish, to be recorded by the one driver process.
"""
from __future__ import annotations

import logging
import os
import uuid
from contextlib import nullcontext
from typing import Callable, Iterable, Iterator

from . import pipeline

def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class InProcess:
    """Execute one submission after another in this process."""

    workers = 1
    description = "in this process"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def interrupts(self):
        """Python's own Ctrl-C: a submission runs in this process and must stop at once."""
        return nullcontext()

    def run(self, students: Iterable[str], prepare: Callable[[str], pipeline.Job],
            pressed=None) -> Iterator[tuple[str, object]]:
        for student in students:
            try:
                yield student, pipeline.execute(prepare(student))
            except Exception as error:  # noqa: BLE001 (reported per student, the rest go on)
                yield student, error


class DaskRunner:
    """Execute submissions as Dask tasks: on a ``LocalCluster`` of ``jobs`` worker processes
    started for this run, or on the cluster whose scheduler is at ``scheduler``."""

    def __init__(self, jobs: int | None = None, scheduler: str | None = None,
                 connect_timeout: float = 30):
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs, self.scheduler, self.connect_timeout = jobs, scheduler, connect_timeout
        self.cluster = self.client = None

    def __enter__(self):
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler, timeout=self.connect_timeout)
        else:
            import dask

            # single-threaded workers: a submission's kernels use the core; Dask's memory
            # management is off because the sandbox caps each student kernel itself, and so
            # is its profiler, which samples every thread's stack every 10 ms
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self.cluster = LocalCluster(n_workers=self.jobs or default_jobs(),
                                            threads_per_worker=1, processes=True,
                                            memory_limit=0, dashboard_address=None,
                                            host="127.0.0.1", silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        return self

    def __exit__(self, *exc):
        for thing in (self.client, self.cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 (closing after Ctrl-C or a lost scheduler)
                    pass
        return False

    def interrupts(self):
        """Ctrl-C noted (:func:`pipeline.interrupts_noted`): this process only waits for the
        workers and records, and :meth:`run` stops at the next result."""
        return pipeline.interrupts_noted()

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    @property
    def description(self) -> str:
        where = f"the Dask cluster at {self.scheduler}" if self.scheduler else "this machine"
        return f"{self.workers} Dask worker(s) on {where}"

    def run(self, students: Iterable[str], prepare: Callable[[str], pipeline.Job],
            pressed=None) -> Iterator[tuple[str, object]]:
        """Prepare and submit a few more submissions than there are workers, yield each as it
        finishes: the first grades arrive while later submissions are still being prepared.

        ``pressed`` (from :meth:`interrupts`, or None): once it is set, the next result is
        not taken: KeyboardInterrupt is raised instead."""
        from distributed import as_completed

        todo = list(students)
        done = as_completed()
        owner: dict[str, str] = {}
        run_id = uuid.uuid4().hex[:8]
        try:
            while todo or done.count():
                while todo and done.count() < 2 * self.workers + 1:
                    student = todo.pop(0)
                    try:
                        job = prepare(student)
                    except Exception as error:  # noqa: BLE001
                        yield student, error
                        continue
                    key = f"grade-{job.chapter}-{student}-{run_id}"
                    owner[key] = student
                    done.add(self.client.submit(pipeline.execute, job, key=key, pure=False))
                if not done.count():
                    continue
                if pressed is not None:
                    while not (pressed.is_set() or done.has_ready()):
                        pressed.wait(0.05)
                    if pressed.is_set():
                        raise KeyboardInterrupt
                future = next(done)
                student = owner.pop(future.key)
                try:
                    yield student, future.result()
                except Exception as error:  # noqa: BLE001 (the task raised, or KilledWorker)
                    yield student, error
        finally:
            for future in list(done.futures):
                future.cancel()


def runner(jobs: int | None = None, scheduler: str | None = None, submissions: int = 2):
    """The runner for ``course autograde --jobs/--scheduler`` (one submission or ``--jobs 1``:
    in this process, where a cluster would only add its start-up)."""
    if scheduler:
        return DaskRunner(scheduler=scheduler)
    jobs = jobs or default_jobs()
    if jobs == 1 or submissions <= 1:
        return InProcess()
    return DaskRunner(jobs=min(jobs, submissions))
