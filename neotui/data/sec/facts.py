"""Company facts: a companyfacts body reduced to the few figures neotui shows.

The SEC's ``/api/xbrl/companyfacts/CIK##########.json`` holds every fact a company ever tagged
(NVIDIA's is 4 MB, 27,000 facts). neotui shows eight: backlog (RPO), debt, finance leases,
revenue (latest quarter and trailing twelve months), capex (the same), cash and shares
outstanding. :func:`reduce_facts` picks those tags out of the decoded tree before anything is
cleaned or kept, so the body is dropped as soon as the reduction returns.

What the recorded bodies taught (tests/fixtures/sec/SOURCES.md):

- Companies switch tags (NVIDIA's revenue moved from ``RevenueFromContract…`` to ``Revenues``,
  capex to ``PaymentsToAcquireProductiveAssets``): every tag of a figure is read and, period by
  period, the latest filing wins, so the newest period comes from whichever tag carries it.
- The same period is reported again by every later filing: one value per period, the latest.
- Only year-to-date figures are tagged for some quarters: the quarter is derived by difference
  (Q4 = year − nine months) and marked ``derived``.
- 8-Ks recast old periods (Alphabet has 637 such facts): only periodic reports (10-Q, 10-K,
  20-F, 40-F, 6-K and amendments) are read, so a recast never displaces the 10-K's figure.
- The share count is not restated for a split (NVIDIA 2.46e9 -> 24.53e9, 10-for-1): the split
  is detected and said, and only the latest count is shown. Alphabet tags no total share count.
- 20-F filers use ``ifrs-full`` and report annually only; their figures say so.
- Money is shown in USD only: a figure reported in another currency is named, not converted.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from neotui.data.clean import clean_json, clean_text, decode_json
from neotui.data.sec.facts_scan import scan
from neotui.data.sec.submissions import ACCESSION, ARCHIVES

#: The forms whose facts are read (periodic reports); 8-K recasts, proxies and prospectuses not.
PERIODIC = frozenset({"10-Q", "10-K", "10-Q/A", "10-K/A", "20-F", "20-F/A", "40-F", "40-F/A",
                      "6-K", "6-K/A", "10-KT", "10-QT"})  # fmt: skip
#: Larger than any real figure (US GDP is ~3e13 USD): a bigger one is a typo or an attack.
ABSURD = 1e14
UNITS = ("USD", "shares")


@dataclass(frozen=True)
class Concept:
    """One figure neotui shows and the tags that carry it (by taxonomy, in order of trust)."""

    name: str
    label: str
    unit: str  # "USD" or "shares"
    gaap: tuple[str, ...] = ()
    ifrs: tuple[str, ...] = ()
    duration: bool = False  # a flow over a period (revenue, capex), else a balance at a date
    parts: tuple[str, ...] = ()  # us-gaap tags summed when none of ``gaap`` is up to date


CONCEPTS: tuple[Concept, ...] = (
    Concept("backlog", "Remaining performance obligations", "USD",
            ("RevenueRemainingPerformanceObligation",)),
    Concept("debt", "Long-term debt", "USD", ("LongTermDebt",), ("Borrowings",),
            parts=("LongTermDebtCurrent", "LongTermDebtNoncurrent")),
    Concept("finance_leases", "Finance lease liabilities", "USD", ("FinanceLeaseLiability",),
            ("LeaseLiabilities",),
            parts=("FinanceLeaseLiabilityCurrent", "FinanceLeaseLiabilityNoncurrent")),
    Concept("revenue", "Revenue", "USD",
            ("Revenues", "RevenueFromContractWithCustomerExcludingAssessedTax", "SalesRevenueNet"),
            ("Revenue", "RevenueFromContractsWithCustomers"), duration=True),
    Concept("capex", "Capital expenditure", "USD",
            ("PaymentsToAcquirePropertyPlantAndEquipment", "PaymentsToAcquireProductiveAssets"),
            ("PurchaseOfPropertyPlantAndEquipmentClassifiedAsInvestingActivities",),
            duration=True),
    Concept("cash", "Cash and cash equivalents", "USD",
            ("CashAndCashEquivalentsAtCarryingValue",
             "CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents"),
            ("CashAndCashEquivalents",)),
    Concept("shares", "Shares outstanding", "shares"),
)  # fmt: skip
CONCEPT_NAMES = tuple(c.name for c in CONCEPTS)
SHARES_TAG = "EntityCommonStockSharesOutstanding"


class FactsFormatError(ValueError):
    """The body is not a companyfacts document (no ``facts`` object)."""


@dataclass(frozen=True)
class Fact:
    """One figure as reported: its period, the filing that reported it, and whether neotui
    computed it (a quarter from year-to-date figures, a TTM sum, debt from its two parts)."""

    concept: str
    label: str
    value: float
    unit: str
    start: date | None  # None for a balance at a date
    end: date
    fiscal_period: str  # quarter | year | ttm (balances: the period of the report)
    form: str
    filed: date
    accession: str
    url: str
    derived: bool = False
    tag: str = ""


@dataclass(frozen=True)
class CompanyFacts:
    """The reduced facts of one company, and what the reader should know about them."""

    cik: int
    name: str
    facts: tuple[Fact, ...] = ()
    notes: tuple[str, ...] = ()

    def get(self, concept: str) -> Fact | None:
        """The shown fact for ``concept`` (``revenue_ttm`` for the TTM), or None."""
        return next((f for f in self.facts if f.concept == concept), None)


@dataclass(frozen=True)
class _Row:
    tag: str
    value: float
    start: date | None
    end: date
    fp: str
    form: str
    filed: date
    accession: str


@dataclass
class _Reader:
    cik: int
    notes: list[str] = field(default_factory=list)
    rejected: int = 0

    def rows(self, node: Any, tag: str, unit: str, label: str) -> list[_Row]:
        """The valid periodic-report rows of one tag in ``unit``; other currencies are said."""
        units = node.get("units") if isinstance(node, dict) else None
        if not isinstance(units, dict):
            return []
        if unit not in units:
            others = sorted(str(u) for u in units if str(u) not in UNITS)
            if others:
                self.notes.append(f"{label}: reported in {', '.join(others)} only; "
                                  "not shown (USD only)")  # fmt: skip
            return []
        entries = units[unit]
        out: list[_Row] = []
        for e in entries if isinstance(entries, list) else ():
            row = self._row(e, tag)
            if row is not None:
                out.append(row)
        return out

    def _row(self, e: Any, tag: str) -> _Row | None:
        if not isinstance(e, dict) or not isinstance(e.get("form"), str):
            return None
        if e["form"] not in PERIODIC:
            return None
        val = e.get("val")
        # bool is an int to Python; strings, NaN and absurd figures are not figures (a 400-digit
        # int is refused before float() would overflow on it).
        if isinstance(val, bool) or not isinstance(val, int | float) or abs(val) > ABSURD:
            self.rejected += 1
            return None
        value = float(val)
        if not math.isfinite(value) or abs(value) > ABSURD or value < 0:
            self.rejected += 1
            return None
        try:
            end = date.fromisoformat(e["end"])
            start = date.fromisoformat(e["start"]) if e.get("start") is not None else None
            filed = date.fromisoformat(e["filed"])
            accession = str(e["accn"])
        except (KeyError, TypeError, ValueError):
            self.rejected += 1
            return None
        if not ACCESSION.fullmatch(accession) or (start is not None and start > end):
            self.rejected += 1
            return None
        fp = e.get("fp") if isinstance(e.get("fp"), str) else ""
        return _Row(tag, value, start, end, str(fp), str(e["form"]), filed, accession)

    def fact(self, c: Concept, r: _Row, period: str, *, derived: bool = False,
             start: date | None = None, value: float | None = None, name: str = "",
             label: str = "", tag: str = "") -> Fact:  # fmt: skip
        folder = f"{ARCHIVES}/{self.cik}/{r.accession.replace('-', '')}"
        return Fact(
            name or c.name, label or c.label, r.value if value is None else value, c.unit,
            start if derived else r.start, r.end, period, r.form, r.filed, r.accession,
            f"{folder}/{r.accession}-index.htm", derived, tag or r.tag,
        )  # fmt: skip


def _latest_per_period(rows: Iterable[_Row]) -> dict[tuple[date | None, date], _Row]:
    """One row per period: the latest filing's (a later filing restates; ties: later accession)."""
    best: dict[tuple[date | None, date], _Row] = {}
    for r in rows:
        key = (r.start, r.end)
        old = best.get(key)
        if old is None or (r.filed, r.accession) > (old.filed, old.accession):
            best[key] = r
    return best


