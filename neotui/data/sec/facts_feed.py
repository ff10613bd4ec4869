"""Company facts on a schedule, cached: fetched when a company files a periodic report.

Facts change only when a company files a 10-Q, 10-K, 20-F or 6-K, and the filings feed already
watches for those; so a company's facts are fetched when its newest periodic filing is newer
than the cached facts, and otherwise at most weekly (a 4 MB body for nothing is rude to the SEC
and slow). The reduced facts (a few kilobytes) are cached in SQLite, so a restart shows them at
once with their age; a failure keeps the last good facts with the reason.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from neotui.data.sec.client import CONTACT_HINT, SecClient, SecError, SecFailure, SecResponse
from neotui.data.sec.facts import CompanyFacts, Fact, FactsFormatError, reduce_facts
from neotui.data.sec.feed import FilingsUpdate
from neotui.data.sec.submissions import Filing, form_matches
from neotui.data.storage import Cache, Schema, Store

#: At most this often without a new periodic report.
FACTS_TTL = 7 * 24 * 3600.0
#: The filings that change a company's facts.
PERIODIC_FORMS = ("10-Q", "10-K", "20-F", "6-K", "10-Q/A", "10-K/A", "20-F/A", "40-F")

SCHEMA = Schema(
    version=1,
    script="""
CREATE TABLE IF NOT EXISTS company_facts (
    symbol TEXT PRIMARY KEY, body TEXT NOT NULL, meta TEXT NOT NULL, saved REAL NOT NULL
);
""",
)


def no_facts(cik: int) -> CompanyFacts:
    """What a 404 from companyfacts says: the SEC holds no XBRL facts for this company.

    data.sec.gov serves companyfacts from S3, and a CIK without a file gets S3's XML 404
    (``NoSuchKey``), as for submissions; edgartools reads that 404 as "no company facts found".
    The company exists (the filings check resolved its CIK): it has not filed XBRL financial
    statements yet (a new registrant, a foreign filer before its first 20-F), or the SEC has not
    built its file. That is an answer, not a fault: it is cached and asked again on the facts'
    schedule (a new periodic report, or a week), never at every filings check.
    """
    return CompanyFacts(cik, "", (), (
        f"the SEC holds no XBRL company facts for CIK {cik} (404): no XBRL financial statements "
        "filed yet, or not yet published by the SEC",
    ))  # fmt: skip


def facts_to_json(cf: CompanyFacts) -> dict[str, Any]:
    """The reduced facts in the cache's form (dates as ISO text)."""
    facts = [{k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(f).items()}
             for f in cf.facts]  # fmt: skip
    return {"cik": cf.cik, "name": cf.name, "facts": facts, "notes": list(cf.notes)}


def facts_from_json(d: Mapping[str, Any]) -> CompanyFacts:
    """The inverse of :func:`facts_to_json`; raises KeyError/ValueError/TypeError if damaged."""
    facts = []
    for f in d["facts"]:
        start = date.fromisoformat(f["start"]) if f.get("start") else None
        fields = {**f, "start": start, "end": date.fromisoformat(f["end"]),
                  "filed": date.fromisoformat(f["filed"]), "value": float(f["value"])}  # fmt: skip
        facts.append(Fact(**fields))
    return CompanyFacts(int(d["cik"]), str(d["name"]), tuple(facts), tuple(map(str, d["notes"])))


class FactsStore(Cache):
    """The reduced facts by symbol, with the HTTP validators and when they were saved."""

    def __init__(self, path: Path, *, store: Store | None = None) -> None:
        super().__init__(store or Store(path, SCHEMA))

    def get(self, symbol: str) -> tuple[CompanyFacts, dict[str, Any], float] | None:
        """The cached facts, their side data and save time (None if absent or damaged)."""
        rows = self.store.read(
            "SELECT body, meta, saved FROM company_facts WHERE symbol = ?", (symbol,)
        )
        if not rows:
            return None
        body, meta, saved = rows[0]
        try:
            assert isinstance(body, str) and isinstance(meta, str)
            assert isinstance(saved, int | float)
            side = json.loads(meta)
            return facts_from_json(json.loads(body)), dict(side), float(saved)
        except (AssertionError, KeyError, ValueError, TypeError):
            return None  # a damaged row is refetched, not shown

    def put(self, symbol: str, facts: CompanyFacts, meta: dict[str, Any]) -> None:
        """Store ``facts`` for ``symbol``, stamped now."""
        self.store.write(
            "INSERT OR REPLACE INTO company_facts (symbol, body, meta, saved) VALUES (?, ?, ?, ?)",
            [(symbol, json.dumps(facts_to_json(facts)), json.dumps(meta), time.time())],
        )

    def touch(self, symbol: str) -> None:
        """Mark the facts as confirmed now (a 304) without rewriting them."""
        self.store.write(
            "UPDATE company_facts SET saved = ? WHERE symbol = ?", [(time.time(), symbol)]
        )


@dataclass(frozen=True)
class CompanyFactsState:
    """One symbol's facts as last fetched, and what went wrong since, if anything."""

    symbol: str
    facts: CompanyFacts | None = None
    fetched_at: datetime | None = None
    reason: str | None = None


def newest_periodic(filings: Sequence[Filing]) -> Filing | None:
    """The newest 10-Q/10-K/20-F/6-K among ``filings``."""
    found = [f for f in filings if form_matches(f.form, PERIODIC_FORMS)]
    return max(found, key=lambda f: f.sort_key, default=None)


