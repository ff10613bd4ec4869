"""Positions: the user's lots, summed per symbol and valued at the latest quotes.

Lots live in the user's settings file as ``[[lot]]`` tables (several per symbol; a negative
quantity is a short). Money is in the quote's currency. A missing price never becomes zero: the
value, day change, gain and weight of that position stay ``None`` and the totals say they are
partial. A stale price still values the position (it is the best there is) but is flagged, and
the totals name the stale symbols.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from neotui.data.entries import EntryError, check_symbol, finite_number

if TYPE_CHECKING:
    # Only for types: settings.py imports this module, and must not pull in the HTTP stack.
    from neotui.data.market.feed import SymbolState

#: ``SymbolStatus.FRESH``'s value (a StrEnum compares equal to it).
_FRESH = "fresh"

_LOT_FIELDS = ("symbol", "quantity", "cost", "date")
#: Bounds on a lot: beyond them a figure is a typo, and its value (quantity x price) could
#: overflow to infinity, which no JSON output can carry.
MAX_QUANTITY = 1e12
MAX_COST = 1e9


@dataclass(frozen=True, slots=True)
class Lot:
    """One purchase (or short sale): ``quantity`` shares at ``cost`` per share."""

    symbol: str
    quantity: float
    cost: float
    date: date | None = None


def parse_lots(entries: Any) -> tuple[Lot, ...]:
    """Validate the ``[[lot]]`` array of one settings file.

    Raises:
        EntryError: naming the entry (1-based) and the field at fault.
    """
    if not isinstance(entries, list):
        raise EntryError("lot", 1, None, "expected [[lot]] tables")
    lots = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise EntryError("lot", index, None, "expected a table")
        for key in entry:
            if key not in _LOT_FIELDS:
                known = ", ".join(_LOT_FIELDS)
                raise EntryError("lot", index, key, f"unknown field (known: {known})")
        for key in ("symbol", "quantity", "cost"):
            if key not in entry:
                raise EntryError("lot", index, key, "missing")
        symbol = check_symbol("lot", index, entry["symbol"])
        quantity = finite_number(entry["quantity"])
        if quantity is None or quantity == 0 or abs(quantity) > MAX_QUANTITY:
            raise EntryError(
                "lot", index, "quantity",
                "expected a non-zero number (negative for a short) of at most "
                f"{MAX_QUANTITY:g} shares, got {entry['quantity']!r}",
            )  # fmt: skip
        cost = finite_number(entry["cost"])
        if cost is None or cost < 0 or cost > MAX_COST:
            raise EntryError(
                "lot", index, "cost",
                f"expected a price per share from 0 to {MAX_COST:g}, got {entry['cost']!r}",
            )  # fmt: skip
        when = entry.get("date")
        if when is not None and (not isinstance(when, date) or hasattr(when, "hour")):
            raise EntryError("lot", index, "date", f"expected a date like 2025-06-02, got {when!r}")
        lots.append(Lot(symbol, quantity, cost, when))
    return tuple(lots)


@dataclass(frozen=True, slots=True)
class Position:
    """The lots of one symbol, valued. ``None`` means unknown (no price), never zero."""

    symbol: str
    quantity: float
    cost_basis: float
    """Total cost: the sum of quantity x cost (negative for a net short)."""
    lots: int
    price: float | None
    value: float | None
    day_change: float | None
    gain: float | None
    gain_pct: float | None
    """Gain as a fraction of the absolute cost basis (0.1 is +10 %)."""
    weight: float | None
    """Value as a fraction of the gross value of the priced positions (negative for a short)."""
    currency: str | None
    stale: bool
    reason: str | None
    """Why the price is stale or missing ("cached", "offline", "no quote" …)."""

    @property
    def average_cost(self) -> float | None:
        """Cost basis per share held; None when the lots net to zero shares."""
        return self.cost_basis / self.quantity if self.quantity else None


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Every position and the totals of the priced ones."""

    positions: tuple[Position, ...]
    cost_basis: float
    value: float | None
    day_change: float | None
    gain: float | None
    gain_pct: float | None
    """Total gain as a fraction of the gross cost (sum of absolute cost bases) of the priced."""
    currency: str | None
    stale: tuple[str, ...]
    """Symbols valued at a stale price."""
    missing: tuple[str, ...]
    """Symbols with no price at all: left out of the value, day change and gain totals."""
    weight: float | None = None
    """Net value over gross value (1.0 when all long; less with shorts)."""
    note: str | None = None
    """Why there are no totals (e.g. mixed currencies)."""

    @property
    def partial(self) -> bool:
        """Whether the totals leave some positions out or rest on stale prices."""
        return bool(self.stale or self.missing)


