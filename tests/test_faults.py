"""Faults around the app's own files: the quote cache and the deals file. The app keeps running,
keeps the last good data, says what is wrong once, and recovers by itself."""

from __future__ import annotations

import os
import time
from pathlib import Path

from neotui.data.market.feed import SymbolStatus
from neotui.widgets.status_line import StatusLine
from neotui.widgets.timeline import DealTable
from tests.fake_yahoo import FakeYahoo
from tests.helpers import PROVIDER, deal_toml, write
from tests.test_end_to_end import SIZE, real_app, statuses, until


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_corrupt_cache_is_rebuilt_and_reported_once(
    fake_yahoo: FakeYahoo, isolated_dirs: dict[str, Path]
) -> None:
    cache_dir = isolated_dirs["XDG_CACHE_HOME"] / "neotui"
    cache_dir.mkdir()
    (cache_dir / "quotes.db").write_bytes(b"garbage, not SQLite" * 50)
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: statuses(app) == {SymbolStatus.FRESH})
        await pilot.pause(0.5)  # several refreshes
        warnings = [m for m in notifications(app) if "cache was unreadable" in m]
        assert len(warnings) == 1
        assert "cache was unreadable" in app.screen.query_one(StatusLine).plain
    assert any(p.name.startswith("quotes.db.corrupt-") for p in cache_dir.iterdir())


async def test_unusable_cache_directory_app_still_runs(
    fake_yahoo: FakeYahoo, isolated_dirs: dict[str, Path]
) -> None:
    (isolated_dirs["XDG_CACHE_HOME"] / "neotui").write_text("a file where a directory should be")
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: statuses(app) == {SymbolStatus.FRESH})
        assert "not caching" in app.screen.query_one(StatusLine).plain


async def _edit(book: Path, text: str) -> None:
    write(book, text)
    st = book.stat()
    os.utime(book, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


async def test_deals_file_deleted_replaced_atomically_bad_and_huge(
    fake_yahoo: FakeYahoo, tmp_path: Path
) -> None:
    book = write(tmp_path / "deals.toml", PROVIDER + deal_toml() + deal_toml(id='"d2"'))
    app = real_app(fake_yahoo.url, book)
    async with app.run_test(size=SIZE) as pilot:
        deals = app.screen.query_one(DealTable)
        status = app.screen.query_one(StatusLine)
        assert len(deals.shown) == 2

        book.unlink()  # deleted while watched
        await until(pilot, lambda: "file not found" in status.plain)
        assert len(deals.shown) == 2

        tmp = write(tmp_path / "deals.toml.tmp", PROVIDER + deal_toml(id='"fresh"'))
        tmp.replace(book)  # an editor's atomic save
        await until(pilot, lambda: [d.id for d in deals.shown] == ["fresh"])
        assert "deals ✓" in status.plain

        await _edit(book, "[[deal]\nbroken")
        await until(pilot, lambda: "TOML syntax error" in status.plain)
        assert [d.id for d in deals.shown] == ["fresh"]

        with book.open("wb") as f:  # a runaway file
            f.write(b"# " + b"x" * (9 * 1024 * 1024) + b"\n")
        await until(pilot, lambda: "MB limit" in status.plain)
        assert [d.id for d in deals.shown] == ["fresh"]

        await _edit(book, PROVIDER + deal_toml(id='"again"'))
        await until(pilot, lambda: [d.id for d in deals.shown] == ["again"])
        assert "DEALS ERROR" not in status.plain
        errors = [m for m in notifications(app) if "last good data" in m]
        assert len(errors) >= 3


async def test_clock_jump_refreshes_once_at_wake(fake_yahoo: FakeYahoo) -> None:
    app = real_app(fake_yahoo.url)
    offset = 0.0
    app.feed._wall = lambda: time.time() + offset
    app.feed.intervals = {s: 600.0 for s in app.feed.intervals}
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: fake_yahoo.counts["CRWV"] == 1)
        await pilot.pause(0.2)
        offset = 7200.0  # the laptop slept for two hours
        await until(pilot, lambda: fake_yahoo.counts["CRWV"] == 2)
        await pilot.pause(0.5)
        assert fake_yahoo.counts["CRWV"] == 2
