"""Watchlist groups: the ``[[group]]`` tables of the settings, checked and resolved.

The neocloud names are read in groups that behave differently (GPU clouds, miners turned
powered-shell landlords, the supplier, the customers), so the watch screen shows one group at
a time, or all of them under their headings. A group is a name, its symbols and an optional
benchmark.

A bad group never stops neotui (unlike a bad setting, which does): a watch screen with one
group missing is more use than no screen. Each problem is said in words (the table's place,
its cleaned name, what is wrong) and the group, or the entry, is left out; the settings layer
turns these into notices, shown as toasts in the app and on stderr by the commands.

The watchlist (``market.symbols``) is always the first group, named :data:`WATCHLIST`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neotui.data.clean import clean_text
from neotui.data.symbols import MAX_WATCHED, symbol_problem

WATCHLIST = "Watchlist"
"""The name of the group ``market.symbols`` makes."""

MAX_GROUPS = 32
"""The most ``[[group]]`` tables read: a key cycles through them, and past a few dozen no one
finds theirs by cycling."""

MAX_NAME = 40
"""The longest group name kept (longer ones are cut, with an ellipsis): it shows in the status
line and the quotes pane's headings."""

_KEYS = ("name", "symbols", "benchmark")


@dataclass(frozen=True)
class WatchGroup:
    """One group of watched symbols."""

    name: str
    """As shown: cleaned of escape sequences and control characters, at most :data:`MAX_NAME`."""
    symbols: tuple[str, ...]
    """Upper-case ticker symbols, each once, in the order written."""
    benchmark: str | None = None
    """A symbol the group's equal-weight line is shown against (e.g. SMH), or None."""

    @property
    def slug(self) -> str:
        """The name as a command-line word: ``GPU clouds`` is ``gpu-clouds``."""
        return slug(self.name)


@dataclass(frozen=True)
class GroupTables:
    """One settings layer's ``[[group]]`` tables: the groups that passed, and what was wrong
    with the rest (each problem one sentence, without the file: the settings layer adds it)."""

    groups: tuple[WatchGroup, ...]
    problems: tuple[str, ...] = ()


def slug(name: str) -> str:
    """Lower case, every run of other characters one dash: what ``--group`` also accepts."""
    return re.sub(r"[^0-9a-z]+", "-", name.casefold()).strip("-")


def _name(raw: str) -> str:
    """A group name as shown: one line, cleaned, cut to :data:`MAX_NAME`."""
    text = " ".join(clean_text(raw).split())
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def _quoted(value: object) -> str:
    """A value from the file, safe and short enough to quote in a message."""
    text = " ".join((clean_text(value) if isinstance(value, str) else repr(value)).split())
    text = text if len(text) <= 30 else text[:29] + "…"
    return repr(text) if isinstance(value, str) else clean_text(text)


def parse_groups(body: Any) -> GroupTables:
    """Check one layer's ``[[group]]`` array; never raises.

    Every table needs a ``name`` (text) and ``symbols`` (a list of ticker symbols); an optional
    ``benchmark`` is one symbol. An entry that is not a symbol is left out of its group, saying
    whether it names another group (groups do not nest); a group left with no symbols, a name
    used twice (ignoring case) and tables past :data:`MAX_GROUPS` are left out.
    """
    if not isinstance(body, list):
        return GroupTables((), ("group: expected [[group]] tables (an array of tables)",))
    problems: list[str] = []
    tables: list[tuple[int, str, Mapping[str, Any]]] = []
    for index, table in enumerate(body, start=1):
        place = f"group #{index}"
        if index > MAX_GROUPS:
            problems.append(f"{place} and later: at most {MAX_GROUPS} groups are read")
            break
        if not isinstance(table, dict):
            problems.append(f"{place}: expected a table with name and symbols")
            continue
        raw = table.get("name")
        if not isinstance(raw, str) or not _name(raw):
            problems.append(f"{place}: needs a name (text), got {_quoted(raw)}; left out")
            continue
        tables.append((index, _name(raw), table))
    names = {name.casefold() for _, name, _ in tables}
    groups: list[WatchGroup] = []
    seen: set[str] = set()
    for index, name, table in tables:
        place = f"group #{index} {_quoted(name)}"
        if name.casefold() in seen or slug(name) in {slug(g.name) for g in groups}:
            problems.append(f"{place}: the name is used by an earlier group; left out")
            continue
        for key in table:
            if key not in _KEYS:
                problems.append(f"{place}: unknown key {_quoted(key)} (known: {', '.join(_KEYS)})")
        group = _group(place, name, table, names - {name.casefold()}, problems)
        if group is not None:
            seen.add(name.casefold())
            groups.append(group)
    return GroupTables(tuple(groups), tuple(problems))


