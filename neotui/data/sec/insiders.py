"""Insider trades: the watched companies' Form 3/4/5 filings, each document read once, cached.

Which filings: the insider forms (and their /A amendments) in the submissions the filings feed
already reads, filed within ``lookback_days``. Each one's raw XML is fetched through the same
:class:`~neotui.data.sec.client.SecClient` (contact User-Agent, the one token bucket, size cap,
deadline), parsed in a thread (:mod:`neotui.data.sec.form4`) and cached in the feeds store for
good (a filing never changes once accepted), so a document is fetched once in its life.

The budget, so that a burst of Form 4s never starves the filings feed: documents are fetched one
at a time (never more than one of them waits in the token bucket's queue, which serves in
order, so a filings request waits behind at most one Form 4), paced to ``rate`` requests a
second (half the SEC's 10 by default: the other half stays free for filings, facts and 8-Ks),
and at most ``per_round`` per round, newest first; the rest waits for the next round (every
filings check), and the pane says how many are still to read.

A document that fails (404, a web page, hostile or malformed XML) is remembered with its reason
and tried again after a day; the company's other trades stay, and the reasons are shown.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from neotui.data.sec.client import SecError, SecFailure
from neotui.data.sec.form4 import (
    MAX_FORM4,
    Form4Error,
    OwnershipDocument,
    Transaction,
    parse_ownership,
    xml_document,
)
from neotui.data.sec.insider_trades import (
    CompanyInsiders,
    DocumentState,
    apply_amendments,
)

if TYPE_CHECKING:
    from neotui.data.feeds_store import JsonStore
    from neotui.data.sec.client import SecClient
    from neotui.data.sec.feed import FilingsUpdate
    from neotui.data.sec.submissions import Filing

INSIDER_FORMS = frozenset({"3", "4", "5", "3/A", "4/A", "5/A"})
#: Bumped when the parser changes what it reads: cached documents of another version are read
#: again (a filing's XML never changes, what neotui makes of it can).
PARSER_VERSION = 1
#: A failed document is asked for again after this long.
RETRY_FAILED = 24 * 3600.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


def document_to_json(doc: OwnershipDocument) -> dict[str, Any]:
    """A parsed document in the cache's form (dates as ISO text)."""

    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(asdict(doc))  # type: ignore[no-any-return]


def document_from_json(d: Mapping[str, Any]) -> OwnershipDocument:
    """The inverse of :func:`document_to_json`; raises KeyError/ValueError/TypeError if damaged."""

    def day(v: Any) -> date | None:
        return date.fromisoformat(v) if v else None

    def num(v: Any) -> float | None:
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError("not a number")
        return float(v)

    txs = tuple(
        Transaction(
            **{
                **t,
                "day": day(t["day"]),
                "shares": num(t["shares"]),
                "price": num(t["price"]),
                "owned_after": num(t["owned_after"]),
                "price_low": num(t["price_low"]),
                "price_high": num(t["price_high"]),
                "notes": tuple(map(str, t["notes"])),
            }
        )
        for t in d["transactions"]
    )
    return OwnershipDocument(**{**d, "period": day(d["period"]), "transactions": txs,
                                "original_filed": day(d["original_filed"]),
                                "notes": tuple(map(str, d["notes"]))})  # fmt: skip


def insider_filings(filings: Iterable[Filing], since: date) -> list[Filing]:
    """The Form 3/4/5 filings (and amendments) filed on or after ``since``, newest first."""
    out = [f for f in filings if f.form.upper() in INSIDER_FORMS and f.filed >= since]
    out.sort(key=lambda f: f.sort_key, reverse=True)
    return out


def _key(cik: int, accession: str) -> str:
    return f"sec:form4:{cik}:{accession}"


