"""Alert rules: what to watch for, how a rule fires once per crossing, and its stored state.

Rules come from ``[[alert]]`` tables in the settings files and from the app-owned
``alerts.toml`` in neotui's data directory (rules added from the screen; the user's own files are
never written). Kinds:

- ``above`` / ``below``: the last price crosses a threshold;
- ``move_pct``: the day change goes beyond ± so many percent;
- ``new_deal``: a deal id that was not in the previous deals book;
- ``filing_items``: a new filing with one of these 8-K items (``"1.01"``, ``"2.01"``);
- ``headline``: a new headline containing all these words;
- ``insider_sale_over``: a new insider filing (Form 4) whose open-market sales sum to more than
  so many dollars;
- ``insider_buy``: a new insider filing with any open-market purchase.

A price rule fires when its condition first holds, then stays *triggered* until the value comes
back past the threshold by a margin (hysteresis: a price dancing around 120 fires once, not at
every tick). Only a fresh quote can move a price rule; a stale or missing one leaves it as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from neotui.data.clean import clean_text
from neotui.data.entries import EntryError, check_symbol, finite_number

if TYPE_CHECKING:
    from neotui.data.market.feed import SymbolState

#: ``SymbolStatus.FRESH``'s value (settings.py imports this module: no HTTP stack here).
_FRESH = "fresh"


class AlertKind(StrEnum):
    """What a rule watches."""

    ABOVE = "above"
    BELOW = "below"
    MOVE_PCT = "move_pct"
    NEW_DEAL = "new_deal"
    FILING_ITEMS = "filing_items"
    HEADLINE = "headline"
    INSIDER_SALE_OVER = "insider_sale_over"
    INSIDER_BUY = "insider_buy"


PRICE_KINDS = frozenset({AlertKind.ABOVE, AlertKind.BELOW, AlertKind.MOVE_PCT})
_FIELDS = ("id", "symbol", *(k.value for k in AlertKind))
_ITEM = re.compile(r"^\d{1,2}\.\d{2}$")
_WORD = re.compile(r"\w+")


def words_of(text: str) -> tuple[str, ...]:
    """Case-folded words, for headline matching (``"CoreWeave's"`` gives coreweave, s)."""
    return tuple(_WORD.findall(text.casefold()))


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One rule. ``threshold`` is set for the price kinds; ``items``/``words`` for the others."""

    kind: AlertKind
    symbol: str | None = None
    threshold: float | None = None
    items: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    name: str | None = None
    """The user's ``id``; without one the rule is named by what it says (``CRWV above 120``)."""

    @property
    def id(self) -> str:
        """A stable name: the fired state is stored under it, so a restart finds it again."""
        return self.name or self.describe()

    def describe(self) -> str:
        """The rule in a few words: ``CRWV above 120``, ``CRWV move ±8%``, ``new deal``."""
        if self.kind is AlertKind.MOVE_PCT:
            return f"{self.symbol} move ±{self.threshold:g}%"
        if self.kind in PRICE_KINDS:
            return f"{self.symbol} {self.kind} {self.threshold:g}"
        scope = f"{self.symbol} " if self.symbol else ""
        if self.kind is AlertKind.NEW_DEAL:
            return "new deal"
        if self.kind is AlertKind.FILING_ITEMS:
            return f"{scope}filing items {', '.join(self.items)}"
        if self.kind is AlertKind.INSIDER_SALE_OVER:
            return f"{scope}insider sale over ${self.threshold:,.0f}"
        if self.kind is AlertKind.INSIDER_BUY:
            return f"{scope}insider open-market buy"
        return f"{scope}headline “{' '.join(self.words)}”"

    def to_toml(self) -> str:
        """The rule as an ``[[alert]]`` table (for the app-owned alerts.toml)."""
        lines = ["[[alert]]"]
        if self.name:
            lines.append(f"id = {json.dumps(self.name)}")
        if self.symbol:
            lines.append(f"symbol = {json.dumps(self.symbol)}")
        if self.kind in PRICE_KINDS:
            lines.append(f"{self.kind} = {float(self.threshold or 0.0)!r}")
        elif self.kind is AlertKind.NEW_DEAL:
            lines.append("new_deal = true")
        elif self.kind is AlertKind.FILING_ITEMS:
            lines.append(f"filing_items = {json.dumps(list(self.items))}")
        elif self.kind is AlertKind.INSIDER_SALE_OVER:
            lines.append(f"insider_sale_over = {float(self.threshold or 0.0)!r}")
        elif self.kind is AlertKind.INSIDER_BUY:
            lines.append("insider_buy = true")
        else:
            lines.append(f"headline = {json.dumps(' '.join(self.words))}")
        return "\n".join(lines) + "\n"


