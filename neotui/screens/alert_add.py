"""The small modal behind `a`: a price alert on one symbol (above, below, or a day move in %)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from neotui import formatting as fmt
from neotui.data.alerts.rules import AlertKind, AlertRule

#: The kinds the modal offers, in RadioSet order, with the suggested threshold for a price.
KINDS: tuple[tuple[AlertKind, str], ...] = (
    (AlertKind.ABOVE, "above a price"),
    (AlertKind.BELOW, "below a price"),
    (AlertKind.MOVE_PCT, "day move beyond ± %"),
)


def suggestion(kind: AlertKind, price: float | None) -> str:
    """A starting threshold: 5 % away from the price, or an 8 % move."""
    if kind is AlertKind.MOVE_PCT or price is None:
        return "8" if kind is AlertKind.MOVE_PCT else ""
    factor = 1.05 if kind is AlertKind.ABOVE else 0.95
    return f"{price * factor:.2f}"


class AddAlert(ModalScreen[AlertRule | None]):
    """Ask for the kind and threshold; dismiss with the new rule, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="neotui.alert_add.cancel")]

    def __init__(self, symbol: str, price: float | None) -> None:
        super().__init__()
        self.symbol = symbol
        self.price = price

    def compose(self) -> ComposeResult:
        with Vertical(id="alert-box"):
            last = f" (last {fmt.price(self.price)})" if self.price is not None else ""
            yield Static(Content(f"New alert on {self.symbol}{last}"), id="alert-title")
            with RadioSet(id="alert-kind"):
                for i, (_, label) in enumerate(KINDS):
                    yield RadioButton(label, value=i == 0)
            yield Label("Threshold: a price, or % for a day move", id="alert-hint")
            yield Input(
                suggestion(AlertKind.ABOVE, self.price),
                placeholder="threshold",
                type="number",
                id="alert-threshold",
            )
            yield Label("", id="alert-error")
            with Horizontal(id="alert-buttons"):
                yield Button("Add", variant="primary", id="alert-ok")
                yield Button("Cancel", id="alert-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @property
    def kind(self) -> AlertKind:
        """The kind chosen in the radio set."""
        index = self.query_one(RadioSet).pressed_index
        return KINDS[max(index, 0)][0]

    @on(RadioSet.Changed)
    def _kind_changed(self) -> None:
        self.query_one(Input).value = suggestion(self.kind, self.price)

    @on(Input.Submitted)
    @on(Button.Pressed, "#alert-ok")
    def _submit(self) -> None:
        text = self.query_one(Input).value.strip()
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if not value > 0 or value == float("inf"):
            self.query_one("#alert-error", Label).update(
                Content(f"Enter a number greater than 0 (got {text!r}).")
            )
            return
        self.dismiss(AlertRule(self.kind, self.symbol, value))

    @on(Button.Pressed, "#alert-cancel")
    def action_cancel(self) -> None:
        """Close without adding anything."""
        self.dismiss(None)
