"""What the market feed publishes: each watched symbol's state, the stream's state, and the
snapshot of them all.

Kept apart from :mod:`neotui.data.market.feed` (the schedule, backoff and staleness that produce
them) because every reader of quotes — widgets, commands, alerts, the stream — needs these types
and none of them needs the loop; and apart from :mod:`neotui.data.market.stream`, so the status
line can read the stream's state at the first frame without importing the stream itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from neotui.data.market.earnings_source import Outlook
from neotui.data.market.fundamentals import Fundamentals
from neotui.data.market.quote import Quote, Session


class StreamState(StrEnum):
    """Where the stream stands, for the status line and the feed's pace."""

    OFF = "off"  # market.stream = false
    IDLE = "idle"  # the market is closed: no stream, the feed polls slowly
    CONNECTING = "connecting"
    STREAMING = "streaming"
    POLLING = "polling"  # gave up for now: the feed polls at its usual pace


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """The stream's state, the reason when it is not streaming, and the poll interval then."""

    state: StreamState
    reason: str | None = None
    poll_every: float | None = None
    summary: str = ""
    """Ticks taken and frames dropped by kind ("120 ticks; dropped: 2 old")."""


class SymbolStatus(StrEnum):
    """Where a symbol's quote stands."""

    PENDING = "pending"  # nothing known yet (no cache, no answer so far)
    FRESH = "fresh"  # the last refresh succeeded
    STALE = "stale"  # showing an older quote (cached, or the last refresh failed)
    NOT_FOUND = "not_found"  # Yahoo says the symbol does not exist (delisted, typo)


@dataclass(frozen=True, slots=True)
class SymbolState:
    """Everything the UI needs about one watched symbol."""

    symbol: str
    status: SymbolStatus = SymbolStatus.PENDING
    quote: Quote | None = None
    reason: str | None = None
    failures: int = 0
    next_attempt: float = 0.0
    fundamentals: Fundamentals | None = None
    fundamentals_error: str | None = None
    outlook: Outlook | None = None  # earnings calendar, short interest, implied move

    @property
    def market_cap(self) -> float | None:
        """From the quote (the batch quote brings it with every price), else from yfinance's
        hourly fundamentals (the chart endpoint has none)."""
        if self.quote is not None and self.quote.market_cap:
            return self.quote.market_cap
        if self.fundamentals is not None and self.fundamentals.market_cap:
            return self.fundamentals.market_cap
        return None

    def age(self, now: datetime) -> float | None:
        """Seconds since the shown quote was fetched (None without a quote)."""
        if self.quote is None:
            return None
        return (now - self.quote.fetched_at).total_seconds()


@dataclass(frozen=True)
class FeedUpdate:
    """A snapshot of the feed, published after each change."""

    states: Mapping[str, SymbolState]
    changed: frozenset[str]
    session: Session
    next_session_change: datetime | None
    offline: bool = False
    offline_reason: str | None = None
    refreshing: bool = False
    last_refresh: datetime | None = None
    last_result: str | None = None
    next_refresh: datetime | None = None
    warning: str | None = None
    source_note: str | None = None
    """Why quotes come from per-symbol charts instead of the batch quote (None while the batch
    works): EU consent, a refused crumb, "unable to access this feature"."""
    prices_from: str | None = None
    """Where prices come from when it is not Yahoo (a fallback source, delayed), for the status
    line; None while Yahoo gives them."""
    stream: StreamStatus | None = None
    """The quote stream's state (None: no stream in this run)."""
