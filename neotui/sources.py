"""Building the data sources from settings: the one place that wires settings to the data layer.

The CLI and the app both come through here, so ``neotui quotes`` and the watch screen fetch,
cache and pace requests the same way.
"""

from __future__ import annotations

from pathlib import Path

from neotui.data.cache import QuoteCache
from neotui.data.deals import DealBook, DealsSource, deal_sources
from neotui.data.feed import MarketFeed
from neotui.data.listed import ListedMap, load_listed
from neotui.data.quote import Session
from neotui.data.yahoo import YahooClient
from neotui.resources import bundled_config_path
from neotui.settings import Settings, user_cache_dir, user_config_dir


def book_sources(settings: Settings) -> list[DealsSource]:
    """The deals files to load, lowest layer first."""
    return deal_sources(
        settings.deals_path,
        bundled=settings.deals.bundled,
        user_required=bool(settings.deals.path),
    )


def open_cache() -> QuoteCache:
    """The quote cache in the user cache directory (created on first use)."""
    return QuoteCache(user_cache_dir() / "quotes.db")


def build_feed(settings: Settings, cache: QuoteCache | None) -> MarketFeed:
    """A MarketFeed with its client, intervals and fundamentals as the settings say."""
    market, refresh = settings.market, settings.refresh
    client = YahooClient(
        market.yahoo_url,
        concurrency=market.concurrency,
        connect_timeout=market.connect_timeout,
        read_timeout=market.read_timeout,
    )
    fetcher = None
    if settings.fundamentals_enabled:
        from neotui.data.fundamentals import yfinance_fetcher

        fetcher = yfinance_fetcher(user_cache_dir())
    return MarketFeed(
        market.symbols,
        client,
        intervals={
            Session.REGULAR: refresh.regular,
            Session.PRE: refresh.prepost,
            Session.POST: refresh.prepost,
            Session.CLOSED: refresh.closed,
        },
        cache=cache,
        fundamentals_fetcher=fetcher,
        fundamentals_interval=refresh.fundamentals,
    )


def listed_paths() -> list[Path]:
    """The listed-companies files, lowest layer first (the user's may not exist)."""
    return [bundled_config_path("listed.toml"), user_config_dir() / "listed.toml"]


def listed_map(book: DealBook) -> ListedMap:
    """Counterparty names to tickers: the bundled and user files, plus the book's listed
    providers by name.

    Raises:
        ListedError: a file is unreadable or malformed (the message names it).
    """
    return load_listed(listed_paths(), book.providers.values())
