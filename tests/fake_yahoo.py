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
import socket
import struct
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "yahoo"
NEWS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "news"
NO_NEWS = "y2_search_NO0010123060_empty_2025-02-25.json"
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
    folder = NEWS_FIXTURES if name.startswith("y2_search_") else FIXTURES
    data = json.loads((folder / name).read_text(encoding="utf-8"))
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


@dataclass
class Route:
    """What the server answers for one symbol."""

    intraday: str | None = None  # fixture file for range=1d requests
    daily: str | None = None  # fixture file for range=1y requests
    scale: float = 1.0
    fault: str | None = None
    latency: float = 0.0


@dataclass
class FakeYahoo:
    """The server's switchboard. Change attributes at any time; requests see them at once."""

    routes: dict[str, Route] = field(default_factory=dict)
    news: dict[str, str] = field(default_factory=dict)  # symbol -> recorded search body
    news_fault: str | None = None
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
        daily = query.get("range", ["1d"])[0] != "1d"
        name = (route.daily or DEFAULT_DAILY) if daily else (route.intraday or DEFAULT_INTRADAY)
        status, content_type, body = recorded(name)
        if (daily and route.daily is None) or (not daily and route.intraday is None):
            body = _scaled_cached(name, symbol, route.scale)
        return status, content_type, body

    def search(self, query: str) -> tuple[int, str, bytes] | str:
        """The /v1/finance/search answer for ``q=query``: its recorded body (no news when it
        has none), or the search fault to act out."""
        if self.news_fault:
            return self.news_fault
        return recorded(self.news.get(query, NO_NEWS))

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
                if parsed.path == "/v1/finance/search":
                    query = parse_qs(parsed.query).get("q", [""])[0]
                    with fake._lock:
                        fake.requests.append((time.monotonic(), f"search:{query}", parsed.query))
                        fake.counts[f"search:{query}"] += 1
                    answer = fake.search(query)
                elif parsed.path.startswith("/v8/finance/chart/"):
                    symbol = unquote(parsed.path.rsplit("/", 1)[1])
                    with fake._lock:
                        fake.requests.append((time.monotonic(), symbol, parsed.query))
                        fake.counts[symbol] += 1
                    route = fake.routes.get(symbol, Route())
                    delay = max(fake.latency, route.latency)
                    if delay:
                        time.sleep(delay)
                    answer = fake.answer(symbol, parse_qs(parsed.query))
                else:
                    self._send(404, "text/plain", b"Not Found")
                    return
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
    # Recorded headlines for two watched symbols (the others have none): dedup, candidates.
    fake.news.update({"NVDA": "y2_search_GOOG_news_2025-02-25.json",
                      "CRWV": "y2_search_AAPL_news_2025-02-25.json"})  # fmt: skip
    fake.start(args.port)
    print(f"fake Yahoo on {fake.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
