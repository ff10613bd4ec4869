"""Per-field checks of deals entries and the rules across fields of one entry.

Each check returns the cleaned value or raises :class:`Bad` with what was expected; ``SPECS``
says which check and whether it is required for every field of every table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from neotui.data.clean import clean_text
from neotui.data.deals.models import (
    CAPACITY_METRICS,
    CAPACITY_UNITS,
    DATE_KINDS,
    DATE_PRECISIONS,
    DEAL_KINDS,
    DEAL_SCOPES,
    FINANCIAL_METRICS,
    FINANCIAL_UNITS,
    POWER_UNITS,
    ROLES,
    CapacityPoint,
    Deal,
    FinancialFact,
    Provider,
)
from neotui.data.symbols import symbol_problem

TABLES: tuple[str, ...] = ("provider", "deal", "capacity", "financial")
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_INF = float("inf")

# --- field checks -------------------------------------------------------------------------------

Check = Callable[[Any], Any]


class Bad(ValueError):
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


def text_check(value: Any) -> str:
    if type(value) is str and value.isprintable() and value and value == value.strip():
        return value  # the common case, checked cheaply
    if not isinstance(value, str):
        raise Bad(f"expected a string, got {_kind(value)}")
    cleaned = clean_text(value).strip()
    if not cleaned:
        raise Bad("must not be empty")
    return cleaned


def _ident(value: Any) -> str:
    if type(value) is str and _ID.fullmatch(value):
        return value
    text = text_check(value)
    if not _ID.fullmatch(text):
        raise Bad(f"{text!r} is not a valid id (lowercase letters, digits, '-', '_' or '.')")
    return text


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        raise Bad("expected a date like 2025-09-30, got a date-time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
                raise Bad(f"impossible date {value.strip()!r}") from None
            raise Bad(f"expected a date like 2025-09-30, got {value!r}") from None
    raise Bad(f"expected a date like 2025-09-30, got {_kind(value)}")


def _number(minimum: float | None = 0.0, maximum: float = 1e15) -> Check:
    """A finite number within plausible bounds: a figure no filing could report (a deal of
    1e308 dollars, 1e308 GW) is a typo, and arithmetic on it (GW to MW, sums) overflows to
    infinity, which no JSON output can carry."""
    low = -maximum if minimum is None else minimum

    def check(value: Any) -> float:
        if type(value) is float and low <= value <= maximum:
            return value  # the common case: a finite float in range
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Bad(f"expected a number, got {_kind(value)}")
        if value != value or value in (_INF, -_INF):
            raise Bad("must be a finite number")
        if value < low:
            if minimum is not None and minimum == 0:
                raise Bad(f"must not be negative, got {value:g}")
            raise Bad(f"must be at least {low:g}, got {value:g}")
        if value > maximum:
            raise Bad(f"must be at most {maximum:g}, got {value:g} (a typo?)")
        return float(value)

    return check


def _percent(value: Any) -> float:
    number: float = _number()(value)
    if number > 100:
        raise Bad(f"a percentage must be at most 100, got {number:g}")
    return number


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Bad(f"expected true or false, got {_kind(value)}")
    return value


def _integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Bad(f"expected an integer, got {_kind(value)}")
        if not low <= value <= high:
            raise Bad(f"must be between {low} and {high}, got {value}")
        return value

    return check


def _choice(options: Iterable[str], what: str) -> Check:
    allowed = tuple(options)
    allowed_set = frozenset(allowed)

    def check(value: Any) -> str:
        if type(value) is str and value in allowed_set:
            return value  # the common case
        text = text_check(value)
        if text not in allowed_set:
            raise Bad(f"unknown {what} {text!r} (expected one of: {', '.join(allowed)})")
        return text

    return check


def _country(value: Any) -> str:
    text = text_check(value)
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise Bad(f"expected a two-letter country code like 'US', got {text!r}")
    return text


def _ticker(value: Any) -> str:
    text = text_check(value)
    # The rule sees the value as written, not as cleaned: cleaning drops a bidi override, and
    # "CRWV<U+202E>" must be refused here as the alert rules refuse it.
    problem = symbol_problem(value)
    if problem is not None:
        raise Bad(problem)  # the alert rules and the settings take the same symbols
    return text.upper()


# field name -> (check, required)
Spec = dict[str, tuple[Check, bool]]
_COMMON_SOURCE: Spec = {
    "source": (text_check, True),
    "seed": (text_check, False),
    "reported": (text_check, False),
    "note": (text_check, False),
}
SPECS: dict[str, Spec] = {
    "provider": {
        "id": (_ident, True),
        "name": (text_check, True),
        "ticker": (_ticker, False),
        "country": (_country, True),
        "role": (_choice(ROLES, "role"), True),
        "origin": (text_check, False),
        "founded": (_integer(1800, 2100), False),
        "summary": (text_check, False),
    },
    "deal": {
        "id": (_ident, True),
        "date": (_date, True),
        "date_kind": (_choice(DATE_KINDS, "date kind"), True),
        "provider": (_ident, True),
        "counterparty": (text_check, True),
        "kind": (_choice(DEAL_KINDS, "deal kind"), True),
        "summary": (text_check, True),
        "value_usd": (_number(maximum=1e13), False),  # $10 trillion: above any deal
        "value_eur": (_number(maximum=1e13), False),
        "starts": (_date, False),
        "ends": (_date, False),
        "term_years": (_number(maximum=100), False),
        "power": (_number(maximum=1e6), False),  # a million of any unit: far above any site
        "power_unit": (_choice(POWER_UNITS, "unit"), False),
        "gpus": (_integer(0, 100_000_000), False),
        "hardware": (text_check, False),
        "location": (text_check, False),
        "report_of": (_ident, False),
        "date_precision": (_choice(DATE_PRECISIONS, "date precision"), False),
        "stake_pct": (_percent, False),
        "scope": (_choice(DEAL_SCOPES, "scope"), False),
        "captured": (_flag, False),
        **_COMMON_SOURCE,
    },
    "capacity": {
        "id": (_ident, True),
        "provider": (_ident, True),
        "metric": (_choice(CAPACITY_METRICS, "capacity metric"), True),
        "value": (_number(maximum=1e12), True),
        "unit": (text_check, True),
        "year": (_integer(1990, 2100), False),
        "as_of": (_date, True),
        **_COMMON_SOURCE,
    },
    "financial": {
        "id": (_ident, True),
        "provider": (_ident, True),
        "metric": (_choice(FINANCIAL_METRICS, "financial metric"), True),
        "value": (_number(None, maximum=1e14), True),
        "unit": (_choice(FINANCIAL_UNITS, "unit"), True),
        "period": (text_check, False),
        "counterparty": (text_check, False),
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
BUILD: dict[str, type] = {
    "provider": Provider,
    "deal": Deal,
    "capacity": CapacityPoint,
    "financial": FinancialFact,
}
_SIGNED_METRICS = frozenset({"net_income", "stock_move"})


def cross_checks(
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
