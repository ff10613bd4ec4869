"""Every key binding neotui declares, by id, and the rules a ``[keys]`` rebinding must follow.

The UI's ``Binding(..., id="neotui.refresh")`` declarations and this registry say the same thing
(tests/test_keys_registry.py compares them), so the settings can check a user's ``[keys]`` table
on the command-line path, where Textual is never imported, and stop a typo such as
``"neotui.refesh"`` with exit 2 instead of ignoring it. Key names are checked against the names
Textual delivers (its tables are copied here and compared in the same test), so a key that can
never be pressed (``"ctrl+shift+banana"``) is an error, not a dead binding.
"""

from __future__ import annotations

import difflib
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "BINDINGS",
    "BY_ID",
    "CHARACTER_NAMES",
    "INHERITS",
    "KEY_NAME_REPLACEMENTS",
    "MODIFIERS",
    "NAMED_KEYS",
    "RESERVED",
    "KeyBinding",
    "KeymapError",
    "check_binding",
    "check_keymap",
    "parse_keys",
    "suggest_id",
]


@dataclass(frozen=True)
class KeyBinding:
    """One binding the UI declares: its id, default keys and footer text, and the UI class
    that declares it (bindings of one class share a key map, so two of them cannot share a
    key)."""

    id: str
    key: str
    description: str
    place: str


def _b(place: str, *rows: tuple[str, str, str]) -> list[KeyBinding]:
    return [KeyBinding(id_, key, description, place) for id_, key, description in rows]


BINDINGS: tuple[KeyBinding, ...] = (
    *_b(
        "NeoApp",
        ("neotui.quit", "q", "Quit"),
        ("neotui.help", "question_mark", "Help"),
        ("neotui.refresh", "r", "Refresh"),
        ("neotui.alerts", "A", "Alerts"),
        ("neotui.screenshot", "S", "Picture"),
    ),
    *_b(
        "WatchScreen",
        ("neotui.next_pane", "tab", "Next pane"),
        ("neotui.prev_pane", "shift+tab", "Prev pane"),
        ("neotui.details", "enter", "Details"),
        ("neotui.filter", "slash", "Filter"),
        ("neotui.sort", "s", "Sort"),
        ("neotui.timeline.kind", "t", "Kinds"),
        ("neotui.capacity", "c", "Capacity"),
        ("neotui.valuation", "v", "Valuation"),
        ("neotui.filings", "f", "Filings"),
        ("neotui.clear", "escape", "Clear filter"),
        ("neotui.positions", "p", "Positions"),
        ("neotui.add_alert", "a", "Add alert"),
        ("neotui.group.next", "g", "Group"),
        ("neotui.group.all", "G", "All groups"),
    ),
    *_b(
        "ProviderDetail",
        ("neotui.detail.back", "escape", "Back"),
        ("neotui.detail.day", "1", "1 day"),
        ("neotui.detail.year", "y", "1 year"),
        ("neotui.detail.benchmark", "b", "Benchmark"),
        ("neotui.detail.next", "tab", "Next pane"),
        ("neotui.detail.insiders", "i", "Insiders"),
    ),
    *_b("HelpScreen", ("neotui.help.close", "escape,question_mark,q", "Close")),
    *_b("AlertsScreen", ("neotui.alerts.close", "escape,q,A", "Close")),
    *_b("AddAlert", ("neotui.alert_add.cancel", "escape", "Cancel")),
    *_b("NeoTable", ("neotui.table.down", "j", "Down"), ("neotui.table.up", "k", "Up")),
    *_b("QuotesTable", ("neotui.quotes.down", "j", "Down"), ("neotui.quotes.up", "k", "Up")),
    *_b(
        "ProviderList",
        ("neotui.providers.down", "j", "Down"),
        ("neotui.providers.up", "k", "Up"),
    ),
    *_b("DealTable", ("neotui.timeline.down", "j", "Down"), ("neotui.timeline.up", "k", "Up")),
    *_b(
        "CapacityTable",
        ("neotui.capacity.down", "j", "Down"),
        ("neotui.capacity.up", "k", "Up"),
    ),
    *_b(
        "ValuationTable",
        ("neotui.valuation.down", "j", "Down"),
        ("neotui.valuation.up", "k", "Up"),
        ("neotui.valuation.sort", "o", "Order"),
    ),
    *_b(
        "FeedsTable",
        ("neotui.feeds.down", "j", "Down"),
        ("neotui.feeds.up", "k", "Up"),
        ("neotui.capture", "x", "Capture deal"),
    ),
    *_b(
        "PositionsTable",
        ("neotui.positions.down", "j", "Down"),
        ("neotui.positions.up", "k", "Up"),
    ),
)
"""Every binding with an id, in the order the help screen groups them."""

