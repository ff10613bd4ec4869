"""What the timeline shows besides deals: event kinds, and the rows of the kinds that are not
deals (earnings days from 8-K item 2.02, insider filings from Forms 3/4/5).

A kind is a member of :class:`EventKind` and an entry of :data:`KINDS` (its label and the
order the filter key cycles through). A source of rows turns its records into
:class:`TimelineEvent` rows; the timeline widget merges them with the deals by date, filters
them by provider, text and kind like deals, and draws them through the same columns. Adding a
kind is: a member, a :data:`KINDS` entry, and a function that makes its rows (see
:func:`earnings_events`).

No Textual here: the widgets import this, never the reverse.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neotui.data.analytics.earnings import EarningsBaseline, EarningsImpact
    from neotui.data.analytics.events import EventStudy
    from neotui.data.deals import DealBook
    from neotui.data.sec.insider_trades import CompanyInsiders, FilingSummary


class EventKind(StrEnum):
    """The kinds of rows on the timeline."""

    DEAL = "deal"
    EARNINGS = "earnings"
    INSIDER = "insider"


@dataclass(frozen=True, slots=True)
class KindInfo:
    """How a kind is named: ``plural`` in counts and in the filter's label."""

    kind: EventKind
    singular: str
    plural: str


#: Every kind, in the order the filter key cycles through them (after "all kinds").
KINDS: dict[EventKind, KindInfo] = {
    EventKind.DEAL: KindInfo(EventKind.DEAL, "deal", "deals"),
    EventKind.EARNINGS: KindInfo(EventKind.EARNINGS, "earnings report", "earnings"),
    EventKind.INSIDER: KindInfo(EventKind.INSIDER, "insider filing", "insider filings"),
}


def next_kind(
    current: EventKind | None, present: Collection[EventKind] | None = None
) -> EventKind | None:
    """The filter after ``current``: all kinds (None), then each kind, then all again. Given
    the kinds ``present`` on the timeline, the others are skipped (with insiders off, ``t``
    does not stop at an empty "insider filings only"); deals are always a step."""
    order: list[EventKind | None] = [None, *KINDS]
    if present is not None:
        order = [k for k in order if k in (None, EventKind.DEAL, current) or k in present]
    return order[(order.index(current) + 1) % len(order)]


def count_label(counts: Mapping[EventKind, int]) -> str:
    """``12 deals``, or with other kinds ``14 events · 12 deals, 2 earnings``."""
    total = sum(counts.values())
    shown = [(k, counts[k]) for k in KINDS if counts.get(k)]  # in the registry's order
    if not total and set(counts) - {EventKind.DEAL}:  # filtered to another kind: none of it
        kind = next(k for k in KINDS if k in counts and k != EventKind.DEAL)
        return f"0 {KINDS[kind].plural}"
    if all(k == EventKind.DEAL for k, _ in shown):
        deals = counts.get(EventKind.DEAL, 0)
        return f"{deals:,} deal{'s' if deals != 1 else ''}"
    parts = ", ".join(
        f"{n:,} {KINDS[k].plural if n != 1 or k == EventKind.EARNINGS else KINDS[k].singular}"
        for k, n in shown
    )
    return f"{total:,} event{'s' if total != 1 else ''} · {parts}"


