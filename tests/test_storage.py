"""The one SQLite store under the quote cache and the feeds store: its recovery policy, and
issue 22 cases 12 (a locked cache is not corrupt) and 13 (no writable cache: in memory)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from neotui.data.feeds_store import SCHEMA as FEEDS_SCHEMA
from neotui.data.feeds_store import JsonStore
from neotui.data.market.cache import SCHEMA, QuoteCache
from neotui.data.market.quote import parse_history, parse_quote
from neotui.data.storage import Mode, Store
from tests.fake_yahoo import FakeYahoo, recorded_json

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
CREDENTIALS = {"crumb": "abcdefgh", "cookies": [], "saved": "2026-11-22T18:00:00+00:00"}


def msft():
    body = recorded_json("yf_chart_MSFT_range1d_fulldayPrice_after_hours_2026.json")
    return parse_quote(body, "MSFT", NOW)


def nvda_history():
    return parse_history(recorded_json("y2_chart_NVDA_1d_1y_split_event.json"), "NVDA", NOW)


def filled(path: Path) -> Path:
    """A quote cache at ``path`` holding MSFT's quote, NVDA's history and credentials."""
    cache = QuoteCache(path)
    cache.save_quotes([msft()])
    cache.save_history(nvda_history())
    cache.save_credentials(CREDENTIALS)
    cache.close()
    return path


def aside(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".corrupt-" in p.name)


class Clock:
    """Monotonic seconds that a test steps by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# --- the policy -----------------------------------------------------------------------------


@pytest.mark.parametrize("layer", [QuoteCache, JsonStore])
def test_lazy_open_creates_nothing_until_first_use(tmp_path: Path, layer: type) -> None:
    path = tmp_path / "sub" / "cache.db"
    cache = layer(path)
    assert not path.parent.exists()  # building it touched nothing
    assert cache.store.connection is not None  # the first use opens it
    assert path.exists() and cache.writable and cache.degraded is None


def test_building_the_app_opens_no_cache() -> None:
    """The first frame is measured: make_app builds the feeds, their caches stay unopened."""
    from neotui.build import make_app
    from neotui.settings import load_settings, user_cache_dir

    app = make_app(load_settings(), live=False)
    assert app.feed is not None and app.feed.cache is not None
    assert not user_cache_dir().exists()


def test_newer_schema_is_opened_read_only_never_rebuilt(tmp_path: Path) -> None:
    path = filled(tmp_path / "quotes.db")
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA.version + 1}")
    before = path.read_bytes()
    cache = QuoteCache(path)
    assert cache.store.mode is Mode.READ_ONLY and not cache.writable
    assert "newer neotui" in cache.degraded and cache.warning == cache.degraded
    assert cache.load_quotes()["MSFT"].price == 516.17  # what it can read, it shows
    cache.save_quotes([msft()])
    cache.save_credentials({"crumb": "other"})
    cache.close()
    assert aside(tmp_path) == []
    assert path.read_bytes() == before  # nothing written, nothing rebuilt
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2


@pytest.mark.parametrize("layer", [QuoteCache, JsonStore])
def test_corrupt_file_is_moved_aside_kept_and_rebuilt(tmp_path: Path, layer: type) -> None:
    path = tmp_path / "cache.db"
    garbage = b"this is not a database at all" * 100
    path.write_bytes(garbage)
    cache = layer(path)
    assert cache.store.mode is Mode.FILE and cache.writable and cache.degraded is None
    assert "moved to cache.db.corrupt-" in cache.warning and "rebuilt" in cache.warning
    [kept] = aside(tmp_path)
    assert (tmp_path / kept).read_bytes() == garbage  # the old file stays on disk
    assert kept.startswith("cache.db.corrupt-20")  # named with a timestamp


def test_failed_integrity_check_is_moved_aside(tmp_path: Path) -> None:
    path = filled(tmp_path / "quotes.db")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page + 8 : 2 * page + 400] = bytes(range(256)) + bytes(136)  # a damaged b-tree page
    path.write_bytes(bytes(data))
    cache = QuoteCache(path)
    assert "moved to quotes.db.corrupt-" in cache.warning
    assert len(aside(tmp_path)) == 1 and cache.writable


