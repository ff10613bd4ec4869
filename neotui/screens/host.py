"""What the screens ask of the app that hosts them, as a typed protocol.

A screen's ``self.app`` is typed as Textual's ``App``; importing :class:`neotui.app.NeoApp` to
say more would make the screens import the module that imports them. The screens read the app
through :func:`host_of` instead, and ``neotui/app.py`` checks that ``NeoApp`` satisfies the
protocol, so a rename on either side is a type error, not an ``AttributeError`` at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from neotui.data.alerts.engine import AlertEngine
    from neotui.data.alerts.rules import Alert
    from neotui.data.deals.watcher import DealsWatcher
    from neotui.data.market.feed import FeedUpdate, MarketFeed
    from neotui.data.sec.facts_feed import FactsFeed
    from neotui.data.sec.feed import FilingsFeed, FilingsUpdate
    from neotui.data.sec.insiders import InsiderFeed
    from neotui.messages import ImpactUpdated
    from neotui.settings import Settings


class WatchHost(Protocol):
    """The app's side of the watch, detail and alert screens."""

    settings: Settings
    clock: Callable[[], datetime]
    feed: MarketFeed | None
    last_feed: FeedUpdate | None
    filings: FilingsFeed | None
    last_filings: FilingsUpdate | None
    facts: FactsFeed | None
    insiders: InsiderFeed | None
    impact: ImpactUpdated | None
    alert_engine: AlertEngine
    watcher: DealsWatcher

    def deliver(self, alerts: list[Alert]) -> None:
        """Show fired alerts and store the engine's state."""

    def open_provider(self, provider_id: str) -> None:
        """Push the detail screen of one provider."""


def host_of(node: DOMNode) -> WatchHost:
    """The app hosting ``node``, typed as what the screens use of it."""
    return cast("WatchHost", node.app)
