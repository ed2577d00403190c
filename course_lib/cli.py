"""The `course` command: the instructor's workflow in one sub-command per step.

::

    course release                      regenerate notebooks/ from solutions/ (all chapters)
    course check                        notebooks/ up to date, every solution at full marks
    course autograde 01_what_is_ml subs/     grade a folder (or .zip) of <student_id>.ipynb
    course autograde 01_what_is_ml --jobs 4  ... four at a time (default: one per core)
    course autograde 01_what_is_ml --scheduler tcp://host:8786   ... on a Dask cluster
    course feedback 01_what_is_ml       feedback/<student>/01_what_is_ml/01_what_is_ml.html
    course export grades.csv            the grade sheet (one row per student and chapter)
    course export --format canvas g.csv the same for Canvas' (or --format moodle: Moodle's) import
    course report 01_what_is_ml         per exercise: share passing, scores, named mistakes
    course similarity 01_what_is_ml     pairs of submissions with suspiciously alike answers
    course lab                          JupyterLab on notebooks/, without the instructor tools
    course lab --instructor             JupyterLab on solutions/, with nbgrader's tools

Each is a thin layer over nbgrader's own API with this course's `nbgrader_config.py`;
`nbgrader autograde` and friends run by hand in the course folder grade the same way.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

# jsonschema, under nbformat, imports rfc3987_syntax when it is installed (jupyter-events
# brings it) for its "iri" format check, which compiles a grammar for a second at every start
# of `course`; no notebook or nbgrader schema uses that format, so the command goes without.
sys.modules.setdefault("rfc3987_syntax", None)

from .grading import course  # noqa: E402 (after the line above, on purpose)


def _say(message: str) -> None:
    print(message, flush=True)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _root(args) -> Path:
    return course.find_root(args.root)


def cmd_release(args) -> int:
    names = course.release(_root(args), args.chapters or None, progress=_say)
    _say(f"released {len(names)} chapter(s) to notebooks/")
    return 0


def cmd_check(args) -> int:
    problems = course.check(_root(args), args.chapters or None, grade=not args.no_grade,
                            progress=_say)
    for problem in problems:
        _say(f"PROBLEM {problem}")
    if problems:
        _say(f"{len(problems)} problem(s)")
        return 1
    _say("notebooks/ matches solutions/" + ("" if args.no_grade else
                                            " and every solution scores full marks"))
    return 0


def cmd_autograde(args) -> int:
    overrides = {"Execute.timeout": args.timeout} if args.timeout else {}
    if args.unsandboxed:
        overrides["Execute.unsandboxed"] = True
        _say("WARNING: --unsandboxed: if bubblewrap is missing, the students' code runs with "
             "your rights and can read and write the course folder and the gradebook and use "
             "the network (the checks still run in their own kernel).")
    scores = course.autograde(_root(args), args.chapter, args.submissions,
                              students=args.student or None, progress=_say, jobs=args.jobs,
                              scheduler=args.scheduler, **overrides)
    _say(f"autograded {len(scores)} submission(s) of {args.chapter}")
    if args.feedback:
        paths = course.feedback(_root(args), args.chapter, sorted(scores), progress=_say)
        _say(f"wrote {len(paths)} feedback file(s)")
    return 0


def cmd_feedback(args) -> int:
    paths = course.feedback(_root(args), args.chapter, args.student or None, progress=_say)
    _say(f"wrote {len(paths)} feedback file(s)")
    return 0


def cmd_export(args) -> int:
    path = course.export_grades(_root(args), args.to, args.chapter or None, format=args.format)
    _say(f"wrote {path}")
    return 0


def cmd_report(args) -> int:
    from .grading import report

    reports = report.chapter_report(_root(args), args.chapter)
    sys.stdout.write(report.format_report(args.chapter, reports))
    if args.html:
        path = Path(args.html)
        path.write_text(report.report_html(args.chapter, reports), encoding="utf-8")
        _say(f"\nwrote {path}")
    return 0


def cmd_similarity(args) -> int:
    from .grading import similarity

    starter, solution, students = similarity.load_answers(_root(args), args.chapter)
    try:
        pairs = similarity.compare(starter, solution, students, threshold=args.threshold)
    except ValueError as error:
        raise course.CourseError(str(error)) from None
    sys.stdout.write(similarity.format_pairs(args.chapter, pairs, args.threshold))
    if args.html:
        path = Path(args.html)
        path.write_text(similarity.pairs_html(args.chapter, pairs, students, args.threshold),
                        encoding="utf-8")
        _say(f"wrote {path}")
    return 0


def cmd_lab(args) -> int:
    import subprocess

    from . import lab

    root = _root(args)
    command = lab.lab_command(root, instructor=args.instructor, extra=args.lab_args)
    return subprocess.call(command, cwd=root, env=lab.lab_environment(args.instructor))


def cmd_progress(args) -> int:
    from . import progress

    root = _root(args)

    def finished(result, done, total):
        _say(f"[{done}/{total}] {result.chapter}: {result.passed} of "
             f"{len(result.exercises)} exercises pass ({result.seconds:.0f} s)")

    try:
        results = progress.run_chapters(root, args.chapters or None, jobs=args.jobs,
                                        timeout=args.timeout, progress=finished)
        _say("")
        _say(progress.format_progress(results))
        if results:
            _say(f"picture: {progress.progress_png(results, args.png or root / 'progress.png')}")
    except ValueError as error:
        raise course.CourseError(str(error).removeprefix("course progress: ")) from error
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run `course <command> -h` for the options of each command.")
    parser.add_argument("--root", help="course folder (default: the nearest folder at or "
                                       "above the current one with nbgrader_config.py)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    p = sub.add_parser("release", help="regenerate every student notebook from the solutions",
                       description="Run nbgrader generate_assignment for each chapter of "
                                   "solutions/ (or those named), writing notebooks/.")
    p.add_argument("chapters", nargs="*", help="chapter names (default: all)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("check", help="check notebooks/ is what the solutions generate and "
                                     "that every solution passes its own tests",
                       description="Regenerate the chapters in a scratch copy, compare with "
                                   "notebooks/, autograde each solution and require full "
                                   "marks. Exit status 1 when anything is wrong.")
    p.add_argument("chapters", nargs="*", help="chapter names (default: all)")
    p.add_argument("--no-grade", action="store_true", help="only compare notebooks/")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("autograde", help="autograde a chapter's submissions",
                       description="Collect SUBMISSIONS (a folder or zip of "
                                   "<student_id>.ipynb) into submitted/ and autograde them "
                                   "with nbgrader; without SUBMISSIONS, grade what is already "
                                   "in submitted/. Scores go to the gradebook.")
    p.add_argument("chapter")
    p.add_argument("submissions", nargs="?", help="folder or .zip of <student_id>.ipynb")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--timeout", type=int, help="per-cell timeout in seconds for this run")
    p.add_argument("--unsandboxed", action="store_true",
                   help="grade even where bubblewrap is not available (UNSAFE: the students' "
                        "code then runs with your rights; see the README)")
    p.add_argument("--jobs", type=_positive, metavar="N",
                   help="grade N submissions at once on this machine, each in its own kernels "
                        "and sandbox (default: one per core; 1: in this process)")
    p.add_argument("--feedback", action="store_true",
                   help="then write the graded students' feedback (as `course feedback`)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="execute the submissions on the Dask cluster whose scheduler is at "
                        "ADDRESS (e.g. tcp://grader1:8786); the gradebook is still written "
                        "here only")
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("feedback", help="produce the feedback HTML of autograded submissions",
                       description="Write feedback/<student>/<chapter>/<chapter>.html: per "
                                   "exercise passed or not, points, and the failed check's "
                                   "message (never hidden tests or tracebacks).")
    p.add_argument("chapter")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="export grades to CSV (plain, Canvas or Moodle)",
                       description="Write the grade sheet: nbgrader's CSV exporter by default, "
                                   "or the CSV layout that Canvas' or Moodle's gradebook "
                                   "imports (one row per student, one column per chapter, "
                                   "the chapter's points as maximum).")
    p.add_argument("to", nargs="?", default="grades.csv", help="CSV file (default grades.csv)")
    p.add_argument("--format", choices=("csv", "canvas", "moodle"), default="csv",
                   help="csv: nbgrader's plain sheet (default); canvas: Canvas Gradebook "
                        "import; moodle: Moodle grade import")
    p.add_argument("--chapter", action="append", help="only this chapter (repeatable)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", help="what the class got wrong in a chapter, per exercise",
                       description="For each exercise, hardest first: how many autograded "
                                   "students got full marks, the score distribution, and the "
                                   "named mistakes (the message of each student's first "
                                   "failed check, read from the autograded notebooks) with "
                                   "how many students made each.")
    p.add_argument("chapter")
    p.add_argument("--html", metavar="FILE",
                   help="also write a self-contained HTML page with plots")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("similarity", help="pairs of submissions with suspiciously alike "
                                          "answer cells",
                       description="Compare the answer cells of every pair of submitted "
                                   "notebooks after normalising names, comments, whitespace "
                                   "and literal values, ignoring the starter code, the "
                                   "solution and code half the class shares; list the pairs "
                                   "whose score (0 to 1) reaches the threshold.")
    p.add_argument("chapter")
    p.add_argument("--threshold", type=float, default=0.75,
                   help="flag pairs scoring at least this (default 0.75)")
    p.add_argument("--html", metavar="FILE",
                   help="also write the flagged pairs' cells side by side to an HTML page")
    p.set_defaults(func=cmd_similarity)

    p = sub.add_parser("lab", help="start JupyterLab on the course",
                       description="Start JupyterLab on notebooks/ with nbgrader's instructor "
                                   "tools hidden (the students' view), or on solutions/ with "
                                   "them (--instructor). Further arguments go to JupyterLab.")
    p.add_argument("--instructor", action="store_true",
                   help="open solutions/ with nbgrader's instructor tools")
    p.add_argument("lab_args", nargs=argparse.REMAINDER,
                   help="arguments for jupyter lab, e.g. --port 8890")
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("progress", help="students: which exercises of each chapter pass "
                                        "their visible checks",
                       description="Run a copy of each chapter of notebooks/ in a temporary "
                                   "folder (your notebooks are not changed) and show, per "
                                   "chapter, which exercises pass their visible checks, as a "
                                   "table and a picture (progress.png).")
    p.add_argument("chapters", nargs="*", help="chapter names (default: all)")
    p.add_argument("--jobs", type=int, default=2,
                   help="chapters run at the same time (default 2)")
    p.add_argument("--timeout", type=int, default=60,
                   help="seconds one cell may run before it is stopped (default 60)")
    p.add_argument("--png", help="where to write the picture (default: progress.png in the "
                                 "course folder)")
    p.set_defaults(func=cmd_progress)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # nbgrader 0.9's gradebook code trips SQLAlchemy's autoflush warnings on every
    # submission; they are about nbgrader's internals, not the course, so keep them quiet
    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")
    try:
        return args.func(args)
    except course.CourseError as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"course {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
