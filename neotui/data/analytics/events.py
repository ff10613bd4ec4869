"""Deal-day event study: how much each deal moved the stock, beyond what the market did.

Method (the README says the same in a few lines):

* Day 0 is the first US session at or after the announcement (after the 16:00 close when the
  deal records a time), located on the first day with a price on or after it.
* Returns are simple daily close-to-close returns on the days both the stock and the benchmark
  (default SPY) have a close.
* Market model: ``R = a + b Rm + e`` fitted by OLS on the returns of sessions [-250, -30]
  relative to day 0, when at least 60 of them exist. With fewer (a recent IPO, a short history)
  the abnormal return is market-adjusted, ``AR = R - Rm``, and the result says so.
* Figures: the return and abnormal return on day 0, CAR[-1,+1], CAR[0,+5], and the t-statistic
  of CAR[-1,+1], ``CAR / (sqrt(3) * sigma)`` with ``sigma`` the residual standard deviation over
  the estimation window (n - 2 degrees of freedom for the market model, n - 1 market-adjusted).
* Anything that cannot be computed is None, with the reason in ``note``; never zero.

numpy is imported inside the functions that compute: start-up and the first frame do not pay
for it. Nothing here does I/O; :mod:`neotui.data.market.history` brings the prices.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Literal

from neotui.data.deals import DealBook
from neotui.data.deals.listed import ListedMap
from neotui.data.deals.models import Deal
from neotui.data.market.calendar import event_day0
from neotui.data.market.quote import DailyHistory

if TYPE_CHECKING:
    import numpy as np

#: The estimation window, in sessions relative to day 0 (both ends included).
ESTIMATION = (-250, -30)
#: Fewer estimation returns than this: market-adjusted returns instead of the market model.
MIN_MARKET_MODEL = 60
#: Fewer estimation returns than this: no residual variance, so no t-statistic.
MIN_SIGMA = 20
#: Day 0 further than this from the announcement (no prices around it): not computed.
MAX_DAY0_GAP = timedelta(days=7)
#: Deals whose date says when the news came out; a "reported" date is when an article said so.
EVENT_DATE_KINDS = frozenset({"announced", "signed"})

Model = Literal["market", "market_adjusted"]
Role = Literal["provider", "counterparty"]


@dataclass(frozen=True, slots=True)
class EventStudy:
    """One symbol's reaction to one event. Returns are fractions (0.135 = +13.5 %)."""

    symbol: str
    benchmark: str
    announced: date
    day0: date | None = None
    model: Model | None = None
    estimation_days: int = 0
    return_0: float | None = None
    abnormal_0: float | None = None
    car_m1_p1: float | None = None
    car_0_p5: float | None = None
    t_car_m1_p1: float | None = None
    alpha: float | None = None
    beta: float | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Impact:
    """A row of the impact table: one deal entry, one symbol (provider's or counterparty's)."""

    deal_id: str
    date: date  # the deal entry's own date (a re-report's figures are its event's)
    provider: str
    counterparty: str
    role: Role
    study: EventStudy
    #: Every deal entry of this event, ``deal_id`` first: deals announced for the same stock on
    #: the same day are one event (one reaction, measured once), not one row per deal.
    deals: tuple[str, ...] = ()
    counterparties: tuple[str, ...] = ()

    @property
    def symbol(self) -> str:
        """The symbol studied."""
        return self.study.symbol

    @property
    def deal_ids(self) -> tuple[str, ...]:
        """The deal entries of this event (at least ``deal_id``)."""
        return self.deals or (self.deal_id,)

    @property
    def with_names(self) -> str:
        """The counterparties of the event's deals, each once."""
        return ", ".join(self.counterparties or (self.counterparty,))


class _Joined:
    """A stock's and the benchmark's closes on their common days, and the daily returns."""

    def __init__(self, stock: DailyHistory, bench: DailyHistory) -> None:
        import numpy as np

        bench_close = dict(zip(bench.dates, bench.closes, strict=False))
        pairs = [
            (d, c, bench_close[d])
            for d, c in zip(stock.dates, stock.closes, strict=False)
            if d in bench_close and c > 0 and bench_close[d] > 0
        ]
        self.first_price = stock.dates[0] if stock.dates else None
        self.dates = [d for d, _, _ in pairs]
        closes = np.array([c for _, c, _ in pairs], dtype=float)
        market = np.array([m for _, _, m in pairs], dtype=float)
        # returns[k] is the return on dates[k + 1]
        self.r: np.ndarray = closes[1:] / closes[:-1] - 1.0 if len(pairs) > 1 else np.zeros(0)
        self.m: np.ndarray = market[1:] / market[:-1] - 1.0 if len(pairs) > 1 else np.zeros(0)


def _blank(symbol: str, benchmark: str, announced: date, note: str, **kw: object) -> EventStudy:
    return EventStudy(symbol, benchmark, announced, note=note, **kw)  # type: ignore[arg-type]


