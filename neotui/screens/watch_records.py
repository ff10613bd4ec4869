"""What the watch screen records for the user in neotui's own data directory, off the event
loop: deals captured from the Filings · News pane (``x``) and alert rules added with ``a``.

The screen owns the book and the panes these change, so it owns this too (alert *delivery*,
which every screen's data feeds, stays on the app). Writes run in thread workers of the screen:
a slow disk never holds up a frame, and a write that fails says so and is never reported as
saved.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from neotui.screens.host import host_of

if TYPE_CHECKING:
    from neotui.data.alerts.rules import AlertRule
    from neotui.data.deals.capture import Draft
    from neotui.data.sec.submissions import Filing
    from neotui.screens.watch import WatchScreen
    from neotui.widgets.feeds import FeedRow


class WatchRecords:
    """Capture and alert adding for one :class:`~neotui.screens.watch.WatchScreen`."""

    def __init__(self, screen: WatchScreen) -> None:
        self._screen = screen

    # --- alert rules ----------------------------------------------------------------------------

    def ask_alert(self, symbol: str) -> None:
        """Open the new-alert modal for ``symbol``, primed with its last price."""
        from neotui.screens.alert_add import AddAlert

        last = host_of(self._screen).last_feed
        state = last.states.get(symbol) if last else None
        price = state.quote.price if state and state.quote else None
        self._screen.app.push_screen(AddAlert(symbol, price), self.add_alert)

    def add_alert(self, rule: AlertRule | None) -> None:
        """Add a rule from the screen: kept in the app-owned alerts.toml, evaluated at once."""
        if rule is None:
            return
        host = host_of(self._screen)
        if not host.alert_engine.add_rule(rule):
            self._screen.notify(f"Alert “{rule.id}” already exists.", timeout=4, markup=False)
            return
        self._screen.run_worker(partial(self._append_rule, rule), name="alert rule save",
                                group="alerts-save", thread=True, exit_on_error=False)  # fmt: skip
        feed_symbols = host.feed.symbols if host.feed else ()
        later = "" if rule.symbol in feed_symbols else " (no quotes for it until the next start)"
        self._screen.notify(f"Alert added: {rule.id}{later}", timeout=4, markup=False)
        if host.last_feed is not None:
            host.deliver(host.alert_engine.on_quotes(host.last_feed.states))

    def _append_rule(self, rule: AlertRule) -> None:
        """In a thread: the rule appended to the app-owned rules file."""
        from neotui.settings import app_rules_file

        rules = app_rules_file()
        try:
            rules.append(rule)
        except (OSError, ValueError) as exc:  # ValueError: the file is not UTF-8 text
            self._screen.app.call_from_thread(
                self._screen.notify,
                f"Cannot save the alert to {rules.path}: {getattr(exc, 'strerror', None) or exc}. "
                "It works until neotui exits.",
                title="Alerts", severity="error", markup=False,
            )  # fmt: skip

    # --- captured deals -------------------------------------------------------------------------

    def capture(self, row: FeedRow) -> None:
        """Write the row as a draft deal in captured.toml and show it in the timeline."""
        from neotui.data.deals.capture import draft_for

        draft = draft_for(self._screen.book, row.symbol, row.filing, row.headline,
                          row.candidate)  # fmt: skip
        if isinstance(draft, str):
            self._screen.notify(draft, severity="warning", markup=False)
            return
        filing, feed = row.filing, host_of(self._screen).filings
        if filing is not None and feed is not None and feed.client is not None:
            from neotui.data.sec.documents import worth_reading

            if worth_reading(filing.form, filing.item_codes):
                # The document is read on the app's SEC client: the same 10-a-second budget.
                self._screen.notify(f"Reading {filing.accession}…", timeout=2, markup=False)
                self._screen.run_worker(
                    self._read_then_capture(filing, draft),
                    name="capture",
                    group="capture",
                    exit_on_error=False,
                )
                return
        self._screen.run_worker(partial(self._capture, draft), name="capture",
                                group="capture", thread=True, exit_on_error=False)  # fmt: skip

    async def _read_then_capture(self, filing: Filing, draft: Draft) -> None:
        """Read the filing (cached, or fetched), fill the draft from it, then write it in a
        thread; an unreadable filing gives today's draft with the reason in its note."""
        import asyncio

        from neotui.data.deals.capture import draft_from_filing
        from neotui.data.sec.documents import read_filing

        feed, book = host_of(self._screen).filings, self._screen.book
        assert feed is not None and feed.client is not None
        provider = book.providers.get(draft.provider)
        names = sorted({d.counterparty for d in book.deals}
                       | {p.name for p in book.providers.values()})  # fmt: skip
        exclude = [n for n in (provider.name, provider.ticker) if n] if provider else []
        reading = await read_filing(feed.client, feed.store, filing.cik, filing.accession,
                                    form=filing.form, primary=filing.document, names=names,
                                    exclude=exclude)  # fmt: skip
        await asyncio.to_thread(self._capture, draft_from_filing(filing, draft.provider, reading))

    def _capture(self, draft: Draft) -> None:
        """In a thread: the write, then the book reloaded with the draft in it."""
        from neotui.data.deals.capture import write_draft
        from neotui.sources import captured_path

        app, screen = self._screen.app, self._screen
        path = captured_path()
        try:
            written = write_draft(path, draft)
        except (OSError, ValueError) as exc:  # ValueError: the file is not UTF-8 text
            why = getattr(exc, "strerror", None) or exc
            app.call_from_thread(screen.notify, f"Not captured: cannot write {path}: {why}",
                                 title="Capture", severity="error", markup=False)  # fmt: skip
            return
        if not written:
            app.call_from_thread(screen.notify, f"Already captured as {draft.id}.", timeout=4,
                                 markup=False)  # fmt: skip
            return
        update = host_of(screen).watcher.load()
        app.call_from_thread(screen.show_book, update)
        app.call_from_thread(screen.notify, f"Captured {draft.id} in {path} (a draft: complete "
                             "it there).", timeout=6, markup=False)  # fmt: skip
