"""The filings feed: the watched listed providers' SEC filings, on a schedule, cached.

Ticker -> CIK comes from the SEC's tickers table, kept a week; then one conditional
``submissions`` request per company (a 304 costs the SEC nothing). Checks run every
``market_interval`` from 04:00 to 20:00 New York time on weekdays (8-Ks are mostly filed around
the close) and every ``closed_interval`` otherwise. A failure keeps the company's last good
filings with their age and says why; without a contact e-mail nothing is ever sent.

Nothing is cut silently: each page keeps the newest :data:`KEEP_PER_FORM` filings *of each form*
(a single cap let NVIDIA's Form 4s push its 8-Ks out) and records what it dropped; older pages
(``filings.files``) are read only when a caller asks for filings older than the recent page
covers (``neotui filings --since``), and each company says how far back its listing is complete
and, when that is short of what was asked, why.
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
    Cut,
    Filing,
    OlderPage,
    SubmissionsFormatError,
    cik_variants,
    form_matches,
    keep_per_form,
    older_pages,
    parse_submissions,
    parse_tickers,
)

TICKERS_KEY = "sec:tickers"
TICKERS_TTL = 7 * 24 * 3600.0
#: Filings kept of each form on each page (recent or older): a year of daily 8-Ks. EDGAR's recent
#: page holds at least a year or 1,000 filings; only Form 4s and 144s come near this in practice.
KEEP_PER_FORM = 250
#: Filings kept of one page in all, whatever the forms: the bound a hostile page meets.
KEEP_PER_PAGE = 2000
#: Older pages read for one company in one run (EDGAR's hold 1,000-2,000 filings each).
MAX_OLDER_PAGES = 5
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
    #: The listing holds every filing (of the forms kept) from this day on; None: from the
    #: company's first filing (no older page left unread).
    reach: date | None = None
    #: Why the listing stops at ``reach`` when older filings were asked for (None: not asked,
    #: or nothing went wrong).
    reach_reason: str | None = None
    #: Filings dropped by the per-form keep, by form.
    cut: Mapping[str, Cut] = field(default_factory=dict)

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


def _cut_to_json(cut: Mapping[str, Cut]) -> dict[str, list[Any]]:
    return {form: [c.count, c.newest.isoformat()] for form, c in cut.items()}


def _cut_from_json(value: Any) -> dict[str, Cut]:
    """The cache's cut record; a damaged one reads as "nothing cut" rather than failing."""
    out: dict[str, Cut] = {}
    if isinstance(value, dict):
        for form, pair in value.items():
            with contextlib.suppress(TypeError, ValueError, IndexError):
                out[str(form)] = Cut(int(pair[0]), date.fromisoformat(pair[1]))
    return out


def _merge_cuts(a: Mapping[str, Cut], b: Mapping[str, Cut]) -> dict[str, Cut]:
    out = dict(a)
    for form, c in b.items():
        old = out.get(form)
        out[form] = Cut(old.count + c.count, max(old.newest, c.newest)) if old else c
    return out


def _pages_to_json(pages: Sequence[OlderPage]) -> list[list[Any]]:
    return [[p.name, p.count, p.filed_from and p.filed_from.isoformat(),
             p.filed_to and p.filed_to.isoformat()] for p in pages]  # fmt: skip


