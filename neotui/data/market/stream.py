"""Yahoo's quote stream: one WebSocket, kept subscribed, given up on when it cannot be kept.

The client speaks to ``wss://streamer.finance.yahoo.com/?version=2`` (``market.stream_url``)
with the ``websockets`` library, not curl_cffi's WebSocket: yfinance's client connects with a
plain TLS handshake and Yahoo streams to it, so the browser fingerprint buys nothing here, and
curl_cffi's socket polls its queue every few milliseconds while idle (0.22 % of a core on a
connected, silent socket against 0.00 % for ``websockets``, measured on this machine; both
~2 % at 100 frames a second). ``websockets`` also refuses a frame over ``max_size`` from its
header, before reading it (a 50 MB frame costs nothing), and inflates compressed frames within
the same limit.

What the socket may do and what the client does:
- refuse the upgrade, refuse the connection, hang the handshake: a failure, retried with
  exponential backoff and jitter; the whole attempt has one deadline.
- accept and never speak, or speak only garbage: "silent" once no good tick came for
  ``silent_after`` seconds; the socket is closed and a new one made.
- drop the socket: reconnect at once the first time, with backoff after.
- hang a send (the subscription repeated every ``resubscribe`` seconds, as Yahoo's page does):
  the send has a deadline; then the socket is closed (aborted if the close hangs too).
After ``max_failures`` attempts in a row without one good tick, :meth:`QuoteStream.run` returns
the reason and the caller polls instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

# The stream's state is part of what the feed publishes (feed_state.py, read at the first frame
# without importing the stream); re-exported here for the stream's own readers.
from neotui.data.market.feed_state import StreamState as StreamState
from neotui.data.market.feed_state import StreamStatus as StreamStatus
from neotui.data.market.quote import Quote, Session
from neotui.data.market.stream_wire import MAX_FRAME, StreamTick, TickGate

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

#: Yahoo's page repeats its subscription about every 15 s; the server drops quiet subscribers.
RESUBSCRIBE = 15.0
#: No good tick for this long while the market is open: the socket is taken for dead.
SILENT_AFTER = 60.0
#: The longest a connection attempt (TCP, TLS, upgrade, first subscription) may take.
CONNECT_DEADLINE = 10.0
#: The longest one send or a close may take before the socket is aborted.
SEND_DEADLINE = 5.0
#: Attempts in a row without a good tick before the stream gives way to polling.
MAX_FAILURES = 4


class StreamError(Exception):
    """One connection ended; ``reason`` says how, for people."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def newer_price(old: Quote | None, polled: Quote) -> Quote:
    """A polled quote, keeping the price of ``old`` where that one is newer.

    While streaming, the slow batch quote (and a fallback's delayed one) can answer with a price
    older than the last tick: its other fields (market cap, 52-week range, earnings) are taken,
    but the price, its time, the day's range and volume, and where that price came from stay the
    tick's. Without both times nothing is kept: the polled quote is the correction.
    """
    if old is None or old.market_time is None or polled.market_time is None:
        return polled
    if old.market_time <= polled.market_time or old.price is None:
        return polled
    return replace(polled, price=old.price, market_time=old.market_time,
                   market_state=old.market_state, day_high=old.day_high, day_low=old.day_low,
                   volume=old.volume, source=old.source,
                   delayed_minutes=old.delayed_minutes)  # fmt: skip


def merge_tick(quote: Quote | None, tick: StreamTick) -> Quote | None:
    """The quote after a tick, or None when the tick cannot be applied.

    A regular-session tick sets the price, day range and volume; pre- and post-market ticks set
    the extended price beside the regular one, as the chart does. The frame has no previous
    close: the quote's own is kept, else it is derived as price − change. Without a quote to
    build on (before the first poll) only a regular tick with a change makes one; a tick older
    than the quote's own market time is stale and not applied.
    """
    if tick.session is not Session.REGULAR:
        if quote is None:
            return None
        return replace(quote, extended_price=tick.price, extended_session=tick.session,
                       fetched_at=tick.received,
                       market_state="PRE" if tick.session is Session.PRE else "POST")  # fmt: skip
    derived = tick.price - tick.change if tick.change is not None else None
    if derived is not None and derived <= 0:
        derived = None
    if quote is None:
        if derived is None:
            return None
        quote = Quote(tick.symbol, None, tick.received, exchange=tick.exchange)
    elif quote.market_time is not None and tick.time < quote.market_time:
        return None
    high = tick.day_high or (max(quote.day_high, tick.price) if quote.day_high else None)
    low = tick.day_low or (min(quote.day_low, tick.price) if quote.day_low else None)
    return replace(
        quote,
        price=tick.price,
        fetched_at=tick.received,
        market_time=tick.time,
        market_state="REGULAR",
        prev_close=quote.prev_close if quote.prev_close is not None else derived,
        day_high=high,
        day_low=low,
        volume=tick.day_volume if tick.day_volume is not None else quote.volume,
        extended_price=None,
        extended_session=None,
        # A tick is Yahoo's own price: a quote the fallback (Cboe, delayed) gave becomes live
        # again, so it is neither shown as delayed nor kept from the price alerts.
        source="yahoo",
        delayed_minutes=quote.delayed_minutes if quote.source == "yahoo" else None,
    )


