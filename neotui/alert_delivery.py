"""How fired alerts reach the user: a toast always, then the bell, the desktop notification and
the command as set; the engine's state saved in a thread; and the filings and headlines turned
into the engine's events.

Separate from ``app.py`` (which stays under the size limit) and imported on the first alert or
state to save, not at launch. ``NeoApp.deliver`` stays the one way in (the screens call it
through :class:`~neotui.screens.host.WatchHost`); the workers keep the names and groups they had
as app methods.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from neotui.data.alerts.rules import Alert, FilingEvent, HeadlineEvent

if TYPE_CHECKING:
    from textual.worker import Worker

    from neotui.app import NeoApp
    from neotui.data.news import NewsUpdate
    from neotui.data.sec.feed import FilingsUpdate

#: Filings older than this never fire a filing_items alert, even when first seen (news is new).
FILING_ALERT_AGE = timedelta(days=10)


def deliver_alerts(app: NeoApp, alerts: list[Alert]) -> None:
    """Show fired alerts (toast always; bell, desktop, command as set) and store the state."""
    for alert in alerts:
        app.notify(alert.message, title=alert.title, severity="warning", timeout=12,
                   markup=False)  # fmt: skip
        app.notifier.on_screen(alert)
        if app.notifier.argv:
            _command_worker(app, partial(_run_alert_command, app, alert))
    store = app.alert_engine.store
    if app.alert_engine.dirty and store is not None:
        data, generation = app.alert_engine.snapshot()
        app.run_worker(partial(_save_alert_state, app, data, generation), thread=True,
                       name="alert state save", group="alerts-save",
                       exit_on_error=False)  # fmt: skip


def _command_worker(app: NeoApp, run: Callable[[], Coroutine[None, None, None]]) -> Worker[None]:
    """The alert command's worker, named and grouped as its ``@work`` method on the app was."""
    return app.run_worker(run, name="run_alert_command", group="alert-command",
                          exit_on_error=False)  # fmt: skip


def _save_alert_state(app: NeoApp, data: dict[str, object], generation: int) -> None:
    """In a thread: the engine's state written; a failed write is shown, once per save."""
    store = app.alert_engine.store
    if store is not None:
        store.save(data, generation)
        if store.warning:
            app.call_from_thread(app.notify, store.warning, title="Alerts",
                                 severity="error", markup=False)  # fmt: skip


async def _run_alert_command(app: NeoApp, alert: Alert) -> None:
    """Run ``alerts.command`` for one alert; its first failure is shown."""
    problem = await app.notifier.command(alert)
    if problem:
        app.notify(problem, title="Alerts", severity="error", timeout=10, markup=False)


def filing_events(update: FilingsUpdate, today: date) -> list[FilingEvent]:
    """The filings that ``filing_items`` rules look at.

    The engine knows which accessions it has seen (the first batch, the cached one at start,
    only primes it). Only filings with items can match a rule, and only they are passed: the
    feed keeps up to 250 of each form, and the Form 4s and 144s would push the 8-Ks out of the
    engine's bounded memory of seen accessions. Nor are old ones: a deeper history (a larger
    keep, an older page) is not news."""
    since = today - FILING_ALERT_AGE
    return [
        FilingEvent(f.accession, f.symbol, f.form, f.item_codes,
                    f"{f.form} {f.description}".strip(), f.url)
        for f in update.filings() if f.item_codes and f.filed >= since
    ]  # fmt: skip


def headline_events(update: NewsUpdate) -> list[HeadlineEvent]:
    """The headlines that ``headline`` rules look at (every one; the engine knows the seen)."""
    return [
        HeadlineEvent(h.key, h.symbols[0] if h.symbols else None, h.title, h.link)
        for h in update.headlines
    ]