@pytest.mark.parametrize("layer", [QuoteCache, JsonStore])
def test_write_error_is_counted_and_reads_keep_working(tmp_path: Path, layer: type) -> None:
    """The feeds store used to close its connection on a failed write: every later read
    answered nothing. Now the failure is said and counted, and the file still reads."""
    cache = layer(tmp_path / "cache.db")
    put = (lambda: cache.save_history(nvda_history())) if layer is QuoteCache else (
        lambda: cache.put("big", ["x" * 50_000]))  # fmt: skip
    read = cache.load_credentials if layer is QuoteCache else (lambda: cache.get("small").body)
    if layer is QuoteCache:
        cache.save_credentials(CREDENTIALS)
    else:
        cache.put("small", CREDENTIALS)
    db = cache.store.connection
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    put()  # the disk is full
    assert cache.store.write_errors == 1
    assert "cache write failed" in cache.warning and "full" in cache.warning
    assert read() == CREDENTIALS
    put()  # writes are off now: no second error
    assert cache.store.write_errors == 1 and not cache.writable
    assert read() == CREDENTIALS


def test_busy_write_is_retried_not_turned_off(tmp_path: Path) -> None:
    """Another process writing is lock trouble, not a broken disk: the next write tries."""
    path = tmp_path / "feeds.db"
    store = JsonStore(path, store=Store(path, FEEDS_SCHEMA, busy_timeout=0.05))
    store.put("a", 1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    store.put("b", 2)
    assert store.store.write_errors == 1 and "another process holds" in store.warning
    assert store.get("a").body == 1 and store.writable  # reads go on (WAL), writes stay on
    holder.execute("ROLLBACK")
    holder.close()
    store.put("b", 2)
    assert store.get("b").body == 2 and store.store.write_errors == 1


# --- case 12: locked is not corrupt ---------------------------------------------------------

HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode=EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")
db.execute("UPDATE quote SET saved = saved")
db.execute("COMMIT")  # exclusive locking mode: the lock stays until the connection closes
print("locked", flush=True)
sys.stdin.readline()
db.close()
"""


def test_case_12_locked_cache_is_not_rebuilt(tmp_path: Path) -> None:
    path = filled(tmp_path / "quotes.db")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        cache = QuoteCache(path)  # waits the busy timeout, then gives up on the file for now
        assert "locked by another process" in (cache.warning or "")
        assert not cache.writable
        cache.save_quotes([])  # no exception
        assert aside(tmp_path) == []  # nothing moved aside
    finally:
        holder.communicate("release\n", timeout=10)
    assert aside(tmp_path) == []
    again = QuoteCache(path)
    assert again.warning is None
    assert again.load_quotes()["MSFT"].price == 516.17
    assert again.load_history("NVDA") == nvda_history()


def test_case_12_locked_store_tries_the_file_again(tmp_path: Path) -> None:
    """The same store, in a long-running app, finds its data once the lock is gone."""
    path = filled(tmp_path / "quotes.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE quote SET saved = saved")
    holder.execute("COMMIT")
    clock = Clock()
    cache = QuoteCache(path, store=Store(path, SCHEMA, busy_timeout=0.05, locked_retry=30,
                                         clock=clock))  # fmt: skip
    assert cache.load_quotes() == {} and cache.store.mode is Mode.LOCKED
    assert "tried again in 30 s" in cache.degraded
    holder.close()
    clock.now = 29.0
    assert cache.load_quotes() == {}  # not yet: no retry on every call
    clock.now = 30.0
    assert cache.load_quotes()["MSFT"].price == 516.17
    assert cache.store.mode is Mode.FILE and cache.warning is None and cache.degraded is None
    assert aside(tmp_path) == []


# --- case 13: no writable cache, in memory --------------------------------------------------


def test_case_13_unwritable_cache_runs_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file where the cache directory should be")
    cache = QuoteCache(blocker / "cache" / "quotes.db")
    assert cache.store.mode is Mode.MEMORY and not cache.writable
    assert "in-memory cache" in cache.degraded and cache.warning == cache.degraded
    cache.save_credentials(CREDENTIALS)
    cache.save_history(nvda_history())
    assert cache.load_credentials() == CREDENTIALS  # kept for this run
    assert cache.load_history("NVDA") == nvda_history()


def test_case_13_unreadable_cache_file_runs_in_memory(tmp_path: Path) -> None:
    """Its write-ahead log unreadable (here a directory in its place): reads used to raise
    UnboundLocalError from the quote cache. Now it runs in memory, from what the file holds."""
    path = filled(tmp_path / "quotes.db")
    Path(f"{path}-wal").mkdir()
    cache = QuoteCache(path)
    assert cache.load_credentials() == CREDENTIALS
    assert cache.load_history("NVDA") == nvda_history()
    assert cache.load_quotes()["MSFT"].price == 516.17
    assert "in-memory cache" in cache.warning and "last saved data" in cache.warning
    assert cache.degraded == cache.warning and not cache.writable
    cache.save_credentials({"crumb": "new-one"})
    assert cache.load_credentials() == {"crumb": "new-one"}
    assert aside(tmp_path) == []  # unreadable is not corrupt: nothing moved


def test_case_13_unreadable_feeds_store_runs_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "feeds.db"
    first = JsonStore(path)
    first.put("sec:tickers", {"NVDA": 1045810})
    first.close()
    Path(f"{path}-wal").mkdir()
    store = JsonStore(path)
    assert store.get("sec:tickers").body == {"NVDA": 1045810}
    assert "in-memory cache" in store.warning


def _quotes(url: str, cache_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEOTUI_YAHOO_URL": url, "XDG_CACHE_HOME": str(cache_home)}
    return subprocess.run([sys.executable, "-m", "neotui", "quotes", *args], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_case_13_quotes_without_a_writable_cache_directory(
    fake_yahoo: FakeYahoo, tmp_path: Path
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    result = _quotes(fake_yahoo.url, blocker / "cache", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "running with an in-memory cache" in result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(r["price"] is not None and not r["stale"] for r in rows)


def test_case_13_quotes_with_an_unreadable_cache_file(
    fake_yahoo: FakeYahoo, tmp_path: Path
) -> None:
    home = tmp_path / "xdg-cache"
    first = _quotes(fake_yahoo.url, home, "--format", "json")  # fills the cache
    assert first.returncode == 0, first.stderr
    Path(f"{home / 'neotui' / 'quotes.db'}-wal").mkdir()
    fake_yahoo.set_fault("500")
    result = _quotes(fake_yahoo.url, home, "--format", "json")
    assert "Traceback" not in result.stderr and result.returncode == 3, result.stderr
    assert "running with an in-memory cache" in result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(r["stale"] and r["price"] is not None for r in rows)  # last good ones


def test_case_13_impact_offline_with_an_unreadable_cache_file(tmp_path: Path) -> None:
    home = tmp_path / "xdg-cache"
    filled(home / "neotui" / "quotes.db")
    Path(f"{home / 'neotui' / 'quotes.db'}-wal").mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "neotui", "impact", "--offline", "--provider", "coreweave",
         "--format", "json"], env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 3 and "CRWV: not in the cache" in result.stderr
    assert "running with an in-memory cache" in result.stderr


async def test_case_13_app_shows_quotes_and_says_in_memory(
    fake_yahoo: FakeYahoo, isolated_dirs: dict[str, Path]
) -> None:
    """The TUI used to stay "loading…": the feed died of the quote cache's UnboundLocalError."""
    from neotui.data.market.feed import SymbolStatus
    from neotui.widgets.status_line import StatusLine
    from tests.helpers import wait_until
    from tests.test_end_to_end import SIZE, real_app, statuses

    path = filled(isolated_dirs["XDG_CACHE_HOME"] / "neotui" / "quotes.db")
    Path(f"{path}-wal").mkdir()
    app = real_app(fake_yahoo.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: statuses(app) == {SymbolStatus.FRESH}, pilot=pilot)
        assert "in-memory cache" in app.screen.query_one(StatusLine).plain


# --- what neotui doctor says of it ----------------------------------------------------------


def _doctor_cache(monkeypatch: pytest.MonkeyPatch, cache_home: Path):
    from neotui.cli.checks import run_doctor
    from neotui.settings import load_settings
    from tests.fake_yahoo import free_port_refusing

    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    settings = load_settings(environ={"NEOTUI_YAHOO_URL": free_port_refusing()},
                             overrides={"market": {"connect_timeout": 0.5}})  # fmt: skip
    return next(r for r in run_doctor(settings) if r.check == "cache")


def test_case_13_doctor_fails_the_cache_and_says_in_memory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    check = _doctor_cache(monkeypatch, blocker / "cache")
    assert check.status == "fail" and "running with an in-memory cache" in check.detail
    assert "writable" in check.hint


def test_case_12_doctor_warns_of_a_locked_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = filled(tmp_path / "home" / "neotui" / "quotes.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE quote SET saved = saved")
    holder.execute("COMMIT")
    try:
        check = _doctor_cache(monkeypatch, tmp_path / "home")
    finally:
        holder.close()
    assert check.status == "warn" and "locked by another process" in check.detail
    assert "left as it is" in check.hint and aside(path.parent) == []
