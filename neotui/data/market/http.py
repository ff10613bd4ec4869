"""The HTTP sessions Yahoo requests go through, and the classified failures they raise.

Yahoo answers HTTP 429 to clients whose TLS handshake is not a browser's, whatever their
headers (yfinance moved to curl_cffi for this in 2025). :class:`BrowserSession` therefore sends
every request through curl_cffi impersonating Chrome: Chrome's ClientHello (GREASE, extension
order, ALPN ``h2``), HTTP/2 with many requests multiplexed on one connection, its own cookie
jar. :class:`PlainSession` (httpx on Python's OpenSSL) is kept as a fallback
(``market.transport = "plain"``) and for tests that inject an ``httpx.MockTransport``.

Both turn every failure into a :class:`FetchError` whose ``kind`` tells the feed what to do and
whose ``reason`` tells people what happened. Both bound what a server can make them do: a body is
read as a stream and given up on past ``max_bytes`` (measured after decompression: a 2 MB gzip
body of zeros is 2 GB), a request has one total deadline from sending to its last byte (a server
trickling a byte a second never trips a per-read timeout), and redirects are followed by hand,
only within the host asked (Yahoo's consent pages are reported, never fetched). Neither library
is imported until the first request, so the first frame (drawn from the cache) does not pay for
them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    import httpx

#: The User-Agent of the Chrome release curl_cffi impersonates (the plain session sends it too:
#: Yahoo answers scripts' default User-Agents with 429s far sooner than browsers').
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36"
)
#: The browser fingerprint curl_cffi sends: its newest Chrome target.
IMPERSONATE = "chrome"
#: The largest Yahoo body read, decompressed. The largest recorded ones are ~120 KB (a 50-symbol
#: v7 batch ~150 KB, a year of daily bars ~40 KB): 4 MB leaves room for any real answer and
#: stops a hostile or broken one long before it costs memory.
MAX_BODY = 4 * 1024 * 1024
#: The longest one request may take, redirects and body included.
REQUEST_DEADLINE = 20.0
#: Redirects followed per request (within the host asked).
MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)


#: What a per-symbol fetch gives (see :func:`each_symbol`).
T = TypeVar("T")


class FailureKind(StrEnum):
    """What went wrong, grouped by what the feed should do about it."""

    NOT_FOUND = "not_found"  # Yahoo says the symbol does not exist: retry rarely
    RATE_LIMITED = "rate_limited"  # 429: back off
    AUTH = "auth"  # 401 Invalid Crumb / Invalid Cookie: get a new pair once, then back off
    SERVER = "server"  # 5xx, 403 and other statuses: back off
    BAD_RESPONSE = "bad_response"  # HTML page, empty or truncated body: back off
    TIMEOUT = "timeout"  # connected, but no answer in time: back off
    UNREACHABLE = "unreachable"  # DNS failure, refused, no route: maybe offline


class FetchError(Exception):
    """A failed request: ``kind`` for the feed, ``reason`` for people."""

    def __init__(self, kind: FailureKind, reason: str, status: int | None = None) -> None:
        self.kind = kind
        self.reason = reason
        self.status = status
        super().__init__(reason)

    def __repr__(self) -> str:
        return f"FetchError({self.kind.value!r}, {self.reason!r})"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """What both sessions return: enough to classify and decode, nothing library-specific."""

    status: int
    content: bytes
    headers: Mapping[str, str]  # lower-case names
    url: str
    http_version: str = "HTTP/1.1"
    elapsed: float = 0.0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


@dataclass(frozen=True, slots=True)
class StoredCookie:
    """A cookie as kept in the cache between runs (Yahoo's A1/A3 are valid for a year)."""

    name: str
    value: str
    domain: str
    path: str = "/"

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "value": self.value, "domain": self.domain, "path": self.path}


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """How a session connects: timeouts, concurrency and proxy."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_connections: int = 8
    proxy: str | None = None
    """An explicit proxy URL; None uses HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the
    environment, like curl and httpx do."""
    headers: Mapping[str, str] = field(default_factory=dict)
    max_bytes: int = MAX_BODY
    """The largest body read (decompressed); a longer one is a BAD_RESPONSE."""
    deadline: float = REQUEST_DEADLINE
    """The longest a request may take in all (redirects and the whole body)."""


async def each_symbol(
    fetch: Callable[[str], Awaitable[T]], symbols: Sequence[str]
) -> dict[str, T | FetchError]:
    """``fetch`` for every symbol at once, each symbol's result or its :class:`FetchError` (one
    symbol's failure is its own: the others' answers are kept). Yahoo's chart path and Cboe's
    per-symbol quotes both gather this way."""

    async def one(symbol: str) -> T | FetchError:
        try:
            return await fetch(symbol)
        except FetchError as exc:
            return exc

    results = await asyncio.gather(*(one(s) for s in symbols))
    return dict(zip(symbols, results, strict=True))


def size_text(n: int) -> str:
    """``8 MB``, ``512 KB``: a byte limit as people read it."""
    return f"{n / 1048576:g} MB" if n >= 1048576 else f"{n / 1024:g} KB"


def too_large(limit: int, url: str) -> str:
    """The reason for a body cut off at ``limit``."""
    return f"response over {size_text(limit)}: stopped reading {_host(url)}"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def same_host(a: str, b: str) -> bool:
    """Whether ``b`` is on the host of ``a`` (and no less secure: http to https is the same
    place, https to http is not)."""
    try:
        x, y = urlsplit(a), urlsplit(b)
        return (
            x.hostname is not None
            and x.hostname == y.hostname
            and y.scheme in ("http", "https")
            and not (x.scheme == "https" and y.scheme != "https")
            and (x.port == y.port or x.scheme != y.scheme)
        )
    except ValueError:
        return False


def is_consent_url(url: str) -> bool:
    """Whether ``url`` is one of Yahoo's EU consent pages (guce.yahoo.com, consent.yahoo.com)."""
    return _host(url).startswith(("guce.", "consent."))


