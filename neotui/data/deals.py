"""Loading, validating and layering deals files into a :class:`DealBook`.

A deals file is TOML with four arrays of tables: ``provider``, ``deal``, ``capacity`` and
``financial`` (see ``config/deals.toml``). Validation collects every problem in one pass and
points each at its file, line, table, entry and field, so a user fixing a file sees everything at
once. Files are layered: the user's file adds entries and replaces bundled ones with the same id.
The book never writes to any file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from neotui.data.models import (
    CAPACITY_METRICS,
    CAPACITY_UNITS,
    DATE_KINDS,
    DEAL_KINDS,
    FINANCIAL_METRICS,
    FINANCIAL_UNITS,
    POWER_UNITS,
    ROLES,
    CapacityPoint,
    Deal,
    FinancialFact,
    Provider,
)
from neotui.data.text import clean_text

# Imported here, with this module, and never first inside a worker thread: toml-rs 0.4.3 crashes
# the process (SIGSEGV) on a later call when the thread that first imported it has exited —
# which is what a lazy import inside a parse run by asyncio.to_thread does.
try:
    import toml_rs
except ImportError:  # pragma: no cover - toml-rs is a dependency; tomllib is the safety net
    toml_rs = None

#: Files larger than this are refused with a message rather than parsed: a deals file is a few
#: hundred KB; 10,000 deals are about 4 MB. A runaway file must not stall the app.
MAX_FILE_BYTES = 8 * 1024 * 1024

TABLES: tuple[str, ...] = ("provider", "deal", "capacity", "financial")
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_INF = float("inf")


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


@dataclass(frozen=True)
class DealBook:
    """Providers, deals, capacity and financial figures, merged from every loaded file."""

    providers: Mapping[str, Provider] = field(default_factory=dict)
    deals: tuple[Deal, ...] = ()
    capacity: tuple[CapacityPoint, ...] = ()
    financials: tuple[FinancialFact, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Entries per table, for summaries."""
        return {
            "provider": len(self.providers),
            "deal": len(self.deals),
            "capacity": len(self.capacity),
            "financial": len(self.financials),
        }

    def timeline(self, provider: str | None = None) -> list[Deal]:
        """Deals newest first (ties broken by id so the order is stable), optionally filtered."""
        deals = [d for d in self.deals if provider is None or d.provider == provider]
        deals.sort(key=lambda d: d.id)
        deals.sort(key=lambda d: d.date, reverse=True)
        return deals

    def capacity_of(self, provider: str | None = None) -> list[CapacityPoint]:
        """Capacity points, optionally for one provider, newest report first."""
        points = [c for c in self.capacity if provider is None or c.provider == provider]
        return sorted(points, key=lambda c: (c.provider, c.metric, c.year or 0, c.as_of))

    def financials_of(self, provider: str | None = None) -> list[FinancialFact]:
        """Financial facts, optionally for one provider, oldest first within a metric."""
        facts = [f for f in self.financials if provider is None or f.provider == provider]
        return sorted(facts, key=lambda f: (f.provider, f.metric, f.as_of, f.id))

    def latest(self, provider: str, metric: str, unit: str | None = None) -> FinancialFact | None:
        """The most recently reported figure of ``metric`` for ``provider``, optionally only in
        ``unit`` (None if there is none)."""
        facts = [
            f
            for f in self.financials
            if f.provider == provider and f.metric == metric and unit in (None, f.unit)
        ]
        return max(facts, key=lambda f: (f.as_of, f.id), default=None)

    def counterparties(self, provider: str) -> list[str]:
        """Distinct counterparties of a provider's deals, most deals first."""
        counts: dict[str, int] = {}
        for d in self.deals:
            if d.provider == provider:
                counts[d.counterparty] = counts.get(d.counterparty, 0) + 1
        return sorted(counts, key=lambda name: (-counts[name], name))

    def provider_for_ticker(self, ticker: str) -> Provider | None:
        """The provider listed under ``ticker``, if any."""
        for p in self.providers.values():
            if p.ticker == ticker:
                return p
        return None


