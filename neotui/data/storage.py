"""One SQLite store for neotui's caches, with one recovery policy.

The quote cache and the feeds store are caches, never a source of truth: whatever happens to
their file, neotui goes on, says what happened once, and keeps the user's data where it can.
Both sit on :class:`Store`, so they recover the same way:

- **Lazy open.** Nothing is opened, created or checked until the first read, write or status
  question; building the app costs nothing before its first frame.
- **Locked is not corrupt.** A file another process holds past the busy timeout is neither moved
  nor rebuilt: the store answers empty, drops writes and tries the file again a little later.
- **Newer schema.** A file written by a newer neotui (a higher ``user_version``) is opened
  read-only and never rebuilt, so going back a version does not wipe the newer one's cache.
- **Corrupt.** A failed integrity check, or SQLite saying the file is not a database, moves the
  file aside (kept, named with a timestamp, for a post-mortem) and rebuilds it empty.
- **Not writable.** A directory that cannot be made, or a file that cannot be opened or written
  (read-only mount, another owner): the store runs in memory, seeded with what the file holds
  when it can still be read, and :attr:`Store.degraded` says why.
- **Write errors.** Reported and counted; the connection stays open, so reads keep working.
  Lock trouble is retried on the next write; anything else (disk full) turns writes off.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

#: What SQLite stores and returns (no converters are registered).
SQLValue = str | bytes | int | float | None
Row = tuple[SQLValue, ...]

#: How long a statement waits for another process's lock before it gives up.
BUSY_TIMEOUT = 2.0
#: How long a store whose file was locked at open waits before trying the file again.
LOCKED_RETRY = 30.0

# SQLite's primary result codes (Python gives the extended code; its low byte is the primary).
_BUSY, _LOCKED, _CORRUPT, _NOTADB = 5, 6, 11, 26
_IN_MEMORY = "not caching to disk; running with an in-memory cache for this run"


class Mode(Enum):
    """Where the store's data lives now."""

    UNOPENED = "not opened yet"
    FILE = "file"
    READ_ONLY = "read-only file"
    MEMORY = "in memory"
    LOCKED = "locked by another process"
    CLOSED = "closed"


@dataclass(frozen=True)
class Schema:
    """The tables of one store: ``script`` is idempotent (``CREATE ... IF NOT EXISTS``) and is
    run on a file whose ``user_version`` is below ``version``."""

    version: int
    script: str


class _Corrupt(Exception):
    """The integrity check did not answer "ok"."""