class HttpSession(Protocol):
    """One long-lived connection pool with its cookie jar."""

    name: str
    impersonating: bool

    async def get(
        self,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        follow_redirects: bool = True,
    ) -> HttpResponse: ...

    def cookies(self) -> list[StoredCookie]: ...

    def set_cookies(self, cookies: list[StoredCookie]) -> None: ...

    def clear_cookies(self) -> None: ...

    async def aclose(self) -> None: ...


_BASE_HEADERS = {"Accept": "application/json,text/plain,*/*"}


class _CookieJarSession:
    """What both sessions share: the request loop (deadline, redirects within the host) and
    cookie handling (curl_cffi's and httpx's cookie containers both wrap an
    ``http.cookiejar.CookieJar`` and offer ``set`` and ``clear``)."""

    options: SessionOptions

    async def _get_once(self, url: str, params: Mapping[str, str] | None) -> HttpResponse:
        """One GET, redirects not followed, body read up to ``options.max_bytes``."""
        raise NotImplementedError

    async def get(
        self,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        follow_redirects: bool = True,
    ) -> HttpResponse:
        """GET ``url`` within ``options.deadline``, following redirects only within its host.

        A redirect to Yahoo's consent pages comes back as a response whose ``url`` is the
        consent page (callers recognise it with ``is_consent_url``); one to any other host is a
        BAD_RESPONSE naming it.
        """
        deadline = self.options.deadline
        started = time.perf_counter()
        try:
            async with asyncio.timeout(deadline):
                response = await self._get_once(url, params)
                for _ in range(MAX_REDIRECTS):
                    location = response.location
                    if not follow_redirects or response.status not in _REDIRECTS or not location:
                        break
                    target = urljoin(response.url, location)
                    if is_consent_url(target):
                        return HttpResponse(response.status, b"", response.headers, target,
                                            response.http_version, response.elapsed)  # fmt: skip
                    if not same_host(url, target):
                        raise FetchError(
                            FailureKind.BAD_RESPONSE,
                            f"redirected to {_host(target)}, not followed",
                            response.status,
                        )
                    response = await self._get_once(target, None)
                else:
                    if follow_redirects and response.status in _REDIRECTS and response.location:
                        raise FetchError(FailureKind.BAD_RESPONSE, "too many redirects")
        except TimeoutError:
            self._renew()
            raise FetchError(
                FailureKind.TIMEOUT, f"no complete answer within {deadline:g} s"
            ) from None
        return replace(response, elapsed=time.perf_counter() - started)

    def _jar(self, create: bool) -> Any:
        """The session's cookie container (made with the session when ``create``), or None."""
        raise NotImplementedError

    def _detach(self) -> Any:
        """Take the library session out (the next request makes a fresh one); None if none."""
        raise NotImplementedError

    def _renew(self) -> None:
        """A request outlived its deadline: later requests go out on a fresh library session
        (with the cookies), and the old one is closed once whatever else is in flight on it has
        had its own deadline. A hung curl_cffi transfer can ignore its timeout (an open
        curl_cffi issue) and a wedged pool must not take the next refresh down with it."""
        cookies = self.cookies()
        old = self._detach()
        if old is None:
            return
        if cookies:
            self.set_cookies(cookies)
        self.renewals = getattr(self, "renewals", 0) + 1

        async def close_later() -> None:
            await asyncio.sleep(self.options.deadline)
            await _close(old)

        task = asyncio.get_running_loop().create_task(close_later())
        retiring = self.__dict__.setdefault("_retiring", {})
        retiring[task] = old
        task.add_done_callback(lambda t: retiring.pop(t, None))

    async def _close_retired(self) -> None:
        """Close at once the sessions still waiting to be closed (the session is closing)."""
        retiring = self.__dict__.get("_retiring", {})
        for task, old in list(retiring.items()):
            retiring.pop(task, None)
            task.cancel()
            await _close(old)

    def cookies(self) -> list[StoredCookie]:
        jar = self._jar(create=False)
        if jar is None:
            return []
        return [StoredCookie(c.name, c.value or "", c.domain or "", c.path or "/") for c in jar.jar]

    def set_cookies(self, cookies: list[StoredCookie]) -> None:
        jar = self._jar(create=True)
        for c in cookies:
            jar.set(c.name, c.value, domain=c.domain, path=c.path)

    def clear_cookies(self) -> None:
        jar = self._jar(create=False)
        if jar is not None:
            jar.clear()


