"""The watch screen's panes that are not in its first frame: the deal timeline, capacity,
valuation, the filter box and (without lots) positions.

They are mounted right after the first frame (their styling and rows off the launch path;
bench/terminal_paint.py measures launch to the price, and to the whole screen), and their
modules load then, so this module imports them inside :func:`mount_panes`. Once mounted they are
found once and kept, typed, in :class:`Panes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.widgets import DataTable, Input

if TYPE_CHECKING:
    from textual.widget import Widget

    from neotui.screens.watch import WatchScreen
    from neotui.widgets.capacity import CapacityTable
    from neotui.widgets.positions import PositionsTable
    from neotui.widgets.timeline import DealDetail, DealTable, Timeline
    from neotui.widgets.valuation import ValuationTable


@dataclass(frozen=True)
class Panes:
    """The panes mounted after the first frame. Until they exist the keys that need them are
    greyed out (:meth:`neotui.screens.watch.WatchScreen.check_action`)."""

    timeline: Timeline
    deals: DealTable
    detail: DealDetail
    capacity: CapacityTable
    valuation: ValuationTable
    filter: Input
    positions: PositionsTable


def positions_pane() -> PositionsTable:
    """The positions table, hidden until it has lots to show."""
    from neotui.widgets.positions import PositionsTable

    positions = PositionsTable(id="positions", classes="hidden")
    positions.border_title = "Positions"
    return positions


async def mount_panes(main: Widget) -> Panes | None:
    """Mount the deferred panes into the screen's ``#main`` column; None when the app quit
    while they were mounting (``q`` pressed at launch)."""
    from neotui.widgets.capacity import CapacityTable
    from neotui.widgets.positions import PositionsTable
    from neotui.widgets.timeline import DealDetail, DealTable, Timeline
    from neotui.widgets.valuation import ValuationTable

    later: list[Widget] = []
    found = main.query(PositionsTable)  # with lots, positions are in the first frame
    positions = found.first() if found else positions_pane()
    if not found:
        later.append(positions)
    box = Input(placeholder="filter deals: words to match, escape to close", id="filter",
                classes="hidden")  # fmt: skip
    timeline = Timeline(id="timeline")
    timeline.border_title = "Deal timeline"
    capacity = CapacityTable(id="capacity")
    capacity.border_title = "Capacity · debt · backlog"
    valuation = ValuationTable(id="valuation", classes="hidden")
    valuation.border_title = "Valuation · what the market pays per MW and backlog"
    later += [box, timeline, capacity, valuation]
    await main.mount_all(later)
    deals, detail = timeline.query(DealTable), timeline.query(DealDetail)
    if not main.is_attached or not deals or not detail:
        return None
    return Panes(timeline, deals.first(), detail.first(), capacity, valuation, box, positions)


def focused_provider(screen: WatchScreen, panes: Panes | None) -> str | None:
    """The provider under the cursor of the focused pane (a deal's, a valuation row's, a quote's
    or a position's), else the providers pane's selection (None: "All")."""
    from neotui.widgets.providers import ProviderList

    focused = screen.focused
    if panes is not None and focused is panes.deals and panes.deals.current is not None:
        return panes.deals.current.provider
    if isinstance(focused, DataTable) and focused.id == "valuation" and focused.row_count:
        return str(focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value)
    if (
        isinstance(focused, DataTable)
        and focused.id in ("quotes", "positions")
        and focused.row_count
    ):
        row_key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key
        provider = screen.book.provider_for_ticker(str(row_key.value))
        return provider.id if provider else None
    return screen.query_one(ProviderList).selected


def focused_symbol(screen: WatchScreen, panes: Panes | None) -> str | None:
    """The ticker under the cursor: a quote or position row, else the provider's ticker."""
    focused = screen.focused
    if isinstance(focused, DataTable) and focused.id in ("quotes", "positions"):
        from neotui.widgets.positions import TOTAL
        from neotui.widgets.quotes import HEADING

        key = None
        if focused.row_count:
            key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value
        if key and key != TOTAL and not str(key).startswith(HEADING):  # a group heading
            return str(key)
    provider = focused_provider(screen, panes)
    p = screen.book.providers.get(provider) if provider else None
    return p.ticker if p else None
