"""The move the options market expects over an earnings report: the at-the-money straddle.

From Yahoo's ``/v7/finance/options/SYM`` (crumb; ``?date=EPOCH`` picks an expiry): the first
expiry *after* the report carries the report's risk, and the call plus the put at the strike
nearest the price, over the price, is the move the market prices in (the usual rule of thumb;
it slightly overstates the pure earnings move since it also holds the days around it).

Prices: the bid/ask mid when both sides are quoted, else the last trade (before the open Yahoo
sends bid = ask = 0, as in the recorded 2025-02-24 chains). Between the two strikes that
bracket the price the straddle is interpolated; with only one side of the price, the nearest
strike is used. No chain, no strike with both a call and a put: no implied move, and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from neotui.data.market.earnings import _finite, _instant
from neotui.data.market.quote import _str

#: A straddle above this multiple of the price is a broken quote, not an expectation.
_MAX_MOVE = 5.0


class OptionsError(ValueError):
    """The body is not an option chain; ``reason`` is short and human."""


@dataclass(frozen=True, slots=True)
class Chain:
    """One expiry's calls and puts as (strike, price) pairs, with the underlying's price."""

    symbol: str
    expirations: tuple[datetime, ...]
    expiry: datetime | None
    price: float | None
    calls: tuple[tuple[float, float], ...]
    puts: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class ImpliedMove:
    """The straddle over the price for one expiry (``move`` a fraction), or why there is none."""

    symbol: str
    fetched_at: datetime
    move: float | None = None
    expiry: date | None = None
    strike: float | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for the cache)."""
        return {
            "symbol": self.symbol, "fetched_at": self.fetched_at.isoformat(), "move": self.move,
            "expiry": self.expiry.isoformat() if self.expiry else None, "strike": self.strike,
            "note": self.note,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImpliedMove:
        """Rebuild from :meth:`to_json`."""
        expiry = data.get("expiry")
        return cls(
            data["symbol"], datetime.fromisoformat(data["fetched_at"]), _finite(data.get("move")),
            date.fromisoformat(expiry) if expiry else None, _finite(data.get("strike")),
            data.get("note"),
        )  # fmt: skip


def _price(contract: Any) -> float | None:
    """Mid of bid and ask when both are quoted, else the last trade; None when neither."""
    if not isinstance(contract, dict):
        return None
    bid, ask = _finite(contract.get("bid")), _finite(contract.get("ask"))
    if bid is not None and ask is not None and 0 < bid <= ask:
        return (bid + ask) / 2.0
    last = _finite(contract.get("lastPrice"))
    return last if last is not None and last > 0 else None


def _side(contracts: Any) -> tuple[tuple[float, float], ...]:
    pairs = []
    for contract in contracts if isinstance(contracts, list) else ():
        strike = _finite(contract.get("strike")) if isinstance(contract, dict) else None
        price = _price(contract)
        if strike is not None and strike > 0 and price is not None:
            pairs.append((strike, price))
    return tuple(sorted(pairs))


def parse_chain(body: Any, symbol: str) -> Chain:
    """The chain of an options body (the expiry Yahoo sent; its list of expiries).

    Raises:
        OptionsError: when the body is not an option chain, or Yahoo's error.
    """
    block = body.get("optionChain") if isinstance(body, dict) else None
    if not isinstance(block, dict):
        raise OptionsError("the response is not an option chain")
    error = block.get("error")
    if isinstance(error, dict):
        raise OptionsError(_str(error.get("description")) or _str(error.get("code")) or "error")
    results = block.get("result")
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise OptionsError("Yahoo has no options for this symbol")
    result = results[0]
    raw = result.get("expirationDates")
    expirations = tuple(sorted(d for d in (_instant(v) for v in raw or ()) if d is not None)
                        if isinstance(raw, list) else ())  # fmt: skip
    quote = result.get("quote")
    price = _finite(quote.get("regularMarketPrice")) if isinstance(quote, dict) else None
    options = result.get("options")
    first = options[0] if isinstance(options, list) and options else None
    if not isinstance(first, dict):
        return Chain(symbol, expirations, None, price, (), ())
    expiry = _instant(first.get("expirationDate"))
    return Chain(symbol, expirations, expiry, price, _side(first.get("calls")),
                 _side(first.get("puts")))  # fmt: skip


def expiry_after(expirations: Sequence[datetime], report: date) -> datetime | None:
    """The first expiry on a day after the report's (an expiry on the report day, before an
    after-close report, carries none of its risk)."""
    later = [e for e in expirations if e.astimezone(UTC).date() > report]
    return min(later) if later else None


def implied_move(chain: Chain, price: float | None, fetched_at: datetime) -> ImpliedMove:
    """The at-the-money straddle over ``price`` (the quote's, else the chain's own)."""
    price = price if price is not None and price > 0 else chain.price
    expiry = chain.expiry.astimezone(UTC).date() if chain.expiry else None

    def none(note: str) -> ImpliedMove:
        return ImpliedMove(chain.symbol, fetched_at, expiry=expiry, note=note)

    if price is None or price <= 0:
        return none("no price to measure the straddle against")
    puts = dict(chain.puts)
    straddles = sorted((k, c + puts[k]) for k, c in chain.calls if k in puts)
    if not straddles:
        return none("no strike with both a call and a put priced")
    below = [s for s in straddles if s[0] <= price]
    above = [s for s in straddles if s[0] >= price]
    if below and above and below[-1][0] != above[0][0]:
        (k0, s0), (k1, s1) = below[-1], above[0]
        value = s0 + (s1 - s0) * (price - k0) / (k1 - k0)
        strike = k0 if price - k0 <= k1 - price else k1
    else:
        strike, value = min(straddles, key=lambda s: abs(s[0] - price))
    move = value / price
    if not 0 < move <= _MAX_MOVE:
        return none("the straddle's prices are not believable")
    return ImpliedMove(chain.symbol, fetched_at, move, expiry, strike)
