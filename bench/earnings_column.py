"""The quotes table's refresh cost with the Next earnings column, against the table without it,
in the same run.

A headless app holding only the quotes table (as wide as the watch screen's at 220 columns, so
no column is dropped) is given one feed update in which every row changed; the CPU time from
``apply`` to the frame that shows it is measured (``time.process_time``: the wall time includes
``pilot.pause()``'s idle detection). "with" is the table as shipped, every symbol with a
confirmed date, a calendar and an implied move (the worst case: every cell is computed and
styled); "without" is the same table with the column taken out and its cell not computed (the
table before the column). They alternate, 8 and 500 symbols, median of ``ROUNDS`` rounds each.

The cell is remembered per symbol until its inputs change (``EarningsCells``): in the rounds
the prices move and the dates do not, as in a real refresh.

``python -m bench.earnings_column``
"""

from __future__ import annotations

import asyncio
import functools
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult

from bench.common import row
from neotui.data.market.earnings import parse_summary
from neotui.data.market.earnings_source import Outlook
from neotui.data.market.feed import FeedUpdate, SymbolState, SymbolStatus
from neotui.data.market.options import implied_move, parse_chain
from neotui.data.market.quote import Quote, Session
from neotui.widgets import quotes as quotes_module
from neotui.widgets.earnings_cells import EarningsCells, earnings_cell
from neotui.widgets.quotes import ALL_KEYS, QuotesTable
from tests.fake_yahoo import recorded_json

NOW = datetime(2025, 2, 24, 14, 35, tzinfo=UTC)
ROUNDS = 15


@functools.cache
def outlook() -> Outlook:
    """BFLY's recorded calendar, short interest and implied move (kept by the feed between
    refreshes: the same object every round, as in the app)."""
    body = {"quoteSummary": {"result": [{
        **recorded_json("y2_quoteSummary_calendarEvents_BFLY_2025-02-24.json")["quoteSummary"]
        ["result"][0],
        **recorded_json("y2_quoteSummary_defaultKeyStatistics_BFLY_2025-02-24.json")
        ["quoteSummary"]["result"][0]}]}}  # fmt: skip
    summary = parse_summary(body, "BFLY", NOW)
    implied = implied_move(parse_chain(recorded_json("y2_options_BFLY.json"), "BFLY"), 4.3, NOW)
    return Outlook(summary, implied)


def states(n: int, step: int) -> dict[str, SymbolState]:
    """``n`` fresh symbols whose prices moved by ``step`` (every row changes each round)."""
    start = int((NOW + timedelta(days=4)).timestamp())
    out = {}
    for i in range(n):
        symbol = f"S{i:03d}"
        quote = Quote(symbol, 4.3 + step * 0.01 + i * 0.001, NOW, prev_close=4.2, day_low=4.1,
                      day_high=4.4, volume=1e6, market_cap=1e9, earnings_start=start,
                      earnings_end=start, earnings_last=start - 90 * 86400,
                      earnings_estimate=False, series=(4.2, 4.25, 4.3))  # fmt: skip
        out[symbol] = SymbolState(symbol, SymbolStatus.FRESH, quote, outlook=outlook())
    return out


class Without(QuotesTable):
    """The table before the column: the key taken out, the cell never computed."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.full_keys = tuple(k for k in self.full_keys if k != "earn")


class Harness(App[None]):
    def __init__(self, table: QuotesTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


async def measure(n: int, without: bool) -> list[float]:
    symbols = tuple(f"S{i:03d}" for i in range(n))
    original = quotes_module.EarningsCells.cell
    if without:  # the cell is not computed at all, as before the column
        quotes_module.EarningsCells.cell = lambda *a, **k: Text("")  # type: ignore[method-assign]
    table = (Without if without else QuotesTable)(symbols, lambda: NOW)
    times: list[float] = []
    try:
        async with Harness(table).run_test(size=(220, min(n, 60) + 6)) as pilot:
            for step in range(ROUNDS + 2):
                update = FeedUpdate(states(n, step), frozenset(symbols), Session.REGULAR, None)
                started = time.process_time()
                table.apply(update, update.changed)
                await pilot.pause()
                if step >= 2:  # the first two build the rows
                    times.append(time.process_time() - started)
    finally:
        quotes_module.EarningsCells.cell = original  # type: ignore[method-assign]
    return times


def main() -> None:
    print("earnings column: one refresh with every row changed, CPU ms (median of "
          f"{ROUNDS}), with the column against without it")  # fmt: skip
    assert "earn" in ALL_KEYS
    for n in (8, 500):
        with_, without = [], []
        for _ in range(3):  # alternate, so the machine's noise falls on both
            without += asyncio.run(measure(n, True))
            with_ += asyncio.run(measure(n, False))
        a, b = statistics.median(without) * 1000, statistics.median(with_) * 1000
        row(f"{n} symbols: without the column", f"{a:.1f} ms")
        row(f"{n} symbols: with it (date, time, implied move)", f"{b:.1f} ms ({b / a:.2f}x)")
    one = states(1, 0)["S000"]
    cells = 2000
    started = time.process_time()
    for _ in range(cells):
        earnings_cell(replace(one), NOW)
    per = (time.process_time() - started) / cells * 1e6
    row("one Next earnings cell computed (choose, label, implied move)", f"{per:.0f} µs")
    memo = EarningsCells()
    started = time.process_time()
    for step in range(cells):
        memo.cell(states(1, step % 3)["S000"] if step < 3 else one, NOW)
    per = (time.process_time() - started) / cells * 1e6
    row("the same cell when only the price moved (remembered)", f"{per:.0f} µs")


if __name__ == "__main__":
    main()
