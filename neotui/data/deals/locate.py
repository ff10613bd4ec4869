"""TOML parsing with positions, and mapping (table, entry, field) back to a line number."""

from __future__ import annotations

import re

# The TOML reader lives with the data layer's files; deals code imports it from here too.
from neotui.data.toml_parse import TomlSyntaxError, parse_toml

__all__ = ["Locator", "TomlSyntaxError", "parse_toml"]


class Locator:
    """Maps (table, index, field) to a line number by scanning the text for headers.

    tomllib does not report positions, so this runs only when there is a problem to report.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] = []
        self._headers: dict[str, list[int]] | None = None

    def _scan(self) -> dict[str, list[int]]:
        if self._headers is None:
            self._lines = self._text.splitlines()
            self._headers = {}
            pattern = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
            for number, line in enumerate(self._lines, start=1):
                if m := pattern.match(line):
                    self._headers.setdefault(m.group(1), []).append(number)
        return self._headers

    def line(self, table: str, index: int, field_name: str | None = None) -> int | None:
        headers = self._scan().get(table, [])
        if index > len(headers):
            return None
        start = headers[index - 1]
        if field_name is None:
            return start
        all_headers = sorted(n for ns in self._scan().values() for n in ns)
        end = next((n for n in all_headers if n > start), len(self._lines) + 1)
        pattern = re.compile(rf"^\s*\"?{re.escape(field_name)}\"?\s*=")
        for number in range(start + 1, end):
            if pattern.match(self._lines[number - 1]):
                return number
        return start
