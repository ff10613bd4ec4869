"""Validation helpers shared by the ``[[lot]]`` and ``[[alert]]`` tables of the settings files.

Errors name the entry (1-based, in file order) and the field, so settings.py can report
``neotui.toml: alert #2 above: expected a number`` like the deals file does.
"""

from __future__ import annotations

import math
from typing import Any

from neotui.data.symbols import symbol_problem


class EntryError(ValueError):
    """One ``[[lot]]`` or ``[[alert]]`` entry is invalid: which entry (1-based) and field."""

    def __init__(self, table: str, index: int, field: str | None, message: str) -> None:
        self.table = table
        self.index = index
        self.field = field
        self.message = message
        place = f"{table} #{index}" + (f" {field}" if field else "")
        super().__init__(f"{place}: {message}")

    @property
    def key(self) -> str:
        """Where in the file, e.g. ``lot #2 quantity`` (for SettingsError)."""
        return f"{self.table} #{self.index}" + (f" {self.field}" if self.field else "")


def finite_number(value: Any) -> float | None:
    """A finite float from a TOML value; None for booleans, strings, inf and nan."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def check_symbol(table: str, index: int, value: Any) -> str:
    """A ticker symbol from a settings entry, upper-cased; raises EntryError naming the entry."""
    problem = symbol_problem(value)
    if problem is not None or not isinstance(value, str):
        raise EntryError(table, index, "symbol", problem or "expected a ticker symbol")
    return value.strip().upper()
