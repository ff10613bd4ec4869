"""The `A` screen: the last 100 alerts, newest first, with time and reason; and the rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from neotui.data.alerts.engine import AlertEngine
from neotui.data.alerts.rules import PRICE_KINDS, RuleStatus
from neotui.data.clean import clean_text
from neotui.widgets.tables import NeoTable

FIRED = (("time", "Time"), ("symbol", "Symbol"), ("alert", "Alert"), ("reason", "Reason"),
         ("rule", "Rule"))  # fmt: skip
RULES = (("rule", "Rule"), ("kind", "Kind"), ("state", "State"), ("since", "Since"))


def _local(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else ""


class AlertsScreen(ModalScreen[None]):
    """What fired and what is armed: read from the engine when opened."""

    BINDINGS = [Binding("escape,q,A", "dismiss", "Close", id="neotui.alerts.close")]

    def __init__(self, engine: AlertEngine, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.engine = engine
        self.clock = clock

    def compose(self) -> ComposeResult:
        with Vertical(id="alerts-box"):
            yield Static("Alerts", id="alerts-title")
            # Narrow terminals: the rule's name goes first, then the alert's title (the reason
            # says it again, with the price), then the reason is clipped.
            yield NeoTable(id="alerts-fired", drop_first=("rule", "alert"),
                              narrow={"reason": 16})  # fmt: skip
            yield Static("Rules", id="alerts-rules-title")
            yield NeoTable(id="alerts-rules", narrow={"rule": 14}, drop=("since", "kind"))
            yield Static(
                "a on a quote or provider adds a price alert  ·  rules live in neotui.toml "
                "[[alert]] and the data dir's alerts.toml  ·  escape closes",
                id="alerts-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        fired = self.query_one("#alerts-fired", NeoTable)
        history = list(reversed(self.engine.history))
        rows = [
            [
                Text(_local(alert.at), style="dim"),
                Text(alert.symbol or "", style="bold"),
                Text(clean_text(alert.title)),
                Text(clean_text(alert.message)),
                Text(clean_text(alert.rule), style="dim"),
            ]
            for alert in history
        ]
        if not history:
            rows = [[Text("none yet", style="dim italic"), *(Text("") for _ in range(4))]]
        fired.set_data(FIRED, rows)
        count = len(history)
        title = f"Alerts · last {count} (of at most 100), newest first" if count else "Alerts"
        self.query_one("#alerts-title", Static).update(Content(title))
        lines: list[list[Text]] = []
        for rule in self.engine.rules:
            state = self.engine.states.get(rule.id)
            status = state.status if state else RuleStatus.UNKNOWN
            style = "bold yellow" if status is RuleStatus.TRIGGERED else ""
            lines.append([
                Text(clean_text(rule.id)),
                Text(str(rule.kind), style="dim"),
                Text(str(status) if rule.kind in PRICE_KINDS else "", style=style),
                Text(_local(state.at if state else None), style="dim"),
            ])  # fmt: skip
        if not self.engine.rules:
            lines = [[Text("no rules: press a on a quote", style="dim italic"),
                      *(Text("") for _ in range(3))]]  # fmt: skip
        self.query_one("#alerts-rules", NeoTable).set_data(RULES, lines)
        fired.focus()