def study_event(
    stock: DailyHistory | None,
    bench: DailyHistory | None,
    announced: date,
    at: time | None = None,
    *,
    symbol: str | None = None,
    benchmark: str = "SPY",
    joined: _Joined | None = None,
) -> EventStudy:
    """The event study of one announcement on one stock (see the module docstring).

    Args:
        stock: the stock's daily closes (None when there is no history: the result says so).
        bench: the benchmark's daily closes.
        announced: the announcement date.
        at: the announcement time (New York), if the deal records one.
        symbol: the stock's symbol (defaults to ``stock.symbol``).
        benchmark: the benchmark's symbol, for the result and its notes.
        joined: the joined series of ``stock`` and ``bench``, when the caller reuses it.
    """
    sym = symbol or (stock.symbol if stock else "?")
    day0 = event_day0(announced, at)
    if bench is None or len(bench.dates) < 2:
        return _blank(sym, benchmark, announced, f"no {benchmark} (benchmark) prices", day0=day0)
    if stock is None or len(stock.dates) < 2:
        return _blank(sym, benchmark, announced, f"no {sym} prices", day0=day0)
    j = joined or _Joined(stock, bench)
    if len(j.dates) < 2:
        return _blank(sym, benchmark, announced, f"{sym} and {benchmark} share no trading days")
    idx = bisect.bisect_left(j.dates, day0)
    note = None
    if idx == len(j.dates):
        note = f"day 0 ({day0}) is after the last price ({j.dates[-1]})"
    elif idx == 0 and j.first_price is not None and j.first_price > day0:
        note = f"not listed on day 0 ({day0}): first price {j.first_price}"
    elif j.dates[idx] - day0 > MAX_DAY0_GAP:
        note = f"no price within a week of day 0 ({day0})"
    elif idx == 0:
        note = f"prices start on day 0 ({day0}): no return"
    if note is not None:
        return _blank(sym, benchmark, announced, note, day0=day0)
    day0 = j.dates[idx]
    return _figures(j, idx - 1, sym, benchmark, announced, day0)


def _figures(
    j: _Joined, k0: int, sym: str, benchmark: str, announced: date, day0: date
) -> EventStudy:
    """The figures once day 0 is return ``k0`` of the joined series."""
    import numpy as np

    notes: list[str] = []
    start, end = max(0, k0 + ESTIMATION[0]), k0 + ESTIMATION[1]
    est_r = j.r[start : end + 1] if end >= 0 else j.r[:0]
    est_m = j.m[start : end + 1] if end >= 0 else j.m[:0]
    n = len(est_r)
    model: Model = "market"
    alpha, beta = 0.0, 1.0
    if n >= MIN_MARKET_MODEL and float(np.var(est_m)) > 0.0:
        beta = float(np.cov(est_r, est_m, ddof=1)[0, 1] / np.var(est_m, ddof=1))
        alpha = float(est_r.mean() - beta * est_m.mean())
        resid = est_r - alpha - beta * est_m
        sigma: float | None = math.sqrt(float(resid @ resid) / (n - 2))
    else:
        model = "market_adjusted"
        if n >= MIN_MARKET_MODEL:
            notes.append(f"market-adjusted: {benchmark} did not move in the estimation window")
        else:
            notes.append(
                f"market-adjusted: {n} sessions of history in [-250,-30] "
                f"({MIN_MARKET_MODEL} needed for the market model)"
            )
        resid = est_r - est_m
        sigma = float(np.std(resid, ddof=1)) if n >= MIN_SIGMA else None
        if sigma is None:
            notes.append(f"no t-statistic: fewer than {MIN_SIGMA} estimation sessions")
    ar = j.r - alpha - beta * j.m
    last = len(ar) - 1
    car_m1_p1 = car_0_p5 = t = None
    if k0 - 1 >= 0 and k0 + 1 <= last:
        car_m1_p1 = float(ar[k0 - 1 : k0 + 2].sum())
        if sigma:
            t = car_m1_p1 / (math.sqrt(3.0) * sigma)
    elif k0 + 1 > last:
        notes.append("day +1 not traded yet")
    else:
        notes.append("no price before day -1")
    if k0 + 5 <= last:
        car_0_p5 = float(ar[k0 : k0 + 6].sum())
    else:
        notes.append(f"CAR[0,+5] needs 5 sessions after day 0 ({last - k0} so far)")
    return EventStudy(
        symbol=sym,
        benchmark=benchmark,
        announced=announced,
        day0=day0,
        model=model,
        estimation_days=n,
        return_0=float(j.r[k0]),
        abnormal_0=float(ar[k0]),
        car_m1_p1=car_m1_p1,
        car_0_p5=car_0_p5,
        t_car_m1_p1=t,
        alpha=alpha if model == "market" else None,
        beta=beta if model == "market" else None,
        note="; ".join(notes) or None,
    )


# --- the deals book -----------------------------------------------------------------------------


def is_event_date(deal: Deal) -> bool:
    """True when the deal's date is the day the news came out, exact to the day.

    ``date_precision`` (when the deals schema has it) must be ``day``; ``reported`` dates are when
    an article mentioned the deal, not when the market learnt it.
    """
    return getattr(deal, "date_precision", "day") == "day" and deal.date_kind in EVENT_DATE_KINDS


