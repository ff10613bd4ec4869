"""A small SQLite key -> JSON store for the last good filings, tickers table and headlines.

Like the quote cache it is a cache, never a source of truth, and recovers the same way (the
policy of :mod:`neotui.data.storage`: lazy open, locked files left alone, corrupt ones moved
aside, in memory when nothing can be written); each problem is reported once through
``warning``. Rows keep when they were saved, so a restart shows the data at once with its real
age.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neotui.data.storage import Cache, Schema, Store

SCHEMA = Schema(
    version=1,
    script="""
CREATE TABLE IF NOT EXISTS entry (
    key TEXT PRIMARY KEY, body TEXT NOT NULL, meta TEXT NOT NULL, saved REAL NOT NULL
);
""",
)


@dataclass(frozen=True)
class Stored:
    """One stored value, its side data (HTTP validators, reasons) and when it was saved."""

    body: Any
    meta: dict[str, Any]
    saved: float


class JsonStore(Cache):
    """Thread-safe: the feeds call it through ``asyncio.to_thread``. The file is opened on
    first use, so building the app costs nothing before its first frame."""

    def __init__(self, path: Path, *, store: Store | None = None) -> None:
        super().__init__(store or Store(path, SCHEMA))

    def get(self, key: str) -> Stored | None:
        """The value under ``key`` (None if absent or unreadable)."""
        rows = self.store.read("SELECT body, meta, saved FROM entry WHERE key = ?", (key,))
        if not rows:
            return None
        body, meta, saved = rows[0]
        if not isinstance(body, str) or not isinstance(meta, str):
            return None
        if not isinstance(saved, int | float):
            return None
        try:
            value, side = json.loads(body), json.loads(meta)
        except ValueError:
            return None
        return Stored(value, side, float(saved)) if isinstance(side, dict) else None

    def put(self, key: str, body: Any, meta: dict[str, Any] | None = None) -> None:
        """Store ``body`` (JSON-serialisable) under ``key``, stamped now."""
        self.store.write(
            "INSERT OR REPLACE INTO entry (key, body, meta, saved) VALUES (?, ?, ?, ?)",
            [(key, json.dumps(body), json.dumps(meta or {}), time.time())],
        )

    def touch(self, key: str) -> None:
        """Mark ``key`` as confirmed now (a 304 Not Modified) without rewriting its body."""
        self.store.write("UPDATE entry SET saved = ? WHERE key = ?", [(time.time(), key)])
