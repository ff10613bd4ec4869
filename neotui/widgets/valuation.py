"""The valuation table (`v` swaps it with the capacity pane): per listed provider, what the market
pays per contracted MW and per dollar of backlog, each input with its date; sortable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from neotui import formatting as fmt
from neotui.data.analytics.valuation import Valuation
from neotui.data.deals.models import FinancialFact
from neotui.widgets.cells import plain, right
from neotui.widgets.figures import figure_cell
from neotui.widgets.tables import Cell, NeoTable

#: Sort orders `o` cycles through: label, key (None sorts last whatever the direction).
SORTS: tuple[tuple[str, str, Callable[[Valuation], object]], ...] = (
    ("name", "name", lambda v: v.name.casefold()),
    ("market cap per MW", "per_mw", lambda v: v.market_cap_per_mw),
    ("market cap", "cap", lambda v: v.market_cap_value),
    ("contracted MW", "mw", lambda v: v.contracted_mw),
    ("backlog / market cap", "backlog_cap", lambda v: v.backlog_to_market_cap),
    ("debt / backlog", "debt_backlog", lambda v: v.debt_to_backlog),
    ("enterprise value per MW", "ev_mw", lambda v: v.ev_per_mw),
)
_DESCENDING = {"cap", "mw", "backlog_cap"}


def _dated_text(value: str, date: str, style: str = "dim") -> Text:
    text = Text(justify="right")
    text.append(value, style="bold")
    text.append(f" {date}", style=style)
    return text


def _with_date(value: str, date: str, style: str = "dim") -> Cell:
    """A figure with its date, and the figure alone as its short form (for a narrow pane)."""
    return _dated_text(value, date, style), right(value, "bold")


def _enterprise(v: Valuation) -> Cell:
    """EV with the date(s) of its debt, finance leases and cash (the cap's is in its own
    column), the months alone in its short form; a dash unless cap, debt and cash are known."""
    ev = v.enterprise_value
    if ev is None:
        return right("—", "dim")
    # "+L": finance leases are in it (their column may have gone when the pane is narrow)
    shown = fmt.money(ev) + ("+L" if v.finance_leases is not None else "")
    days = "/".join(f"{d:%y-%m-%d}" for d in v.balance_dates)
    months = "/".join(dict.fromkeys(f"{d:%y-%m}" for d in v.balance_dates))
    return _dated_text(shown, days), _dated_text(shown, months)


def _times(value: float | None) -> Text:
    return right("—", "dim") if value is None else right(f"{value:.2f}×")


def _times_between(value: float | None, top: FinancialFact | None,
                   bottom: FinancialFact | None) -> Cell:  # fmt: skip
    """A ratio; when its two figures are of different dates (an SEC backlog over a press debt)
    both dates come with it, in its short form too (months, or days of one month)."""
    cell = _times(value)
    if value is None or top is None or bottom is None or top.as_of == bottom.as_of:
        return cell
    long_ = Text(f"{value:.2f}×", justify="right")
    long_.append(f" {top.as_of:%y-%m-%d}/{bottom.as_of:%y-%m-%d}", style="dim")
    # narrow: both months, still (both days when the month is the same)
    brief = (
        "%y-%m"
        if (top.as_of.year, top.as_of.month) != (bottom.as_of.year, bottom.as_of.month)
        else "%m-%d"
    )
    short = Text(f"{value:.2f}×", justify="right")
    short.append(f" {top.as_of:{brief}}/{bottom.as_of:{brief}}", style="dim")
    return long_, short


def valuation_cells(v: Valuation) -> list[Cell]:
    """One provider's row; a blank input shows a dash and blanks every ratio that needs it.
    Dated figures come with a short form (the month, and an SEC figure's form mark: see
    :mod:`neotui.widgets.figures`), drawn when the pane is narrow."""
    cap: Cell = right("—", "dim")
    if v.market_cap is not None:
        cap = _with_date(fmt.money(v.market_cap.value), f"{v.market_cap.as_of:%m-%d %H:%M}")
    mw: Cell = right("—", "dim")
    if v.contracted_mw is not None:
        mw = _with_date(fmt.power(v.contracted_mw),
                        f"{v.contracted_deals}d to {v.contracted_as_of:%y-%m}")  # fmt: skip
    per_mw = v.market_cap_per_mw
    return [
        plain(v.name, "bold"),
        plain(v.symbol),
        cap,
        mw,
        right("—", "dim") if per_mw is None else right(f"{fmt.money(per_mw)}/MW", "bold"),
        figure_cell(v.backlog),
        _times(v.backlog_to_market_cap),
        figure_cell(v.debt),
        _times_between(v.debt_to_backlog, v.debt, v.backlog),
        figure_cell(v.revenue),
        figure_cell(v.finance_leases),
        _enterprise(v),
        right("—", "dim") if v.ev_per_mw is None else right(f"{fmt.money(v.ev_per_mw)}/MW"),
    ]


class ValuationTable(NeoTable, keys="valuation"):
    """The valuation rows; `o` or a click on a column header changes the order. When the pane is
    narrow the inputs shorten to their short forms (``$55.6B Q25-09``: source and month kept),
    then long names are clipped, then the least telling columns are dropped (revenue, finance
    leases, EV, debt, symbol, contracted MW, EV per MW, debt/backlog, backlog...): backlog
    per market cap stays longest, and the backlog with its source and month beside it."""

    BINDINGS = [
        Binding(
            "o",
            "cycle_sort",
            "Order",
            tooltip="Change the valuation order",
            id="neotui.valuation.sort",
        ),
    ]

    COLUMNS = (
        ("name", "Provider"), ("symbol", "Sym"), ("cap", "Market cap"), ("mw", "Contracted"),
        ("per_mw", "Cap per MW"), ("backlog", "Backlog"), ("backlog_cap", "Backlog/cap"),
        ("debt", "Debt"), ("debt_backlog", "Debt/backlog"), ("revenue", "Revenue"),
        ("leases", "Fin. leases"), ("ev", "EV"), ("ev_mw", "EV per MW"),
    )  # fmt: skip

    #: Columns narrowed first (None: to their short forms), then dropped.
    NARROW: dict[str, int | None] = {"debt_backlog": None, "ev": None, "leases": None,
                                      "revenue": None, "debt": None, "backlog": None, "mw": None,
                                      "cap": None, "name": 10}  # fmt: skip
    DROP = ("revenue", "leases", "ev", "debt", "symbol", "mw", "ev_mw", "debt_backlog",
            "backlog", "cap", "backlog_cap")  # fmt: skip

    def __init__(self, **kw: Any) -> None:
        super().__init__(drop=self.DROP, narrow=self.NARROW, **kw)
        self.valuations: list[Valuation] = []
        self.sort_index = 0
        self._signature: object = None

    def on_mount(self) -> None:
        self.set_data(self.COLUMNS, [])

    @property
    def sort_label(self) -> str:
        """The current order, for the pane's subtitle."""
        return SORTS[self.sort_index][0]

    def set_rows(self, rows: list[Valuation]) -> None:
        """Show new figures (only redrawn when something changed)."""
        self.valuations = rows
        self._redraw()

    def _ordered(self) -> list[Valuation]:
        _, key, get = SORTS[self.sort_index]
        known = [v for v in self.valuations if get(v) is not None]
        unknown = [v for v in self.valuations if get(v) is None]
        known.sort(key=get, reverse=key in _DESCENDING)  # type: ignore[arg-type]
        return known + sorted(unknown, key=lambda v: v.name.casefold())

    def _redraw(self) -> None:
        ordered = self._ordered()
        signature = (self.sort_index, tuple(ordered))
        if signature == self._signature:
            return
        self._signature = signature
        self.set_data(self.COLUMNS, [valuation_cells(v) for v in ordered],
                      [v.provider for v in ordered])  # fmt: skip
        self.border_subtitle = f"sorted by {self.sort_label} · o to change"

    def action_cycle_sort(self) -> None:
        """Next sort order."""
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self._redraw()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        keys = [key for _, key, _ in SORTS]
        column = str(event.column_key.value)
        if column in keys:
            self.sort_index = keys.index(column)
            self._redraw()
