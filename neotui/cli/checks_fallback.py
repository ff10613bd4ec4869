"""``neotui doctor``'s line for each fallback source (``market.fallback``): one delayed quote
asked of it, with a verdict and what to do. A source that fails is a warning while Yahoo gives
the prices (it only matters the day Yahoo refuses this address), a failure when
``market.source = "fallback"`` makes it the only source.

Each probe answers ``(status, detail, hint)``; ``checks.py`` makes the line (this module does not
import it: no cycle)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from neotui.data.market.http import FailureKind, FetchError, SessionOptions
from neotui.settings import Settings

#: The longest the probe may take (the doctor's own budget bounds it too).
STEP = 10.0
Verdict = tuple[str, str, str]

_HINTS: dict[FailureKind, str] = {
    FailureKind.NOT_FOUND: "Cboe lists US securities only: this symbol has no fallback",
    FailureKind.RATE_LIMITED: "Cboe is throttling this address: the fallback will lag more",
    FailureKind.UNREACHABLE: "check the network and the proxy (market.proxy, HTTPS_PROXY)",
    FailureKind.TIMEOUT: "Cboe accepted the connection but did not answer: retry later",
    FailureKind.SERVER: "Cboe's side failed or refused: retry later",
    FailureKind.BAD_RESPONSE: "something between you and Cboe answered instead: open the URL "
    "in a browser",
    FailureKind.AUTH: "Cboe refused the request",
}


def fallback_probes(settings: Settings) -> list[tuple[str, Callable[[], Awaitable[Verdict]]]]:
    """The doctor's probes of the fallback sources in use (none when ``market.fallback`` is
    empty, or Yahoo is a test server while Cboe is the real one)."""
    from neotui.sources import fallback_names

    return [(f"fallback {name}", lambda: _cboe(settings)) for name in fallback_names(settings)]


async def _cboe(settings: Settings) -> Verdict:
    from neotui.data.market.cboe import CboeClient, cboe_symbol

    market = settings.market
    only = market.source == "fallback"
    symbol = next((s for s in market.symbols if cboe_symbol(s)), None)
    if symbol is None:
        return "skipped", "no US-listed symbol in market.symbols to ask Cboe for", ""
    options = SessionOptions(market.connect_timeout, market.read_timeout,
                             proxy=market.proxy or None, deadline=STEP)  # fmt: skip
    client = CboeClient(market.cboe_url, options=options, transport=market.transport)
    started = time.perf_counter()
    try:
        quote = await client.quote(symbol)
    except FetchError as exc:
        status = "fail" if only else "warn"
        hint = _HINTS[exc.kind] + (
            "" if only else "; Yahoo gives the prices meanwhile, this only matters if it refuses"
        )
        return status, f"{symbol}: {exc.reason}", hint
    finally:
        await client.aclose()
    ms = (time.perf_counter() - started) * 1000
    when = f", last trade {quote.market_time:%Y-%m-%d %H:%M} UTC" if quote.market_time else ""
    role = "the only source (market.source)" if only else "used if Yahoo refuses every symbol"
    detail = f"{symbol} {quote.price:.2f} USD, {quote.delayed_minutes} min delayed{when}"
    return "ok", f"{detail}, in {ms:.0f} ms; {role}", ""
