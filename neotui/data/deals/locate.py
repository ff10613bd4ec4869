"""TOML parsing with positions, and mapping (table, entry, field) back to a line number."""

from __future__ import annotations

import re
import tomllib
from typing import Any

# Imported here, with this module, and never first inside a worker thread: toml-rs 0.4.3 crashes
# the process (SIGSEGV) on a later call when the thread that first imported it has exited —
# which is what a lazy import inside a parse run by asyncio.to_thread does.
try:
    import toml_rs
except ImportError:  # pragma: no cover - toml-rs is a dependency; tomllib is the safety net
    toml_rs = None  # type: ignore[assignment]


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


# --- TOML ---------------------------------------------------------------------------------------


class TomlSyntaxError(ValueError):
    """The text is not valid TOML; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML with toml-rs (Rust, about 15x faster than tomllib on a large deals file),
    falling back to the standard library's tomllib where toml-rs is not installed.

    Raises:
        TomlSyntaxError: with the parser's message and position.
    """
    if toml_rs is not None:
        try:
            return toml_rs.loads(text)
        except toml_rs.TOMLDecodeError as exc:
            raw = str(exc)
            m = re.search(r"at line (\d+), column (\d+)", raw)
            message = raw.strip().splitlines()[-1] if raw.strip() else "invalid TOML"
            line, column = (int(m.group(1)), int(m.group(2))) if m else (None, None)
            raise TomlSyntaxError(message, line, column) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise TomlSyntaxError(message, line, column) from None