def filter_label(kind: EventKind | None) -> str:
    """The active kind filter, for the timeline's border (empty when every kind shows)."""
    return "" if kind is None else f" · {KINDS[kind].plural} only"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A timeline row that is not a deal. ``id`` is unique across kinds (``earnings:…``)."""

    kind: EventKind
    id: str
    date: date
    provider: str  # the provider id: the provider filter applies as to deals
    title: str  # the "With" column: what happened
    label: str  # the "Kind" column
    detail: str  # the detail line under the table
    search: str  # what a text filter matches (lower case)
    value: str = ""  # the "Value" column
    when: str = ""  # the "Date" column (the date when empty)
    url: str | None = None
    study: EventStudy | None = None  # its event study (the Day 0 column), when computed
    comparison: str | None = None  # how it compares with the stock's other events
    #: The insider filing a row sums up: the timeline draws its cells from it (the owner, the
    #: net dollars red or green, the codes and net shares), as the insiders pane does.
    filing: FilingSummary | None = None

    @property
    def report_of(self) -> None:
        """Rows of other kinds are never another report of a deal (the deal cells ask)."""
        return None


TIMING_WORDS = {"bmo": "before the open", "during": "during the session", "amc": "after the close"}
#: The same, short enough for the timeline's "With" column narrowed to 12 cells (the usual
#: BMO/AMC; RTH, regular trading hours, for a release during the session).
TIMING_SHORT = {"bmo": "BMO", "during": "RTH", "amc": "AMC"}


def earnings_events(
    studies: Iterable[EarningsImpact],
    book: DealBook,
    baselines: Mapping[str, EarningsBaseline] | None = None,
) -> list[TimelineEvent]:
    """The timeline rows of earnings days, for symbols of the book's providers."""
    rows = []
    for e in studies:
        provider = book.provider_for_ticker(e.symbol)
        if provider is None:
            continue
        d = e.day
        timing = TIMING_WORDS.get(d.timing or "", "time unknown")
        local = d.accepted_local
        at = f" at {local:%H:%M:%S} New York" if local is not None else ""
        reaction = f"; the market reacts on {d.reaction_day}" if d.reaction_day else ""
        detail = f"{provider.name} results (8-K item 2.02) filed {d.day}{at}, {timing}{reaction}."
        if d.note:
            detail += f" ({d.note})"
        base = (baselines or {}).get(e.symbol)
        comparison = None
        if base is not None and base.median_abs_ar is not None:
            comparison = (
                f"median earnings-day |AR| of {e.symbol}: {base.median_abs_ar * 100:.1f} % "
                f"over {base.count} reports"
            )
        rows.append(
            TimelineEvent(
                kind=EventKind.EARNINGS,
                id=f"earnings:{e.symbol}:{d.accession}",
                date=d.day,
                provider=provider.id,
                title=f"Earnings {TIMING_SHORT.get(d.timing or '', '?')}",
                label="earnings",
                detail=detail,
                search=f"earnings results 8-K 2.02 {provider.name} {e.symbol} {d.day} "
                f"{d.timing or ''} {timing}".lower(),
                url=d.url,
                study=e.study,
                comparison=comparison,
            )
        )
    return rows


#: Role words the insider filings are searched by, besides the owner's name and the codes.
_CODE_WORDS = {"P": "purchase buy", "S": "sale sell", "M": "exercise", "A": "award grant",
               "F": "tax withholding", "G": "gift"}  # fmt: skip


def insider_events(companies: Mapping[str, CompanyInsiders], book: DealBook) -> list[TimelineEvent]:
    """The timeline rows of insider filings (one per filing, its transactions summed), for the
    watched companies that are providers of the book; newest first."""
    from neotui.data.sec.insider_trades import filing_rows

    rows = []
    for symbol, company in companies.items():
        provider = book.provider_for_ticker(symbol)
        if provider is None:
            continue
        for f in filing_rows(company.trades):
            role = f" ({f.role})" if f.role else ""
            plan = ("" if f.plan_10b5_1 is None
                    else ", under a 10b5-1 plan" if f.plan_10b5_1
                    else ", not under a 10b5-1 plan")  # fmt: skip
            amends = f"; amends {f.amends}" if f.amends else ""
            detail = (f"Form {f.form} filed {f.filed} by {f.owner}{role}: transaction codes "
                      f"{f.codes}{plan}{amends}. Accession {f.accession}.")  # fmt: skip
            words = " ".join(_CODE_WORDS.get(c, "") for c in f.codes)
            rows.append(
                TimelineEvent(
                    kind=EventKind.INSIDER,
                    id=f"insider:{symbol}:{f.accession}",
                    date=f.day,
                    provider=provider.id,
                    title=f"{f.owner}{role}",
                    label="insider",
                    detail=detail,
                    search=f"insider form {f.form} {f.owner} {f.role} {f.codes} {words} "
                    f"{provider.name} {symbol} {f.day}".lower(),
                    filing=f,
                )
            )
    rows.sort(key=lambda e: (e.date, e.id), reverse=True)
    return rows
