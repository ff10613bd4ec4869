"""Before and after in one run: the first frame, the whole screen, idle CPU and RSS of neotui at a
base commit ("before") and of this working tree ("after"), against the bare Textual app.

``python -m bench.compare [--base REF] [--rounds 9] [--windows 3] [--no-bytecode]``

The base commit is checked out into a temporary git worktree (``git worktree add --detach``,
removed at the end) and run from the same venv with that tree first on ``PYTHONPATH``, which wins
over the editable install (the ``neotui/__init__.py`` each tree imported is printed). Each tree
gets its own throw-away XDG dirs, its quote cache filled by its own ``neotui quotes`` against the
fake Yahoo server, and its own bytecode cache.

First frame (as bench/terminal_paint.py measures it): in one private tmux server, 160x48,
offline, the bare app (Header, 8-row DataTable, Footer), the base tree's and this tree's
``python -m neotui`` are launched one after the other, ``--rounds`` rounds after one warm-up
launch each, the order rotated every round so no app always follows the same one. Each time is
from launch until the cached CRWV price is visible; for neotui also until the whole screen is up
(timeline header and footer keys). Ratios are to the bare app's median in this run; the median of
the per-round ratios is printed beside them. In the same rounds each app also starts headless
(bench/paint_probe.py, to Textual's Ready event): its CPU time from the process start is the
figure a busy machine disturbs least (wall times move by ±30 % at a load of 3-4 on 2 cores).

Idle (as bench/idle.py measures it): the three apps headless, side by side, 15 s refresh from the
fake Yahoo server; CPU as % of one core, the median of ``--windows`` windows of 15 s after a 5 s
settle; RSS after the settle and at the end.

Every process, the tmux server and the worktree are removed at the end, also on Ctrl-C or
SIGTERM. It takes about 2.5 minutes; the last lines are a Markdown table to paste.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bench.common import REPO, fake_server, free_port, row
from bench.first_paint import probe_cpu
from bench.idle import WINDOW, Idle, measure, write_config
from bench.terminal_paint import SIZE, WHOLE, Tmux, bare_script, fill_cache, tree_env

#: The tree at the start of issue 17's session, before the layout by domain.
BASE = "78ca3d8"
ROUNDS = 9
KINDS = ("bare", "base", "head")


@dataclass
class Paint:
    """One app's launches: seconds to the cached price, and to the whole screen (neotui only);
    headless to Textual's Ready, wall and CPU seconds."""

    first: list[float] = field(default_factory=list)
    whole: list[float] = field(default_factory=list)
    ready: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def git(*args: str) -> str:
    """Run git in the repository; its output, stripped."""
    out = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout.strip()


def describe(ref: str) -> str:
    """Short hash and subject of a commit, cut to fit a line."""
    line = git("log", "-1", "--format=%h %s", ref)
    return line if len(line) <= 90 else line[:89] + "…"


def head_label() -> str:
    """This tree: HEAD's short hash, and whether the package differs from it (uncommitted)."""
    dirty = git("status", "--porcelain", "--", "neotui", "config")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[Path]:
    """``ref`` checked out in a temporary worktree (detached), removed when done."""
    path = Path(tempfile.mkdtemp(prefix="neotui-base-"))
    try:
        git("worktree", "add", "--detach", "--quiet", str(path), ref)
        yield path
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)],
                       capture_output=True, timeout=120)  # fmt: skip
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], capture_output=True,
                       timeout=120)  # fmt: skip


def command(tree: Path, args: str, env: dict[str, str], server: dict[str, str]) -> str:
    """The shell command for one tmux launch. A pane inherits the tmux server's environment, so
    what differs from it (this tree's XDG dirs, PYTHONPATH, bytecode cache) is exported first."""
    missing = [k for k in server if k not in env]
    if missing:
        raise ValueError(f"a launch cannot unset {missing}")
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if server.get(k) != v)
    prefix = f"export {exports}; " if exports else ""
    return f"{prefix}cd {shlex.quote(str(tree))} && exec {shlex.quote(sys.executable)} {args}"


