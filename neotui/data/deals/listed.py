"""Which deal counterparties are listed companies, and under which ticker.

The mapping is data (``config/listed.toml``, overridable by ``listed.toml`` in the user config
directory), not code: a user who follows another counterparty adds a line instead of a release.
Providers of the deals book that have a ticker are matched by name as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neotui.data.deals.models import Provider
from neotui.data.toml_parse import TomlSyntaxError, parse_toml


class ListedError(ValueError):
    """A listed-companies file is unreadable or malformed; the message names file and entry."""


@dataclass(frozen=True, slots=True)
class ListedCompany:
    """A listed company as deals name it: its name, other names, and its ticker symbol."""

    name: str
    ticker: str
    aliases: tuple[str, ...] = ()


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class ListedMap:
    """Counterparty name (any alias, any case) to ticker."""

    companies: tuple[ListedCompany, ...] = ()
    _index: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls, companies: Iterable[ListedCompany], providers: Iterable[Provider] = ()
    ) -> ListedMap:
        """A map over ``companies`` and the listed ``providers`` (matched by their name)."""
        companies = tuple(companies)
        index: dict[str, str] = {}
        for p in providers:
            if p.ticker:
                index[_key(p.name)] = p.ticker
        for c in companies:  # the file wins over a provider of the same name
            for name in (c.name, *c.aliases):
                index[_key(name)] = c.ticker
        return cls(companies, index)

    def ticker_for(self, counterparty: str) -> str | None:
        """The ticker of a counterparty named ``counterparty``, or None if it is not listed."""
        return self._index.get(_key(counterparty))


def parse_listed(text: str, where: str) -> list[ListedCompany]:
    """The ``[[company]]`` entries of a listed-companies TOML text.

    Raises:
        ListedError: naming ``where`` and the entry at fault.
    """
    try:
        data = parse_toml(text.removeprefix("\ufeff"))
    except TomlSyntaxError as exc:
        raise ListedError(f"{where}: TOML syntax error: {exc.located()}") from None
    rows: Any = data.get("company", [])
    if not isinstance(rows, list):
        raise ListedError(f"{where}: 'company' must be an array of tables ([[company]])")
    out = []
    for i, row in enumerate(rows, 1):
        place = f"{where}: company #{i}"
        if not isinstance(row, dict):
            raise ListedError(f"{place}: expected a table")
        name, ticker, aliases = row.get("name"), row.get("ticker"), row.get("aliases", [])
        if not isinstance(name, str) or not name.strip():
            raise ListedError(f"{place}: 'name' must be a non-empty string")
        if not isinstance(ticker, str) or not ticker.strip() or any(c.isspace() for c in ticker):
            raise ListedError(f"{place} ({name}): 'ticker' must be a symbol like \"MSFT\"")
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ListedError(f"{place} ({name}): 'aliases' must be a list of strings")
        unknown = set(row) - {"name", "ticker", "aliases"}
        if unknown:
            raise ListedError(f"{place} ({name}): unknown key {sorted(unknown)[0]!r}")
        out.append(ListedCompany(name.strip(), ticker.strip().upper(), tuple(aliases)))
    return out


def load_listed(paths: Iterable[Path], providers: Iterable[Provider] = ()) -> ListedMap:
    """Read the files that exist, lowest layer first; a later entry of the same name replaces
    an earlier one.

    Raises:
        ListedError: for an unreadable or malformed file.
    """
    by_name: dict[str, ListedCompany] = {}
    for path in paths:
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ListedError(f"{path}: cannot read ({exc})") from None
        for company in parse_listed(text, str(path)):
            by_name[_key(company.name)] = company
    return ListedMap.of(by_name.values(), providers)
