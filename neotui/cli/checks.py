"""``neotui doctor``: the checks a user runs when prices do not come.

One line per check, from the ground up — settings, cache, proxy, DNS, TCP, TLS, one chart
request, the cookie and crumb, one batch quote, the quoteSummary and options endpoints
(earnings, short interest, implied move), yfinance, the deals files — each with a verdict
(``ok | warn | fail | skipped``) and, when something is wrong, what to do. The whole run is bounded
(30 s by default): a check that would run past the budget is reported as skipped, never hung on.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlparse

from neotui.data.market.crumb import default_cookie_url
from neotui.data.market.http import FailureKind, FetchError
from neotui.settings import YAHOO_HOSTS, Settings, user_cache_dir

STATUSES = ("ok", "warn", "fail", "skipped")
CHECK_FIELDS = ("check", "status", "detail", "hint")
BUDGET = 30.0
#: No single network check may take more than this (DNS, connect, one request).
STEP = 10.0


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report."""

    check: str
    status: str
    detail: str
    hint: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


_HINTS: dict[FailureKind, str] = {
    FailureKind.RATE_LIMITED: (
        'Yahoo is throttling this address: keep market.transport = "browser", raise the '
        "refresh intervals, wait a few minutes"
    ),
    FailureKind.UNREACHABLE: "check the network, the proxy (HTTPS_PROXY / market.proxy) or DNS",
    FailureKind.TIMEOUT: "the server accepted the connection but did not answer: retry later, "
    "or raise market.read_timeout",
    FailureKind.SERVER: "Yahoo's side failed: retry later",
    FailureKind.BAD_RESPONSE: "something between you and Yahoo (captive portal, proxy, consent "
    "page) answered instead: open the URL in a browser",
    FailureKind.AUTH: "quotes still come from the chart endpoint; market cap then comes from "
    "yfinance hourly",
    FailureKind.NOT_FOUND: "check the symbol in market.symbols",
}


def _proxy(settings: Settings) -> str | None:
    if settings.market.proxy:
        return settings.market.proxy
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        if os.environ.get(name):
            return os.environ[name]
    return None