class FactsFeed:
    """Fetches the companies' facts when due; ``client`` None means filings are off."""

    def __init__(
        self,
        symbols: Sequence[str],
        client: SecClient | None,
        store: FactsStore | None = None,
        *,
        ttl: float = FACTS_TTL,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.symbols = tuple(dict.fromkeys(s.upper() for s in symbols))
        self.client = client
        self.store = store
        self.ttl = ttl
        self._wall = wall
        self.states = {s: CompanyFactsState(s) for s in self.symbols}
        self._meta: dict[str, dict[str, Any]] = {}
        self._saved: dict[str, float] = {}

    @property
    def disabled(self) -> str | None:
        """Why facts are off (None when on)."""
        return CONTACT_HINT if self.client is None else None

    def load_cached(self) -> dict[str, CompanyFactsState]:
        """Fill from the cache (no network), each marked "cached" with its save time."""
        for symbol in self.symbols:
            got = self.store.get(symbol) if self.store else None
            if got is not None:
                facts, meta, saved = got
                self._meta[symbol], self._saved[symbol] = meta, saved
                when = datetime.fromtimestamp(saved, UTC)
                self.states[symbol] = CompanyFactsState(symbol, facts, when, "cached")
        return dict(self.states)

    def due(self, symbol: str, filings: Sequence[Filing] = ()) -> bool:
        """Whether to fetch now: never fetched, a newer periodic report, or a week old."""
        saved = self._saved.get(symbol)
        if saved is None or self._wall() - saved >= self.ttl:
            return True
        newest = newest_periodic(filings)
        return newest is not None and newest.accession != self._meta[symbol].get("report")

    async def refresh_once(
        self, filings: FilingsUpdate, *, force: bool = False
    ) -> dict[str, CompanyFactsState]:
        """Fetch the facts of every symbol the filings feed resolved to a CIK, when due.

        Refused, throttled or unreachable stops the round (asking again only makes it worse);
        the companies not asked keep their cached facts with that reason.
        """
        if self.client is None:
            return dict(self.states)
        stop: SecError | None = None
        for symbol in self.symbols:
            company = filings.companies.get(symbol)
            old = self.states[symbol]
            if company is None or company.cik is None:
                if company is not None and company.reason:
                    self.states[symbol] = replace(old, reason=company.reason)
                continue
            if stop is not None:
                self.states[symbol] = replace(old, reason=stop.reason)
                continue
            if not force and old.facts is not None and not self.due(symbol, company.filings):
                # Fresh enough, unless the filings check failed: then a new report may be out.
                why = f"new filings not checked ({company.reason})" if company.reason else None
                self.states[symbol] = replace(old, reason=why)
                continue
            try:
                await self._fetch(symbol, company.cik, newest_periodic(company.filings))
            except SecError as exc:
                why = exc.reason
                if exc.kind is SecFailure.NOT_FOUND:  # facts once there, gone: keep them
                    why = f"SEC has no company facts for CIK {company.cik} ({exc.status})"
                self.states[symbol] = replace(old, reason=why)
                if exc.kind in (SecFailure.REFUSED, SecFailure.THROTTLED, SecFailure.UNREACHABLE,
                                SecFailure.TIMEOUT):  # fmt: skip
                    stop = exc
        return dict(self.states)

    def give_up(self, reason: str) -> dict[str, CompanyFactsState]:
        """After a round was cut short: the companies not done keep their facts with
        ``reason`` (the ones still marked cached, or never fetched)."""
        for symbol, state in self.states.items():
            if state.reason == "cached" or (state.facts is None and state.reason is None):
                self.states[symbol] = replace(state, reason=reason)
        return dict(self.states)

    async def _fetch(self, symbol: str, cik: int, report: Filing | None) -> None:
        assert self.client is not None
        old = self.states[symbol]
        meta = self._meta.get(symbol, {}) if old.facts is not None else {}
        if meta.get("cik") != cik:
            meta = {}
        response: SecResponse | None = None
        try:
            response = await self.client.company_facts(
                cik, etag=meta.get("etag"), last_modified=meta.get("last_modified")
            )
        except SecError as exc:
            # 404 is the SEC's answer for a company it holds no XBRL facts for; once some were
            # shown, a 404 is a fault (the last good facts stay, with the reason).
            if exc.kind is not SecFailure.NOT_FOUND or (old.facts and old.facts.facts):
                raise
        now = self._wall()
        side: dict[str, Any] = {"cik": cik, "report": report.accession if report else None}
        if response is not None:
            side["etag"] = response.etag or meta.get("etag")
            side["last_modified"] = response.last_modified or meta.get("last_modified")
        if response is None:  # a 404: an answer (no XBRL facts yet), kept like facts
            facts = no_facts(cik)
        elif response.not_modified and old.facts is not None:
            facts = old.facts
        else:
            try:
                facts = await asyncio.to_thread(reduce_facts, response.body, cik)
            except FactsFormatError as exc:
                raise SecError(SecFailure.BAD_RESPONSE, f"SEC company facts: {exc}") from None
        self._meta[symbol], self._saved[symbol] = side, now
        self.states[symbol] = CompanyFactsState(symbol, facts, datetime.fromtimestamp(now, UTC))
        if self.store is not None:
            await asyncio.to_thread(self.store.put, symbol, facts, side)
