"""A fake Yahoo Finance server: a real HTTP server on 127.0.0.1, fed with recorded bodies.

The app talks to it through ``NEOTUI_YAHOO_URL`` exactly as it talks to Yahoo, over the same
browser-fingerprinted session. It serves what neotui asks Yahoo for:

- ``/`` — the cookie URL (like ``fc.yahoo.com``: 404 with ``Set-Cookie: A3=…``);
- ``/v1/test/getcrumb`` — the recorded crumb, only with the cookie;
- ``/v7/finance/quote`` — batch quotes, only with cookie and crumb (else the recorded 401 bodies);
  unknown symbols are left out silently, as Yahoo does;
- ``/v8/finance/spark`` — intraday series in the flat v8 shape;
- ``/v8/finance/chart/{symbol}`` — recorded chart bodies.

Faults can be switched on for every request or one symbol: latency, 429 with Yahoo's plain-text
body, 500, an HTML page with status 200, an empty or truncated body, a connection reset, a server
that hangs, the recorded 404/400 error bodies; and for the crumb path: getcrumb throttled (429 or
a 200 that reads "Too Many Requests"), the EU consent redirect, 401 Invalid Crumb / Invalid
Cookie, 401 "User is unable to access this feature".

Recorded bodies live in ``tests/fixtures/yahoo`` (copied verbatim from ``shared/yahoo-fixtures``
with their SOURCES.md). Symbols without a recording of their own (CRWV, NBIS, …: Yahoo has none
in public) are served the recorded TSLA intraday chart and the recorded AAPL v7 quote with the
symbol set and prices scaled, so each row shows its own numbers and both endpoints agree.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from neotui.data.market.quote import NEW_YORK

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "yahoo"
QUOTED = FIXTURES / "quoted_in_issues"
NEWS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "news"
NO_NEWS = "y2_search_NO0010123060_empty_2025-02-25.json"
DEFAULT_INTRADAY = "y2_chart_TSLA_30m_intraday_prepost_tradingPeriods.json"
DEFAULT_DAILY = "y2_chart_NVDA_1d_1y_split_event.json"
V7_TEMPLATE = "y2_quote_AAPL_CLOSED_postmarket_2025.json"
CRUMB_FILE = "y2_getcrumb_ok_text_body.json"
CONSENT_FILE = "y2_consent_1_quote_AAPL_307_to_guce_2025-02-16.json"
TOO_MANY = (QUOTED / "http429_too_many_requests.txt").read_bytes()
EDGE_TOO_MANY = (QUOTED / "http429_edge_too_many_requests.txt").read_bytes()
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Yahoo</title></head>"
    b"<body><form>Before you continue to Yahoo: consent</form></body></html>"
)
FAULTS = ("429", "500", "html", "empty", "truncated", "reset", "hang", "404", "400",
          "gzip_bomb", "redirect_away", "trickle")  # fmt: skip
#: Where the ``redirect_away`` fault sends a client.
AWAY = "http://other.example/v7/finance/quote"
#: Faults of the crumb path (``FakeYahoo.auth_fault``).
AUTH_FAULTS = (
    "crumb_429",  # getcrumb answers 429 "Too Many Requests"
    "crumb_edge_429",  # getcrumb answers 429 "Edge: Too Many Requests"
    "crumb_200_too_many",  # getcrumb answers 200 with "Too Many Requests" as the body
    "consent",  # the cookie URL redirects to guce.yahoo.com (EU consent)
    "invalid_crumb",  # v7 answers 401 Invalid Crumb
    "invalid_cookie",  # v7 answers 401 Invalid Cookie
    "denied",  # v7 answers 401 User is unable to access this feature
)
COOKIE = "A3=d=AQABBKvcsWcCEIGLkyl67hr2YX7XekV46j4FEgABCAErs2fZZ_bPb2UB9qMAAAcIq9yxZ63aZoI"
_PRICE_KEYS = (
    "regularMarketPrice", "previousClose", "chartPreviousClose", "regularMarketDayHigh",
    "regularMarketDayLow", "fiftyTwoWeekHigh", "fiftyTwoWeekLow", "fulldayPrice",
)  # fmt: skip

Reply = tuple[int, str, bytes]


@functools.lru_cache(maxsize=64)
def recorded(name: str) -> Reply:
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
    if "response" not in data:  # a bare body (the spark file)
        return 200, "application/json", json.dumps(data).encode()
    response = data["response"]  # node-yahoo-finance2's format
    if "bodyJson" in response:
        body = json.dumps(response["bodyJson"]).encode()
        return response["status"], "application/json;charset=utf-8", body
    return response["status"], "text/plain", (response.get("bodyText") or "").encode()


def recorded_json(name: str) -> Any:
    """The decoded JSON body of a recorded file."""
    return json.loads(recorded(name)[2])


def recorded_crumb() -> str:
    """The crumb Yahoo gave in the recorded getcrumb exchange (``haT3oykhHqZ``)."""
    return recorded(CRUMB_FILE)[2].decode()


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


def _us_state(now: datetime) -> str:
    """Yahoo's marketState for a US stock at ``now`` (by the clock; no holidays)."""
    from neotui.data.market.quote import Session, us_session

    session, _ = us_session(now)
    return {Session.PRE: "PRE", Session.REGULAR: "REGULAR", Session.POST: "POST"}.get(
        session, "CLOSED"
    )


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
    from neotui.data.market.calendar import sessions

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
    shares: float = 5e8  # for the market cap in v7 quotes


