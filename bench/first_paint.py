"""Time from launch to the first frame, neotui against a bare Textual app (one 8-row DataTable),
both measured in this run, alternately, in fresh interpreters. Aim: ratio <= 1.5x, and neither
pandas, numpy nor yfinance imported before the first frame.

neotui starts with a filled quote cache and no network (connection refused), which is what its
first frame shows: providers, deals, capacity and the cached quotes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, fake_server, free_port, row

RUNS = 7


def probe(kind: str, env: dict[str, str], tree: Path = REPO) -> tuple[float, str]:
    """Launch bench/paint_probe.py for ``kind`` (bare or neotui) in ``tree`` (the working
    directory; ``env``'s PYTHONPATH should name it too): seconds to Ready and what it printed."""
    seconds, rest, _ = probe_cpu(kind, env, tree)
    return seconds, rest


def probe_cpu(kind: str, env: dict[str, str], tree: Path = REPO) -> tuple[float, str, float]:
    """As ``probe``, with the CPU seconds the process used up to Ready as well."""
    env = {**env, "NEOTUI_BENCH_START": repr(time.time())}
    out = subprocess.run([sys.executable, str(REPO / "bench" / "paint_probe.py"), kind], env=env,
                         capture_output=True, text=True, timeout=60, cwd=tree)  # fmt: skip
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or len(lines) < 2:
        raise RuntimeError(f"{kind} probe failed: {out.stderr[-2000:]}")
    seconds, rest = lines[-1].split(" ", 1)
    return float(seconds), rest, float(lines[-2].split()[1])


def main() -> None:
    print("first paint: launch to first frame (median of alternating runs)")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_CACHE_HOME": f"{home}/cache", "XDG_CONFIG_HOME": f"{home}/cfg",
               "PYTHONPATH": str(REPO)}  # fmt: skip
        with fake_server(free_port()) as url:  # fill the quote cache, as yesterday's session did
            subprocess.run([sys.executable, "-m", "neotui", "quotes"], env={**env,
                           "NEOTUI_YAHOO_URL": url}, capture_output=True, timeout=60)  # fmt: skip
        env["NEOTUI_YAHOO_URL"] = f"http://127.0.0.1:{free_port()}"  # offline
        probe("bare", env)  # warm the file cache for both
        probe("neotui", env)
        bare, neo, notes = [], [], set()
        for _ in range(RUNS):
            bare.append(probe("bare", env)[0])
            seconds, rest = probe("neotui", env)
            neo.append(seconds)
            notes.add(rest)
    b, n = statistics.median(bare), statistics.median(neo)
    row("bare Textual app, one 8-row DataTable", f"{b * 1000:.0f} ms")
    row("neotui: providers, deals, capacity, cached quotes", f"{n * 1000:.0f} ms")
    row("ratio neotui / bare", f"{n / b:.2f}x  (aim <= 1.5x)")
    for note in sorted(notes):
        heavy, *what = note.split()
        none = "none (no pandas, numpy, yfinance)"
        row("heavy modules loaded at first frame", heavy if heavy != "-" else none)
        row("shown in the first frame", " ".join(w.replace("-", " ") for w in what))


if __name__ == "__main__":
    main()
