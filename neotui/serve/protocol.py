"""What the browser sends over a session's WebSocket, read defensively.

The page (textual-serve's ``textual.js``) sends JSON arrays: ``["stdin", text]``,
``["resize", {"width": w, "height": h}]``, ``["ping", stamp]``, ``["focus"]``, ``["blur"]``.
textual-serve's own loop trusts them (an ``assert``, ``message.json()``), and a resize with a
non-integer width reaches Textual's ``Size`` in the app process, which then fails. Anything else
arriving on the socket is dropped here: one malformed frame must not end a session, let alone
the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_FRAME = 64 * 1024
"""The largest WebSocket frame accepted (aiohttp's ``max_msg_size``): a paste of a few thousand
characters fits; a client sending megabytes is cut off."""

WIDTH = (10, 500)
"""Columns a tab may ask for, lowest and highest: below ten nothing is legible, and beyond a
few hundred the app would spend its time drawing cells nobody can see."""
HEIGHT = (5, 300)
"""Rows a tab may ask for, likewise."""


@dataclass(frozen=True)
class Envelope:
    """One message from the page, checked: ``kind`` is one the session acts on."""

    kind: str
    """``stdin``, ``resize``, ``ping``, ``focus`` or ``blur``."""
    text: str = ""
    """The keys typed (``stdin``) or the stamp to echo (``ping``)."""
    width: int = 0
    height: int = 0


def dimension(value: Any, default: int, bounds: tuple[int, int]) -> int:
    """A width or height from the page (an int, or a query string's text), held within
    ``bounds``; ``default`` when it is not a whole number at all."""
    if isinstance(value, bool):
        return default
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            return default
    if not isinstance(value, int):
        return default
    low, high = bounds
    return max(low, min(high, value))


def read_envelope(data: str, size: tuple[int, int] = (80, 24)) -> Envelope | None:
    """The message in one text frame, or None for anything the page would not send.

    Args:
        data: the frame's text.
        size: the tab's current size, kept for a resize that names only one dimension.
    """
    try:
        message = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, list) or not message or not isinstance(message[0], str):
        return None
    kind, payload = message[0], message[1] if len(message) > 1 else None
    if kind == "stdin" and isinstance(payload, str):
        return Envelope("stdin", text=payload)
    if kind == "resize" and isinstance(payload, dict):
        width = dimension(payload.get("width"), size[0], WIDTH)
        height = dimension(payload.get("height"), size[1], HEIGHT)
        return Envelope("resize", width=width, height=height)
    if kind == "ping" and isinstance(payload, str | int | float) and not isinstance(payload, bool):
        return Envelope("ping", text=str(payload)[:64])
    if kind in ("focus", "blur"):
        return Envelope(kind)
    return None
