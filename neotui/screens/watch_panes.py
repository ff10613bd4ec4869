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

from textual.widgets import Input

if TYPE_CHECKING:
    from textual.widget import Widget

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