def _parse_rule(index: int, entry: Any) -> AlertRule:
    def fail(field: str | None, message: str) -> EntryError:
        return EntryError("alert", index, field, message)

    if not isinstance(entry, dict):
        raise fail(None, "expected a table")
    for key in entry:
        if key not in _FIELDS:
            raise fail(key, f"unknown field (known: {', '.join(_FIELDS)})")
    kinds = [k for k in AlertKind if k.value in entry]
    if len(kinds) != 1:
        choices = ", ".join(k.value for k in AlertKind)
        found = ", ".join(k.value for k in kinds) or "none"
        raise fail(None, f"needs exactly one of {choices} (found: {found})")
    kind = kinds[0]
    raw = entry[kind.value]
    name = entry.get("id")
    if name is not None and (not isinstance(name, str) or not clean_text(name).strip()):
        raise fail("id", f"expected a non-empty string, got {name!r}")
    name = clean_text(name).strip() if name else None
    symbol = check_symbol("alert", index, entry["symbol"]) if "symbol" in entry else None
    if kind in PRICE_KINDS:
        if symbol is None:
            raise fail("symbol", f"missing (a {kind} rule watches one symbol)")
        value = finite_number(raw)
        if value is None or value <= 0:
            raise fail(kind.value, f"expected a number greater than 0, got {raw!r}")
        return AlertRule(kind, symbol, value, name=name)
    if kind is AlertKind.NEW_DEAL:
        if raw is not True:
            raise fail(kind.value, f"expected true, got {raw!r}")
        if symbol is not None:
            raise fail("symbol", "new_deal watches the whole deals book: drop the symbol")
        return AlertRule(kind, name=name)
    if kind is AlertKind.FILING_ITEMS:
        if not isinstance(raw, list) or not raw:
            raise fail(kind.value, f'expected a list of 8-K items like ["1.01"], got {raw!r}')
        for item in raw:
            if not isinstance(item, str) or not _ITEM.match(item):
                raise fail(kind.value, f'not an 8-K item like "1.01": {item!r}')
        return AlertRule(kind, symbol, items=tuple(dict.fromkeys(raw)), name=name)
    if kind is AlertKind.INSIDER_SALE_OVER:
        value = finite_number(raw)
        if value is None or value <= 0:
            raise fail(kind.value, f"expected a dollar amount greater than 0, got {raw!r}")
        return AlertRule(kind, symbol, value, name=name)
    if kind is AlertKind.INSIDER_BUY:
        if raw is not True:
            raise fail(kind.value, f"expected true, got {raw!r}")
        return AlertRule(kind, symbol, name=name)
    words = words_of(raw) if isinstance(raw, str) else ()
    if not words:
        raise fail(kind.value, f"expected words to look for, got {raw!r}")
    return AlertRule(kind, symbol, words=words, name=name)


def parse_alerts(entries: Any) -> tuple[AlertRule, ...]:
    """Validate the ``[[alert]]`` array of one file.

    Raises:
        EntryError: naming the entry (1-based) and the field at fault.
    """
    if not isinstance(entries, list):
        raise EntryError("alert", 1, None, "expected [[alert]] tables")
    return tuple(_parse_rule(i, e) for i, e in enumerate(entries, start=1))


def merge_rules(*groups: tuple[AlertRule, ...]) -> tuple[AlertRule, ...]:
    """The rules of every group, the first of each id kept (the same rule twice fires once)."""
    seen: dict[str, AlertRule] = {}
    for group in groups:
        for rule in group:
            seen.setdefault(rule.id, rule)
    return tuple(seen.values())


# --- events and alerts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FilingEvent:
    """A filing from the filings feed (issue 10 wires the real one). ``key`` is unique (the
    accession number); ``items`` are the 8-K items it reports."""

    key: str
    symbol: str | None
    form: str
    items: tuple[str, ...]
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class InsiderEvent:
    """One insider filing summed up; ``key`` is its accession number. ``sold`` and ``bought``
    are the dollar sums of its priced open-market sales and purchases (None: none priced)."""

    key: str
    symbol: str
    title: str
    sold: float | None
    bought: float | None
    buys: int = 0  # open-market purchases, priced or not
    url: str | None = None


