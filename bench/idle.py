"""Idle CPU and memory while watching: neotui left open on the watch screen, refreshing 8 symbols
every 15 s from the local fake Yahoo server, against a bare Textual app (one 8-row DataTable whose
8 prices change every 15 s) measured the same way at the same time. Aim: neotui at most 0.3 % of
one core above the bare app, and under 150 MB RSS.

Both apps run headless in their own interpreters (bench/idle_probe.py), side by side, so the noise
of this shared machine falls on both alike. After the first frame they settle for a few seconds;
then the CPU time each process used (user + system, all threads, from /proc) is read over three
windows of 15 s, one refresh each. The figure is the median window, as % of one core; the whole
45 s is printed too. RSS is read at the end.

``measure()`` is shared with bench/compare.py, which runs two checkouts' neotui beside the bare
app.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

from bench.common import REPO, cpu_seconds, fake_server, free_port, row, rss_mb

SETTLE = 5.0
WINDOW = 15.0
WINDOWS = 3
CONFIG = "[refresh]\nregular = 15\nprepost = 15\nclosed = 15\n"


@dataclass(frozen=True)
class Idle:
    """One app's figures: CPU as % of one core (median window, whole span), RSS in MB."""

    cpu: float
    cpu_whole: float
    rss_started: float  # after the settle, before the windows
    rss: float  # at the end


def launch(kind: str, env: dict[str, str], tree: Path = REPO, lifetime: float = 0.0) -> Popen[str]:
    """Start bench/idle_probe.py for ``kind`` (bare or neotui) in ``tree`` (the working directory,
    which is also what ``env``'s PYTHONPATH should name); returns once it prints ``ready``."""
    lifetime = lifetime or SETTLE + WINDOW * WINDOWS + 60  # it exits by itself if we die
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "idle_probe.py"), kind, str(lifetime)],
        env=env, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline().strip()
    except BaseException:  # Ctrl-C or SIGTERM while it starts: it is not ours to leave behind
        stop([proc])
        raise
    if line != "ready":
        proc.kill()
        _, err = proc.communicate(timeout=10)
        raise RuntimeError(f"{kind} probe did not start: {line!r} {err[-2000:]}")
    return proc


def measure(
    apps: dict[str, tuple[str, dict[str, str], Path]],
    settle: float = SETTLE,
    window: float = WINDOW,
    windows: int = WINDOWS,
) -> dict[str, Idle]:
    """Start every app (label: kind, environment, tree), let them settle side by side, then read
    their CPU time over ``windows`` windows of ``window`` seconds. Every probe is stopped at the
    end, also on an error or Ctrl-C."""
    procs: dict[str, Popen[str]] = {}
    lifetime = settle + window * windows + 60
    try:
        for label, (kind, env, tree) in apps.items():
            procs[label] = launch(kind, env, tree, lifetime)
        time.sleep(settle)
        marks = [{k: cpu_seconds(p.pid) for k, p in procs.items()}]
        starts = [time.monotonic()]
        started = {k: rss_mb(p.pid) for k, p in procs.items()}
        for _ in range(windows):
            time.sleep(window)
            marks.append({k: cpu_seconds(p.pid) for k, p in procs.items()})
            starts.append(time.monotonic())
        rss = {k: rss_mb(p.pid) for k, p in procs.items()}
        for label, proc in procs.items():
            if proc.poll() is not None:
                assert proc.stderr is not None
                raise RuntimeError(f"{label} exited early: {proc.stderr.read()[-2000:]}")
    finally:
        stop(procs.values())

    def figures(label: str) -> Idle:
        spans = [
            (marks[i + 1][label] - marks[i][label]) / (starts[i + 1] - starts[i]) * 100
            for i in range(windows)
        ]
        whole = (marks[-1][label] - marks[0][label]) / (starts[-1] - starts[0]) * 100
        return Idle(statistics.median(spans), whole, started[label], rss[label])

    return {label: figures(label) for label in procs}


def stop(procs: Iterable[Popen[str]]) -> None:
    """Terminate the probes, then kill any that has not exited after 10 s."""
    procs = list(procs)
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def main() -> None:
    print(
        f"idle: CPU and memory while watching ({WINDOWS} windows of {WINDOW:.0f} s, 15 s refresh)"
    )
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_CACHE_HOME": f"{home}/cache", "XDG_CONFIG_HOME": f"{home}/cfg",
               "PYTHONPATH": str(REPO), "NEOTUI_CONFIG": write_config(home)}  # fmt: skip
        with fake_server(free_port()) as url:
            env["NEOTUI_YAHOO_URL"] = url
            figures = measure({"bare": ("bare", env, REPO), "neotui": ("neotui", env, REPO)})
    bare, neo = figures["bare"], figures["neotui"]
    span = WINDOW * WINDOWS
    row("bare Textual app, 8-row DataTable updated every 15 s: CPU",
        f"{bare.cpu:.2f}% of a core, {bare.cpu * WINDOW * 10:.0f} ms per 15 s "
        f"(whole {span:.0f} s: {bare.cpu_whole:.2f}%)")  # fmt: skip
    row("neotui watching 8 symbols, 15 s refresh: CPU",
        f"{neo.cpu:.2f}% of a core, {neo.cpu * WINDOW * 10:.0f} ms per refresh "
        f"(whole: {neo.cpu_whole:.2f}%)  (aim <= 1%)")  # fmt: skip
    ratio = f"{neo.cpu / bare.cpu:.1f}x" if bare.cpu > 0 else "n/a (bare used no measurable CPU)"
    row("CPU ratio neotui / bare", ratio)
    verdict = "✓" if neo.cpu <= bare.cpu + 0.3 else "✗"
    row("CPU neotui − bare", f"{neo.cpu - bare.cpu:+.2f} points  (aim <= +0.30) {verdict}")
    row("bare Textual app: RSS", f"{bare.rss:.0f} MB")
    row("neotui: RSS", f"{neo.rss:.0f} MB  (aim <= 150 MB)")
    row("RSS ratio neotui / bare", f"{neo.rss / bare.rss:.1f}x")


def write_config(home: str) -> str:
    """A settings file with a 15 s refresh in every session; its path."""
    config = Path(home) / "neotui.toml"
    config.write_text(CONFIG)
    return str(config)


if __name__ == "__main__":
    main()
