"""Idle CPU and memory while watching: neotui left open on the watch screen, refreshing 8 symbols
every 15 s from the local fake Yahoo server, against a bare Textual app (one 8-row DataTable whose
8 prices change every 15 s) measured the same way at the same time. Aim: neotui at most 0.3 % of
one core above the bare app, and under 150 MB RSS.

Both apps run headless in their own interpreters (bench/idle_probe.py), side by side, so the noise
of this shared machine falls on both alike. After the first frame they settle for a few seconds;
then the CPU time each process used (user + system, all threads, from /proc) is read over three
windows of 15 s, one refresh each. The figure is the median window, as % of one core; the whole
45 s is printed too. RSS is read at the end.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, cpu_seconds, fake_server, free_port, row, rss_mb

SETTLE = 5.0
WINDOW = 15.0
WINDOWS = 3
CONFIG = "[refresh]\nregular = 15\nprepost = 15\nclosed = 15\n"


def launch(kind: str, env: dict[str, str]) -> subprocess.Popen[str]:
    lifetime = SETTLE + WINDOW * WINDOWS + 60  # it exits by itself if we die
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "idle_probe.py"), kind, str(lifetime)],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        _, err = proc.communicate(timeout=10)
        raise RuntimeError(f"{kind} probe did not start: {line!r} {err[-2000:]}")
    return proc


def main() -> None:
    print(
        f"idle: CPU and memory while watching ({WINDOWS} windows of {WINDOW:.0f} s, 15 s refresh)"
    )
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "neotui.toml"
        config.write_text(CONFIG)
        env = {**os.environ, "XDG_CACHE_HOME": f"{home}/cache", "XDG_CONFIG_HOME": f"{home}/cfg",
               "PYTHONPATH": str(REPO), "NEOTUI_CONFIG": str(config)}  # fmt: skip
        with fake_server(free_port()) as url:
            env["NEOTUI_YAHOO_URL"] = url
            procs = {kind: launch(kind, env) for kind in ("bare", "neotui")}
            try:
                time.sleep(SETTLE)
                marks = [{k: cpu_seconds(p.pid) for k, p in procs.items()}]
                starts = [time.monotonic()]
                for _ in range(WINDOWS):
                    time.sleep(WINDOW)
                    marks.append({k: cpu_seconds(p.pid) for k, p in procs.items()})
                    starts.append(time.monotonic())
                rss = {k: rss_mb(p.pid) for k, p in procs.items()}
                for kind, proc in procs.items():
                    if proc.poll() is not None:
                        raise RuntimeError(f"{kind} exited early: {proc.stderr.read()[-2000:]}")
            finally:
                for proc in procs.values():
                    proc.terminate()
                for proc in procs.values():
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()

    def percents(kind: str) -> tuple[float, float]:
        windows = [
            (marks[i + 1][kind] - marks[i][kind]) / (starts[i + 1] - starts[i]) * 100
            for i in range(WINDOWS)
        ]
        whole = (marks[-1][kind] - marks[0][kind]) / (starts[-1] - starts[0]) * 100
        return statistics.median(windows), whole

    bare, bare_all = percents("bare")
    neo, neo_all = percents("neotui")
    span = WINDOW * WINDOWS
    row("bare Textual app, 8-row DataTable updated every 15 s: CPU",
        f"{bare:.2f}% of a core, {bare * WINDOW * 10:.0f} ms per 15 s "
        f"(whole {span:.0f} s: {bare_all:.2f}%)")  # fmt: skip
    row("neotui watching 8 symbols, 15 s refresh: CPU",
        f"{neo:.2f}% of a core, {neo * WINDOW * 10:.0f} ms per refresh "
        f"(whole: {neo_all:.2f}%)  (aim <= 1%)")  # fmt: skip
    ratio = f"{neo / bare:.1f}x" if bare > 0 else "n/a (bare used no measurable CPU)"
    row("CPU ratio neotui / bare", ratio)
    verdict = "✓" if neo <= bare + 0.3 else "✗"
    row("CPU neotui − bare", f"{neo - bare:+.2f} points  (aim <= +0.30) {verdict}")
    row("bare Textual app: RSS", f"{rss['bare']:.0f} MB")
    row("neotui: RSS", f"{rss['neotui']:.0f} MB  (aim <= 150 MB)")
    row("RSS ratio neotui / bare", f"{rss['neotui'] / rss['bare']:.1f}x")


if __name__ == "__main__":
    main()
