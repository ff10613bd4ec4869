"""The settings' shape: one typed, frozen dataclass per section, each field with a docstring,
and where neotui keeps its own files. :mod:`neotui.settings` builds them from the layers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import platformdirs

from neotui.data.alerts.rules import PRICE_KINDS, AlertRule
from neotui.data.groups import WATCHLIST, WatchGroup
from neotui.settings.limits import (
    Email,
    Names,
    OneOf,
    ProxyUrl,
    Range,
    ShellWords,
    Symbol,
    Symbols,
    WebUrl,
)

if TYPE_CHECKING:  # the positions parser is imported only when a [[lot]] is read
    from neotui.data.portfolio import Lot

APP_NAME = "neotui"

YAHOO_HOSTS = ("https://query1.finance.yahoo.com", "https://query2.finance.yahoo.com")
#: Yahoo's quote stream (version 2: JSON text frames around the base64 protobuf).
STREAM_URL = "wss://streamer.finance.yahoo.com/?version=2"

DEFAULT_SYMBOLS: tuple[str, ...] = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")


DAY = 86_400.0
"""Seconds in a day: the longest refresh interval; longer ones are a typo, and 1e300 or inf
would overflow the event loop's timer."""

WEEK = 7 * DAY


class SettingsError(Exception):
    """A settings layer is unreadable or invalid.

    The message always names where the problem is (file path or environment variable) and,
    when there is one, the dotted key, so the CLI can print it as is and exit with status 2.
    """

    def __init__(self, where: str, message: str, key: str | None = None) -> None:
        self.where = where
        self.key = key
        self.detail = message
        place = f"{where}: {key}" if key else where
        super().__init__(f"{place}: {message}")


@dataclass(frozen=True)
class MarketSettings:
    """Where quotes come from and how hard we may pull on it."""

    symbols: Annotated[tuple[str, ...], Symbols()] = DEFAULT_SYMBOLS
    """Ticker symbols shown in the quotes pane, in display order."""
    yahoo_url: Annotated[str, WebUrl()] = "https://query1.finance.yahoo.com"
    """Base URL of Yahoo's chart API; point it at a mirror, a proxy or the tests' fake server."""
    concurrency: Annotated[int, Range(1, 64)] = 8
    """Maximum number of requests in flight at once. A refresh is one batch quote and one spark
    request per 50/20 symbols; only the chart fallback sends one request per symbol."""
    transport: Annotated[str, OneOf(("browser", "plain"))] = "browser"
    """``browser``: requests go out with Chrome's TLS fingerprint and HTTP/2 (curl_cffi), which
    Yahoo requires since 2025. ``plain``: httpx on Python's OpenSSL (Yahoo may answer 429)."""
    proxy: Annotated[str, ProxyUrl()] = ""
    """Proxy URL for every Yahoo request (e.g. ``http://proxy:3128``); empty uses HTTPS_PROXY /
    HTTP_PROXY / NO_PROXY from the environment."""
    cookie_url: Annotated[str, WebUrl(empty_ok=True)] = ""
    """Where Yahoo's cookie comes from, for the batch quote's crumb. Empty: https://fc.yahoo.com
    with Yahoo, the root of ``yahoo_url`` with a mirror or a test server."""
    batch: bool = True
    """Use the batch quote (cookie + crumb; market cap, 52-week range in one request); false
    sends one chart request per symbol."""
    connect_timeout: Annotated[float, Range(0, 600, above=True)] = 5.0
    """Seconds allowed to open a connection before the attempt counts as a failure."""
    read_timeout: Annotated[float, Range(0, 600, above=True)] = 10.0
    """Seconds allowed for a response once connected; a hung server must not stall a refresh."""
    stream: bool = True
    """Stream prices from Yahoo's WebSocket during pre-market, regular and after-hours trading
    (polling slows to once a minute beside it); false polls only."""
    stream_url: Annotated[str, WebUrl(schemes=("wss://", "ws://"))] = STREAM_URL
    """Yahoo's quote stream (a mirror, a proxy or the tests' fake server)."""
    fundamentals: bool = True
    """Fetch market cap, debt and revenue through yfinance. yfinance always talks to Yahoo
    itself, so this is skipped whenever ``yahoo_url`` points anywhere but Yahoo."""
    fallback: Annotated[tuple[str, ...], Names(("cboe",))] = ("cboe",)
    """Where quotes come from when Yahoo refuses every symbol for 3 minutes (429, consent, an
    address block), in the order tried: ``["cboe"]`` (15 min delayed) or ``[]`` (none)."""
    source: Annotated[str, OneOf(("auto", "fallback"))] = "auto"
    """``auto``: Yahoo, the fallback only while Yahoo refuses. ``fallback``: never ask Yahoo
    for quotes (history and headlines still come from Yahoo)."""
    cboe_url: Annotated[str, WebUrl()] = "https://cdn.cboe.com"
    """Base URL of Cboe's delayed quotes (the tests' fake server)."""


