"""What alerts and positions add to each quote update the app receives.

Every feed publication now also evaluates the price rules and values the lots. Measured: the
median time of one evaluation with 24 rules (above, below and move % on 8 symbols) and 24 lots,
against a baseline of the work every publication already did, ``MarketFeed.snapshot()``.
Aim: well under a millisecond, so a refresh every 15 s costs nothing noticeable.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime

from bench.common import median_of, row, timed

RUNS = 7
REPEAT = 1000
SYMBOLS = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")


def main() -> None:
    from neotui.data.alerts.engine import AlertEngine
    from neotui.data.alerts.rules import AlertKind, AlertRule
    from neotui.data.market.feed import MarketFeed, SymbolState, SymbolStatus
    from neotui.data.market.quote import Quote
    from neotui.data.market.yahoo import YahooClient
    from neotui.data.portfolio import Lot, build_portfolio

    now = datetime.now(UTC)
    states = {
        s: SymbolState(s, SymbolStatus.FRESH, Quote(s, 100.0 + i, now, prev_close=99.0))
        for i, s in enumerate(SYMBOLS)
    }
    kinds = ((AlertKind.ABOVE, 150.0), (AlertKind.BELOW, 50.0), (AlertKind.MOVE_PCT, 8.0))
    engine = AlertEngine([AlertRule(k, s, t) for s in SYMBOLS for k, t in kinds])
    lots = [Lot(s, 10, 90.0 + n) for s in SYMBOLS for n in range(3)]
    feed = MarketFeed(SYMBOLS, YahooClient("http://127.0.0.1:9"))
    feed._states.update(states)  # a feed with a quote per symbol, as after a refresh

    def per_call(fn) -> float:
        return timed(lambda: [fn() for _ in range(REPEAT)]) / REPEAT

    print("alerts: rules and positions on each quote update (8 symbols, 24 rules, 24 lots)")
    # Every quote changed (a refresh) vs the same states published again (the feed publishes
    # several times per refresh; the engine skips rules whose symbol state is unchanged).
    other = {s: replace(st) for s, st in states.items()}
    flip = [states, other]

    def changed() -> None:
        flip.reverse()
        engine.on_quotes(flip[0])

    rules, _ = median_of(lambda: per_call(changed), RUNS)
    row("evaluate 24 price rules, every quote new (median of 7)", f"{rules * 1e6:.0f} µs")
    same, _ = median_of(lambda: per_call(lambda: engine.on_quotes(states)), RUNS)
    row("  the same update published again", f"{same * 1e6:.0f} µs")
    book, _ = median_of(lambda: per_call(lambda: build_portfolio(lots, states)), RUNS)
    row("value 24 lots with totals (median of 7)", f"{book * 1e6:.0f} µs")
    base, _ = median_of(lambda: per_call(feed.snapshot), RUNS)
    row("baseline: MarketFeed.snapshot() per publication", f"{base * 1e6:.0f} µs "
        f"(rules + lots = {(rules + book) / base:.1f}x the baseline)")  # fmt: skip
    sys.stdout.flush()


if __name__ == "__main__":
    main()
