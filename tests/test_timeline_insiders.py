"""Insider filings on the timeline (Pilot and snapshot tiers): after a filings check the app
reads NVIDIA's Form 4s from the fake SEC and the timeline shows one row per filing, summed;
``t`` cycles all / deals / (earnings) / insiders, skipping kinds it does not hold; with
insiders off there are none. The detail screen's last report is dated by the SEC's 8-K."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Static

from neotui.data.timeline import EventKind, TimelineEvent
from neotui.messages import InsidersUpdated
from neotui.screens.detail import ProviderDetail
from neotui.widgets.timeline import DealDetail, DealTable
from tests.fake_sec import NVDA, recorded
from tests.feeds_harness import feeds_app, fetch_feeds
from tests.helpers import wait_until
from tests.test_insiders_screen import _detail_app, insiders_app, nvda_insiders

pytestmark = pytest.mark.usefixtures("utc_local_time")


async def read_all(app: Any, pilot: Any) -> None:
    await fetch_feeds(app)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def insider_rows(table: DealTable) -> list[TimelineEvent]:
    return [r for r in table.shown if isinstance(r, TimelineEvent) and r.kind == EventKind.INSIDER]


async def test_a_filings_check_puts_the_insider_filings_on_the_timeline(fakes) -> None:
    sec, yahoo = fakes
    app = insiders_app(sec, yahoo)
    async with app.run_test(size=(160, 48)) as pilot:
        await read_all(app, pilot)
        table = app.screen.query_one(DealTable)
        rows = insider_rows(table)
        assert app.insiders is not None
        filings = {t.accession for t in app.insiders.companies["NVDA"].trades}
        assert {r.filing.accession for r in rows if r.filing} == filings  # one row per filing
        assert all(r.provider == "nvidia" for r in rows)
        stevens = next(r for r in rows if r.filing and "STEVENS" in r.filing.owner)
        cells = table._row(stevens)
        assert cells[2].plain == "STEVENS MARK A (Director)" and cells[3].plain == "insider"
        assert cells[4].plain.startswith("−$") and "red" in str(cells[4].style)  # net selling
        # t: deals only, then (no earnings study ran: skipped) insiders only, then all
        seen = []
        for _ in range(3):
            await pilot.press("t")
            seen.append(table.kind)
        assert seen == [EventKind.DEAL, EventKind.INSIDER, None]
        await pilot.press("t", "t")
        assert table.kind == EventKind.INSIDER and len(table.shown) == len(rows)
        subtitle = str(app.screen.query_one("#timeline").border_subtitle)
        assert subtitle.endswith(f"{len(rows)} insider filings · insider filings only")
        table.focus()
        table.move_cursor(row=table.shown.index(stevens))
        await pilot.pause()
        text = app.screen.query_one(DealDetail).render()
        plain = text.plain if isinstance(text, Text) else str(text)
        assert "NVIDIA · STEVENS MARK A (Director)" in plain and "Form 4 filed" in plain
        assert "Day 0" not in plain  # no event study of insider filings: not "not computed"


async def test_with_insiders_off_the_timeline_has_none(fakes) -> None:
    sec, yahoo = fakes
    sec.bodies[1045810] = recorded(NVDA)[2]
    app = feeds_app(sec, yahoo, insiders=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await read_all(app, pilot)
        table = app.screen.query_one(DealTable)
        assert not insider_rows(table)
        await pilot.press("t", "t")
        assert table.kind is None  # deals only, then all again: no empty "insiders only"


async def test_the_detail_screen_dates_the_last_report_by_the_sec(fakes) -> None:
    sec, yahoo = fakes
    app = insiders_app(sec, yahoo)
    async with app.run_test(size=(160, 48)) as pilot:
        await app.feed.refresh_once()
        await read_all(app, pilot)
        app.open_provider("nvidia")
        await pilot.pause()
        assert isinstance(app.screen, ProviderDetail)
        text = str(app.screen.query_one("#detail-earnings", Static).render())
        # NVIDIA's newest results 8-K in the recorded submissions: stamped 16:31:25Z, which
        # under the filer's clock (UTC) is 11:31 New York: "during", said as such with the
        # filing's note, and the market reacts that day. Yahoo's batch quote says 2025-01-30.
        assert "Last earnings: 2026-02-25 during" in text
        assert "dated by SEC 8-K item 2.02 (accepted 11:31:25 New York" in text
        assert "reaction day 2026-02-25" in text and "unusual for results" in text


# --- snapshot ----------------------------------------------------------------------------------


async def _insiders_only(pilot: Any) -> None:
    app = pilot.app
    await wait_until(lambda: app.watch_screen.panes_ready and app.started, pilot=pilot)
    await app.feed.refresh_once()
    app.post_message(InsidersUpdated({"NVDA": nvda_insiders()}))
    await pilot.pause()
    if app.size.width < 100:  # narrow: the timeline follows the quotes' cursor, to NVDA
        await pilot.press("j", "j")
    table = app.screen.query_one(DealTable)
    for _ in range(len(EventKind) + 1):
        if table.kind == EventKind.INSIDER:
            break
        await pilot.press("t")
    assert table.kind == EventKind.INSIDER
    table.focus()
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_timeline_insiders_snapshot(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(_detail_app(), terminal_size=size, run_before=_insiders_only)


def test_the_kind_filter_skips_kinds_the_timeline_does_not_hold() -> None:
    from neotui.data.timeline import count_label, filter_label, next_kind

    assert next_kind(None, {EventKind.DEAL}) == EventKind.DEAL
    assert next_kind(EventKind.DEAL, {EventKind.DEAL}) is None
    assert next_kind(EventKind.DEAL, {EventKind.DEAL, EventKind.INSIDER}) == EventKind.INSIDER
    held = {EventKind.DEAL, EventKind.EARNINGS, EventKind.INSIDER}
    assert next_kind(EventKind.EARNINGS, held) == EventKind.INSIDER
    assert next_kind(EventKind.INSIDER, set()) is None  # the rows went: back to all
    assert count_label({EventKind.DEAL: 3, EventKind.INSIDER: 2}) == (
        "5 events · 3 deals, 2 insider filings")  # fmt: skip
    assert count_label({EventKind.INSIDER: 0}) == "0 insider filings"
    assert filter_label(EventKind.INSIDER) == " · insider filings only"


def test_insider_rows_only_for_providers_of_the_book() -> None:
    from neotui.data.deals import DealsSource, load_book
    from neotui.data.resources import bundled_config_path
    from neotui.data.timeline import insider_events

    book = load_book([DealsSource(bundled_config_path("deals.toml"), "bundled")])
    rows = insider_events({"NVDA": nvda_insiders(), "ZZZZ": nvda_insiders()}, book)
    assert [r.id for r in rows] == ["insider:NVDA:0001199039-26-000009"]  # the 4/A replaced it
    assert rows[0].provider == "nvidia" and "stevens mark a" in rows[0].search
    assert "sale" in rows[0].search and rows[0].filing is not None
