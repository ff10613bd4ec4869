"""The quote stream in the app: built from the settings and run in its own worker.

The stream's ticks reach the screen the way polled quotes do: :class:`LiveQuotes` merges them
into the market feed, which publishes a :class:`~neotui.data.market.feed.FeedUpdate`, which the
app posts as ``QuotesUpdated`` (quotes, providers, sector line, positions, alerts). Ticks are
gathered for one frame of the screen (``1 / TEXTUAL_FPS``) before they are published, and
``QuotesUpdated.can_replace`` folds any update still waiting into the newer one, so at most one
table update runs per frame and a burst never queues behind the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import constants

if TYPE_CHECKING:
    from textual.app import App

    from neotui.data.market.feed import MarketFeed
    from neotui.data.market.stream_live import LiveQuotes
    from neotui.settings import Settings


def start_stream(
    app: App[Any],
    settings: Settings,
    feed: MarketFeed | None,
    clock: Callable[[], datetime],
) -> LiveQuotes | None:
    """Start the stream worker beside the feed (None when the stream is off or not for this
    feed); it idles while the market is closed and gives way to polling when it must."""
    if feed is None or not settings.stream_enabled:
        return None
    from neotui.data.market.stream_live import LiveQuotes

    live = LiveQuotes(feed, settings.market.stream_url, flush_every=1 / constants.MAX_FPS,
                      proxy=settings.market.proxy or None, clock=clock)  # fmt: skip
    app.run_worker(live.run(), name="quote stream", group="stream", exclusive=True,
                   exit_on_error=False)  # fmt: skip
    return live
