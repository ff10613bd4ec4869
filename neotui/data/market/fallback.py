"""Where prices come from: Yahoo, or a fallback source when Yahoo refuses every symbol.

Data-centre, VPN and office-proxy addresses get HTTP 429 from Yahoo on every endpoint, an EU
consent page that neotui will not agree to, or a 403: every price goes stale and stays stale.
:class:`QuoteRouter` sits where the feed asks for quotes (the same ``quotes`` call as
:class:`~neotui.data.market.yahoo.YahooClient`) and:

- asks Yahoo while Yahoo answers (any quote at all, or a failure that is not a refusal: an
  unknown symbol, a timeout, the network down — those the feed handles as before);
- when every symbol is *refused* for ``grace`` seconds (0 for a one-shot command, so
  ``neotui quotes`` falls back within its run), asks the fallback sources in the order
  ``market.fallback`` lists them, each symbol from the first that has it;
- while on the fallback, asks Yahoo again every ``retry`` seconds; the first answer gives Yahoo
  the prices back;
- with ``forced`` (``market.source = "fallback"``, ``neotui quotes --source fallback``) never
  asks Yahoo for quotes.

A fallback quote is reused for ``fallback_interval`` seconds: it lags the market by 15 minutes,
so asking Cboe (one request per symbol) every 15 s would cost requests and show nothing new.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

from neotui.data.market.http import FailureKind, FetchError
from neotui.data.market.quote import Quote
from neotui.data.market.yahoo import YahooClient

#: How long Yahoo must refuse every symbol before the app takes prices elsewhere (a passing
#: 429 burst is Yahoo's normal throttling, which the feed's backoff rides out).
REFUSAL_GRACE = 180.0
#: While on the fallback, how often Yahoo is asked again.
YAHOO_RETRY = 300.0
#: How long a fallback quote is reused before its source is asked again.
FALLBACK_INTERVAL = 60.0
#: The fallback sources neotui knows, by ``market.fallback`` name.
FALLBACK_NAMES: tuple[str, ...] = ("cboe",)


class FallbackSource(Protocol):
    """A second source of quotes (``cboe.CboeClient``)."""

    name: str
    label: str
    delayed_minutes: int
    requests: int

    async def quotes(self, symbols: Sequence[str]) -> dict[str, Quote | FetchError]: ...

    async def aclose(self) -> None: ...


def is_refusal(result: Quote | FetchError) -> bool:
    """Whether Yahoo refused to answer (rather than failing to): 429, 401 that a new crumb did
    not cure, a consent page, 403, a web page instead of data. An unknown symbol, a timeout or
    an unreachable host is not a refusal."""
    if isinstance(result, Quote):
        return False
    return (
        result.kind in (FailureKind.RATE_LIMITED, FailureKind.AUTH)
        or result.status in (403, 429)
        or (result.kind is FailureKind.BAD_RESPONSE and "web page" in result.reason)
    )


class QuoteRouter:
    """Yahoo first; the fallback sources while Yahoo refuses every symbol (see the module)."""

    def __init__(
        self,
        yahoo: YahooClient,
        fallbacks: Sequence[FallbackSource] = (),
        *,
        forced: bool = False,
        grace: float = REFUSAL_GRACE,
        retry: float = YAHOO_RETRY,
        fallback_interval: float = FALLBACK_INTERVAL,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.yahoo = yahoo
        self.fallbacks = tuple(fallbacks)
        self.forced = forced and bool(self.fallbacks)
        self.grace = grace
        self.retry = retry
        self.fallback_interval = fallback_interval
        self._wall = wall
        self._refused_since: float | None = None
        self._refusal: str | None = None
        self.retry_at: float | None = None
        """When Yahoo is asked again (None while Yahoo gives the prices)."""
        self._kept: dict[str, tuple[float, Quote]] = {}

    @property
    def requests(self) -> int:
        """HTTP requests made by every source so far."""
        return self.yahoo.requests + sum(f.requests for f in self.fallbacks)

    @property
    def on_fallback(self) -> bool:
        """Whether prices come from a fallback source now."""
        return self.forced or self.retry_at is not None

    @property
    def prices_from(self) -> str | None:
        """What the status line says while prices come from elsewhere (None: from Yahoo)."""
        if not self.on_fallback:
            return None
        names = "/".join(f.label for f in self.fallbacks)
        delay = max(f.delayed_minutes for f in self.fallbacks)
        if self.forced:
            return f"prices from {names}, {delay} min delayed (asked for)"
        when = datetime.fromtimestamp(self.retry_at or 0, UTC).astimezone()
        return f"prices from {names}, {delay} min delayed (Yahoo refused; retry {when:%H:%M})"

    @property
    def note(self) -> str | None:
        """Why prices come from elsewhere (a toast, once), else the Yahoo client's note."""
        if self.on_fallback and not self.forced:
            # No time in it: the app shows a toast each time this text changes.
            names = "/".join(f.label for f in self.fallbacks)
            every = f"{self.retry / 60:g} min"
            return (f"Yahoo refused every quote ({self._refusal}): prices come from {names}, "
                    f"delayed, until Yahoo answers again (asked every {every})")  # fmt: skip
        return self.yahoo.batch_note

    async def quotes(self, symbols: Sequence[str]) -> dict[str, Quote | FetchError]:
        """Every symbol's quote or error, from Yahoo or the fallback (see the module)."""
        symbols = list(dict.fromkeys(symbols))
        now = self._wall()
        if self.forced:
            return await self._fallback(symbols, {})
        if self.retry_at is not None and now < self.retry_at:
            return await self._fallback(symbols, {})
        results = await self.yahoo.quotes(symbols)
        if not results:  # the chart path's budget is spent for this minute: nothing to judge
            return results
        refused = [r for r in results.values() if is_refusal(r)]
        if not self.fallbacks or len(refused) < len(results):
            self._refused_since = self.retry_at = self._refusal = None
            return results
        if self._refused_since is None:  # an episode starts: its first reason is the one told
            self._refused_since = now
            self._refusal = refused[0].reason if isinstance(refused[0], FetchError) else None
        if now - self._refused_since < self.grace:
            return results
        self.retry_at = now + self.retry
        return await self._fallback(symbols, results)

    async def _fallback(
        self, symbols: list[str], yahoo: dict[str, Quote | FetchError]
    ) -> dict[str, Quote | FetchError]:
        """Each symbol from the first fallback source that has it (a recent one reused); one
        that none has keeps Yahoo's error (with the last source's words), or the source's."""
        now = self._wall()
        out: dict[str, Quote | FetchError] = {}
        for symbol in symbols:
            kept = self._kept.get(symbol)
            if kept is not None and now - kept[0] < self.fallback_interval:
                out[symbol] = kept[1]
        for source in self.fallbacks:
            wanted = [s for s in symbols if not isinstance(out.get(s), Quote)]
            if not wanted:
                break
            for symbol, result in (await source.quotes(wanted)).items():
                if isinstance(result, Quote):
                    self._kept[symbol] = (now, result)
                out[symbol] = result
        for symbol in symbols:
            theirs, ours = out.get(symbol), yahoo.get(symbol)
            if isinstance(ours, FetchError) and not isinstance(theirs, Quote):
                also = f"; {theirs.reason}" if isinstance(theirs, FetchError) else ""
                out[symbol] = FetchError(ours.kind, ours.reason + also, ours.status)
        return {s: out[s] for s in symbols}

    async def aclose(self) -> None:
        """Close every source's session."""
        for source in self.fallbacks:
            await source.aclose()