class DealsInvalid(Exception):
    """Raised by :func:`load_book` when any file has problems; carries all of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        first = str(self.problems[0]) if self.problems else "invalid deals"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


# --- field checks -------------------------------------------------------------------------------

Check = Callable[[Any], Any]


class _Bad(ValueError):
    """A field's value is wrong; the message says what was expected."""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, datetime):
        return "a date-time"
    return {
        int: "an integer",
        float: "a number",
        str: "a string",
        date: "a date",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _text(value: Any) -> str:
    if type(value) is str and value.isprintable() and value and value == value.strip():
        return value  # the common case, checked cheaply
    if not isinstance(value, str):
        raise _Bad(f"expected a string, got {_kind(value)}")
    cleaned = clean_text(value).strip()
    if not cleaned:
        raise _Bad("must not be empty")
    return cleaned


def _ident(value: Any) -> str:
    if type(value) is str and _ID.fullmatch(value):
        return value
    text = _text(value)
    if not _ID.fullmatch(text):
        raise _Bad(f"{text!r} is not a valid id (lowercase letters, digits, '-', '_' or '.')")
    return text


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        raise _Bad("expected a date like 2025-09-30, got a date-time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
                raise _Bad(f"impossible date {value.strip()!r}") from None
            raise _Bad(f"expected a date like 2025-09-30, got {value!r}") from None
    raise _Bad(f"expected a date like 2025-09-30, got {_kind(value)}")


def _number(minimum: float | None = 0.0) -> Check:
    low = float("-inf") if minimum is None else minimum

    def check(value: Any) -> float:
        if type(value) is float and low <= value < _INF:
            return value  # the common case: a finite float in range
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(f"expected a number, got {_kind(value)}")
        if value != value or value in (_INF, -_INF):
            raise _Bad("must be a finite number")
        if value < low:
            raise _Bad(f"must not be negative, got {value:g}")
        return float(value)

    return check


def _integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"expected an integer, got {_kind(value)}")
        if not low <= value <= high:
            raise _Bad(f"must be between {low} and {high}, got {value}")
        return value

    return check


def _choice(options: Iterable[str], what: str) -> Check:
    allowed = tuple(options)
    allowed_set = frozenset(allowed)

    def check(value: Any) -> str:
        if type(value) is str and value in allowed_set:
            return value  # the common case
        text = _text(value)
        if text not in allowed_set:
            raise _Bad(f"unknown {what} {text!r} (expected one of: {', '.join(allowed)})")
        return text

    return check


def _country(value: Any) -> str:
    text = _text(value)
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise _Bad(f"expected a two-letter country code like 'US', got {text!r}")
    return text


def _ticker(value: Any) -> str:
    text = _text(value)
    if any(c.isspace() for c in text) or len(text) > 12:
        raise _Bad(f"not a ticker symbol: {text!r}")
    return text.upper()


# field name -> (check, required)
Spec = dict[str, tuple[Check, bool]]
_COMMON_SOURCE: Spec = {
    "source": (_text, True),
    "seed": (_text, False),
    "reported": (_text, False),
    "note": (_text, False),
}
SPECS: dict[str, Spec] = {
    "provider": {
        "id": (_ident, True),
        "name": (_text, True),
        "ticker": (_ticker, False),
        "country": (_country, True),
        "role": (_choice(ROLES, "role"), True),
        "origin": (_text, False),
        "founded": (_integer(1800, 2100), False),
        "summary": (_text, False),
    },
    "deal": {
        "id": (_ident, True),
        "date": (_date, True),
        "date_kind": (_choice(DATE_KINDS, "date kind"), True),
        "provider": (_ident, True),
        "counterparty": (_text, True),
        "kind": (_choice(DEAL_KINDS, "deal kind"), True),
        "summary": (_text, True),
        "value_usd": (_number(), False),
        "value_eur": (_number(), False),
        "starts": (_date, False),
        "ends": (_date, False),
        "term_years": (_number(), False),
        "power": (_number(), False),
        "power_unit": (_choice(POWER_UNITS, "unit"), False),
        "gpus": (_integer(0, 100_000_000), False),
        "hardware": (_text, False),
        "location": (_text, False),
        "report_of": (_ident, False),
        **_COMMON_SOURCE,
    },
    "capacity": {
        "id": (_ident, True),
        "provider": (_ident, True),
        "metric": (_choice(CAPACITY_METRICS, "capacity metric"), True),
        "value": (_number(), True),
        "unit": (_text, True),
        "year": (_integer(1990, 2100), False),
        "as_of": (_date, True),
        **_COMMON_SOURCE,
    },
    "financial": {
        "id": (_ident, True),
        "provider": (_ident, True),
        "metric": (_choice(FINANCIAL_METRICS, "financial metric"), True),
        "value": (_number(None), True),
        "unit": (_choice(FINANCIAL_UNITS, "unit"), True),
        "period": (_text, False),
        "counterparty": (_text, False),
        "as_of": (_date, True),
        **_COMMON_SOURCE,
    },
}
CHECKS: dict[str, dict[str, Check]] = {
    table: {name: check for name, (check, _) in spec.items()} for table, spec in SPECS.items()
}
REQUIRED: dict[str, frozenset[str]] = {
    table: frozenset(name for name, (_, required) in spec.items() if required)
    for table, spec in SPECS.items()
}
_BUILD: dict[str, type] = {
    "provider": Provider,
    "deal": Deal,
    "capacity": CapacityPoint,
    "financial": FinancialFact,
}
_SIGNED_METRICS = frozenset({"net_income", "stock_move"})


def _cross_checks(
    table: str, values: dict[str, Any], present: Iterable[str]
) -> list[tuple[str, str]]:
    """Rules that involve several fields of one entry. Returns (field, message) pairs.

    ``values`` holds the fields that passed their own check; ``present`` every field written,
    so a field that is there but wrong is not also reported as missing.
    """
    present = set(present)
    out: list[tuple[str, str]] = []
    if table == "deal":
        if "power" in present and "power_unit" not in present:
            out.append(("power_unit", "missing field: required when power is given (MW or GW)"))
        if "power_unit" in present and "power" not in present:
            out.append(("power_unit", "given without power"))
        starts, ends = values.get("starts"), values.get("ends")
        if starts and ends and ends < starts:
            out.append(("ends", f"ends {ends} before it starts {starts}"))
    elif table == "capacity":
        metric, unit = values.get("metric"), values.get("unit")
        if metric and unit:
            family = metric.removesuffix("_target")
            if unit not in CAPACITY_UNITS[family]:
                allowed = ", ".join(CAPACITY_UNITS[family])
                out.append(("unit", f"unknown unit {unit!r} for {metric} (expected: {allowed})"))
        if metric and metric.endswith("_target") and "year" not in present:
            out.append(("year", f"missing field: a {metric} needs the year it is for"))
    elif table == "financial":
        metric, value = values.get("metric"), values.get("value")
        if metric and value is not None and value < 0 and metric not in _SIGNED_METRICS:
            out.append(("value", f"must not be negative for {metric}, got {value:g}"))
    return out


# --- locating entries in the text ---------------------------------------------------------------


class _Locator:
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


# --- parsing one file ---------------------------------------------------------------------------


@dataclass
class ParsedFile:
    """One file's valid entries by table (in order), and its problems."""

    path: str
    entries: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    locator: _Locator | None = None

    def locate(self, table: str, index: int, field_name: str | None, **kw: Any) -> Problem:
        line = self.locator.line(table, index, field_name) if self.locator else None
        return Problem(self.path, line=line, table=table, index=index, field=field_name, **kw)


def parse_text(text: str, path: str) -> ParsedFile:
    """Validate the text of one deals file. Never raises for bad content."""
    parsed = ParsedFile(path, {t: [] for t in TABLES}, locator=_Locator(text))
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
    build = _BUILD[table]
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
                check is _text
                and type(raw) is str
                and raw.isprintable()
                and raw
                and raw[0] != " "
                and raw[-1] != " "
            ):
                values[name] = raw  # inlined fast path of _text: most fields are clean text
                continue
            if check is None:
                errors.append((name, f"unknown field (known: {', '.join(checks)})"))
                continue
            try:
                values[name] = check(raw)
            except _Bad as exc:
                errors.append((name, str(exc)))
        if not required <= row.keys():
            errors.extend(
                (name, "missing field") for name in checks if name in required and name not in row
            )
        errors.extend(_cross_checks(table, values, row))
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


