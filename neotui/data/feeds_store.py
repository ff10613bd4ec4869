"""A small SQLite key -> JSON store for the last good filings, tickers table and headlines.

Like the quote cache it is a cache, never a source of truth: a corrupt file is moved aside and
rebuilt, an unwritable one turns writes off, and either is reported once through ``warning``.
Rows keep when they were saved, so a restart shows the data at once with its real age.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    key TEXT PRIMARY KEY, body TEXT NOT NULL, meta TEXT NOT NULL, saved REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Stored:
    """One stored value, its side data (HTTP validators, reasons) and when it was saved."""

    body: Any
    meta: dict[str, Any]
    saved: float


class JsonStore:
    """Thread-safe: the feeds call it through ``asyncio.to_thread``. The file is opened on
    first use, so building the app costs nothing before its first frame."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warning: str | None = None
        self._lock = threading.Lock()
        self._opened = False
        self._db_conn: sqlite3.Connection | None = None

    @property
    def _db(self) -> sqlite3.Connection | None:
        if not self._opened:
            self._opened = True
            self._db_conn = self._open()
        return self._db_conn

    @_db.setter
    def _db(self, value: sqlite3.Connection | None) -> None:
        self._opened = True
        self._db_conn = value

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=2.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            db.executescript(_SCHEMA)
            db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect()
        except OSError as exc:
            self.warning = f"{self.path.name}: cache directory unusable ({exc}); not caching"
            return None
        except sqlite3.Error as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            try:
                self.path.replace(aside)
                for suffix in ("-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                db = self._connect()
            except (OSError, sqlite3.Error) as again:
                self.warning = f"{self.path.name}: cache unusable ({exc}; {again}); not caching"
                return None
            self.warning = f"{self.path.name} was unreadable ({exc}); moved aside and rebuilt"
            return db

    def get(self, key: str) -> Stored | None:
        """The value under ``key`` (None if absent or unreadable)."""
        with self._lock:
            if self._db is None:
                return None
            try:
                row = self._db.execute(
                    "SELECT body, meta, saved FROM entry WHERE key = ?", (key,)
                ).fetchone()
            except sqlite3.Error:
                return None
        if row is None:
            return None
        try:
            return Stored(json.loads(row[0]), json.loads(row[1]), float(row[2]))
        except (ValueError, TypeError):
            return None

    def put(self, key: str, body: Any, meta: dict[str, Any] | None = None) -> None:
        """Store ``body`` (JSON-serialisable) under ``key``, stamped now."""
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO entry (key, body, meta, saved) VALUES (?, ?, ?, ?)",
                    (key, json.dumps(body), json.dumps(meta or {}), time.time()),
                )
                self._db.commit()
            except sqlite3.Error as exc:
                self.warning = f"{self.path.name}: cache write failed ({exc}); not caching"
                with contextlib.suppress(sqlite3.Error):
                    self._db.close()
                self._db = None

    def touch(self, key: str) -> None:
        """Mark ``key`` as confirmed now (a 304 Not Modified) without rewriting its body."""
        with self._lock:
            if self._db is None:
                return
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("UPDATE entry SET saved = ? WHERE key = ?", (time.time(), key))
                self._db.commit()

    def close(self) -> None:
        """Close the database (if it was ever opened)."""
        with self._lock:
            if self._db_conn is not None:
                self._db_conn.close()
            self._db = None