def _days(r: _Row) -> int:
    return (r.end - r.start).days + 1 if r.start else 0


def _kind(days: int) -> str | None:
    if 80 <= days <= 100:
        return "quarter"
    if 170 <= days <= 200 or 260 <= days <= 290:
        return "ytd"
    if 350 <= days <= 380:
        return "year"
    return None


def _period_of(r: _Row) -> str:
    return "year" if r.fp == "FY" or r.form.startswith(("10-K", "20-F", "40-F")) else "quarter"


def _balance(reader: _Reader, c: Concept, by_tag: Mapping[str, list[_Row]]) -> Fact | None:
    """A balance at a date: the newest date across tags; else the sum of the two parts."""
    periods = _latest_per_period(r for t in (*c.gaap, *c.ifrs) for r in by_tag.get(t, ()))
    best = max(periods.values(), key=lambda r: (r.end, r.filed), default=None)
    if c.parts:
        first, second = (_latest_per_period(by_tag.get(t, ())) for t in c.parts)
        both = sorted({k[1] for k in first} & {k[1] for k in second})
        if both and (best is None or both[-1] > best.end):
            a, b = first[(None, both[-1])], second[(None, both[-1])]
            newer = max(a, b, key=lambda r: (r.filed, r.accession))
            return reader.fact(c, newer, _period_of(newer), derived=True, value=a.value + b.value,
                               label=f"{c.label} (current + noncurrent)",
                               tag=f"{a.tag}+{b.tag.split(':')[-1]}")  # fmt: skip
    return None if best is None else reader.fact(c, best, _period_of(best))


