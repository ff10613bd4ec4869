"""Run by bench/idle.py in a fresh interpreter: start an app headless and keep it running, idle,
so the parent can read its CPU time and memory from /proc. The bare app (one 8-row DataTable)
changes its 8 prices every 15 s, as a minimal monitor would. Prints ``ready`` at the first frame
(Textual's Ready event) and exits on its own after ``MAX_SECONDS`` (or when terminated).

``python bench/idle_probe.py neotui|bare [MAX_SECONDS]``

neotui is built as the CLI builds it (settings from the environment, the quote cache, the deals
watcher, the live market feed), so the idle figure includes its refresh loop and file polling.
"""

from __future__ import annotations

import sys

MAX_SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 180.0


def ready(app) -> None:
    print("ready", flush=True)
    app.set_timer(MAX_SECONDS, app.exit)


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        ticks = 0

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Sym", "Last", "Chg", "Chg%")
            for i in range(8):
                table.add_row(f"S{i}", "1.00", "+0.01", "+1.00%", key=f"S{i}")
            self.set_interval(15, self.tick)  # the same rhythm as neotui's refresh

        def tick(self) -> None:
            self.ticks += 1
            table = self.query_one(DataTable)
            for i in range(8):
                table.update_cell(
                    f"S{i}", table.ordered_columns[1].key, f"{1 + self.ticks / 100:.2f}"
                )

        def on_ready(self) -> None:
            ready(self)

    Bare().run(headless=True, size=(160, 48))


def neotui() -> None:
    from neotui.app import NeoApp
    from neotui.build import make_app
    from neotui.settings import load_settings

    class Probe(NeoApp):
        def on_ready(self) -> None:
            # Textual calls NeoApp.on_ready too (handlers run along the MRO): it starts the
            # market feed and the deals watcher.
            ready(self)

    app = make_app(load_settings(), app_class=Probe)  # exactly what the CLI builds
    app.run(headless=True, size=(160, 48))


if __name__ == "__main__":
    {"bare": bare, "neotui": neotui}[sys.argv[1]]()
