"""A fake of Yahoo's quote streamer: a real WebSocket server on 127.0.0.1, in a daemon thread.

It answers the upgrade, records every subscription, and sends frames: the recorded ones from
``tests/fixtures/yahoo_streamer/`` byte for byte, or frames built here for the tests' symbols
(:func:`frame`, the same protobuf wire format). Faults, as Yahoo or a network can misbehave:

- ``refuse``: the upgrade is answered with HTTP 403;
- ``silent``: the socket is accepted and never spoken on;
- ``drop``: the socket is closed right after the frames queued for it;
- ``garbage``: every frame of :data:`GARBAGE` in turn (and nothing good);
- ``huge``: one 50 MB text frame.

Run it by hand beside the fake Yahoo (``python -m tests.fake_stream --port 8767 --rate 5``) and
point ``NEOTUI_YAHOO_STREAM_URL`` at it.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import math
import struct
import threading
import time
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any, Self

FIXTURES = Path(__file__).parent / "fixtures" / "yahoo_streamer"
#: The recorded version=2 frame, exactly as Yahoo sent it (DKNG, 2026-09-02 19:27:09 UTC).
DKNG_FRAME = (FIXTURES / "quoted_stream_v2_frame_DKNG_2026-09-02T1927Z.json").read_text()
#: The recorded bare message (BTC-USD, a v1 frame's body), wrapped as v2 would carry it.
BTC_MESSAGE = (FIXTURES / "yf_stream_message_BTC-USD_2025-01-10T1139Z.b64").read_text()


@functools.cache
def huge() -> str:
    """The ``huge`` fault's frame: 50 MB of text (made once, when first sent)."""
    return "x" * (50 * 1024 * 1024)


# --- building frames ----------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    value &= 0xFFFF_FFFF_FFFF_FFFF
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 63)


def pricing(
    symbol: str,
    price: float,
    time_ms: int,
    *,
    change: float | None = None,
    change_pct: float | None = None,
    volume: int | None = None,
    high: float | None = None,
    low: float | None = None,
    market_hours: int = 1,
    quote_type: int = 8,
    exchange: str = "NMS",
) -> bytes:
    """A PricingData message, encoded as Yahoo encodes it (fields in number order)."""
    out = bytearray()
    raw = symbol.encode()
    out += _key(1, 2) + _varint(len(raw)) + raw
    out += _key(2, 5) + struct.pack("<f", price)
    out += _key(3, 0) + _varint(_zigzag(time_ms))
    ex = exchange.encode()
    out += _key(5, 2) + _varint(len(ex)) + ex
    out += _key(6, 0) + _varint(quote_type)
    if market_hours:  # proto3 leaves a zero out
        out += _key(7, 0) + _varint(market_hours)
    if change_pct is not None:
        out += _key(8, 5) + struct.pack("<f", change_pct)
    if volume is not None:
        out += _key(9, 0) + _varint(_zigzag(volume))
    if high is not None:
        out += _key(10, 5) + struct.pack("<f", high)
    if low is not None:
        out += _key(11, 5) + struct.pack("<f", low)
    if change is not None:
        out += _key(12, 5) + struct.pack("<f", change)
    return bytes(out)


def frame(symbol: str, price: float, time_ms: int | None = None, **fields: Any) -> str:
    """A version=2 text frame carrying one tick (``time_ms`` defaults to now)."""
    when = int(time.time() * 1000) if time_ms is None else time_ms
    message = base64.b64encode(pricing(symbol, price, when, **fields)).decode()
    return json.dumps({"type": "pricing", "message": message}, separators=(",", ":"))


def garbage(symbol: str, now_ms: int) -> list[tuple[str, str]]:
    """Every kind of bad frame, each with the drop kind the gate must count for it."""
    good = pricing(symbol, 10.0, now_ms)
    truncated = base64.b64encode(good[:-3]).decode()
    return [
        ("not_json", "{not json"),
        ("not_json", "\x00\xff"),
        ("not_pricing", '["pricing"]'),
        ("not_pricing", '{"type":"news","message":"x"}'),
        ("not_base64", '{"type":"pricing","message":"@@@not base64@@@"}'),
        ("not_protobuf", json.dumps({"type": "pricing", "message": truncated})),
        ("not_protobuf", json.dumps({"type": "pricing", "message": "/////w=="})),
        ("bad_price", frame(symbol, math.nan, now_ms)),
        ("bad_price", frame(symbol, -5.0, now_ms)),
        ("bad_price", frame(symbol, math.inf, now_ms)),
        ("bad_price", frame(symbol, 0.0, now_ms)),
        ("bad_time", frame(symbol, 10.0, 12)),
        ("bad_time", frame(symbol, 10.0, now_ms + 86_400_000)),
        ("unsubscribed", frame("ZZZZ", 10.0, now_ms)),
        ("no_symbol", frame("", 10.0, now_ms)),
    ]


