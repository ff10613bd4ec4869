"""Insider trades as data: a transaction with its filing, one company's trades and what is
missing, amendments applied, net open-market buying and selling over a window, one row per
filing (the timeline's) and the alert events. No network and no cache here (that is
:mod:`neotui.data.sec.insiders`), so each rule is tested as plain functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from neotui.data.alerts.rules import InsiderEvent
from neotui.data.sec.form4 import OwnershipDocument, Transaction


@dataclass(frozen=True, slots=True)
class InsiderTrade:
    """One transaction with the filing it came from (the CLI's row, the pane's row)."""

    symbol: str
    filed: date
    accession: str
    form: str
    tx: Transaction
    #: The accession this row's amendment replaced ("" for an original filing; for an
    #: amendment whose original is not in the listing, "filed YYYY-MM-DD" as it says).
    amends: str = ""

    @property
    def day(self) -> date:
        """The transaction date, or the filing date when the document gives none."""
        return self.tx.day or self.filed


@dataclass(frozen=True)
class DocumentState:
    """One insider filing as read: its document, or why it could not be read."""

    filing_accession: str
    form: str
    filed: date
    document: OwnershipDocument | None = None
    reason: str | None = None


@dataclass(frozen=True)
class CompanyInsiders:
    """One watched symbol's insider trades as last read, and what is missing and why."""

    symbol: str
    trades: tuple[InsiderTrade, ...] = ()
    fetched_at: datetime | None = None
    #: Insider filings in the window not read yet (the per-round budget, or no contact).
    pending: int = 0
    #: Documents that could not be read: accession -> why.
    failed: Mapping[str, str] = field(default_factory=dict)
    #: Why nothing newer is shown (the filings check failed, the SEC refused); None when fine.
    reason: str | None = None


def apply_amendments(symbol: str, states: Sequence[DocumentState]) -> list[InsiderTrade]:
    """Every transaction of the read documents, newest first, with each amendment's rows in
    place of the filing it amends.

    EDGAR does not say which accession an amendment amends; the document gives its owner and
    ``dateOfOriginalSubmission``, so the original is the owner's filing of the same form filed
    that day (or, with no date, the owner's latest one for the same period filed before it).
    """
    read = [s for s in states if s.document is not None]
    replaced: dict[str, str] = {}
    for s in sorted(read, key=lambda s: s.filed):
        doc = s.document
        assert doc is not None
        if not s.form.upper().endswith("/A"):
            continue
        base = s.form.upper().removesuffix("/A")
        candidates = [
            o for o in read
            if o.form.upper() == base and o.document is not None
            and o.document.owner_cik == doc.owner_cik and o.filed <= s.filed
            and (o.filed == doc.original_filed if doc.original_filed
                 else o.document.period == doc.period)
        ]  # fmt: skip
        if candidates:
            original = max(candidates, key=lambda o: o.filed)
            replaced[original.filing_accession] = s.filing_accession
            replaced.setdefault(s.filing_accession, "")
    trades: list[InsiderTrade] = []
    for s in read:
        if replaced.get(s.filing_accession):
            continue  # an amendment replaced it
        doc = s.document
        assert doc is not None
        amends = ""
        if s.form.upper().endswith("/A"):
            found = next((o for o, a in replaced.items() if a == s.filing_accession), None)
            amends = found or (
                f"filed {doc.original_filed.isoformat()}" if doc.original_filed else "not found"
            )
        trades.extend(
            InsiderTrade(symbol, s.filed, s.filing_accession, s.form, tx, amends)
            for tx in doc.transactions
        )
    trades.sort(key=lambda t: (t.day, t.filed, t.accession), reverse=True)
    return trades


@dataclass(frozen=True)
class Flow:
    """Open-market insider buying and selling over a window: dollar sums of the priced trades,
    how many trades, and how many had no price (their value is not in the sums)."""

    bought: float
    sold: float
    trades: int
    unpriced: int

    @property
    def net(self) -> float:
        """Bought minus sold (negative: net selling)."""
        return self.bought - self.sold


