"""What a setting may hold beyond its type, written on the field itself.

A field of :mod:`neotui.settings.model` carries its limits in its annotation, e.g.
``regular: Annotated[float, Range(0, 86_400, above=True)] = 15.0``, next to its docstring;
:func:`problems` reads them back, so the validator walks the dataclasses instead of keeping a
list of dotted keys far from the fields. Each limit returns the sentence an error shows after
the file and the key ("must be greater than 0 and at most 86400, got nan"), or None.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import shlex
import typing
from dataclasses import dataclass
from typing import Any

from neotui.data.symbols import MAX_WATCHED, symbol_problem


class Limit:
    """A check on a setting's value, beyond its type."""

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` (the sentence after the key), or None if it is fine."""
        raise NotImplementedError


def _number(value: float | int) -> str:
    """A number as a person wrote it: 86400, 0.5, 1e+300, nan."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


@dataclass(frozen=True)
class Range(Limit):
    """A finite number from ``low`` (or above it, with ``above``) to ``high``.

    Every number has an upper limit: a refresh every 1e300 seconds overflows the event loop's
    timer and the feed stops for good, and NaN compares false with everything, so it passes
    any test written as ``value <= 0``.
    """

    low: float
    high: float
    above: bool = False

    def describe(self) -> str:
        """The allowed values in words, as the README states them."""
        low = f"greater than {_number(self.low)}" if self.above else f"at least {_number(self.low)}"
        return f"{low} and at most {_number(self.high)}"

    def problem(self, value: Any) -> str | None:
        low_ok = value > self.low if self.above else value >= self.low
        if math.isfinite(value) and low_ok and value <= self.high:
            return None
        return f"must be {self.describe()}, got {_number(value)}"


@dataclass(frozen=True)
class OneOf(Limit):
    """One of a few words."""

    choices: tuple[str, ...]

    def problem(self, value: Any) -> str | None:
        if value in self.choices:
            return None
        if len(self.choices) == 2:
            first, second = self.choices
            return f'must be "{first}" or "{second}", got {value!r}'
        return f"must be one of {', '.join(sorted(self.choices))}, got {value!r}"


@dataclass(frozen=True)
class WebUrl(Limit):
    """An http(s) URL (or nothing, with ``empty_ok``)."""

    empty_ok: bool = False

    def problem(self, value: Any) -> str | None:
        if (self.empty_ok and not value) or value.startswith(("http://", "https://")):
            return None
        return "must start with http:// or https://" + (" (or be empty)" if self.empty_ok else "")


@dataclass(frozen=True)
class ProxyUrl(Limit):
    """A proxy URL with a scheme, or nothing (then the environment's proxy applies)."""

    def problem(self, value: Any) -> str | None:
        if not value or "://" in value:
            return None
        return "must be a URL such as http://proxy:3128 (or empty)"


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Email(Limit):
    """Text containing an e-mail address, or nothing."""

    def problem(self, value: Any) -> str | None:
        if not value or _EMAIL.search(value):
            return None
        return f"must contain an e-mail address, got {value!r}"


@dataclass(frozen=True)
class Symbol(Limit):
    """A ticker symbol, by the one rule the deals files and alert rules follow too."""

    def problem(self, value: Any) -> str | None:
        return symbol_problem(value)


@dataclass(frozen=True)
class Symbols(Limit):
    """At least one ticker symbol and at most :data:`MAX_WATCHED` (each costs requests on every
    refresh and headline cycle)."""

    def problem(self, value: Any) -> str | None:
        if not value:
            return "must name at least one symbol"
        if len(value) > MAX_WATCHED:
            return f"must name at most {MAX_WATCHED} symbols, got {len(value)}"
        return next((p for p in map(symbol_problem, value) if p), None)


@dataclass(frozen=True)
class Names(Limit):
    """Words from a fixed list, each at most once, in the order they are to be tried."""

    choices: tuple[str, ...]

    def problem(self, value: Any) -> str | None:
        unknown = [v for v in value if v not in self.choices]
        if unknown:
            return f"knows only {', '.join(self.choices)}, got {unknown[0]!r}"
        if len(set(value)) != len(value):
            return "names a source twice"
        return None


@dataclass(frozen=True)
class ShellWords(Limit):
    """A command line neotui splits into words as a shell would (it never runs a shell): an
    unclosed quote is found here, not when the first alert fires or the app starts."""

    def problem(self, value: Any) -> str | None:
        try:
            shlex.split(value)
        except ValueError as exc:
            return f"cannot be split into words ({exc}), got {value!r}"
        return None


@functools.cache
def field_specs(cls: type) -> dict[str, tuple[Any, tuple[Limit, ...]]]:
    """Each field of a settings section: its plain type and the limits on its annotation."""
    hints = typing.get_type_hints(cls, include_extras=True)
    specs: dict[str, tuple[Any, tuple[Limit, ...]]] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if typing.get_origin(hint) is typing.Annotated:
            base, *extras = typing.get_args(hint)
            specs[f.name] = (base, tuple(e for e in extras if isinstance(e, Limit)))
        else:
            specs[f.name] = (hint, ())
    return specs


def problems(cls: type, name: str, value: Any) -> str | None:
    """The first limit of ``cls.name`` that ``value`` breaks, in words, or None."""
    for limit in field_specs(cls)[name][1]:
        if found := limit.problem(value):
            return found
    return None
