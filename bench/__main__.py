"""``python -m bench [NAME ...]``: run every benchmark (or the named ones) in order; ``compare``
(before and after, against a base commit) runs only when named.

Prints a header with the date and the machine, each script's figures as it runs, and a summary
line per script at the end. Each script runs in its own interpreter, so one failing (its error is
printed) does not stop the others, and no script's imports or caches warm up the next one.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.common import REPO

SCRIPTS = (
    "deals_load", "feeds_load", "facts_load", "eightk", "refresh", "first_paint",
    "terminal_paint", "serve", "impact", "earnings_days", "alerts", "idle", "scale", "soak",
    "pane_cycles", "unknown_symbols", "groups", "stream", "insiders", "earnings_column",
)  # fmt: skip
#: Run only when named: the before/after comparison checks out another commit (see bench/README.md;
#: ``python -m bench.compare --base REF`` to choose it).
ON_REQUEST = ("compare",)
TIMEOUT = 15 * 60  # seconds for one script


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = f", {line.split(':', 1)[1].strip()}"
                break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return (f"{cpus} CPUs (nproc){model}, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}{load}")  # fmt: skip


def run(name: str) -> tuple[str, float]:
    """Run one script, its output passing through; returns its status and seconds taken."""
    print(f"[{name}]", flush=True)
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=REPO,
                              stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"FAILED: no result after {TIMEOUT} s", time.monotonic() - started
    took = time.monotonic() - started
    if done.returncode == 0:
        return "ok", took
    error = done.stderr.strip()
    print(f"  {name} failed (exit status {done.returncode}):", flush=True)
    for line in error.splitlines()[-25:]:
        print(f"    {line}", flush=True)
    last = error.splitlines()[-1] if error else f"exit status {done.returncode}"
    return f"FAILED: {last[:200]}", took


def main() -> None:
    names = sys.argv[1:] or list(SCRIPTS)
    unknown = [n for n in names if n not in SCRIPTS + ON_REQUEST]
    if unknown:
        known = ", ".join(SCRIPTS + ON_REQUEST)
        sys.exit(f"unknown benchmark {', '.join(unknown)}; known: {known}")
    print(f"neotui benchmarks, {datetime.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {machine()}")
    print("The machine may be shared: figures are medians, against baselines from this run.\n")
    summary = []
    for name in names:
        status, took = run(name)
        summary.append((name, status, took))
        print(flush=True)
    print("summary")
    for name, status, took in summary:
        print(f"  {name:<12} {took:5.0f} s  {status}")
    sys.exit(0 if all(status == "ok" for _, status, _ in summary) else 1)


if __name__ == "__main__":
    main()
