"""Snapshots of the timeline with earnings rows (the SEC feed's results 8-Ks studied like deal
days), at 80x24 and 160x48, filtered to earnings with `t`, and the detail screen's impact table
with the earnings rows and the "× earn" column."""

from __future__ import annotations

import pytest

from neotui.widgets.timeline import DealTable
from tests.harness import build_app
from tests.test_impact_screen import BOOK, jump_transport
from tests.test_timeline_kinds import studied_with_earnings

pytestmark = pytest.mark.usefixtures("utc_local_time")


def _app():
    return build_app(BOOK, symbols=("STK", "NVDA"), transport=jump_transport())


async def _earnings_highlighted(pilot) -> None:
    await studied_with_earnings(pilot)
    table = pilot.app.screen.query_one(DealTable)
    table.focus()
    table.move_cursor(row=0)  # the newest earnings day
    await pilot.pause()


def test_timeline_with_earnings_160x48(snap_compare) -> None:
    assert snap_compare(_app(), terminal_size=(160, 48), run_before=_earnings_highlighted)


def test_timeline_with_earnings_80x24(snap_compare) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_earnings_highlighted)


def test_timeline_earnings_only_160x48(snap_compare) -> None:
    async def earnings_only(pilot) -> None:
        await studied_with_earnings(pilot)
        await pilot.press("t", "t")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=(160, 48), run_before=earnings_only)


def test_detail_impact_with_earnings_160x48(snap_compare) -> None:
    async def detail(pilot) -> None:
        await studied_with_earnings(pilot)
        pilot.app.open_provider("stk")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=(160, 48), run_before=detail)
