"""A fake Yahoo Finance chart server: a real HTTP server on 127.0.0.1, fed with recorded bodies.

The app talks to it through ``NEOTUI_YAHOO_URL`` exactly as it talks to Yahoo. Faults can be
switched on for every symbol or for one: latency, 429 with Yahoo's plain-text body, 500, an HTML
page with status 200, an empty or truncated body, a connection reset, a server that hangs, and
the recorded 404/400 error bodies.

Recorded bodies live in ``tests/fixtures/yahoo`` (copied verbatim from ``shared/yahoo-fixtures``
with their SOURCES.md). Symbols without a recording of their own (CRWV, NBIS, …: Yahoo has none
in public) are served the recorded TSLA intraday body with ``meta.symbol`` set to the symbol and,
optionally, prices scaled, so each row shows its own numbers.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import socket
import struct
import threading
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from neotui.data.quote import NEW_YORK

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "yahoo"
DEFAULT_INTRADAY = "y2_chart_TSLA_30m_intraday_prepost_tradingPeriods.json"
DEFAULT_DAILY = "y2_chart_NVDA_1d_1y_split_event.json"
TOO_MANY = (FIXTURES / "quoted_in_issues" / "http429_too_many_requests.txt").read_bytes()
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Yahoo</title></head>"
    b"<body><form>Before you continue to Yahoo: consent</form></body></html>"
)
FAULTS = ("429", "500", "html", "empty", "truncated", "reset", "hang", "404", "400")
_PRICE_KEYS = (
    "regularMarketPrice", "previousClose", "chartPreviousClose", "regularMarketDayHigh",
    "regularMarketDayLow", "fiftyTwoWeekHigh", "fiftyTwoWeekLow", "fulldayPrice",
)  # fmt: skip


@functools.lru_cache(maxsize=64)
def recorded(name: str) -> tuple[int, str, bytes]:
    """Status, content type and body of a recorded file, in either wrapper format."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    if isinstance(data, list):  # yfinance's format
        response = data[0]["response"]
        return (
            response["status_code"],
            response["content_type"],
            json.dumps(response["json"]).encode(),
        )
    response = data["response"]  # node-yahoo-finance2's format
    if "bodyJson" in response:
        body = json.dumps(response["bodyJson"]).encode()
        return response["status"], "application/json;charset=utf-8", body
    return response["status"], "text/plain", response["bodyText"].encode()


def recorded_json(name: str) -> Any:
    """The decoded JSON body of a recorded file."""
    return json.loads(recorded(name)[2])


@functools.lru_cache(maxsize=4096)
def _scaled_cached(name: str, symbol: str, scale: float) -> bytes:
    return _scaled(json.loads(recorded(name)[2]), symbol, scale)


def _scaled(body: Any, symbol: str, scale: float) -> bytes:
    body = copy.deepcopy(body)
    result = body["chart"]["result"][0]
    meta = result["meta"]
    meta["symbol"] = symbol
    meta.pop("longName", None)
    meta["shortName"] = f"{symbol} (fake)"
    for key in _PRICE_KEYS:
        if isinstance(meta.get(key), (int, float)):
            meta[key] = round(meta[key] * scale, 4)
    for quote in result.get("indicators", {}).get("quote", []):
        for key in ("open", "high", "low", "close"):
            if isinstance(quote.get(key), list):
                quote[key] = [None if v is None else round(v * scale, 4) for v in quote[key]]
    return json.dumps(body).encode()


#: The last day of the synthetic two-year daily series (the tests' frozen clock is the 20th).
SYNTHETIC_END = date(2026, 11, 20)
#: Symbols listed inside the two years: their synthetic series starts on the first trading day.
FIRST_TRADE = {"CRWV": date(2025, 3, 28)}


@functools.lru_cache(maxsize=64)
def synthetic_daily(
    symbol: str, end: date = SYNTHETIC_END, jumps: tuple[tuple[date, float], ...] = ()
) -> bytes:
    """A made-up ``range=2y&interval=1d`` chart body for ``symbol``: two years of US sessions to
    ``end`` (or from its listing, ``FIRST_TRADE``). Every symbol shares one market factor (SPY is
    that factor); others add a beta of their own and noise, seeded by the symbol, so the event
    study has something to measure and the same request always gets the same prices. No deal
    effect is planted unless ``jumps`` adds a return on given days (``Route.jumps``)."""
    from neotui.data.calendar import sessions

    days = sessions(max(end - timedelta(days=730), FIRST_TRADE.get(symbol, date.min)), end)
    market = random.Random(0)
    own = random.Random(zlib.crc32(symbol.encode()))
    beta, price = own.uniform(0.8, 2.5), own.uniform(10.0, 150.0)
    closes, extra = [], dict(jumps)
    for day in days:
        m = market.gauss(0.0004, 0.01)
        r = m if symbol == "SPY" else beta * m + own.gauss(0.0, 0.03)
        price *= 1.0 + r + extra.get(day, 0.0)
        closes.append(round(price, 4))
    opens = [int(datetime.combine(d, dtime(9, 30), NEW_YORK).timestamp()) for d in days]
    meta = {"currency": "USD", "symbol": symbol, "exchangeTimezoneName": "America/New_York",
            "regularMarketPrice": closes[-1], "shortName": f"{symbol} (synthetic)",
            "dataGranularity": "1d", "range": "2y"}  # fmt: skip
    result = {"meta": meta, "timestamp": opens, "indicators": {"quote": [{"close": closes}]}}
    return json.dumps({"chart": {"result": [result], "error": None}}).encode()


