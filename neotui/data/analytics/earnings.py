"""The event study of earnings days, and each deal's Day 0 read against them.

Earnings days (:mod:`neotui.data.sec.earnings_days`) get the deal days' figures: day 0 is the
reaction session (the release day before the close, the next session after it), located on the
first day with a price at or after it, and the same market model gives AR, CAR[-1,+1],
CAR[0,+5] and t. Their median |AR| on day 0 is the stock's typical earnings move: a deal's
"AR +13.6 %, 1.4× its median earnings-day |AR|" says how big the deal's move was next to the
biggest regular news the stock has. With fewer than :data:`MIN_EARNINGS_DAYS` studied earnings
days the comparison is not made, and the text says so.

No I/O; numpy is imported where :mod:`neotui.data.analytics.events` computes.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from neotui.data.analytics.events import EventStudy, _blank, _Joined, study_event
from neotui.data.market.quote import DailyHistory
from neotui.data.sec.earnings_days import EarningsDay

#: Fewer studied earnings days than this: no typical earnings move (a median of two is noise).
MIN_EARNINGS_DAYS = 4


@dataclass(frozen=True, slots=True)
class EarningsImpact:
    """One earnings day's event study."""

    day: EarningsDay
    study: EventStudy

    @property
    def symbol(self) -> str:
        """The symbol studied."""
        return self.study.symbol


@dataclass(frozen=True, slots=True)
class EarningsBaseline:
    """A stock's typical earnings-day move: the median |AR| on day 0 over its studied days."""

    symbol: str
    count: int  # earnings days with an abnormal return
    median_abs_ar: float | None  # None below MIN_EARNINGS_DAYS
    note: str | None = None  # why there is no median

    def ratio(self, abnormal: float | None) -> float | None:
        """|AR| over the median earnings-day |AR|; None when either is unknown (or the median
        is zero, which no real stock has)."""
        if abnormal is None or not self.median_abs_ar:
            return None
        return abs(abnormal) / self.median_abs_ar


def study_earnings(
    days: Sequence[EarningsDay],
    histories: Mapping[str, DailyHistory],
    *,
    benchmark: str = "SPY",
    missing: Mapping[str, str] | None = None,
) -> list[EarningsImpact]:
    """The event study of every earnings day, newest first. A day whose reaction session is
    not known (see its note) gets blank figures with that reason."""
    missing = missing or {}
    bench = histories.get(benchmark)
    joined: dict[str, _Joined] = {}
    out: list[EarningsImpact] = []
    for day in days:
        stock = histories.get(day.symbol)
        if day.reaction_day is None:
            why = day.note or "reaction day unknown"
            out.append(EarningsImpact(day, _blank(day.symbol, benchmark, day.day, why)))
            continue
        if bench is not None and stock is not None and day.symbol not in joined:
            joined[day.symbol] = _Joined(stock, bench)
        study = study_event(stock, bench, day.reaction_day, None, symbol=day.symbol,
                            benchmark=benchmark, joined=joined.get(day.symbol))  # fmt: skip
        absent = benchmark if bench is None else day.symbol if stock is None else None
        reason = missing.get(absent) if absent else None
        if reason:
            study = replace(study, note=f"{study.note} ({reason})")
        out.append(EarningsImpact(day, study))
    out.sort(key=lambda e: e.day.day, reverse=True)
    return out


def baselines(studies: Sequence[EarningsImpact]) -> dict[str, EarningsBaseline]:
    """Each symbol's typical earnings move (symbols with no earnings day are absent)."""
    moves: dict[str, list[float]] = {}
    for e in studies:
        values = moves.setdefault(e.symbol, [])
        if e.study.abnormal_0 is not None:
            values.append(abs(e.study.abnormal_0))
    out = {}
    for symbol, values in moves.items():
        if len(values) < MIN_EARNINGS_DAYS:
            note = (
                f"too few earnings days to compare ({len(values)} with prices, "
                f"{MIN_EARNINGS_DAYS} needed)"
            )
            out[symbol] = EarningsBaseline(symbol, len(values), None, note)
        else:
            out[symbol] = EarningsBaseline(symbol, len(values), statistics.median(values))
    return out


def versus_earnings(abnormal: float | None, baseline: EarningsBaseline | None) -> str:
    """A deal's Day 0 against the stock's typical earnings move, for people:
    ``AR +13.6 %, 1.4× its median earnings-day |AR| (9.7 %, 12 reports)``, or why not."""
    if abnormal is None:
        return "no Day 0 abnormal return to compare"
    shown = f"AR {abnormal * 100.0:+.1f} %"
    if baseline is None:
        return f"{shown}; no earnings days known for this stock"
    ratio = baseline.ratio(abnormal)
    if ratio is None or baseline.median_abs_ar is None:
        return f"{shown}; {baseline.note or 'no typical earnings move'}"
    median = f"{baseline.median_abs_ar * 100.0:.1f} %"
    return (
        f"{shown}, {ratio:.1f}× its median earnings-day |AR| ({median}, {baseline.count} reports)"
    )
