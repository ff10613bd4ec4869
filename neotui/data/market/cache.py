"""The last-good store: quotes, daily history and fundamentals per symbol, and Yahoo's cookie
and crumb, in SQLite.

At start-up the app shows what is here before any network call, marked with its age. The store
is a cache, never a source of truth: a corrupt file is moved aside and rebuilt, an unwritable
directory or a full disk turns writes off. Each of those is reported once through ``warning`` and
the app goes on.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neotui.data.market.fundamentals import Fundamentals
from neotui.data.market.quote import DailyHistory, Quote

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS quote (symbol TEXT PRIMARY KEY, body TEXT NOT NULL, saved REAL);
CREATE TABLE IF NOT EXISTS history (symbol TEXT PRIMARY KEY, body TEXT NOT NULL, saved REAL);
CREATE TABLE IF NOT EXISTS fundamentals (symbol TEXT PRIMARY KEY, body TEXT NOT NULL, saved REAL);
CREATE TABLE IF NOT EXISTS auth (symbol TEXT PRIMARY KEY, body TEXT NOT NULL, saved REAL);
"""


class QuoteCache:
    """A small SQLite store (WAL mode) shared by the feed's tasks and threads.

    All methods are synchronous and fast (one row each); a lock serialises them so the feed can
    call them from ``asyncio.to_thread``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warning: str | None = None
        self.writable = True
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = self._open()

    # --- opening and recovery -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=2.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"unknown cache schema version {version}")
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._disable(f"cache directory unusable ({exc.strerror or exc}); not caching")
            return None
        try:
            return self._connect()
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc) or "unable to open" in str(exc):
                self._disable(f"cache not writable ({exc}); not caching")
                return self._open_read_only()
            return self._rebuild(str(exc))
        except sqlite3.DatabaseError as exc:
            return self._rebuild(str(exc))

    def _open_read_only(self) -> sqlite3.Connection | None:
        if not self.path.exists():
            return None
        try:
            uri = f"file:{self.path}?mode=ro"
            return sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error:
            return None

    def _rebuild(self, why: str) -> sqlite3.Connection | None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            db = self._connect()
        except (OSError, sqlite3.Error) as exc:
            self._disable(f"cache unusable ({why}; {exc}); not caching")
            return None
        self.warning = f"cache was unreadable ({why}); moved to {aside.name} and rebuilt"
        return db

    def _disable(self, message: str) -> None:
        self.writable = False
        self.warning = message

    # --- reads and writes -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _guard(self, writing: bool) -> Iterator[sqlite3.Connection | None]:
        with self._lock:
            if self._db is None or (writing and not self.writable):
                yield None
                return
            try:
                yield self._db
                if writing:
                    self._db.commit()
            except sqlite3.Error as exc:
                if writing:
                    # Disk full, read-only remount, lock trouble: stop writing, keep running.
                    self._disable(f"cache write failed ({exc}); not caching from now on")
                with contextlib.suppress(sqlite3.Error):
                    self._db.rollback()

    def _put(self, table: str, symbol: str, body: dict[str, Any]) -> None:
        with self._guard(writing=True) as db:
            if db is not None:
                db.execute(
                    f"INSERT OR REPLACE INTO {table} (symbol, body, saved) VALUES (?, ?, ?)",
                    (symbol, json.dumps(body), time.time()),
                )

    def _get_all(self, table: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        with self._guard(writing=False) as db:
            if db is None:
                return out
            for symbol, body in db.execute(f"SELECT symbol, body FROM {table}"):
                with contextlib.suppress(ValueError, TypeError):
                    out[symbol] = json.loads(body)
        return out

    def _get(self, table: str, symbol: str) -> dict[str, Any] | None:
        with self._guard(writing=False) as db:
            if db is None:
                return None
            row = db.execute(f"SELECT body FROM {table} WHERE symbol = ?", (symbol,)).fetchone()
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except (ValueError, TypeError):
            return None

    def save_quotes(self, quotes: list[Quote]) -> None:
        """Store the latest good quotes (one transaction)."""
        with self._guard(writing=True) as db:
            if db is not None:
                now = time.time()
                db.executemany(
                    "INSERT OR REPLACE INTO quote (symbol, body, saved) VALUES (?, ?, ?)",
                    [(q.symbol, json.dumps(q.to_json()), now) for q in quotes],
                )

    def load_quotes(self) -> dict[str, Quote]:
        """Every cached quote by symbol; rows that no longer parse are skipped."""
        out: dict[str, Quote] = {}
        for symbol, body in self._get_all("quote").items():
            with contextlib.suppress(KeyError, TypeError, ValueError):
                out[symbol] = Quote.from_json(body)
        return out

    def save_history(self, history: DailyHistory, key: str | None = None) -> None:
        """Store one symbol's daily history (under ``key`` when one symbol keeps several
        ranges, e.g. ``"CRWV|2y"`` for the event study)."""
        self._put("history", key or history.symbol, history.to_json())

    def load_history(self, symbol: str) -> DailyHistory | None:
        """One symbol's cached daily history (or the one stored under that key), if any."""
        body = self._get("history", symbol)
        if body is None:
            return None
        try:
            return DailyHistory.from_json(body)
        except (KeyError, TypeError, ValueError):
            return None

    def save_fundamentals(self, fundamentals: Fundamentals) -> None:
        """Store one symbol's fundamentals."""
        self._put("fundamentals", fundamentals.symbol, fundamentals.to_json())

    def load_fundamentals(self) -> dict[str, Fundamentals]:
        """Every cached set of fundamentals by symbol."""
        out: dict[str, Fundamentals] = {}
        for symbol, body in self._get_all("fundamentals").items():
            with contextlib.suppress(KeyError, TypeError, ValueError):
                out[symbol] = Fundamentals.from_json(body)
        return out

    def save_credentials(self, body: dict[str, Any]) -> None:
        """Store Yahoo's cookie and crumb (reused across runs until Yahoo refuses them)."""
        self._put("auth", "yahoo", body)

    def load_credentials(self) -> dict[str, Any] | None:
        """The stored cookie and crumb, if any."""
        return self._get("auth", "yahoo")

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
