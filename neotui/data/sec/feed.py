"""The filings feed: the watched listed providers' SEC filings, on a schedule, cached.

Ticker -> CIK comes from the SEC's tickers table, kept a week; then one conditional
``submissions`` request per company (a 304 costs the SEC nothing). Checks run every
``market_interval`` from 04:00 to 20:00 New York time on weekdays (8-Ks are mostly filed around
the close) and every ``closed_interval`` otherwise. A failure keeps the company's last good
filings with their age and says why; without a contact e-mail nothing is ever sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from neotui.data.feeds_store import JsonStore
from neotui.data.market.quote import Session, us_session
from neotui.data.sec.client import CONTACT_HINT, SecClient, SecError, SecFailure
from neotui.data.sec.submissions import (
    Filing,
    SubmissionsFormatError,
    cik_variants,
    form_matches,
    parse_submissions,
    parse_tickers,
)

TICKERS_KEY = "sec:tickers"
TICKERS_TTL = 7 * 24 * 3600.0
#: Filings kept per company: EDGAR's recent page holds up to 1,000; the screen needs a few dozen.
KEEP = 200
NOT_REGISTERED = "not in the SEC's ticker table (no SEC filings)"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CompanyFilings:
    """One watched symbol's filings as last fetched, and what went wrong since, if anything."""

    symbol: str
    cik: int | None = None
    name: str | None = None
    filings: tuple[Filing, ...] = ()
    fetched_at: datetime | None = None
    reason: str | None = None

    @property
    def stale(self) -> bool:
        """The filings shown are not from the latest attempt."""
        return self.reason is not None


@dataclass(frozen=True)
class FilingsUpdate:
    """What the feed knows now. ``disabled`` is the one line saying how to turn filings on."""

    companies: Mapping[str, CompanyFilings] = field(default_factory=dict)
    disabled: str | None = None
    last_refresh: datetime | None = None
    last_result: str | None = None
    next_refresh: datetime | None = None
    warning: str | None = None

    def filings(
        self,
        symbols: Iterable[str] | None = None,
        forms: Sequence[str] = ("all",),
        since: date | None = None,
    ) -> list[Filing]:
        """Filings of ``symbols`` (all by default), matching ``forms``, newest first."""
        wanted = set(symbols) if symbols is not None else None
        out = [
            f
            for c in self.companies.values()
            if wanted is None or c.symbol in wanted
            for f in c.filings
            if form_matches(f.form, forms) and (since is None or f.filed >= since)
        ]
        out.sort(key=lambda f: f.sort_key, reverse=True)
        return out


def filing_to_json(f: Filing) -> dict[str, Any]:
    """A filing in the cache's own compact form."""
    return {
        "cik": f.cik, "symbol": f.symbol, "form": f.form, "filed": f.filed.isoformat(),
        "accession": f.accession, "accepted": f.accepted.isoformat() if f.accepted else None,
        "items": f.items, "document": f.document, "description": f.description,
        "report_date": f.report_date.isoformat() if f.report_date else None,
    }  # fmt: skip


def filing_from_json(d: Mapping[str, Any]) -> Filing:
    """The inverse of :func:`filing_to_json`; raises KeyError/ValueError/TypeError if damaged."""
    accepted = datetime.fromisoformat(d["accepted"]) if d.get("accepted") else None
    return Filing(
        cik=int(d["cik"]), symbol=str(d["symbol"]), form=str(d["form"]),
        filed=date.fromisoformat(d["filed"]), accession=str(d["accession"]), accepted=accepted,
        items=str(d.get("items") or ""), document=str(d.get("document") or ""),
        description=str(d.get("description") or ""),
        report_date=date.fromisoformat(d["report_date"]) if d.get("report_date") else None,
    )  # fmt: skip