class Doctor:
    """Runs the checks in order; later network checks are skipped once an earlier one failed."""

    def __init__(self, settings: Settings, budget: float = BUDGET) -> None:
        self.settings = settings
        self.url = urlparse(settings.market.yahoo_url)
        self.host = self.url.hostname or ""
        self.port = self.url.port or (443 if self.url.scheme == "https" else 80)
        self.deadline = time.monotonic() + budget
        self.budget = budget
        self.results: list[Check] = []
        self.network_ok = True

    async def run(self) -> list[Check]:
        """Every check, in order."""
        from neotui.cli.checks_earnings import options_check, quote_summary_check
        from neotui.cli.checks_fallback import fallback_probes
        from neotui.sources import build_client

        client = build_client(self.settings, None)
        steps: list[tuple[str, Callable[[], Awaitable[Check]]]] = [
            ("settings", self._settings),
            ("cache", self._cache),
            ("proxy", self._proxy),
            ("dns", self._dns),
            ("tcp", self._tcp),
            ("tls", self._tls),
            ("chart", lambda: self._chart(client)),
            ("crumb", lambda: self._crumb(client)),
            ("batch quote", lambda: self._batch(client)),
            *(
                (name, partial(self._probe, name, probe))  # Cboe, when in use
                for name, probe in fallback_probes(self.settings)
            ),
            ("quoteSummary", lambda: self._line("quoteSummary", quote_summary_check, client)),
            ("options", lambda: self._line("options", options_check, client)),
            ("yfinance", self._yfinance),
            ("stream", self._stream),
            ("deals", self._deals),
        ]
        try:
            for name, step in steps:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    self.results.append(
                        Check(name, "skipped", f"time budget ({self.budget:.0f} s) spent")
                    )
                    continue
                try:
                    result = await asyncio.wait_for(step(), remaining)
                except TimeoutError:
                    result = Check(name, "fail", f"no answer within the {self.budget:.0f} s "
                                   "budget", "check the network and the proxy")  # fmt: skip
                self.results.append(result)
        finally:
            await client.aclose()
        return self.results

    async def _line(self, name: str, check: Callable[..., Awaitable[tuple[str, str, str]]],
                    client: Any) -> Check:  # fmt: skip
        """A check written elsewhere (its line without its name), named here."""
        return Check(name, *await check(self.settings, client))

    # --- local ----------------------------------------------------------------------------------

    async def _settings(self) -> Check:
        layers = "; ".join(self.settings.sources)
        market = self.settings.market
        return Check(
            "settings", "ok", f"{layers} · {len(market.symbols)} symbols from {market.yahoo_url} "
            f"({market.transport} transport)",
        )  # fmt: skip

    async def _cache(self) -> Check:
        from neotui.data.market.cache import QuoteCache
        from neotui.data.storage import Mode

        path = user_cache_dir() / "quotes.db"

        def state() -> tuple[Mode, str | None, bool]:
            # Asking the store is what opens it: done here, in the thread, not in the loop.
            cache = QuoteCache(path)
            try:
                return cache.store.mode, cache.warning, cache.writable
            finally:
                cache.close()

        mode, warning, writable = await asyncio.to_thread(state)
        if mode is Mode.LOCKED:
            hint = "another process (a second neotui, a sqlite3 shell) holds it; left as it is"
            return Check("cache", "warn", warning or f"{path} is locked", hint)
        if mode is Mode.READ_ONLY:
            hint = "a newer neotui wrote it: run that one, or move the file aside to start afresh"
            return Check("cache", "warn", warning or f"{path} is read only", hint)
        if not writable:  # in memory, or writes turned off
            hint = f"make {path.parent} writable; prices are not kept between runs"
            return Check("cache", "fail", warning or f"{path} is not writable", hint)
        if warning:
            return Check("cache", "warn", warning)
        return Check("cache", "ok", f"{path} writable")

    async def _proxy(self) -> Check:
        proxy = _proxy(self.settings)
        no_proxy = os.environ.get("NO_PROXY") or os.environ.get("no_proxy")
        if proxy is None:
            return Check("proxy", "ok", "none (direct connection)")
        extra = f"; NO_PROXY={no_proxy}" if no_proxy else ""
        source = "market.proxy" if self.settings.market.proxy else "environment"
        return Check("proxy", "ok", f"{_redact(proxy)} (from {source}){extra}")

    # --- network --------------------------------------------------------------------------------

    async def _dns(self) -> Check:
        if _proxy(self.settings):
            return Check("dns", "skipped", f"the proxy resolves {self.host}")
        try:
            infos = await asyncio.wait_for(
                asyncio.to_thread(socket.getaddrinfo, self.host, self.port, 0, socket.SOCK_STREAM),
                STEP,
            )
        except (OSError, TimeoutError) as exc:
            self.network_ok = False
            hint = "offline or DNS broken: neotui shows cached prices until it is back"
            return Check("dns", "fail", f"cannot resolve {self.host}: {exc}", hint)
        addresses = sorted({str(info[4][0]) for info in infos})
        return Check("dns", "ok", f"{self.host} → {', '.join(addresses[:3])}")

    async def _tcp(self) -> Check:
        if _proxy(self.settings):
            return Check("tcp", "skipped", "connections go through the proxy")
        if not self.network_ok:
            return Check("tcp", "skipped", "DNS failed")
        started = time.perf_counter()
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), STEP)
        except (OSError, TimeoutError) as exc:
            self.network_ok = False
            why = str(exc) or "timed out"
            return Check("tcp", "fail", f"cannot connect to {self.host}:{self.port} ({why})",
                         _HINTS[FailureKind.UNREACHABLE])  # fmt: skip
        writer.close()
        ms = (time.perf_counter() - started) * 1000
        return Check("tcp", "ok", f"connected to {self.host}:{self.port} in {ms:.0f} ms")

    async def _tls(self) -> Check:
        transport = self.settings.market.transport
        fingerprint = (
            f"Chrome fingerprint via curl_cffi {_curl_cffi_version()}"
            if transport == "browser"
            else "plain OpenSSL handshake (impersonation off)"
        )
        if self.url.scheme != "https":
            return Check("tls", "skipped", f"plain HTTP to {self.host}; {fingerprint} otherwise")
        if not self.network_ok or _proxy(self.settings):
            return Check("tls", "skipped", f"{fingerprint}; checked by the chart request")
        context = ssl.create_default_context()
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, ssl=context), STEP
            )
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            return Check("tls", "fail", f"TLS handshake with {self.host} failed ({exc})",
                         "a proxy or firewall may intercept TLS: set market.proxy or "
                         "SSL_CERT_FILE")  # fmt: skip
        ssl_object = writer.get_extra_info("ssl_object")
        version = ssl_object.version() if ssl_object else "TLS"
        writer.close()
        yahoo = self.settings.market.yahoo_url.rstrip("/") in YAHOO_HOSTS
        if transport == "plain" and yahoo:
            return Check("tls", "warn", f"{version}, certificate valid; {fingerprint}",
                         'Yahoo answers 429 to non-browser handshakes: set market.transport = '
                         '"browser"')  # fmt: skip
        return Check("tls", "ok", f"{version}, certificate valid; {fingerprint}")

    async def _chart(self, client: Any) -> Check:
        symbol = self.settings.market.symbols[0]
        started = time.perf_counter()
        try:
            quote = await client.quote(symbol)
        except FetchError as exc:
            return Check("chart", "fail", f"{symbol}: {exc.reason}", _HINTS[exc.kind])
        ms = (time.perf_counter() - started) * 1000
        price = f"{quote.price:.2f}" if quote.price is not None else "no price"
        return Check("chart", "ok", f"{symbol} {price} {quote.currency or ''} in {ms:.0f} ms "
                     f"(HTTP 200)")  # fmt: skip

    async def _crumb(self, client: Any) -> Check:
        if not self.settings.market.batch:
            return Check("crumb", "skipped", "market.batch is off: chart requests only")
        cookie_url = self.settings.market.cookie_url or default_cookie_url(client.base_url)
        try:
            credentials = await client.crumbs.fetch()
        except FetchError as exc:
            status = "fail" if exc.kind is FailureKind.UNREACHABLE else "warn"
            return Check("crumb", status, f"{exc.reason} (cookie from {cookie_url})",
                         _HINTS[exc.kind])  # fmt: skip
        client.crumbs.adopt(credentials)
        names = ", ".join(sorted({c.name for c in credentials.cookies})) or "none"
        return Check("crumb", "ok", f"crumb of {len(credentials.crumb)} characters; cookies "
                     f"{names} from {cookie_url}")  # fmt: skip

    async def _batch(self, client: Any) -> Check:
        if not self.settings.market.batch:
            return Check("batch quote", "skipped", "market.batch is off")
        if client.crumbs.current is None:
            return Check("batch quote", "skipped", "no crumb: quotes come from the chart endpoint")
        symbol = self.settings.market.symbols[0]
        started = time.perf_counter()
        quotes = await client.batch_quote([symbol], client.crumbs.current.crumb)
        if isinstance(quotes, FetchError):
            status = "warn" if quotes.kind is FailureKind.AUTH else "fail"
            return Check("batch quote", status, f"{symbol}: {quotes.reason}", _HINTS[quotes.kind])
        ms = (time.perf_counter() - started) * 1000
        quote = quotes.get(symbol)
        if quote is None:
            return Check("batch quote", "warn", f"{symbol} is not in the answer (unknown symbol?)",
                         _HINTS[FailureKind.NOT_FOUND])  # fmt: skip
        from neotui import formatting as fmt

        cap = fmt.money(quote.market_cap, quote.currency or "USD")
        return Check("batch quote", "ok", f"{symbol} market cap {cap}, state "
                     f"{quote.market_state or '?'} in {ms:.0f} ms")  # fmt: skip

    async def _probe(
        self, name: str, probe: Callable[[], Awaitable[tuple[str, str, str]]]
    ) -> Check:
        return Check(name, *await probe())

    async def _yfinance(self) -> Check:
        if not self.settings.fundamentals_enabled:
            why = (
                "market.fundamentals is off"
                if not self.settings.market.fundamentals
                else "yahoo_url is not Yahoo's (yfinance cannot be redirected)"
            )
            return Check("yfinance", "skipped", why)
        from neotui.data.market.fundamentals import (
            FundamentalsError,
            fetch_fundamentals,
            yfinance_fetcher,
        )

        symbol = self.settings.market.symbols[0]
        remaining = max(1.0, min(STEP, self.deadline - time.monotonic() - 1))
        try:
            result = await fetch_fundamentals(
                symbol, fetcher=yfinance_fetcher(user_cache_dir()), timeout=remaining
            )
        except FundamentalsError as exc:
            return Check("yfinance", "warn", f"{symbol}: {exc.reason}",
                         "debt and revenue stay as cached; quotes are not affected")  # fmt: skip
        debt = "debt known" if result.total_debt else "no debt figure"
        return Check("yfinance", "ok", f"{symbol}: {debt}")

    async def _stream(self) -> Check:
        from neotui.cli.stream_check import check_stream

        wait = max(1.0, min(8.0, self.deadline - time.monotonic() - 1))
        return Check("stream", *await check_stream(self.settings, wait))

    async def _deals(self) -> Check:
        from neotui.data.deals import load_lenient
        from neotui.sources import book_sources

        book, problems = await asyncio.to_thread(load_lenient, book_sources(self.settings))
        counts = ", ".join(f"{n} {table}" for table, n in book.counts.items())
        if problems:
            first = str(problems[0])
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            hint = "fix the file (neotui validate lists every problem); the rest loads"
            return Check("deals", "fail", f"{first}{more}", hint)
        return Check("deals", "ok", f"{counts} from {', '.join(book.files) or 'no files'}")


def _curl_cffi_version() -> str:
    try:
        import curl_cffi

        return str(curl_cffi.__version__)
    except ImportError:  # pragma: no cover - curl_cffi is a dependency
        return "(not installed)"


def _redact(url: str) -> str:
    """Hide a proxy password: http://user:secret@host → http://user:***@host."""
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


def run_doctor(settings: Settings, budget: float = BUDGET) -> list[Check]:
    """Run every check (at most ``budget`` seconds) and return the lines."""
    return asyncio.run(Doctor(settings, budget).run())


def summary(results: list[Check]) -> str:
    """One closing line: counts by verdict and the time."""
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUSES}
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n) + f" · {when}"
