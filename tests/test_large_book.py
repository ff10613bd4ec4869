"""A large deals book loads in a thread after the first frame: the cached quotes are not held
up by it, and the providers, timeline and live start follow once it is in."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from neotui.app import NeoApp
from neotui.data.deals.watcher import EAGER_BOOK_BYTES, BookUpdate
from neotui.screens.watch import WatchScreen
from neotui.widgets.providers import ProviderList
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.timeline import DealTable
from tests.harness import build_app
from tests.helpers import PROVIDER, deal_toml, wait_until, write


def _large_book(tmp_path: Path) -> Path:
    deals = "".join(
        deal_toml(id=f'"d{i}"', date=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                  summary=f'"Deal number {i} of a long book, padded to make the file large."')
        for i in range(1400)
    )  # fmt: skip
    path = write(tmp_path / "deals.toml", PROVIDER + deals)
    assert path.stat().st_size > EAGER_BOOK_BYTES
    return path


async def test_large_book_follows_the_first_frame(tmp_path: Path) -> None:
    app = build_app(_large_book(tmp_path), app_class=NeoApp)  # the pilot from the first frame
    assert app.watcher.current is None  # not loaded before the app runs
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, WatchScreen)
        quotes = screen.query_one(QuotesTable)
        assert [quotes.get_row_at(i)[0].plain for i in range(quotes.row_count)] == [
            "ALPH", "CHIP", "NVDA", "MDLY"]  # fmt: skip
        await wait_until(lambda: app.started, pilot=pilot)
        assert screen.panes_ready
        assert app.watcher.current is not None and app.watcher.current.ok
        assert screen.query_one(DealTable).row_count == 1400
        providers = screen.query_one(ProviderList)
        assert providers.get_row_at(1)[0].plain == "Alpha Cloud"


async def test_small_book_is_drawn_in_the_first_frame() -> None:
    app = build_app(app_class=NeoApp)
    assert app.watcher.current is not None
    async with app.run_test(size=(160, 48)):
        providers = app.screen.query_one(ProviderList)
        assert providers.get_row_at(1)[0].plain == "Alpha Cloud"


async def test_quitting_at_the_first_frame_is_clean() -> None:
    """q in the instant after launch, while the panes below the quotes are being mounted."""
    app = build_app(app_class=NeoApp)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_case_21_keys_pressed_while_a_10000_deal_book_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/, c and p pressed in the first 300 ms, before the panes they act on exist: greyed and
    ignored (they raised NoMatches and took the app down), then working once the panes are in.
    The book's load waits for the keys, so they come before the panes however fast it is."""
    deals = "".join(
        deal_toml(id=f'"d{i}"', date=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}")
        for i in range(10_000)
    )
    app = build_app(write(tmp_path / "deals.toml", PROVIDER + deals), app_class=NeoApp)
    keys_pressed = threading.Event()
    load = app.watcher.load

    def load_after_the_keys() -> BookUpdate:
        keys_pressed.wait(10)
        return load()

    monkeypatch.setattr(app.watcher, "load", load_after_the_keys)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, WatchScreen)
        assert not screen.panes_ready
        await pilot.press("slash", "c", "p")  # at once: the first frame is all there is
        assert not screen.panes_ready  # the keys really came before the panes
        assert app.is_running and app.return_code is None
        assert screen.check_action("filter", ()) is None  # greyed in the footer, not hidden
        keys_pressed.set()
        await wait_until(lambda: screen.panes_ready, pilot=pilot, what="the panes")
        assert screen.check_action("filter", ()) is True
        await pilot.press("slash")
        assert screen.query_one("#filter").has_focus
        assert screen.query_one(DealTable).total == 10_000
        await pilot.press("escape", "q")
    assert app.return_code == 0


async def test_this_rounds_keys_pressed_before_the_panes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_dirs: dict[str, Path]
) -> None:
    """The keys issues 20 and 21 added — g and G (groups), t (timeline kinds), S (a picture) —
    pressed at the first frame, before the deferred panes exist: nothing crashes, and each works
    once the panes are in."""
    deals = "".join(deal_toml(id=f'"d{i}"', date=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}")
                    for i in range(2_000))  # fmt: skip
    groups = [
        {"name": "Chips", "symbols": ["CHIP", "NVDA"]},
        {"name": "Other", "symbols": ["ALPH"]},
    ]
    app = build_app(write(tmp_path / "deals.toml", PROVIDER + deals), app_class=NeoApp,
                    extra={"group": groups})  # fmt: skip
    keys_pressed = threading.Event()
    load = app.watcher.load

    def load_after_the_keys() -> BookUpdate:
        keys_pressed.wait(10)
        return load()

    monkeypatch.setattr(app.watcher, "load", load_after_the_keys)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, WatchScreen)
        await pilot.press("g", "G", "t", "S", "g")
        assert not screen.panes_ready  # the keys really came before the panes
        assert app.is_running and app.return_code is None
        keys_pressed.set()
        await wait_until(lambda: screen.panes_ready, pilot=pilot, what="the panes")
        folder = isolated_dirs["XDG_DATA_HOME"] / "neotui" / "screenshots"
        await wait_until(lambda: len(list(folder.glob("*.svg"))) == 1, pilot=pilot,
                         what="the picture S took during start-up")  # fmt: skip
        title = lambda: str(screen.query_one(QuotesTable).border_title)  # noqa: E731
        assert "all 3 groups" not in title()
        await pilot.press("G")
        await wait_until(lambda: "all 3 groups" in title(), pilot=pilot, what="every group shown")
        await pilot.press("escape", "q")
    assert app.return_code == 0
