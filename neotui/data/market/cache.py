"""The last-good store: quotes, daily history and fundamentals per symbol, Yahoo's cookie and
crumb, and each symbol's earnings calendar, short interest and implied move, in SQLite.

At start-up the app shows what is here before any network call, marked with its age. The
recovery policy (lazy open, locked files left alone, corrupt ones moved aside, in memory when
nothing can be written) is the one of :mod:`neotui.data.storage`; this module only says what the
rows mean. Each problem is reported once through ``warning`` and the app goes on.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from neotui.data.market.earnings import Summary
from neotui.data.market.fundamentals import Fundamentals
from neotui.data.market.http import FailureKind, FetchError
from neotui.data.market.options import ImpliedMove
from neotui.data.market.quote import DailyHistory, Quote
from neotui.data.storage import Cache, Schema, Store

SCHEMA = Schema(
    version=1,
    script="""
CREATE TABLE IF NOT EXISTS quote (symbol TEXT PRIMARY KEY, body TEXT NOT NULL, saved REAL);
CREATE TABLE IF NOT EXISTS history (symbol TEXT PRIMARY KEY, body TEXT NOT NULL, saved REAL);
CREATE TABLE IF NOT EXISTS fundamentals (symbol TEXT PRIMARY KEY, body TEXT NOT NULL, saved REAL);
CREATE TABLE IF NOT EXISTS auth (symbol TEXT PRIMARY KEY, body TEXT NOT NULL, saved REAL);
""",
)
SCHEMA_VERSION = SCHEMA.version
_TABLES = ("quote", "history", "fundamentals", "auth")
#: The ``auth`` row that holds the symbols Yahoo does not know. It is a key/value table in all
#: but name: a row there keeps the schema at version 1, so an older neotui still writes the file.
_UNKNOWN = "unknown-symbols"
#: Prefixes of the ``auth`` rows that hold each symbol's quoteSummary answer and implied move.
#: ``auth`` is a key/value table in all but name: rows there keep the schema at version 1, so an
#: older neotui still opens and writes the file.
_SUMMARY, _IMPLIED = "summary:", "implied:"


def _object(body: object) -> dict[str, Any] | None:
    """A stored JSON object, or None for a row that is not one (damaged rows are skipped)."""
    if not isinstance(body, str | bytes):
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class QuoteCache(Cache):
    """Typed rows over one :class:`~neotui.data.storage.Store` (opened on first use).

    All methods are synchronous and fast (one row each, or one transaction); the store's lock
    serialises them so the feed can call them from ``asyncio.to_thread``.
    """

    def __init__(self, path: Path, *, store: Store | None = None) -> None:
        super().__init__(store or Store(path, SCHEMA))
        self._unknown: dict[str, tuple[str, float]] | None = None

    def _put(self, table: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
        assert table in _TABLES  # table names are ours, never from outside
        now = time.time()
        self.store.write(
            f"INSERT OR REPLACE INTO {table} (symbol, body, saved) VALUES (?, ?, ?)",
            [(symbol, json.dumps(body), now) for symbol, body in rows],
        )

    def _get_all(self, table: str) -> dict[str, dict[str, Any]]:
        assert table in _TABLES
        out: dict[str, dict[str, Any]] = {}
        for symbol, body in self.store.read(f"SELECT symbol, body FROM {table}"):
            value = _object(body)
            if isinstance(symbol, str) and value is not None:
                out[symbol] = value
        return out

    def _get(self, table: str, symbol: str) -> dict[str, Any] | None:
        assert table in _TABLES
        rows = self.store.read(f"SELECT body FROM {table} WHERE symbol = ?", (symbol,))
        return _object(rows[0][0]) if rows else None

    def save_quotes(self, quotes: list[Quote]) -> None:
        """Store the latest good quotes (one transaction)."""
        self._put("quote", [(q.symbol, q.to_json()) for q in quotes])

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
        self._put("history", [(key or history.symbol, history.to_json())])

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
        self._put("fundamentals", [(fundamentals.symbol, fundamentals.to_json())])

    def load_fundamentals(self) -> dict[str, Fundamentals]:
        """Every cached set of fundamentals by symbol."""
        out: dict[str, Fundamentals] = {}
        for symbol, body in self._get_all("fundamentals").items():
            with contextlib.suppress(KeyError, TypeError, ValueError):
                out[symbol] = Fundamentals.from_json(body)
        return out

    def save_outlook(
        self, summary: Summary, implied: ImpliedMove | None, before: ImpliedMove | None = None
    ) -> None:
        """Store one symbol's quoteSummary answer (calendar, short interest), its implied move
        and the one measured before the last report (``implied:SYM|before``), in one
        transaction."""
        rows = [(_SUMMARY + summary.symbol, summary.to_json())]
        if implied is not None:
            rows.append((_IMPLIED + implied.symbol, implied.to_json()))
        if before is not None:
            rows.append((f"{_IMPLIED}{before.symbol}|before", before.to_json()))
        self._put("auth", rows)

    def _prefixed(self, prefix: str) -> dict[str, dict[str, Any]]:
        return {k[len(prefix) :]: v for k, v in self._get_all("auth").items()
                if k.startswith(prefix)}  # fmt: skip

    def load_summaries(self) -> dict[str, Summary]:
        """Every cached quoteSummary answer by symbol; damaged rows are skipped."""
        out: dict[str, Summary] = {}
        for symbol, body in self._prefixed(_SUMMARY).items():
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                out[symbol] = Summary.from_json(body)
        return out

    def load_implied(self) -> dict[str, ImpliedMove]:
        """Every cached implied move by symbol (``SYM|before`` for the one before a report)."""
        out: dict[str, ImpliedMove] = {}
        for symbol, body in self._prefixed(_IMPLIED).items():
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                out[symbol] = ImpliedMove.from_json(body)
        return out

    def save_credentials(self, body: dict[str, Any]) -> None:
        """Store Yahoo's cookie and crumb (reused across runs until Yahoo refuses them)."""
        self._put("auth", [("yahoo", body)])

    def load_credentials(self) -> dict[str, Any] | None:
        """The stored cookie and crumb, if any."""
        return self._get("auth", "yahoo")

    def _unknown_rows(self) -> dict[str, tuple[str, float]]:
        if self._unknown is None:
            self._unknown = {}
            for symbol, entry in (self._get("auth", _UNKNOWN) or {}).items():
                if isinstance(entry, list) and len(entry) == 2:
                    reason, at = entry
                    if isinstance(reason, str) and isinstance(at, int | float):
                        self._unknown[symbol] = (reason, float(at))
        return self._unknown

    def load_unknown(self, since: float) -> dict[str, tuple[str, float]]:
        """The symbols Yahoo said it does not know at or after ``since`` (epoch seconds): by
        symbol, Yahoo's words and when. ``neotui quotes`` skips them instead of paying a round
        trip each run."""
        return {s: (r, at) for s, (r, at) in self._unknown_rows().items() if at >= since}

    def remember_unknown(self, results: Mapping[str, Quote | FetchError], now: float) -> None:
        """Remember the symbols of ``results`` Yahoo does not know (with ``now``) and forget
        those that have a quote; writes only when that changes anything."""
        rows = self._unknown_rows()
        new = dict(rows)
        for symbol, result in results.items():
            if isinstance(result, FetchError) and result.kind is FailureKind.NOT_FOUND:
                new[symbol] = (result.reason, now)
            elif isinstance(result, Quote):
                new.pop(symbol, None)
        if new != rows:
            self._unknown = new
            self._put("auth", [(_UNKNOWN, {s: [r, at] for s, (r, at) in new.items()})])
