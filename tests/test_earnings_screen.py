"""The Next earnings and Short % columns and the detail screen's earnings lines (Pilot), and how
they look (snapshots at 80x24 and 160x48).

The clock is the morning the calendars and chains were recorded (2025-02-24 09:35 UTC,
pre-market), so the recorded dates are in the future as they were then. ALPH is served BFLY's
bodies (a confirmed date, short interest, a chain) at BFLY's price; CHIP is served CRON's (a
window); NVDA the fund QQQ's key statistics (no short interest, no calendar: its next date
comes from the batch quote's window).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.widgets import Static

from neotui.data.market.earnings_source import EarningsSource
from neotui.screens.detail import ProviderDetail
from neotui.widgets.quotes import QuotesTable
from tests.harness import build_app, fake_switchboard

RECORDED = datetime(2025, 2, 24, 9, 35, tzinfo=UTC)
SIZE = (160, 48)


def earnings_app(short_column: bool = True, earnings: bool = True) -> Any:
    # MDLY answers too (no recorded 404): a long "not found" status would take the width the
    # Next earnings column yields to it.
    fake = fake_switchboard(faults={}, clock=lambda: RECORDED)
    fake.route("ALPH").scale = 4.3 / 1156.87  # BFLY's price on the recorded morning
    fake.route("CHIP").scale = 1.97 / 1156.87  # CRON's
    fake.summaries.update({"ALPH": "BFLY", "CHIP": "CRON", "NVDA": "QQQ"})
    fake.options.update({"ALPH": "BFLY", "CHIP": "CRON"})
    extra = {"earnings": {"short_column": short_column}}
    app = build_app(transport=fake.mock_transport(), clock=lambda: RECORDED, extra=extra)
    if earnings:
        app.feed.earnings = EarningsSource(app.feed.client, clock=lambda: RECORDED)
    return app


async def with_outlook(pilot: Any) -> None:
    await pilot.app.feed.refresh_once()
    await pilot.app.feed.refresh_earnings()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def column(table: QuotesTable, key: str) -> int:
    return [c.key.value for c in table.ordered_columns].index(key)


async def test_next_earnings_and_short_columns() -> None:
    app = earnings_app()
    async with app.run_test(size=(220, 50)) as pilot:  # wide: short interest drops first
        await with_outlook(pilot)
        quotes = app.screen.query_one(QuotesTable)
        earn, short = column(quotes, "earn"), column(quotes, "short")
        assert quotes.get_row("ALPH")[earn].plain == "Feb 28 BMO ±25.3%"
        # A window (Feb 26 to Mar 3): the first expiry after its end, Mar 21; between the 1.5
        # (0.54 + 0.05) and 2.0 (0.12 + 0.12) straddles at 1.97: 0.261, 13.2 %.
        assert quotes.get_row("CHIP")[earn].plain == "~Feb 26 ±13.2%"
        assert quotes.get_row("NVDA")[earn].plain == "~Apr 30"  # from the batch quote
        assert quotes.get_row("ALPH")[short].plain == "8.10%"
        assert quotes.get_row("NVDA")[short].plain == "—"  # a fund: none, never 0
        assert quotes.get_row("MDLY")[earn].plain == "~Apr 30"  # the v7 template's window


async def test_short_column_is_off_by_default_and_earnings_stays() -> None:
    app = earnings_app(short_column=False)
    async with app.run_test(size=SIZE) as pilot:
        await with_outlook(pilot)
        keys = [c.key.value for c in app.screen.query_one(QuotesTable).ordered_columns]
        assert "earn" in keys and "short" not in keys


async def test_detail_screen_dates_every_figure() -> None:
    app = earnings_app()
    async with app.run_test(size=SIZE) as pilot:
        await with_outlook(pilot)
        await pilot.press("j", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ProviderDetail)
        text = str(app.screen.query_one("#detail-earnings", Static).render())
        assert "Next earnings: 2025-02-28 before the open (confirmed)" in text
        assert "implied move ±25.3% (straddle, expiry 2025-03-21, 0s old)" in text
        assert "15M shares short, 8.10% of float, 3.2 days to cover" in text
        assert "reported 2025-01-31" in text


async def test_without_the_source_the_column_uses_the_batch_quote() -> None:
    app = earnings_app(earnings=False)
    async with app.run_test(size=SIZE) as pilot:
        await with_outlook(pilot)
        quotes = app.screen.query_one(QuotesTable)
        earn = column(quotes, "earn")
        # The v7 template's window, for every symbol Yahoo answered; no quoteSummary request.
        assert quotes.get_row("ALPH")[earn].plain == "~Apr 30"


pytestmark_snap = pytest.mark.usefixtures("utc_local_time")


@pytestmark_snap
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_quotes_with_earnings_snapshot(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(earnings_app(), terminal_size=size, run_before=with_outlook)


@pytestmark_snap
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_detail_with_earnings_snapshot(snap_compare, size: tuple[int, int]) -> None:
    async def open_alpha(pilot: Any) -> None:
        await with_outlook(pilot)
        await pilot.press("j", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(earnings_app(), terminal_size=size, run_before=open_alpha)


async def test_a_long_status_reason_takes_the_width_before_the_date() -> None:
    fake = fake_switchboard(clock=lambda: RECORDED)  # MDLY: the recorded 404, a long reason
    app = build_app(transport=fake.mock_transport(), clock=lambda: RECORDED)
    async with app.run_test(size=SIZE) as pilot:
        await with_outlook(pilot)
        quotes = app.screen.query_one(QuotesTable)
        keys = [c.key.value for c in quotes.ordered_columns]
        assert "earn" not in keys and "status" in keys
        assert quotes.get_row("MDLY")[-1].plain.startswith("not found: No data found")
    async with build_app(transport=fake.mock_transport(), clock=lambda: RECORDED).run_test(
        size=(230, 50)
    ) as pilot:
        await with_outlook(pilot)
        keys = [c.key.value for c in pilot.app.screen.query_one(QuotesTable).ordered_columns]
        assert "earn" in keys
