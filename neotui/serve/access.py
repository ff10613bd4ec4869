"""Who may open a served session: the rules of ``neotui serve``, apart from the web server so the
tests can hold them without one.

A session is a process running neotui with the user's settings, cache and data directory, driven
by whoever holds the socket. So:

- bound to loopback (the default), the token is optional, but the ``Host`` header must name a
  loopback host (or the ``--public-url`` host): a web page whose name an attacker re-points at
  127.0.0.1 (DNS rebinding) is refused;
- bound to anything else, a token is required on every request (a query parameter once, then a
  cookie), compared in constant time;
- a WebSocket whose ``Origin`` is another site is refused whatever the bind: browsers let any
  page open a socket to any host, and the cookie alone would not stop a page on the same
  machine from driving a loopback session (cross-site WebSocket hijacking).
"""

from __future__ import annotations

import enum
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

TOKEN_PARAM = "token"
"""The query parameter that carries the token in the URL ``neotui serve`` prints."""

TOKEN_BYTES = 24
"""Random bytes in a generated token (32 URL-safe characters, 192 bits)."""

_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,128}")
"""A token given with ``--token``: long enough to resist guessing, and only characters that pass
through a URL and a cookie unchanged."""

TOKEN_RULE = "at least 16 (at most 128) letters, digits, '-' or '_'"


class Verdict(enum.Enum):
    """The answer to one request, with the sentence the refusal page shows."""

    ADMIT = ""
    BAD_HOST = (
        "This server only answers to its own name. Open it at the address `neotui serve` printed."
    )
    BAD_ORIGIN = "A page from another site tried to open a session. Refused."
    NO_TOKEN = (
        "This neotui server needs a token. Open the full address `neotui serve` printed "
        "(it ends in ?token=…)."
    )
    BAD_TOKEN = "Wrong token. Open the full address `neotui serve` printed (it ends in ?token=…)."


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a bind address or a name) stays on this machine. A name other than
    ``localhost`` counts as not loopback: where it resolves is not ours to trust."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is 127.0.0.1
    return bool((mapped or address).is_loopback)


def new_token() -> str:
    """A fresh random token (``secrets``), for a bind that needs one and was given none."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def valid_token(token: str) -> bool:
    """Whether a token given with ``--token`` has the shape :data:`TOKEN_RULE` states."""
    return _TOKEN_SHAPE.fullmatch(token) is not None


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison (``hmac.compare_digest`` on bytes, so any text is comparable):
    how long a refusal takes says nothing about how much of the token was right."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def host_name(host_header: str) -> str:
    """The name in a ``Host`` header, without its port (``[::1]:8000`` → ``::1``)."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value[1:]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


@dataclass(frozen=True)
class Gate:
    """The access rules of one server, built once from the bind, the token and the public URL."""

    token: str | None
    """The token every request must carry; None on a loopback bind without ``--token``."""
    hosts: frozenset[str] | None
    """The ``Host`` names answered (loopback binds); None: any (a token is required then)."""
    origins: frozenset[str]
    """Origins a WebSocket may come from besides the page's own (the public URL's)."""
    cookie: str
    """The cookie holding the token: named after the port, since cookies are shared by every
    port of a host and two servers would otherwise overwrite each other's."""

    @classmethod
    def build(cls, host: str, port: int, token: str | None, public_url: str | None) -> Gate:
        """The rules for a server bound to ``host:port``; a non-loopback bind must have a
        token (the command line generates one)."""
        loopback = is_loopback(host)
        if not loopback and token is None:
            raise ValueError(f"binding {host} needs a token")
        origins: set[str] = set()
        hosts: set[str] | None = None
        if loopback:
            hosts = {"localhost", "127.0.0.1", "::1", host_name(host)}
        if public_url:
            parts = urlsplit(public_url)
            origins.add(f"{parts.scheme}://{parts.netloc}".lower())
            if hosts is not None and parts.hostname:
                hosts.add(parts.hostname.lower())
        return cls(
            token=token,
            hosts=frozenset(hosts) if hosts is not None else None,
            origins=frozenset(origins),
            cookie=f"neotui_token_{port}",
        )

    def check(
        self,
        *,
        host_header: str,
        origin: str | None,
        offered: str | None,
    ) -> Verdict:
        """The verdict on one request.

        Args:
            host_header: the request's ``Host`` header ("" when absent).
            origin: its ``Origin`` header (browsers send one on every WebSocket), or None.
            offered: the token it carries (query parameter or cookie), or None.
        """
        if self.hosts is not None and host_name(host_header) not in self.hosts:
            return Verdict.BAD_HOST
        if origin is not None and not self._same_site(origin, host_header):
            return Verdict.BAD_ORIGIN
        if self.token is not None:
            if offered is None:
                return Verdict.NO_TOKEN
            if not token_matches(offered, self.token):
                return Verdict.BAD_TOKEN
        return Verdict.ADMIT

    def _same_site(self, origin: str, host_header: str) -> bool:
        """Whether ``origin`` is the page's own: the host it asked for, or the public URL."""
        value = origin.strip().lower()
        host = host_header.strip().lower()
        return value in self.origins or value in (f"http://{host}", f"https://{host}")
