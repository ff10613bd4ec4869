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
from textual.widgets import DataTable, Static

from neotui.data.alert_engine import AlertEngine
from neotui.data.alerts import PRICE_KINDS, RuleStatus
from neotui.data.text import clean_text


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
            yield DataTable(id="alerts-fired", cursor_type="row", zebra_stripes=True)
            yield Static("Rules", id="alerts-rules-title")
            yield DataTable(id="alerts-rules", cursor_type="row", zebra_stripes=True)
            yield Static(
                "a on a quote or provider adds a price alert  ·  rules live in neotui.toml "
                "[[alert]] and the data dir's alerts.toml  ·  escape closes",
                id="alerts-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        fired = self.query_one("#alerts-fired", DataTable)
        fired.add_columns("Time", "Symbol", "Alert", "Reason", "Rule")
        history = list(reversed(self.engine.history))
        for alert in history:
            fired.add_row(
                Text(_local(alert.at), style="dim"),
                Text(alert.symbol or "", style="bold"),
                Text(clean_text(alert.title)),
                Text(clean_text(alert.message)),
                Text(clean_text(alert.rule), style="dim"),
            )
        if not history:
            fired.add_row(Text("none yet", style="dim italic"), *(Text("") for _ in range(4)))
        count = len(history)
        title = f"Alerts · last {count} (of at most 100), newest first" if count else "Alerts"
        self.query_one("#alerts-title", Static).update(Content(title))
        rules = self.query_one("#alerts-rules", DataTable)
        rules.add_columns("Rule", "Kind", "State", "Since")
        for rule in self.engine.rules:
            state = self.engine.states.get(rule.id)
            status = state.status if state else RuleStatus.UNKNOWN
            style = "bold yellow" if status is RuleStatus.TRIGGERED else ""
            rules.add_row(
                Text(clean_text(rule.id)),
                Text(str(rule.kind), style="dim"),
                Text(
                    str(status) if rule.kind in PRICE_KINDS else "",
                    style=style,
                ),
                Text(_local(state.at if state else None), style="dim"),
            )
        if not self.engine.rules:
            rules.add_row(
                Text("no rules: press a on a quote", style="dim italic"),
                *(Text("") for _ in range(3)),
            )
        fired.focus()
