"""What the market pays for the capacity: valuation per contracted MW and per dollar of backlog,
and the sector line (an equal-weight index of the watched neoclouds, with breadth).

Plain arithmetic, no pandas: the screen recomputes both on every quote update. Every input keeps
its as-of date; a missing input leaves every ratio that needs it blank (None), never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from neotui.data.analytics.reported import chosen, facts_for
from neotui.data.deals import DealBook
from neotui.data.deals.models import CONTRACT_KINDS, Deal, FinancialFact
from neotui.data.market.fundamentals import Fundamentals
from neotui.data.market.quote import DailyHistory, Quote
from neotui.data.sec.facts import CompanyFacts


@dataclass(frozen=True, slots=True)
class MarketCap:
    """A market capitalisation in USD and when it was true."""

    value: float
    as_of: datetime
    source: str  # "quote" (Yahoo's quote) or "fundamentals" (yfinance)


def ratio(top: float | None, bottom: float | None) -> float | None:
    """``top / bottom``, or None when either is unknown or the bottom is zero."""
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


@dataclass(frozen=True, slots=True)
class Valuation:
    """One listed provider's valuation inputs (each with its date) and the ratios they give."""

    provider: str
    name: str
    symbol: str
    market_cap: MarketCap | None
    contracted_mw: float | None
    contracted_as_of: date | None  # the newest deal counted
    contracted_deals: int
    backlog: FinancialFact | None
    debt: FinancialFact | None
    revenue: FinancialFact | None
    cash: FinancialFact | None = None  # SEC only: no press figure gives it
    finance_leases: FinancialFact | None = None  # SEC only, where the company tags them

    @property
    def market_cap_value(self) -> float | None:
        """Market cap in USD, if known."""
        return self.market_cap.value if self.market_cap else None

    @property
    def market_cap_per_mw(self) -> float | None:
        """USD of market value per MW of contracted power."""
        return ratio(self.market_cap_value, self.contracted_mw)

    @property
    def backlog_to_market_cap(self) -> float | None:
        """Contracted revenue still to come, per dollar of market value."""
        return ratio(self.backlog.value if self.backlog else None, self.market_cap_value)

    @property
    def enterprise_value(self) -> float | None:
        """Market cap + debt + finance leases − cash; None unless cap, debt and cash are known
        (an unknown cash is not zero cash). Finance lease liabilities are debt-like (CoreWeave
        finances GPUs with them) but tagged apart, and only by companies that have them: they
        are added when tagged and shown in their own column, so the reader sees what the EV
        holds. The cap is today's, the rest their balance sheet's: those dates are in
        :attr:`balance_dates` and the table shows them."""
        if self.market_cap is None or self.debt is None or self.cash is None:
            return None
        leases = self.finance_leases.value if self.finance_leases else 0.0
        return self.market_cap.value + self.debt.value + leases - self.cash.value

    @property
    def balance_dates(self) -> tuple[date, ...]:
        """The dates of the debt, finance leases and cash in the enterprise value (one when
        they agree)."""
        parts = (self.debt, self.finance_leases, self.cash)
        return tuple(sorted({f.as_of for f in parts if f is not None}, reverse=True))

    @property
    def ev_per_mw(self) -> float | None:
        """USD of enterprise value per MW of contracted power."""
        return ratio(self.enterprise_value, self.contracted_mw)

    @property
    def debt_to_backlog(self) -> float | None:
        """Debt per dollar of backlog: how much of the contracted revenue is already owed."""
        return ratio(
            self.debt.value if self.debt else None, self.backlog.value if self.backlog else None
        )


def contracted_power(book: DealBook, provider: str) -> tuple[float | None, date | None, int]:
    """MW under compute and hosting contracts, each deal once (``report_of``): the reference
    entry's power, else the newest report that gives one. Returns (MW or None when no deal
    gives power, the newest counted deal's date, how many deals were counted)."""
    groups: dict[str, list[Deal]] = {}
    for deal in book.timeline(provider):  # newest first
        if deal.kind in CONTRACT_KINDS:
            groups.setdefault(deal.deal_key, []).append(deal)
    total, newest, counted = 0.0, None, 0
    for key, entries in groups.items():
        reference = next((d for d in entries if d.id == key), None)
        chosen = (
            reference
            if reference is not None and reference.power_mw is not None
            else next((d for d in entries if d.power_mw is not None), None)
        )
        if chosen is None or chosen.power_mw is None:
            continue
        total += chosen.power_mw
        counted += 1
        newest = chosen.date if newest is None else max(newest, chosen.date)
    return (total if counted else None), newest, counted