# --- curl_cffi: a browser's handshake ---------------------------------------------------------


class BrowserSession(_CookieJarSession):
    """curl_cffi's AsyncSession impersonating Chrome: one pool, HTTP/2, its own cookie jar."""

    name = "browser"
    impersonating = True

    def __init__(self, options: SessionOptions | None = None) -> None:
        self.options = options or SessionOptions()
        self._session: Any = None

    def _get_session(self) -> Any:
        if self._session is None:
            from neotui.data.market.curl_quiet import quiet_session_class

            opts = self.options
            self._session = quiet_session_class()(
                impersonate=IMPERSONATE,
                # curl bounds the whole request by connect + read (it has no separate read
                # timeout): a hung server is given up on at most that long after the request.
                timeout=(opts.connect_timeout, opts.read_timeout),
                max_clients=opts.max_connections,
                proxy=opts.proxy or None,
                trust_env=True,
                allow_redirects=False,  # followed by hand, within the host (see get)
                headers={**_BASE_HEADERS, **opts.headers},
            )
        return self._session

    @property
    def curl(self) -> Any:
        """The curl_cffi session under this one (made on first use), read-only: what the tests
        and benchmarks inspect to see curl stay asleep between requests."""
        return self._get_session()

    async def _get_once(self, url: str, params: Mapping[str, str] | None) -> HttpResponse:
        from curl_cffi.curl import CURL_WRITEFUNC_ERROR, CurlError

        from neotui.data.market.net_errors import CURL_HTTP_VERSIONS, curl_failure

        session = self._get_session()
        started = time.perf_counter()
        limit = self.options.max_bytes
        chunks: list[bytes] = []
        size = 0

        def take(chunk: bytes) -> int:
            # curl calls this with each decompressed piece (at most 16 KB) as it arrives; the
            # error return aborts the transfer at once, so nothing past the limit is kept or
            # even decompressed. (curl_cffi's stream mode queues everything curl delivers
            # whether it is read or not, and its close waits for the whole transfer.)
            nonlocal size
            size += len(chunk)
            if size > limit:
                return int(CURL_WRITEFUNC_ERROR)
            chunks.append(chunk)
            return len(chunk)

        try:
            response = await session.get(
                url,
                params=dict(params) if params else None,
                allow_redirects=False,
                content_callback=take,
            )
        except CurlError as exc:
            if size > limit:
                raise FetchError(FailureKind.BAD_RESPONSE, too_large(limit, url)) from None
            raise FetchError(*_kind(curl_failure(exc))) from None
        return HttpResponse(
            status=response.status_code,
            content=b"".join(chunks),
            headers={k.lower(): v for k, v in response.headers.items()},
            url=str(response.url),
            http_version=CURL_HTTP_VERSIONS.get(int(response.http_version or 0), "HTTP/1.1"),
            elapsed=time.perf_counter() - started,
        )

    def _jar(self, create: bool) -> Any:
        if self._session is None and not create:
            return None
        return self._get_session().cookies

    def _detach(self) -> Any:
        old, self._session = self._session, None
        return old

    async def aclose(self) -> None:
        await self._close_retired()
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


