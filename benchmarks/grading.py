"""Submissions per minute: stock nbgrader against ``course autograde --jobs 1`` and ``--jobs 2``.

::

    python benchmarks/grading.py                       # 32 submissions of 01_what_is_ml
    python benchmarks/grading.py --students 8 --chapter 06_gradient_descent

The same honest submissions (copies of the chapter's solution, one per made-up student) are
graded in fresh scratch courses, one run per way, in this order:

- ``stock, one student at a time``: ``nbgrader autograde CHAPTER --student S`` run once per
  student, with nbgrader's own settings (one unboxed kernel, checks in the student's process);
  the way a script or the formgrader grades student after student;
- ``stock, one command``: a single ``nbgrader autograde CHAPTER`` for the whole class (for
  reference: nbgrader's start-up paid once);
- ``course --jobs 1``: the course's grading (sandboxed student kernel, separate check kernel)
  executed in the grading process;
- ``course --jobs 2``: the same on a Dask ``LocalCluster`` of two workers.

It prints seconds, submissions per minute and each way's speed relative to the first, and
fails if any submission is not at full marks. A script, not a test: nothing runs it in CI; the
figures depend on the machine's load, so run it on an idle machine.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOCK_CONFIG = """c = get_config()
c.CourseDirectory.course_id = "ml_course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.Execute.timeout = 60
"""


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    return env


def _run(args, cwd) -> str:
    done = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{done.stdout[-2000:]}\n"
                         f"{done.stderr[-3000:]}")
    return done.stdout


def _course(base: Path, chapter: str, stock: bool, students: list[str]) -> Path:
    base.mkdir(parents=True)
    if stock:
        (base / "nbgrader_config.py").write_text(STOCK_CONFIG, encoding="utf-8")
    else:
        shutil.copy(ROOT / "nbgrader_config.py", base / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / chapter, base / "solutions" / chapter,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    _run([sys.executable, "-m", "nbgrader", "generate_assignment", chapter, "--force"], base)
    for student in students:
        target = base / "submitted" / student / chapter
        target.mkdir(parents=True)
        shutil.copy(base / "solutions" / chapter / f"{chapter}.ipynb",
                    target / f"{chapter}.ipynb")
    return base


def _check_full_marks(course: Path, chapter: str, students: list[str]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ml_course") as gb:
        for student in students:
            nb = gb.find_submission_notebook(chapter, chapter, student)
            if nb.score < nb.max_score:
                raise SystemExit(f"{course.name}: {student} scored {nb.score}/{nb.max_score}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapter", default="01_what_is_ml")
    parser.add_argument("--students", type=int, default=32)
    args = parser.parse_args(argv)
    students = [f"student{k:03d}" for k in range(args.students)]
    nbgrader = [sys.executable, "-m", "nbgrader", "autograde", args.chapter, "--force"]
    course = [sys.executable, "-m", "course_lib.cli", "autograde", args.chapter]
    ways = {
        "stock, one student at a time": (True, [nbgrader + ["--student", s]
                                                for s in students]),
        "stock, one command": (True, [nbgrader]),
        "course --jobs 1": (False, [course + ["--jobs", "1"]]),
        "course --jobs 2": (False, [course + ["--jobs", "2"]]),
    }
    results = {}
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        for k, (name, (stock, commands)) in enumerate(ways.items()):
            base = _course(Path(tmp) / f"way{k}", args.chapter, stock, students)
            print(f"{name}: grading {len(students)} submissions ...", flush=True)
            start = time.perf_counter()
            for command in commands:
                _run(command, base)
            seconds = time.perf_counter() - start
            _check_full_marks(base, args.chapter, students)
            results[name] = seconds
            shutil.rmtree(base, ignore_errors=True)
    first = next(iter(results.values()))
    print(f"\n{args.chapter}, {len(students)} honest submissions "
          f"(python benchmarks/grading.py --students {args.students}):")
    print(f"  {'way':<32}{'seconds':>9}{'per minute':>12}{'vs first':>10}")
    for name, seconds in results.items():
        print(f"  {name:<32}{seconds:9.1f}{60 * len(students) / seconds:12.1f}"
              f"{first / seconds:9.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
