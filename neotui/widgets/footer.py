"""The footer of key bindings, without the leak of Textual's own (issue 22 case 20).

Textual's ``Footer`` recomposes whenever the screen's bindings change: every focus move, every
pane shown or hidden. Each ``FooterKey`` it builds does ``data_bind(compact=Footer.compact)``,
which stores ``(key, setter)`` in the footer's own watcher list; Textual prunes that list only
when ``compact`` changes, which in neotui it never does. So every footer key ever built stayed
alive with its styles, render caches and message queue: ~2 MB per ``j j k f f v v tab``, 89 ->
206 MB over 52 minutes in a terminal (Textual 8.2.8; upstream Textualize/textual#6666).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer


def drop_departed_watchers(node: Any) -> int:
    """Remove from ``node``'s watcher lists the entries of nodes that have been removed (closed,
    closing or detached); returns how many went. The lists are Textual's own (``__watchers``,
    set by ``reactive._watch``); an entry's first item is the node that asked to watch."""
    watchers: dict[str, list[tuple[Any, Any]]] = getattr(node, "__watchers", {})
    dropped = 0
    for entries in watchers.values():
        kept = [
            (owner, callback)
            for owner, callback in entries
            if not (owner._closing or owner._closed or not owner.is_attached)
        ]
        dropped += len(entries) - len(kept)
        entries[:] = kept
    return dropped


class KeysFooter(Footer):
    """``Footer`` whose recompose forgets the keys it removed (see the module docstring)."""

    def compose(self) -> ComposeResult:
        # ``recompose`` has awaited the removal of the old keys before it calls this, so they
        # are closed by now; the new keys bind after they mount, after this runs.
        drop_departed_watchers(self)
        yield from super().compose()
