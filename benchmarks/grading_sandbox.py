"""Seconds per autograded submission: sandboxed vs unsandboxed vs stock nbgrader.

::

    python benchmarks/grading_sandbox.py                  # chapter 01, 3 submissions each
    python benchmarks/grading_sandbox.py --chapter 06_gradient_descent --students 5
    python benchmarks/grading_sandbox.py --students 0     # only the kernel start, in and out

In a scratch copy of the course the chapter's solution is submitted ``--students`` times and
graded by ``course autograde`` three ways, in turn:

- ``sandboxed``: the course's grading (student kernel in bubblewrap, checks in a check kernel);
- ``unsandboxed``: the same two kernels without bubblewrap (``use_sandbox=False``);
- ``stock``: nbgrader's own single-kernel Execute (the grading before issue #11).

First it times the start of a kernel in the box and without it (the box's own cost: once
per submission, the cells then run at the same speed). Then it prints the seconds per submission of each and the differences: ``sandboxed - unsandboxed``
is what bubblewrap costs, ``sandboxed - stock`` what the whole two-kernel design costs. Every
submission must score full marks, else the script fails. A script, not a test: nothing runs it
in CI. The numbers depend on the machine's load; run it on an idle machine.
"""
from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_lib.grading import course  # noqa: E402


def _stock(config_overrides: dict) -> dict:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute,
                                        LimitOutput, SaveAutoGrades)

    from course_lib.grading.preprocessors import StripHarmlessWarnings

    # nbgrader's kernel on Unix sockets: without it ipykernel prints an "over TCP without
    # encryption" warning per submission, and the transport is not what is being compared.
    # The socket path must be absolute: the kernel runs in the notebook's folder, the client
    # in the course's, and a relative one names two different files.
    sockets = tempfile.mkdtemp(prefix="course-bench-ipc-")
    atexit.register(shutil.rmtree, sockets, ignore_errors=True)
    return {**config_overrides, "KernelManager.transport": "ipc",
            "KernelManager.ip": str(Path(sockets) / "kernel"),
            "Autograde.autograde_preprocessors": [
                Execute, StripHarmlessWarnings, ClearMetadataPreprocessor, LimitOutput,
                SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]}


def kernel_start(boxed: bool, repeats: int) -> float:
    """Median seconds to start a kernel, run ``1 + 1`` and shut it down, with or without the
    box: the sandbox's own cost per submission (the cells then run at the same speed)."""
    import asyncio
    import statistics
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    from course_lib.grading.sandbox import SandboxedKernelManager

    async def once() -> float:
        with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
            Path(tmp).chmod(0o711)
            scratch = Path(tmp) / "box"
            (scratch / "work").mkdir(parents=True)
            # Unix sockets both ways, as the box uses: the same transport is compared, and
            # ipykernel does not warn about unencrypted TCP on stderr
            km = (SandboxedKernelManager(scratch=str(scratch), workdir=str(scratch / "work"),
                                         kernel_name="python3") if boxed
                  else AsyncKernelManager(kernel_name="python3", transport="ipc"))
            start = time.perf_counter()
            await km.start_kernel()
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=120)
            await kc.execute_interactive("1 + 1", timeout=60, output_hook=lambda msg: None)
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            return time.perf_counter() - start

    return statistics.median(asyncio.run(once()) for _ in range(repeats))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapter", default="01_what_is_ml")
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1, help="repeat the three in turn")
    parser.add_argument("--kernel-starts", type=int, default=7,
                        help="kernel starts timed per way (0: skip)")
    args = parser.parse_args(argv)
    import warnings

    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")
    if args.kernel_starts:
        boxed, plain = (kernel_start(True, args.kernel_starts),
                        kernel_start(False, args.kernel_starts))
        print(f"kernel start + shutdown, median of {args.kernel_starts}: in the box "
              f"{boxed:.2f} s, without {plain:.2f} s, the box adds {boxed - plain:+.2f} s")
        if args.students == 0:
            return 0
    variants = {
        "sandboxed": {},
        "unsandboxed": {"Execute.use_sandbox": False, "Execute.unsandboxed": True},
        "stock": _stock({}),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    with course.scratch_course(ROOT, [args.chapter]) as tmp:
        course.release(tmp, [args.chapter])
        subs = tmp / "subs"
        subs.mkdir()
        for k in range(args.students):
            shutil.copy(tmp / "solutions" / args.chapter / f"{args.chapter}.ipynb",
                        subs / f"s{k}.ipynb")
        course.collect(tmp, args.chapter, subs)
        for _ in range(args.rounds):
            for name, overrides in variants.items():
                start = time.perf_counter()
                scores = course.autograde(tmp, args.chapter, **overrides)
                elapsed = time.perf_counter() - start
                bad = {s: v for s, v in scores.items() if v[0] < v[1]}
                if bad:
                    print(f"{name}: not full marks: {bad}")
                    return 1
                times[name].append(elapsed / args.students)
    best = {name: min(values) for name, values in times.items()}
    print(f"{args.chapter}, {args.students} submissions, best of {args.rounds} round(s):")
    for name, value in best.items():
        print(f"  {name:12s} {value:6.2f} s per submission")
    print(f"  bubblewrap overhead (sandboxed - unsandboxed): "
          f"{best['sandboxed'] - best['unsandboxed']:+.2f} s per submission")
    print(f"  design overhead (sandboxed - stock nbgrader):  "
          f"{best['sandboxed'] - best['stock']:+.2f} s per submission")
    return 0


if __name__ == "__main__":
    sys.exit(main())
