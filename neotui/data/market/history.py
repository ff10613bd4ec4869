"""Two years of daily closes per symbol for the event study: fetched once a day, cached in SQLite.

Each symbol's history is stored in the quote cache's ``history`` table under ``SYMBOL|2y`` (the
detail screen's one-year chart keeps its own ``SYMBOL`` row). A cached history is used as is
until the next US close has passed: daily bars only change then, so the study asks Yahoo once a
day and runs offline from the cache the rest of the time. A failed fetch keeps the cached
history and says why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from neotui.data.market.cache import QuoteCache
from neotui.data.market.calendar import CLOSE, is_session
from neotui.data.market.quote import NEW_YORK, DailyHistory
from neotui.data.market.yahoo import FetchError, YahooClient

#: The range asked of Yahoo: 250 estimation sessions plus the events of the last year.
RANGE = "2y"


def cache_key(symbol: str) -> str:
    """The cache row of ``symbol``'s two-year history."""
    return f"{symbol}|{RANGE}"


def last_close(now: datetime) -> datetime:
    """The most recent US session close at or before ``now`` (16:00 New York)."""
    local = now.astimezone(NEW_YORK)
    day = local.date()
    if not (is_session(day) and local.time() >= CLOSE):
        day -= timedelta(days=1)
        while not is_session(day):
            day -= timedelta(days=1)
    return datetime.combine(day, CLOSE, NEW_YORK)


def is_fresh(history: DailyHistory, now: datetime) -> bool:
    """True when ``history`` was fetched after the latest close: no newer daily bar exists."""
    return history.fetched_at >= last_close(now)


@dataclass
class Histories:
    """Daily closes by symbol, what could not be had and why, and where each came from."""

    prices: dict[str, DailyHistory] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)

    def newest(self) -> date | None:
        """The last day with a price among all symbols."""
        return max((h.dates[-1] for h in self.prices.values() if h.dates), default=None)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def cached_histories(cache: QuoteCache | None, symbols: Sequence[str]) -> Histories:
    """What the cache holds for ``symbols`` (no network)."""
    out = Histories()
    for symbol in dict.fromkeys(symbols):
        history = cache.load_history(cache_key(symbol)) if cache else None
        if history is not None:
            out.prices[symbol] = history
            out.cached.append(symbol)
        else:
            out.errors[symbol] = "not in the cache"
    return out


async def load_histories(
    symbols: Sequence[str],
    client: YahooClient | None,
    cache: QuoteCache | None,
    *,
    offline: bool = False,
    clock: Callable[[], datetime] = _utcnow,
) -> Histories:
    """Two-year histories for ``symbols``: cached when fresh, else fetched (concurrently, as
    bounded by the client) and cached; a failed fetch falls back to the cached copy.

    Args:
        offline: use the cache only (``--offline``, tests, benchmarks).
    """
    now = clock()
    have = await asyncio.to_thread(cached_histories, cache, symbols)
    due = [s for s in dict.fromkeys(symbols)
           if not offline and client is not None
           and (s not in have.prices or not is_fresh(have.prices[s], now))]  # fmt: skip

    async def one(symbol: str) -> DailyHistory | FetchError:
        assert client is not None
        try:
            return await client.history(symbol, range_=RANGE)
        except FetchError as exc:
            return exc

    results = await asyncio.gather(*(one(s) for s in due))
    for symbol, result in zip(due, results, strict=True):
        if isinstance(result, FetchError):
            reason = result.reason
            if symbol in have.prices:
                reason = f"{reason}; using the copy of {have.prices[symbol].fetched_at:%Y-%m-%d}"
            have.errors[symbol] = reason
            continue
        if len(result.dates) < 2:
            have.errors[symbol] = "Yahoo returned no daily prices"
            continue
        have.prices[symbol] = result
        have.errors.pop(symbol, None)
        if symbol in have.cached:
            have.cached.remove(symbol)
        have.fetched.append(symbol)
        if cache is not None:
            await asyncio.to_thread(cache.save_history, result, cache_key(symbol))
    return have