_Quarter = tuple[_Row, date, float, bool]  # the row, the quarter's start, value, derived


def _quarters(periods: Mapping[tuple[date | None, date], _Row]) -> dict[date, _Quarter]:
    """Every quarter by its end date: tagged, or derived from cumulative figures of one fiscal
    year (six months − three, nine − six, year − nine). Value: (row, start, value, derived)."""
    quarters: dict[date, _Quarter] = {}
    cumulative: dict[date, list[_Row]] = {}  # by fiscal-year start
    for r in periods.values():
        kind = _kind(_days(r))
        if kind == "quarter" and r.start is not None:
            quarters[r.end] = (r, r.start, r.value, False)
        if kind is not None and r.start is not None:
            cumulative.setdefault(r.start, []).append(r)
    for runs in cumulative.values():
        runs.sort(key=lambda r: r.end)
        for before, after in itertools.pairwise(runs):
            gap = (after.end - before.end).days
            if after.end in quarters or not 80 <= gap <= 100:
                continue
            value = after.value - before.value
            if value >= 0:
                quarters[after.end] = (after, before.end + timedelta(days=1), value, True)
    return quarters


def _flow(reader: _Reader, c: Concept, by_tag: Mapping[str, list[_Row]]) -> list[Fact]:
    """A flow: the latest quarter and the trailing twelve months (annual filers: the year)."""
    periods = _latest_per_period(r for t in (*c.gaap, *c.ifrs) for r in by_tag.get(t, ()))
    quarters = _quarters(periods)
    years = [r for r in periods.values() if _kind(_days(r)) == "year"]
    latest_year = max(years, key=lambda r: (r.end, r.filed), default=None)
    if not quarters or (latest_year is not None and latest_year.end > max(quarters)):
        if latest_year is None:
            return []
        annual = latest_year.form.startswith(("20-F", "40-F"))
        label = f"{c.label} (annual only: {latest_year.form} filer)" if annual else c.label
        return [reader.fact(c, latest_year, "year", label=label)]
    end = max(quarters)
    row, start, value, derived = quarters[end]
    out = [reader.fact(c, row, "quarter", derived=derived, start=start, value=value)]
    # TTM: four back-to-back quarters ending with the latest (a 10-K's year when it ends there).
    if latest_year is not None and latest_year.end == end:
        out.append(reader.fact(c, latest_year, "ttm", name=f"{c.name}_ttm",
                               label=f"{c.label}, trailing twelve months"))  # fmt: skip
        return out
    chain, total, cursor = [quarters[end]], value, start
    while len(chain) < 4:
        prev = next((q for e, q in quarters.items() if 0 <= (cursor - e).days <= 7), None)
        if prev is None:
            return out
        chain.append(prev)
        total += prev[2]
        cursor = prev[1]
    ttm = f"{c.label}, trailing twelve months"
    out.append(reader.fact(c, row, "ttm", derived=True, start=cursor, value=total,
                           name=f"{c.name}_ttm", label=ttm))  # fmt: skip
    return out


_SPLITS = (2, 3, 4, 5, 8, 10, 15, 20, 25, 50)


def _shares(reader: _Reader, c: Concept, rows: list[_Row]) -> Fact | None:
    """The latest share count; a split the series does not restate is found and said."""
    series = sorted(_latest_per_period(rows).values(), key=lambda r: r.end)
    for before, after in itertools.pairwise(series):
        if before.value <= 0 or after.value <= 0:
            continue
        ratio = after.value / before.value
        for n in _SPLITS:
            for k, word in ((n, f"{n}-for-1 split"), (1 / n, f"1-for-{n} reverse split")):
                if abs(ratio / k - 1) < 0.08:
                    reader.notes.append(
                        f"shares: a {word} between {before.end} and {after.end}; earlier counts "
                        "are not restated and not compared with later ones"
                    )
    return reader.fact(c, series[-1], _period_of(series[-1])) if series else None


