"""What remembering unknown symbols saves ``neotui quotes`` (issue 19 item 5).

A symbol Yahoo does not know is left out of the batch quote silently; finding out costs one more
round trip (its chart says "No data found"). The answer is now kept in the cache for 30 minutes.
Measured against the fake Yahoo at 400 ms latency, watchlist ``CRWV,NBIS,ZZZZ`` (ZZZZ unknown):
the median wall time of ``neotui quotes`` with the remembered answer, against the same command
with the remembered answer deleted before each run (what every run paid before), runs
alternating. Aim: about one round trip (0.4 s) less.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import row

RUNS = 5
LATENCY = 0.4


def main() -> None:
    from tests.fake_yahoo import FakeYahoo

    home = Path(tempfile.mkdtemp(prefix="neotui-bench-"))
    fake = FakeYahoo(latency=LATENCY).start()
    fake.route("ZZZZ").fault = "404"
    dirs = {f"XDG_{d}_HOME": str(home / d.lower()) for d in ("CACHE", "CONFIG", "DATA")}
    env = {**os.environ, **dirs, "NEOTUI_YAHOO_URL": fake.url, "NEOTUI_SYMBOLS": "CRWV,NBIS,ZZZZ"}
    db = home / "cache" / "neotui" / "quotes.db"

    def run(forget: bool) -> float:
        if forget and db.exists():
            with sqlite3.connect(db) as conn:
                conn.execute("DELETE FROM auth WHERE symbol = 'unknown-symbols'")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "neotui", "quotes", "--format", "json"],
                       env=env, capture_output=True, check=False)  # fmt: skip
        return time.perf_counter() - started

    print(f"unknown symbols: neotui quotes at {LATENCY * 1000:.0f} ms latency, one unknown symbol")
    try:
        run(False)  # cookie, crumb and cache in place, as on any later run
        before, after = [], []
        for _ in range(RUNS):
            before.append(run(True))
            after.append(run(False))
    finally:
        fake.stop()
    old, new = statistics.median(before), statistics.median(after)
    row(f"asked every run (baseline, median of {RUNS})", f"{old:.2f} s")
    row(f"remembered for 30 min (median of {RUNS})", f"{new:.2f} s")
    row("saved", f"{old - new:.2f} s ({old / new:.2f}x faster)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