# --- layering -----------------------------------------------------------------------------------


def merge(files: Sequence[ParsedFile]) -> tuple[DealBook, list[Problem]]:
    """Layer parsed files (lowest first) into a book and check references across them.

    An id that appears in a later file replaces the earlier entry of the same table. A reference
    (a deal's provider, ``report_of``) may point at an entry of any file.
    """
    tables: dict[str, dict[str, tuple[ParsedFile, int, Any]]] = {t: {} for t in TABLES}
    for parsed in files:
        for table, rows in parsed.entries.items():
            for index, entry in rows:
                tables[table].pop(entry.id, None)  # re-insert so replaced entries take new order
                tables[table][entry.id] = (parsed, index, entry)

    problems: list[Problem] = []
    providers = {pid: entry for pid, (_, _, entry) in tables["provider"].items()}
    deal_ids = set(tables["deal"])
    for table in ("deal", "capacity", "financial"):
        for parsed, index, entry in list(tables[table].values()):
            broken = None
            if entry.provider not in providers:
                broken = ("provider", f"unknown provider id {entry.provider!r}")
            elif (
                table == "deal"
                and entry.report_of is not None
                and (entry.report_of not in deal_ids or entry.report_of == entry.id)
            ):
                broken = ("report_of", f"unknown deal id {entry.report_of!r}")
            if broken:
                name, message = broken
                problems.append(
                    parsed.locate(table, index, name, message=message, entry_id=entry.id)
                )
                del tables[table][entry.id]

    book = DealBook(
        providers=providers,
        deals=tuple(e for _, _, e in tables["deal"].values()),
        capacity=tuple(e for _, _, e in tables["capacity"].values()),
        financials=tuple(e for _, _, e in tables["financial"].values()),
        files=tuple(p.path for p in files),
    )
    return book, problems


