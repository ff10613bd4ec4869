"""The `?` help screen: every key active on the screen underneath, grouped by action, with ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from neotui.widgets.tables import NeoTable


@dataclass(frozen=True)
class KeyHelp:
    """One row of the help table: the keys that trigger one action."""

    keys: str
    description: str
    binding_id: str


def collect_key_help(
    active: dict[str, ActiveBinding],
    display: Callable[[Binding], str],
    shadowed: Iterable[Binding] = (),
) -> list[KeyHelp]:
    """Group a screen's active bindings by action, keeping declaration order.

    Args:
        active: ``screen.active_bindings`` of the screen the help is about (keymap applied).
        display: ``App.get_key_display``, so keys read as the footer shows them.
        shadowed: the screen's own bindings, listed even where a focused widget binds the
            same key (``enter`` on a table opens the detail screen either way).
    """
    grouped: dict[tuple[int, str], tuple[list[str], Binding]] = {}
    items: list[tuple[object, Binding]] = [(item.node, item.binding) for item in active.values()]
    items += [(None, binding) for binding in shadowed]
    for node, binding in items:
        if not binding.description:
            continue
        group = (0, binding.id) if binding.id else (id(node), binding.action)
        keys, _ = grouped.setdefault(group, ([], binding))
        shown = display(binding)
        if shown not in keys:
            keys.append(shown)
    return [
        KeyHelp(" ".join(keys), binding.tooltip or binding.description, binding.id or "")
        for keys, binding in grouped.values()
    ]


class HelpScreen(ModalScreen[None]):
    """A modal table of keys, so users can learn them and find the ids to rebind them."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="neotui.help.close"),
    ]

    def __init__(self, rows: list[KeyHelp]) -> None:
        super().__init__()
        self._rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            # The id is what a user copies into [keys]: on a narrow terminal the action's words
            # are clipped first, the id never.
            yield NeoTable(id="help-keys", narrow={"action": 16})
            yield Static(
                'Rebind any key by id in neotui.toml, e.g. [keys] "neotui.refresh" = "r,f5"'
                "  ·  escape closes",
                id="help-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        table = self.query_one(NeoTable)
        table.set_data(
            [("key", "Key"), ("action", "Action"), ("id", "Id")],
            [
                [Text(row.keys, style="bold"), Text(row.description),
                 Text(row.binding_id, style="dim")]
                for row in self._rows
            ],
        )  # fmt: skip


def help_for(screen: Screen[Any], display: Callable[[Binding], str]) -> HelpScreen:
    """The help screen about ``screen``: its active keys, and its own even where a focused
    widget binds the same key."""
    own = [b for bs in screen._bindings.key_to_bindings.values() for b in bs]
    return HelpScreen(collect_key_help(screen.active_bindings, display, own))
