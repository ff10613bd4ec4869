"""The async Yahoo Finance chart client (httpx).

One ``httpx.AsyncClient`` with keep-alive and explicit timeouts serves every request; a semaphore
bounds how many are in flight. The same code talks to Yahoo in production and to the tests' fake
server, through the configurable base URL. Every failure becomes a :class:`FetchError` with a short
human reason and a kind the feed uses to decide what to do next.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as urlquote

from neotui.data.quote import (
    ChartFormatError,
    DailyHistory,
    Quote,
    chart_error,
    parse_history,
    parse_quote,
)

if TYPE_CHECKING:
    import httpx

#: Yahoo answers scripts' default User-Agents with 429s far sooner than browsers'.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36"
)


class FailureKind(StrEnum):
    """What went wrong, grouped by what the feed should do about it."""

    NOT_FOUND = "not_found"  # Yahoo says the symbol does not exist: retry rarely
    RATE_LIMITED = "rate_limited"  # 429: back off
    SERVER = "server"  # 5xx, 401/403 and other statuses: back off
    BAD_RESPONSE = "bad_response"  # HTML page, empty or truncated body: back off
    TIMEOUT = "timeout"  # connected, but no answer in time: back off
    UNREACHABLE = "unreachable"  # DNS failure, refused, no route: maybe offline


class FetchError(Exception):
    """A failed fetch of one symbol: ``kind`` for the feed, ``reason`` for people."""

    def __init__(self, kind: FailureKind, reason: str, status: int | None = None) -> None:
        self.kind = kind
        self.reason = reason
        self.status = status
        super().__init__(reason)

    def __repr__(self) -> str:
        return f"FetchError({self.kind.value!r}, {self.reason!r})"


def _now() -> datetime:
    return datetime.now(UTC)


class YahooClient:
    """Fetches quotes and daily history from ``{base_url}/v8/finance/chart/{symbol}``.

    Use as an async context manager, or call :meth:`aclose` when done.
    """

    def __init__(
        self,
        base_url: str,
        *,
        concurrency: int = 4,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._limit = asyncio.Semaphore(concurrency)
        self._clock = clock
        self._concurrency = concurrency
        self._timeouts = (connect_timeout, read_timeout)
        self._transport = transport
        self._http: httpx.AsyncClient | None = None

    @property
    def _client(self) -> httpx.AsyncClient:
        """The connection pool, made on first use: httpx costs ~100 ms to import, which the
        first frame (drawn from the cache) does not need to pay."""
        if self._http is None:
            import httpx

            connect, read = self._timeouts
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(read, connect=connect, pool=None),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                limits=httpx.Limits(
                    max_connections=self._concurrency,
                    max_keepalive_connections=self._concurrency,
                ),
                transport=self._transport,
                follow_redirects=True,
            )
        return self._http

    async def __aenter__(self) -> YahooClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (if one was opened)."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def chart(self, symbol: str, params: dict[str, str]) -> Any:
        """GET one chart and return its decoded JSON body.

        Raises:
            FetchError: for every failure, classified.
        """
        return await self.get_json(f"/v8/finance/chart/{urlquote(symbol, safe='')}", params)

    async def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``{base_url}{path}`` and return its decoded JSON body (any Yahoo endpoint).

        Raises:
            FetchError: for every failure, classified.
        """
        import httpx

        url = f"{self.base_url}{path}"
        async with self._limit:
            try:
                response = await self._client.get(url, params=dict(params or {}))
                body = response.content
            except httpx.ConnectTimeout:
                raise FetchError(FailureKind.UNREACHABLE, "connection timed out") from None
            except httpx.ConnectError as exc:
                raise FetchError(FailureKind.UNREACHABLE, _connect_reason(exc)) from None
            except httpx.TimeoutException:
                raise FetchError(FailureKind.TIMEOUT, "no answer in time") from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                reason = "connection reset" if "reset" in str(exc).lower() else "connection dropped"
                raise FetchError(FailureKind.SERVER, reason) from None
            except httpx.HTTPError as exc:
                raise FetchError(
                    FailureKind.SERVER, f"network error: {type(exc).__name__}"
                ) from None
        return _decode(response, body)

    async def quote(self, symbol: str) -> Quote:
        """The symbol's latest quote with a 5-minute intraday series (pre/post included)."""
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

    async def quotes(self, symbols: Sequence[str]) -> dict[str, Quote | FetchError]:
        """Fetch ``symbols`` concurrently (bounded); each maps to its quote or its error."""

        async def one(symbol: str) -> Quote | FetchError:
            try:
                return await self.quote(symbol)
            except FetchError as exc:
                return exc

        results = await asyncio.gather(*(one(s) for s in symbols))
        return dict(zip(symbols, results, strict=True))


def _connect_reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "name or service" in text or "nodename" in text or "resolution" in text:
        return "cannot resolve host (DNS)"
    if "refused" in text:
        return "connection refused"
    if "unreachable" in text:
        return "network unreachable"
    return "cannot connect"


def _decode(response: httpx.Response, body: bytes) -> Any:
    """Turn a response into JSON or a classified FetchError."""
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    data: Any = None
    if body.strip() and "html" not in content_type:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None

    if status in (400, 404) and data is not None and (reason := chart_error(data)):
        raise FetchError(FailureKind.NOT_FOUND, reason, status)
    if status == 429:
        raise FetchError(FailureKind.RATE_LIMITED, "rate limited by Yahoo (429)", status)
    if status >= 500:
        raise FetchError(FailureKind.SERVER, f"Yahoo server error ({status})", status)
    if status in (401, 403):
        raise FetchError(FailureKind.SERVER, f"access refused ({status})", status)
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
