"""Which pane the watch screen shows where: the panes that take turns in the capacity table's
place (capacity, valuation, Filings · News), the timeline and capacity swapping on short
terminals, and the positions pane shown or hidden.

Separate from ``watch.py`` (which stays under the size limit): the screen's actions for these
keys import it on the first press, so none of it is on the launch path. Each function is the
body of the action of the same name on :class:`~neotui.screens.watch.WatchScreen`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from neotui.widgets.quotes import QuotesTable

if TYPE_CHECKING:
    from neotui.screens.watch import WatchScreen


def toggle_positions(screen: WatchScreen) -> None:
    """Show or hide the positions pane (focused when shown)."""
    if not screen.host.settings.lots:
        screen.notify(
            "No positions: add [[lot]] tables (symbol, quantity, cost) to neotui.toml.",
            timeout=6,
        )
        return
    table = screen.panes.positions
    screen._positions_hidden = not table.has_class("hidden")
    table.set_class(screen._positions_hidden, "hidden")
    if not screen._positions_hidden:
        table.focus()
    elif table.has_focus:
        screen.query_one(QuotesTable).focus()


def toggle_capacity(screen: WatchScreen) -> None:
    """On short terminals, swap the timeline and the capacity table; else focus capacity."""
    panes = screen.panes
    if screen.has_class("short"):
        screen.toggle_class("show-capacity")
        target = panes.capacity if screen.has_class("show-capacity") else panes.deals
        target.focus()
    else:
        panes.capacity.focus()


def toggle_valuation(screen: WatchScreen) -> None:
    """Swap the capacity pane for the valuation table (and back)."""
    panes = screen.panes
    table = panes.valuation
    showing = table.has_class("hidden")
    table.set_class(not showing, "hidden")
    panes.capacity.set_class(showing, "hidden")
    screen.set_class(showing, "show-valuation")
    if showing:
        feeds = screen._feeds
        if feeds.pane is not None and feeds.shown:  # one pane in its place
            feeds.pane.add_class("hidden")
            screen.remove_class("show-feeds")
        if screen.has_class("short"):
            screen.add_class("show-capacity")  # on short terminals it takes the timeline's place
        screen._show_market_views()  # after the classes that decide whether it is displayed
        table.focus()
    else:
        panes.capacity.focus()


async def toggle_feeds(screen: WatchScreen) -> None:
    """Show the Filings · News pane (in place of the capacity table) and focus it, or hide it
    again. The first time, the pane is built and given what arrived so far."""
    panes = screen.panes
    feeds = await screen._feeds.ensure(screen, screen.book, screen.host.clock())
    showing = feeds.has_class("hidden")
    feeds.set_class(not showing, "hidden")
    screen.set_class(showing, "show-feeds")
    if showing:
        if not panes.valuation.has_class("hidden"):
            # one pane in the capacity's place at a time: valuation goes back behind it
            panes.valuation.add_class("hidden")
            panes.capacity.remove_class("hidden")
            screen.remove_class("show-valuation")
        screen.remove_class("show-capacity")
        feeds.update_data(now=screen.host.clock())
        feeds.query_one("#feeds-table").focus()
    elif screen.focused is None or screen.focused.id == "feeds-table":
        panes.deals.focus()
