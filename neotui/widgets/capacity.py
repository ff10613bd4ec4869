"""The capacity pane: per provider, power now and targets by year, GPUs, data centres, and the
latest debt and backlog with their dates, to read contracted value against debt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from neotui import formatting as fmt
from neotui.data.analytics.reported import chosen, facts_for
from neotui.data.deals import DealBook
from neotui.data.deals.models import CapacityPoint, FinancialFact
from neotui.data.sec.facts import CompanyFacts
from neotui.widgets.cells import plain, right
from neotui.widgets.figures import figure_cell
from neotui.widgets.tables import Cell, NeoTable


@dataclass(frozen=True)
class CapacityRow:
    """One provider's line of the capacity table (computed without pandas: start-up is fast)."""

    provider: str
    name: str
    power_now: CapacityPoint | None
    targets: dict[int, CapacityPoint]
    gpus: CapacityPoint | None
    sites: CapacityPoint | None
    debt: FinancialFact | None
    backlog: FinancialFact | None


def _latest(points: list[CapacityPoint]) -> CapacityPoint | None:
    return max(points, key=lambda c: (c.as_of, c.id), default=None)


def capacity_rows(
    book: DealBook, provider: str | None = None, facts: Mapping[str, CompanyFacts] | None = None
) -> list[CapacityRow]:
    """Rows for every provider with any capacity or debt/backlog figure (or just ``provider``).
    Debt and backlog are the SEC's newest figures when ``facts`` (by symbol) has them."""
    rows = []
    for pid, p in sorted(book.providers.items(), key=lambda kv: kv[1].name):
        if provider is not None and pid != provider:
            continue
        points = [c for c in book.capacity if c.provider == pid]
        targets: dict[int, CapacityPoint] = {}
        for c in points:
            year = c.year
            if c.metric != "power_target" or year is None:
                continue
            if year not in targets or targets[year].as_of < c.as_of:
                targets[year] = c
        # The SEC's, else USD press figures (they compare with each other), else any reported.
        sec = facts_for(facts, p.ticker)
        debt = chosen(book, pid, "debt", sec) or book.latest(pid, "debt")
        backlog = chosen(book, pid, "backlog", sec) or book.latest(pid, "backlog")
        row = CapacityRow(
            provider=pid,
            name=p.name,
            power_now=_latest([c for c in points if c.metric == "power"]),
            targets=targets,
            gpus=_latest([c for c in points if c.family == "gpus"]),
            sites=_latest([c for c in points if c.family == "data_centers"]),
            debt=debt,
            backlog=backlog,
        )
        if points or debt or backlog or provider is not None:
            rows.append(row)
    return rows


def _power(point: CapacityPoint | None) -> Text:
    if point is None:
        return right("—", "dim")
    return right(fmt.power(point.value_mw))


def _amount(point: CapacityPoint | None) -> Text:
    if point is None:
        return right("—", "dim")
    suffix = f" by {point.year}" if point.is_target and point.year else ""
    return right(f"{fmt.count(point.value)}{suffix}")


class CapacityTable(NeoTable, keys="capacity"):
    """The capacity rows; columns for every target year present in the book. When the pane is
    narrow long names are clipped, then the least useful columns go: site and GPU counts, the
    furthest targets, then today's power."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(narrow={"name": 10, "debt": None, "backlog": None}, **kw)
        self.book = DealBook()
        self.facts: Mapping[str, CompanyFacts] = {}
        self.provider: str | None = None

    def set_book(self, book: DealBook, facts: Mapping[str, CompanyFacts] | None = None) -> None:
        """Show a new book (and the SEC facts by symbol, when any were delivered)."""
        self.book = book
        self.facts = facts or {}
        self._fill()

    def show_provider(self, provider: str | None) -> None:
        """Only one provider's row (None: every provider)."""
        self.provider = provider
        self._fill()

    def _fill(self) -> None:
        rows = capacity_rows(self.book, self.provider, self.facts)
        years = sorted({y for r in rows for y in r.targets})
        columns = [("name", "Provider"), ("now", "Power now")]
        columns += [(f"y{year}", f"→{year}") for year in years]
        columns += [("gpus", "GPUs"), ("sites", "Data centres"), ("backlog", "Backlog"),
                    ("debt", "Debt"), ("ratio", "Backlog/Debt")]  # fmt: skip
        self.fit_drop = ("sites", "gpus", *(f"y{y}" for y in reversed(years)), "now")
        self.set_data(columns, [self._cells(r, years) for r in rows], [r.provider for r in rows])

    @staticmethod
    def _cells(r: CapacityRow, years: list[int]) -> list[Cell]:
        ratio = "—"
        if r.backlog and r.debt and r.backlog.unit == r.debt.unit and r.debt.value:
            ratio = f"{r.backlog.value / r.debt.value:.1f}×"
        return [
            plain(r.name, "bold"),
            _power(r.power_now),
            *(_power(r.targets.get(y)) for y in years),
            _amount(r.gpus),
            _amount(r.sites),
            figure_cell(r.backlog, press_day=False),
            figure_cell(r.debt, press_day=False),
            right(ratio),
        ]
