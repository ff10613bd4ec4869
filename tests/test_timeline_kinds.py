"""Pilot tests of the timeline's event kinds: earnings days from the SEC feed's filings appear
beside the deals with their Day 0, `t` filters by kind (the border says which), a deal's detail
reads its Day 0 against the typical earnings move, and the kind registry stays coherent."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from neotui.data.sec.feed import CompanyFilings, FilingsUpdate
from neotui.data.sec.submissions import Filing
from neotui.data.timeline import KINDS, EventKind, TimelineEvent, count_label, next_kind
from neotui.messages import FilingsUpdated
from neotui.widgets.timeline import DealDetail, DealTable
from tests.harness import build_app
from tests.test_impact_screen import BOOK, SIZE, jump_transport

NY = ZoneInfo("America/New_York")  # the feed's Filing.accepted carries EDGAR's digits so tagged

#: STK's results 8-Ks: EDGAR's UTC digits (20:05Z in summer and 21:05Z in winter is 16:05 New
#: York, after the close; 12:00Z in February is 07:00, before the open).
RESULTS = {
    date(2026, 5, 13): "2026-05-13T20:05:00",
    date(2026, 2, 25): "2026-02-25T12:00:00",
    date(2025, 11, 12): "2025-11-12T21:05:00",
    date(2025, 8, 13): "2025-08-13T20:05:00",
}


def stk_filings() -> FilingsUpdate:
    """The filings feed's snapshot for STK: four results 8-Ks, a 7.01 8-K, an 8-K/A of results
    and two Form 4s stamped 00:30 (EDGAR is shut then in New York: the filer's clock is UTC)."""
    rows = [
        ("8-K", stamp, "2.02,9.01") for stamp in RESULTS.values()
    ] + [
        ("8-K", "2026-03-02T14:00:00", "7.01,9.01"),
        ("8-K/A", "2026-05-20T14:00:00", "2.02"),
        ("4", "2026-03-04T00:30:00", ""),
        ("4", "2025-12-04T00:31:00", ""),
    ]  # fmt: skip
    filings = tuple(
        Filing(1, "STK", form, date.fromisoformat(stamp[:10]), f"0000000001-26-{n:06d}",
               datetime.fromisoformat(stamp).replace(tzinfo=NY), items, f"d{n}.htm")
        for n, (form, stamp, items) in enumerate(rows)
    )  # fmt: skip
    return FilingsUpdate({"STK": CompanyFilings("STK", 1, "Stock Cloud", filings)})


async def studied_with_earnings(pilot) -> None:
    """Quotes, the first study, then the filings: the new results 8-Ks start a second study."""
    app = pilot.app
    await app.feed.refresh_once()
    app.run_impact()
    await app.workers.wait_for_complete()
    app.post_message(FilingsUpdated(stk_filings()))
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _plain(cell: Text) -> str:
    return cell.plain


async def test_earnings_rows_join_the_timeline_with_their_day0() -> None:
    app = build_app(BOOK, symbols=("STK", "NVDA"), transport=jump_transport())
    async with app.run_test(size=SIZE) as pilot:
        await studied_with_earnings(pilot)
        table = app.screen.query_one(DealTable)
        events = [r for r in table.shown if isinstance(r, TimelineEvent)]
        assert [e.date for e in events] == sorted(RESULTS, reverse=True)
        assert [r.date for r in table.shown] == sorted((r.date for r in table.shown), reverse=True)
        kind, with_, day0 = (table.get_column_index(k) for k in ("kind", "counterparty", "day0"))
        first = table.shown.index(events[0])
        row = table.get_row_at(first)
        assert row[kind].plain == "earnings"
        assert row[with_].plain == "Earnings AMC"
        studied = {e.study.day0: e.study for e in app.impact.earnings}
        # after the close on Wednesday 2026-05-13: the market reacts on Thursday the 14th
        study = studied[date(2026, 5, 14)]
        assert row[day0].plain == f"{study.abnormal_0 * 100:+.1f}%"
        feb = table.get_row_at(table.shown.index(events[1]))
        assert feb[with_].plain == "Earnings BMO"
        assert date(2026, 2, 25) in studied  # before the open: the same day
        subtitle = str(app.screen.query_one("#timeline").border_subtitle)
        assert subtitle.startswith("8 events · 4 deals, 4 earnings")


async def test_t_filters_by_kind_and_the_border_says_so() -> None:
    app = build_app(BOOK, symbols=("STK", "NVDA"), transport=jump_transport())
    async with app.run_test(size=SIZE) as pilot:
        await studied_with_earnings(pilot)
        table = app.screen.query_one(DealTable)
        timeline = app.screen.query_one("#timeline")
        await pilot.press("t")
        assert table.kind == EventKind.DEAL
        assert not any(isinstance(r, TimelineEvent) for r in table.shown)
        assert str(timeline.border_subtitle) == "4 deals · deals only"
        await pilot.press("t")
        assert {type(r) for r in table.shown} == {TimelineEvent} and table.row_count == 4
        assert str(timeline.border_subtitle) == "4 events · 4 earnings · earnings only"
        # the highlighted earnings row's detail: its figures, the filing and its timing
        await pilot.pause()
        text = app.screen.query_one(DealDetail).render()
        plain = text.plain if isinstance(text, Text) else str(text)
        assert "Stock Cloud · Earnings AMC" in plain
        assert "Day 0 2026-05-14 vs SPY" in plain
        assert "at 16:05:00 New York, after the close" in plain
        assert "median earnings-day |AR| of STK" in plain
        # the text filter narrows within the kind; the provider filter applies as to deals
        await pilot.press("t")
        assert table.kind is None and table.row_count == 8


async def test_a_deals_day0_is_read_against_the_earnings_move() -> None:
    app = build_app(BOOK, symbols=("STK", "NVDA"), transport=jump_transport())
    async with app.run_test(size=SIZE) as pilot:
        await studied_with_earnings(pilot)
        table = app.screen.query_one(DealTable)
        table.focus()
        table.move_cursor(row=next(i for i, r in enumerate(table.shown) if r.id == "stk-meta"))
        await pilot.pause()
        text = app.screen.query_one(DealDetail).render()
        plain = text.plain if isinstance(text, Text) else str(text)
        assert "vs earnings: AR +" in plain and "× its median earnings-day |AR|" in plain
        assert "4 reports)" in plain


async def test_without_filings_the_timeline_is_deals_only_as_before() -> None:
    app = build_app(BOOK, symbols=("STK", "NVDA"), transport=jump_transport())
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        app.run_impact()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DealTable)
        assert all(not isinstance(r, TimelineEvent) for r in table.shown)
        assert str(app.screen.query_one("#timeline").border_subtitle) == "4 deals"
        text = app.screen.query_one(DealDetail).render()
        assert "vs earnings" not in (text.plain if isinstance(text, Text) else str(text))


def test_kind_registry_cycles_every_kind_and_counts_them() -> None:
    seen = [next_kind(None)]
    while seen[-1] is not None:
        seen.append(next_kind(seen[-1]))
    assert seen == [*KINDS, None]
    assert set(KINDS) == set(EventKind)  # a new kind needs its registry entry
    assert count_label({EventKind.DEAL: 1}) == "1 deal"
    assert count_label({EventKind.DEAL: 0, EventKind.EARNINGS: 1}) == "1 event · 1 earnings"
    assert count_label({}) == "0 deals"
    assert count_label({EventKind.EARNINGS: 0}) == "0 earnings"  # filtered to a kind: none
