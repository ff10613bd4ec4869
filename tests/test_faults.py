"""Faults around the app's own files: the quote cache and the deals file. The app keeps running,
keeps the last good data, says what is wrong once, and recovers by itself."""

from __future__ import annotations

import os
from pathlib import Path

from neotui.data.market.feed import SymbolStatus
from neotui.widgets.status_line import StatusLine
from neotui.widgets.timeline import DealTable
from tests.fake_yahoo import FakeYahoo
from tests.helpers import PROVIDER, WallClock, deal_toml, record_notices, wait_until, write
from tests.test_end_to_end import SIZE, real_app, statuses


async def test_corrupt_cache_is_rebuilt_and_reported_once(
    fake_yahoo: FakeYahoo, isolated_dirs: dict[str, Path]
) -> None:
    cache_dir = isolated_dirs["XDG_CACHE_HOME"] / "neotui"
    cache_dir.mkdir()
    (cache_dir / "quotes.db").write_bytes(b"garbage, not SQLite" * 50)
    app = real_app(fake_yahoo.url)
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        batches = fake_yahoo.paths["/v7/finance/quote"]
        await wait_until(lambda: fake_yahoo.paths["/v7/finance/quote"] >= batches + 3, pilot=pilot)
        warnings = [n for n in notices if "cache was unreadable" in n.message]
        assert len(warnings) == 1
        assert "cache was unreadable" in app.screen.query_one(StatusLine).plain
    assert any(p.name.startswith("quotes.db.corrupt-") for p in cache_dir.iterdir())


async def test_unusable_cache_directory_app_still_runs(
    fake_yahoo: FakeYahoo, isolated_dirs: dict[str, Path]
) -> None:
    (isolated_dirs["XDG_CACHE_HOME"] / "neotui").write_text("a file where a directory should be")
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
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
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        deals = app.screen.query_one(DealTable)
        status = app.screen.query_one(StatusLine)
        assert len(deals.shown) == 2

        book.unlink()  # deleted while watched
        await wait_until(lambda: "file not found" in status.plain, pilot=pilot)
        assert len(deals.shown) == 2

        tmp = write(tmp_path / "deals.toml.tmp", PROVIDER + deal_toml(id='"fresh"'))
        tmp.replace(book)  # an editor's atomic save
        await wait_until(lambda: [d.id for d in deals.shown] == ["fresh"], pilot=pilot)
        assert "deals ✓" in status.plain

        await _edit(book, "[[deal]\nbroken")
        await wait_until(lambda: "TOML syntax error" in status.plain, pilot=pilot)
        assert [d.id for d in deals.shown] == ["fresh"]

        with book.open("wb") as f:  # a runaway file
            f.write(b"# " + b"x" * (9 * 1024 * 1024) + b"\n")
        await wait_until(lambda: "MB limit" in status.plain, pilot=pilot)
        assert [d.id for d in deals.shown] == ["fresh"]

        await _edit(book, PROVIDER + deal_toml(id='"again"'))
        await wait_until(lambda: [d.id for d in deals.shown] == ["again"], pilot=pilot)
        assert "DEALS ERROR" not in status.plain
        errors = [n for n in notices if "last good data" in n.message]
        assert len(errors) >= 3


async def test_clock_jump_refreshes_once_at_wake(fake_yahoo: FakeYahoo) -> None:
    wall = WallClock()
    app = real_app(fake_yahoo.url, wall=wall)
    app.feed.intervals = {s: 600.0 for s in app.feed.intervals}
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: fake_yahoo.counts["CRWV"] == 1, pilot=pilot)
        reads = wall.reads
        await wait_until(lambda: wall.reads > reads + 3, pilot=pilot)  # the feed is waiting
        wall.advance(7200.0)  # the laptop slept for two hours
        await wait_until(lambda: fake_yahoo.counts["CRWV"] == 2, pilot=pilot)
        reads = wall.reads
        await wait_until(lambda: wall.reads > reads + 10, pilot=pilot)  # waiting again...
        assert fake_yahoo.counts["CRWV"] == 2  # ...after one refresh, not a burst