BY_ID: Mapping[str, KeyBinding] = {b.id: b for b in BINDINGS}
"""The registry by binding id."""

INHERITS: Mapping[str, tuple[str, ...]] = {
    table: ("NeoTable",)
    for table in (
        "CapacityTable",
        "FeedsTable",
        "PositionsTable",
        "ProviderList",
        "QuotesTable",
        "ValuationTable",
    )
}
"""UI classes whose key map also holds the bindings of these other places (base classes that
declare bindings with ids), nearest base first. As in Textual, a class's own binding for a key
replaces its bases' bindings for that key: a table's ``neotui.quotes.down`` on ``j`` shadows
the base's ``neotui.table.down``."""

# --- key names --------------------------------------------------------------------------------

MODIFIERS: tuple[str, ...] = ("alt", "ctrl", "hyper", "meta", "shift", "super")
"""Modifiers, in the (alphabetical) order Textual writes them in a key event."""

NAMED_KEYS: frozenset[str] = frozenset(
    {"backspace", "delete", "down", "end", "enter", "escape", "home", "insert", "left"}
    | {"pagedown", "pageup", "return", "right", "space", "tab", "up"}
    | {f"f{n}" for n in range(1, 25)}
)
"""Keys that are not characters, as Textual names them (``textual.keys.Keys``)."""

KEY_NAME_REPLACEMENTS: Mapping[str, str] = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
"""Textual's short names for a few punctuation keys (``textual.keys.KEY_NAME_REPLACEMENTS``)."""