# --- httpx: the plain fallback ----------------------------------------------------------------


class PlainSession(_CookieJarSession):
    """httpx on Python's OpenSSL. Its handshake is not a browser's: Yahoo may answer 429."""

    name = "plain"
    impersonating = False

    def __init__(
        self,
        options: SessionOptions | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.options = options or SessionOptions()
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def _get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            opts = self.options
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(opts.read_timeout, connect=opts.connect_timeout, pool=None),
                headers={"User-Agent": USER_AGENT, **_BASE_HEADERS, **opts.headers},
                limits=httpx.Limits(
                    max_connections=opts.max_connections,
                    max_keepalive_connections=opts.max_connections,
                ),
                transport=self._transport,
                proxy=opts.proxy or None,
                trust_env=True,
                follow_redirects=False,  # followed by hand, within the host (see get)
            )
        return self._client

    async def _get_once(self, url: str, params: Mapping[str, str] | None) -> HttpResponse:
        import httpx

        from neotui.data.market.net_errors import httpx_failure

        client = self._get_client()
        started = time.perf_counter()
        limit = self.options.max_bytes
        try:
            async with client.stream(
                "GET", url, params=dict(params or {}), follow_redirects=False
            ) as response:
                chunks: list[bytes] = []
                size = 0
                # aiter_bytes yields decoded (decompressed) bytes: the limit is on those.
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(FailureKind.BAD_RESPONSE, too_large(limit, url))
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise FetchError(*_kind(httpx_failure(exc))) from None
        return HttpResponse(
            status=response.status_code,
            content=b"".join(chunks),
            headers={k.lower(): v for k, v in response.headers.items()},
            url=str(response.url),
            http_version=response.http_version,
            elapsed=time.perf_counter() - started,
        )

    def _jar(self, create: bool) -> Any:
        if self._client is None and not create:
            return None
        return self._get_client().cookies

    def _detach(self) -> Any:
        old, self._client = self._client, None
        return old

    async def aclose(self) -> None:
        await self._close_retired()
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()


def _kind(failure: tuple[str, str]) -> tuple[FailureKind, str]:
    return FailureKind(failure[0]), failure[1]


async def _close(session: Any) -> None:
    """Close a curl_cffi or httpx session taken out of use."""
    close = getattr(session, "aclose", None) or session.close
    await close()


def make_session(transport: str, options: SessionOptions | None = None) -> HttpSession:
    """The session ``market.transport`` names: ``browser`` (default) or ``plain``."""
    if transport == "plain":
        return PlainSession(options)
    return BrowserSession(options)
