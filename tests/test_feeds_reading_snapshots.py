"""Snapshots of what the Filings · News pane shows under a deal 8-K once read: the hand-written
deal 8-K from the fake SEC's archives, a frozen clock, UTC, at 160x48 and 80x24."""

from __future__ import annotations

import pytest

from neotui.widgets import feeds
from neotui.widgets.feeds import FeedsTable
from tests.fake_archives import DEAL_8K
from tests.feeds_harness import feeds_app, fetch_feeds
from tests.helpers import wait_until
from tests.test_capture_screen import with_deal_8k
from tests.test_feeds_reading import deal_read

#: Times on screen are local: the zone is pinned (tests/conftest.py) so snapshots do not depend
#: on the machine.
pytestmark = pytest.mark.usefixtures("utc_local_time")


@pytest.fixture(autouse=True)
def no_read_on_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the deal 8-K the cursor is put on is read (the row the pane opens on waits
    OPEN_DELAY, which a loaded machine reached before the cursor moved)."""
    monkeypatch.setattr(feeds, "OPEN_DELAY", 3600.0)


async def _deal_read(pilot) -> None:
    app = pilot.app
    await app.feed.refresh_once()
    await fetch_feeds(app)
    await pilot.pause()
    await pilot.press("f")
    await pilot.pause()
    table = app.screen.query_one(FeedsTable)
    table.move_cursor(row=next(i for i, r in enumerate(table.rows_shown)
                               if r.filing and r.filing.accession == DEAL_8K[1]))  # fmt: skip
    # Until the reading is in (the debounce fires late under load), not for a fixed time.
    await wait_until(lambda: deal_read(app), pilot=pilot, what="the deal 8-K read")
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_feeds_pane_deal_8k_read(snap_compare, fakes) -> None:
    with_deal_8k(fakes[0])
    assert snap_compare(feeds_app(*fakes), terminal_size=(160, 48), run_before=_deal_read)


def test_feeds_pane_deal_8k_read_80x24(snap_compare, fakes) -> None:
    with_deal_8k(fakes[0])
    assert snap_compare(feeds_app(*fakes), terminal_size=(80, 24), run_before=_deal_read)