def _character_key(character: str) -> str:
    """The name Textual gives a character's key: ``?`` is ``question_mark``, ``a`` is ``a``."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return KEY_NAME_REPLACEMENTS.get(name, name)


CHARACTER_NAMES: frozenset[str] = frozenset(_character_key(c) for c in string.punctuation)
"""Names of the punctuation keys (``question_mark``, ``slash``, ``comma``, ...)."""

RESERVED: Mapping[str, str] = {
    "ctrl+q": "Textual's quit",
    "ctrl+p": "the command palette",
}
"""Priority bindings of the App: a key here never reaches any other binding."""


class KeymapError(ValueError):
    """A ``[keys]`` entry that cannot work; ``binding_id`` is the entry at fault."""

    def __init__(self, binding_id: str, message: str) -> None:
        super().__init__(message)
        self.binding_id = binding_id
        self.message = message


def suggest_id(binding_id: str) -> str:
    """The reason an unknown id is refused, with the nearest known id when there is one."""
    near = difflib.get_close_matches(binding_id, list(BY_ID), n=1, cutoff=0.6)
    if near:
        return f'unknown binding id (did you mean "{near[0]}"?)'
    return "unknown binding id (the ? screen lists every key with its id)"


def _parse_key(key: str) -> str:
    """Check one key (``ctrl+r``) and return it as Textual will match it (``?`` becomes
    ``question_mark``). Raises ValueError saying what is wrong."""
    if len(key) == 1:
        if not key.isprintable() or key.isspace():
            raise ValueError(f"{key!r} is not a key")
        return _character_key(key)
    *mods, base = key.split("+")
    if not base:
        raise ValueError(f'no key after "{key}"')
    for mod in mods:
        if mod not in MODIFIERS:
            raise ValueError(f'"{mod}" is not a modifier (known: {", ".join(MODIFIERS)})')
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            raise ValueError(f"{base!r} is not a key")
        base = _character_key(base)
    elif base not in NAMED_KEYS and base not in CHARACTER_NAMES:
        near = difflib.get_close_matches(base.lower(), [*NAMED_KEYS, *CHARACTER_NAMES], n=1)
        hint = f' (did you mean "{near[0]}"?)' if near else ""
        raise ValueError(f'"{base}" is not a key{hint}')
    ordered = sorted(set(mods), key=MODIFIERS.index)
    if mods != ordered:
        # Textual writes modifiers once each, in this order; any other spelling never matches.
        raise ValueError(f'write it "{"+".join([*ordered, base])}"')
    return "+".join([*mods, base])


def parse_keys(text: str) -> tuple[str, ...]:
    """Check a comma-separated key list (``"r,f5"``) and return its keys as Textual matches
    them. Raises ValueError saying what is wrong."""
    if not text.strip(" ,"):
        raise ValueError(f'no key in {text!r} (expected keys like "r,f5")')
    keys: list[str] = []
    for part in text.split(","):
        key = part.strip()
        if not key:
            raise ValueError(f"empty key between commas in {text!r}")
        keys.append(_parse_key(key))
    return tuple(keys)


def _key_map(place: str) -> list[KeyBinding]:
    """The bindings in one UI class's key map: its own, then its bases' for keys it does not
    bind itself (Textual merges a class's bindings over its bases' key by key)."""
    by_key: dict[str, list[KeyBinding]] = {}
    for cls in (*reversed(INHERITS.get(place, ())), place):
        own: dict[str, list[KeyBinding]] = {}
        for binding in BINDINGS:
            if binding.place == cls:
                for key in parse_keys(binding.key):
                    own.setdefault(key, []).append(binding)
        by_key.update(own)
    return list({b.id: b for bindings in by_key.values() for b in bindings}.values())


def check_binding(binding_id: str, text: str) -> tuple[str, ...]:
    """Check one ``[keys]`` entry on its own: a known id, possible keys, none reserved.

    Returns:
        The keys as Textual matches them.

    Raises:
        KeymapError: saying what is wrong.
    """
    if binding_id not in BY_ID:
        raise KeymapError(binding_id, suggest_id(binding_id))
    try:
        keys = parse_keys(text)
    except ValueError as exc:
        raise KeymapError(binding_id, str(exc)) from None
    for key in keys:
        if key in RESERVED:
            raise KeymapError(binding_id, f"{key} is taken by {RESERVED[key]}")
    return keys


def check_keymap(keymap: Mapping[str, str]) -> None:
    """Check a whole keymap (binding id to keys) against the registry.

    Every id must be known, every key possible, none taken by a priority binding, and after
    the keymap is applied no two bindings in one key map may share a key: Textual would give
    the key to one of them silently, which can leave the other (refresh, say) with no key.

    Raises:
        KeymapError: naming the entry at fault.
    """
    effective = {binding_id: check_binding(binding_id, text) for binding_id, text in keymap.items()}
    order = {binding_id: i for i, binding_id in enumerate(keymap)}
    for binding in BINDINGS:
        if binding.id not in effective:
            effective[binding.id] = parse_keys(binding.key)
    for place in {b.place for b in BINDINGS}:
        members = _key_map(place)
        owner: dict[str, KeyBinding] = {}
        # Rebound entries last, in the keymap's order, so the error names the entry written
        # last (the later file, when the keymap merges several).
        for binding in sorted(members, key=lambda b: order.get(b.id, -1)):
            for key in effective[binding.id]:
                other = owner.setdefault(key, binding)
                if other is binding:
                    continue
                culprit, kept = (binding, other) if binding.id in keymap else (other, binding)
                raise KeymapError(
                    culprit.id,
                    f'"{key}" is also the key of {kept.id} ({kept.description}) in '
                    f"{place}: rebind that one too, or choose another key",
                )