_WANTED: dict[str, tuple[str, ...]] = {
    "us-gaap": tuple(dict.fromkeys(t for c in CONCEPTS for t in (*c.gaap, *c.parts))),
    "ifrs-full": tuple(dict.fromkeys(t for c in CONCEPTS for t in c.ifrs)),
    "dei": (SHARES_TAG,),
}


def _select(tree: Any) -> dict[str, Any]:
    """The tags neotui reads, taken out of the decoded body (everything else is dropped)."""
    if not isinstance(tree, dict) or not isinstance(tree.get("facts"), dict):
        raise FactsFormatError("not a companyfacts document (no facts)")
    facts = tree["facts"]
    wanted = {t for c in CONCEPTS for t in (*c.gaap, *c.ifrs, *c.parts)}
    kept: dict[str, Any] = {}
    for taxonomy in ("us-gaap", "ifrs-full"):
        tags = facts.get(taxonomy)
        if isinstance(tags, dict):
            kept[taxonomy] = {t: tags[t] for t in wanted if t in tags}
    dei = facts.get("dei")
    if isinstance(dei, dict) and SHARES_TAG in dei:
        kept["dei"] = {SHARES_TAG: dei[SHARES_TAG]}
    return {"cik": tree.get("cik"), "entityName": tree.get("entityName"), "facts": kept}


def _cik(value: Any, fallback: int) -> int:
    # SEC sends an int; edgartools' copies a zero-padded string.
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**10:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 10:
        return int(value)
    return fallback


def reduce_facts(body: bytes | str, cik: int = 0) -> CompanyFacts:
    """Decode a companyfacts body and keep only the figures neotui shows.

    Blocking (NVIDIA's 4 MB takes ~40 ms): call it through ``asyncio.to_thread`` from async
    code. Only the selected tags survive the call, with every string cleaned.

    Raises:
        FactsFormatError: invalid JSON, not UTF-8, too deeply nested, or not companyfacts.
    """
    try:
        fast = scan(body, _WANTED)
    except UnicodeDecodeError as exc:
        raise FactsFormatError(f"not UTF-8: {exc.reason}") from None
    if fast is not None:
        return reduce_tree(_select(fast), cik)
    try:
        tree = decode_json(body)
    except json.JSONDecodeError:
        raise FactsFormatError("truncated or invalid JSON") from None
    except ValueError as exc:
        raise FactsFormatError(str(exc)) from None
    picked = _select(tree)
    del tree  # the rest of the body goes now
    return reduce_tree(picked, cik)


def reduce_tree(picked: Mapping[str, Any], cik: int = 0) -> CompanyFacts:
    """The reduction of an already selected tree (see :func:`reduce_facts`)."""
    try:
        tree = clean_json(picked)
    except ValueError as exc:  # nesting past the decoder's limit
        raise FactsFormatError(str(exc)) from None
    cik = _cik(tree.get("cik"), cik)
    name = tree.get("entityName")
    reader = _Reader(cik)
    facts: list[Fact] = []
    gaap = tree["facts"].get("us-gaap") or {}
    ifrs = tree["facts"].get("ifrs-full") or {}
    if ifrs and not gaap:
        reader.notes.append("IFRS filer (20-F): annual figures only")
    for c in CONCEPTS:
        if c.name == "shares":
            node = (tree["facts"].get("dei") or {}).get(SHARES_TAG)
            if node is None:
                reader.notes.append("shares: no dei:EntityCommonStockSharesOutstanding "
                                    "(shares tagged per class or not at all)")  # fmt: skip
                continue
            fact = _shares(reader, c, reader.rows(node, SHARES_TAG, "shares", c.label))
            facts.extend([fact] if fact else [])
            continue
        by_tag = {t: reader.rows(gaap[t], f"us-gaap:{t}", c.unit, c.label)
                  for t in (*c.gaap, *c.parts) if t in gaap}  # fmt: skip
        by_tag |= {t: reader.rows(ifrs[t], f"ifrs-full:{t}", c.unit, c.label)
                   for t in c.ifrs if t in ifrs}  # fmt: skip
        if c.duration:
            facts.extend(_flow(reader, c, by_tag))
        else:
            fact = _balance(reader, c, by_tag)
            facts.extend([fact] if fact else [])
    if reader.rejected:
        reader.notes.append(f"{reader.rejected} facts skipped (not finite numbers, or damaged)")
    notes = tuple(dict.fromkeys(clean_text(n) for n in reader.notes))
    return CompanyFacts(cik, name if isinstance(name, str) else "", tuple(facts), notes)
