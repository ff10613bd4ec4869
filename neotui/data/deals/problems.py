"""Where a deals file is wrong (:class:`Problem`), which files to load (:class:`DealsSource`)
and the exception carrying every problem (:class:`DealsInvalid`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a deals file, located as precisely as the file allows."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    table: str | None = None
    index: int | None = None
    entry_id: str | None = None
    field: str | None = None

    @property
    def where(self) -> str:
        """``file:line`` plus the entry and field, e.g. ``deals.toml:42 deal #3 'x' value_usd``."""
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if self.table is not None:
            place += f" {self.table}"
            if self.index is not None:
                place += f" #{self.index}"
            if self.entry_id:
                place += f" {self.entry_id!r}"
        if self.field:
            place += f" {self.field}"
        return place

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class DealsSource:
    """A deals file to load. ``required`` files must exist; the default user file need not."""

    path: Path
    label: str
    required: bool = True


class DealsInvalid(Exception):
    """Raised by :func:`load_book` when any file has problems; carries all of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        first = str(self.problems[0]) if self.problems else "invalid deals"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)
