"""What the app records for the user, in its own data directory, off the event loop: alerts
(delivering what fired, storing the engine's state, rules added from the screen, the alerts
list) and deals captured from the Filings · News pane (``x``). Mixed into
:class:`neotui.app.NeoApp`, which owns ``alert_engine``, ``notifier``, ``feed``, ``clock``,
``last_feed``, ``watcher`` and the watch screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from neotui.settings import app_rules_file

if TYPE_CHECKING:
    from neotui.data.alerts.rules import Alert, AlertRule, FilingEvent, HeadlineEvent
    from neotui.data.deals.capture import Draft
    from neotui.notify import Notifier
    from neotui.widgets.feeds import FeedsTable


class RecordsMixin:
    """Alert delivery, the alert keys and deal capture of :class:`neotui.app.NeoApp`."""

    if TYPE_CHECKING:  # provided by NeoApp / App
        from collections.abc import Callable
        from datetime import datetime

        from neotui.data.alerts.engine import AlertEngine
        from neotui.data.deals.watcher import BookUpdate, DealsWatcher
        from neotui.data.market.feed import FeedUpdate, MarketFeed
        from neotui.screens.watch import WatchScreen

        alert_engine: AlertEngine
        notifier: Notifier
        feed: MarketFeed | None
        last_feed: FeedUpdate | None
        clock: Callable[[], datetime]
        watcher: DealsWatcher
        watch_screen: WatchScreen

        def _show_book(self, update: BookUpdate) -> None: ...

    def deliver(self, alerts: list[Alert]) -> None:
        """Show fired alerts (toast always; bell, desktop, command as set) and store the state."""
        for alert in alerts:
            self.notify(alert.message, title=alert.title, severity="warning", timeout=12,
                        markup=False)  # fmt: skip
            self.notifier.on_screen(alert)
            if self.notifier.argv:
                self.run_alert_command(alert)
        if self.alert_engine.dirty and self.alert_engine.store is not None:
            data, generation = self.alert_engine.snapshot()
            self._save_alert_state(data, generation)

    def deliver_filings(self, events: list[FilingEvent]) -> None:
        """New filings from the filings feed: ``filing_items`` rules."""
        self.deliver(self.alert_engine.on_filings(events))

    def deliver_headlines(self, events: list[HeadlineEvent]) -> None:
        """New headlines from the news feed: ``headline`` rules."""
        self.deliver(self.alert_engine.on_headlines(events))

    def _write_terminal(self, text: str) -> None:
        # Through the driver, like App.bell: in order with the frames, never mid-frame.
        if not self.is_headless and self._driver is not None:
            self._driver.write(text)

    @work(thread=True, group="alerts-save", exit_on_error=False)
    def _save_alert_state(self, data: dict, generation: int) -> None:
        store = self.alert_engine.store
        if store is not None:
            store.save(data, generation)
            if store.warning:
                self.call_from_thread(self.notify, store.warning, title="Alerts",
                                      severity="error", markup=False)  # fmt: skip

    @work(group="alert-command", exit_on_error=False)
    async def run_alert_command(self, alert: Alert) -> None:
        """Run ``alerts.command`` for one alert; its first failure is shown."""
        problem = await self.notifier.command(alert)
        if problem:
            self.notify(problem, title="Alerts", severity="error", timeout=10, markup=False)

    def ask_alert(self, symbol: str) -> None:
        """Open the new-alert modal for ``symbol``."""
        from neotui.screens.alert_add import AddAlert

        state = self.last_feed.states.get(symbol) if self.last_feed else None
        price = state.quote.price if state and state.quote else None
        self.push_screen(AddAlert(symbol, price), self.add_alert)

    def add_alert(self, rule: AlertRule | None) -> None:
        """Add a rule from the screen: kept in the app-owned alerts.toml, evaluated at once."""
        if rule is None:
            return
        if not self.alert_engine.add_rule(rule):
            self.notify(f"Alert “{rule.id}” already exists.", timeout=4, markup=False)
            return
        self._append_rule(rule)
        feed_symbols = self.feed.symbols if self.feed else ()
        later = "" if rule.symbol in feed_symbols else " (no quotes for it until the next start)"
        self.notify(f"Alert added: {rule.id}{later}", timeout=4, markup=False)
        if self.last_feed is not None:
            self.deliver(self.alert_engine.on_quotes(self.last_feed.states))

    @work(thread=True, group="alerts-save", exit_on_error=False)
    def _append_rule(self, rule: AlertRule) -> None:
        rules = app_rules_file()
        try:
            rules.append(rule)
        except OSError as exc:
            self.call_from_thread(
                self.notify,
                f"Cannot save the alert to {rules.path}: {exc.strerror or exc}. "
                "It works until neotui exits.",
                title="Alerts", severity="error", markup=False,
            )  # fmt: skip

    def action_alerts(self) -> None:
        """Open the alerts list, unless it is already open."""
        from neotui.screens.alerts import AlertsScreen

        if not isinstance(self.screen, AlertsScreen):
            self.push_screen(AlertsScreen(self.alert_engine, self.clock))

    # --- captured deals -------------------------------------------------------------------------

    def on_feeds_table_capture(self, event: FeedsTable.Capture) -> None:
        """Write the row as a draft deal in captured.toml and show it in the timeline."""
        from neotui.data.deals.capture import draft_for

        row = event.row
        draft = draft_for(self.watch_screen.book, row.symbol, row.filing, row.headline,
                          row.candidate)  # fmt: skip
        if isinstance(draft, str):
            self.notify(draft, severity="warning", markup=False)
        else:
            self._capture(draft)

    @work(thread=True, group="capture", exit_on_error=False)
    def _capture(self, draft: Draft) -> None:
        """Off the event loop: the write, then the book reloaded with the draft in it."""
        from neotui.data.deals.capture import write_draft
        from neotui.sources import captured_path

        path = captured_path()
        try:
            written = write_draft(path, draft)
        except OSError as exc:
            self.call_from_thread(self.notify, f"Cannot write {path}: {exc.strerror or exc}",
                                  severity="error", markup=False)  # fmt: skip
            return
        if not written:
            self.call_from_thread(self.notify, f"Already captured as {draft.id}.", timeout=4,
                                  markup=False)  # fmt: skip
            return
        update = self.watcher.load()
        self.call_from_thread(self._show_book, update)
        self.call_from_thread(self.notify, f"Captured {draft.id} in {path} (a draft: complete "
                              "it there).", timeout=6, markup=False)  # fmt: skip
