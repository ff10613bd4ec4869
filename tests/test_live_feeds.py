"""The feeds' loops start after the first frame, each in a worker under the name and group its
``@work`` method on the app had (they moved to ``neotui/live_feeds.py``): a failure still reads
"run_filings stopped", and ``exclusive`` still cancels the loop of the same group."""

from __future__ import annotations

from tests.feeds_harness import feeds_app


async def test_a_live_app_runs_each_feed_loop_in_its_named_worker(fakes) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    app.live = True  # feeds_app builds a still app; here the loops start as in a launch
    async with app.run_test(size=(120, 40)):
        running = {(w.name, w.group) for w in app.workers}
        assert {
            ("run_feed", "quotes"),
            ("run_filings", "filings"),
            ("run_news", "news"),
            ("watch_deals", "deals"),
        } <= running
