"""Building the data sources from settings: the one place that wires settings to the data layer.

The CLI and the app both come through here, so ``neotui quotes`` and the watch screen fetch,
cache and pace requests the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from neotui.data.alerts.engine import STATE_FILE, AlertEngine, AlertStore
from neotui.data.deals import DealBook, DealsSource, deal_sources
from neotui.data.market.cache import QuoteCache
from neotui.data.market.earnings_source import EarningsSource
from neotui.data.market.feed import MarketFeed
from neotui.data.market.quote import Session
from neotui.data.market.yahoo import YahooClient
from neotui.data.resources import bundled_config_path
from neotui.settings import Settings, user_cache_dir, user_config_dir, user_data_dir

if TYPE_CHECKING:  # imported where they are built: the watch screen builds them after its
    # first frame, and most commands never do (~18 ms of imports off the launch path)
    from textual.message import Message

    from neotui.data.analytics.earnings import EarningsBaseline, EarningsImpact
    from neotui.data.analytics.events import Impact
    from neotui.data.deals.listed import ListedMap
    from neotui.data.feeds_store import JsonStore
    from neotui.data.market.fallback import QuoteRouter
    from neotui.data.market.history import Histories
    from neotui.data.news import NewsFeed
    from neotui.data.sec.client import SecClient
    from neotui.data.sec.earnings_days import EarningsDay
    from neotui.data.sec.facts_feed import FactsFeed
    from neotui.data.sec.feed import FilingsFeed, FilingsUpdate
    from neotui.data.sec.insiders import InsiderFeed


def book_sources(settings: Settings) -> list[DealsSource]:
    """The deals files to load, lowest layer first (captured deals on top)."""
    return deal_sources(
        settings.deals_path,
        bundled=settings.deals.bundled,
        user_required=bool(settings.deals.path),
        captured=captured_path(),
    )


def captured_path() -> Path:
    """Where ``x`` writes captured draft deals: neotui's own data directory."""
    return user_data_dir() / "captured.toml"


def open_feed_store() -> JsonStore:
    """The filings and headlines cache in the user cache directory."""
    from neotui.data.feeds_store import JsonStore

    return JsonStore(user_cache_dir() / "feeds.db")


def watched_listed(settings: Settings, book: DealBook) -> list[str]:
    """The watched symbols that are listed providers of the book, in watchlist order."""
    tickers = {p.ticker for p in book.providers.values() if p.ticker}
    return [s for s in settings.market.symbols if s in tickers]


def build_sec_client(settings: Settings) -> SecClient | None:
    """The SEC client (None without ``filings.contact``: then nothing is ever sent)."""
    from neotui.data.sec.client import SecClient, TokenBucket

    f = settings.filings
    if not f.contact.strip():
        return None
    return SecClient(
        f.contact,
        data_url=f.data_url,
        tickers_url=f.tickers_url,
        archives_url=f.archives_url,
        limiter=TokenBucket(f.max_rate),
        connect_timeout=settings.market.connect_timeout,
        read_timeout=max(settings.market.read_timeout, 20.0),
    )


def build_filings(
    settings: Settings, symbols: Sequence[str], store: JsonStore | None
) -> FilingsFeed:
    """The filings feed; without ``filings.contact`` it has no client and sends nothing."""
    from neotui.data.sec.feed import FilingsFeed

    f = settings.filings
    client = build_sec_client(settings)
    return FilingsFeed(
        symbols,
        client,
        store,
        market_interval=f.market_interval,
        closed_interval=f.closed_interval,
    )


def build_facts(symbols: Sequence[str], filings: FilingsFeed) -> FactsFeed:
    """The company facts feed, on the filings feed's client (one token bucket for both) and
    the facts cache (``facts.db``, shared with ``neotui facts``)."""
    from neotui.data.sec.facts_feed import FactsFeed, FactsStore

    return FactsFeed(symbols, filings.client, FactsStore(user_cache_dir() / "facts.db"))


async def refresh_facts(
    facts: FactsFeed, update: FilingsUpdate, post: Callable[[Message], object]
) -> None:
    """One facts round after a filings check (fetches only what is due: a new periodic report,
    or a week old), posted as :class:`FactsUpdated`; run in the app's "facts" worker."""
    from neotui.messages import FactsUpdated

    post(FactsUpdated(await facts.refresh_once(update)))


def build_insiders(
    settings: Settings, filings: FilingsFeed, *, lookback_days: int | None = None,
    clock: Callable[[], datetime] | None = None,
) -> InsiderFeed | None:  # fmt: skip
    """The insider trades feed on the filings feed's client and store (one token bucket, the one
    cache), or None when ``insiders.enabled`` is false."""
    from neotui.data.sec.insiders import InsiderFeed

    i = settings.insiders
    if not i.enabled:
        return None
    return InsiderFeed(filings.symbols, filings.client, filings.store,
                       lookback_days=lookback_days or i.lookback_days, per_round=i.per_round,
                       rate=i.max_rate, clock=clock)  # fmt: skip