def _pages_from_json(value: Any) -> tuple[OlderPage, ...]:
    """The older pages stored with a company's recent page (the body's ``filings.files``)."""
    body = {"filings": {"files": [
        {"name": v[0], "filingCount": v[1], "filingFrom": v[2], "filingTo": v[3]}
        for v in value if isinstance(v, list) and len(v) == 4
    ]}} if isinstance(value, list) else {}  # fmt: skip
    return older_pages(body)  # checked again: the cache is a file anyone could edit


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


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
        self._history_pending: set[str] = set()  # older pages being read (for give_up)
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
                # A row from before per-form keeping has no "pages": complete only as far
                # back as it goes.
                oldest = min((f.filed for f in filings), default=None)
                reach = _day(meta.get("reach")) if "pages" in meta else oldest
                self._companies[symbol] = CompanyFilings(
                    symbol, meta.get("cik"), meta.get("name"), filings,
                    datetime.fromtimestamp(stored.saved, UTC), reason="cached", reach=reach,
                    cut=_cut_from_json(meta.get("cut")),
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
            elif symbol in self._history_pending:  # its older pages were being read
                self._companies[symbol] = replace(company, reach_reason=reason)
        self._history_pending.clear()
        self.last_result = reason
        return self.snapshot()

    async def refresh_once(self, since: date | None = None) -> FilingsUpdate:
        """Check every watched symbol once (no request at all when filings are off).

        ``since``: also read the older pages of every company whose recent page does not reach
        back to that day (at most :data:`MAX_OLDER_PAGES` each), so the listing is complete
        from ``since`` on, or its ``reach_reason`` says why not.
        """
        self._before = dict(self._companies)
        self._history_pending.clear()
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
                pages = await self._fetch_company(symbol, cik)
                ok += 1
                if since is not None:
                    stop = await self._fetch_history(symbol, cik, since, pages)
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

    async def _fetch_company(self, symbol: str, cik: int) -> tuple[OlderPage, ...]:
        """The recent page (conditional on the cached one); returns the older pages it lists."""
        assert self.client is not None
        key = f"sec:filings:{symbol}"
        old = self._companies[symbol]
        stored = await asyncio.to_thread(self.store.get, key) if self.store else None
        meta = stored.meta if stored is not None and old.filings else {}
        if meta.get("cik") != cik or "pages" not in meta:
            meta = {}  # another company now, or cached before pages were kept: fetch in full
        response = await self.client.submissions(
            cik, etag=meta.get("etag"), last_modified=meta.get("last_modified")
        )
        now = self._clock()
        if response.not_modified:
            self._companies[symbol] = replace(
                old, cik=cik, fetched_at=now, reason=None, reach_reason=None
            )
            if self.store is not None:
                await asyncio.to_thread(self.store.touch, key)
            return _pages_from_json(meta.get("pages"))
        try:
            parsed = parse_submissions(response.body, symbol, cik)
        except SubmissionsFormatError as exc:
            raise SecError(SecFailure.BAD_RESPONSE, f"SEC: {exc}") from None
        filings, cut = keep_per_form(parsed, KEEP_PER_FORM, KEEP_PER_PAGE)
        pages = older_pages(response.body)
        reach = min((f.filed for f in parsed), default=None) if pages else None
        name = response.body.get("name") if isinstance(response.body, dict) else None
        name = name if isinstance(name, str) else old.name
        self._companies[symbol] = CompanyFilings(
            symbol, cik, name, filings, now, reach=reach, cut=cut
        )
        if self.store is not None:
            meta = {"cik": cik, "name": name, "etag": response.etag,
                    "last_modified": response.last_modified, "pages": _pages_to_json(pages),
                    "reach": reach and reach.isoformat(), "cut": _cut_to_json(cut)}  # fmt: skip
            body = [filing_to_json(f) for f in filings]
            await asyncio.to_thread(self.store.put, key, body, meta)
        return pages

    async def _fetch_history(
        self, symbol: str, cik: int, since: date, pages: Sequence[OlderPage]
    ) -> SecError | None:
        """Read the older pages that can hold filings from ``since`` on, newest first, into the
        company's listing. Returns a refusal or throttling, which stops the whole round."""
        company = self._companies[symbol]
        reach = company.reach
        if reach is None or since >= reach:
            return None  # the recent page already reaches back that far
        wanted = [p for p in pages if p.filed_to is None or p.filed_to >= since]
        self._history_pending.add(symbol)
        seen = {f.accession for f in company.filings}
        reason: str | None = None
        stop: SecError | None = None
        for i, page in enumerate(wanted):
            if i == MAX_OLDER_PAGES:
                reason = f"read {MAX_OLDER_PAGES} older pages, the most read in one run"
                break
            try:
                filings, cut, oldest = await self._fetch_page(symbol, cik, page)
            except SecError as exc:
                reason = f"older page {page.name}: {exc.reason}"
                if exc.kind in (SecFailure.REFUSED, SecFailure.THROTTLED):
                    stop = exc
                break
            new = tuple(f for f in filings if f.accession not in seen)
            seen.update(f.accession for f in new)
            reach = min(reach, oldest) if oldest is not None else reach
            company = replace(company, filings=company.filings + new, reach=reach,
                              cut=_merge_cuts(company.cut, cut))  # fmt: skip
            self._companies[symbol] = company
        else:
            # Every page that can hold a filing from `since` on is read; none older is left
            # when all were wanted.
            company = replace(company, reach=None if len(wanted) == len(pages) else since)
        self._companies[symbol] = replace(company, reach_reason=reason)
        self._history_pending.discard(symbol)
        return stop

    async def _fetch_page(
        self, symbol: str, cik: int, page: OlderPage
    ) -> tuple[tuple[Filing, ...], dict[str, Cut], date | None]:
        """One older page, cached and asked for conditionally like the recent one: its kept
        filings, what the per-form keep dropped, and its oldest filing day."""
        assert self.client is not None
        key = f"sec:filings:{symbol}:{page.name}"
        stored = await asyncio.to_thread(self.store.get, key) if self.store else None
        meta = stored.meta if stored is not None and stored.meta.get("cik") == cik else {}
        response = await self.client.submissions_page(
            page.name, etag=meta.get("etag"), last_modified=meta.get("last_modified")
        )
        if response.not_modified and stored is not None and meta:
            try:
                filings = tuple(filing_from_json(d) for d in stored.body)
            except (KeyError, ValueError, TypeError):
                response = await self.client.submissions_page(page.name)  # damaged: in full
            else:
                if self.store is not None:
                    await asyncio.to_thread(self.store.touch, key)
                return filings, _cut_from_json(meta.get("cut")), _day(meta.get("oldest"))
        try:
            parsed = parse_submissions(response.body, symbol, cik)
        except SubmissionsFormatError as exc:
            raise SecError(SecFailure.BAD_RESPONSE, f"SEC: {exc}") from None
        filings, cut = keep_per_form(parsed, KEEP_PER_FORM, KEEP_PER_PAGE)
        oldest = min((f.filed for f in parsed), default=None)
        if self.store is not None:
            meta = {"cik": cik, "etag": response.etag, "last_modified": response.last_modified,
                    "oldest": oldest and oldest.isoformat(), "cut": _cut_to_json(cut)}  # fmt: skip
            body = [filing_to_json(f) for f in filings]
            await asyncio.to_thread(self.store.put, key, body, meta)
        return filings, cut, oldest

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
