"""Writing neotui's own files (captured deals, alert state and rules) so that a crash, a full disk
or a second writer never loses or halves them.

- :func:`atomic_write`: a temporary file beside the target, flushed to disk, then a rename (a
  crash leaves the old file or the new one, never half of either).
- :func:`update_file`: a read-modify-write under an exclusive lock held across threads and
  processes (two neotui instances, or keys pressed in a burst, each start their own write: without
  the lock the last rename wins and the other writes are lost — 353 of 600 drafts kept in a
  two-writer test before the lock).
- Temporary files left by a writer killed mid-write are removed by the next writer, under the
  lock (so never while another writer is using its own).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: How long a writer waits for another one before giving up (a write takes milliseconds; a
#: holder stuck longer than this is a hung process, and the user is told).
LOCK_TIMEOUT = 10.0


class FileLocked(TimeoutError):
    """Another writer held the file's lock for longer than :data:`LOCK_TIMEOUT`."""


def _lock_path(path: Path) -> Path:
    # Not ".{name}." + suffix: that is the temporary files' prefix, which the sweep removes.
    return path.with_name(f".{path.name}-lock")


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


@contextlib.contextmanager
def write_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive writer's lock of neotui's own file ``path``.

    A lock file beside it (``.NAME-lock``, kept) is locked with ``flock`` (POSIX) or
    ``msvcrt.locking`` (Windows). Each call opens the lock file anew, so two threads of one
    process exclude each other as two processes do.

    Raises:
        FileLocked: the lock was not free within ``timeout`` seconds.
        OSError: the directory cannot hold the lock file.
    """
    lock = _lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise FileLocked(
                    f"{path} is being written by another neotui (waited {timeout:g} s)"
                )
            time.sleep(0.01)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (its directory is created if missing).

    The data is on disk before the rename (fsync), and the rename is on disk before this
    returns (fsync of the directory, where the platform has one), so a power cut after a
    reported save does not bring back the old file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - no directory handles to sync there
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse a directory fsync; the rename still happened
        pass
    finally:
        os.close(fd)


def sweep_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files a writer of ``path`` left when it was killed mid-write.
    Call with the lock held (:func:`update_file` does): then no live writer has one open."""
    removed = []
    with contextlib.suppress(OSError):
        for stray in path.parent.glob(f"{_temp_prefix(path)}*"):
            with contextlib.suppress(OSError):
                stray.unlink()
                removed.append(stray)
    return removed


def read_own_text(path: Path) -> str | None:
    """One of neotui's own files as text; None when it does not exist.

    Raises:
        ValueError: it is not UTF-8 text (the message says where; the file is left alone).
        OSError: it cannot be read.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "neotui leaves it as it is: fix or move it"
        ) from None


def update_file(path: Path, change: Callable[[str | None], str | None]) -> bool:
    """Read ``path``, apply ``change`` to its text (None: no file yet) and write the result
    atomically, all under the writer's lock. ``change`` returns None to leave the file as it
    is; the return value says whether it was written.

    Raises:
        FileLocked: another writer held the lock too long (nothing written).
        ValueError: the file is not UTF-8 text (nothing written).
        OSError: reading or writing failed (nothing written, or the old file kept).
    """
    with write_lock(path):
        sweep_temporaries(path)
        new = change(read_own_text(path))
        if new is None:
            return False
        atomic_write(path, new)
        return True


def replace_file(path: Path, text: str) -> None:
    """Write ``path`` whole (no read of the old text), under the writer's lock.

    Raises:
        FileLocked, OSError: nothing was written.
    """
    with write_lock(path):
        sweep_temporaries(path)
        atomic_write(path, text)
