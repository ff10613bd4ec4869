"""MarketFeed: the schedule, backoff and staleness of the watched symbols' quotes.

One loop owns the schedule: it refreshes, publishes, then waits for the interval of the current
market session (or for a manual refresh request). A refresh never overlaps the previous one.

Failures are handled per symbol: a symbol Yahoo does not know is retried rarely; a transient
failure (429, 5xx, timeout, bad body) backs that symbol off exponentially with jitter while its last
good quote stays, marked stale with the reason. When nothing at all can be reached the feed is
*offline*: one state instead of eight errors; it probes one symbol gently until the network is back,
then refreshes everything at once.

The wait between refreshes follows the wall clock as well as the monotonic one, so after a laptop
sleeps (when the monotonic clock stops) the next refresh is due at once, and only one runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from neotui.data.market.cache import QuoteCache
from neotui.data.market.earnings_source import EarningsSource

# Re-exported: the feed's readers take the types they are given from the feed that gives them.
from neotui.data.market.feed_state import FeedUpdate as FeedUpdate
from neotui.data.market.feed_state import StreamState, StreamStatus
from neotui.data.market.feed_state import SymbolState as SymbolState
from neotui.data.market.feed_state import SymbolStatus as SymbolStatus
from neotui.data.market.fundamentals import (
    Fetcher,
    FundamentalsError,
    fetch_fundamentals,
)
from neotui.data.market.quote import DailyHistory, Quote, Session, us_session
from neotui.data.market.yahoo import FailureKind, FetchError, YahooClient

if TYPE_CHECKING:
    from neotui.data.market.fallback import QuoteRouter
    from neotui.data.market.stream_wire import StreamTick

#: How long a symbol Yahoo does not know waits before it is asked for again.
NOT_FOUND_RETRY = 30 * 60.0
#: Why a quote without a price is not taken (the parsers drop null, string, zero, negative and
#: non-finite prices).
NO_PRICE = "Yahoo sent no usable price (null, not a number, zero or negative)"
#: A cached daily history younger than this is used as is.
HISTORY_TTL = 6 * 3600.0
#: How often the earnings loop looks for symbols due again (requests go out only when due).
EARNINGS_CHECK = 600.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


Listener = Callable[[FeedUpdate], None]


class MarketFeed:
    """Fetches the watched symbols on a schedule and publishes :class:`FeedUpdate` values."""

    def __init__(
        self,
        symbols: Sequence[str],
        client: YahooClient,
        *,
        intervals: Mapping[Session, float] | None = None,
        cache: QuoteCache | None = None,
        fundamentals_fetcher: Fetcher | None = None,
        fundamentals_interval: float = 3600.0,
        fundamentals_timeout: float = 30.0,
        earnings: EarningsSource | None = None,
        backoff_base: float = 5.0,
        backoff_cap: float = 300.0,
        offline_cap: float = 60.0,
        tick: float = 5.0,
        clock: Callable[[], datetime] = _utcnow,
        wall: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        source: QuoteRouter | None = None,
    ) -> None:
        self.symbols = tuple(dict.fromkeys(symbols))
        self.client = client
        self.source = source  # Yahoo or a fallback source (fallback.py); None: Yahoo alone
        self.cache = cache
        self.intervals = dict(
            intervals
            or {Session.REGULAR: 15.0, Session.PRE: 30.0, Session.POST: 30.0, Session.CLOSED: 300.0}
        )
        self.fundamentals_fetcher = fundamentals_fetcher
        self.fundamentals_interval = fundamentals_interval
        self.fundamentals_timeout = fundamentals_timeout
        self.earnings = earnings
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.offline_cap = offline_cap
        self.tick = tick
        self._clock = clock
        self._wall = wall
        self._rng = rng or random.Random()
        self._states: dict[str, SymbolState] = {s: SymbolState(s) for s in self.symbols}
        self._listeners: list[Listener] = []
        self._wake = asyncio.Event()
        self._force = False
        self._lock = asyncio.Lock()
        self.offline = False
        self.offline_reason: str | None = None
        self._offline_failures = 0
        self._refreshing = False
        self.last_refresh: datetime | None = None
        self.last_result: str | None = None
        self.next_refresh: datetime | None = None
        self.requests = 0  # HTTP requests made by refreshes: for tests and benchmarks
        self.stream: StreamStatus | None = None  # set by the stream (stream_live.py)
        self.stream_interval = 60.0  # the slow poll beside a working stream
        # The cache's state is read when the cache is first used (load_cached, a save): asking
        # here would open the file while the app is being built.
        self._warning: str | None = None

    @property
    def refreshing(self) -> bool:
        """Whether a refresh is under way (asked, not all answered): the status line's spinner,
        and what a test waits for before pressing keys during a slow refresh."""
        return self._refreshing

    # --- publishing ----------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every update (in the event loop's thread)."""
        self._listeners.append(listener)

    def snapshot(self, changed: frozenset[str] = frozenset()) -> FeedUpdate:
        """The current state as a :class:`FeedUpdate`."""
        now = self._clock()
        session, next_change = self.session(now)
        return FeedUpdate(
            states=dict(self._states),
            changed=changed,
            session=session,
            next_session_change=next_change,
            offline=self.offline,
            offline_reason=self.offline_reason,
            refreshing=self._refreshing,
            last_refresh=self.last_refresh,
            last_result=self.last_result,
            next_refresh=self.next_refresh,
            warning=self._warning,
            source_note=self.source.note if self.source else self.client.batch_note,
            prices_from=self.source.prices_from if self.source else None,
            # The pace polling has now (a session change moves it), not when the stream closed.
            stream=self.stream and replace(self.stream, poll_every=self.intervals[session]),
        )

    def publish(self) -> FeedUpdate:
        """Publish the current state unchanged (the stream's state moved on)."""
        return self._publish()

    def _publish(self, changed: frozenset[str] = frozenset()) -> FeedUpdate:
        update = self.snapshot(changed)
        for listener in self._listeners:
            listener(update)
        return update

    # --- sessions and timing --------------------------------------------------------------------

    def session(self, now: datetime) -> tuple[Session, datetime | None]:
        """The US market session now and when it next changes (None when unknown).

        The clock gives weekdays and hours; a recently fetched US quote knows about holidays and
        early closes through Yahoo's trading periods, so it has the last word. When the two
        disagree, the clock's next change means nothing and is not shown.
        """
        session, next_change = us_session(now)
        for state in self._states.values():
            q = state.quote
            if (
                state.status is SymbolStatus.FRESH
                and q is not None
                and q.exchange_tz == "America/New_York"
                and (q.periods.regular_start is not None or q.market_state is not None)
                and (now - q.fetched_at).total_seconds() < 600
            ):
                quoted = q.session_at(now)
                return quoted, next_change if quoted is session else None
        return session, next_change

    def interval(self, now: datetime | None = None) -> float:
        """Seconds until the next regular refresh, by session (or the offline probe delay)."""
        if self.offline:
            return min(
                self.offline_cap, self.backoff_base * 2.0 ** max(0, self._offline_failures - 1)
            )
        session, _ = self.session(now or self._clock())
        if self.stream is not None and self.stream.state is StreamState.STREAMING:
            return max(self.intervals[session], self.stream_interval)
        return self.intervals[session]

    def _backoff(self, failures: int, jitter: float) -> float:
        delay = min(self.backoff_cap, self.backoff_base * 2.0 ** max(0, failures - 1))
        return delay * jitter

    # --- start-up from the cache ----------------------------------------------------------------

    def load_cached(self) -> FeedUpdate:
        """Fill the states from the cache (no network), mark them stale, and publish."""
        if self.cache is None:
            return self._publish()
        quotes = self.cache.load_quotes()
        fundamentals = self.cache.load_fundamentals()
        unknown = self.cache.load_unknown(self._wall() - NOT_FOUND_RETRY)
        outlooks = self.earnings.load_cached() if self.earnings is not None else {}
        changed = set()
        for symbol in self.symbols:
            state = self._states[symbol]
            if symbol in quotes:
                state = replace(
                    state, status=SymbolStatus.STALE, quote=quotes[symbol], reason="cached"
                )
            if symbol in fundamentals:
                state = replace(state, fundamentals=fundamentals[symbol])
            if symbol in unknown:  # not asked again before its 30 minutes are up (issue 19)
                reason, at = unknown[symbol]
                state = replace(state, status=SymbolStatus.NOT_FOUND, reason=reason,
                                next_attempt=at + NOT_FOUND_RETRY)  # fmt: skip
            if symbol in outlooks:
                state = replace(state, outlook=outlooks[symbol])
            if state != self._states[symbol]:
                self._states[symbol] = state
                changed.add(symbol)
        self._warning = self.cache.warning
        return self._publish(frozenset(changed))

    # --- refreshing -----------------------------------------------------------------------------

    def request_refresh(self) -> None:
        """Refresh now (every symbol, backoff ignored once), without waiting for the interval."""
        self._force = True
        self._wake.set()

    def _due(self, force: bool) -> list[str]:
        now = self._wall()
        if self.offline and not force:
            return [self.symbols[0]] if self.symbols else []  # a gentle probe
        # A forced refresh ignores backoff, not a symbol Yahoo said it does not know.
        return [s for s in self.symbols if self._states[s].next_attempt <= now or (force and
                self._states[s].status is not SymbolStatus.NOT_FOUND)]  # fmt: skip

    async def refresh_once(self, *, force: bool = False) -> FeedUpdate:
        """One refresh of the symbols that are due; publishes and returns the result."""
        async with self._lock:
            self._refreshing = True
            self._publish()
            try:
                changed = await self._refresh(force)
            finally:
                self._refreshing = False
            return self._publish(frozenset(changed))

    async def _refresh(self, force: bool) -> set[str]:
        """Fetch what is due and update the states; returns the symbols that changed."""
        due = self._due(force)
        if not due:
            self.last_refresh = self._clock()
            return set()
        quoter = self.source or self.client
        before = quoter.requests
        results = await quoter.quotes(due)
        if self.offline and all(not isinstance(r, FetchError) for r in results.values()):
            # The probe got through: back online, fetch everything else at once.
            self._set_online()
            rest = [s for s in self.symbols if s not in results]
            if rest:
                results.update(await quoter.quotes(rest))
        self.requests += quoter.requests - before
        # A quote without a price is a failure for its symbol, never a fresh blank: the last
        # good price stays, marked stale with why.
        results = {
            s: FetchError(FailureKind.BAD_RESPONSE, NO_PRICE)
            if isinstance(r, Quote) and r.price is None
            else r
            for s, r in results.items()
        }

        unreachable = [r for r in results.values() if isinstance(r, FetchError)
                       and r.kind is FailureKind.UNREACHABLE]  # fmt: skip
        if results and len(unreachable) == len(results):
            return self._go_offline(unreachable[0].reason)
        self._set_online()

        changed = self._apply(results)
        good = [r for r in results.values() if isinstance(r, Quote)]
        if self.cache is not None and not (self.source and self.source.on_fallback):
            await asyncio.to_thread(self.cache.remember_unknown, results, self._wall())
        if good and self.cache is not None:
            await asyncio.to_thread(self.cache.save_quotes, good)
            if self.cache.warning != self._warning:
                self._warning = self.cache.warning
        self.last_refresh = self._clock()
        failed = len(results) - len(good)
        self.last_result = f"{len(good)}/{len(results)} ok" + (
            f", {failed} failed" if failed else ""
        )
        return changed

    def _apply(self, results: Mapping[str, Quote | FetchError]) -> set[str]:
        now = self._wall()
        # One jitter per refresh: symbols that failed together (one batch request) stay due
        # together, so a backed-off retry is one batch, not one per symbol.
        jitter = self._rng.uniform(0.75, 1.25)
        changed = set()
        # The stream's merge rules are imported when first needed: not at the first frame.
        from neotui.data.market.stream import newer_price

        for symbol, result in results.items():
            old = self._states[symbol]
            if isinstance(result, Quote):
                quote = newer_price(old.quote, result)  # a newer streamed price stays
                new = replace(old, status=SymbolStatus.FRESH, quote=quote, reason=None,
                              failures=0, next_attempt=0.0)  # fmt: skip
            elif result.kind is FailureKind.NOT_FOUND:
                new = replace(old, status=SymbolStatus.NOT_FOUND, reason=result.reason,
                              failures=old.failures + 1,
                              next_attempt=now + NOT_FOUND_RETRY)  # fmt: skip
            else:
                failures = old.failures + 1
                new = replace(old, status=SymbolStatus.STALE, reason=result.reason,
                              failures=failures,
                              next_attempt=now + self._backoff(failures, jitter))  # fmt: skip
            if new != old:
                self._states[symbol] = new
                changed.add(symbol)
        return changed

    def apply_ticks(self, ticks: Sequence[StreamTick]) -> FeedUpdate:
        """Stream ticks (coalesced by the caller, oldest first) merged into the quotes, published
        as one update; a tick that cannot be applied leaves its symbol as it was."""
        from neotui.data.market.stream import merge_tick

        changed = set()
        for tick in ticks:
            old = self._states.get(tick.symbol)
            quote = merge_tick(old.quote, tick) if old is not None else None
            if old is not None and quote is not None:
                self._states[tick.symbol] = replace(old, status=SymbolStatus.FRESH, quote=quote,
                                                    reason=None)  # fmt: skip
                changed.add(tick.symbol)
        return self._publish(frozenset(changed))

    def give_up(self, reason: str) -> FeedUpdate:
        """After a refresh was cut short (a command's deadline): every symbol not fresh says
        ``reason``, its cached quote kept and marked stale; publishes and returns the result."""
        changed = set()
        for symbol, state in self._states.items():
            if state.status is not SymbolStatus.FRESH:
                status = SymbolStatus.STALE if state.quote is not None else state.status
                self._states[symbol] = replace(state, status=status, reason=reason)
                changed.add(symbol)
        self._refreshing = False
        self.last_result = reason
        return self._publish(frozenset(changed))

    def _go_offline(self, reason: str) -> set[str]:
        first = not self.offline
        self.offline = True
        self.offline_reason = reason
        self._offline_failures += 1
        changed = set()
        if first:
            for symbol, state in self._states.items():
                if state.status is SymbolStatus.FRESH:
                    self._states[symbol] = replace(
                        state, status=SymbolStatus.STALE, reason="offline"
                    )
                    changed.add(symbol)
        self.last_refresh = self._clock()
        self.last_result = f"offline: {reason}"
        return changed

    def _set_online(self) -> None:
        self.offline = False
        self.offline_reason = None
        self._offline_failures = 0

    # --- the loop -------------------------------------------------------------------------------

    async def _wait(self, delay: float) -> None:
        """Sleep ``delay`` seconds, or less if woken, or if the wall clock jumped ahead."""
        wall_deadline = self._wall() + delay
        mono_deadline = time.monotonic() + delay
        while True:
            remaining = min(wall_deadline - self._wall(), mono_deadline - time.monotonic())
            if remaining <= 0 or self._wake.is_set():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), min(remaining, self.tick))

    async def run(self) -> None:
        """Refresh forever (until cancelled): refresh, publish, wait, repeat."""
        fundamentals = None
        if self.fundamentals_fetcher is not None:
            fundamentals = asyncio.create_task(self._fundamentals_loop())
        earnings = asyncio.create_task(self._earnings_loop()) if self.earnings else None
        try:
            while True:
                force, self._force = self._force, False
                self._wake.clear()
                await self.refresh_once(force=force)
                delay = self.interval()
                self.next_refresh = self._clock() + timedelta(seconds=delay)
                self._publish()
                await self._wait(delay)
        finally:
            for task in (fundamentals, earnings):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    # --- fundamentals and history ---------------------------------------------------------------

    async def refresh_fundamentals(self) -> None:
        """Fetch fundamentals for every symbol, one at a time; failures stay per symbol."""
        if self.fundamentals_fetcher is None:
            return
        for symbol in self.symbols:
            if self._states[symbol].status is SymbolStatus.NOT_FOUND:
                continue
            try:
                result = await fetch_fundamentals(
                    symbol, fetcher=self.fundamentals_fetcher, timeout=self.fundamentals_timeout
                )
            except FundamentalsError as exc:
                self._states[symbol] = replace(self._states[symbol], fundamentals_error=exc.reason)
            else:
                self._states[symbol] = replace(
                    self._states[symbol], fundamentals=result, fundamentals_error=None
                )
                if self.cache is not None:
                    await asyncio.to_thread(self.cache.save_fundamentals, result)
            self._publish(frozenset({symbol}))

    async def _fundamentals_loop(self) -> None:
        while True:
            await self.refresh_fundamentals()
            await asyncio.sleep(self.fundamentals_interval)

    async def refresh_earnings(self) -> None:
        """Fetch the earnings calendars, short interest and implied moves that are due (each
        symbol at most every 12 hours), after quotes: the implied move needs the price."""
        if self.earnings is None:
            return
        symbols = [s for s, st in self._states.items() if st.status is not SymbolStatus.NOT_FOUND]
        quotes = {s: st.quote for s, st in self._states.items()}
        for symbol, outlook in (await self.earnings.refresh(symbols, quotes)).items():
            self._states[symbol] = replace(self._states[symbol], outlook=outlook)
            self._publish(frozenset({symbol}))

    async def _earnings_loop(self) -> None:
        while self.last_refresh is None:
            await asyncio.sleep(self.tick)
        while True:
            await self.refresh_earnings()
            await asyncio.sleep(EARNINGS_CHECK)

    async def history(self, symbol: str) -> tuple[DailyHistory | None, str | None]:
        """One year of daily closes: cached if recent, else fetched (and cached).

        Returns the history (possibly an older cached one) and a reason when the fetch failed.
        """
        cached = await asyncio.to_thread(self.cache.load_history, symbol) if self.cache else None
        if cached is not None:
            age = (self._clock() - cached.fetched_at).total_seconds()
            if age < HISTORY_TTL:
                return cached, None
        try:
            history = await self.client.history(symbol)
        except FetchError as exc:
            return cached, exc.reason
        if self.cache is not None:
            await asyncio.to_thread(self.cache.save_history, history)
        return history, None
