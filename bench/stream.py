"""The quote stream: tick to screen, CPU, requests to Yahoo, and the frame decoder.

(a) Decoding one frame: neotui's wire reader (stream_wire.read_fields) against the protobuf
    package's upb parser (yfinance's generated ``pricing_pb2``) reading the same fields, on the
    recorded frames. Best of 5 x 20,000. Figures only: both are far below a tick's budget.
(b) Tick to screen: the app (``make_app``, headless, 160x48, 200 watched symbols, live) streams
    from the fake streamer in its own process, which sends ticks round-robin over the 200 symbols
    at 10 and then 100 ticks a second. Timed per tick is the span from the frame leaving the
    socket (``LiveQuotes`` hands it to the coalescer) to the end of the screen refresh after the
    feed update that carries it (``call_after_refresh`` from the app's quotes handler): the
    coalescing wait (one frame, 1/60 s), the merge, the table, providers, sector, alerts and
    the render. p50 and p95. Aim: p95 <= 50 ms at 100 ticks/s.
(c) CPU of the app's process (user + system) over 15 s: connected and subscribed before any
    tick, streaming at 100 ticks/s, and polling only (the stream off: today's idle), in the same
    run. Aim: streaming
    <= 10 % of a core; connected idle within 0.1 points of polling idle.
(d) Requests an hour to Yahoo with the 8 default symbols in regular hours: the feed's interval
    (15 s polling, 60 s beside the stream) times the HTTP requests one refresh makes against the
    fake Yahoo (batch quote + spark); the stream adds one connection (more only on reconnects)
    and its subscriptions travel on it.

The fake Yahoo and the fake streamer run in their own processes, so their CPU is not counted. The
stream's session check is forced to "trading" so the bench runs at any hour.
"""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

from bench.common import REPO, fake_server, free_port, row

SIZE = (160, 48)
SYMBOLS = tuple(f"S{i:03d}" for i in range(200))
DEFAULT = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")
RATES = (10.0, 100.0)
MEASURE = {10.0: 20.0, 100.0: 10.0}  # seconds of ticks measured at each rate
CPU_SECONDS = 15.0
FIXTURES = REPO / "tests" / "fixtures" / "yahoo_streamer"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# --- (a) decoding -------------------------------------------------------------------------------


def decode() -> None:
    from neotui.data.market.stream_wire import read_fields

    dkng = base64.b64decode(
        json.loads((FIXTURES / "quoted_stream_v2_frame_DKNG_2026-09-02T1927Z.json").read_text())[
            "message"
        ]
    )
    btc = base64.b64decode(
        (FIXTURES / "yf_stream_message_BTC-USD_2025-01-10T1139Z.b64").read_text()
    )
    try:
        from yfinance.pricing_pb2 import PricingData  # type: ignore[import-not-found]
    except Exception:
        PricingData = None

    def upb(data: bytes) -> tuple[object, ...]:
        m = PricingData()
        m.ParseFromString(data)
        return (m.id, m.price, m.time, m.exchange, m.quote_type, m.market_hours,
                m.change_percent, m.day_volume, m.day_high, m.day_low, m.change)  # fmt: skip

    for name, data in (("DKNG v2 frame, 11 fields", dkng), ("BTC-USD message, 20 fields", btc)):
        n = 20_000
        hand = min(timeit.repeat(lambda d=data: read_fields(d), number=n, repeat=5)) / n
        line = f"{hand * 1e6:.1f} µs"
        if PricingData is not None:
            pb = min(timeit.repeat(lambda d=data: upb(d), number=n, repeat=5)) / n
            line += f"   protobuf (upb) {pb * 1e6:.1f} µs   ratio {hand / pb:.1f}x"
        row(f"(a) decode {name}: wire reader", line)


# --- the streamer process -----------------------------------------------------------------------


def serve(port: int) -> None:
    """The fake streamer for (b) and (c): reads "RATE SECONDS" lines on stdin and sends ticks
    round-robin over SYMBOLS at that rate for that long, then prints "done"."""
    sys.path.insert(0, str(REPO))
    from tests.fake_stream import FakeStream, frame

    fake = FakeStream().start(port)
    print(fake.url, flush=True)
    prices = dict.fromkeys(SYMBOLS, 100.0)
    i = 0
    for line in sys.stdin:
        rate, seconds = (float(x) for x in line.split())
        end = time.monotonic() + seconds
        next_at = time.monotonic()
        while time.monotonic() < end:
            symbol = SYMBOLS[i % len(SYMBOLS)]
            i += 1
            prices[symbol] += 0.01
            fake.push(frame(symbol, prices[symbol], change=prices[symbol] - 99.0))
            next_at += 1 / rate
            time.sleep(max(0.0, next_at - time.monotonic()))
        print("done", flush=True)


# --- (b), (c): the app --------------------------------------------------------------------------


def build_app(yahoo: str, stream_url: str, symbols: tuple[str, ...], stream: bool):
    from neotui.build import make_app
    from neotui.data.market.stream_live import LiveQuotes
    from neotui.settings import load_settings

    LiveQuotes._trading = lambda self: True  # type: ignore[method-assign]  # any hour
    settings = load_settings(environ={}, overrides={
        "market": {"symbols": symbols, "yahoo_url": yahoo, "stream": stream,
                   "stream_url": stream_url, "fundamentals": False},
        "news": {"enabled": False},
    })  # fmt: skip
    return make_app(settings, filings=False, news=False)