class QuoteStream:
    """One subscription to the streamer, reconnected until it cannot be, ticks to ``on_tick``."""

    def __init__(
        self,
        url: str,
        symbols: Sequence[str],
        on_tick: Callable[[StreamTick], None],
        *,
        on_state: Callable[[StreamState, str | None], None] | None = None,
        keep_going: Callable[[], bool] = lambda: True,
        proxy: str | None = None,
        user_agent: str | None = None,
        resubscribe: float = RESUBSCRIBE,
        silent_after: float = SILENT_AFTER,
        connect_deadline: float = CONNECT_DEADLINE,
        send_deadline: float = SEND_DEADLINE,
        max_failures: int = MAX_FAILURES,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_frame: int = MAX_FRAME,
        gate: TickGate | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.url = url
        self.symbols = list(dict.fromkeys(symbols))
        self.on_tick = on_tick
        self.on_state = on_state or (lambda state, reason: None)
        self.keep_going = keep_going
        self.proxy = proxy
        self.user_agent = user_agent
        self.resubscribe = resubscribe
        self.silent_after = silent_after
        self.connect_deadline = connect_deadline
        self.send_deadline = send_deadline
        self.max_failures = max_failures
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_frame = max_frame
        self.gate = gate or TickGate(self.symbols, max_frame=max_frame)
        self._rng = rng or random.Random()
        self.connects = 0  # connection attempts (tests, the bench's request count)
        self.subscribes = 0  # subscribe messages sent

    def backoff(self, failures: int) -> float:
        """Seconds before attempt ``failures + 1``: doubling from the base, capped, jittered."""
        delay = min(self.backoff_cap, self.backoff_base * 2.0 ** max(0, failures - 1))
        return delay * self._rng.uniform(0.5, 1.5)

    async def run(self) -> str | None:
        """Stream until ``keep_going()`` says stop (returns None) or ``max_failures`` attempts
        in a row brought no good tick (returns the last reason)."""
        failures = 0
        while self.keep_going():
            self.on_state(StreamState.CONNECTING, None)
            before = self.gate.counts["ok"] + self.gate.counts["heartbeat"]
            try:
                await self._connection()
                reason = None
            except StreamError as exc:
                reason = exc.reason
            if reason is None:
                return None  # told to stop
            good = self.gate.counts["ok"] + self.gate.counts["heartbeat"] > before
            failures = 0 if good else failures + 1
            if failures >= self.max_failures:
                return reason
            self.on_state(StreamState.CONNECTING, reason)
            # After a socket that streamed, a short pause only (never a tight loop of
            # handshakes with a server that drops every socket after one tick).
            quick = self.backoff_base * self._rng.uniform(0.1, 0.3)
            await asyncio.sleep(self.backoff(failures) if failures else quick)
        return None

    async def _open(self) -> ClientConnection:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI

        self.connects += 1
        try:
            async with asyncio.timeout(self.connect_deadline):
                return await connect(
                    self.url,
                    max_size=self.max_frame,
                    open_timeout=None,  # the deadline above bounds the whole attempt
                    ping_interval=20.0,
                    ping_timeout=20.0,
                    close_timeout=self.send_deadline,
                    proxy=self.proxy or True,
                    user_agent_header=self.user_agent,
                )
        except TimeoutError:
            raise StreamError(f"no connection in {self.connect_deadline:g} s") from None
        except InvalidStatus as exc:
            status = exc.response.status_code
            raise StreamError(f"upgrade refused (HTTP {status})") from None
        except (InvalidHandshake, InvalidURI) as exc:
            raise StreamError(f"handshake failed: {type(exc).__name__}") from None
        except OSError as exc:
            raise StreamError(f"unreachable: {_os_reason(exc)}") from None

    async def _send_subscribe(self, ws: ClientConnection) -> None:
        try:
            async with asyncio.timeout(self.send_deadline):
                await ws.send(json.dumps({"subscribe": self.symbols}))
        except TimeoutError:
            raise StreamError("a subscription hung") from None
        self.subscribes += 1

    async def _connection(self) -> None:
        """One socket, from connect to close; returns when told to stop.

        Raises:
            StreamError: the socket ended, went silent, or never opened.
        """
        from websockets.exceptions import ConnectionClosed

        ws = await self._open()
        try:
            await self._send_subscribe(ws)
            self.on_state(StreamState.STREAMING, None)
            now = time.monotonic()
            next_subscribe = now + self.resubscribe
            last_good = now
            while self.keep_going():
                now = time.monotonic()
                if now - last_good >= self.silent_after:
                    raise StreamError(f"silent for {self.silent_after:g} s")
                if now >= next_subscribe:
                    await self._send_subscribe(ws)
                    next_subscribe = now + self.resubscribe
                wait = min(next_subscribe, last_good + self.silent_after) - now
                try:
                    async with asyncio.timeout(max(0.0, wait)):
                        frame = await ws.recv()
                except TimeoutError:
                    continue
                tick = self.gate.take(frame)
                if tick is not None:
                    last_good = time.monotonic()
                    self.on_tick(tick)
                elif self.gate.last_drop == "heartbeat":
                    last_good = time.monotonic()
        except ConnectionClosed as exc:
            sent = exc.sent.code if exc.sent is not None else None
            code = exc.rcvd.code if exc.rcvd is not None else sent
            if 1009 in (sent, code):  # message too big: refused from its header, before reading it
                self.gate.counts["too_large"] += 1
                raise StreamError(f"a frame over {self.max_frame // 1024} KB") from None
            raise StreamError(f"closed by the server (code {code})") from None
        finally:
            await _close(ws, self.send_deadline)


def _os_reason(exc: OSError) -> str:
    """A socket error in a few words (asyncio's own text repeats the address, or lists one
    error per address tried)."""
    if isinstance(exc, socket.gaierror):
        return "name not resolved"
    if isinstance(exc, ConnectionRefusedError) or "Connect call failed" in str(exc):
        return "connection refused"
    return exc.strerror or type(exc).__name__


async def _close(ws: ClientConnection, deadline: float) -> None:
    """Close the socket within ``deadline``, else abort it: a hung peer never holds us."""
    try:
        async with asyncio.timeout(deadline):
            await ws.close()
    except (TimeoutError, OSError):
        ws.transport.abort()
    except Exception:  # a close that fails in any way still ends the socket
        with contextlib.suppress(Exception):
            ws.transport.abort()


@dataclass(frozen=True, slots=True)
class Probe:
    """What one short look at the stream found (the doctor's check)."""

    connected: bool
    reason: str | None = None
    """Why it did not connect, or how the socket ended before a tick."""
    tick: StreamTick | None = None
    elapsed: float = 0.0
    """Seconds from the first byte sent to the first tick (or to the end)."""
    summary: str = ""


async def probe(url: str, symbols: Sequence[str], *, wait: float, proxy: str | None = None,
                user_agent: str | None = None) -> Probe:  # fmt: skip
    """Connect, subscribe and wait up to ``wait`` seconds for the first good tick."""
    ticks: list[StreamTick] = []
    stream = QuoteStream(url, symbols, ticks.append, proxy=proxy, user_agent=user_agent,
                         keep_going=lambda: not ticks, silent_after=wait,
                         connect_deadline=min(wait, CONNECT_DEADLINE))  # fmt: skip
    started = time.perf_counter()
    connected = False

    def note(state: StreamState, reason: str | None) -> None:
        nonlocal connected
        connected = connected or state is StreamState.STREAMING

    stream.on_state = note
    try:
        await stream._connection()
        reason = None
    except StreamError as exc:
        reason = exc.reason
    elapsed = time.perf_counter() - started
    tick = ticks[0] if ticks else None
    return Probe(connected, reason, tick, elapsed, stream.gate.summary())
