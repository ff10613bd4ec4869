"""A fake Yahoo Finance server: a real HTTP server on 127.0.0.1, fed with recorded bodies.

The app talks to it through ``NEOTUI_YAHOO_URL`` exactly as it talks to Yahoo, over the same
browser-fingerprinted session. It serves what neotui asks Yahoo for:

- ``/`` — the cookie URL (like ``fc.yahoo.com``: 404 with ``Set-Cookie: A3=…``);
- ``/v1/test/getcrumb`` — the recorded crumb, only with the cookie;
- ``/v7/finance/quote`` — batch quotes, only with cookie and crumb (else the recorded 401 bodies);
  unknown symbols are left out silently, as Yahoo does;
- ``/v8/finance/spark`` — intraday series in the flat v8 shape;
- ``/v8/finance/chart/{symbol}`` — recorded chart bodies;
- ``/v10/finance/quoteSummary/{symbol}`` — the recorded ``calendarEvents`` and
  ``defaultKeyStatistics`` bodies (2025-02-24) of the symbol ``summaries`` maps it to, one
  result holding each module asked for that has a recording (a module without one is simply
  absent, as when Yahoo has none); a symbol with no recorded module gets the recorded 404
  "No fundamentals data found" (BTC-USD). Crumb required, as for v7;
- ``/v7/finance/options/{symbol}`` — the recorded chain of the symbol ``options`` maps it to
  (its first expiry); ``?date=`` of another expiry gets the recorded answer for a date with no
  chain (AAPL, date 2022-03-01: empty calls and puts); unmapped symbols the recorded BTC-USD
  answer (no expiries).

The server itself (thread, request log, start/stop) is :class:`tests.fake_server.FakeServer`.
Faults can be switched on for every request or one symbol: latency, 429 with Yahoo's plain-text
body, 500, an HTML page with status 200, an empty or truncated body, a connection reset, a server
that hangs, the recorded 404/400 error bodies; and for the crumb path: getcrumb throttled (429 or
a 200 that reads "Too Many Requests"), the EU consent redirect, 401 Invalid Crumb / Invalid
Cookie, 401 "User is unable to access this feature".

Recorded bodies live in ``tests/fixtures/yahoo`` (verbatim copies; where each comes from is in
its SOURCES.md). Symbols without a recording of their own (CRWV, NBIS, …: Yahoo has none
in public) are served the recorded TSLA intraday chart and the recorded AAPL v7 quote with the
symbol set and prices scaled, so each row shows its own numbers and both endpoints agree.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, unquote

from tests.fake_server import (
    HANG,
    HOSTILE,
    RESET,
    FakeServer,
    Request,
    Response,
    free_port_refusing,
    hostile_response,
)
from tests.yahoo_bodies import (
    CRUMB_FILE,
    FIXTURES,
    QUOTED,
    SYNTHETIC_END,
    Reply,
    _scaled_cached,
    _us_state,
    _v7_from_meta,
    recorded,
    recorded_crumb,
    recorded_json,
    recorded_json_headers,
    synthetic_daily,
)

# What tests import from here (the bodies and the refusing port live beside it).
__all__ = [
    "AUTH_FAULTS",
    "DEMO",
    "FAULTS",
    "SYNTHETIC_END",
    "FakeYahoo",
    "Route",
    "free_port_refusing",
    "recorded",
    "recorded_crumb",
    "recorded_json",
    "synthetic_daily",
]  # fmt: skip

NO_NEWS = "y2_search_NO0010123060_empty_2025-02-25.json"
DEFAULT_INTRADAY = "y2_chart_TSLA_30m_intraday_prepost_tradingPeriods.json"
DEFAULT_DAILY = "y2_chart_NVDA_1d_1y_split_event.json"
V7_TEMPLATE = "y2_quote_AAPL_CLOSED_postmarket_2025.json"
CONSENT_FILE = "y2_consent_1_quote_AAPL_307_to_guce_2025-02-16.json"
TOO_MANY = (QUOTED / "http429_too_many_requests.txt").read_bytes()
EDGE_TOO_MANY = (QUOTED / "http429_edge_too_many_requests.txt").read_bytes()
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Yahoo</title></head>"
    b"<body><form>Before you continue to Yahoo: consent</form></body></html>"
)
FAULTS = ("429", "500", "html", "empty", "truncated", "reset", "hang", "404", "400",
          "gzip_bomb", "redirect_away", "trickle")  # fmt: skip
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
class FakeYahoo(FakeServer):
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
    spark_fault: str | None = None  # a fault of the spark endpoint alone
    summaries: dict[str, str] = field(default_factory=dict)  # symbol -> recorded symbol
    options: dict[str, str] = field(default_factory=dict)  # symbol -> recorded symbol
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    paths: dict[str, int] = field(default_factory=lambda: defaultdict(int))

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
        self.spark_fault = None
        for route in self.routes.values():
            route.fault = None
            route.latency = 0.0
        self.release_hung()

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
            if self.fault or self.spark_fault:
                return self._fault_reply(self.fault or self.spark_fault or ""), headers, delay
            return (200, "application/json", self._spark(symbols)), headers, delay

        if path.startswith("/v8/finance/chart/"):
            return self._chart(symbols[0], query), headers, delay
        if path.startswith(("/v10/finance/quoteSummary/", "/v7/finance/options/")):
            fault = self.routes.get(symbols[0], Route()).fault or self.fault
            if fault:
                return self._fault_reply(fault), headers, delay
            if "A3=" not in cookie or query.get("crumb", [""])[0] != recorded_crumb():
                return _quoted_401("http401_invalid_crumb.json"), headers, delay
            if path.startswith("/v7/finance/options/"):
                return self._options(symbols[0], query), headers, delay
            modules = ",".join(query.get("modules", [])).split(",")
            return self._summary(symbols[0], modules), headers, delay
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

    def _summary(self, symbol: str, modules: list[str]) -> Reply:
        recorded_as = self.summaries.get(symbol, "BTC-USD")
        merged: dict[str, Any] = {}
        for module in modules:
            name = f"y2_quoteSummary_{module}_{recorded_as}_2025-02-24.json"
            if (FIXTURES / name).exists() and (reply := recorded(name))[0] == 200:
                merged.update(json.loads(reply[2])["quoteSummary"]["result"][0])
        if not merged:
            return recorded("y2_quoteSummary_calendarEvents_BTC-USD_2025-02-24.json")
        body = {"quoteSummary": {"result": [merged], "error": None}}
        return 200, "application/json;charset=utf-8", json.dumps(body).encode()

    def _options(self, symbol: str, query: dict[str, list[str]]) -> Reply:
        reply = recorded(f"y2_options_{self.options.get(symbol, 'BTC-USD')}.json")
        asked = query.get("date", [""])[0]
        chain = json.loads(reply[2])["optionChain"]["result"][0]
        first = (chain.get("options") or [{}])[0].get("expirationDate")
        if asked and asked != str(first):
            return recorded("y2_options_AAPL-expire-2022-03-01.json")
        return reply

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
            if answer == RESET:
                raise httpx.ReadError("Connection reset by peer", request=request)
            if answer == HANG:
                raise httpx.ReadTimeout("timed out", request=request)
            if isinstance(answer, str):
                answer = _FAULT_REPLIES[answer]()
            status, content_type, body = answer
            return httpx.Response(
                status, content=body, headers={"content-type": content_type, **headers}
            )

        return httpx.MockTransport(handler)

    # --- the server side (tests/fake_server.py) ------------------------------------------------

    def answer(self, request: Request) -> Response:
        """One GET on the real server: :meth:`respond`'s answer, faults acted out."""
        answer, headers, delay = self.respond(request.path, request.query, request.header("Cookie"))
        if isinstance(answer, tuple):
            return Response(*answer, headers=headers, delay=delay)
        if answer in _FAULT_REPLIES:
            return Response(*_FAULT_REPLIES[answer](), delay=delay)
        if answer in HOSTILE:
            return hostile_response(answer, delay)
        return Response(delay=delay, action=answer)  # RESET or HANG


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


