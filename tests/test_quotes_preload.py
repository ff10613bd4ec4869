"""The quotes table built with the cached quotes before it mounts (issue 13: at 500 symbols the
rows were built as placeholders, then redrawn cell by cell before the first frame)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from neotui.data.market.feed import FeedUpdate, SymbolState, SymbolStatus
from neotui.data.market.quote import Quote, Session
from neotui.widgets.quotes import QuotesTable
from tests.helpers import FROZEN

SYMBOLS = ("CRWV", "NBIS")


def cached() -> FeedUpdate:
    prices = {"CRWV": (91.25, 90.0), "NBIS": (44.5, 45.0)}
    states = {
        s: SymbolState(s, SymbolStatus.STALE, Quote(s, p, FROZEN, prev_close=prev), "cached")
        for s, (p, prev) in prices.items()
    }
    return FeedUpdate(states, frozenset(states), Session.CLOSED, None)


class TableApp(App[None]):
    def __init__(self, update: FeedUpdate) -> None:
        super().__init__()
        self.update = update

    def compose(self) -> ComposeResult:
        table = QuotesTable(SYMBOLS, lambda: FROZEN, id="quotes")
        table.preload(self.update)
        yield table


async def test_preloaded_rows_show_cached_prices_and_the_same_update_changes_nothing() -> None:
    update = cached()
    app = TableApp(update)
    async with app.run_test(size=(160, 10)) as pilot:
        table = app.query_one(QuotesTable)
        assert table.get_row("CRWV")[1].plain == "91.25"
        assert table.get_row("NBIS")[1].plain == "44.50"
        redrawn: list[str] = []
        real = table.draw_row
        table.draw_row = lambda s: (redrawn.append(s), real(s))  # type: ignore[method-assign]
        table.apply(update, update.changed)  # what the app does next with the same snapshot
        assert redrawn == []  # drawn once, at mount
        # A later snapshot is applied as usual.
        moved = dict(update.states)
        moved["CRWV"] = SymbolState("CRWV", SymbolStatus.FRESH,
                                    Quote("CRWV", 92.0, FROZEN, prev_close=90.0))  # fmt: skip
        table.apply(FeedUpdate(moved, frozenset({"CRWV"}), Session.CLOSED, None),
                    frozenset({"CRWV"}))  # fmt: skip
        await pilot.pause()
        assert table.get_row("CRWV")[1].plain == "92.00" and "CRWV" in redrawn