def load_book(sources: Sequence[DealsSource]) -> DealBook:
    """Load, validate and layer ``sources`` (lowest first).

    Raises:
        DealsInvalid: with every problem of every file, if there is any.
    """
    parsed = [p for p in (read_file(s) for s in sources) if p is not None]
    problems = [problem for p in parsed for problem in p.problems]
    book, reference_problems = merge(parsed)
    problems.extend(reference_problems)
    if problems:
        raise DealsInvalid(problems)
    return book


def load_lenient(sources: Sequence[DealsSource]) -> tuple[DealBook, list[Problem]]:
    """Like :func:`load_book` but never raises: returns the book built from the valid files.

    Files with any problem are left out entirely (a half-valid user file would show a book the
    user never wrote), so the result is what the valid layers say, plus every problem.
    """
    parsed = [p for p in (read_file(s) for s in sources) if p is not None]
    problems = [problem for p in parsed for problem in p.problems]
    clean = [p for p in parsed if not p.problems]
    book, reference_problems = merge(clean)
    return book, problems + reference_problems


def deal_sources(user_path: Path, *, bundled: bool, user_required: bool) -> list[DealsSource]:
    """The files the app loads, lowest layer first.

    Args:
        user_path: the user's deals file.
        bundled: include the bundled dataset under it.
        user_required: the user named the file explicitly (``--deals``, ``NEOTUI_DEALS``, or
            ``deals.path``), so its absence is an error; the default location may be empty.
    """
    from neotui.resources import bundled_config_path

    sources = []
    if bundled:
        sources.append(DealsSource(bundled_config_path("deals.toml"), "bundled"))
    sources.append(DealsSource(user_path, "user", required=user_required))
    return sources
