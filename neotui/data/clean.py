"""Making strings from files and the network safe to show in a terminal, and bodies safe to
decode.

A deal note, a company name or a filing's accession number is data: it must not carry escape
sequences (which a terminal would obey: OSC 52 writes the clipboard, OSC 8 makes links, CSI 2J
clears the screen), bidi overrides (which reorder what is shown, so a line reads differently from
what it holds) or zero-width characters (which make two different strings look the same). Markup
is a separate concern, handled by always rendering through ``rich.text.Text``; this module only
removes what no renderer should receive.

:func:`parse_json` is the one way a network body becomes data: every string of the tree, keys
included, comes out cleaned, so no parser can forget a field. :func:`web_url` is the one check a
link passes before it is stored for opening.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

# C0 controls (tab and newline included: our fields are one-line), DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates, the directional marks, and the Arabic letter mark.
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# Zero-width space, non-joiner, joiner, word joiner, and the byte-order mark.
_ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
_INVISIBLE = re.compile(f"[{_BIDI}{_ZERO_WIDTH}]")
# An escape sequence, introduced by ESC or by its one-character C1 form (CSI is \x9b, OSC \x9d,
# DCS \x90, SOS \x98, PM \x9e, APC \x9f): drop the whole sequence, not just the introducer, so
# "[31m" or "52;c;…" does not remain. A string sequence runs to BEL or ST (ESC \ or \x9c).
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)
#: Nesting deeper than this in a network body is refused (real bodies nest under 10 levels).
MAX_DEPTH = 64


def clean_text(value: str) -> str:
    """Return ``value`` with escape sequences, bidi controls and zero-width characters removed
    and other control characters replaced by spaces (so words separated by a newline or tab
    stay separated)."""
    if value.isprintable() and not _INVISIBLE.search(value):
        return value
    return _CONTROL.sub(" ", _INVISIBLE.sub("", _ANSI.sub("", value)))


def _cleaned(node: Any, depth: int) -> Any:
    if isinstance(node, str):
        return clean_text(node)
    if depth > MAX_DEPTH:
        raise ValueError(f"JSON nested over {MAX_DEPTH} levels")
    if isinstance(node, dict):
        return {clean_text(k): _cleaned(v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_cleaned(v, depth + 1) for v in node]
    return node


def parse_json(body: bytes | str) -> Any:
    """Decode a JSON body from outside with every string (keys and values) cleaned.

    Raises:
        ValueError: for invalid JSON, bytes that are not UTF-8, or absurd nesting (the
            decoder's RecursionError is turned into this, as is nesting past ``MAX_DEPTH``).
    """
    return _cleaned(decode_json(body), 0)


def decode_json(body: bytes | str) -> Any:
    """Decode a JSON body from outside, not yet cleaned (for a caller that keeps a small part
    of a large body and cleans that with :func:`clean_json`).

    Raises:
        ValueError: for invalid JSON (a ``json.JSONDecodeError``), bytes that are not UTF-8, or
            nesting deep enough to exhaust the decoder's recursion.
    """
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8: {exc.reason}") from None


def clean_json(tree: Any) -> Any:
    """A decoded tree with every string (keys and values) cleaned, as :func:`parse_json` does:
    for a caller that decodes a large body itself and cleans only the part it keeps (company
    facts: 2 % of NVIDIA's 4 MB, where cleaning all of it would take 90 ms).

    Raises:
        ValueError: nesting past ``MAX_DEPTH``.
    """
    return _cleaned(tree, 0)


def web_url(text: object) -> str | None:
    """``text`` as a link neotui may open: an http(s) URL with a host, cleaned; else None.

    Everything else (``file:``, ``javascript:``, a scheme-less path, an escape sequence or a
    space inside) is refused, so the opener only ever hands a web page to the browser.
    """
    if not isinstance(text, str):
        return None
    url = clean_text(text).strip()
    if not url or url != text.strip() or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def safe_relative_path(text: object) -> str | None:
    """``text`` as a relative path that stays below the folder it is joined to (a filing's
    primary document): no scheme, no leading slash or backslash, no ``..`` or ``.`` segment,
    nothing but printable URL-path characters; else None."""
    if not isinstance(text, str):
        return None
    path = text.strip()
    if not path or not re.fullmatch(r"[A-Za-z0-9._\-/]+", path) or path.startswith("/"):
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path
