"""Issue 19 on the watch screen: with Yahoo refusing every symbol (429 everywhere) the prices come
from the fake Cboe, and the table and status line say they are delayed and where they come from
(Pilot), as the snapshot shows (reviewed as PNG)."""

from __future__ import annotations

import pytest

from neotui.data.market.cboe import CboeClient
from neotui.data.market.fallback import QuoteRouter
from neotui.data.market.http import PlainSession, SessionOptions
from neotui.widgets.providers import ProviderList
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.status_line import StatusLine
from tests.fake_cboe import FakeCboe
from tests.harness import build_app, recorded_transport
from tests.helpers import FROZEN

SIZE = (160, 48)


def refused_app():
    """The harness app, Yahoo answering 429 to everything, Cboe (MockTransport) behind it."""
    app = build_app(transport=recorded_transport({"*": "429", "MDLY": "404"}))
    fake = FakeCboe()
    fake.scales.update({"ALPH": 0.49, "CHIP": 0.85})  # MDLY: Cboe has none either
    session = PlainSession(SessionOptions(), transport=fake.mock_transport())
    cboe = CboeClient("http://cboe.test", session=session, clock=lambda: FROZEN)
    app.feed.source = QuoteRouter(app.feed.client, [cboe], grace=0.0,
                                  wall=lambda: FROZEN.timestamp())  # fmt: skip
    return app


async def test_refused_yahoo_shows_cboe_prices_marked_delayed() -> None:
    app = refused_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        quotes = app.screen.query_one(QuotesTable)
        nvda = quotes.get_row("NVDA")
        assert nvda[1].plain == "181.26"  # 213.25 x 0.85, Cboe's close
        assert nvda[-1].plain == "delayed 15m · cboe"  # never "live"
        assert "italic" in str(nvda[1].style)
        providers = app.screen.query_one(ProviderList)
        assert "italic" in str(providers.get_row("chips")[2].style)  # delayed there too
        mdly = app.feed.snapshot().states["MDLY"]  # Yahoo's refusal stands, Cboe's words beside
        assert mdly.reason == "rate limited by Yahoo (429); Cboe has no quote for MDLY (403)"
        status = app.screen.query_one(StatusLine).plain
        assert "prices from Cboe, 15 min delayed (Yahoo refused; retry" in status


@pytest.mark.usefixtures("utc_local_time")
def test_snapshot_prices_from_cboe(snap_compare) -> None:
    async def refresh(pilot) -> None:
        await pilot.app.feed.refresh_once()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(refused_app(), terminal_size=SIZE, run_before=refresh)
