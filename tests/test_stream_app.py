"""The quote stream in the app, against the fake streamer: a tick moves the watch screen (quotes,
providers, alerts); a streamer that refuses makes the app poll and say so; the status line's new
forms in snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from neotui.data.market.quote import Session
from neotui.data.market.stream import QuoteStream, StreamState, StreamStatus
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.status_line import StatusLine
from tests.fake_stream import FakeStream, frame
from tests.harness import SYMBOLS, build_app
from tests.helpers import FROZEN, wait_until

pytestmark = pytest.mark.usefixtures("utc_local_time")

#: A tick a second after the frozen clock: newer than the recorded quotes.
TICK_MS = int(FROZEN.timestamp() * 1000) + 1000


@pytest.fixture
def fake() -> Iterator[FakeStream]:
    with FakeStream() as server:
        yield server


def streaming_app(url: str, **extra: Any) -> Any:
    market = {"symbols": SYMBOLS, "stream": True, "stream_url": url}
    return build_app(live=True, extra={"market": market, **extra})


async def test_a_tick_moves_the_watch_screen(fake: FakeStream) -> None:
    alert = [{"symbol": "NVDA", "above": 300.0}]
    app = streaming_app(fake.url, alert=alert)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(lambda: app.feed.last_refresh is not None and fake.subscriptions,
                         pilot=pilot, what="first refresh and subscription")  # fmt: skip
        status = app.screen.query_one(StatusLine)
        await wait_until(lambda: "streaming" in status.plain, pilot=pilot, what="streaming")
        assert set(fake.subscriptions[0]) == set(SYMBOLS)
        quotes = app.screen.query_one(QuotesTable)
        before = quotes.get_row("NVDA")[1].plain
        fired: list[str] = []
        app.notify = lambda message, **kw: fired.append(str(message))  # type: ignore[method-assign]
        fake.push(frame("NVDA", 321.5, TICK_MS, change=4.5, volume=12_345_678))
        await wait_until(lambda: quotes.get_row("NVDA")[1].plain == "321.50", pilot=pilot,
                         what="the new price in the quotes table")  # fmt: skip
        assert before != "321.50"
        # Painted, not only stored: the row's line is rendered again (the table base drops that
        # row's cached lines only), and the other rows' lines are the cached ones.
        await pilot.pause()
        painted = [quotes.render_line(y).text for y in range(quotes.size.height)]
        nvda = [line for line in painted if line.lstrip().startswith("NVDA")]
        assert nvda and "321.50" in nvda[0], painted
        assert app.last_feed is not None
        assert app.last_feed.states["NVDA"].quote.price == 321.5  # type: ignore[union-attr]
        assert any("NVDA" in m for m in fired)  # the price alert fired on the tick
        # Beside the stream the batch quote slows to once a minute.
        assert app.feed.interval() == 60.0


async def test_a_refusing_streamer_means_polling_said_in_the_status_line(
    fake: FakeStream, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.fault = "refuse"
    monkeypatch.setattr(QuoteStream, "backoff", lambda self, failures: 0.01)
    app = streaming_app(fake.url)
    async with app.run_test(size=(160, 48)) as pilot:
        status = app.screen.query_one(StatusLine)
        await wait_until(lambda: "stream closed" in status.plain, pilot=pilot,
                         what="the fallback in the status line")  # fmt: skip
        assert "polling every 0.05 s: stream closed (upgrade refused (HTTP 403))" in status.plain
        assert fake.connections == 4  # MAX_FAILURES attempts, then polling
        assert app.feed.interval() == 0.05  # today's pace


# --- snapshots of the status line ---------------------------------------------------------------


def _with_stream(status: StreamStatus) -> Any:
    async def run_before(pilot: Any) -> None:
        await pilot.app.feed.refresh_once()
        await pilot.app.workers.wait_for_complete()
        pilot.app.feed.intervals[Session.REGULAR] = 15.0  # the harness polls every 0.05 s
        pilot.app.feed.stream = status
        pilot.app.feed.publish()
        await pilot.pause()

    return run_before


def test_status_line_streaming(snap_compare: Any) -> None:
    status = StreamStatus(StreamState.STREAMING, None, 15.0)
    assert snap_compare(build_app(), terminal_size=(160, 48), run_before=_with_stream(status))


def test_status_line_polling_stream_closed(snap_compare: Any) -> None:
    status = StreamStatus(StreamState.POLLING, "silent for 60 s", 15.0)
    assert snap_compare(build_app(), terminal_size=(160, 48), run_before=_with_stream(status))
