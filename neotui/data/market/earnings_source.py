"""Fetching earnings calendars, short interest and implied moves, at most every 12 hours.

One ``quoteSummary`` request per symbol asks both modules (``calendarEvents`` and
``defaultKeyStatistics``); one options request (two when the first expiry Yahoo sends is not
after the report) gives the straddle. Both need the crumb, through the quotes' own client and
session, and both answers are kept in the quote cache, so a restart shows them with their age
and asks again only when they are 12 hours old. Symbols go one at a time: these are a handful
of requests twice a day, and they must never crowd the quote refresh.

A failure keeps the last good answer and records why (a 404 "No fundamentals data" for a crypto
pair is an answer: the symbol has no calendar and no short interest).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from neotui.data.market.earnings import (
    Earnings,
    ShortInterest,
    Summary,
    SummaryError,
    combine,
    from_quote,
    parse_summary,
)
from neotui.data.market.http import FailureKind, FetchError
from neotui.data.market.options import (
    ImpliedMove,
    OptionsError,
    expiry_after,
    implied_move,
    parse_chain,
)
from neotui.data.market.quote import Quote
from neotui.data.symbols import url_symbol

if TYPE_CHECKING:
    from neotui.data.market.cache import QuoteCache
    from neotui.data.market.yahoo import YahooClient

#: The shortest wait between two quoteSummary (or options) requests for one symbol: short
#: interest is published twice a month and earnings dates move rarely.
MIN_INTERVAL = 12 * 3600.0
MODULES = "calendarEvents,defaultKeyStatistics"


@dataclass(frozen=True, slots=True)
class Outlook:
    """What is known about one symbol beyond its price: calendar and short interest, the
    implied move, and why the last attempt failed (the last good answers stay)."""

    summary: Summary | None = None
    implied: ImpliedMove | None = None
    error: str | None = None
    before: ImpliedMove | None = None
    """The implied move measured for an earlier expiry, kept when a newer one replaced it: after
    a report, the move expected before it, read against the actual move."""

    def earnings(self, symbol: str, quote: Quote | None, now: datetime) -> Earnings:
        """Next and last earnings from the quote's fields and the calendar."""
        return combine(symbol, from_quote(quote) if quote else None, self.summary, now)

    @property
    def short(self) -> ShortInterest | None:
        """The short interest of the last answer, if any."""
        return self.summary.short if self.summary else None


def implied_for(earnings: Earnings, implied: ImpliedMove | None) -> ImpliedMove | None:
    """The implied move if it was measured for this report (an expiry after it), else None."""
    if implied is None or implied.move is None or implied.expiry is None:
        return None
    if earnings.next_date is None or implied.expiry <= earnings.next_date:
        return None
    return implied


def implied_before(last: datetime | None, outlook: Outlook | None) -> ImpliedMove | None:
    """The implied move measured before the report at ``last`` for an expiry after it."""
    if last is None or outlook is None:
        return None
    day = last.date()
    for implied in (outlook.implied, outlook.before):
        if (
            implied is not None
            and implied.move is not None
            and implied.expiry is not None
            and implied.fetched_at < last
            and implied.expiry > day
        ):
            return implied
    return None


async def _get(client: YahooClient, path: str, params: dict[str, str]) -> Any:
    """GET with the crumb; one new crumb after a 401; Yahoo's JSON error bodies on 404 are
    returned (they say why), not raised."""
    from neotui.data.market.yahoo import _decode

    for attempt in (1, 2):
        crumb = await client.crumbs.crumb()
        response = await client.request(path, {**params, "crumb": crumb})
        if response.status == 404 and b"error" in response.content[:400]:
            response = type(response)(200, response.content, response.headers, response.url)
        try:
            return _decode(response)
        except FetchError as exc:
            if exc.kind is FailureKind.AUTH and attempt == 1:
                client.crumbs.invalidate()
                continue
            raise
    raise AssertionError("unreachable")


async def fetch_summary(client: YahooClient, symbol: str, now: datetime) -> Summary:
    """Calendar and short interest of ``symbol`` (one request, both modules).

    Raises:
        FetchError: for every failure, classified (Yahoo's own error says why).
    """
    path = f"/v10/finance/quoteSummary/{url_symbol(symbol)}"
    body = await _get(client, path, {"modules": MODULES, "formatted": "false"})
    try:
        return parse_summary(body, symbol, now)
    except SummaryError as exc:
        if "No fundamentals data" in str(exc):
            return Summary(
                symbol,
                now,
                None,
                "Yahoo has no earnings calendar for this symbol",
                ShortInterest(symbol, now, note="Yahoo has no short interest for this symbol"),
            )
        raise FetchError(FailureKind.BAD_RESPONSE, str(exc)) from None