class FilingsFeed:
    """Fetches the watched symbols' filings; ``client`` None means filings are off."""

    def __init__(
        self,
        symbols: Sequence[str],
        client: SecClient | None,
        store: JsonStore | None = None,
        *,
        market_interval: float = 600.0,
        closed_interval: float = 3600.0,
        clock: Callable[[], datetime] = _utcnow,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.symbols = tuple(dict.fromkeys(s.upper() for s in symbols))
        self.client = client
        self.store = store
        self.market_interval = market_interval
        self.closed_interval = closed_interval
        self._clock = clock
        self._wall = wall
        self._companies = {s: CompanyFilings(s) for s in self.symbols}
        self._tickers: dict[str, int] | None = None
        self._tickers_saved = 0.0
        self._before: dict[str, CompanyFilings] = {}  # the companies as the check began
        self._wake = asyncio.Event()
        self.last_refresh: datetime | None = None
        self.last_result: str | None = None
        self.next_refresh: datetime | None = None

    @property
    def disabled(self) -> str | None:
        """Why filings are off (None when on)."""
        return CONTACT_HINT if self.client is None else None

    def snapshot(self) -> FilingsUpdate:
        """The current state."""
        return FilingsUpdate(
            companies=dict(self._companies),
            disabled=self.disabled,
            last_refresh=self.last_refresh,
            last_result=self.last_result,
            next_refresh=self.next_refresh,
            warning=self.store.warning if self.store else None,
        )

    def interval(self, now: datetime | None = None) -> float:
        """Seconds to the next check: short from pre-market to after-hours, long otherwise."""
        session, _ = us_session(now or self._clock())
        return self.closed_interval if session is Session.CLOSED else self.market_interval

    # --- the cache ------------------------------------------------------------------------------

    def load_cached(self) -> FilingsUpdate:
        """Fill from the cache (no network): shown at once, with the age they were saved at."""
        if self.store is not None:
            for symbol in self.symbols:
                stored = self.store.get(f"sec:filings:{symbol}")
                if stored is None:
                    continue
                try:
                    filings = tuple(filing_from_json(d) for d in stored.body)
                except (KeyError, ValueError, TypeError):
                    continue  # a damaged row is refetched, not shown
                meta = stored.meta
                self._companies[symbol] = CompanyFilings(
                    symbol, meta.get("cik"), meta.get("name"), filings,
                    datetime.fromtimestamp(stored.saved, UTC), reason="cached",
                )  # fmt: skip
        return self.snapshot()

    # --- fetching -------------------------------------------------------------------------------

    async def _ticker_table(self) -> tuple[dict[str, int] | None, str | None]:
        now = self._wall()
        if self._tickers is not None and now - self._tickers_saved < TICKERS_TTL:
            return self._tickers, None
        stored = await asyncio.to_thread(self.store.get, TICKERS_KEY) if self.store else None
        if stored is not None and isinstance(stored.body, dict):
            self._tickers, self._tickers_saved = stored.body, stored.saved
            if now - stored.saved < TICKERS_TTL:
                return self._tickers, None
        assert self.client is not None
        try:
            response = await self.client.tickers()
            table = parse_tickers(response.body)
        except SecError as exc:
            return self._tickers, f"ticker table: {exc.reason}"  # last week's is still good
        except SubmissionsFormatError as exc:
            return self._tickers, f"ticker table: {exc}"
        self._tickers, self._tickers_saved = table, now
        if self.store is not None:
            await asyncio.to_thread(self.store.put, TICKERS_KEY, table)
        return table, None

    def give_up(self, reason: str) -> FilingsUpdate:
        """After a check was cut short (a command's deadline): every company not checked in it
        keeps its cached filings and says ``reason``."""
        for symbol, company in self._companies.items():
            if company is self._before.get(symbol):  # not touched by the cut-short check
                self._companies[symbol] = replace(company, reason=reason)
        self.last_result = reason
        return self.snapshot()

    async def refresh_once(self) -> FilingsUpdate:
        """Check every watched symbol once (no request at all when filings are off)."""
        self._before = dict(self._companies)
        if self.client is None:
            return self.snapshot()
        table, problem = await self._ticker_table()
        ok = failed = 0
        stop: SecError | None = None
        for symbol in self.symbols:
            old = self._companies[symbol]
            if table is None:
                self._companies[symbol] = replace(old, reason=problem)
                failed += 1
                continue
            cik = next((table[v] for v in cik_variants(symbol) if v in table), None)
            if cik is None:
                self._companies[symbol] = CompanyFilings(symbol, reason=NOT_REGISTERED)
                continue
            if stop is not None:  # refused or throttled: asking again now only makes it worse
                self._companies[symbol] = replace(old, cik=cik, reason=stop.reason)
                failed += 1
                continue
            try:
                await self._fetch_company(symbol, cik)
                ok += 1
            except SecError as exc:
                self._companies[symbol] = replace(old, cik=cik, reason=exc.reason)
                failed += 1
                # A timeout counts too: a hung SEC would otherwise cost a deadline per company.
                if exc.kind in (SecFailure.REFUSED, SecFailure.THROTTLED, SecFailure.UNREACHABLE,
                                SecFailure.TIMEOUT):  # fmt: skip
                    stop = exc
        self.last_refresh = self._clock()
        self.last_result = f"{ok}/{ok + failed} ok" + (f", {failed} failed" if failed else "")
        if problem and table is not None:
            self.last_result += f" ({problem}; using the cached table)"
        return self.snapshot()

    async def _fetch_company(self, symbol: str, cik: int) -> None:
        assert self.client is not None
        key = f"sec:filings:{symbol}"
        old = self._companies[symbol]
        stored = await asyncio.to_thread(self.store.get, key) if self.store else None
        meta = stored.meta if stored is not None and old.filings else {}
        if meta.get("cik") != cik:
            meta = {}  # the symbol moved to another company: fetch in full
        response = await self.client.submissions(
            cik, etag=meta.get("etag"), last_modified=meta.get("last_modified")
        )
        now = self._clock()
        if response.not_modified:
            self._companies[symbol] = replace(old, cik=cik, fetched_at=now, reason=None)
            if self.store is not None:
                await asyncio.to_thread(self.store.touch, key)
            return
        try:
            filings = tuple(parse_submissions(response.body, symbol, cik)[:KEEP])
        except SubmissionsFormatError as exc:
            raise SecError(SecFailure.BAD_RESPONSE, f"SEC: {exc}") from None
        name = response.body.get("name") if isinstance(response.body, dict) else None
        name = name if isinstance(name, str) else old.name
        self._companies[symbol] = CompanyFilings(symbol, cik, name, filings, now)
        if self.store is not None:
            meta = {"cik": cik, "name": name, "etag": response.etag,
                    "last_modified": response.last_modified}  # fmt: skip
            body = [filing_to_json(f) for f in filings]
            await asyncio.to_thread(self.store.put, key, body, meta)

    # --- the loop -------------------------------------------------------------------------------

    def request_refresh(self) -> None:
        """Check now instead of at the next scheduled time."""
        self._wake.set()

    async def run(self, publish: Callable[[FilingsUpdate], object]) -> None:
        """Check, publish, wait, forever (until cancelled). Publishes once even when off."""
        while True:
            self._wake.clear()
            update = await self.refresh_once()
            if self.client is None:
                publish(update)
                return
            delay = self.interval()
            self.next_refresh = self._clock() + timedelta(seconds=delay)
            publish(self.snapshot())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
