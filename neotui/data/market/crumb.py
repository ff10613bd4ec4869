"""Yahoo's cookie and crumb: the pair the batch quote endpoint asks for since 2023.

The cookie comes from a cookie URL (Yahoo's is ``https://fc.yahoo.com``, which answers 404 and
sets ``A3``); the crumb from ``/v1/test/getcrumb`` with that cookie. Both are kept in the cache
and reused across runs until Yahoo answers 401 Invalid Crumb / Invalid Cookie.

Traps handled here (``tests/fixtures/yahoo/SOURCES.md``): a throttled getcrumb can answer 200 or
429 with the *text* ``Too Many Requests`` — which is not a crumb, and a client that stores it
then sends ``crumb=Too+Many+Requests`` (yfinance #2441); from an EU address the cookie URL
redirects into Yahoo's consent pages (guce.yahoo.com → consent.yahoo.com), which a JSON client
cannot answer. neotui does not agree to anything on the user's behalf: it says so in one line
and quotes keep coming from the chart endpoint.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin, urlparse

from neotui.data.market.http import (
    FailureKind,
    FetchError,
    HttpSession,
    StoredCookie,
    is_consent_url,
    same_host,
)

__all__ = ["CONSENT_REASON", "CredentialStore", "Credentials", "CrumbKeeper", "is_consent_url"]

#: Yahoo's own cookie URL.
YAHOO_COOKIE_URL = "https://fc.yahoo.com"
#: A crumb is a short token of letters, digits and a few symbols (e.g. ``haT3oykhHqZ``).
_CRUMB = re.compile(r"^[A-Za-z0-9./_\-]{5,64}$")
_MAX_HOPS = 6


class CredentialStore(Protocol):
    """Where the pair is kept between runs (the quote cache)."""

    def load_credentials(self) -> dict[str, Any] | None: ...

    def save_credentials(self, body: dict[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class Credentials:
    """A crumb and the cookies it was issued with."""

    crumb: str
    cookies: tuple[StoredCookie, ...]
    obtained_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "crumb": self.crumb,
            "cookies": [c.to_json() for c in self.cookies],
            "obtained_at": self.obtained_at,
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Credentials | None:
        """The stored pair, or None if it is not one (a damaged row is simply fetched anew)."""
        try:
            crumb = body["crumb"]
            cookies = tuple(StoredCookie(**c) for c in body["cookies"])
            obtained = float(body["obtained_at"])
        except (KeyError, TypeError, ValueError):
            return None
        if not isinstance(crumb, str) or not is_crumb(crumb):
            return None
        return cls(crumb, cookies, obtained)


def is_crumb(text: str) -> bool:
    """Whether a getcrumb body is a crumb (not ``Too Many Requests``, not a web page)."""
    return bool(_CRUMB.match(text)) and "toomany" not in text.lower()


CONSENT_REASON = (
    "Yahoo asks for EU cookie consent (redirected to {host}); batch quotes are off and prices "
    "come from the chart endpoint"
)


@dataclass
class CrumbKeeper:
    """Gets, keeps and renews the cookie/crumb pair for one session."""

    session: HttpSession
    yahoo_url: str
    cookie_url: str
    store: CredentialStore | None = None
    clock: Callable[[], float] = time.time
    count: Callable[[], None] = lambda: None
    """Called once per HTTP request made, so the client's request counter stays exact."""
    _current: Credentials | None = None
    _loaded: bool = False
    _cookies_in_jar: bool = False
    notes: list[str] = field(default_factory=list)

    async def crumb(self) -> str:
        """The crumb to send: kept, stored, or fetched now.

        Raises:
            FetchError: UNREACHABLE/TIMEOUT when Yahoo cannot be reached, RATE_LIMITED when the
                crumb request is throttled, AUTH for consent pages and anything that is not a
                crumb (the caller falls back to the chart endpoint).
        """
        if self._current is None and not self._loaded:
            self._loaded = True
            stored = self.store.load_credentials() if self.store else None
            self._current = Credentials.from_json(stored) if stored else None
        if self._current is not None:
            if not self._cookies_in_jar:
                self.session.set_cookies(list(self._current.cookies))
                self._cookies_in_jar = True
            return self._current.crumb
        credentials = await self.fetch()
        self._current = credentials
        self._cookies_in_jar = True
        if self.store is not None:
            self.store.save_credentials(credentials.to_json())
        return credentials.crumb

    @property
    def current(self) -> Credentials | None:
        """The pair in use (None before the first request or after a refusal)."""
        return self._current

    def adopt(self, credentials: Credentials) -> None:
        """Use a pair just fetched (its cookies are already in the session's jar)."""
        self._current = credentials
        self._loaded = True
        self._cookies_in_jar = True

    def invalidate(self) -> None:
        """Forget the pair (after a 401 Invalid Crumb / Invalid Cookie): the next call fetches
        a new one, with a fresh cookie jar."""
        self._current = None
        self._loaded = True
        self._cookies_in_jar = False
        self.session.clear_cookies()

    async def fetch(self) -> Credentials:
        """Ask for a new cookie (unless the jar has one), then a new crumb."""
        if not self.session.cookies():
            await self._cookie()
        self.count()
        response = await self.session.get(f"{self.yahoo_url}/v1/test/getcrumb")
        text = response.content.decode("utf-8", "replace").strip()
        if response.status == 429:
            raise FetchError(FailureKind.RATE_LIMITED, "rate limited by Yahoo (429)", 429)
        if "too many requests" in text.lower():
            # yfinance #2441: a throttled getcrumb can answer 200 with this text as the "crumb".
            raise FetchError(
                FailureKind.RATE_LIMITED,
                "rate limited by Yahoo (getcrumb said 'Too Many Requests')",
                response.status,
            )
        if is_consent_url(response.url):
            host = urlparse(response.url).hostname
            raise FetchError(FailureKind.AUTH, CONSENT_REASON.format(host=host), response.status)
        if response.status != 200:
            raise FetchError(
                FailureKind.AUTH, f"crumb refused (HTTP {response.status})", response.status
            )
        if not is_crumb(text):
            shown = text[:40].replace("\n", " ")
            raise FetchError(FailureKind.AUTH, f"getcrumb answered something that is not a "
                             f"crumb ({shown!r})", response.status)  # fmt: skip
        cookies = tuple(self.session.cookies())
        return Credentials(text, cookies, self.clock())

    async def _cookie(self) -> None:
        """Visit the cookie URL, following redirects by hand to spot the consent pages."""
        url = self.cookie_url
        for _ in range(_MAX_HOPS):
            self.count()
            response = await self.session.get(url, follow_redirects=False)
            location = response.location
            if response.status in (301, 302, 303, 307, 308) and location:
                target = urljoin(url, location)
                if is_consent_url(target):
                    host = urlparse(target).hostname
                    raise FetchError(FailureKind.AUTH, CONSENT_REASON.format(host=host))
                if not same_host(url, target):
                    raise FetchError(
                        FailureKind.AUTH,
                        f"{self.cookie_url} redirected to {urlparse(target).hostname}, "
                        "not followed",
                    )
                url = target
                continue
            break
        else:
            raise FetchError(FailureKind.AUTH, f"too many redirects from {self.cookie_url}")
        if not self.session.cookies():
            raise FetchError(
                FailureKind.AUTH,
                f"no cookie from {self.cookie_url} (HTTP {response.status})",
                response.status,
            )


def default_cookie_url(yahoo_url: str) -> str:
    """Yahoo's cookie URL for Yahoo's hosts; for a mirror or a test server, its own root."""
    parsed = urlparse(yahoo_url)
    if (parsed.hostname or "").endswith(".yahoo.com"):
        return YAHOO_COOKIE_URL
    return f"{parsed.scheme}://{parsed.netloc}/"
