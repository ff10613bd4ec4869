"""Issue 18, part 3, Pilot tier: ``x`` on a deal 8-K reads the filing (on the app's SEC client,
through the fake SEC's archives) and writes a draft with the filing's value, party, term and
power; an unreadable one writes today's draft with the reason."""

from __future__ import annotations

import json

import pytest

from neotui.widgets import feeds
from neotui.widgets.feeds import FeedsTable
from neotui.widgets.timeline import DealTable
from tests.fake_archives import DEAL_8K
from tests.fake_sec import FakeSec, submissions_json
from tests.feeds_harness import feeds_app, fetch_feeds

SIZE = (160, 48)
ROW = {"accessionNumber": DEAL_8K[1], "filingDate": "2026-01-15", "reportDate": "2026-01-12",
       "acceptanceDateTime": "2026-01-15T16:05:00.000Z", "form": "8-K", "items": "1.01,2.03,9.01",
       "primaryDocument": "crwv-20260115.htm", "primaryDocDescription": "8-K"}  # fmt: skip


@pytest.fixture(autouse=True)
def only_x_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pane reads the row it opens on after OPEN_DELAY (1 s) and a highlighted deal 8-K
    after READ_DELAY: on a loaded machine the test pressed x after the first, and another 8-K
    was read first. These tests are about what x reads: the pane's own timers never fire here."""
    monkeypatch.setattr(feeds, "OPEN_DELAY", 3600.0)
    monkeypatch.setattr(feeds, "READ_DELAY", 3600.0)


def with_deal_8k(sec: FakeSec) -> None:
    """CoreWeave's served submissions with the hand-written deal 8-K as its newest filing."""
    body = submissions_json(DEAL_8K[0])
    recent = body["filings"]["recent"]
    for column, values in recent.items():
        values.insert(0, ROW.get(column, "" if isinstance(values[0], str) else 0))
    sec.bodies[DEAL_8K[0]] = json.dumps(body).encode()


async def capture_deal(sec: FakeSec, yahoo, isolated_dirs) -> tuple[str, object]:
    with_deal_8k(sec)
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await fetch_feeds(app)
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        table = app.screen.query_one(FeedsTable)
        target = next(i for i, r in enumerate(table.rows_shown)
                      if r.filing and r.filing.accession == DEAL_8K[1])  # fmt: skip
        table.move_cursor(row=target)
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        captured = [d for d in app.screen.query_one(DealTable).book.deals if d.captured]
    path = isolated_dirs["XDG_DATA_HOME"] / "neotui" / "captured.toml"
    return path.read_text(), captured


async def test_x_on_a_deal_8k_fills_the_draft_from_the_filing(fakes, isolated_dirs) -> None:
    sec, yahoo = fakes
    text, captured = await capture_deal(sec, yahoo, isolated_dirs)
    assert 'counterparty = "OpenAI"' in text and "value_usd = 11900000000.0" in text
    assert "ends = 2031-12-31" in text and "power = 200.0" in text and "gpus = 100000" in text
    assert "read from the filing (to check)" in text
    assert len(captured) == 1 and captured[0].value_usd == 11.9e9  # in the book, a draft (✎)
    archives = [p for _, p, _ in sec.requests if p.startswith("/Archives/")]
    assert archives[0].endswith(f"{DEAL_8K[1]}-index.htm") and len(archives) == 3


async def test_x_on_an_unreadable_8k_writes_todays_draft_with_the_reason(
    fakes, isolated_dirs
) -> None:
    sec, yahoo = fakes
    sec.document_faults["*"] = "503"
    text, captured = await capture_deal(sec, yahoo, isolated_dirs)
    assert 'counterparty = "to identify"' in text and "value_usd" not in text
    assert "the filing could not be read: SEC is throttling requests (503)" in text
    assert len(captured) == 1
