"""App-wide data messages: the data layer's news, delivered to the UI.

Workers only post these; widgets react to them. Both can arrive in bursts (a refresh publishes
several updates in a row), so each one replaces an unprocessed older one of its kind: a slow
screen shows the newest prices, not a backlog.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from textual.message import Message

from neotui.data.deals.watcher import BookUpdate
from neotui.data.market.feed import FeedUpdate

if TYPE_CHECKING:  # imported with the panes after the first frame
    from neotui.data.analytics.earnings import EarningsBaseline, EarningsImpact
    from neotui.data.analytics.events import Impact
    from neotui.data.market.history import Histories
    from neotui.data.news import NewsUpdate
    from neotui.data.sec.facts_feed import CompanyFactsState
    from neotui.data.sec.feed import FilingsUpdate
    from neotui.data.sec.insider_trades import CompanyInsiders


class QuotesUpdated(Message):
    """The market feed published a new snapshot."""

    def __init__(self, update: FeedUpdate, changed: frozenset[str]) -> None:
        super().__init__()
        self.update = update
        self.changed = changed

    def can_replace(self, message: Message) -> bool:
        """Textual asks the older message whether the newer ``message`` may replace it; the
        newer one then carries both sets of changed symbols, so no row misses a redraw."""
        if isinstance(message, QuotesUpdated):
            message.changed = message.changed | self.changed
            return True
        return False


class DealsUpdated(Message):
    """The deals files were (re)loaded; ``update.problems`` says what is wrong, if anything."""

    def __init__(self, update: BookUpdate) -> None:
        super().__init__()
        self.update = update

    def can_replace(self, message: Message) -> bool:
        """A newer reload supersedes an older one still waiting."""
        return isinstance(message, DealsUpdated)


class ImpactUpdated(Message):
    """The deal-day event study finished (computed in a thread after the first frame)."""

    def __init__(
        self,
        rows: list[Impact],
        histories: Histories,
        benchmark: str,
        earnings: Sequence[EarningsImpact] = (),
        baselines: Mapping[str, EarningsBaseline] | None = None,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.histories = histories
        self.benchmark = benchmark
        self.earnings = list(earnings)  # the earnings days' studies, newest first
        self.baselines = dict(baselines or {})  # each symbol's typical earnings move

    def can_replace(self, message: Message) -> bool:
        """A newer study supersedes an older one still waiting."""
        return isinstance(message, ImpactUpdated)


class FilingsUpdated(Message):
    """The filings feed checked the SEC (or was found off: ``update.disabled`` says how)."""

    def __init__(self, update: FilingsUpdate) -> None:
        super().__init__()
        self.update = update

    def can_replace(self, message: Message) -> bool:
        """A newer snapshot supersedes an older one still waiting."""
        return isinstance(message, FilingsUpdated)


class NewsUpdated(Message):
    """The headlines feed fetched (or failed to, keeping the last good headlines)."""

    def __init__(self, update: NewsUpdate) -> None:
        super().__init__()
        self.update = update

    def can_replace(self, message: Message) -> bool:
        """A newer snapshot supersedes an older one still waiting."""
        return isinstance(message, NewsUpdated)


class FactsUpdated(Message):
    """The companies' SEC facts, by symbol: the cached ones at start (each with its age and
    "cached"), then after each round the filings feed's schedule made due."""

    def __init__(self, states: dict[str, CompanyFactsState]) -> None:
        super().__init__()
        self.states = states

    def can_replace(self, message: Message) -> bool:
        """A newer round supersedes an older one still waiting (it holds every symbol)."""
        return isinstance(message, FactsUpdated)


class InsidersUpdated(Message):
    """The companies' insider trades, by symbol: what is cached, then after each round of
    Form 4 reading (each company says what is still to read and why)."""

    def __init__(self, companies: dict[str, CompanyInsiders]) -> None:
        super().__init__()
        self.companies = companies

    def can_replace(self, message: Message) -> bool:
        """A newer round supersedes an older one still waiting (it holds every symbol)."""
        return isinstance(message, InsidersUpdated)