@dataclass(frozen=True)
class RefreshSettings:
    """How often data is refreshed; quotes follow the US market session."""

    regular: Annotated[float, Range(0, DAY, above=True)] = 15.0
    """Seconds between quote refreshes during regular trading hours."""
    prepost: Annotated[float, Range(0, DAY, above=True)] = 30.0
    """Seconds between quote refreshes during pre-market and after-hours trading."""
    closed: Annotated[float, Range(0, DAY, above=True)] = 300.0
    """Seconds between quote refreshes while the market is closed (nights, weekends)."""
    fundamentals: Annotated[float, Range(0, WEEK, above=True)] = 3600.0
    """Seconds between fundamentals refreshes (market cap, debt, revenue via yfinance)."""


@dataclass(frozen=True)
class DealsSettings:
    """Which deals files are loaded."""

    path: str = ""
    """The user's deals file, layered over the bundled data; empty means deals.toml in the
    user config directory (it is fine for that file not to exist)."""
    bundled: bool = True
    """Load the bundled neocloud dataset under the user's file; false shows only the user's."""


#: Forms shown unless ``filings.forms`` says otherwise: current and periodic reports and
#: registrations, not insider forms 3/4/5. A trailing ``*`` matches a prefix (424B1..424B8);
#: amendments (``8-K/A``) follow their form.
DEFAULT_FORMS: tuple[str, ...] = (
    "8-K", "6-K", "10-Q", "10-K", "20-F", "40-F", "S-1", "S-3", "424B*",
)  # fmt: skip


@dataclass(frozen=True)
class FilingsSettings:
    """SEC EDGAR filings of the watched listed providers."""

    contact: Annotated[str, Email()] = ""
    """Your contact e-mail, sent in the User-Agent as the SEC requires. Empty: filings are off
    and no request is ever made to the SEC."""
    data_url: Annotated[str, WebUrl()] = "https://data.sec.gov"
    """Base URL of the SEC's submissions API (mirrors, proxies, the tests' fake server)."""
    tickers_url: Annotated[str, WebUrl()] = "https://www.sec.gov/files/company_tickers.json"
    """The SEC's ticker to CIK table, fetched at most once a week."""
    archives_url: Annotated[str, WebUrl()] = "https://www.sec.gov"
    """Base URL of EDGAR's archives (``/Archives/edgar/data/...``): a filing's index and its
    documents, read when an 8-K is opened or captured."""
    forms: tuple[str, ...] = DEFAULT_FORMS
    """Forms shown; ["all"] shows every form, insider forms included."""
    market_interval: Annotated[float, Range(0, WEEK, above=True)] = 600.0
    """Seconds between checks from 04:00 to 20:00 New York time on weekdays (8-Ks are often
    filed just after the close)."""
    closed_interval: Annotated[float, Range(0, WEEK, above=True)] = 3600.0
    """Seconds between checks at night and on weekends."""
    max_rate: Annotated[float, Range(0, 1000, above=True)] = 10.0
    """Requests per second at most: the SEC's published fair-access limit is 10."""