@dataclass
class FakeYahoo:
    """The server's switchboard. Change attributes at any time; requests see them at once."""

    routes: dict[str, Route] = field(default_factory=dict)
    news: dict[str, str] = field(default_factory=dict)  # symbol -> recorded search body
    news_fault: str | None = None
    news_bodies: dict[str, bytes] = field(default_factory=dict)  # symbol -> search body as is
    v7_patch: dict[str, dict[str, Any]] = field(default_factory=dict)  # symbol -> v7 fields
    fault: str | None = None
    latency: float = 0.0
    auth_fault: str | None = None
    auth_fault_times: int = 1_000_000  # how many requests the auth fault hits before it heals
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    requests: list[tuple[float, str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    paths: dict[str, int] = field(default_factory=lambda: defaultdict(int))
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

    def set_auth_fault(self, fault: str | None, times: int = 1_000_000) -> None:
        """Switch a crumb-path fault on for the next ``times`` requests it applies to."""
        assert fault is None or fault in AUTH_FAULTS, fault
        self.auth_fault = fault
        self.auth_fault_times = times

    def heal(self) -> None:
        """Every fault off, every hung request released."""
        self.fault = None
        self.auth_fault = None
        self.latency = 0.0
        for route in self.routes.values():
            route.fault = None
            route.latency = 0.0
        self._hang.set()

    def _auth_fault(self, *kinds: str) -> str | None:
        """The auth fault if it is one of ``kinds`` and still has requests to hit (uses one)."""
        with self._lock:
            if self.auth_fault in kinds and self.auth_fault_times > 0:
                self.auth_fault_times -= 1
                return self.auth_fault
        return None

    # --- answers ---------------------------------------------------------------------------------

    def respond(
        self, path: str, query: dict[str, list[str]], cookie: str
    ) -> tuple[Reply | str, dict[str, str], float]:
        """The reply to a GET (or the name of a fault to act out), extra headers, and latency."""
        if path == "/v1/finance/search":
            term = query.get("q", [""])[0]
            with self._lock:
                self.requests.append((time.monotonic(), f"search:{term}", _qs(query)))
                self.counts[f"search:{term}"] += 1
                self.paths[path] += 1
            return self.search(term), {}, self.latency
        symbols = _symbols(path, query)
        with self._lock:
            self.requests.append((time.monotonic(), ",".join(symbols) or path, _qs(query)))
            self.paths[_endpoint(path)] += 1
            if not path.startswith("/v8/finance/spark"):
                for symbol in symbols:
                    self.counts[symbol] += 1
        delay = max([self.latency, *(self.routes.get(s, Route()).latency for s in symbols)])
        headers: dict[str, str] = {}

        if path in ("", "/"):
            if self._auth_fault("consent"):
                location = recorded_json_headers(CONSENT_FILE)["location"]
                return (307, "text/html; charset=utf-8", b""), {"Location": location}, delay
            headers["Set-Cookie"] = f"{COOKIE}; Path=/; HttpOnly"
            return (404, "text/html", b"<html><body>404 Not Found</body></html>"), headers, delay

        if path == "/v1/test/getcrumb":
            if self.fault:
                return self._fault_reply(self.fault), headers, delay
            fault = self._auth_fault("crumb_429", "crumb_edge_429", "crumb_200_too_many")
            if fault == "crumb_429":
                return (429, "text/plain", TOO_MANY), headers, delay
            if fault == "crumb_edge_429":
                return (429, "text/plain", EDGE_TOO_MANY), headers, delay
            if fault == "crumb_200_too_many":
                return (200, "text/plain", TOO_MANY), headers, delay
            if "A3=" not in cookie:
                return _quoted_401("http401_invalid_cookie.json"), headers, delay
            status, _, body = recorded(CRUMB_FILE)
            return (status, "text/plain;charset=utf-8", body), headers, delay

        if path == "/v7/finance/quote":
            if self.fault:
                return self._fault_reply(self.fault), headers, delay
            fault = self._auth_fault("invalid_crumb", "invalid_cookie", "denied")
            if fault == "denied":
                return _quoted_401("http401_user_unable_to_access_feature.json"), headers, delay
            if fault == "invalid_cookie" or "A3=" not in cookie:
                return _quoted_401("http401_invalid_cookie.json"), headers, delay
            if fault == "invalid_crumb" or query.get("crumb", [""])[0] != recorded_crumb():
                return _quoted_401("http401_invalid_crumb.json"), headers, delay
            return (200, "application/json;charset=utf-8", self._v7(symbols)), headers, delay

        if path == "/v8/finance/spark":
            if self.fault:
                return self._fault_reply(self.fault), headers, delay
            return (200, "application/json", self._spark(symbols)), headers, delay

        if path.startswith("/v8/finance/chart/"):
            return self._chart(symbols[0], query), headers, delay
        return (404, "text/plain", b"Not Found"), headers, delay

    def search(self, query: str) -> Reply | str:
        """The /v1/finance/search answer for ``q=query``: its recorded body (no news when it
        has none), or the search fault to act out."""
        if self.news_fault:
            return self.news_fault
        if query in self.news_bodies:
            return 200, "application/json;charset=utf-8", self.news_bodies[query]
        return recorded(self.news.get(query, NO_NEWS))

    def _fault_reply(self, fault: str) -> Reply | str:
        if fault in ("404", "400"):  # a whole batch cannot be "not found": Yahoo says 200
            return 200, "application/json", b'{"quoteResponse":{"result":[],"error":null}}'
        return fault

    def _chart(self, symbol: str, query: dict[str, list[str]]) -> Reply | str:
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

    def answer(self, symbol: str, query: dict[str, list[str]]) -> Reply | str:
        """The chart response for ``symbol`` (kept for tests that ask the switchboard directly)."""
        return self._chart(symbol, query)

    def _chart_meta(
        self, symbol: str
    ) -> tuple[dict[str, Any], list[int], list[float | None]] | None:
        """The meta, timestamps and closes of the symbol's intraday chart (None if faulted)."""
        route = self.routes.get(symbol, Route())
        if route.fault:
            return None
        name = route.intraday or DEFAULT_INTRADAY
        if route.intraday is None:
            body = json.loads(_scaled_cached(name, symbol, route.scale))
        else:
            body = recorded_json(name)
        result = body["chart"]["result"][0]
        closes = result["indicators"]["quote"][0].get("close") or []
        return result["meta"], result.get("timestamp") or [], closes

    def _v7(self, symbols: list[str]) -> bytes:
        template = recorded_json(V7_TEMPLATE)["quoteResponse"]["result"][0]
        state = _us_state(self.clock())
        results = []
        for symbol in symbols:
            chart = self._chart_meta(symbol)
            if chart is None:
                continue  # Yahoo leaves unknown symbols out, silently
            route = self.routes.get(symbol, Route())
            item = _v7_from_meta(chart[0], template, state)
            if route.intraday is None:
                item["marketCap"] = round(item["regularMarketPrice"] * route.shares)
                item["sharesOutstanding"] = route.shares
            item.update(self.v7_patch.get(symbol, {}))
            results.append(item)
        return json.dumps({"quoteResponse": {"result": results, "error": None}}).encode()

    def _spark(self, symbols: list[str]) -> bytes:
        body: dict[str, Any] = {}
        for symbol in symbols:
            chart = self._chart_meta(symbol)
            if chart is None:
                continue
            meta, times, closes = chart
            body[symbol] = {
                "timestamp": times, "close": closes, "symbol": symbol,
                "previousClose": meta.get("previousClose"),
                "chartPreviousClose": meta.get("chartPreviousClose"),
                "start": times[0] if times else None, "end": times[-1] if times else None,
                "dataGranularity": 300,
            }  # fmt: skip
        return json.dumps(body).encode()

    def mock_transport(self, offline: bool = False) -> Any:
        """The same answers through ``httpx.MockTransport`` (Pilot and snapshot tests: no
        sockets, no latency). ``offline`` makes every request fail to connect."""
        import httpx

        def handler(request: httpx.Request) -> httpx.Response:
            if offline or self.fault == "offline":
                raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
            query = parse_qs(request.url.query.decode())
            answer, headers, _ = self.respond(
                request.url.path, query, request.headers.get("cookie", "")
            )
            if answer == "reset":
                raise httpx.ReadError("Connection reset by peer", request=request)
            if answer == "hang":
                raise httpx.ReadTimeout("timed out", request=request)
            if isinstance(answer, str):
                answer = _FAULT_REPLIES[answer]()
            status, content_type, body = answer
            return httpx.Response(
                status, content=body, headers={"content-type": content_type, **headers}
            )

        return httpx.MockTransport(handler)

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
                answer, headers, delay = fake.respond(
                    parsed.path, parse_qs(parsed.query), self.headers.get("Cookie", "")
                )
                if delay:
                    time.sleep(delay)
                if isinstance(answer, tuple):
                    self._send(*answer, headers=headers)
                elif answer in _FAULT_REPLIES:
                    self._send(*_FAULT_REPLIES[answer]())
                elif answer == "reset":
                    # SO_LINGER 0 makes close() send an RST: the client sees a reset.
                    linger = struct.pack("ii", 1, 0)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.close_connection = True
                    self.connection.close()
                elif answer == "hang":
                    fake._hang.wait(timeout=30)
                    self.close_connection = True
                else:
                    hostile_reply(self, answer, fake._hang)

            def _send(
                self, status: int, content_type: str, body: bytes,
                headers: dict[str, str] | None = None,
            ) -> None:  # fmt: skip
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        server = _Server(("127.0.0.1", port), Handler)
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


def _truncated() -> Reply:
    _, content_type, body = recorded(DEFAULT_INTRADAY)
    return 200, content_type, body[: len(body) // 2]


#: What each fault sends (reset and hang act on the connection instead).
_FAULT_REPLIES: dict[str, Callable[[], Reply]] = {
    "429": lambda: (429, "text/plain;charset=utf-8", TOO_MANY),
    "500": lambda: (500, "text/html", b"<html><body>Internal Server Error</body></html>"),
    "html": lambda: (200, "text/html;charset=utf-8", HTML_PAGE),
    "empty": lambda: (200, "application/json", b""),
    "truncated": _truncated,
}


@functools.lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """256 MB of JSON whitespace gzipped to ~250 KB: what a broken proxy or a hostile server
    can send to make a client that reads whole bodies use gigabytes."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    block = b" " * (1 << 20)
    return b"".join([*(packer.compress(block) for _ in range(256)), packer.flush()])


def hostile_reply(handler: BaseHTTPRequestHandler, fault: str, release: threading.Event) -> None:
    """Act out ``gzip_bomb``, ``redirect_away`` (a 302 to another host) or ``trickle`` (a byte
    every 0.2 s: no read ever times out) on ``handler``'s connection; shared with fake_sec."""
    if fault == "gzip_bomb":
        body = gzip_bomb()
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip",
                   "Content-Length": str(len(body))}  # fmt: skip
    elif fault == "redirect_away":
        body, headers = b"", {"Location": AWAY, "Content-Length": "0"}
    else:
        body, headers = b"", {"Content-Type": "application/json", "Content-Length": "100000"}
    handler.send_response(302 if fault == "redirect_away" else 200)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except OSError:  # the client gave up on the bomb: that is the point
        handler.close_connection = True
        return
    if fault == "trickle":
        handler.close_connection = True
        for _ in range(600):
            if release.wait(0.2):
                return
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connections when a refresh opens 8 or more at
    # once on a busy machine (HTTP/1.1 here: no multiplexing as with Yahoo's HTTP/2).
    request_queue_size = 128


def recorded_json_headers(name: str) -> dict[str, str]:
    """The response headers of a recorded node-yahoo-finance2 exchange (list values joined)."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    headers = data["response"]["headers"]
    return {k: v[0] if isinstance(v, list) else v for k, v in headers.items()}


def _quoted_401(name: str) -> Reply:
    return 401, "application/json;charset=utf-8", (QUOTED / name).read_bytes()


def _v7_from_meta(meta: dict[str, Any], template: dict[str, Any], state: str) -> dict[str, Any]:
    """A v7 quote item for a chart's symbol: the recorded AAPL item, rescaled to the chart's
    price so the two endpoints agree."""
    item = copy.deepcopy(template)
    price = meta.get("regularMarketPrice")
    prev = meta.get("previousClose") or meta.get("chartPreviousClose")
    factor = price / template["regularMarketPrice"]
    for key in ("regularMarketDayHigh", "regularMarketDayLow", "regularMarketOpen",
                "fiftyTwoWeekHigh", "fiftyTwoWeekLow", "bid", "ask"):  # fmt: skip
        item[key] = round(template[key] * factor, 4)
    for key in [k for k in item if k.startswith(("postMarket", "preMarket"))]:
        del item[key]
    symbol = meta["symbol"]
    item.update(
        symbol=symbol, shortName=meta.get("shortName") or symbol,
        longName=meta.get("longName") or meta.get("shortName") or symbol,
        displayName=symbol, regularMarketPrice=price, regularMarketPreviousClose=prev,
        regularMarketChange=round(price - prev, 4),
        regularMarketChangePercent=round((price - prev) / prev * 100, 6),
        regularMarketTime=meta.get("regularMarketTime"), marketState=state,
        currency=meta.get("currency"),
        exchangeTimezoneName=meta.get("exchangeTimezoneName"),
        marketCap=round(template["marketCap"] * factor),
    )  # fmt: skip
    return item


def _symbols(path: str, query: dict[str, list[str]]) -> list[str]:
    if path.startswith("/v8/finance/chart/"):
        return [unquote(path.rsplit("/", 1)[1])]
    if path in ("/v7/finance/quote", "/v8/finance/spark"):
        raw = ",".join(query.get("symbols", []))
        return [s for s in raw.split(",") if s]
    return []


def _endpoint(path: str) -> str:
    return "/v8/finance/chart" if path.startswith("/v8/finance/chart/") else path


def _qs(query: dict[str, list[str]]) -> str:
    return "&".join(f"{k}={v}" for k, values in query.items() for v in values)


def free_port_refusing() -> str:
    """A base URL where nothing listens: connections are refused (the network is 'down')."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


#: The watched symbols' scales and share counts for the demo server (prices and market caps of
#: the right order of magnitude, so the screen looks like a real day).
DEMO = {
    "CRWV": (0.09, 4.9e8), "NBIS": (0.08, 2.5e8), "IREN": (0.035, 2.8e8),
    "CIFR": (0.012, 3.9e8), "WULF": (0.011, 4.1e8), "APLD": (0.025, 2.8e8),
    "CORZ": (0.015, 3.1e8), "NVDA": (0.16, 2.43e10),
}  # fmt: skip


def main() -> None:
    """``python -m tests.fake_yahoo [--port N] [--fault F] [--latency S]``: serve until
    interrupted (for trying the app by hand and for the benchmarks). The watched symbols get
    prices and market caps of their own."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fault", choices=FAULTS)
    parser.add_argument("--auth-fault", choices=AUTH_FAULTS)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    fake = FakeYahoo(latency=args.latency)
    for symbol, (scale, shares) in DEMO.items():
        fake.route(symbol).scale = scale
        fake.route(symbol).shares = shares
    fake.set_fault(args.fault)
    fake.set_auth_fault(args.auth_fault)
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
