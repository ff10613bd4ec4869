"""The command palette's entries for the watch screen (``ctrl+p``): the same actions as its
keys, an alert per watched symbol and a detail screen per provider."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

if TYPE_CHECKING:
    from neotui.screens.watch import WatchScreen


def watch_commands(
    screen: WatchScreen, symbols: Sequence[str], open_provider: Callable[[str], None]
) -> Iterator[SystemCommand]:
    """The watch screen's palette entries (offered once its panes are mounted)."""
    yield SystemCommand("Filter deals", "Filter the timeline by text", screen.action_filter)
    yield SystemCommand("Positions", "Show or hide your positions", screen.action_toggle_positions)
    for symbol in symbols:
        yield SystemCommand(
            f"Add alert on {symbol}",
            f"A price alert on {symbol}: above, below or a day move in %",
            partial(screen.records.ask_alert, symbol),
        )
    yield SystemCommand("Sort quotes", "Cycle the quotes sort order", screen.action_sort)
    yield SystemCommand(
        "Filings and news",
        "Show or hide SEC filings and headlines of the selected provider",
        screen.action_toggle_feeds,
    )
    for provider in sorted(screen.book.providers.values(), key=lambda p: p.name):
        yield SystemCommand(
            f"Open {provider.name}",
            f"Details, chart and deals of {provider.name}",
            partial(open_provider, provider.id),
        )