class _Newer(Exception):
    """The file's schema version is above the one this neotui knows."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema version {version}")
        self.version = version


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _scalar(db: sqlite3.Connection, sql: str) -> SQLValue:
    row: Row | None = db.execute(sql).fetchone()
    return None if row is None else row[0]


def _memory() -> sqlite3.Connection:
    # A private in-memory database, named as a URI like the read-only opens.
    return sqlite3.connect("file::memory:", uri=True, check_same_thread=False)


class Store:
    """One SQLite file (WAL mode) shared by a feed's tasks and threads.

    Calls are synchronous and short; a lock serialises them so feeds can call them through
    ``asyncio.to_thread``. Reads answer ``[]`` and writes ``False`` whenever the data is not
    there to be had: callers never see a SQLite error.

    Args:
        path: the database file; its directory is made on first use.
        schema: the tables and their version.
        busy_timeout: seconds a statement waits for another process's lock.
        locked_retry: seconds before a file found locked at open is tried again.
        clock: monotonic seconds (tests step it).
    """

    def __init__(
        self,
        path: Path,
        schema: Schema,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        locked_retry: float = LOCKED_RETRY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.schema = schema
        self.busy_timeout = busy_timeout
        self.locked_retry = locked_retry
        self._clock = clock
        #: Failed reads and writes since the store was made (each also sets ``warning``).
        self.read_errors = 0
        self.write_errors = 0
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._mode = Mode.UNOPENED
        self._retry_at = 0.0
        self._writes_off = False
        self._warning: str | None = None
        self._degraded: str | None = None

    # --- status ---------------------------------------------------------------------------------
    # Asking is a use, so it opens the file (the status of a file never looked at would be a
    # guess). Once open, status is read without the lock: the event loop reads it while a
    # thread may hold the lock through SQLite's busy timeout. It never retries a locked file
    # either; reads and writes do.

    def _asked(self) -> None:
        if self._mode is Mode.UNOPENED:
            with self._lock:
                if self._mode is Mode.UNOPENED:
                    self._open()

    @property
    def mode(self) -> Mode:
        """Where the data lives now."""
        self._asked()
        return self._mode

    @property
    def warning(self) -> str | None:
        """The latest thing to tell the user (moved aside, degraded, a failed write), if any."""
        self._asked()
        return self._warning

    @property
    def degraded(self) -> str | None:
        """Why nothing is being saved to the file (in memory, read-only, locked, writes off);
        None while the file takes writes."""
        self._asked()
        return self._degraded

    @property
    def writable(self) -> bool:
        """Whether writes reach the file (False in memory, read-only, locked, or writes off)."""
        self._asked()
        return self._mode is Mode.FILE and not self._writes_off

    @property
    def connection(self) -> sqlite3.Connection | None:
        """The open connection, for diagnostics and tests (None when there is none)."""
        with self._lock:
            return self._ready()

    # --- reads and writes -----------------------------------------------------------------------

    def read(self, sql: str, params: Sequence[SQLValue] = ()) -> list[Row]:
        """The rows of one query; ``[]`` when the store has nothing to read or the read failed
        (counted in ``read_errors`` and said in ``warning``)."""
        with self._lock:
            db = self._ready()
            if db is None:
                return []
            try:
                rows: list[Row] = db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                self.read_errors += 1
                self._warning = f"{self.path.name}: cache read failed ({exc})"
                return []
            return rows

    def write(self, sql: str, rows: Iterable[Sequence[SQLValue]]) -> bool:
        """Run ``sql`` for each of ``rows`` in one transaction; False when nothing was written.

        A failure is rolled back, counted in ``write_errors`` and said in ``warning``; the
        connection stays open for reads. Lock trouble (another process writing) is retried on
        the next write; any other failure (disk full, read-only remount) turns writes off.
        """
        with self._lock:
            db = self._ready()
            if db is None or self._mode is Mode.READ_ONLY or self._writes_off:
                return False
            try:
                db.executemany(sql, rows)
                db.commit()
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    db.rollback()
                self.write_errors += 1
                if _code(exc) in (_BUSY, _LOCKED):
                    self._warning = (
                        f"cache write failed ({exc}): another process holds {self.path.name}; "
                        "the next write tries again"
                    )
                else:
                    self._writes_off = True
                    self._warning = f"cache write failed ({exc}); not caching from now on"
                    self._degraded = self._warning
                return False
            return True

    def close(self) -> None:
        """Close the file for good: later reads answer ``[]``, writes do nothing."""
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db = None
            self._mode = Mode.CLOSED

    # --- opening and recovery (called with the lock held) ---------------------------------------

    def _ready(self) -> sqlite3.Connection | None:
        if self._mode is Mode.UNOPENED or (
            self._mode is Mode.LOCKED and self._clock() >= self._retry_at
        ):
            self._open()
        return self._db

    def _use(self, db: sqlite3.Connection, mode: Mode, warning: str | None = None) -> None:
        self._db, self._mode = db, mode
        self._warning = warning
        self._degraded = warning if mode is not Mode.FILE else None

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._in_memory(f"cache directory unusable ({exc.strerror or exc})", seed=False)
            return
        try:
            self._use(self._connect(), Mode.FILE)
        except _Newer as newer:
            self._read_only(newer.version)
        except _Corrupt as exc:
            self._rebuild(str(exc))
        except sqlite3.Error as exc:
            code = _code(exc)
            if code in (_BUSY, _LOCKED):
                self._wait_for_lock(exc)
            elif code in (_CORRUPT, _NOTADB):
                self._rebuild(str(exc))
            else:  # cannot open or write it (read-only place, permissions, I/O): not corrupt
                self._in_memory(f"cache not writable ({exc})", seed=True)

    def _connect(self) -> sqlite3.Connection:
        """The file opened, checked and brought to our schema (raises what went wrong).

        A file already at our version is only read here, so a writer in another process
        (WAL lets readers through) does not stop it opening.
        """
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, check_same_thread=False)
        try:
            version = _scalar(db, "PRAGMA user_version")
            if not isinstance(version, int):
                raise _Corrupt(f"schema version {version!r}")
            if version > self.schema.version:
                raise _Newer(version)
            check = _scalar(db, "PRAGMA quick_check")
            if check != "ok":
                raise _Corrupt(f"integrity check failed: {check!s}")
            if _scalar(db, "PRAGMA journal_mode") != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if version < self.schema.version:
                db.executescript(self.schema.script)
                db.execute(f"PRAGMA user_version={int(self.schema.version)}")
                db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _uri(self, query: str) -> str:
        return f"{self.path.resolve().as_uri()}?{query}"

    def _read_only(self, version: int) -> None:
        why = (
            f"{self.path.name} was written by a newer neotui (schema {version}, this one knows "
            f"{self.schema.version}): read only, nothing new is saved"
        )
        try:
            db = sqlite3.connect(
                self._uri("mode=ro"), uri=True, timeout=self.busy_timeout, check_same_thread=False
            )
            try:
                _scalar(db, "PRAGMA user_version")  # a read proves the connection reads
            except BaseException:
                db.close()
                raise
        except sqlite3.Error as exc:
            self._in_memory(f"{why}; and it cannot be read ({exc})", seed=False)
            return
        self._use(db, Mode.READ_ONLY, why)

    def _wait_for_lock(self, exc: sqlite3.Error) -> None:
        self._db, self._mode = None, Mode.LOCKED
        self._retry_at = self._clock() + self.locked_retry
        self._warning = self._degraded = (
            f"{self.path.name} is locked by another process ({exc} after "
            f"{self.busy_timeout:g} s); left as it is, tried again in {self.locked_retry:g} s"
        )

    def _rebuild(self, why: str) -> None:
        aside = self._aside_path()
        try:
            self.path.replace(aside)
            # The write-ahead log belongs to the file it was written for: it goes with it.
            wal = Path(f"{self.path}-wal")
            if wal.exists():
                wal.replace(Path(f"{aside}-wal"))
            Path(f"{self.path}-shm").unlink(missing_ok=True)
            db = self._connect()
        except (OSError, sqlite3.Error, _Corrupt, _Newer) as exc:
            self._in_memory(f"cache unreadable ({why}) and not rebuilt ({exc})", seed=False)
            return
        self._use(db, Mode.FILE, f"cache was unreadable ({why}); moved to {aside.name} and rebuilt")

    def _aside_path(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():  # two in one second: keep both
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        return aside

    def _in_memory(self, why: str, *, seed: bool) -> None:
        db = _memory()
        seeded = seed and self._seed(db)
        try:
            db.executescript(self.schema.script)
        except sqlite3.Error:  # the copy does not fit our tables: start empty
            db.close()
            db = _memory()
            db.executescript(self.schema.script)
            seeded = False
        kept = f", starting from the last saved data in {self.path.name}" if seeded else ""
        self._use(db, Mode.MEMORY, f"{why}; {_IN_MEMORY}{kept}")

    def _seed(self, target: sqlite3.Connection) -> bool:
        """Copy what the file holds into ``target``, if it can be read at all.

        Read-only first; then immutable, for a WAL file in a directory where SQLite cannot
        make its shared-memory file: a place this user cannot write is rarely one being written,
        and a copy that reads wrong is dropped like any unreadable row.
        """
        if not self.path.is_file():
            return False
        for query in ("mode=ro", "mode=ro&immutable=1"):
            try:
                source = sqlite3.connect(self._uri(query), uri=True, timeout=self.busy_timeout)
                try:
                    source.backup(target)
                finally:
                    source.close()
            except sqlite3.Error:
                continue
            return True
        return False


class Cache:
    """The base of the typed caches over one :class:`Store`: what each shows of its state."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def path(self) -> Path:
        """The database file."""
        return self.store.path

    @property
    def warning(self) -> str | None:
        """The latest problem to tell the user once (see :attr:`Store.warning`)."""
        return self.store.warning

    @property
    def degraded(self) -> str | None:
        """Why nothing is saved to the file, or None (see :attr:`Store.degraded`)."""
        return self.store.degraded

    @property
    def writable(self) -> bool:
        """Whether writes reach the file."""
        return self.store.writable

    def close(self) -> None:
        """Close the file (if it was ever opened)."""
        self.store.close()