def net_flow(trades: Iterable[InsiderTrade], days: int, today: date) -> Flow | None:
    """Open-market purchases (P) and sales (S) of the stock within ``days`` up to ``today``;
    None when there were none (no trades, not a net of zero)."""
    since = today - timedelta(days=days)
    bought = sold = 0.0
    count = unpriced = 0
    for t in trades:
        if not t.tx.open_market or not since < t.day <= today:
            continue
        count += 1
        value = t.tx.value
        if value is None:
            unpriced += 1
        elif t.tx.code == "P":
            bought += value
        else:
            sold += value
    return Flow(bought, sold, count, unpriced) if count else None


@dataclass(frozen=True)
class FilingSummary:
    """One insider filing summed up: a timeline row."""

    symbol: str
    filed: date
    day: date
    accession: str
    form: str
    owner: str
    role: str
    codes: str
    shares: float | None  # net shares acquired (+) or disposed (-), None if any row lacks a count
    value: float | None  # net dollar value of the priced open-market rows, None if none priced
    plan_10b5_1: bool | None
    amends: str = ""


def filing_rows(trades: Iterable[InsiderTrade]) -> list[FilingSummary]:
    """One row per filing, summed (a director's seven sales on one Form 4 are one event),
    newest first: what the timeline shows."""
    groups: dict[str, list[InsiderTrade]] = {}
    for t in trades:
        groups.setdefault(t.accession, []).append(t)
    out: list[FilingSummary] = []
    for accession, rows in groups.items():
        first = rows[0]
        shares: float | None = 0.0
        value: float | None = None
        for r in rows:
            if r.tx.shares is None or r.tx.acquired is None or shares is None:
                shares = None
            else:
                shares += r.tx.shares if r.tx.acquired else -r.tx.shares
            if r.tx.open_market and r.tx.value is not None:
                signed = r.tx.value if r.tx.code == "P" else -r.tx.value
                value = signed if value is None else value + signed
        plans = {r.tx.plan_10b5_1 for r in rows}
        out.append(FilingSummary(
            first.symbol, first.filed, max(r.day for r in rows), accession, first.form,
            first.tx.owner, first.tx.role, "".join(dict.fromkeys(r.tx.code for r in rows)),
            shares, value, True if True in plans else (False if plans == {False} else None),
            first.amends,
        ))  # fmt: skip
    out.sort(key=lambda s: (s.filed, s.accession), reverse=True)
    return out


#: Insider filings older than this are not news: no alert for them (a deeper window read for
#: the first time, a document read late).
ALERT_AGE = timedelta(days=7)


def insider_events(companies: Mapping[str, CompanyInsiders], today: date) -> list[InsiderEvent]:
    """The recent insider filings as alert events: one per filing, its open-market sales and
    purchases summed."""
    out: list[InsiderEvent] = []
    for company in companies.values():
        groups: dict[str, list[InsiderTrade]] = {}
        for t in company.trades:
            if t.filed >= today - ALERT_AGE:
                groups.setdefault(t.accession, []).append(t)
        for accession, rows in groups.items():
            sales = [r.tx.value for r in rows if r.tx.open_market and r.tx.code == "S"]
            buys = [r.tx.value for r in rows if r.tx.open_market and r.tx.code == "P"]
            sold = (
                sum(v for v in sales if v is not None)
                if any(v is not None for v in sales)
                else None
            )
            bought = (
                sum(v for v in buys if v is not None) if any(v is not None for v in buys) else None
            )
            first = rows[0]
            title = (
                f"{first.form} {first.tx.owner} ({first.tx.role or 'insider'}), filed {first.filed}"
            )
            out.append(InsiderEvent(accession, company.symbol, title, sold, bought, len(buys)))
    return out
