"""Live quotes: the stream while the market trades, polling beside it, polling alone otherwise.

:class:`LiveQuotes` decides when the stream runs (pre-market, regular and post-market sessions,
by the feed's own session clock), feeds its ticks into the :class:`MarketFeed` and tells the
feed how it stands, so the feed polls slowly beside a working stream (``stream_interval``, 60 s:
the fields the stream lacks, market cap and the 52-week range, and a correction of any drift)
and at its usual pace when the stream is down or the market closed.

Ticks are coalesced: the first tick of a batch books one flush ``flush_every`` seconds later
(one frame of the screen), and every tick until then joins it, so a burst of a hundred ticks is
one published update and one table update, never a hundred queued behind the screen.
(Spacing the flushes further apart, 1/30 s, was measured: the same CPU at 100 ticks a second,
since the screen repaints at most once a frame anyway, and a p95 twice as long: not done.)

After :data:`~neotui.data.market.stream.MAX_FAILURES` failed attempts in a row the stream gives
way to polling (the status line says why) and is tried again after ``retry_after`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from neotui.data.market.feed import MarketFeed
from neotui.data.market.http import USER_AGENT
from neotui.data.market.quote import Session
from neotui.data.market.stream import QuoteStream, StreamState, StreamStatus
from neotui.data.market.stream_wire import StreamTick, TickGate

log = logging.getLogger(__name__)

#: A stream that gave way to polling is tried again after this long.
RETRY_AFTER = 900.0
#: How often the closed market is looked at again (and an open one, to stop at the close).
SESSION_CHECK = 60.0
#: No good tick for this long is a dead socket: regular hours tick every few seconds; pre- and
#: after-market can be quiet for minutes.
SILENT_AFTER = {Session.REGULAR: 60.0, Session.PRE: 300.0, Session.POST: 300.0}


class LiveQuotes:
    """Runs the quote stream for a feed while the market trades; see the module docstring."""

    def __init__(
        self,
        feed: MarketFeed,
        url: str,
        *,
        flush_every: float = 1 / 60,
        retry_after: float = RETRY_AFTER,
        session_check: float = SESSION_CHECK,
        proxy: str | None = None,
        stream_options: dict[str, Any] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.feed = feed
        self.url = url
        self.flush_every = flush_every
        self.retry_after = retry_after
        self.session_check = session_check
        self.proxy = proxy
        self.stream_options = dict(stream_options or {})
        self._clock = clock
        self.symbols = list(feed.symbols)
        self.gate = TickGate(self.symbols, clock=clock)
        self.stream: QuoteStream | None = None
        self._pending: list[StreamTick] = []
        self._flush_handle: asyncio.TimerHandle | None = None
        self.flushes = 0  # published updates (tests, the bench)
        self.on_flush: Callable[[list[StreamTick]], None] | None = None  # the bench's probe

    # --- state ----------------------------------------------------------------------------------

    def _session(self) -> Session:
        session, _ = self.feed.session(self._clock())
        return session

    def _set(self, state: StreamState, reason: str | None = None) -> None:
        """Tell the feed (and through its next update, the status line) how the stream stands."""
        poll = self.feed.intervals.get(self._session())
        status = StreamStatus(state, reason, poll, self.gate.summary())
        old = self.feed.stream
        self.feed.stream = status
        if old is None or (old.state, old.reason) != (state, reason):
            if reason:
                log.info("quote stream %s: %s (%s)", state.value, reason, status.summary)
            self.feed.publish()

    def _on_state(self, state: StreamState, reason: str | None) -> None:
        # A reconnect in progress is shown as streaming: one dropped socket is not news.
        old = self.feed.stream
        if state is StreamState.CONNECTING and old and old.state is StreamState.STREAMING:
            return
        self._set(state, reason if state is not StreamState.CONNECTING else None)

    # --- ticks ----------------------------------------------------------------------------------

    def _on_tick(self, tick: StreamTick) -> None:
        self._pending.append(tick)
        if self._flush_handle is None:
            loop = asyncio.get_running_loop()
            self._flush_handle = loop.call_later(self.flush_every, self.flush)

    def flush(self) -> None:
        """Apply the ticks gathered since the last flush, as one feed update."""
        self._flush_handle = None
        ticks, self._pending = self._pending, []
        if ticks:
            self.flushes += 1
            self.feed.apply_ticks(ticks)
            if self.on_flush is not None:
                self.on_flush(ticks)

    # --- the loop -------------------------------------------------------------------------------

    def _trading(self) -> bool:
        return self._session() is not Session.CLOSED

    async def run(self) -> None:
        """Until cancelled: stream while the market trades, give way to polling when the stream
        cannot be kept, idle while the market is closed."""
        try:
            while True:
                if not self._trading():
                    self._set(StreamState.IDLE)
                    await asyncio.sleep(self.session_check)
                    continue
                reason = await self._stream_once()
                if reason is None:
                    continue  # the market closed
                self._set(StreamState.POLLING, reason)
                self.feed.request_refresh()  # polling now, not at the slow pace's next turn
                await self._sleep_while_trading(self.retry_after)
        finally:
            if self._flush_handle is not None:
                self._flush_handle.cancel()
            self.flush()

    async def _stream_once(self) -> str | None:
        last_check = time.monotonic()
        trading = True

        def keep_going() -> bool:
            nonlocal last_check, trading
            if time.monotonic() - last_check >= self.session_check:
                last_check = time.monotonic()
                trading = self._trading()
                if self.stream is not None and "silent_after" not in self.stream_options:
                    self.stream.silent_after = SILENT_AFTER.get(self._session(), 60.0)
            return trading

        self.stream = QuoteStream(
            self.url,
            self.symbols,
            self._on_tick,
            on_state=self._on_state,
            keep_going=keep_going,
            proxy=self.proxy,
            user_agent=USER_AGENT,
            gate=self.gate,
            **{"silent_after": SILENT_AFTER.get(self._session(), 60.0), **self.stream_options},
        )
        return await self.stream.run()

    async def _sleep_while_trading(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and self._trading():
            await asyncio.sleep(min(self.session_check, end - time.monotonic()))
