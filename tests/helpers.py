"""Small builders shared by tests: deals TOML, the one frozen UTC clock, the one wait-until."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable

from tests.conftest import REPO

DATA = REPO / "tests" / "data"
SMALL_BOOK = DATA / "small_deals.toml"

PROVIDER = """
[[provider]]
id = "alpha"
name = "Alpha Cloud"
ticker = "ALPH"
country = "US"
role = "neocloud"
"""


def deal_toml(**fields: object) -> str:
    """A [[deal]] table with valid defaults, overridden (or removed, with None) by ``fields``."""
    values: dict[str, object] = {
        "id": '"d1"',
        "date": "2025-09-30",
        "date_kind": '"announced"',
        "provider": '"alpha"',
        "counterparty": '"Meta"',
        "kind": '"compute"',
        "value_usd": "14.2e9",
        "summary": '"A deal."',
        "source": '"Test"',
    }
    for key, value in fields.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    body = "\n".join(f"{k} = {v}" for k, v in values.items())
    return f"\n[[deal]]\n{body}\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


#: Friday 2026-11-20, 10:30 in New York: the regular session. Every frozen clock starts here.
FROZEN = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


class UtcClock:
    """A UTC clock a test moves by hand, for anything that takes ``clock=``: it reads ``now``
    (``FROZEN`` unless told), plus ``step`` seconds after every read when given (a clock that
    ticks as the code reads it)."""

    def __init__(self, now: datetime = FROZEN, *, step: float = 0.0) -> None:
        self.now = now
        self.step = timedelta(seconds=step)

    def __call__(self) -> datetime:
        now = self.now
        self.now += self.step
        return now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward; returns the new time."""
        self.now += timedelta(seconds=seconds)
        return self.now


async def wait_until(
    predicate: Callable[[], object],
    *,
    timeout: float = 10.0,
    pilot: Any = None,
    what: str = "",
) -> None:
    """Return as soon as ``predicate()`` is true; fail after ``timeout`` seconds.

    The test waits for a condition, never for a length of time, so a loaded machine only makes
    it slower, never wrong. With ``pilot`` each check lets the app process its messages first
    (``pilot.pause``); without, the event loop runs the code under test between checks.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s: {what or predicate}")
        if pilot is not None:
            await pilot.pause(0.01)
        else:
            await asyncio.sleep(0.01)


class WallClock:
    """A stand-in for ``time.time`` (the feed's ``wall=``): frozen until ``advance`` moves it, so
    a test decides when a backed-off symbol is due or a laptop wakes. It counts its reads: a
    feed waiting between refreshes reads it every tick, so ``reads`` growing means the feed is
    waiting, not refreshing."""

    def __init__(self, now: float = FROZEN.timestamp()) -> None:
        self.now = now
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now

    def advance(self, seconds: float) -> float:
        """Move the clock forward (a jump, as after sleep); returns the new time."""
        self.now += seconds
        return self.now


@dataclass(frozen=True)
class Notice:
    """One notification the app raised."""

    message: str
    title: str
    severity: str


def record_notices(app: App[Any]) -> list[Notice]:
    """Every notification ``app`` raises from now on, recorded as ``App.notify`` is called
    (wrapped, still showing the toast). Unlike the toasts on screen, none expires or is dismissed
    before the test reads it, so "reported once" can be counted."""
    notices: list[Notice] = []
    show = app.notify

    def notify(message: str, *, title: str = "", severity: str = "information", **kw: Any) -> None:
        notices.append(Notice(str(message), title, severity))
        show(message, title=title, severity=severity, **kw)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return notices


def help_ids(screen: Screen[Any]) -> set[str]:
    """The binding ids listed by the help screen (``?``), read from its table."""
    table = screen.query_one("#help-keys", DataTable)
    return {table.get_row_at(i)[2].plain for i in range(table.row_count)}