class InsiderFeed:
    """Reads the watched companies' insider filings; ``client`` None means filings are off."""

    def __init__(
        self,
        symbols: Sequence[str],
        client: SecClient | None,
        store: JsonStore | None = None,
        *,
        lookback_days: int = 365,
        per_round: int = 40,
        rate: float = 5.0,
        clock: Callable[[], datetime] | None = None,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.symbols = tuple(dict.fromkeys(s.upper() for s in symbols))
        self.client = client
        self.store = store
        self.lookback_days = lookback_days
        self.per_round = per_round
        self.rate = rate
        self._clock = clock or _utcnow
        self._wall = wall
        self._sleep = sleep
        self._docs: dict[str, DocumentState] = {}  # by accession: read, or failed with a reason
        self._failed_at: dict[str, float] = {}
        self._last_request = 0.0
        self.companies = {s: CompanyInsiders(s) for s in self.symbols}
        self._last: tuple[FilingsUpdate, dict[str, list[Filing]]] | None = None
        self.requests = 0  # documents asked for (tests, the bench)

    def since(self) -> date:
        """The oldest filing day read."""
        return self._clock().date() - timedelta(days=self.lookback_days)

    async def refresh_once(
        self, update: FilingsUpdate, *, fetch: bool = True
    ) -> dict[str, CompanyInsiders]:
        """Read what is cached, then (``fetch``) up to ``per_round`` new documents, newest
        first across all companies; returns every company's trades and what is missing."""
        since = self.since()
        wanted: dict[str, list[Filing]] = {}
        for symbol in self.symbols:
            company = update.companies.get(symbol)
            wanted[symbol] = insider_filings(company.filings, since) if company else []
        await self._load_cached([f for fs in wanted.values() for f in fs])
        stop: SecError | None = None
        if fetch and self.client is not None:
            todo = sorted(
                (f for fs in wanted.values() for f in fs if self._due(f.accession)),
                key=lambda f: f.sort_key, reverse=True,
            )[: self.per_round]  # fmt: skip
            for filing in todo:
                try:
                    await self._fetch(filing)
                except SecError as exc:
                    if exc.kind in (SecFailure.REFUSED, SecFailure.THROTTLED,
                                    SecFailure.UNREACHABLE, SecFailure.TIMEOUT):  # fmt: skip
                        stop = exc  # asking again now only makes it worse
                        break
        self._last = (update, wanted)
        return self._assemble(stop.reason if stop else None, fetched=fetch)

    def _assemble(self, stop: str | None, *, fetched: bool) -> dict[str, CompanyInsiders]:
        """Every company's trades from the documents read so far, and what is missing."""
        if self._last is None:
            return dict(self.companies)
        update, wanted = self._last
        now = self._clock()
        for symbol, filings in wanted.items():
            states = [self._docs[f.accession] for f in filings if f.accession in self._docs]
            failed = {s.filing_accession: s.reason for s in states if s.reason}
            pending = sum(1 for f in filings if f.accession not in self._docs)
            company = update.companies.get(symbol)
            reason = stop
            if reason is None and company is not None and company.reason:
                reason = f"filings: {company.reason}"
            if self.client is None:
                reason = "SEC filings are off (no contact e-mail)"
            old = self.companies[symbol]
            self.companies[symbol] = CompanyInsiders(
                symbol, tuple(apply_amendments(symbol, states)),
                now if fetched else old.fetched_at, pending, failed, reason,
            )  # fmt: skip
        return dict(self.companies)

    def _due(self, accession: str) -> bool:
        state = self._docs.get(accession)
        if state is None:
            return True
        failed = self._failed_at.get(accession)
        return failed is not None and self._wall() - failed >= RETRY_FAILED

    async def _load_cached(self, filings: Sequence[Filing]) -> None:
        if self.store is None:
            return
        missing = [f for f in filings if f.accession not in self._docs]
        if missing:
            found = await asyncio.to_thread(self._read_store, missing)
            self._docs.update(found)

    def _read_store(self, filings: Sequence[Filing]) -> dict[str, DocumentState]:
        assert self.store is not None
        out: dict[str, DocumentState] = {}
        for f in filings:
            stored = self.store.get(_key(f.cik, f.accession))
            if stored is None or stored.meta.get("parser") != PARSER_VERSION:
                continue
            reason = stored.meta.get("reason")
            if isinstance(reason, str):
                out[f.accession] = DocumentState(f.accession, f.form, f.filed, reason=reason)
                self._failed_at[f.accession] = stored.saved
                continue
            try:
                doc = document_from_json(stored.body)
            except (KeyError, ValueError, TypeError):
                continue  # damaged: read again
            out[f.accession] = DocumentState(f.accession, f.form, f.filed, doc)
        return out

    async def _pace(self) -> None:
        """At most ``rate`` document requests a second, whatever the token bucket allows."""
        gap = 1.0 / self.rate - (time.monotonic() - self._last_request)
        if gap > 0:
            await self._sleep(gap)
        self._last_request = time.monotonic()

    async def _fetch(self, filing: Filing) -> None:
        assert self.client is not None
        folder = f"{self.client.archives_url}/Archives/edgar/data/{filing.cik}/" + (
            filing.accession.replace("-", "")
        )
        # Without a primary document the full submission text holds the XML too.
        name = xml_document(filing.document) if filing.document else f"{filing.accession}.txt"
        await self._pace()
        self.requests += 1
        try:
            _, body = await self.client.document(f"{folder}/{name}", MAX_FORM4)
            doc = await asyncio.to_thread(parse_ownership, body)
        except SecError as exc:
            if exc.kind not in (SecFailure.NOT_FOUND, SecFailure.BAD_RESPONSE, SecFailure.SERVER):
                raise
            await self._failed(filing, exc.reason)
            return
        except Form4Error as exc:
            await self._failed(filing, f"{name}: {exc}")
            return
        self._docs[filing.accession] = DocumentState(filing.accession, filing.form, filing.filed,
                                                     doc)  # fmt: skip
        self._failed_at.pop(filing.accession, None)
        if self.store is not None:
            await asyncio.to_thread(self.store.put, _key(filing.cik, filing.accession),
                                    document_to_json(doc), {"parser": PARSER_VERSION})  # fmt: skip

    async def _failed(self, filing: Filing, reason: str) -> None:
        old = self._docs.get(filing.accession)
        if old is not None and old.document is not None:
            return  # a good document read before stays
        self._docs[filing.accession] = DocumentState(
            filing.accession, filing.form, filing.filed, reason=reason
        )
        self._failed_at[filing.accession] = self._wall()
        if self.store is not None:
            await asyncio.to_thread(self.store.put, _key(filing.cik, filing.accession), {},
                                    {"parser": PARSER_VERSION, "reason": reason})  # fmt: skip

    def give_up(self, reason: str) -> dict[str, CompanyInsiders]:
        """After a round was cut short (a command's deadline): what was read so far, and each
        company with documents left unread says ``reason``."""
        self._assemble(None, fetched=True)
        for symbol, c in self.companies.items():
            if c.pending:
                self.companies[symbol] = replace(c, reason=reason)
        return dict(self.companies)
