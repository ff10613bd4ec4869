"""Issue 20 item 4: the alert kinds "insider sale over $X" and "any open-market buy" (rules in
the settings files, their TOML form, the engine firing once per new filing after priming), and
the events built from the feed's trades."""

from __future__ import annotations

from datetime import date

import pytest

from neotui.data.alerts.rules import AlertKind, AlertRule, InsiderEvent, parse_alerts
from neotui.data.entries import EntryError
from neotui.data.sec.form4 import parse_ownership
from neotui.data.sec.insider_trades import (
    CompanyInsiders,
    DocumentState,
    apply_amendments,
    insider_events,
)
from tests.test_alerts import engine
from tests.test_insiders import STEVENS


def test_rules_parse_describe_and_round_trip() -> None:
    sale, buy = parse_alerts([{"symbol": "NVDA", "insider_sale_over": 5e6},
                              {"insider_buy": True, "id": "any buy"}])  # fmt: skip
    assert (sale.kind, sale.symbol, sale.threshold) == (AlertKind.INSIDER_SALE_OVER, "NVDA", 5e6)
    assert sale.describe() == "NVDA insider sale over $5,000,000"
    assert buy.describe() == "insider open-market buy" and buy.id == "any buy"
    import tomllib

    again = parse_alerts(tomllib.loads(sale.to_toml() + buy.to_toml())["alert"])
    assert again == (sale, buy)


@pytest.mark.parametrize(("entry", "words"), [
    ({"insider_sale_over": 0}, "greater than 0"),
    ({"insider_sale_over": "lots"}, "greater than 0"),
    ({"insider_sale_over": float("nan")}, "greater than 0"),
    ({"insider_buy": 1}, "expected true"),
])  # fmt: skip
def test_bad_insider_rules_name_the_field(entry: dict, words: str) -> None:
    with pytest.raises(EntryError, match=words):
        parse_alerts([entry])


def events(symbol: str, filed: date) -> list[InsiderEvent]:
    doc = parse_ownership(STEVENS.read_bytes())
    trades = apply_amendments(symbol, [DocumentState("0001199039-26-000003", "4", filed, doc)])
    return insider_events({symbol: CompanyInsiders(symbol, tuple(trades))}, date(2026, 3, 25))


def test_events_sum_each_recent_filing_and_skip_old_ones() -> None:
    (event,) = events("NVDA", date(2026, 3, 24))
    assert event.key == "0001199039-26-000003" and event.bought is None and event.buys == 0
    assert event.sold == pytest.approx(17_260_680.0 + 21_241_844.217)
    assert "STEVENS MARK A (Director)" in event.title
    assert events("NVDA", date(2026, 3, 1)) == []  # filed over a week before: not news


def test_sale_over_fires_once_per_new_filing_after_priming_and_buy_needs_a_buy() -> None:
    sale = AlertRule(AlertKind.INSIDER_SALE_OVER, "NVDA", 30e6)
    too_high = AlertRule(AlertKind.INSIDER_SALE_OVER, None, 50e6)
    buy = AlertRule(AlertKind.INSIDER_BUY)
    e = engine(sale, too_high, buy)
    assert e.on_insiders([InsiderEvent("old", "NVDA", "old", 9e7, None)]) == []  # primes
    new = InsiderEvent("0001199039-26-000003", "NVDA", "Form 4 STEVENS", 38.5e6, None)
    (alert,) = e.on_insiders([new])
    assert (
        alert.title == "NVDA: insider sale $38,500,000"
        and alert.kind is AlertKind.INSIDER_SALE_OVER
    )
    assert e.on_insiders([new]) == []  # once
    other = InsiderEvent("k2", "CRWV", "Form 4 X", 40e6, 1e5, buys=1)
    (bought,) = e.on_insiders([other])  # CRWV: not NVDA's rule; under 50M; but a buy
    assert bought.kind is AlertKind.INSIDER_BUY and "insider buy $100,000" in bought.title