def _why_not(deal: Deal) -> str:
    if getattr(deal, "date_precision", "day") != "day":
        return f"date known to the {getattr(deal, 'date_precision', '?')} only: not studied"
    return "reported date, not the announcement: not studied"


def event_of(book: DealBook) -> dict[str, Deal]:
    """For each deal key (a deal and its re-reports), the entry whose date is the event: the
    earliest exact announcement among them. Keys without one are absent."""
    events: dict[str, Deal] = {}
    for deal in book.deals:
        if not is_event_date(deal):
            continue
        key = deal.deal_key
        best = events.get(key)
        if best is None or (deal.date, deal.report_of is not None) < (
            best.date,
            best.report_of is not None,
        ):
            events[key] = deal
    return events


def symbols_for(book: DealBook, listed: ListedMap, provider: str | None = None) -> list[str]:
    """Every symbol the impact table of ``book`` needs (providers' and listed counterparties')."""
    out: dict[str, None] = {}
    for deal in book.timeline(provider):
        p = book.providers.get(deal.provider)
        if p is None or p.ticker is None:
            continue
        out[p.ticker] = None
        other = listed.ticker_for(deal.counterparty)
        if other and other != p.ticker:
            out[other] = None
    return list(out)


def study_book(
    book: DealBook,
    histories: Mapping[str, DailyHistory],
    listed: ListedMap,
    *,
    benchmark: str = "SPY",
    provider: str | None = None,
    missing: Mapping[str, str] | None = None,
) -> list[Impact]:
    """The impact table: every deal of a listed provider, newest first, with its provider's
    and (when listed) its counterparty's reaction. Deals that are not events get blank figures
    with the reason; re-reports share their event's figures.

    Args:
        histories: daily closes by symbol (the benchmark's included).
        missing: why a symbol has no history (shown in the notes).
    """
    missing = missing or {}
    bench = histories.get(benchmark)
    events = event_of(book)
    joined: dict[str, _Joined] = {}
    done: dict[tuple[str, str], EventStudy] = {}

    def study(symbol: str, event: Deal) -> EventStudy:
        key = (event.id, symbol)
        if key not in done:
            stock = histories.get(symbol)
            if bench is not None and stock is not None and symbol not in joined:
                joined[symbol] = _Joined(stock, bench)
            result = study_event(stock, bench, event.date, getattr(event, "time", None),
                                 symbol=symbol, benchmark=benchmark,
                                 joined=joined.get(symbol))  # fmt: skip
            # The blank's note names the series that is missing; say why it is.
            absent = benchmark if bench is None else symbol if stock is None else None
            reason = missing.get(absent) if absent else None
            if reason:
                result = replace(result, note=f"{result.note} ({reason})")
            done[key] = result
        return done[key]

    rows: list[Impact] = []
    for deal in book.timeline(provider):
        p = book.providers.get(deal.provider)
        if p is None or p.ticker is None:
            continue
        symbols: list[tuple[str, Role]] = [(p.ticker, "provider")]
        other = listed.ticker_for(deal.counterparty)
        if other and other != p.ticker:
            symbols.append((other, "counterparty"))
        event = events.get(deal.deal_key)
        for symbol, role in symbols:
            if event is None:
                result = _blank(symbol, benchmark, deal.date, _why_not(deal))
            else:
                result = study(symbol, event)
                if event.id != deal.id:
                    shared = f"same event as {event.id}"
                    result = replace(result, note=f"{shared}; {result.note}" if result.note
                                     else shared)  # fmt: skip
            rows.append(Impact(deal.id, deal.date, deal.provider, deal.counterparty, role, result))
    echoes = {d.id for d in book.deals if (e := events.get(d.deal_key)) and e.id != d.id}
    return same_day_as_one(rows, echoes)


def same_day_as_one(rows: Sequence[Impact], echoes: frozenset[str] | set[str] = frozenset()
                    ) -> list[Impact]:  # fmt: skip
    """Rows of different deals for one stock (in one role) whose day 0 is the same session,
    merged into one event listing all its deals, at the place of its newest entry. Rows
    without a day 0 (not studied) stay one per deal: they share no reaction; so do ``echoes``
    (another outlet's report of a deal, shown as such with "same event as")."""
    merged: dict[object, list[Impact]] = {}
    for row in rows:
        day0 = row.study.day0
        own = day0 is not None and row.deal_id not in echoes
        key: object = (row.symbol, row.role, row.provider, day0) if own else (row.deal_id, row)
        merged.setdefault(key, []).append(row)
    out: list[Impact] = []
    for group in merged.values():
        first = group[0]
        ids = tuple(dict.fromkeys(r.deal_id for r in group))
        names = tuple(dict.fromkeys(r.counterparty for r in group))
        out.append(replace(first, deals=ids, counterparties=names))
    return out


def by_deal(rows: Sequence[Impact]) -> dict[str, Impact]:
    """The provider's row of each deal (what the timeline's Day 0 column shows): every deal of a
    merged event maps to the event's row."""
    return {d: r for r in rows if r.role == "provider" for d in r.deal_ids}