async def fetch_implied(
    client: YahooClient, symbol: str, earnings: Earnings, price: float | None, now: datetime
) -> ImpliedMove:
    """The straddle of the first expiry after the next report (a second request when the
    expiry Yahoo sends first is not that one).

    Raises:
        FetchError: for every failure of the requests.
    """
    if earnings.next_date is None:
        return ImpliedMove(symbol, now, note="no next earnings date")
    report = earnings.next.end.date() if earnings.next else earnings.next_date
    path = f"/v7/finance/options/{url_symbol(symbol)}"
    try:
        chain = parse_chain(await _get(client, path, {"formatted": "false"}), symbol)
        target = expiry_after(chain.expirations, report)
        if target is None:
            return ImpliedMove(symbol, now, note="no listed expiry after the report")
        if chain.expiry != target:
            params = {"formatted": "false", "date": str(int(target.timestamp()))}
            chain = parse_chain(await _get(client, path, params), symbol)
            if chain.expiry is None or chain.expiry.date() != target.date():
                return ImpliedMove(
                    symbol, now, expiry=target.date(), note="Yahoo sent no chain for that expiry"
                )
    except OptionsError as exc:
        return ImpliedMove(symbol, now, note=str(exc))
    return implied_move(chain, price, now)


@dataclass
class EarningsSource:
    """Keeps each symbol's :class:`Outlook`, fetching what is due (at most every 12 hours)."""

    client: YahooClient
    cache: QuoteCache | None = None
    interval: float = MIN_INTERVAL
    options: bool = True
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    outlooks: dict[str, Outlook] = field(default_factory=dict)
    _tried: dict[str, datetime] = field(default_factory=dict)

    def load_cached(self) -> dict[str, Outlook]:
        """The stored answers (no network), each with its own ``fetched_at``."""
        if self.cache is not None:
            implied = self.cache.load_implied()
            for symbol, summary in self.cache.load_summaries().items():
                self.outlooks[symbol] = Outlook(
                    summary, implied.get(symbol), before=implied.get(f"{symbol}|before")
                )
        return dict(self.outlooks)

    def due(self, symbol: str, now: datetime) -> bool:
        """Whether ``symbol`` may be asked again: its last attempt, good or bad, is old enough
        (a failure is not retried at every quote refresh)."""
        outlook = self.outlooks.get(symbol)
        last = self._tried.get(symbol) or (
            outlook.summary.fetched_at if outlook and outlook.summary else None
        )
        return last is None or now - last >= timedelta(seconds=self.interval)

    async def refresh(
        self, symbols: Sequence[str], quotes: Mapping[str, Quote | None]
    ) -> dict[str, Outlook]:
        """Fetch every due symbol, one at a time; returns those whose outlook changed."""
        changed: dict[str, Outlook] = {}
        for symbol in symbols:
            now = self.clock()
            if not self.due(symbol, now):
                continue
            self._tried[symbol] = now
            outlook = await self._one(symbol, quotes.get(symbol), now)
            self.outlooks[symbol] = changed[symbol] = outlook
        return changed

    async def _one(self, symbol: str, quote: Quote | None, now: datetime) -> Outlook:
        old = self.outlooks.get(symbol, Outlook())
        try:
            summary = await fetch_summary(self.client, symbol, now)
        except FetchError as exc:
            return replace(old, error=exc.reason)
        implied = old.implied
        if self.options:
            earnings = combine(symbol, from_quote(quote) if quote else None, summary, now)
            try:
                price = quote.price if quote else None
                implied = await fetch_implied(self.client, symbol, earnings, price, now)
            except FetchError as exc:
                implied = ImpliedMove(symbol, now, note=f"options: {exc.reason}")
        before = old.before
        if (
            old.implied is not None
            and old.implied.move is not None
            and (implied is None or implied.expiry != old.implied.expiry)
        ):
            before = old.implied  # measured for an earlier report: kept for its actual move
        if self.cache is not None:
            await asyncio.to_thread(self.cache.save_outlook, summary, implied, before)
        return Outlook(summary, implied, before=before)
