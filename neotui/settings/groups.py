"""How the ``[[group]]`` tables of the settings layers and ``market.symbols`` combine.

- ``market.symbols`` is always the first group, the watchlist, shown at start as before groups
  existed.
- ``[[group]]`` tables follow it. Like ``[[lot]]`` tables they do not add up across files: the
  last layer that has any wins (the bundled file has four).
- A layer above the bundled one that sets ``market.symbols`` (your file, ``NEOTUI_SYMBOLS``,
  ``--symbols``) while none above it has ``[[group]]`` tables keeps meaning what it meant
  before groups: that one list, nothing else fetched, no bundled groups added.

A problem with a group is a notice, never an error: the group (or the entry) is left out and
neotui runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neotui.data.groups import GroupTables, WatchGroup, parse_groups, resolve

SECTION = "group"


def read_groups(where: str, body: Any) -> GroupTables:
    """One layer's ``[[group]]`` tables, its problems prefixed with the layer's name."""
    tables = parse_groups(body)
    return GroupTables(tables.groups, tuple(f"{where}: {p}" for p in tables.problems))


def combine(
    layers: Sequence[tuple[str, dict[str, Any]]], watchlist: Sequence[str]
) -> tuple[tuple[WatchGroup, ...], tuple[str, ...]]:
    """The groups shown after the watchlist, and the notices about those left out.

    Args:
        layers: every settings layer, lowest (the bundled file) first, as validated.
        watchlist: the merged ``market.symbols``.
    """
    above = layers[1:]
    own_symbols = any("symbols" in layer.get("market", {}) for _, layer in above)
    own_groups = any(SECTION in layer for _, layer in above)
    if own_symbols and not own_groups:
        return (), ()
    tables = next((layer[SECTION] for _, layer in reversed(layers) if SECTION in layer), None)
    if tables is None:
        return (), ()
    groups, problems = resolve(watchlist, tables.groups)
    return groups, (*tables.problems, *problems)