async def run_app(yahoo: str, stream_url: str, streamer: subprocess.Popen[str]) -> dict:
    from neotui.data.market.stream_live import LiveQuotes

    arrived: dict[str, float] = {}  # symbol -> when its newest tick left the socket
    latencies: list[float] = []
    recording = False
    original = LiveQuotes._on_tick

    def on_tick(self: LiveQuotes, tick) -> None:  # type: ignore[no-untyped-def]
        arrived.setdefault(tick.symbol, time.perf_counter())
        original(self, tick)

    LiveQuotes._on_tick = on_tick  # type: ignore[method-assign]
    app = build_app(yahoo, stream_url, SYMBOLS, stream=True)
    show = app._show_quotes

    def timed_show(update, changed):  # type: ignore[no-untyped-def]
        show(update, changed)
        pending = {s: arrived.pop(s) for s in (changed or ()) if s in arrived}
        if pending and recording:
            app.call_after_refresh(
                lambda: latencies.extend(time.perf_counter() - t for t in pending.values())
            )

    app._show_quotes = timed_show  # type: ignore[method-assign]
    out: dict = {}
    async with app.run_test(headless=True, size=SIZE) as pilot:
        while app.live_quotes is None or app.feed.last_refresh is None:
            await pilot.pause(0.05)
        live = app.live_quotes
        while live.stream is None or live.stream.subscribes == 0:
            await pilot.pause(0.05)

        async def send(rate: float, seconds: float) -> None:
            assert streamer.stdin is not None and streamer.stdout is not None
            streamer.stdin.write(f"{rate} {seconds}\n")
            streamer.stdin.flush()
            await asyncio.to_thread(streamer.stdout.readline)

        await asyncio.sleep(2.0)
        cpu_start = time.process_time()  # connected and subscribed, no tick yet
        await asyncio.sleep(CPU_SECONDS)
        out["cpu_connected_idle"] = (time.process_time() - cpu_start) / CPU_SECONDS
        await send(100.0, 2.0)  # warm-up: every row drawn once
        for rate in RATES:
            latencies.clear()
            recording = True
            flushes = live.flushes
            await send(rate, MEASURE[rate])
            await pilot.pause(0.2)
            recording = False
            out[rate] = (list(latencies), live.flushes - flushes)
        cpu_start = time.process_time()
        await send(100.0, CPU_SECONDS)
        out["cpu_streaming"] = (time.process_time() - cpu_start) / CPU_SECONDS
        out["gate"] = live.gate.summary()
    LiveQuotes._on_tick = original  # type: ignore[method-assign]
    return out


async def polling_idle(yahoo: str) -> float:
    app = build_app(yahoo, "ws://127.0.0.1:9/", SYMBOLS, stream=False)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        while app.feed.last_refresh is None:
            await pilot.pause(0.05)
        await asyncio.sleep(2.0)
        cpu_start = time.process_time()
        await asyncio.sleep(CPU_SECONDS)
        return (time.process_time() - cpu_start) / CPU_SECONDS


# --- (d) requests -------------------------------------------------------------------------------


async def requests_per_refresh(yahoo: str) -> int:
    from neotui.data.market.feed import MarketFeed
    from neotui.data.market.yahoo import YahooClient

    feed = MarketFeed(DEFAULT, YahooClient(yahoo))
    await feed.refresh_once()  # the first pays for the cookie and crumb
    before = feed.requests
    await feed.refresh_once(force=True)
    await feed.client.aclose()
    return feed.requests - before


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
        return
    print("stream: tick to screen, CPU, requests to Yahoo, decoding", flush=True)
    decode()
    with fake_server(free_port()) as yahoo:
        port = free_port()
        streamer = subprocess.Popen([sys.executable, "-m", "bench.stream", "--serve", str(port)],
                                    cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    text=True)  # fmt: skip
        try:
            assert streamer.stdout is not None
            url = streamer.stdout.readline().strip()
            figures = asyncio.run(run_app(yahoo, url, streamer))
        finally:
            streamer.terminate()
            streamer.wait(10)
        idle = asyncio.run(polling_idle(yahoo))
        per_refresh = asyncio.run(requests_per_refresh(yahoo))
    for rate in RATES:
        samples, flushes = figures[rate]
        if not samples:
            row(f"(b) tick to screen at {rate:g}/s", "no samples")
            continue
        p50, p95 = statistics.median(samples), percentile(samples, 95)
        aim = "  (aim p95 <= 50 ms)" if rate == 100 else ""
        row(f"(b) tick to screen at {rate:g}/s over 200 symbols, p50 / p95",
            f"{ms(p50)} / {ms(p95)}{aim}")  # fmt: skip
        each = len(samples) / max(1, flushes)
        row("    ticks painted, feed updates (table updates)",
            f"{len(samples)}, {flushes} ({each:.1f} a flush)")  # fmt: skip
    row("(c) CPU streaming 100 ticks/s", f"{figures['cpu_streaming'] * 100:.2f} % of a core"
        "  (aim <= 10 %)")  # fmt: skip
    row("(c) CPU connected, no ticks", f"{figures['cpu_connected_idle'] * 100:.2f} % of a core")
    row("(c) CPU polling only (stream off: today's idle)", f"{idle * 100:.2f} % of a core")
    diff = (figures["cpu_connected_idle"] - idle) * 100
    row("    connected idle - polling idle", f"{diff:+.2f} points  (aim within 0.1)")
    polling = 3600 / 15 * per_refresh
    streaming = 3600 / 60 * per_refresh + 1
    row(f"(d) requests/hour to Yahoo, 8 symbols, regular hours: polling ({per_refresh}/refresh)",
        f"{polling:.0f}")  # fmt: skip
    row(
        "(d) requests/hour streaming (60 s batch + 1 WebSocket)",
        f"{streaming:.0f}  ratio {streaming / polling:.2f}x; 240 subscriptions ride the socket",
    )
    row("    stream gate", figures["gate"])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
