"""The Yahoo Finance client: batch quotes, intraday series, charts and daily history.

A refresh of the watched symbols costs one round trip: the batch quote (``/v7/finance/quote``,
cookie and crumb, up to 50 symbols a request) and the spark series (``/v8/finance/spark``, 20 a
request) go out together over one long-lived browser-fingerprinted session (see ``http.py``).
When the crumb path is closed — EU consent pages, "User is unable to access this feature", a
getcrumb that keeps failing — quotes come from the chart endpoint, one request per symbol, all
in flight at once, and the reason is kept in :attr:`YahooClient.batch_note`.

The same code talks to Yahoo in production and to the tests' fake server, through the
configurable base URL. Every failure becomes a :class:`FetchError` with a short human reason and a
kind the feed uses to decide what to do next.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from neotui.data.clean import parse_json
from neotui.data.market.crumb import CONSENT_REASON, CredentialStore, CrumbKeeper, is_consent_url
from neotui.data.market.http import (
    REQUEST_DEADLINE,
    USER_AGENT,
    FailureKind,
    FetchError,
    HttpResponse,
    HttpSession,
    PlainSession,
    SessionOptions,
    each_symbol,
    make_session,
)
from neotui.data.market.quote import (
    ChartFormatError,
    DailyHistory,
    Quote,
    chart_error,
    parse_history,
    parse_quote,
)
from neotui.data.market.quote_batch import (
    QUOTE_BATCH,
    SPARK_BATCH,
    BatchFormatError,
    batch_error,
    parse_spark,
    parse_v7_quotes,
    with_series,
)
from neotui.data.symbols import url_symbol

if TYPE_CHECKING:
    import httpx

__all__ = ["USER_AGENT", "FailureKind", "FetchError", "YahooClient"]

#: After the crumb path fails for a reason a retry will not fix soon, how long quotes come from
#: the chart endpoint before the batch is tried again.
BATCH_RETRY = 30 * 60.0
#: "User is unable to access this feature" again with a fresh cookie and crumb: v7 is closed to
#: this client; try again rarely.
BATCH_DENIED_RETRY = 6 * 3600.0

#: Chart requests for quotes in any 60 seconds while the batch path is closed, whatever the
#: watchlist's length: 50 symbols every 15 s would be 200 a minute, itself enough to be throttled.
#: Symbols take turns (the longest unasked first); those left out keep their last quote.
CHART_BUDGET = 60

_Series = tuple[tuple[int, ...], tuple[float, ...]]


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class YahooClient:
    """Fetches quotes (batch or chart) and daily history from Yahoo or a stand-in.

    Use as an async context manager, or call :meth:`aclose` when done.

    Args:
        base_url: Yahoo's API host, a mirror, or the tests' fake server.
        concurrency: requests in flight at once (they share one HTTP/2 connection with the
            browser session).
        transport: an ``httpx`` transport; implies the plain session (tests with MockTransport).
        session: a ready session (overrides ``browser``/``proxy``/timeouts).
        deadline: the longest one request may take in all (redirects and body included).
        browser: the browser-fingerprinted session (True) or plain httpx (False).
        proxy: an explicit proxy URL; None honours HTTPS_PROXY/NO_PROXY.
        cookie_url: where Yahoo's cookie comes from (default: fc.yahoo.com for Yahoo, the base
            URL's root for anything else).
        batch: try the batch quote (cookie + crumb) before the chart endpoint.
        credentials: where the cookie and crumb are kept between runs.
    """

    def __init__(
        self,
        base_url: str,
        *,
        concurrency: int = 8,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        deadline: float = REQUEST_DEADLINE,
        transport: httpx.AsyncBaseTransport | None = None,
        session: HttpSession | None = None,
        browser: bool = True,
        proxy: str | None = None,
        cookie_url: str | None = None,
        batch: bool = True,
        credentials: CredentialStore | None = None,
        clock: Callable[[], datetime] = _now,
        wall: Callable[[], float] = time.time,
    ) -> None:
        from neotui.data.market.crumb import default_cookie_url

        self.base_url = base_url.rstrip("/")
        self._limit = asyncio.Semaphore(concurrency)
        self._clock = clock
        self._wall = wall
        options = SessionOptions(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_connections=concurrency,
            proxy=proxy,
            deadline=deadline,
        )
        if session is None:
            if transport is not None:
                session = PlainSession(options, transport=transport)
            else:
                session = make_session("browser" if browser else "plain", options)
        self.session = session
        self.batch = batch
        self.crumbs = CrumbKeeper(
            session,
            self.base_url,
            cookie_url or default_cookie_url(self.base_url),
            store=credentials,
            clock=wall,
            count=self._count,
        )
        self.requests = 0
        """HTTP requests made so far (for the feed's figures, tests and benchmarks)."""
        self.batch_note: str | None = None
        """Why quotes come from the chart endpoint right now (None while the batch works)."""
        self._batch_off_until = 0.0
        self._series: dict[str, _Series] = {}
        self._charts_sent: deque[float] = deque()  # when each recent quote chart went out
        self._chart_turn: dict[str, float] = {}  # when each symbol's chart was last asked

    def _count(self) -> None:
        self.requests += 1

    async def __aenter__(self) -> YahooClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the session (if one was opened)."""
        await self.session.aclose()

    @property
    def mode(self) -> str:
        """``batch`` while the batch quote is used, ``chart`` while it is off."""
        return "batch" if self.batch and self._wall() >= self._batch_off_until else "chart"

    # --- single requests ------------------------------------------------------------------------

    async def request(self, path: str, params: Mapping[str, str] | None = None) -> HttpResponse:
        """GET ``{base_url}{path}`` (bounded concurrency); the raw response."""
        async with self._limit:
            self._count()
            return await self.session.get(f"{self.base_url}{path}", params)

    async def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``{base_url}{path}`` and return its decoded JSON body (any Yahoo endpoint).

        Raises:
            FetchError: for every failure, classified.
        """
        return _decode(await self.request(path, params))

    async def chart(self, symbol: str, params: dict[str, str]) -> Any:
        """GET one chart and return its decoded JSON body.

        Raises:
            FetchError: for every failure, classified.
        """
        try:
            segment = url_symbol(symbol)
        except ValueError as exc:
            raise FetchError(FailureKind.NOT_FOUND, str(exc)) from None
        return await self.get_json(f"/v8/finance/chart/{segment}", params)

    async def quote(self, symbol: str) -> Quote:
        """One symbol's quote from its chart, with a 5-minute intraday series (pre/post too)."""
        params = {"range": "1d", "interval": "5m", "includePrePost": "true"}
        body = await self.chart(symbol, params)
        try:
            return parse_quote(body, symbol, self._clock(), range_="1d")
        except ChartFormatError as exc:
            raise FetchError(FailureKind.BAD_RESPONSE, str(exc)) from None

    async def history(self, symbol: str, range_: str = "1y") -> DailyHistory:
        """Daily closes over ``range_`` (1 year by default)."""
        body = await self.chart(symbol, {"range": range_, "interval": "1d"})
        try:
            return parse_history(body, symbol, self._clock())
        except ChartFormatError as exc:
            raise FetchError(FailureKind.BAD_RESPONSE, str(exc)) from None

    # --- a refresh ------------------------------------------------------------------------------

    async def quotes(self, symbols: Sequence[str]) -> dict[str, Quote | FetchError]:
        """Every symbol's quote or error, in one round trip when the batch path is open."""
        symbols = list(dict.fromkeys(symbols))
        if self.mode == "batch":
            try:
                return await self._batch_quotes(symbols)
            except _BatchClosed as closed:
                self.batch_note = closed.reason
                self._batch_off_until = self._wall() + closed.retry_after
        return await self._chart_quotes(self._chart_turns(symbols))

    def _chart_turns(self, symbols: list[str]) -> list[str]:
        """The symbols whose turn it is on the chart path: as many as :data:`CHART_BUDGET`
        leaves in the last 60 seconds, those asked longest ago (or never) first."""
        now = self._wall()
        while self._charts_sent and self._charts_sent[0] <= now - 60.0:
            self._charts_sent.popleft()
        room = max(0, CHART_BUDGET - len(self._charts_sent))
        if len(symbols) > room:
            order = {s: i for i, s in enumerate(symbols)}
            turns = sorted(symbols, key=lambda s: (self._chart_turn.get(s, 0.0), order[s]))
            chosen = set(turns[:room])
            symbols = [s for s in symbols if s in chosen]
        for symbol in symbols:
            self._chart_turn[symbol] = now
            self._charts_sent.append(now)
        return symbols

    async def _chart_quotes(self, symbols: Sequence[str]) -> dict[str, Quote | FetchError]:
        return await each_symbol(self.quote, symbols)

    async def _batch_quotes(self, symbols: list[str]) -> dict[str, Quote | FetchError]:
        """Batch quote and spark together; a closed crumb path raises :class:`_BatchClosed`."""
        try:
            crumb = await self.crumbs.crumb()
        except FetchError as exc:
            if exc.kind is FailureKind.AUTH:
                raise _BatchClosed(exc.reason, BATCH_RETRY) from None
            return dict.fromkeys(symbols, exc)  # offline, throttled, hung: the feed backs off

        spark_task = asyncio.ensure_future(self._spark(symbols))
        try:
            quotes = await self.batch_quote(symbols, crumb)
            if isinstance(quotes, FetchError) and quotes.kind is FailureKind.AUTH:
                # Any refusal (Invalid Crumb, Invalid Cookie, and "User is unable to access this
                # feature", which 2025-26 reports tie to a missing or stale crumb, not to a ban):
                # one new pair, one more try, then the chart path.
                self.crumbs.invalidate()
                try:
                    crumb = await self.crumbs.crumb()
                except FetchError as exc:
                    raise _BatchClosed(exc.reason, BATCH_RETRY) from None
                quotes = await self.batch_quote(symbols, crumb)
                if isinstance(quotes, FetchError) and quotes.kind is FailureKind.AUTH:
                    # Refused with a fresh pair: a crumb refusal may pass soon; "unable to
                    # access" with a fresh crumb means v7 is closed to this client for now.
                    denied = not _is_crumb_refusal(quotes)
                    raise _BatchClosed(
                        f"a new crumb was refused too ({quotes.reason}); prices come from the "
                        "chart endpoint", BATCH_DENIED_RETRY if denied else BATCH_RETRY,
                    )  # fmt: skip
            series = await spark_task
        finally:
            if not spark_task.done():
                spark_task.cancel()
        self.batch_note = None
        if isinstance(quotes, FetchError):
            return dict.fromkeys(symbols, quotes)

        out: dict[str, Quote | FetchError] = {}
        for symbol in symbols:
            quote = quotes.get(symbol)
            if quote is not None:
                out[symbol] = with_series(quote, series.get(symbol) or self._series.get(symbol))
        # Yahoo leaves unknown symbols out of a batch without a word: ask their charts, which
        # say "No data found, symbol may be delisted" (or answer after all).
        missing = [s for s in symbols if s not in out]
        if missing:
            out.update(await self._chart_quotes(missing))
        return {s: out[s] for s in symbols}

    async def batch_quote(self, symbols: list[str], crumb: str) -> dict[str, Quote] | FetchError:
        """The v7 quotes of ``symbols`` (in slices of 50), or the first failure."""

        async def one(chunk: list[str]) -> dict[str, Quote] | FetchError:
            params = {"symbols": ",".join(chunk), "crumb": crumb, "formatted": "false"}
            try:
                body = await self.get_json("/v7/finance/quote", params)
                return parse_v7_quotes(body, self._clock())
            except FetchError as exc:
                return exc
            except BatchFormatError as exc:
                return FetchError(FailureKind.BAD_RESPONSE, str(exc))

        parts = await asyncio.gather(*(one(c) for c in _chunks(symbols, QUOTE_BATCH)))
        merged: dict[str, Quote] = {}
        for part in parts:
            if isinstance(part, FetchError):
                return part
            merged.update(part)
        return merged

    async def _spark(self, symbols: list[str]) -> dict[str, _Series]:
        """Intraday series (5-minute closes) for ``symbols``; a failed slice just has none."""

        async def one(chunk: list[str]) -> dict[str, _Series]:
            params = {"symbols": ",".join(chunk), "range": "1d", "interval": "5m"}
            try:
                return parse_spark(await self.get_json("/v8/finance/spark", params))
            except (FetchError, BatchFormatError):
                return {}

        series: dict[str, _Series] = {}
        for part in await asyncio.gather(*(one(c) for c in _chunks(symbols, SPARK_BATCH))):
            series.update({k: v for k, v in part.items() if v[0]})
        self._series.update(series)
        return series


class _BatchClosed(Exception):
    """The crumb path is closed for now: use the chart endpoint for ``retry_after`` seconds."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _is_crumb_refusal(error: FetchError) -> bool:
    text = error.reason.lower()
    return "crumb" in text or "cookie" in text


def _decode(response: HttpResponse) -> Any:
    """Turn a response into JSON or a classified FetchError."""
    status, body = response.status, response.content
    content_type = response.content_type
    if is_consent_url(response.url):
        host = response.url.split("/")[2] if "//" in response.url else response.url
        raise FetchError(FailureKind.AUTH, CONSENT_REASON.format(host=host), status)
    data: Any = None
    if body.strip() and "html" not in content_type:
        try:
            data = parse_json(body)
        except ValueError:
            data = None

    if status in (400, 404) and data is not None and (reason := chart_error(data)):
        raise FetchError(FailureKind.NOT_FOUND, reason, status)
    if status == 429:
        raise FetchError(FailureKind.RATE_LIMITED, "rate limited by Yahoo (429)", status)
    if status >= 500:
        raise FetchError(FailureKind.SERVER, f"Yahoo server error ({status})", status)
    if status == 401:
        detail = batch_error(data) if data is not None else None
        detail = (detail or "unauthorized").split(" - http")[0].split(". For Developers")[0]
        raise FetchError(FailureKind.AUTH, f"401 {detail}", status)
    if status == 403:
        raise FetchError(FailureKind.SERVER, "access refused (403)", status)
    if status != 200:
        raise FetchError(FailureKind.SERVER, f"unexpected HTTP status {status}", status)
    if not body.strip():
        raise FetchError(FailureKind.BAD_RESPONSE, "empty response", status)
    if "html" in content_type or body.lstrip()[:1] == b"<":
        raise FetchError(FailureKind.BAD_RESPONSE, "got a web page instead of data", status)
    if data is None:
        raise FetchError(FailureKind.BAD_RESPONSE, "truncated or invalid JSON", status)
    if (reason := chart_error(data)) and not (data.get("chart") or {}).get("result"):
        raise FetchError(FailureKind.NOT_FOUND, reason, status)
    return data