@dataclass(frozen=True)
class InsidersSettings:
    """Insider trades: the watched companies' Form 3/4/5 filings (needs ``filings.contact``)."""

    enabled: bool = True
    """Read each insider filing's XML (once; it is cached for good)."""
    lookback_days: Annotated[int, Range(1, 3650)] = 365
    """Insider filings filed within this many days are read."""
    per_round: Annotated[int, Range(1, 500)] = 40
    """Documents read at most per filings check, newest first (the rest on the next check)."""
    max_rate: Annotated[float, Range(0, 10, above=True)] = 5.0
    """Form 4 requests per second at most: half the SEC's 10, so filings never wait behind
    a burst of them."""
    column: bool = False
    """Show net open-market insider buying/selling over 30 and 90 days as a column of the
    quotes table ("−$38.5M / −$120M"); the detail screen's insider pane shows it always."""


@dataclass(frozen=True)
class NewsSettings:
    """Headlines from Yahoo's search endpoint, through the same client as quotes."""

    enabled: bool = True
    """Fetch headlines for the watched symbols."""
    interval: Annotated[float, Range(0, WEEK, above=True)] = 300.0
    """Seconds between headline refreshes."""
    count: Annotated[int, Range(1, 100)] = 10
    """Headlines asked for per symbol."""


@dataclass(frozen=True)
class EarningsSettings:
    """Next earnings, short interest and the implied move, from Yahoo's quoteSummary and
    options endpoints (crumb, same client as quotes)."""

    enabled: bool = True
    """Fetch each watched symbol's earnings calendar and short interest (one request each,
    at most every ``interval`` seconds). Off: the next date comes from the batch quote only."""
    interval: Annotated[float, Range(12 * 3600.0, WEEK)] = 12 * 3600.0
    """Seconds between two quoteSummary (and options) requests for one symbol: 12 hours at
    least (short interest is published twice a month; dates move rarely)."""
    options: bool = True
    """Fetch the option chain of the first expiry after the next report for the implied move."""
    short_column: bool = False
    """Add the short interest column (short % of float) to the quotes table."""


@dataclass(frozen=True)
class UISettings:
    """How the app looks."""

    theme: str = "textual-dark"
    """Name of a Textual theme (e.g. "textual-dark", "nord", "gruvbox", "tokyo-night")."""


@dataclass(frozen=True)
class AlertsSettings:
    """How alerts reach you. A toast in the app is always shown; the rest is off by default."""

    rearm_pct: Annotated[float, Range(0, 100)] = 0.5
    """How far back past its threshold a value must come before a fired price rule can fire
    again: percent of the price for above/below, percentage points of day change for move_pct."""
    bell: bool = False
    """Ring the terminal bell on each alert."""
    desktop: bool = False
    """Send a desktop notification through the terminal (OSC 777 and OSC 9 escape sequences,
    wrapped for tmux when $TMUX is set). What each terminal shows is in the README."""
    desktop_escape: Annotated[str, OneOf(("auto", "both", "osc777", "osc9"))] = "auto"
    """Which escape carries the desktop notification: "auto" (picked from the terminal's
    environment; both when unknown), "osc777", "osc9" or "both"."""
    command: Annotated[str, ShellWords()] = ""
    """A program run on each alert with the title and the text as its two last arguments, e.g.
    "notify-send" or "/home/me/bin/page-me --urgent". Split into words like a shell would, but
    never run through a shell."""
    command_timeout: Annotated[float, Range(0, 3600, above=True)] = 10.0
    """Seconds the command may run before it is stopped."""


@dataclass(frozen=True)
class AnalyticsSettings:
    """The deal-day event study."""

    benchmark: Annotated[str, Symbol()] = "SPY"
    """The market the event study measures abnormal returns against (a Yahoo symbol)."""


