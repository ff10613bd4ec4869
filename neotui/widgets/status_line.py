"""The status line: market session, last refresh, offline state, deals file state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.widgets import Static

from neotui.data.deals.watcher import BookUpdate
from neotui.data.market.feed import FeedUpdate
from neotui.data.market.feed_state import StreamState, StreamStatus
from neotui.data.market.quote import NEW_YORK, Session
from neotui.widgets.cells import same

SESSION_LABEL = {
    Session.PRE: ("PRE-MARKET", "yellow"),
    Session.REGULAR: ("OPEN", "green"),
    Session.POST: ("AFTER HOURS", "yellow"),
    Session.CLOSED: ("CLOSED", "bright_black"),
}


def status_text(
    feed: FeedUpdate | None,
    deals: BookUpdate | None,
    now: datetime,
    short: bool = False,
    stopped: str | None = None,
    group: str | None = None,
) -> Text:
    """The status line's content, built from the latest feed and deals updates. ``short``: the
    forms for a narrow terminal (no "until …", the refresh time without seconds and the
    symbol count, the deal count alone), so every part keeps its figures whole. ``group``: the
    watchlist group shown (None when there is only one)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if feed is not None:
        label, style = SESSION_LABEL[feed.session]
        text.append(f" US {label} ", style=f"bold reverse {style}")
        if feed.next_session_change is not None and not short:
            change = feed.next_session_change.astimezone(NEW_YORK)
            day = "" if change.date() == now.astimezone(NEW_YORK).date() else f"{change:%a} "
            text.append(f" until {day}{change:%H:%M} ET ", style="dim")
        else:
            text.append(" ")
        text.append("│ ", style="dim")
        if group is not None:
            text.append(f"{group} ", style="bold")
            text.append("│ ", style="dim")
        if stopped is not None:
            text.append(" QUOTES STOPPED ", style="bold reverse red")
            text.append(f" {stopped} ", style="red")
        elif feed.offline:
            text.append(" OFFLINE ", style="bold reverse red")
            tail = "" if short else "; showing last known quotes, retrying"
            text.append(f" {feed.offline_reason}{tail} ", style="red")
        elif feed.refreshing and feed.last_refresh is None:
            text.append("quotes: loading… ", style="dim")
        elif feed.last_refresh is not None:
            ok = feed.last_result or ""
            failed = "failed" in ok
            mark = "✗" if failed else "✓"
            when = feed.last_refresh.astimezone()
            text.append(
                f"quotes {when:%H:%M} {mark} " if short else f"quotes {when:%H:%M:%S} {mark} ",
                style="yellow" if failed else "green",
            )
            if not short or failed:
                text.append(f"{ok} ", style="dim")
            if feed.prices_from:
                source = feed.prices_from.split(" (")[0] if short else feed.prices_from
                text.append(f"{source} ", style="magenta")
            elif feed.source_note and not short:
                text.append("(per-symbol charts: see doctor) ", style="yellow")
            if feed.refreshing:
                text.append("↻ ", style="dim")
        else:
            text.append("quotes: cached ", style="dim")
        if feed.stream is not None and stopped is None and not feed.offline:
            _stream_part(text, feed.stream, short)
        if feed.warning:
            text.append("│ ", style="dim")
            text.append(feed.warning + " ", style="yellow")
    if deals is not None:
        text.append("│ ", style="dim")
        if deals.ok:
            counts = deals.book.counts
            text.append("deals ✓ ", style="green")
            if short:
                text.append(f"{counts['deal']} ", style="dim")
            else:
                text.append(f"{counts['deal']} deals, {counts['provider']} providers ", style="dim")
        else:
            first = deals.problems[0]
            more = f" (+{len(deals.problems) - 1} more)" if len(deals.problems) > 1 else ""
            text.append(" DEALS ERROR ", style="bold reverse red")
            text.append(f" {first}{more}; showing last good data", style="red")
    return text


def _stream_part(text: Text, stream: StreamStatus, short: bool) -> None:
    """ "streaming", or why not and how often prices are polled instead."""
    if stream.state is StreamState.STREAMING:
        text.append("│ ", style="dim")
        text.append("streaming ", style="bold green")
    elif stream.state is StreamState.CONNECTING:
        text.append("│ ", style="dim")
        text.append("stream connecting… ", style="dim")
    elif stream.state is StreamState.POLLING:
        text.append("│ ", style="dim")
        every = f"{stream.poll_every:g} s" if stream.poll_every else "?"
        if short:
            text.append(f"polling {every}: stream closed ", style="yellow")
        else:
            text.append(f"polling every {every}: stream closed ({stream.reason}) ",
                        style="yellow")  # fmt: skip


class StatusLine(Static):
    """One line at the top of the watch screen."""

    def __init__(self, clock: Callable[[], datetime], **kw: Any) -> None:
        super().__init__(**kw)
        self._clock = clock
        self.feed: FeedUpdate | None = None
        self.deals: BookUpdate | None = None
        self.stopped: str | None = None
        self.group: str | None = None  # the watchlist group shown, when there are several
        self._shown: Text | None = None

    def show(self, feed: FeedUpdate | None = None, deals: BookUpdate | None = None) -> None:
        """Update with whichever of the two changed."""
        if feed is not None:
            self.feed = feed
        if deals is not None:
            self.deals = deals
        text = status_text(self.feed, self.deals, self._clock(), stopped=self.stopped,
                           group=self.group)  # fmt: skip
        width = self.size.width
        if width and text.cell_len > width:
            text = status_text(self.feed, self.deals, self._clock(), True, self.stopped,
                               self.group)  # fmt: skip
        if self._shown is None or not same(text, self._shown):  # identical: not repainted
            self._shown = text
            self.update(text, layout=False)  # one line, full width: no relayout

    def show_stopped(self, reason: str | None) -> None:
        """The quote feed stopped (why, and how to restart it), or runs again (None)."""
        self.stopped = reason
        self.show()

    def on_resize(self) -> None:
        self.show()  # the long or the short form for the new width

    @property
    def plain(self) -> str:
        """The line as plain text, as shown (for tests)."""
        return self._shown.plain if self._shown is not None else ""
