"""The doctor's stream check: connect to the quote stream, subscribe, wait for the first tick.

It answers (status, detail, hint) and the doctor makes its line of it (this module does not
import the doctor's, which imports it). A stream that cannot be reached is a warning, not a
failure: prices then come by polling, as they always did; the hint says how to reach it or
turn it off.
"""

from __future__ import annotations

from datetime import UTC, datetime

from neotui.data.market.http import USER_AGENT
from neotui.data.market.quote import Session, us_session
from neotui.data.market.stream import probe
from neotui.settings import Settings

#: How long the check waits for the first tick while the market trades.
WAIT = 8.0
_OFF_HINT = "prices come by polling meanwhile; market.stream = false stops trying"


async def check_stream(
    settings: Settings, wait: float = WAIT, now: datetime | None = None
) -> tuple[str, str, str]:
    """Connect, subscribe, first tick (or "market closed"): the verdict, detail and hint."""
    market = settings.market
    if not market.stream:
        return "skipped", "market.stream is off: prices come by polling", ""
    if not settings.stream_enabled:
        return ("skipped", "stream_url is Yahoo's while yahoo_url is not: point "
                "market.stream_url at the mirror's stream too", "")  # fmt: skip
    session, _ = us_session(now or datetime.now(UTC))
    trading = session is not Session.CLOSED
    symbols = list(market.symbols)
    found = await probe(market.stream_url, symbols, wait=wait if trading else min(wait, 3.0),
                        proxy=market.proxy or None, user_agent=USER_AGENT)  # fmt: skip
    if not found.connected:
        hint = "check the network and the proxy (market.proxy); " + _OFF_HINT
        return "warn", f"no stream: {found.reason}", hint
    if found.tick is not None:
        tick = found.tick
        return ("ok", f"subscribed {len(symbols)} symbols; first tick {tick.symbol} "
                f"{tick.price:g} after {found.elapsed * 1000:.0f} ms", "")  # fmt: skip
    if not trading:
        return ("ok", f"connected and subscribed; market closed, so no tick expected "
                f"({found.summary})", "")  # fmt: skip
    return ("warn", f"connected, but no good tick in {wait:g} s: {found.reason} "
            f"({found.summary})", _OFF_HINT)  # fmt: skip
