"""Issue 20 item 4, Pilot and snapshot tiers: the app reads NVIDIA's Form 4s from the fake SEC
after a filings check (the quotes table's column, the detail screen's pane), keeps them when
the SEC fails, and the detail pane as people see it at 80x24 and 160x48."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from neotui.data.sec.form4 import parse_ownership
from neotui.data.sec.insider_trades import CompanyInsiders, DocumentState, apply_amendments
from neotui.data.sec.insiders import InsiderFeed
from neotui.screens.detail import ProviderDetail
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.tables import NeoTable
from tests.fake_sec import NVDA, recorded
from tests.feeds_harness import feeds_app, fetch_feeds
from tests.harness import build_app
from tests.test_insiders import STEVENS, amendment_of_stevens

pytestmark = pytest.mark.usefixtures("utc_local_time")
#: From the harness's frozen day (2026-11-20): NVIDIA's insider filings from 2026-01-24 on
#: (a dozen Form 4s and the Form 3 of 2026-01-26, whose document was not recorded).
WINDOW = 300


def insiders_app(sec, yahoo):
    sec.bodies[1045810] = recorded(NVDA)[2]
    app = feeds_app(sec, yahoo, insiders=True)
    app.settings = replace_insiders(app.settings, lookback_days=WINDOW, max_rate=10.0)
    return app


def replace_insiders(settings, **kw):
    from dataclasses import replace

    return replace(settings, insiders=replace(settings.insiders, **kw))


def table_text(table: NeoTable) -> str:
    return "\n".join(" ".join(c.plain for c in table.get_row_at(i)) for i in range(table.row_count))


async def test_a_filings_check_brings_the_insider_trades_to_the_quotes_and_the_detail(
    fakes,
) -> None:
    sec, yahoo = fakes
    app = insiders_app(sec, yahoo)
    async with app.run_test(size=(160, 48)) as pilot:
        await fetch_feeds(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.insiders is not None
        nvda = app.insiders.companies["NVDA"]
        assert nvda.trades and nvda.pending == 0
        forms = [p for _, p, _ in sec.requests if p.startswith("/Archives/edgar/data/1045810/")]
        assert all("xslF345" not in p for p in forms)  # the raw XML, never the rendered page
        quotes = app.screen.query_one(QuotesTable)
        assert "insiders" in [k.value for k in quotes.columns]  # shown, not dropped to fit
        row = [c.plain for c in quotes.get_row("NVDA")]
        assert row[-1] == "none / none"  # the stand-in sales are dated 2026-03-20: not recent
        app.open_provider("nvidia")
        await pilot.pause()
        pane = app.screen.query_one("#detail-insiders", NeoTable)
        shown = table_text(pane)
        assert "STEVENS MARK A" in shown and "S open-market sale" in shown
        assert "1 unreadable (SEC: no such document (404" in str(pane.border_subtitle)
        first = pane.get_row_at(0)
        assert first[0].plain == "2026-03-20" and "red" in str(first[3].style)
        # the SEC fails from now on: the last good trades stay, the reason is said
        sec.fault = "503"
        await fetch_feeds(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.insiders.companies["NVDA"].trades == nvda.trades
        assert "throttling" in str(pane.border_subtitle)


# --- snapshots -------------------------------------------------------------------------------


def nvda_insiders() -> CompanyInsiders:
    """The recorded Stevens Form 4 (two trust sales), an amendment made from it by hand, and
    a document that could not be read: what the pane shows, with its reasons."""
    states = [
        DocumentState("0001199039-26-000003", "4", date(2026, 3, 24),
                      parse_ownership(STEVENS.read_bytes())),
        DocumentState("0001199039-26-000009", "4/A", date(2026, 3, 30),
                      parse_ownership(amendment_of_stevens())),
        DocumentState("0001045810-26-000007", "3", date(2026, 1, 26),
                      reason="SEC: no such document (404, S3 NoSuchKey)"),
    ]  # fmt: skip
    trades = apply_amendments("NVDA", states)
    failed = {states[2].filing_accession: states[2].reason or ""}
    read = datetime(2026, 4, 1, 14, 2, tzinfo=UTC)
    return CompanyInsiders("NVDA", tuple(trades), read, pending=3, failed=failed)


async def _open_insiders(pilot) -> None:
    app = pilot.app
    await app.feed.refresh_once()
    await pilot.pause()
    feed = InsiderFeed(("NVDA",), None)
    feed.companies["NVDA"] = nvda_insiders()
    app.insiders = feed
    app.open_provider("nvidia")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ProviderDetail)
    await pilot.press("i")  # to the insider pane
    await pilot.pause(0.5)
    assert screen.focused is screen.query_one("#detail-insiders", NeoTable)


def _detail_app():
    from neotui.data.resources import bundled_config_path

    return build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS", "NVDA"),
                     extra={"filings": {"contact": ""}})  # fmt: skip


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail_insider_pane(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(_detail_app(), terminal_size=size, run_before=_open_insiders)
