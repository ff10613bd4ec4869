"""Pane cycles: RSS while a user shows and hides panes, for minutes or an hour (issue 22 case 20).

The report: with a 1 s refresh against a local fake Yahoo, the keys ``j j k f f v v tab`` every
20 s (Filings · News and valuation shown and hidden) took RSS from 86 to 108 MB in 3.3 minutes,
and 89 -> 206 MB over 52 minutes, where the app left alone stayed flat. This runs the real app
(``make_app``, headless, in this process) refreshing every second from the tests' fake Yahoo in
its own process (its memory is not ours), and presses those keys once per cycle (every
``--period`` seconds, 2 by default: ten times the report's pace, so minutes here are tens of
minutes there). After each cycle it prints the cycle's RSS; once a minute the live widgets
nobody shows (widgets no longer in the DOM: a leak's usual shape) and the Footer's key widgets.

Aim: RSS flat within 5 MB after the first minutes (``--settle``, 2 by default), over an hour
(``--minutes 60``); the default is a few minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import tempfile
import time
from typing import Any

from bench.common import fake_server, free_port, row, rss_mb

KEYS = ("j", "j", "k", "f", "f", "v", "v", "tab")
REFRESH = 1.0  # seconds, as in the report


def detached_widgets(app: Any) -> tuple[int, int]:
    """Widgets alive after a collection but not in any screen's DOM (and of those, the
    footer's keys): what nothing shows and nothing frees. Once a minute, so the collection
    this forces barely changes what is measured."""
    from textual.widget import Widget

    gc.collect()
    gone = [o for o in gc.get_objects() if isinstance(o, Widget) and not o.is_attached]
    return len(gone), sum(1 for o in gone if type(o).__name__ == "FooterKey")


async def run(minutes: float, period: float, settle: float) -> None:
    from neotui.build import make_app
    from neotui.settings import load_settings

    refresh = {"regular": REFRESH, "prepost": REFRESH, "closed": REFRESH}
    with fake_server(free_port()) as url:
        settings = load_settings(environ={"NEOTUI_YAHOO_URL": url},
                                 overrides={"refresh": refresh})  # fmt: skip
        app = make_app(settings)
        async with app.run_test(headless=True, size=(160, 48)) as pilot:
            await pilot.pause(3.0)  # the panes after the first frame, the first refreshes
            started = time.monotonic()
            per_minute: list[float] = []
            print(f"  {'cycle':>6} {'min':>6} {'RSS MB':>8}", flush=True)
            cycle = 0
            while (elapsed := time.monotonic() - started) < minutes * 60:
                cycle += 1
                began = time.monotonic()
                for key in KEYS:
                    await pilot.press(key)
                    await pilot.pause(0.05)
                mb = rss_mb()
                print(f"  {cycle:>6} {elapsed / 60:>6.2f} {mb:>8.1f}", flush=True)
                if elapsed >= len(per_minute) * 60:  # the first cycle of each minute
                    per_minute.append(mb)
                    detached, keys = detached_widgets(app)
                    print(f"  minute {len(per_minute) - 1}: RSS {mb:.1f} MB, detached widgets "
                          f"alive {detached} (footer keys {keys})", flush=True)  # fmt: skip
                await pilot.pause(max(0.0, period - (time.monotonic() - began)))
    end = rss_mb()
    row("cycles, minutes", f"{cycle}, {minutes:g} (keys {' '.join(KEYS)} every {period:g} s)")
    row("RSS at the start of each minute (MB)", " ".join(f"{mb:.1f}" for mb in per_minute))
    after = [mb for i, mb in enumerate(per_minute) if i >= settle] + [end]
    if len(after) > 1:
        spread = max(after) - min(after)
        row(f"RSS spread after minute {settle:g} (aim <= 5 MB)",
            f"{spread:.1f} MB ({min(after):.1f} .. {max(after):.1f}) "
            f"{'ok' if spread <= 5 else 'GROWING'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pane_cycles",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--minutes", type=float, default=3.0, help="how long (default 3)")
    parser.add_argument("--period", type=float, default=2.0, help="seconds per key cycle")
    parser.add_argument("--settle", type=float, default=2.0,
                        help="minutes before RSS should stay flat (default 2)")  # fmt: skip
    args = parser.parse_args()
    print(f"pane cycles: keys {' '.join(KEYS)} every {args.period:g} s, {REFRESH:g} s refresh, "
          f"{args.minutes:g} min")  # fmt: skip
    with tempfile.TemporaryDirectory() as home:
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            os.environ[name] = f"{home}/{name.lower()}"
        asyncio.run(run(args.minutes, args.period, args.settle))


if __name__ == "__main__":
    main()