@dataclass
class Route:
    """What the server answers for one symbol."""

    intraday: str | None = None  # fixture file for range=1d requests
    daily: str | None = None  # fixture file for range=1y (and 2y: else synthetic) requests
    scale: float = 1.0
    jumps: tuple[tuple[date, float], ...] = ()  # returns added to the synthetic 2y series
    fault: str | None = None
    latency: float = 0.0


@dataclass
class FakeYahoo:
    """The server's switchboard. Change attributes at any time; requests see them at once."""

    routes: dict[str, Route] = field(default_factory=dict)
    fault: str | None = None
    latency: float = 0.0
    requests: list[tuple[float, str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _hang: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, symbol: str) -> Route:
        """The route of ``symbol`` (created on first use)."""
        return self.routes.setdefault(symbol, Route())

    def set_fault(self, fault: str | None, symbol: str | None = None) -> None:
        """Switch a fault on (for ``symbol`` or all) or off with None."""
        assert fault is None or fault in FAULTS, fault
        if symbol is None:
            self.fault = fault
        else:
            self.route(symbol).fault = fault

    def heal(self) -> None:
        """Every fault off, every hung request released."""
        self.fault = None
        self.latency = 0.0
        for route in self.routes.values():
            route.fault = None
            route.latency = 0.0
        self._hang.set()

    def answer(self, symbol: str, query: dict[str, list[str]]) -> tuple[int, str, bytes] | str:
        """The response for a request, or the name of a fault to act out."""
        route = self.routes.get(symbol, Route())
        fault = route.fault or self.fault
        if fault in ("404", "400"):
            name = {
                "404": "y2_chart_error_404_not_found_delisted_MDLY.json",
                "400": "y2_chart_error_400_bad_request_no_data_BEKE.json",
            }[fault]
            return recorded(name)
        if fault:
            return fault
        span = query.get("range", ["1d"])[0]
        if span == "2y" and route.daily is None:
            body = synthetic_daily(symbol, SYNTHETIC_END, route.jumps)
            return 200, "application/json;charset=utf-8", body
        daily = span != "1d"
        name = (route.daily or DEFAULT_DAILY) if daily else (route.intraday or DEFAULT_INTRADAY)
        status, content_type, body = recorded(name)
        if (daily and route.daily is None) or (not daily and route.intraday is None):
            body = _scaled_cached(name, symbol, route.scale)
        return status, content_type, body

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeYahoo:
        """Listen on 127.0.0.1 (on ``port``, or a free one), in a daemon thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes; without this, Nagle's algorithm and
                # delayed ACKs add ~40 ms to every keep-alive response.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:  # http.server's naming
                parsed = urlparse(self.path)
                if not parsed.path.startswith("/v8/finance/chart/"):
                    self._send(404, "text/plain", b"Not Found")
                    return
                symbol = unquote(parsed.path.rsplit("/", 1)[1])
                with fake._lock:
                    fake.requests.append((time.monotonic(), symbol, parsed.query))
                    fake.counts[symbol] += 1
                route = fake.routes.get(symbol, Route())
                delay = max(fake.latency, route.latency)
                if delay:
                    time.sleep(delay)
                answer = fake.answer(symbol, parse_qs(parsed.query))
                if isinstance(answer, tuple):
                    self._send(*answer)
                elif answer == "429":
                    self._send(429, "text/plain;charset=utf-8", TOO_MANY)
                elif answer == "500":
                    self._send(500, "text/html", b"<html><body>Internal Server Error</body></html>")
                elif answer == "html":
                    self._send(200, "text/html;charset=utf-8", HTML_PAGE)
                elif answer == "empty":
                    self._send(200, "application/json", b"")
                elif answer == "truncated":
                    _, content_type, body = recorded(DEFAULT_INTRADAY)
                    self._send(200, content_type, body[: len(body) // 2])
                elif answer == "reset":
                    # SO_LINGER 0 makes close() send an RST: the client sees a reset.
                    linger = struct.pack("ii", 1, 0)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.close_connection = True
                    self.connection.close()
                elif answer == "hang":
                    fake._hang.wait(timeout=30)
                    self.close_connection = True

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(
            target=server.serve_forever, args=(0.05,), name="fake-yahoo", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Release hung requests and shut the server down."""
        self._hang.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def rate(self, since: float, until: float | None = None) -> int:
        """How many requests arrived in a monotonic-time window."""
        end = until if until is not None else time.monotonic()
        with self._lock:
            return sum(1 for t, _, _ in self.requests if since <= t < end)


def free_port_refusing() -> str:
    """A base URL where nothing listens: connections are refused (the network is 'down')."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def main() -> None:
    """``python -m tests.fake_yahoo [--port N] [--fault F] [--latency S]``: serve until
    interrupted (for trying the app by hand and for the benchmarks). The watched symbols get
    prices of their own."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fault", choices=FAULTS)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    fake = FakeYahoo(latency=args.latency)
    for i, symbol in enumerate(("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")):
        fake.route(symbol).scale = (0.09, 0.08, 0.035, 0.012, 0.011, 0.025, 0.015, 0.16)[i]
    fake.set_fault(args.fault)
    fake.start(args.port)
    print(f"fake Yahoo on {fake.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
