"""``python -m bench``: run every benchmark in order and print its figures.

Each script runs in its own interpreter, so one failing does not stop the others, and no
script's imports or caches warm up the next one.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import time

from bench.common import REPO

SCRIPTS = ("deals_load", "refresh", "first_paint", "idle", "scale", "soak")


def main() -> None:
    when = f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
    machine = f"{os.cpu_count()} cores ({platform.machine()})"
    print(f"neotui benchmarks, {when}, Python {platform.python_version()}, {machine}")
    print("The machine may be shared: figures are medians, with baselines from this run.\n")
    summary = []
    for name in SCRIPTS:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=REPO)
        took = time.monotonic() - started
        summary.append((name, "ok" if result.returncode == 0 else f"FAILED ({result.returncode})",
                        took))  # fmt: skip
        print()
    print("summary")
    for name, status, took in summary:
        print(f"  {name:<14} {status:<12} {took:6.0f} s")
    sys.exit(0 if all(status == "ok" for _, status, _ in summary) else 1)


if __name__ == "__main__":
    main()