def first_paints(
    commands: dict[str, str], needles: dict[str, tuple[str, str]], server: dict[str, str],
    probes: dict[str, tuple[str, dict[str, str], Path]], rounds: int,
) -> dict[str, Paint]:  # fmt: skip
    """Launch every app once to warm the caches, then ``rounds`` rounds in a rotating order: each
    app in tmux, then each headless (bench/paint_probe.py; ``probes``: kind, env, tree)."""
    paints = {kind: Paint() for kind in commands}
    kinds = list(commands)
    with Tmux(server) as tmux:

        def once(kind: str) -> tuple[float, float | None]:
            if kind == "bare":
                return tmux.time_to_text(commands[kind], needles[kind])[0], None
            first, *rest = tmux.time_to_text(commands[kind], needles[kind], *WHOLE)
            return first, max(rest)

        for kind in kinds:
            once(kind)
            probe_cpu(*probes[kind])
        for i in range(rounds):
            order = kinds[i % len(kinds) :] + kinds[: i % len(kinds)]
            for kind in order:
                first, whole = once(kind)
                paints[kind].first.append(first)
                if whole is not None:
                    paints[kind].whole.append(whole)
            for kind in order:
                ready, _, cpu = probe_cpu(*probes[kind])
                paints[kind].ready.append(ready)
                paints[kind].cpu.append(cpu)
            print(f"  round {i + 1}/{rounds}: "
                  + ", ".join(f"{k} {paints[k].first[-1] * 1000:.0f}" for k in kinds)
                  + " ms; headless CPU "
                  + ", ".join(f"{k} {paints[k].cpu[-1] * 1000:.0f}" for k in kinds)
                  + " ms", flush=True)  # fmt: skip
    return paints


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM or SIGHUP: leave through the ``finally`` blocks, which stop what we started."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--base", default=BASE, help=f"the commit before (default {BASE})")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="launches of each app")
    parser.add_argument("--windows", type=int, default=3, help="idle windows of 15 s (0: skip)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile the sources at every launch (no bytecode cache)")  # fmt: skip
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        run(args.base, args.rounds, args.windows, not args.no_bytecode)
    except KeyboardInterrupt:
        sys.exit("interrupted; every process, the tmux server and the worktree were removed")


