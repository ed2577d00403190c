"""Where a command's CPU goes, by kind of process and minute by minute (Linux only).

Run from the repository root, for example around a fresh clone's CI run:

    python benchmarks/suite_cpu.py -- bash .ci/run
    python benchmarks/suite_cpu.py --interval 0.5 -- python -m pytest tests/test_grading.py

While the command runs, every process on the machine is looked at every ``--interval``
seconds (``/proc/<pid>/stat``: user + system time); at the end it prints

* the machine's busy and idle CPU seconds over the run (``/proc/stat``), so that a run that
  leaves a core idle shows it;
* CPU seconds per kind of process (a student kernel in the sandbox, a check kernel, the
  ``course autograde`` process, nbval, JupyterLab and Chromium, Dask, nbgrader's ``alembic``
  set-up of a new gradebook, pip, pytest itself, ...), told apart by command line and parent;
* a timeline: per minute, how many cores were busy and the kinds that used them;
* a yardstick: the CPU seconds of one fixed piece of pure-Python work, before and after. A
  shared virtual machine runs at different speeds on different days (the same commit's CI
  took 21.6 and 23.8 min), so two runs' CPU seconds compare only after dividing by it.

A process that lives shorter than the interval is missed, and each loses its last interval:
the kinds are a lower bound, the machine totals are exact. Processes already running when it
starts are left out. A script, not a test: nothing fails.
"""
from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import time

KINDS = [  # (kind, words that must all be in the command line), first match wins
    ("student kernel (sandbox)", ["ipykernel_launcher", "course-box"]),
    ("bubblewrap and limits", ["bwrap"]),
    ("nbval", ["--nbval"]),
    ("Chromium", ["chrom"]),
    ("course autograde", ["course_lib.cli", "autograde"]),
    ("other course commands", ["course_lib.cli"]),
    ("nbgrader command", ["-m nbgrader"]),
    ("alembic (new gradebook)", ["alembic"]),
    ("Dask scheduler", ["dask", "scheduler"]),
    ("Dask worker", ["dask", "worker"]),
    ("Dask worker", ["multiprocessing.spawn"]),
    ("JupyterLab server", ["jupyter"]),
    ("PostgreSQL", ["postgres"]),
    ("pip install", ["pip", "install"]),
    ("pytest", ["pytest"]),
]


def _kind(cmd: str, parents: list[str]) -> str:
    if not cmd:
        return "(no command line: a zombie or a kernel thread)"
    if "course_lib.grading.forkserver" in cmd:  # a forked kernel keeps its parent's command
        forked = bool(parents) and "course_lib.grading.forkserver" in parents[0]
        return "check kernel (forked)" if forked else "check kernels' fork server"
    if "ipykernel_launcher" in cmd and "course-box" not in cmd:
        chain = " ".join(parents)
        for kind, words in [("check kernel", ["dask", "worker"]),
                            ("check kernel", ["course_lib.cli"]),
                            ("nbval kernel", ["--nbval"]), ("JupyterLab kernel", ["jupyter"])]:
            if all(w in chain for w in words):
                return kind
        return "other kernel"
    for kind, words in KINDS:
        if all(w in cmd for w in words):
            return kind
    return "other: " + os.path.basename(cmd.split(" ")[0])


def _read(pid: str):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), fields[19]  # ppid, ticks, start


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _machine() -> tuple[int, int]:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return sum(values) - values[3] - values[4], values[3] + values[4]  # busy, idle (+iowait)


def _yardstick() -> float:
    """CPU seconds of a fixed piece of work, the best of five (about 0.2 s each)."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        sum(i * i % 7 for i in range(2_000_000))
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between looks")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    if not os.path.exists("/proc/stat"):
        parser.error("needs Linux's /proc")
    hz = os.sysconf("SC_CLK_TCK")
    yardstick0 = _yardstick()
    before = {pid: _read(pid) for pid in os.listdir("/proc") if pid.isdigit()}
    busy0, idle0 = _machine()
    start = time.monotonic()
    child = subprocess.Popen(command)
    seen: dict[tuple[str, str], list] = {}  # (pid, start) -> [ppid, ticks, first, last, cmd]
    while child.poll() is None:
        now = time.monotonic() - start
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            info = _read(pid)
            if info is None or (before.get(pid) or (0, 0, None))[2] == info[2]:
                continue
            entry = seen.get((pid, info[2]))
            if entry is None:
                entry = seen[(pid, info[2])] = [info[0], 0, now, now, _cmdline(pid)]
            entry[1], entry[3] = max(entry[1], info[1]), now
        time.sleep(args.interval)
    busy1, idle1 = _machine()
    wall = time.monotonic() - start
    yardstick1 = _yardstick()

    commands = {pid: entry[4] for (pid, _), entry in seen.items()}
    ppids = {pid: str(entry[0]) for (pid, _), entry in seen.items()}
    totals, timeline = collections.Counter(), collections.defaultdict(collections.Counter)
    for (pid, _), (ppid, ticks, first, last, cmd) in seen.items():
        parents, up = [], str(ppid)
        for _ in range(10):  # the command lines of its ancestors that this run saw
            if up not in commands:
                break
            parents.append(commands[up])
            up = ppids[up]
        kind = _kind(cmd, parents)
        seconds = ticks / hz
        totals[kind] += seconds
        life = max(last - first, args.interval)
        for minute in range(int(first // 60), int((first + life) // 60) + 1):
            overlap = min(first + life, (minute + 1) * 60) - max(first, minute * 60)
            timeline[minute][kind] += seconds * max(overlap, 0) / life

    print(f"\n{' '.join(command)}: exit {child.returncode}, {wall / 60:.1f} min wall")
    print(f"machine: {(busy1 - busy0) / hz:.0f} CPU s busy, {(idle1 - idle0) / hz:.0f} s idle "
          f"on {os.cpu_count()} cores")
    print(f"yardstick: {yardstick0:.3f} CPU s before, {yardstick1:.3f} after (the same work: "
          f"divide two runs' CPU seconds by it to compare them)")
    print("\nCPU s  kind")
    for kind, seconds in totals.most_common():
        print(f"{seconds:6.0f}  {kind}")
    print("\nminute  busy cores  most CPU")
    for minute in sorted(timeline):
        used = timeline[minute]
        top = ", ".join(f"{k} {v:.0f}" for k, v in used.most_common(3))
        print(f"{minute:6d}  {sum(used.values()) / 60:10.2f}  {top}")
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
