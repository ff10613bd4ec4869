"""The Textual application: its bindings, its screens and the one factory that builds it."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from neotui.screens.help import HelpScreen, collect_key_help
from neotui.settings import Settings


class NeoApp(App[None]):
    """neotui's app. It receives its settings (and, later, its data sources) from `make_app`."""

    CSS_PATH = "app.tcss"
    TITLE = "neotui"
    SUB_TITLE = "AI neocloud monitor"

    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Leave neotui", id="neotui.quit"),
        Binding("question_mark", "help", "Help", tooltip="Show every key", id="neotui.help"),
    ]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    def on_mount(self) -> None:
        if self.settings.ui.theme in self.available_themes:
            self.theme = self.settings.ui.theme
        else:
            self.notify(
                f"Unknown theme {self.settings.ui.theme!r}; using {self.theme}.",
                severity="warning",
            )
        if self.settings.keys:
            self.set_keymap(dict(self.settings.keys))

    def action_help(self) -> None:
        """Open the help screen, unless it is already open."""
        if not isinstance(self.screen, HelpScreen):
            rows = collect_key_help(self.screen.active_bindings, self.get_key_display)
            self.push_screen(HelpScreen(rows))


def make_app(settings: Settings) -> NeoApp:
    """Build the app. The CLI and the tests both come through here."""
    return NeoApp(settings)
