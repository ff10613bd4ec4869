"""The positions pane: the user's lots per symbol, valued at the live quotes, with a totals row."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from neotui import formatting as fmt
from neotui.data.portfolio import Portfolio, Position, portfolio_status
from neotui.widgets.cells import direction_style
from neotui.widgets.tables import NeoTable

COLUMNS: tuple[tuple[str, str], ...] = (
    ("symbol", "Sym"),
    ("qty", "Qty"),
    ("avg", "Avg cost"),
    ("price", "Price"),
    ("value", "Value"),
    ("day", "Day chg"),
    ("gain", "Gain"),
    ("gain_pct", "Gain%"),
    ("weight", "Weight"),
    ("status", "Status"),
)
TOTAL = "__total__"


def _num(text: str, value: float | None = None, dim: bool = False) -> Text:
    style = direction_style(value) if value is not None else ""
    return Text(text, style=f"{style} dim".strip() if dim else style, justify="right")


def _status(p: Position) -> str:
    if p.price is None:
        return p.reason or "no price"
    return f"stale: {p.reason}" if p.stale else ""


def position_cells(p: Position) -> list[Text]:
    """One position's cells; a stale row is dimmed and says so, a missing price shows —."""
    dim = p.stale or p.price is None
    return [
        Text(p.symbol, style="bold dim" if dim else "bold"),
        _num(fmt.quantity(p.quantity), dim=dim),
        _num(fmt.price(p.average_cost), dim=dim),
        _num(fmt.price(p.price), dim=dim),
        _num(fmt.amount(p.value), dim=dim),
        _num(fmt.amount(p.day_change, signed=True), p.day_change, dim),
        _num(fmt.amount(p.gain, signed=True), p.gain, dim),
        _num(fmt.fraction(p.gain_pct), p.gain_pct, dim),
        _num(fmt.fraction(p.weight, signed=False), dim=dim),
        Text(_status(p), style="dim italic" if dim else ""),
    ]


def total_cells(pf: Portfolio) -> list[Text]:
    """The totals row: value, day change and gain of the priced positions, and what is stale."""
    status = portfolio_status(pf) or ""
    return [
        Text("Total", style="bold"),
        Text(""),
        Text(""),
        Text(""),
        _num(fmt.amount(pf.value)),
        _num(fmt.amount(pf.day_change, signed=True), pf.day_change),
        _num(fmt.amount(pf.gain, signed=True), pf.gain),
        _num(fmt.fraction(pf.gain_pct), pf.gain_pct),
        _num(fmt.fraction(pf.weight, signed=False)),
        Text(status, style="italic" if status else ""),
    ]


#: When the pane is narrow the status message is clipped first, then these columns go, least
#: telling first: what a position is worth and how it did stay.
NARROW = {"status": 14}
DROP = ("avg", "qty", "weight", "price", "day", "gain")


class PositionsTable(NeoTable, keys="positions"):
    """One row per held symbol and a totals row; cells change in place between updates, and the
    columns fit the pane's width (see :data:`DROP`)."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(drop=DROP, narrow=NARROW, **kw)
        self.portfolio: Portfolio | None = None

    def on_mount(self) -> None:
        if self.portfolio is None:
            self.set_data(COLUMNS, [])

    def show(self, portfolio: Portfolio) -> None:
        """Draw ``portfolio``: in place when the same symbols are held and the columns still
        fit, else rebuilt."""
        self.portfolio = portfolio
        rows = [*(p.symbol for p in portfolio.positions), TOTAL]
        cells = [position_cells(p) for p in portfolio.positions] + [total_cells(portfolio)]
        self.set_data(COLUMNS, cells, rows)
        stale = ", ".join(portfolio.stale)
        self.border_subtitle = f"stale: {stale}" if stale else ""
