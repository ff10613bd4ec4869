"""The app shell: it starts, shows help and quits from the keyboard; keys can be rebound."""

from __future__ import annotations

from pathlib import Path

from neotui.build import make_app
from neotui.screens.help import HelpScreen
from neotui.screens.watch import WatchScreen
from neotui.settings import load_settings
from neotui.widgets.quotes import QuotesTable
from tests.harness import build_app
from tests.helpers import help_ids, wait_until


async def test_app_starts_and_q_quits() -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        # What the factory wired: the watch screen over the given book and feed.
        assert isinstance(app.screen, WatchScreen) and app.screen is app.watch_screen
        assert app.watcher.current is not None and app.watcher.current.ok
        assert app.screen.query_one(QuotesTable).row_count == len(app.feed.symbols)
        assert app.return_code is None  # still running
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0  # q asked the app to exit, cleanly


async def test_make_app_from_settings_alone(tmp_path: Path) -> None:
    """What the CLI runs: feed and deals built from the settings (pointed at nothing here)."""
    settings = load_settings(environ={"NEOTUI_YAHOO_URL": "http://127.0.0.1:9"})
    app = make_app(settings, live=False)
    assert app.feed is not None and app.feed.client.base_url == "http://127.0.0.1:9"
    assert app.feed.fundamentals_fetcher is None  # yfinance never used against a non-Yahoo URL
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")


async def test_filings_and_news_feeds_are_built_after_the_first_frame() -> None:
    """make_app leaves the filings and headlines feeds (their modules, their store) to the
    moment the whole screen is up; then both exist, on the market feed's Yahoo client."""
    settings = load_settings(environ={"NEOTUI_YAHOO_URL": "http://127.0.0.1:9",
                                      "NEOTUI_SEC_CONTACT": "Test test@example.com"})  # fmt: skip
    app = make_app(settings, live=False)
    assert app.filings is None and app.news is None
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(lambda: app.filings is not None, pilot=pilot)
        assert app.filings is not None and app.filings.client is not None
        assert app.news is not None and app.news.client is app.feed.client
        assert app.filings.store is app.news.store is not None
        await pilot.press("q")


async def test_question_mark_opens_help_listing_binding_ids() -> None:
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = help_ids(app.screen)
        assert {"neotui.quit", "neotui.help"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_keymap_from_settings_rebinds_keys(tmp_path: Path) -> None:
    app = build_app()
    app.settings = load_settings(
        config=_write(tmp_path / "k.toml", '[keys]\n"neotui.quit" = "x"\n'), environ={}
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code is None  # q no longer quits
        await pilot.press("x")
        await pilot.pause()
        assert app.return_code == 0  # x does


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