# --- the server ---------------------------------------------------------------------------------


class FakeStream:
    """The fake streamer; see the module docstring."""

    def __init__(self, fault: str | None = None, frames: Iterable[str] = ()) -> None:
        self.fault = fault
        #: Frames sent to each new connection after its first subscription.
        self.frames: list[str] = list(frames)
        self.subscriptions: list[list[str]] = []
        self.connections = 0
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clients: set[Any] = set()
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    # --- running --------------------------------------------------------------------------------

    def start(self, port: int = 0) -> Self:
        """Listen on 127.0.0.1 (``port`` or a free one) in a daemon thread."""
        ready = threading.Event()

        def run() -> None:
            asyncio.run(self._serve(port, ready))

        self._thread = threading.Thread(target=run, name="FakeStream", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake stream did not start")
        return self

    async def _serve(self, port: int, ready: threading.Event) -> None:
        from websockets.asyncio.server import serve

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(self._handle, "127.0.0.1", port, process_request=self._upgrade,
                         max_size=2**27, compression=None) as server:  # fmt: skip
            bound = next(iter(server.sockets)).getsockname()[1]
            self.url = f"ws://127.0.0.1:{bound}/?version=2"
            ready.set()
            await self._stop.wait()

    def stop(self) -> None:
        """Close every socket and stop."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> Self:
        return self if self._thread is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- answering ------------------------------------------------------------------------------

    def _upgrade(self, connection: Any, request: Any) -> Any:
        self.connections += 1
        if self.fault == "refuse":
            return connection.respond(HTTPStatus.FORBIDDEN, "Forbidden\n")
        return None

    async def _handle(self, ws: Any) -> None:
        self._clients.add(ws)
        try:
            if self.fault == "silent":
                await ws.wait_closed()
                return
            first = True
            async for message in ws:
                symbols = json.loads(message).get("subscribe")
                self.subscriptions.append(list(symbols or []))
                if first:
                    first = False
                    await self._first(ws)
        except Exception:  # a client that went away mid-send: nothing to do
            return
        finally:
            self._clients.discard(ws)

    async def _first(self, ws: Any) -> None:
        if self.fault == "huge":
            await ws.send(huge())
            return
        if self.fault == "garbage":
            symbols = self.subscriptions[-1] or ["X"]
            for _, text in garbage(symbols[0], int(time.time() * 1000)):
                await ws.send(text)
            return
        for text in self.frames:
            await ws.send(text)
        if self.fault == "drop":
            await ws.close()

    def push(self, *frames: str) -> None:
        """Send ``frames`` now to every connected client (from any thread)."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("not started")

        async def send() -> None:
            for ws in list(self._clients):
                for text in frames:
                    try:
                        await ws.send(text)
                    except Exception:
                        self._clients.discard(ws)

        asyncio.run_coroutine_threadsafe(send(), loop).result(10)

    def drop_all(self) -> None:
        """Close every connected socket (the clients see the server go away)."""
        loop = self._loop
        if loop is None:
            return

        async def close() -> None:
            for ws in list(self._clients):
                await ws.close()

        asyncio.run_coroutine_threadsafe(close(), loop).result(10)

    @property
    def connected(self) -> int:
        """Sockets open now."""
        return len(self._clients)


def main() -> None:
    """Serve the fake streamer: random-walk ticks for the given symbols at ``--rate`` a second."""
    import argparse
    import random

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--fault", default=None)
    parser.add_argument("--symbols", default="CRWV,NBIS,IREN,CIFR,WULF,APLD,CORZ,NVDA")
    args = parser.parse_args()
    fake = FakeStream(args.fault).start(args.port)
    print(f"fake streamer on {fake.url}", flush=True)
    symbols = args.symbols.split(",")
    prices = dict.fromkeys(symbols, 100.0)
    try:
        while True:
            symbol = random.choice(symbols)
            prices[symbol] *= 1 + random.uniform(-0.002, 0.002)
            fake.push(frame(symbol, prices[symbol], change=prices[symbol] - 100.0))
            time.sleep(1 / args.rate)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