@dataclass(frozen=True, slots=True)
class HeadlineEvent:
    """A headline from the news feed; ``key`` is unique (the link or the source's id)."""

    key: str
    symbol: str | None
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """A rule that fired: what the toast, the alerts list and the notifications show."""

    rule: str
    kind: AlertKind
    symbol: str | None
    title: str
    message: str
    at: datetime
    value: float | None = None
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the stored alerts list)."""
        return {
            "rule": self.rule, "kind": str(self.kind), "symbol": self.symbol,
            "title": self.title, "message": self.message, "at": self.at.isoformat(),
            "value": self.value, "url": self.url,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Alert:
        """Rebuild an alert written by :meth:`to_json`."""
        return cls(
            rule=str(data["rule"]), kind=AlertKind(data["kind"]), symbol=data.get("symbol"),
            title=str(data["title"]), message=str(data["message"]),
            at=datetime.fromisoformat(data["at"]), value=data.get("value"), url=data.get("url"),
        )  # fmt: skip


class RuleStatus(StrEnum):
    """Where a price rule stands."""

    ARMED = "armed"  # waiting for the condition
    TRIGGERED = "triggered"  # fired; waits for the value to come back past the margin
    UNKNOWN = "unknown"  # never evaluated, or no fresh quote now


@dataclass(frozen=True, slots=True)
class RuleState:
    """A price rule's stored state: survives restarts so a triggered rule does not fire again."""

    status: RuleStatus
    at: datetime | None = None
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One price rule against the current quotes: what ``neotui alerts`` prints."""

    rule: AlertRule
    status: RuleStatus
    value: float | None
    at: datetime | None
    message: str
    fired: Alert | None = None
    new_state: RuleState | None = None
    """What to store; None leaves the stored state as it is (no fresh quote)."""


def _fmt(value: float) -> str:
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4f}"


def _price_message(
    rule: AlertRule, value: float, status: RuleStatus, fires: bool, margin_pct: float
) -> str:
    """``CRWV at 120.50, above 120.00`` when it fires; says "still" or "fires when" otherwise."""
    threshold = rule.threshold or 0.0
    if rule.kind is AlertKind.MOVE_PCT:
        way = "up" if value > 0 else "down"
        now = f"{rule.symbol} {way} {value:+.2f}% today"
        limit = f"beyond ±{threshold:g}%"
    else:
        now = f"{rule.symbol} at {_fmt(value)}"
        limit = f"{rule.kind} {_fmt(threshold)}"
    if fires:
        return f"{now} ({limit})" if rule.kind is AlertKind.MOVE_PCT else f"{now}, {limit}"
    if status is RuleStatus.TRIGGERED:
        t = threshold
        rearm = {
            AlertKind.ABOVE: f"under {_fmt(t * (1 - margin_pct / 100))}",
            AlertKind.BELOW: f"over {_fmt(t * (1 + margin_pct / 100))}",
        }.get(rule.kind, f"within ±{t - _move_margin(t, margin_pct):g}%")
        return f"{now}: fired, re-arms {rearm}"
    return f"{now}: fires {limit}"


def _move_margin(threshold: float, margin_pct: float) -> float:
    """The margin in points for a move_pct rule: never more than half the threshold, so a
    small threshold (0.3 %) can still re-arm."""
    return min(margin_pct, threshold / 2)


def step(
    rule: AlertRule, previous: RuleStatus, value: float, margin_pct: float
) -> tuple[RuleStatus, bool]:
    """The next status of a price rule for a fresh ``value``, and whether it fires now.

    ``margin_pct`` is how far back past the threshold the value must come to re-arm: percent of
    the price for above/below, percentage points of day change for move_pct.
    """
    t = rule.threshold or 0.0
    if rule.kind is AlertKind.ABOVE:
        holds, rearms = value >= t, value < t * (1 - margin_pct / 100)
    elif rule.kind is AlertKind.BELOW:
        holds, rearms = value <= t, value > t * (1 + margin_pct / 100)
    else:
        holds, rearms = abs(value) >= t, abs(value) < t - _move_margin(t, margin_pct)
    if previous is RuleStatus.TRIGGERED:
        return (RuleStatus.ARMED if rearms else RuleStatus.TRIGGERED), False
    if holds:
        return RuleStatus.TRIGGERED, True
    return RuleStatus.ARMED, False


def evaluate_price(
    rule: AlertRule,
    stored: RuleState | None,
    state: SymbolState | None,
    margin_pct: float,
    now: datetime,
) -> Evaluation:
    """Evaluate one price rule against a symbol's state, without changing anything."""
    quote = state.quote if state else None
    value = None
    if quote is not None:
        value = quote.change_pct if rule.kind is AlertKind.MOVE_PCT else quote.price
    if state is None or state.status != _FRESH or value is None:
        why = "no quote" if quote is None else (state.reason if state else None) or "stale"
        if value is None and quote is not None:
            why = "no previous close" if rule.kind is AlertKind.MOVE_PCT else "no price"
        return Evaluation(rule, RuleStatus.UNKNOWN, value, None, f"not evaluated: {why}")
    if quote is not None and quote.source != "yahoo":
        # A fallback source's price (Cboe: 15 min behind) is never judged as if it were live:
        # the rule keeps its stored state and is judged again on Yahoo's next price. (Yahoo's
        # own exchange delay, London's 15 min, is how that market always is: judged as before.)
        why = f"price from {quote.source}, {quote.delayed_minutes or '?'} min delayed"
        return Evaluation(rule, RuleStatus.UNKNOWN, value, None, f"not evaluated: {why}")
    previous = stored.status if stored else RuleStatus.UNKNOWN
    status, fires = step(rule, previous, value, margin_pct)
    at = now if fires or status is not previous or stored is None else stored.at
    message = _price_message(rule, value, status, fires, margin_pct)
    fired = None
    if fires:
        title = f"{rule.symbol}: {rule.describe().removeprefix(f'{rule.symbol} ')}"
        fired = Alert(rule.id, rule.kind, rule.symbol, title, message, now, value)
    return Evaluation(rule, status, value, at, message, fired, RuleState(status, at, value))
