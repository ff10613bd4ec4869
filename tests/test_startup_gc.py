"""The garbage collector paused during a launch: back on once the whole screen is up, with the
start-up survivors frozen; untouched when nothing paused it (tests, commands)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from neotui import startup_gc
from tests.harness import build_app


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector is undone."""
    was_enabled = gc.isenabled()
    yield
    startup_gc._paused = False
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_resume_without_pause_changes_nothing(collector: None) -> None:
    frozen = gc.get_freeze_count()
    startup_gc.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
    assert not startup_gc.paused()


def test_pause_then_resume_collects_freezes_and_enables(collector: None) -> None:
    startup_gc.pause()
    assert startup_gc.paused() and not gc.isenabled()
    cycle: list[object] = []
    cycle.append(cycle)  # garbage only a collection frees
    del cycle
    startup_gc.resume()
    assert gc.isenabled() and not startup_gc.paused()
    assert gc.get_freeze_count() > 0
    assert gc.garbage == []


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
        for _ in range(100):
            if gc.isenabled():
                break
            await pilot.pause(0.01)
        assert gc.isenabled() and not startup_gc.paused()
        assert gc.get_freeze_count() > 0
