"""Snapshots of the Filings · News pane and the detail screen's filings: recorded EDGAR and
Yahoo search bodies from the fake servers, a frozen clock, UTC."""

from __future__ import annotations

import pytest

from neotui.widgets import feeds
from tests.feeds_harness import feeds_app, fetch_feeds

#: Times on screen are local: the zone is pinned (tests/conftest.py) so snapshots do not depend
#: on the machine.
pytestmark = pytest.mark.usefixtures("utc_local_time")


@pytest.fixture(autouse=True)
def no_read_on_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pane reads the deal 8-K it opens on after OPEN_DELAY (1 s); on a loaded machine the
    snapshot came after that and caught the read under the detail. These snapshots are the
    pane as it opens: that timer never fires here."""
    monkeypatch.setattr(feeds, "OPEN_DELAY", 3600.0)


async def _fetch_all(pilot) -> None:
    await pilot.app.feed.refresh_once()
    await fetch_feeds(pilot.app)
    await pilot.pause()


def test_feeds_pane_all_providers(snap_compare, fakes) -> None:
    async def run_before(pilot) -> None:
        await _fetch_all(pilot)
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(feeds_app(*fakes), terminal_size=(160, 48), run_before=run_before)


def test_feeds_pane_without_contact(snap_compare, fakes) -> None:
    async def run_before(pilot) -> None:
        await _fetch_all(pilot)
        await pilot.press("f")
        await pilot.pause()

    app = feeds_app(*fakes, contact="")
    assert snap_compare(app, terminal_size=(120, 32), run_before=run_before)


def test_detail_screen_with_filings(snap_compare, fakes) -> None:
    async def run_before(pilot) -> None:
        await _fetch_all(pilot)
        pilot.app.open_provider("coreweave")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(feeds_app(*fakes), terminal_size=(160, 60), run_before=run_before)


def test_feeds_pane_80x24(snap_compare, fakes) -> None:
    async def run_before(pilot) -> None:
        await _fetch_all(pilot)
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(feeds_app(*fakes), terminal_size=(80, 24), run_before=run_before)
