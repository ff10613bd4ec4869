"""The garbage collector paused during a launch: back on once the whole screen is up, with the
start-up survivors frozen; untouched when nothing paused it (tests, commands)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from neotui import startup_gc
from tests.harness import build_app
from tests.helpers import wait_until


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector is undone."""
    was_enabled = gc.isenabled()
    yield
    if startup_gc.paused():
        startup_gc.resume()
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_resume_without_pause_changes_nothing(collector: None) -> None:
    frozen = gc.get_freeze_count()
    startup_gc.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
    assert not startup_gc.paused()


class _Node:
    """A container that can sit in a reference cycle (and be weakly referenced)."""

    def __init__(self) -> None:
        self.peer: object = self


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection the interpreter starts while the test runs."""
    started: list[int] = []

    def count(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(count)
    yield started
    gc.callbacks.remove(count)


def test_pause_then_resume_collects_freezes_and_enables(
    collector: None, collections: list[int]
) -> None:
    startup_gc.pause()
    assert startup_gc.paused() and not gc.isenabled()
    cycle = _Node()  # garbage only a collection frees
    freed = weakref.ref(cycle)
    del cycle
    # Far past the youngest generation's threshold: with the collector on this starts several.
    kept = [[index] for index in range(20 * gc.get_threshold()[0])]
    assert collections == [] and freed() is not None  # paused: nothing collected
    frozen = gc.get_freeze_count()
    startup_gc.resume()
    assert collections == [2]  # one full collection, at resume
    assert freed() is None  # ... which freed the start-up garbage
    assert gc.get_freeze_count() >= frozen + len(kept)  # the survivors frozen
    assert gc.isenabled() and not startup_gc.paused()


def test_pause_leaves_a_disabled_collector_to_its_owner(collector: None) -> None:
    gc.disable()
    startup_gc.pause()
    startup_gc.resume()
    assert not gc.isenabled()  # someone else turned it off: not ours to turn on


async def test_app_resumes_collection_after_the_deferred_panes(collector: None) -> None:
    startup_gc.pause()
    app = build_app(live=True)
    async with app.run_test(size=(160, 48)) as pilot:
        assert app.watch_screen.panes_ready
        await wait_until(gc.isenabled, pilot=pilot)
        assert not startup_gc.paused()
        assert gc.get_freeze_count() > 0
