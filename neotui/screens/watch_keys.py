"""The watch screen's keys. Each has an id, so a user's ``[keys]`` table can rebind it and the
help screen (``?``) lists it."""

from __future__ import annotations

from textual.binding import Binding, BindingType

WATCH_KEYS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Next pane", id="neotui.next_pane"),
    Binding("shift+tab", "app.focus_previous", "Prev pane", show=False, id="neotui.prev_pane"),
    Binding("enter", "open_detail", "Details", id="neotui.details"),
    Binding(
        "slash",
        "filter",
        "Filter",
        tooltip="Filter the deal timeline by text",
        id="neotui.filter",
    ),
    Binding("s", "sort", "Sort", tooltip="Cycle the quotes sort order", id="neotui.sort"),
    Binding(
        "t",
        "timeline_kind",
        "Kinds",
        tooltip="Timeline: all events, deals only, earnings only, …",
        show=False,
        id="neotui.timeline.kind",
    ),
    Binding(
        "c",
        "toggle_capacity",
        "Capacity",
        tooltip="Show capacity or the timeline",
        id="neotui.capacity",
    ),
    Binding(
        "v",
        "toggle_valuation",
        "Valuation",
        tooltip="Swap the capacity pane for the valuation table",
        id="neotui.valuation",
    ),
    Binding(
        "f",
        "toggle_feeds",
        "Filings",
        tooltip="Show SEC filings and headlines of the selected provider",
        id="neotui.filings",
    ),
    Binding("escape", "clear", "Clear filter", show=False, id="neotui.clear"),
    Binding(
        "p",
        "toggle_positions",
        "Positions",
        tooltip="Show or hide your positions",
        show=False,
        id="neotui.positions",
    ),
    Binding(
        "a",
        "add_alert",
        "Add alert",
        tooltip="Add a price alert on this symbol",
        show=False,
        id="neotui.add_alert",
    ),
    Binding(
        "g",
        "next_group",
        "Group",
        tooltip="Show the next watchlist group",
        show=False,
        id="neotui.group.next",
    ),
    Binding(
        "G",
        "all_groups",
        "All groups",
        tooltip="Show every group under its heading",
        show=False,
        id="neotui.group.all",
    ),
]

NEED_PANES = frozenset(
    {
        "open_detail",
        "filter",
        "clear",
        "sort",
        "timeline_kind",
        "toggle_capacity",
        "toggle_valuation",
        "toggle_feeds",
        "toggle_positions",
    }
)
"""The actions that work on the panes mounted after the first frame; the screen greys their
keys until those panes exist (a key pressed during start-up does nothing, never crashes)."""