def market_caps(
    quotes: Mapping[str, Quote | None], fundamentals: Mapping[str, Fundamentals] | None = None
) -> dict[str, MarketCap]:
    """Market caps by symbol: the quote's when it has one, else yfinance's fundamentals'."""
    out: dict[str, MarketCap] = {}
    for symbol, f in (fundamentals or {}).items():
        if f.market_cap:
            out[symbol] = MarketCap(f.market_cap, f.fetched_at, "fundamentals")
    for symbol, q in quotes.items():
        if q is not None and q.market_cap:
            out[symbol] = MarketCap(q.market_cap, q.market_time or q.fetched_at, "quote")
    return out


def valuations(
    book: DealBook,
    caps: Mapping[str, MarketCap],
    facts: Mapping[str, CompanyFacts] | None = None,
) -> list[Valuation]:
    """A row per listed provider, by name; hyperscalers (Oracle, AWS: in the book for the
    sector deals) are not what is valued per MW here. Backlog, debt and revenue are the SEC's
    newest figures when ``facts`` (by symbol) has them, else the bundled press figures."""
    rows = []
    for pid, p in sorted(book.providers.items(), key=lambda kv: kv[1].name.casefold()):
        if p.ticker is None or p.role == "hyperscaler":
            continue
        mw, as_of, counted = contracted_power(book, pid)
        sec = facts_for(facts, p.ticker)
        rows.append(
            Valuation(
                provider=pid,
                name=p.name,
                symbol=p.ticker,
                market_cap=caps.get(p.ticker),
                contracted_mw=mw,
                contracted_as_of=as_of,
                contracted_deals=counted,
                backlog=chosen(book, pid, "backlog", sec),
                debt=chosen(book, pid, "debt", sec),
                revenue=chosen(book, pid, "revenue", sec),
                cash=chosen(book, pid, "cash", sec),
                finance_leases=chosen(book, pid, "finance_leases", sec),
            )
        )
    return rows


# --- the sector line ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectorLine:
    """The watched neoclouds as one equal-weight basket, and the supplier(s) apart."""

    members: tuple[str, ...]  # neocloud symbols with a day change
    missing: tuple[str, ...]  # watched neocloud symbols without one yet
    change_pct: float | None  # equal-weight day change, in percent
    advancing: int
    declining: int
    unchanged: int
    series: tuple[float, ...]  # equal-weight intraday index, 100 = yesterday's close
    suppliers: tuple[tuple[str, float | None], ...]  # (symbol, day change %) shown apart
    year: tuple[float, ...] = ()  # equal-weight daily index over a year, 100 at its start
    year_start: date | None = None
    year_members: tuple[str, ...] = ()  # the members with a close on the year's first day


def _intraday_index(quotes: Iterable[Quote]) -> tuple[float, ...]:
    """Average of each member's intraday series rebased to its previous close (aligned from the
    end: series of different lengths share their latest points)."""
    rebased = [
        [100.0 * p / q.prev_close for p in q.series]
        for q in quotes
        if q.prev_close and len(q.series) >= 2
    ]
    if not rebased:
        return ()
    length = min(len(s) for s in rebased)
    return tuple(sum(s[len(s) - length + i] for s in rebased) / len(rebased) for i in range(length))


def _basket(
    members: Sequence[tuple[str, float, Quote | None]],
    missing: Sequence[str],
    suppliers: tuple[tuple[str, float | None], ...],
) -> SectorLine:
    """One equal-weight basket of ``members`` (symbol, day change %, quote): its mean change,
    breadth and intraday index; the sector line and each group's line are built the same way."""
    changes = [c for _, c, _ in members]
    return SectorLine(
        members=tuple(s for s, _, _ in members),
        missing=tuple(missing),
        change_pct=sum(changes) / len(changes) if changes else None,
        advancing=sum(1 for c in changes if c > 0),
        declining=sum(1 for c in changes if c < 0),
        unchanged=sum(1 for c in changes if c == 0),
        series=_intraday_index(q for _, _, q in members if q is not None),
        suppliers=suppliers,
    )