def _sum(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def build_portfolio(lots: Sequence[Lot], states: Mapping[str, SymbolState]) -> Portfolio:
    """Sum the lots per symbol (first-seen order) and value them at ``states``' quotes."""
    grouped: dict[str, list[Lot]] = {}
    for lot in lots:
        grouped.setdefault(lot.symbol, []).append(lot)
    raw: list[dict[str, Any]] = []
    for symbol, group in grouped.items():
        quantity = sum(lot.quantity for lot in group)
        cost_basis = sum(lot.quantity * lot.cost for lot in group)
        state = states.get(symbol)
        quote = state.quote if state else None
        price = quote.price if quote else None
        fresh = state is not None and state.status == _FRESH
        reason: str | None
        if price is None:
            reason = (state.reason if state else None) or "no quote"
        else:
            reason = None if fresh else (state.reason if state else None) or "stale"
        value = quantity * price if price is not None else None
        change = quote.change if quote else None
        raw.append(
            dict(
                symbol=symbol, quantity=quantity, cost_basis=cost_basis, lots=len(group),
                price=price, value=value,
                day_change=quantity * change if change is not None and price is not None else None,
                gain=value - cost_basis if value is not None else None,
                currency=quote.currency if quote else None,
                stale=price is not None and not fresh, reason=reason,
            )
        )  # fmt: skip
    gross = sum(abs(r["value"]) for r in raw if r["value"] is not None)
    positions = []
    for r in raw:
        gain, basis = r["gain"], r["cost_basis"]
        gain_pct = gain / abs(basis) if gain is not None and basis else None
        weight = r["value"] / gross if r["value"] is not None and gross else None
        positions.append(Position(**r, gain_pct=gain_pct, weight=weight))
    return _totals(tuple(positions))


def _totals(positions: tuple[Position, ...]) -> Portfolio:
    priced = [p for p in positions if p.value is not None]
    currencies = sorted({p.currency for p in priced if p.currency})
    stale = tuple(p.symbol for p in positions if p.stale)
    missing = tuple(p.symbol for p in positions if p.value is None)
    cost_all = sum(p.cost_basis for p in positions)
    if len(currencies) > 1:
        # Adding dollars to euros gives a number that means nothing: no totals rather than one.
        return Portfolio(
            positions, cost_all, None, None, None, None, None, stale, missing,
            note=f"no totals: mixed currencies ({', '.join(currencies)})",
        )  # fmt: skip
    # Against the gross cost: with shorts the net cost can be near zero and the ratio absurd.
    cost_priced = sum(abs(p.cost_basis) for p in priced)
    gain = _sum([p.gain for p in priced])
    return Portfolio(
        positions=positions,
        cost_basis=cost_all,
        value=_sum([p.value for p in priced]),
        day_change=_sum([p.day_change for p in priced]),
        gain=gain,
        gain_pct=gain / cost_priced if gain is not None and cost_priced else None,
        weight=_sum([p.weight for p in priced]),
        currency=currencies[0] if currencies else None,
        stale=stale,
        missing=missing,
    )


def portfolio_status(portfolio: Portfolio) -> str | None:
    """What the totals leave out or rest on, in a few words (None when all is fresh)."""
    parts = []
    if portfolio.note:
        parts.append(portfolio.note)
    if portfolio.stale:
        parts.append("stale: " + ", ".join(portfolio.stale))
    if portfolio.missing:
        parts.append("no price: " + ", ".join(portfolio.missing))
    return "; ".join(parts) or None