def _quoted_401(name: str) -> Reply:
    return 401, "application/json;charset=utf-8", (QUOTED / name).read_bytes()


def _symbols(path: str, query: dict[str, list[str]]) -> list[str]:
    if path.startswith(("/v8/finance/chart/", "/v10/finance/quoteSummary/",
                        "/v7/finance/options/")):  # fmt: skip
        return [unquote(path.rsplit("/", 1)[1])]
    if path in ("/v7/finance/quote", "/v8/finance/spark"):
        raw = ",".join(query.get("symbols", []))
        return [s for s in raw.split(",") if s]
    return []


def _endpoint(path: str) -> str:
    for prefix in ("/v8/finance/chart", "/v10/finance/quoteSummary", "/v7/finance/options"):
        if path.startswith(prefix + "/"):
            return prefix
    return path


def _qs(query: dict[str, list[str]]) -> str:
    return "&".join(f"{k}={v}" for k, values in query.items() for v in values)


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
    # Recorded calendars, key statistics and chains (2025-02-24) for four of them.
    fake.summaries.update({"CRWV": "BFLY", "NBIS": "CRON", "NVDA": "AAPL", "CORZ": "QQQ"})
    fake.options.update({"CRWV": "BFLY", "NBIS": "CRON", "NVDA": "AAPL"})
    fake.serve(args.port, "fake Yahoo on {url}")


if __name__ == "__main__":
    main()
