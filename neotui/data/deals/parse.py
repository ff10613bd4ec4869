"""Reading and validating one deals file into its valid entries and its problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neotui.data.deals.fields import (
    BUILD,
    CHECKS,
    REQUIRED,
    SPECS,
    TABLES,
    Bad,
    cross_checks,
    text_check,
)
from neotui.data.deals.locate import Locator, TomlSyntaxError, parse_toml
from neotui.data.deals.problems import DealsSource, Problem

#: Files larger than this are refused with a message rather than parsed: a deals file is a few
#: hundred KB; 10,000 deals are about 4 MB. A runaway file must not stall the app.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass
class ParsedFile:
    """One file's valid entries by table (in order), and its problems."""

    path: str
    entries: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    locator: Locator | None = None

    def locate(self, table: str, index: int, field_name: str | None, **kw: Any) -> Problem:
        line = self.locator.line(table, index, field_name) if self.locator else None
        return Problem(self.path, line=line, table=table, index=index, field=field_name, **kw)


def parse_text(text: str, path: str) -> ParsedFile:
    """Validate the text of one deals file. Never raises for bad content."""
    parsed = ParsedFile(path, {t: [] for t in TABLES}, locator=Locator(text))
    if not text.strip():
        parsed.problems.append(Problem(path, "the file is empty (expected [[deal]] tables)"))
        return parsed
    try:
        data = parse_toml(text)
    except TomlSyntaxError as exc:
        parsed.problems.append(
            Problem(path, f"TOML syntax error: {exc.message}", exc.line, exc.column)
        )
        return parsed

    for key, value in data.items():
        if key == "schema":
            if value != 1:
                parsed.problems.append(Problem(path, f"unsupported schema {value!r} (expected 1)"))
            continue
        if key not in SPECS:
            known = ", ".join(f"[[{t}]]" for t in TABLES)
            parsed.problems.append(Problem(path, f"unknown table {key!r} (expected {known})"))
            continue
        if not isinstance(value, list):
            parsed.problems.append(
                Problem(path, f"{key!r} must be an array of tables: write [[{key}]] headers")
            )
            continue
        _parse_table(parsed, key, value)
    return parsed


def _parse_table(parsed: ParsedFile, table: str, rows: list[Any]) -> None:
    """Validate one table's rows. The loop is the hot path for large files: the common case
    (a valid row) allocates nothing but the values, problems are built only when needed."""
    checks = CHECKS[table]
    required = REQUIRED[table]
    build = BUILD[table]
    out = parsed.entries[table]
    seen: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            parsed.problems.append(parsed.locate(table, index, None, message="expected a table"))
            continue
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        for name, raw in row.items():
            check = checks.get(name)
            if (
                check is text_check
                and type(raw) is str
                and raw.isprintable()
                and raw
                and raw[0] != " "
                and raw[-1] != " "
            ):
                values[name] = raw  # inlined fast path of text_check: most fields are clean text
                continue
            if check is None:
                errors.append((name, f"unknown field (known: {', '.join(checks)})"))
                continue
            try:
                values[name] = check(raw)
            except Bad as exc:
                errors.append((name, str(exc)))
        if not required <= row.keys():
            errors.extend(
                (name, "missing field") for name in checks if name in required and name not in row
            )
        errors.extend(cross_checks(table, values, row))
        entry_id = values.get("id")
        if entry_id is not None:
            if entry_id in seen:
                errors.append(("id", f"duplicate id, first used by {table} #{seen[entry_id]}"))
            else:
                seen[entry_id] = index
        if errors:
            raw_id = row.get("id")
            shown_id = raw_id if isinstance(raw_id, str) else None
            for name, message in errors:
                parsed.problems.append(
                    parsed.locate(table, index, name, message=message, entry_id=shown_id)
                )
        else:
            out.append((index, build(**values)))


def read_file(source: DealsSource) -> ParsedFile | None:
    """Read and validate one file. Returns None for an optional file that does not exist."""
    path = str(source.path)
    try:
        stat = source.path.stat()
    except FileNotFoundError:
        if not source.required:
            return None
        return ParsedFile(path, problems=[Problem(path, "file not found")])
    except OSError as exc:
        return ParsedFile(path, problems=[Problem(path, f"cannot read: {exc.strerror or exc}")])
    if stat.st_size > MAX_FILE_BYTES:
        size = stat.st_size / 1024 / 1024
        limit = MAX_FILE_BYTES // 1024 // 1024
        message = f"file is {size:.1f} MB, over the {limit} MB limit for a deals file"
        return ParsedFile(path, problems=[Problem(path, message)])
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        return ParsedFile(path, problems=[Problem(path, f"cannot read: {exc.strerror or exc}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded"
        return ParsedFile(path, problems=[Problem(path, message, line=line)])
    return parse_text(text.removeprefix("\ufeff"), path)
