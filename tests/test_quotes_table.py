"""The quotes table under many changes: a moved price flashes and one timer ends every flash;
an update of many rows repaints the table once."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from neotui.widgets.quotes import FLASH_SECONDS, QuotesTable
from tests.harness import build_app, fake_switchboard
from tests.helpers import UtcClock, wait_until

SIZE = (160, 48)


def flashing(quotes: QuotesTable, symbol: str) -> bool:
    return "reverse" in str(quotes.get_row(symbol)[1].style)


async def test_moved_prices_flash_then_settle_and_repaint_once(
    monkeypatch: pytest.MonkeyPatch, utc_clock: UtcClock
) -> None:
    fake = fake_switchboard()
    app = build_app(transport=fake.mock_transport(), clock=utc_clock)
    async with app.run_test(size=SIZE) as pilot:
        quotes = app.screen.query_one(QuotesTable)
        await app.feed.refresh_once()
        await pilot.pause()
        first = quotes.get_row("ALPH")[1].plain
        assert not flashing(quotes, "ALPH")  # a first price is not a move

        repaints: list[object] = []
        original = DataTable.refresh

        def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self is quotes:
                repaints.append(args)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(DataTable, "refresh", counting)
        for symbol in ("ALPH", "CHIP", "NVDA"):
            fake.route(symbol).scale *= 1.1
        update = await app.feed.refresh_once(force=True)
        assert {"ALPH", "CHIP", "NVDA"} <= update.changed
        repaints.clear()
        quotes.apply(update, update.changed)  # as the app does with the published update
        assert len(repaints) == 1  # ~27 cells changed, one repaint
        assert quotes.get_row("ALPH")[1].plain != first
        assert all(flashing(quotes, s) for s in ("ALPH", "CHIP", "NVDA"))
        assert not flashing(quotes, "MDLY")

        utc_clock.advance(FLASH_SECONDS + 0.5)  # the flash is over...
        await wait_until(lambda: not flashing(quotes, "ALPH"), pilot=pilot)  # ...its timer redraws
        assert not any(flashing(quotes, s) for s in ("CHIP", "NVDA"))
        assert quotes.get_row("ALPH")[1].plain != first


async def test_rows_out_of_view_are_drawn_when_they_come_into_view() -> None:
    symbols = tuple(f"S{i:02d}" for i in range(60))
    fake = fake_switchboard(faults={})
    app = build_app(symbols=symbols, transport=fake.mock_transport())
    async with app.run_test(size=SIZE) as pilot:
        quotes = app.screen.query_one(QuotesTable)
        update = await app.feed.refresh_once()
        assert len(update.changed) == 60
        await pilot.pause()
        first, last = quotes.drawn("S00"), quotes.drawn("S59")
        assert first["last"].plain != "—"  # in view: drawn with the update
        assert last["last"].plain == "—"  # far out of view: not drawn yet...
        quotes.move_cursor(row=59)  # ...until it scrolls into view
        await pilot.pause()
        assert quotes.scroll_y > 0
        assert quotes.drawn("S59")["last"].plain != "—"
        assert quotes.drawn("S59")["last"].plain == quotes.get_row("S59")[1].plain
        # Reading a row out of view draws it first: nobody sees a stale cell.
        quotes.move_cursor(row=0)
        await pilot.pause()
        fake.route("S58").scale *= 1.5
        await app.feed.refresh_once(force=True)
        await pilot.pause()
        before = quotes.drawn("S58")["last"].plain
        after = quotes.get_row("S58")[1].plain
        assert after != before and quotes.drawn("S58")["last"].plain == after
