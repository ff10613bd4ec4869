"""The app over the bundled dataset and the watchlist, with filings from the fake SEC and
headlines from the fake Yahoo's search route (both real local servers), on a frozen clock."""

from __future__ import annotations

from neotui.app import NeoApp
from neotui.data.feeds_store import JsonStore
from neotui.data.market.yahoo import YahooClient
from neotui.data.news import NewsFeed
from neotui.data.resources import bundled_config_path
from neotui.data.sec.client import SecClient
from neotui.data.sec.feed import FilingsFeed
from neotui.messages import FilingsUpdated, NewsUpdated
from neotui.settings import user_cache_dir
from tests.fake_sec import FakeSec
from tests.fake_yahoo import FakeYahoo
from tests.harness import FROZEN, build_app

WATCHLIST = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")
CONTACT = "Test Runner test@example.com"
NEWS = {
    "NVDA": "y2_search_GOOG_news_2025-02-25.json",
    "CRWV": "y2_search_AAPL_news_2025-02-25.json",
}


def feeds_app(
    sec: FakeSec | None, yahoo: FakeYahoo, *, contact: str = CONTACT, insiders: bool = False
) -> NeoApp:
    """The app with quotes from recorded bodies and filings/headlines from the fakes; insider
    trades (Form 4 documents from the fake's archives) only when asked, so the tests of other
    feeds count only their own requests."""
    yahoo.news.update(NEWS)
    store = JsonStore(user_cache_dir() / "feeds.db")
    client = None
    if contact and sec is not None:
        client = SecClient(contact, data_url=sec.url, tickers_url=sec.tickers_url, read_timeout=2,
                           archives_url=sec.url)  # fmt: skip
    filings = FilingsFeed(WATCHLIST, client, store, clock=lambda: FROZEN)
    news = NewsFeed(WATCHLIST, YahooClient(yahoo.url), store, clock=lambda: FROZEN)
    extra = {"insiders": {"enabled": insiders, "column": insiders}}
    return build_app(bundled_config_path("deals.toml"), symbols=WATCHLIST, filings=filings,
                     news=news, extra=extra)  # fmt: skip


async def fetch_feeds(app: NeoApp) -> None:
    """One filings check and one headlines fetch, delivered as the workers deliver them."""
    assert app.filings is not None and app.news is not None
    app.post_message(FilingsUpdated(await app.filings.refresh_once()))
    app.post_message(NewsUpdated(await app.news.refresh_once()))
