"""Issue 22 case 20: showing and hiding panes must not grow memory.

Every focus move or pane toggled rebuilds the footer's keys; Textual's ``Footer`` kept each old
``FooterKey`` alive through its ``compact`` watcher list (~100 widgets per ``j j k f f v v tab``,
~2 MB). Counted as objects, not RSS, so the test is exact rather than noisy."""

from __future__ import annotations

import gc

from textual.widget import Widget

from tests.harness import build_app

KEYS = ("j", "j", "k", "f", "f", "v", "v", "tab")
SIZE = (160, 48)


def detached_widgets() -> list[Widget]:
    """Widgets still alive after a collection although no screen holds them."""
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, Widget) and not o.is_attached]


async def test_case_20_pane_cycles_leave_no_widget_behind() -> None:
    # Widgets other tests left to the collector are not this test's business: held here (so
    # their ids stay theirs) and left out.
    earlier = detached_widgets()
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(6):
            for key in KEYS:
                await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen = {id(w) for w in earlier}
        left = [w for w in detached_widgets() if id(w) not in seen]
        assert [type(w).__name__ for w in left] == []
        footer = app.screen.query_one("Footer")
        keys = len(footer.query("FooterKey"))
        bound = sum(len(v) for v in getattr(footer, "__watchers", {}).values())
        assert bound <= keys  # one binding per key on screen, none for keys removed
