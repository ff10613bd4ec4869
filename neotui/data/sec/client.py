"""The SEC EDGAR client: httpx, a contact User-Agent, a token bucket, conditional requests.

The SEC serves plain JSON with no browser fingerprinting, so plain httpx is enough (Yahoo needs
the browser transport, the SEC does not). It does insist on a User-Agent naming a contact e-mail
and on at most 10 requests a second: without the contact nothing is sent at all, and every
request waits for a token. Every failure becomes a :class:`SecError` whose ``reason`` says what
happened in words (403 no contact, 404 with S3's XML body, 429/503 throttling pages, truncated
JSON, a web page instead of data, timeouts, no network).

What a server can make it do is bounded: a body is read as a stream and given up on past
``max_bytes`` (decompressed), each request has one total deadline from the token to the last byte,
and a redirect is followed only within the host asked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from neotui import __version__
from neotui.data.clean import parse_json
from neotui.data.market.http import same_host, size_text

if TYPE_CHECKING:
    import httpx

#: The largest SEC body read, decompressed. Recorded: the tickers table 0.8 MB, Apple's
#: submissions 156 KB, NVIDIA's company facts 4.0 MB (the largest filers' reach ~10 MB).
MAX_BODY = 16 * 1024 * 1024
#: Company facts grow with a filer's history (NVIDIA 4.0 MB in 2026, Alphabet 3.1 MB; the
#: biggest banks' pass 20 MB): their own cap, with room, so a long-lived filer is not refused.
FACTS_MAX_BODY = 48 * 1024 * 1024
#: The longest one SEC request may take in all (redirects and the whole body).
REQUEST_DEADLINE = 30.0
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 5

CONTACT_HINT = (
    "SEC filings are off: set filings.contact or NEOTUI_SEC_CONTACT to your e-mail "
    "(the SEC requires one)"
)


class SecFailure(StrEnum):
    """What went wrong, grouped by what the feed does next."""

    REFUSED = "refused"  # 403: the SEC wants a contact / blocked us
    NOT_FOUND = "not_found"  # 404: no such CIK
    THROTTLED = "throttled"  # 429 or 503: wait longer
    BAD_RESPONSE = "bad_response"  # truncated JSON, HTML page, wrong shape
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"  # DNS, refused, no route: offline
    SERVER = "server"  # other statuses


class SecError(Exception):
    """A failed SEC request: ``kind`` for the feed, ``reason`` for people."""

    def __init__(self, kind: SecFailure, reason: str, status: int | None = None) -> None:
        self.kind = kind
        self.reason = reason
        self.status = status
        super().__init__(reason)


class TokenBucket:
    """At most ``rate`` requests a second on average, bursts of at most ``capacity``.

    A window of one second can hold ``capacity + rate - 1`` requests, so the default capacity
    is 1: requests go out evenly spaced (every 100 ms at 10/s) and no second ever holds more
    than ``rate`` of them, which is what the SEC counts. ``clock`` and ``sleep`` are
    injectable so tests can run it on a fake clock.
    """

    def __init__(
        self,
        rate: float = 10.0,
        capacity: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.capacity = capacity if capacity is not None else 1.0
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _fill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        """Wait until a token is free, then take it (callers are served in order)."""
        async with self._lock:
            self._fill()
            # The epsilon: a float deficit of 1e-16 s would never move a clock at 1e9 s.
            while self._tokens < 1.0 - 1e-9:
                await self._sleep((1.0 - self._tokens) / self.rate)
                self._fill()
            self._tokens = max(0.0, self._tokens - 1.0)


@dataclass(frozen=True)
class SecResponse:
    """A successful answer: the decoded body (None for 304 Not Modified) and its validators."""

    body: Any
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def user_agent(contact: str) -> str:
    """The User-Agent the SEC asks for: who we are and how to reach the person running it."""
    return f"neotui/{__version__} {contact.strip()}"


class SecClient:
    """GETs from the SEC with one keep-alive pool. Use :meth:`aclose` when done."""

    def __init__(
        self,
        contact: str,
        *,
        data_url: str = "https://data.sec.gov",
        tickers_url: str = "https://www.sec.gov/files/company_tickers.json",
        archives_url: str = "https://www.sec.gov",
        limiter: TokenBucket | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        deadline: float = REQUEST_DEADLINE,
        max_bytes: int = MAX_BODY,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not contact.strip():
            raise ValueError(CONTACT_HINT)
        self.contact = contact.strip()
        self.data_url = data_url.rstrip("/")
        self.tickers_url = tickers_url
        self.archives_url = archives_url.rstrip("/")  # filing indexes and documents
        self.limiter = limiter or TokenBucket()
        self._timeouts = (connect_timeout, read_timeout)
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self.requests = 0  # sent, for tests and the request budget

    @property
    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            import httpx

            connect, read = self._timeouts
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(read, connect=connect, pool=None),
                headers={
                    "User-Agent": user_agent(self.contact),
                    "Accept": "application/json",
                    "Accept-Encoding": "gzip, deflate",
                },
                transport=self._transport,
                follow_redirects=False,  # followed by hand, within the host (see get)
            )
        return self._http

    async def aclose(self) -> None:
        """Close the connection pool (if one was opened)."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def submissions_url(self, cik: int) -> str:
        """``{data_url}/submissions/CIK##########.json`` (ten digits, zero-padded)."""
        return f"{self.data_url}/submissions/CIK{cik:010d}.json"

    async def tickers(self) -> SecResponse:
        """The ticker -> CIK table (raw body; parse with ``filing.parse_tickers``)."""
        return await self.get(self.tickers_url)

    async def submissions(
        self, cik: int, *, etag: str | None = None, last_modified: str | None = None
    ) -> SecResponse:
        """One company's submissions, conditional on the validators of the cached copy."""
        return await self.get(self.submissions_url(cik), etag=etag, last_modified=last_modified)

    async def submissions_page(
        self, name: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> SecResponse:
        """One older submissions page (``name`` as ``filings.files`` lists it, checked by the
        caller against ``submissions.PAGE_NAME``), conditional like :meth:`submissions`."""
        url = f"{self.data_url}/submissions/{name}"
        return await self.get(url, etag=etag, last_modified=last_modified)

    def company_facts_url(self, cik: int) -> str:
        """``{data_url}/api/xbrl/companyfacts/CIK##########.json``."""
        return f"{self.data_url}/api/xbrl/companyfacts/CIK{cik:010d}.json"

    async def company_facts(
        self, cik: int, *, etag: str | None = None, last_modified: str | None = None
    ) -> SecResponse:
        """One company's XBRL facts, conditional like submissions. ``body`` is the raw bytes:
        decoding 4 MB would hold the event loop, so the caller reduces it in a thread
        (:func:`neotui.data.sec.facts.reduce_facts`)."""
        return await self.get(
            self.company_facts_url(cik), etag=etag, last_modified=last_modified,
            parse=False, max_bytes=FACTS_MAX_BODY,
        )  # fmt: skip

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        parse: bool = True,
        max_bytes: int | None = None,
    ) -> SecResponse:
        """GET ``url`` (after a token) and decode it, or raise a classified :class:`SecError`.

        ``parse=False`` leaves a 200's body as bytes (checked to be no web page); ``max_bytes``
        replaces the client's cap for this request.
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        status, response_headers, body = await self._fetch(
            url, headers, max_bytes or self.max_bytes
        )
        return decode(status, response_headers, body, parse=parse)

    async def document(self, url: str, max_bytes: int) -> tuple[str, bytes]:
        """GET a filing's index or document as bytes (HTML or text, never decoded as JSON):
        its content type and body, read up to ``max_bytes``, under the same token bucket and
        deadline as every other request. Raises :class:`SecError` for any status but 200."""
        status, headers, body = await self._fetch(url, {}, max_bytes)
        if status != 200:
            check_status(status, body, what="no such document")
        return headers.get("content-type", "").lower(), body

    async def _fetch(
        self, url: str, headers: Mapping[str, str], max_bytes: int
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One GET after a token, redirects followed within the host, all within the deadline."""
        try:
            async with asyncio.timeout(self.deadline):
                await self.limiter.acquire()
                status, response_headers, body = await self._get_once(url, headers, max_bytes)
                for _ in range(_MAX_REDIRECTS):
                    location = response_headers.get("location")
                    if status not in _REDIRECTS or not location:
                        break
                    target = urljoin(url, location)
                    if not same_host(url, target):
                        raise SecError(
                            SecFailure.BAD_RESPONSE,
                            f"SEC: redirected to {urlsplit(target).hostname}, not followed",
                            status,
                        )
                    await self.limiter.acquire()
                    url = target
                    status, response_headers, body = await self._get_once(url, headers, max_bytes)
                else:
                    if status in _REDIRECTS:
                        raise SecError(SecFailure.BAD_RESPONSE, "SEC: too many redirects", status)
        except TimeoutError:
            raise SecError(
                SecFailure.TIMEOUT, f"SEC: no complete answer within {self.deadline:g} s"
            ) from None
        return status, response_headers, body

    async def _get_once(
        self, url: str, headers: Mapping[str, str], max_bytes: int
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One GET (no redirect followed): status, headers and body read up to the limit."""
        import httpx

        self.requests += 1
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                chunks: list[bytes] = []
                size = 0
                # Decoded (decompressed) bytes: a gzip bomb is counted at its real size.
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise SecError(
                            SecFailure.BAD_RESPONSE,
                            f"SEC: response over {size_text(max_bytes)}: stopped reading",
                            response.status_code,
                        )
                    chunks.append(chunk)
        except httpx.ConnectTimeout:
            raise SecError(SecFailure.UNREACHABLE, "SEC: connection timed out") from None
        except httpx.ConnectError as exc:
            raise SecError(SecFailure.UNREACHABLE, f"SEC: {_connect_reason(exc)}") from None
        except httpx.TimeoutException:
            raise SecError(SecFailure.TIMEOUT, "SEC: no answer in time") from None
        except httpx.HTTPError as exc:
            raise SecError(
                SecFailure.SERVER, f"SEC: network error ({type(exc).__name__})"
            ) from None
        return response.status_code, response.headers, b"".join(chunks)


def _connect_reason(exc: BaseException) -> str:
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 5:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(c, ConnectionRefusedError) for c in chain):
        return "connection refused"
    text = " ".join(str(c) for c in chain).lower()
    if "name or service" in text or "nodename" in text or "resolution" in text:
        return "cannot resolve host (DNS)"
    if "refused" in text:
        return "connection refused"
    return "cannot connect"


def decode(
    status: int, headers: Mapping[str, str], body: bytes, *, parse: bool = True
) -> SecResponse:
    """Turn an SEC answer into a :class:`SecResponse` or a classified :class:`SecError`
    (``parse=False``: the body stays bytes, for the caller to decode in a thread)."""
    etag, modified = headers.get("etag"), headers.get("last-modified")
    content_type = headers.get("content-type", "").lower()
    if status == 304:
        return SecResponse(None, etag, modified, not_modified=True)
    if status != 200:
        check_status(status, body)
    stripped = body.lstrip()
    if not stripped:
        raise SecError(SecFailure.BAD_RESPONSE, "SEC: empty response", status)
    if "html" in content_type or "xml" in content_type or stripped[:1] == b"<":
        raise SecError(SecFailure.BAD_RESPONSE, "SEC: got a web page instead of data", status)
    if not parse:
        return SecResponse(body, etag, modified)
    try:
        data = parse_json(body)
    except ValueError:
        raise SecError(SecFailure.BAD_RESPONSE, "SEC: truncated or invalid JSON", status) from None
    return SecResponse(data, etag, modified)


def check_status(status: int, body: bytes, what: str = "no such company") -> None:
    """Raise the classified :class:`SecError` for a status other than 200 (and 304, which
    :func:`decode` answers); ``what`` names what a 404 means for this request."""
    if status == 403:
        raise SecError(
            SecFailure.REFUSED,
            "SEC refused the request (403): it wants a User-Agent with a real contact e-mail "
            "(filings.contact) and at most 10 requests a second",
            status,
        )
    if status == 404:
        what = what + " (404" + (", S3 NoSuchKey)" if b"NoSuchKey" in body else ")")
        raise SecError(SecFailure.NOT_FOUND, f"SEC: {what}", status)
    if status in (429, 503):
        raise SecError(
            SecFailure.THROTTLED, f"SEC is throttling requests ({status}); trying later", status
        )
    if status >= 500:
        raise SecError(SecFailure.SERVER, f"SEC server error ({status})", status)
    raise SecError(SecFailure.SERVER, f"SEC: unexpected HTTP status {status}", status)
