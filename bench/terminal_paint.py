"""First paint as a user sees it: from process launch until the cached CRWV price is visible in a
real terminal (a tmux pane of 160x48), neotui against a bare Textual app (Header, an 8-row
DataTable, Footer) showing the same price, alternately, median of 7. Aim: ratio <= 1.5x
(stretch 1.2x). Beside it: when the whole watch screen is up (the deal timeline's first row,
drawn after the first frame), and the bare app with the garbage collector paused as neotui
pauses it during a launch (neotui.startup_gc), to tell that generic gain from the rest.

Both run offline (connection refused) in throw-away XDG dirs; neotui's quote cache is filled
first by ``neotui quotes`` against the fake Yahoo server, as yesterday's session would have. The
clock starts just before ``tmux new-session`` launches the command in a private tmux server (its
own socket, killed at the end) and stops when ``tmux capture-pane -p`` (polled every ~10 ms)
shows a line with "CRWV" and the cached price. The in-process figure (headless, to Textual's
Ready event, bench/paint_probe.py) is measured in the same run, alternately, beside it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, fake_server, free_port, row
from bench.first_paint import probe as headless_probe

RUNS = 7
SIZE = (160, 48)
POLL = 0.010
#: Measure with compiled bytecode cached, as a pip install leaves it (``--no-bytecode``: every
#: launch compiles neotui's sources, as in a checkout with PYTHONDONTWRITEBYTECODE set).
BYTECODE = "--no-bytecode" not in sys.argv
TIMEOUT = 30.0

BARE = """
import gc, os, sys
if "--gc-paused" in sys.argv:
    gc.disable()
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Sym", "Last", "Chg", "Chg%")
        price = os.environ["NEOTUI_BENCH_PRICE"]
        for i, sym in enumerate(("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")):
            table.add_row(sym, price if i == 0 else "1.00", "+0.01", "+1.00%")

Bare().run()
"""


class Tmux:
    """A private tmux server (its own socket name), killed on exit with every process it ran.

    Use it as a context manager: the server goes at the end, also on Ctrl-C or an error.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"neotui-bench-{os.getpid()}"
        self.env = env
        self.count = 0
        #: Every pane's process id: a pane whose command ignores tmux's SIGHUP is killed by id.
        self.pids: list[int] = []
        # A keep-alive session: the server's start is not counted in the first run.
        self("new-session", "-d", "-s", "keep", "-x", "20", "-y", "5", "sleep 3600")

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], env=self.env,
                             capture_output=True, text=True, timeout=20)  # fmt: skip
        return out.stdout

    def time_to_text(self, command: str, *needles: tuple[str, str]) -> list[float]:
        """Seconds from launching ``command`` in a fresh 160x48 session until a line of the pane
        contains both parts of each needle (one time per needle)."""
        self.count += 1
        name = f"run{self.count}"
        width, height = SIZE
        seen: dict[int, float] = {}
        lines: list[str] = []
        start = time.perf_counter()
        pid = self("new-session", "-d", "-P", "-F", "#{pane_pid}", "-s", name,
                   "-x", str(width), "-y", str(height), command)  # fmt: skip
        if pid.strip().isdigit():
            self.pids.append(int(pid))
        try:
            while time.perf_counter() - start < TIMEOUT:
                lines = self("capture-pane", "-p", "-t", name).splitlines()
                now = time.perf_counter() - start
                for i, (a, b) in enumerate(needles):
                    if i not in seen and any(a in line and b in line for line in lines):
                        seen[i] = now
                if len(seen) == len(needles):
                    return [seen[i] for i in range(len(needles))]
                time.sleep(POLL)
            missing = [n for i, n in enumerate(needles) if i not in seen]
            raise RuntimeError(f"{missing} not seen in {TIMEOUT} s; the pane showed:\n"
                               + "\n".join(lines))  # fmt: skip
        finally:
            self("kill-session", "-t", name)

    def close(self) -> None:
        """Kill the server, then any pane process still alive (by its id, checked to be ours)."""
        self("kill-server")
        for pid in self.pids:
            with contextlib.suppress(OSError):
                # The id could have been reused since: only a process still running the
                # command tmux started (our interpreter or the keep-alive) is killed.
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if sys.executable.encode() in cmdline:
                    os.kill(pid, signal.SIGKILL)


def tree_env(home: str, tree: Path = REPO, bytecode: bool = BYTECODE) -> dict[str, str]:
    """The environment a launch of ``tree``'s neotui runs in: throw-away XDG dirs under
    ``home``, ``tree`` first on PYTHONPATH (ahead of the editable install, so one venv can run
    two checkouts), and the bytecode cache in ``home`` when ``bytecode`` is set."""
    env = {**os.environ, "XDG_CACHE_HOME": f"{home}/cache", "XDG_CONFIG_HOME": f"{home}/cfg",
           "XDG_DATA_HOME": f"{home}/data", "PYTHONPATH": str(tree)}  # fmt: skip
    if bytecode:
        # As installed: pip compiles bytecode at install time. This machine sets
        # PYTHONDONTWRITEBYTECODE, which would recompile neotui's source at every launch
        # (~140 ms) while Textual's own .pyc files are used; the warm-up runs write the
        # cache in the throw-away dir (for both apps alike), not in the repository.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = f"{home}/pyc"
    return env


