"""Run by bench/first_paint.py in a fresh interpreter: start an app headless, and at its first
frame (Textual's Ready event) print the seconds since NEOTUI_BENCH_START and what was loaded, after
a line ``cpu SECONDS``: the CPU time the process used from its start (interpreter included, all
threads), which a busy machine inflates far less than the wall time.

``python bench/paint_probe.py neotui|bare``
"""

from __future__ import annotations

import os
import sys
import time


def report(app, extra: str = "") -> None:
    elapsed = time.time() - float(os.environ["NEOTUI_BENCH_START"])
    heavy = [m for m in ("pandas", "numpy", "yfinance") if m in sys.modules]
    print(f"cpu {time.process_time():.4f}", flush=True)
    print(f"{elapsed:.4f} {','.join(heavy) or '-'} {extra}", flush=True)
    app.exit()


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Sym", "Last", "Chg", "Chg%")
            for i in range(8):
                table.add_row(f"S{i}", "1.00", "+0.01", "+1.00%")

        def on_ready(self) -> None:
            report(self)

    Bare().run(headless=True, size=(160, 48))


def neotui() -> None:
    from neotui import startup_gc

    startup_gc.pause()  # as neotui.__main__ does for a launch
    from neotui.app import NeoApp
    from neotui.build import make_app
    from neotui.settings import load_settings
    from neotui.widgets.quotes import QuotesTable

    class Probe(NeoApp):
        def on_ready(self) -> None:
            quotes = self.screen.query_one(QuotesTable)
            priced = sum(1 for key in quotes.rows if quotes.get_row(key)[1].plain != "—")
            deals = self.watch_screen.book.counts["deal"]  # 0 when a large book follows
            report(self, f"{priced}-priced-rows {deals}-deals-drawn")

    app = make_app(load_settings(), app_class=Probe)  # exactly what the CLI builds
    app.run(headless=True, size=(160, 48))


if __name__ == "__main__":
    {"bare": bare, "neotui": neotui}[sys.argv[1]]()
