"""The cyclic garbage collector, paused while the watch screen starts.

Starting the app allocates ~90,000 long-lived objects (Textual, its stylesheet, the widgets, the
deals book) and almost no garbage. With the collector on, Python walks those objects again and
again as they pile up: ~120 collections and one full one before the first frame, 60–90 ms of a
launch that a bare Textual app finishes in ~350 ms (bench/terminal_paint.py). So the launch
pauses the collector, and once the whole screen is up (the panes after the first frame too)
:func:`resume` collects once, freezes what survives (the app's own long-lived objects, which
later collections then skip) and turns the collector back on.

Only the launch paths pause it (``neotui`` and ``neotui`` with options); an app built by a test
or a command leaves the collector alone, and :func:`resume` then does nothing.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collection until :func:`resume` (the start of a launch)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """After the first full screen: collect the start-up garbage once, freeze the survivors and
    collect automatically again. Does nothing unless :func:`pause` stopped the collector."""
    global _paused
    if not _paused:
        return
    _paused = False
    gc.collect()
    gc.freeze()
    gc.enable()


def paused() -> bool:
    """Whether a launch has the collector paused."""
    return _paused
