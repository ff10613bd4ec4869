"""The SQLite last-good store: persistence, corrupt files, unwritable places."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from neotui.data.market.cache import QuoteCache
from neotui.data.market.fundamentals import Fundamentals
from neotui.data.market.quote import parse_history, parse_quote
from tests.fake_yahoo import recorded_json

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def msft():
    body = recorded_json("yf_chart_MSFT_range1d_fulldayPrice_after_hours_2026.json")
    return parse_quote(body, "MSFT", NOW)


def test_persists_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "quotes.db"
    cache = QuoteCache(path)
    cache.save_quotes([msft()])
    history = parse_history(recorded_json("y2_chart_NVDA_1d_1y_split_event.json"), "NVDA", NOW)
    cache.save_history(history)
    cache.save_fundamentals(Fundamentals("MSFT", NOW, market_cap=3.8e12))
    cache.close()

    again = QuoteCache(path)
    assert again.warning is None
    assert again.load_quotes() == {"MSFT": msft()}
    assert again.load_history("NVDA") == history
    assert again.load_history("ZZZ") is None
    assert again.load_fundamentals()["MSFT"].market_cap == 3.8e12
    assert again.path.exists()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_corrupt_file_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "quotes.db"
    path.write_bytes(b"this is not a database at all" * 100)
    cache = QuoteCache(path)
    assert cache.warning is not None and "moved to quotes.db.corrupt-" in cache.warning
    assert cache.load_quotes() == {}
    cache.save_quotes([msft()])
    assert cache.load_quotes()["MSFT"].price == 516.17
    aside = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1


def test_bad_row_is_skipped(tmp_path: Path) -> None:
    cache = QuoteCache(tmp_path / "q.db")
    cache.save_quotes([msft()])
    db = cache.store.connection
    db.execute("INSERT INTO quote VALUES ('BAD', '{not json', 0)")
    db.execute("""INSERT INTO quote VALUES ('ODD', '{"symbol": "ODD"}', 0)""")
    assert list(cache.load_quotes()) == ["MSFT"]


def test_read_only_cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache the user cannot write (read-only mount, other owner) is read, not written."""
    path = tmp_path / "quotes.db"
    QuoteCache(path).save_quotes([msft()])
    real_connect = sqlite3.connect

    def read_only_connect(target, *args, **kwargs):
        if not kwargs.get("uri"):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only_connect)
    cache = QuoteCache(path)
    assert not cache.writable and "not writable" in cache.warning
    assert cache.load_quotes()["MSFT"].price == 516.17  # last good quotes still shown
    cache.save_quotes([msft()])  # silently skipped


def test_unusable_directory_disables_cache_with_one_warning(tmp_path: Path) -> None:
    """Nothing reaches the disk; the run keeps what it saves in memory (issue 22 case 13)."""
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    cache = QuoteCache(blocker / "neotui" / "quotes.db")
    assert not cache.writable
    assert "cache directory unusable" in cache.warning
    cache.save_quotes([msft()])  # no exception
    assert list(cache.load_quotes()) == ["MSFT"]  # in memory for this run
    assert QuoteCache(blocker / "neotui" / "quotes.db").load_quotes() == {}


def test_write_failure_disables_writes_once(tmp_path: Path) -> None:
    """A full disk (or any write error) turns writes off and says so; reads still work."""
    cache = QuoteCache(tmp_path / "q.db")
    cache.save_quotes([msft()])
    db = cache.store.connection
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
    history = parse_history(recorded_json("y2_chart_NVDA_1d_1y_split_event.json"), "NVDA", NOW)
    cache.save_history(history)
    assert not cache.writable
    assert "cache write failed" in cache.warning and "full" in cache.warning
    cache.save_history(history)  # no second error, no exception
    assert "MSFT" in cache.load_quotes()