@dataclass(frozen=True)
class Settings:
    """Every setting neotui reads. Build with :func:`load_settings`; never mutate."""

    market: MarketSettings = field(default_factory=MarketSettings)
    """Market data source, watched symbols and request limits."""
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    """Refresh intervals."""
    deals: DealsSettings = field(default_factory=DealsSettings)
    """Deals files."""
    ui: UISettings = field(default_factory=UISettings)
    """Appearance."""
    alerts: AlertsSettings = field(default_factory=AlertsSettings)
    """Alert delivery."""
    alert_rules: tuple[AlertRule, ...] = ()
    """``[[alert]]`` rules: the last settings file that has any, then the app-owned alerts.toml."""
    lots: tuple[Lot, ...] = ()
    """The user's positions: ``[[lot]]`` tables (the last settings file that has any wins)."""
    analytics: AnalyticsSettings = field(default_factory=AnalyticsSettings)
    """Event study."""
    filings: FilingsSettings = field(default_factory=FilingsSettings)
    """SEC filings."""
    news: NewsSettings = field(default_factory=NewsSettings)
    """Headlines."""
    insiders: InsidersSettings = field(default_factory=InsidersSettings)
    """Insider trades (Forms 3/4/5)."""
    groups: tuple[WatchGroup, ...] = ()
    """``[[group]]`` tables shown after the watchlist (see :attr:`watch_groups`)."""
    group: str = ""
    """The group shown first and covered by the commands (``--group``); empty: the watchlist."""
    earnings: EarningsSettings = field(default_factory=EarningsSettings)
    """Earnings dates, short interest, implied move."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Key overrides: binding id (e.g. "neotui.refresh") to a comma-separated key list."""
    sources: tuple[str, ...] = ()
    """The layers that were applied, lowest first (for `neotui --version` and diagnostics)."""
    notices: tuple[str, ...] = ()
    """What neotui set right in its own files while loading (a damaged alerts.toml set aside),
    for the user to read: shown as notifications in the app and on stderr by the commands."""

    @property
    def fundamentals_enabled(self) -> bool:
        """yfinance cannot be pointed at a mirror or a fake server: only use it with Yahoo."""
        return self.market.fundamentals and self.market.yahoo_url.rstrip("/") in YAHOO_HOSTS

    @property
    def stream_enabled(self) -> bool:
        """The quote stream runs when on, and not against Yahoo while the quotes come from a
        mirror or a fake server (set ``market.stream_url`` there too)."""
        yahoo_stream = self.market.stream_url == STREAM_URL
        return self.market.stream and (
            not yahoo_stream or self.market.yahoo_url.rstrip("/") in YAHOO_HOSTS
        )

    @property
    def feed_symbols(self) -> tuple[str, ...]:
        """Every symbol that needs quotes: the watched ones first, then the groups' (a group
        switch then shows quotes at once), then those held or alerted on."""
        extra = [s for g in self.groups for s in (*g.symbols, *filter(None, [g.benchmark]))]
        extra += [lot.symbol for lot in self.lots]
        extra += [r.symbol for r in self.alert_rules if r.kind in PRICE_KINDS and r.symbol]
        return tuple(dict.fromkeys([*self.market.symbols, *extra]))

    @property
    def watch_groups(self) -> tuple[WatchGroup, ...]:
        """The watchlist (``market.symbols``) as the first group, then the ``[[group]]`` ones."""
        return (WatchGroup(WATCHLIST, self.market.symbols), *self.groups)

    @property
    def deals_path(self) -> Path:
        """The user's deals file, resolved (may not exist)."""
        if self.deals.path:
            return Path(self.deals.path).expanduser()
        return user_config_dir() / "deals.toml"


def user_config_dir() -> Path:
    """The per-user config directory (honours XDG_CONFIG_HOME on Linux)."""
    return platformdirs.user_config_path(APP_NAME)


def user_cache_dir() -> Path:
    """The per-user cache directory (honours XDG_CACHE_HOME on Linux)."""
    return platformdirs.user_cache_path(APP_NAME)


def user_data_dir() -> Path:
    """The per-user data directory (honours XDG_DATA_HOME on Linux): what neotui writes for
    the user to keep and must not lose when a cache is cleared, such as captured deals and the
    alerts added from the screen; never the user's own files."""
    return platformdirs.user_data_path(APP_NAME)