def run(ref: str, rounds: int, windows: int, bytecode: bool) -> None:
    """Measure, then print the figures and the Markdown table."""
    started = time.monotonic()
    load_before = os.getloadavg()
    base_name, head_name = describe(ref), head_label()
    print(f"neotui before and after, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"  base: {base_name}")
    print(f"  head: {head_name} (this working tree, {REPO})")
    with tempfile.TemporaryDirectory(prefix="neotui-compare-") as home, checkout(ref) as base:
        trees = {"base": base, "head": REPO}
        envs = {label: tree_env(f"{home}/{label}", tree, bytecode) for label, tree in trees.items()}
        prices: dict[str, str] = {}
        with fake_server(free_port()) as url:
            for label, tree in trees.items():
                prices[label], module = fill_cache(envs[label], url, tree)
                if not Path(module).resolve().is_relative_to(tree.resolve()):
                    raise RuntimeError(f"{label} imported {module}, not the tree {tree}")
                row(f"{label}: neotui imported from", module)
        offline = f"http://127.0.0.1:{free_port()}"
        for env in envs.values():
            env["NEOTUI_YAHOO_URL"] = offline
        # The tmux server (so every pane) has this tree's environment; the bare app runs in it,
        # showing this tree's price.
        server = envs["head"]
        envs["bare"] = {**server, "NEOTUI_BENCH_PRICE": prices["head"]}
        commands = {
            "bare": command(REPO, shlex.quote(bare_script(home)), envs["bare"], server),
            "base": command(base, "-m neotui", envs["base"], server),
            "head": command(REPO, "-m neotui", envs["head"], server),
        }
        needles = {"bare": ("CRWV", prices["head"]), "base": ("CRWV", prices["base"]),
                   "head": ("CRWV", prices["head"])}  # fmt: skip
        print(f"first paint: launch -> cached CRWV price visible, tmux {SIZE[0]}x{SIZE[1]}, "
              f"offline ({'bytecode cached' if bytecode else 'no bytecode cache'}), "
              f"{rounds} rounds in rotating order", flush=True)  # fmt: skip
        probes = {"bare": ("bare", envs["bare"], REPO), "base": ("neotui", envs["base"], base),
                  "head": ("neotui", envs["head"], REPO)}  # fmt: skip
        paints = first_paints(commands, needles, server, probes, rounds)
        idle: dict[str, Idle] = {}
        if windows > 0:
            print(f"idle: side by side, 15 s refresh, {windows} windows of {WINDOW:.0f} s",
                  flush=True)  # fmt: skip
            with fake_server(free_port()) as url:
                config = write_config(home)
                live = {k: {**e, "NEOTUI_YAHOO_URL": url, "NEOTUI_CONFIG": config}
                        for k, e in envs.items()}  # fmt: skip
                idle = measure({"bare": ("bare", live["bare"], REPO),
                                "base": ("neotui", live["base"], base),
                                "head": ("neotui", live["head"], REPO)},
                               windows=windows)  # fmt: skip
    report(paints, idle, base_name.split()[0], head_name.split()[0])
    load_after = os.getloadavg()
    loads = "{:.2f} {:.2f} {:.2f} / {:.2f} {:.2f} {:.2f}".format(*load_before, *load_after)
    row("load average before / after", loads)
    row("time taken", f"{time.monotonic() - started:.0f} s")


def report(paints: dict[str, Paint], idle: dict[str, Idle], base: str, head: str) -> None:
    """The figures, one per line, then the same as a Markdown table."""
    med = {k: statistics.median(p.first) for k, p in paints.items()}
    whole = {k: statistics.median(p.whole) for k, p in paints.items() if p.whole}
    bare = paints["bare"].first

    def ms(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:.0f} ms ({min(xs) * 1000:.0f}–{max(xs) * 1000:.0f})"

    def paired(xs: list[float]) -> float:  # the median of the per-round ratios
        return statistics.median(x / b for x, b in zip(xs, bare, strict=True))

    row("bare app (Header, 8-row DataTable, Footer): first paint", ms(bare))
    for k in ("base", "head"):
        p = paints[k]
        row(f"{k}: first paint", f"{ms(p.first)}  {med[k] / med['bare']:.2f}x the bare app "
            f"(per round {paired(p.first):.2f}x)")  # fmt: skip
        row(f"{k}: whole screen (timeline and footer)", f"{ms(p.whole)}  "
            f"{whole[k] / med['bare']:.2f}x (per round {paired(p.whole):.2f}x)")  # fmt: skip
    row("head / base: first paint, whole screen",
        f"{med['head'] / med['base']:.2f}x, {whole['head'] / whole['base']:.2f}x")  # fmt: skip
    ready = {k: statistics.median(p.ready) for k, p in paints.items()}
    cpu = {k: statistics.median(p.cpu) for k, p in paints.items()}
    for k in KINDS:
        times = f"{ready[k] * 1000:.0f} ms, {cpu[k] * 1000:.0f} ms"
        row(f"{k}: headless, to Ready: wall, CPU", f"{times}  ({cpu[k] / cpu['bare']:.2f}x bare)")
    for k, f in idle.items():
        figures = f"{f.cpu:.2f} % ({f.cpu_whole:.2f} %), {f.rss_started:.0f} / {f.rss:.0f} MB"
        row(f"{k}: idle CPU (median window; whole), RSS started / end", figures)

    n = len(bare)
    print()
    print(f"| figure | bare app | before ({base}) | after ({head}) |")
    print("|---|---|---|---|")
    print(f"| first paint, tmux 160x48, cached price (median of {n}) | {med['bare'] * 1000:.0f} ms"
          + "".join(f" | {med[k] * 1000:.0f} ms, **{med[k] / med['bare']:.2f}x**"
                    for k in ("base", "head")) + " |")  # fmt: skip
    print("| whole screen (timeline and footer) | —"
          + "".join(f" | {whole[k] * 1000:.0f} ms, **{whole[k] / med['bare']:.2f}x**"
                    for k in ("base", "head")) + " |")  # fmt: skip
    print("| median of the per-round ratios, first / whole | —"
          + "".join(f" | {paired(paints[k].first):.2f}x / {paired(paints[k].whole):.2f}x"
                    for k in ("base", "head")) + " |")  # fmt: skip
    print("| headless to Ready: CPU time of the process (wall) |"
          + " |".join(f" {cpu[k] * 1000:.0f} ms"
                      + (f", **{cpu[k] / cpu['bare']:.2f}x**" if k != "bare" else "")
                      + f" ({ready[k] * 1000:.0f} ms)" for k in KINDS) + " |")  # fmt: skip
    if idle:
        print("| idle CPU, 15 s refresh (median 15 s window) |"
              + " |".join(f" {idle[k].cpu:.2f} %" for k in KINDS) + " |")  # fmt: skip
        print("| RSS after start-up / at the end |"
              + " |".join(f" {idle[k].rss_started:.0f} / {idle[k].rss:.0f} MB" for k in KINDS)
              + " |")  # fmt: skip


if __name__ == "__main__":
    main()