def sector_line(
    book: DealBook, symbols: Iterable[str], quotes: Mapping[str, Quote | None]
) -> SectorLine:
    """The equal-weight basket of the watched symbols whose provider is a neocloud; suppliers
    (NVIDIA) are reported apart, since they sell to the basket rather than belong to it."""
    members, missing, suppliers = [], [], []
    for symbol in dict.fromkeys(symbols):
        provider = book.provider_for_ticker(symbol)
        if provider is None:
            continue
        q = quotes.get(symbol)
        change = q.change_pct if q is not None else None
        if provider.role == "supplier":
            suppliers.append((symbol, change))
        elif change is None:
            missing.append(symbol)
        else:
            members.append((symbol, change, q))
    return _basket(members, missing, tuple(suppliers))


def basket_line(symbols: Iterable[str], quotes: Mapping[str, Quote | None]) -> SectorLine:
    """Every symbol of a watchlist group in one equal-weight basket, whatever its role in the
    book (a group of hyperscalers or of the supplier alone is a basket too); nothing apart."""
    members, missing = [], []
    for symbol in dict.fromkeys(symbols):
        q = quotes.get(symbol)
        if q is None or q.change_pct is None:
            missing.append(symbol)
        else:
            members.append((symbol, q.change_pct, q))
    return _basket(members, missing, ())


def year_index(
    histories: Mapping[str, DailyHistory], symbols: Iterable[str], end: date | None = None
) -> tuple[tuple[float, ...], date | None, tuple[str, ...]]:
    """Equal-weight daily index of ``symbols`` over the year to ``end`` (their newest common
    day): 100 on the first common day a year back, then the average of each member's close
    relative to its own close that day. Members listed later in the year are left out (they
    have no starting price), so the index never jumps when one joins."""
    series = {s: dict(zip(h.dates, h.closes, strict=False))
              for s in symbols if (h := histories.get(s)) is not None and h.dates}  # fmt: skip
    if not series:
        return (), None, ()
    last = end or min(max(closes) for closes in series.values())
    days = sorted({d for closes in series.values() for d in closes
                   if last - timedelta(days=365) <= d <= last})  # fmt: skip
    if not days:
        return (), None, ()
    start = days[0]
    members = tuple(s for s, closes in series.items() if closes.get(start))
    out: list[float] = []
    level: dict[str, float] = {}
    for day in days:
        for s in members:  # a member without a close that day keeps its last one
            if day in series[s]:
                level[s] = series[s][day] / series[s][start]
        if len(level) == len(members):
            out.append(100.0 * sum(level.values()) / len(members))
    return tuple(out), start, members


def with_year(line: SectorLine, histories: Mapping[str, DailyHistory] | None) -> SectorLine:
    """``line`` with its one-year index from ``histories`` (unchanged without them)."""
    if not histories:
        return line
    year, start, members = year_index(histories, (*line.members, *line.missing))
    return replace(line, year=year, year_start=start, year_members=members)


class YearIndex:
    """:func:`with_year`, computed once per set of histories: they change hourly at most, and
    recomputing the index at every quote update was most of an idle refresh's CPU."""

    def __init__(self) -> None:
        self._key: tuple[object, tuple[str, ...]] | None = None
        self._value: tuple[tuple[float, ...], date | None, tuple[str, ...]] = ((), None, ())

    def apply(self, line: SectorLine, histories: Mapping[str, DailyHistory] | None) -> SectorLine:
        """``line`` with its one-year index (unchanged without histories)."""
        if not histories:
            return line
        symbols = (*line.members, *line.missing)
        if self._key is None or self._key[0] is not histories or self._key[1] != symbols:
            self._key = (histories, symbols)
            self._value = year_index(histories, symbols)
        year, start, members = self._value
        return replace(line, year=year, year_start=start, year_members=members)