def _group(
    place: str, name: str, table: Mapping[str, Any], others: set[str], problems: list[str]
) -> WatchGroup | None:
    """One table's group, or None (with the problem said) when nothing of it can be shown."""
    raw = table.get("symbols")
    if not isinstance(raw, list):
        problems.append(f"{place}: symbols must be a list of ticker symbols; left out")
        return None
    symbols: dict[str, None] = {}
    for entry in raw:
        problem = symbol_problem(entry)
        if _names_group(entry, others, problem is None):
            problems.append(
                f"{place}: {_quoted(entry)} is another group: groups do not nest, "
                "list its symbols instead"
            )
        elif problem is None:
            symbols[entry.strip().upper()] = None
        else:
            problems.append(f"{place}: {_quoted(entry)} left out: {_plain(problem)}")
    if len(symbols) > MAX_WATCHED:
        problems.append(f"{place}: over {MAX_WATCHED} symbols; the first {MAX_WATCHED} kept")
    if not symbols:
        problems.append(f"{place}: no symbols; left out")
        return None
    benchmark = table.get("benchmark")
    if benchmark is not None and symbol_problem(benchmark) is not None:
        problems.append(f"{place}: benchmark {_quoted(benchmark)} is not a ticker symbol; ignored")
        benchmark = None
    return WatchGroup(
        name=name,
        symbols=tuple(list(symbols)[:MAX_WATCHED]),
        benchmark=benchmark.strip().upper() if isinstance(benchmark, str) else None,
    )


def _names_group(entry: object, others: set[str], is_symbol: bool) -> bool:
    """Whether a symbols entry names another group (by name or slug, ignoring case). An entry
    written as a ticker (upper case: ``GOOD``) stays a symbol even if a group is called Good."""
    if not isinstance(entry, str):
        return False
    if is_symbol and entry.strip() == entry.strip().upper():
        return False
    key = " ".join(entry.split()).casefold()
    return key in others or slug(entry) in {slug(name) for name in others}


def _plain(problem: str | None) -> str:
    """:func:`symbol_problem`'s reason without the value it quotes (quoted cleaned already)."""
    text = problem or "not a ticker symbol"
    return text.split(":")[0] if "(letters" not in text else "not a ticker symbol"


def resolve(
    watchlist: Sequence[str], groups: Iterable[WatchGroup]
) -> tuple[tuple[WatchGroup, ...], tuple[str, ...]]:
    """The groups neotui shows after the watchlist, and what was left out: a group named like
    the watchlist, and groups that would take the symbols fetched past :data:`MAX_WATCHED`."""
    kept: list[WatchGroup] = []
    problems: list[str] = []
    fetched = dict.fromkeys(watchlist)
    for group in groups:
        if group.name.casefold() == WATCHLIST.casefold():
            problems.append(
                f"group {_quoted(group.name)}: that name is market.symbols' group; left out"
            )
            continue
        more = dict.fromkeys([*group.symbols, *filter(None, [group.benchmark])])
        if len(fetched | more) > MAX_WATCHED:
            problems.append(
                f"group {_quoted(group.name)}: left out, it would take the symbols fetched "
                f"past {MAX_WATCHED}"
            )
            continue
        fetched |= more
        kept.append(group)
    return tuple(kept), tuple(problems)


def find_group(groups: Sequence[WatchGroup], wanted: str) -> WatchGroup | None:
    """The group called ``wanted``: its name ignoring case, or its :func:`slug`."""
    key = " ".join(wanted.split()).casefold()
    for group in groups:
        if group.name.casefold() == key or group.slug == slug(wanted):
            return group
    return None


def unknown_group(groups: Sequence[WatchGroup], wanted: str) -> str:
    """Why ``wanted`` names no group, with the nearest name and every slug."""
    slugs = [g.slug for g in groups]
    starts = [s for s in slugs if slug(wanted) and s.startswith(slug(wanted))]
    near = starts[:1] or difflib.get_close_matches(slug(wanted), slugs, n=1, cutoff=0.5)
    hint = f' (did you mean "{near[0]}"?)' if near else ""
    return f"no group {_quoted(wanted)}{hint}; groups: {', '.join(slugs)}"