async def refresh_insiders(
    insiders: InsiderFeed, update: FilingsUpdate, post: Callable[[Message], object],
    *, fetch: bool = True,
) -> None:  # fmt: skip
    """One insider round after a filings check, posted as :class:`InsidersUpdated`: what is
    cached first (at once), then with the new documents read; run in the app's "insiders"
    worker. ``fetch=False`` reads the cache only (at start, before any request)."""
    from neotui.messages import InsidersUpdated

    post(InsidersUpdated(await insiders.refresh_once(update, fetch=False)))
    if fetch and insiders.client is not None:
        post(InsidersUpdated(await insiders.refresh_once(update)))


def build_news(
    settings: Settings, client: YahooClient, symbols: Sequence[str], store: JsonStore | None
) -> NewsFeed:
    """The headlines feed on the quotes' Yahoo client (one session for both)."""
    from neotui.data.news import NewsFeed

    return NewsFeed(
        symbols, client, store, interval=settings.news.interval, count=settings.news.count
    )


def open_cache() -> QuoteCache:
    """The quote cache in the user cache directory (created on first use)."""
    return QuoteCache(user_cache_dir() / "quotes.db")


def open_alerts(
    settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> AlertEngine:
    """The alert engine over the settings' rules, its fired state stored in the data dir."""
    store = AlertStore(user_data_dir() / STATE_FILE)
    return AlertEngine(
        settings.alert_rules, store, margin_pct=settings.alerts.rearm_pct, clock=clock
    )


def build_client(settings: Settings, cache: QuoteCache | None) -> YahooClient:
    """The Yahoo client as the settings say; the cookie and crumb are kept in ``cache``."""
    market = settings.market
    return YahooClient(
        market.yahoo_url,
        concurrency=market.concurrency,
        connect_timeout=market.connect_timeout,
        read_timeout=market.read_timeout,
        browser=market.transport == "browser",
        proxy=market.proxy or None,
        cookie_url=market.cookie_url or None,
        batch=market.batch,
        credentials=cache,
    )


def fallback_names(settings: Settings) -> tuple[str, ...]:
    """The fallback sources to use: ``market.fallback``, unless Yahoo is a mirror or a test
    server while Cboe is the real one (a fake Yahoo never sends a test to the real Cboe; the
    same rule keeps yfinance off a mirror). Set ``market.cboe_url`` too to use it there."""
    from neotui.data.market.cboe import CBOE_URL
    from neotui.settings import YAHOO_HOSTS

    market = settings.market
    real_yahoo = market.yahoo_url.rstrip("/") in YAHOO_HOSTS
    if not real_yahoo and market.cboe_url.rstrip("/") == CBOE_URL:
        return ()
    return market.fallback


def build_router(settings: Settings, client: YahooClient, *, one_shot: bool = False) -> QuoteRouter:
    """Yahoo, then the fallback sources ``market.fallback`` lists; a one-shot command falls back
    at the first refusal of every symbol (the app waits 3 minutes: Yahoo's 429s come and go)."""
    from neotui.data.market.cboe import CboeClient
    from neotui.data.market.fallback import REFUSAL_GRACE, QuoteRouter
    from neotui.data.market.http import SessionOptions

    market = settings.market
    options = SessionOptions(
        market.connect_timeout, market.read_timeout, proxy=market.proxy or None
    )
    sources = [CboeClient(market.cboe_url, options=options, transport=market.transport)
               for name in fallback_names(settings) if name == "cboe"]  # fmt: skip
    grace = 0.0 if one_shot else REFUSAL_GRACE
    return QuoteRouter(client, sources, forced=market.source == "fallback", grace=grace)


def build_feed(
    settings: Settings, cache: QuoteCache | None, *, one_shot: bool = False
) -> MarketFeed:
    """A MarketFeed with its client, intervals and fundamentals as the settings say."""
    refresh = settings.refresh
    client = build_client(settings, cache)
    fetcher = None
    if settings.fundamentals_enabled:
        from neotui.data.market.fundamentals import yfinance_fetcher

        fetcher = yfinance_fetcher(user_cache_dir())
    return MarketFeed(
        settings.feed_symbols,  # watched symbols, then those only held or alerted on
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
        source=build_router(settings, client, one_shot=one_shot),
        earnings=build_earnings(settings, client, cache),
    )


def build_earnings(
    settings: Settings, client: YahooClient, cache: QuoteCache | None
) -> EarningsSource | None:
    """Earnings calendars, short interest and implied moves on the quotes' client (None when
    ``earnings.enabled`` is off, or the batch quote, and so the crumb, is)."""
    e = settings.earnings
    if not e.enabled or not settings.market.batch:
        return None
    return EarningsSource(client, cache, interval=e.interval, options=e.options)


def listed_paths() -> list[Path]:
    """The listed-companies files, lowest layer first (the user's may not exist)."""
    return [bundled_config_path("listed.toml"), user_config_dir() / "listed.toml"]


def listed_map(book: DealBook) -> ListedMap:
    """Counterparty names to tickers: the bundled and user files, plus the book's listed
    providers by name.

    Raises:
        ListedError: a file is unreadable or malformed (the message names it).
    """
    from neotui.data.deals.listed import load_listed

    return load_listed(listed_paths(), book.providers.values())


@dataclass(frozen=True)
class WatchedStudy:
    """The deal-day event study of a book, and why counterparties were left out, if they were."""

    rows: list[Impact]
    histories: Histories
    benchmark: str
    listed_error: str | None
    earnings: list[EarningsImpact]
    baselines: dict[str, EarningsBaseline]


def filings_by_symbol(update: FilingsUpdate | None) -> dict[str, tuple]:
    """The filings the feed keeps, by symbol (what the earnings days are read from)."""
    return {s: c.filings for s, c in update.companies.items()} if update is not None else {}


def earnings_days_of(update: FilingsUpdate | None, symbol: str | None) -> list[EarningsDay]:
    """One symbol's earnings days in the filings the feed keeps (the detail screen's last
    report is theirs when they have one); none when filings are off or not read yet."""
    from neotui.data.sec.earnings_days import earnings_from_filings

    rows = filings_by_symbol(update).get((symbol or "").upper()) if symbol else None
    return earnings_from_filings(rows, symbol.upper()) if rows and symbol else []


def new_results(old: FilingsUpdate | None, new: FilingsUpdate) -> bool:
    """Whether ``new`` holds results 8-Ks that ``old`` did not (the earnings study is redone)."""
    from neotui.data.sec.earnings_days import results_accessions

    before = results_accessions(filings_by_symbol(old))
    return results_accessions(filings_by_symbol(new)) != before


async def study_watched(
    book: DealBook,
    feed: MarketFeed,
    benchmark: str,
    clock: Callable[[], datetime],
    filings: FilingsUpdate | None = None,
) -> WatchedStudy:
    """The event study the watch screen shows: two-year histories from the feed's cache (fetched
    when a day old), then numpy in a thread, for the deals and for the earnings days in the
    filings the SEC feed keeps. The modules (numpy among them, ~120 ms) load here, after the
    first refresh, not when the app starts."""
    import asyncio

    from neotui.data.analytics.earnings import baselines, study_earnings
    from neotui.data.analytics.events import study_book, symbols_for
    from neotui.data.deals.listed import ListedError, ListedMap
    from neotui.data.market.history import load_histories
    from neotui.data.sec.earnings_days import earnings_by_symbol

    listed_error = None
    try:
        listed = listed_map(book)
    except ListedError as err:
        listed_error = str(err)
        listed = ListedMap.of([], book.providers.values())
    symbols = [*symbols_for(book, listed), benchmark]
    histories = await load_histories(symbols, feed.client, feed.cache, clock=clock)
    rows = await asyncio.to_thread(study_book, book, histories.prices, listed,
                                   benchmark=benchmark, missing=histories.errors)  # fmt: skip
    tickers = {p.ticker for p in book.providers.values() if p.ticker}
    days = [d for d in earnings_by_symbol(filings_by_symbol(filings)) if d.symbol in tickers]
    earnings = await asyncio.to_thread(study_earnings, days, histories.prices,
                                       benchmark=benchmark, missing=histories.errors)  # fmt: skip
    return WatchedStudy(rows, histories, benchmark, listed_error, earnings, baselines(earnings))


async def after_first_refresh(feed: MarketFeed, wait: float = 10.0) -> None:
    """Wait (at most ``wait`` seconds) for the feed's first refresh: the event study's requests
    share the client's connections with it, and its modules (numpy among them, ~120 ms) loaded
    as the worker starts held up the frame that shows the timeline."""
    import asyncio

    for _ in range(int(wait / 0.2)):
        if feed.last_refresh is not None:
            return
        await asyncio.sleep(0.2)


async def close_sources(
    feed: MarketFeed | None,
    filings: FilingsFeed | None,
    news: NewsFeed | None,
    facts: FactsFeed | None = None,
) -> None:
    """Close what the sources opened: connection pools, then the stores they write to."""
    if filings is not None:
        if filings.client is not None:
            await filings.client.aclose()
        if filings.store is not None:
            filings.store.close()
    if news is not None and news.store is not None:
        news.store.close()
    if facts is not None and facts.store is not None:
        facts.store.close()
    if feed is not None:
        await feed.client.aclose()
        if feed.source is not None:
            await feed.source.aclose()
        if feed.cache is not None:
            feed.cache.close()
