"""One rule says what a ticker symbol is (issue 22, cases 4 and 19)."""

from __future__ import annotations

import pytest

from neotui.data.deals.fields import Bad, _ticker
from neotui.data.entries import EntryError, check_symbol
from neotui.data.symbols import normalize_symbol, symbol_problem, url_symbol

GOOD = ["CRWV", "brk-b", "BRK.B", "0700.HK", "^GSPC", "EURUSD=X", "CL=F", "BTC-USD", " NVDA "]
BAD = ["A/B", "..", ".", "A..B", ".A", "A.", "A-", "^", "", "  ", "A B", "X" * 21, "\x1b[2J",
       "CRWV\u202e", "../etc", "%2e%2e", "A?B", "A#B", "A&B=1", 5, None]  # fmt: skip


@pytest.mark.parametrize("value", GOOD)
def test_symbols_people_use_are_accepted(value: str) -> None:
    assert symbol_problem(value) is None
    assert normalize_symbol(value) == value.strip().upper()


@pytest.mark.parametrize("value", BAD)
def test_what_is_not_a_symbol_is_refused_with_a_reason(value: object) -> None:
    problem = symbol_problem(value)
    assert problem and ("symbol" in problem)


@pytest.mark.parametrize("value", GOOD + BAD)
def test_case_4_deals_and_alert_rules_take_the_same_symbols(value: object) -> None:
    """A provider ticker the deals file accepted ("A/B") made the alert added on it write an
    alerts.toml that every later command refused: both now ask the one rule."""
    try:
        from_deals: str | None = _ticker(value)
    except Bad:
        from_deals = None
    try:
        from_rules: str | None = check_symbol("alert", 1, value)
    except EntryError:
        from_rules = None
    assert from_deals == from_rules


def test_case_19_symbols_cannot_change_a_url_path() -> None:
    assert url_symbol("^GSPC") == "%5EGSPC"
    assert url_symbol("EURUSD=X") == "EURUSD%3DX"
    for value in ("..", "A/B", "%2e%2e"):
        with pytest.raises(ValueError, match="not a ticker symbol"):
            url_symbol(value)