_PRICE = (
    "import json, sys, neotui\n"
    "from neotui.formatting import price\n"
    "records = json.load(sys.stdin)\n"
    "print(neotui.__file__)\n"
    "print(price(next(r['price'] for r in records if r['symbol'] == 'CRWV')))\n"
)


def fill_cache(env: dict[str, str], url: str, tree: Path = REPO) -> tuple[str, str]:
    """Fill the quote cache as a past session would, with ``tree``'s own ``neotui quotes``
    against the fake Yahoo at ``url``. Returns the CRWV price as that tree's quotes pane shows
    it, and the ``neotui/__init__.py`` that was imported (to check which tree ran)."""
    out = subprocess.run([sys.executable, "-m", "neotui", "quotes", "--format", "json"],
                         env={**env, "NEOTUI_YAHOO_URL": url}, capture_output=True, text=True,
                         timeout=60, cwd=tree)  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"neotui quotes in {tree} failed: {out.stderr[-2000:]}")
    shown = subprocess.run([sys.executable, "-c", _PRICE], input=out.stdout, env=env,
                           capture_output=True, text=True, timeout=60, cwd=tree)  # fmt: skip
    if shown.returncode != 0:
        raise RuntimeError(f"formatting the CRWV price in {tree} failed: {shown.stderr[-2000:]}")
    module, text = shown.stdout.split()
    return text, module


def cached_price(env: dict[str, str], url: str) -> str:
    """Fill the quote cache as a past session would; the CRWV price as the quotes pane shows it."""
    return fill_cache(env, url)[0]


def bare_script(home: str) -> str:
    """Write the bare app into ``home``; its path."""
    path = Path(home) / "bare_app.py"
    path.write_text(BARE, encoding="utf-8")
    return str(path)


def launch(tree: Path, args: str) -> str:
    """The shell command tmux runs: the interpreter in ``tree`` (first on sys.path for ``-m``)."""
    return f"cd {shlex.quote(str(tree))} && exec {shlex.quote(sys.executable)} {args}"


#: Lines that show the whole watch screen: the timeline's header and the footer's keys.
WHOLE = (("Date", "Provider"), ("q Quit", "palette"))


def main() -> None:
    print(
        f"terminal first paint: launch -> cached CRWV price visible in tmux {SIZE[0]}x{SIZE[1]}"
        f" ({'bytecode cached, as installed' if BYTECODE else 'no bytecode cache'})"
    )
    with tempfile.TemporaryDirectory() as home:
        env = tree_env(home)
        with fake_server(free_port()) as url:
            text = cached_price(env, url)
        env["NEOTUI_YAHOO_URL"] = f"http://127.0.0.1:{free_port()}"  # offline
        env["NEOTUI_BENCH_PRICE"] = text
        bare_py = shlex.quote(bare_script(home))
        commands = {
            "bare": launch(REPO, bare_py),
            "neotui": launch(REPO, "-m neotui"),
            "bare, collector paused": launch(REPO, f"{bare_py} --gc-paused"),
        }
        price = ("CRWV", text)
        with Tmux(env) as tmux:
            for kind in commands:  # warm the file cache for all
                tmux.time_to_text(commands[kind], price)
            samples: dict[str, list[float]] = {kind: [] for kind in commands}
            full: list[float] = []
            headless: dict[str, list[float]] = {"bare": [], "neotui": []}
            for _ in range(RUNS):
                for kind in commands:
                    if kind == "neotui":
                        first, *rest = tmux.time_to_text(commands[kind], price, *WHOLE)
                        samples[kind].append(first)
                        full.append(max(rest))
                    else:
                        samples[kind].append(tmux.time_to_text(commands[kind], price)[0])
                for kind in headless:
                    headless[kind].append(headless_probe(kind, env)[0])
    load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    b, n = statistics.median(samples["bare"]), statistics.median(samples["neotui"])
    bp, f = statistics.median(samples["bare, collector paused"]), statistics.median(full)
    hb, hn = statistics.median(headless["bare"]), statistics.median(headless["neotui"])

    def spread(xs: list[float]) -> str:
        return f"{min(xs) * 1000:.0f}–{max(xs) * 1000:.0f}"

    row("terminal: bare app (Header, 8-row DataTable, Footer)",
        f"{b * 1000:.0f} ms  ({spread(samples['bare'])})")  # fmt: skip
    row("terminal: neotui, cached CRWV price visible",
        f"{n * 1000:.0f} ms  ({spread(samples['neotui'])})")  # fmt: skip
    row("terminal ratio neotui / bare", f"{n / b:.2f}x  (aim <= 1.5x, stretch 1.2x)")
    row("terminal: neotui, whole screen (timeline and footer)",
        f"{f * 1000:.0f} ms  ({spread(full)}), {f / b:.2f}x the bare app")  # fmt: skip
    row("terminal: bare app with the collector paused (context)",
        f"{bp * 1000:.0f} ms  ({spread(samples['bare, collector paused'])}); "
        f"neotui / it {n / bp:.2f}x")  # fmt: skip
    row("in process (headless, to Ready): bare / neotui", f"{hb * 1000:.0f} / {hn * 1000:.0f} ms")
    row("in-process ratio", f"{hn / hb:.2f}x")
    row("load average after the runs", load)


if __name__ == "__main__":
    main()
