"""Yahoo's quote stream frames: the envelope, the protobuf inside it, and the checks a tick passes.

A version=2 frame is one JSON text ``{"type":"pricing","message":"<base64 PricingData>"}``
(``pricing.proto`` in ``tests/fixtures/yahoo_streamer/``). neotui reads the dozen fields it uses
with a small protobuf wire reader instead of the ``protobuf`` package. protobuf's upb parser is
faster (1-2 µs a frame against 9-20 µs here, bench/stream.py), but at 100 ticks a second both
are under 0.2 % of a core, and the reader needs no generated code: a ``pricing_pb2`` must match
the protobuf runtime's major version (yfinance's is its own, private module), and generating one
would put protoc in the build. The schema is one flat message of scalars; unknown fields are
skipped by wire type, so fields Yahoo adds cost nothing.

Traps (SOURCES.md): ``time``, ``day_volume`` and ``price_hint`` are zigzag ``sint64`` (a plain
varint read gives double the time); prices are 32-bit floats (24.535 arrives as 24.5349998…, so
each is given back as the shortest decimal that is the same float32); the v2 frame carries no
currency and no previous close (the previous close is price − change).

:class:`TickGate` is the one door a frame passes: a size cap before any decoding, then JSON,
base64, protobuf, a finite positive price, a plausible time, a subscribed symbol, and a time not
older than the symbol's last tick. Each refusal is counted by kind for the doctor and the log;
nothing raises.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import struct
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neotui.data.clean import clean_text
from neotui.data.market.quote import Session

#: The largest frame decoded. A real one is ~100-250 characters; a frame past this is refused
#: before it is parsed (the socket also refuses to read frames past it: stream.py).
MAX_FRAME = 64 * 1024
#: The highest plausible price (Berkshire A trades near 1e6); past it a tick is broken.
MAX_PRICE = 1e8
#: A tick stamped this far past the local clock is refused (a clock off by a few seconds is not).
FUTURE_SLACK = 3600.0
#: Ticks before this (2000-01-01) are not from a live stream.
MIN_EPOCH_MS = 946_684_800_000

#: Yahoo's MarketHours enum (``__finStreamer-proto.js``): 0 is pre-market, not "none".
MARKET_HOURS: dict[int, Session] = {
    0: Session.PRE,
    1: Session.REGULAR,
    2: Session.POST,
    3: Session.POST,  # EXTENDED_HOURS_MARKET (overnight): shown as an extended-hours price
}
#: QuoteType HEARTBEAT: a keep-alive, not a price.
HEARTBEAT = 7

# Field numbers of PricingData that neotui reads.
_ID, _PRICE, _TIME, _CURRENCY, _EXCHANGE, _QUOTE_TYPE, _MARKET_HOURS = 1, 2, 3, 4, 5, 6, 7
_CHANGE_PCT, _DAY_VOLUME, _DAY_HIGH, _DAY_LOW, _CHANGE = 8, 9, 10, 11, 12
_ZIGZAG = frozenset({3, 9, 14, 19, 20, 21, 22, 24, 26, 27, 28, 29})
_FLOAT32 = frozenset({_PRICE, _CHANGE_PCT, _DAY_HIGH, _DAY_LOW, _CHANGE})  # the ones read
_STRINGS = frozenset({_ID, _CURRENCY, _EXCHANGE})  # the ones read


class WireError(ValueError):
    """The bytes are not a valid protobuf message."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """An unsigned varint at ``pos`` (at most 10 bytes) and the position after it."""
    result = shift = 0
    end = min(len(data), pos + 10)
    while pos < end:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFF_FFFF_FFFF_FFFF, pos
        shift += 7
    raise WireError("truncated or overlong varint")


def _float32(raw: bytes) -> float:
    """A float32 as the shortest decimal that is the same float32 (24.535, not 24.534999847)."""
    value: float = struct.unpack("<f", raw)[0]
    if not math.isfinite(value):
        return value
    for digits in (6, 7, 8):
        short = float(f"{value:.{digits}g}")
        if struct.pack("<f", short) == raw:
            return short
    return value


def read_fields(data: bytes) -> dict[int, Any]:
    """The PricingData fields in ``data``, by number: strings cleaned (but the id), floats as
    shortest decimals, zigzag and int32 fields signed. Unknown fields are skipped by wire type;
    the last occurrence of a field wins, as in protobuf.

    Raises:
        WireError: for a truncated message, a bad wire type or a length past the end.
    """
    fields: dict[int, Any] = {}
    pos, size = 0, len(data)
    while pos < size:
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire == 0:
            value, pos = _varint(data, pos)
            if number in _ZIGZAG:
                fields[number] = (value >> 1) ^ -(value & 1)
            else:  # int32/int64: two's complement in 64 bits
                fields[number] = value - (1 << 64) if value >= 1 << 63 else value
        elif wire == 5:
            if pos + 4 > size:
                raise WireError("truncated fixed32")
            if number in _FLOAT32:
                fields[number] = _float32(data[pos : pos + 4])
            pos += 4
        elif wire == 1:
            if pos + 8 > size:
                raise WireError("truncated fixed64")
            pos += 8  # doubles: market cap and supply, for crypto only; not read
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > size:
                raise WireError("length past the end")
            if number in _STRINGS:
                try:
                    text = data[pos : pos + length].decode("utf-8")
                except UnicodeDecodeError:
                    raise WireError("a string field is not UTF-8") from None
                # The id is only compared with the subscribed symbols (clean by construction):
                # one that needed cleaning matches none of them.
                fields[number] = text if number == _ID else clean_text(text)
            pos += length
        else:
            raise WireError(f"wire type {wire}")
    return fields


@dataclass(frozen=True, slots=True)
class StreamTick:
    """One price from the stream, checked. Values the frame lacks are None, never 0."""

    symbol: str
    price: float
    time: datetime
    """The tick's own time (the trade's), for ordering and staleness."""
    session: Session
    received: datetime
    """When the frame arrived here."""
    change: float | None = None
    change_pct: float | None = None
    day_volume: float | None = None
    day_high: float | None = None
    day_low: float | None = None
    exchange: str | None = None
    currency: str | None = None


def _finite(value: Any, positive: bool = False) -> float | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    number = float(value)
    if not math.isfinite(number) or (positive and not 0.0 < number < MAX_PRICE):
        return None
    return number


DROP_KINDS = (
    "too_large", "not_json", "not_pricing", "not_base64", "not_protobuf", "no_symbol",
    "bad_price", "bad_time", "unsubscribed", "old", "heartbeat",
)  # fmt: skip
"""Why a frame is not applied, in the order the doctor lists them."""


class TickGate:
    """Decodes frames and lets through only good, new ticks for the subscribed symbols.

    ``counts`` holds ``ok`` and each drop kind (:data:`DROP_KINDS`); ``last_drop`` the most
    recent refusal, for the log.
    """

    def __init__(
        self,
        symbols: Iterable[str],
        *,
        max_frame: int = MAX_FRAME,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.symbols = frozenset(symbols)
        self.max_frame = max_frame
        self._clock = clock
        self.counts: Counter[str] = Counter()
        self.last_drop: str | None = None
        self._last: dict[str, int] = {}  # symbol -> time (ms) of its newest tick

    def _drop(self, kind: str) -> None:
        self.counts[kind] += 1
        self.last_drop = kind

    def take(self, frame: str | bytes) -> StreamTick | None:
        """The tick a frame carries, or None (counted) when it is refused."""
        if len(frame) > self.max_frame:
            self._drop("too_large")
            return None
        try:
            envelope = json.loads(frame)
        except (ValueError, RecursionError):
            self._drop("not_json")
            return None
        if not isinstance(envelope, dict):
            self._drop("not_pricing")
            return None
        message = envelope.get("message")
        if envelope.get("type", "pricing") != "pricing" or not isinstance(message, str):
            self._drop("not_pricing")
            return None
        try:
            data = base64.b64decode(message, validate=True)
        except (binascii.Error, ValueError):
            self._drop("not_base64")
            return None
        try:
            fields = read_fields(data)
        except WireError:
            self._drop("not_protobuf")
            return None
        return self._check(fields)

    def _check(self, fields: dict[int, Any]) -> StreamTick | None:
        if fields.get(_QUOTE_TYPE) == HEARTBEAT:
            self._drop("heartbeat")
            return None
        symbol = fields.get(_ID)
        if not isinstance(symbol, str) or not symbol.strip():
            self._drop("no_symbol")
            return None
        symbol = symbol.strip().upper()
        if symbol not in self.symbols:
            self._drop("unsubscribed")
            return None
        price = _finite(fields.get(_PRICE), positive=True)
        if price is None:
            self._drop("bad_price")
            return None
        now = self._clock()
        millis = fields.get(_TIME)
        if (
            not isinstance(millis, int)
            or millis < MIN_EPOCH_MS
            or millis > (now.timestamp() + FUTURE_SLACK) * 1000
        ):
            self._drop("bad_time")
            return None
        if millis < self._last.get(symbol, 0):
            self._drop("old")
            return None
        session = MARKET_HOURS.get(fields.get(_MARKET_HOURS, 0))
        if session is None:
            self._drop("bad_time")  # a session that is no session: the tick cannot be placed
            return None
        self._last[symbol] = millis
        self.counts["ok"] += 1
        volume = fields.get(_DAY_VOLUME)
        return StreamTick(
            symbol=symbol,
            price=price,
            time=datetime.fromtimestamp(millis / 1000, UTC),
            session=session,
            received=now,
            change=_finite(fields.get(_CHANGE)),
            change_pct=_finite(fields.get(_CHANGE_PCT)),
            day_volume=float(volume) if isinstance(volume, int) and volume >= 0 else None,
            day_high=_finite(fields.get(_DAY_HIGH), positive=True),
            day_low=_finite(fields.get(_DAY_LOW), positive=True),
            exchange=fields.get(_EXCHANGE) or None,
            currency=fields.get(_CURRENCY) or None,
        )

    def summary(self) -> str:
        """The counts as one line for the doctor and the log: "12 ticks; dropped: 2 old"."""
        dropped = ", ".join(f"{self.counts[k]} {k}" for k in DROP_KINDS if self.counts[k])
        return f"{self.counts['ok']} ticks" + (f"; dropped: {dropped}" if dropped else "")
