"""One rule says what a ticker symbol is (issue 22, cases 4 and 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neotui.data.deals.fields import Bad, _ticker
from neotui.data.entries import EntryError, check_symbol
from neotui.data.symbols import normalize_symbol, symbol_problem, url_symbol
from tests.helpers import SMALL_BOOK

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


def test_case_4_a_damaged_rules_file_is_set_aside_never_a_reason_not_to_start(
    isolated_dirs: dict[str, Path],
) -> None:
    """A rules file neotui wrote that it cannot read made every later command exit 2."""
    from click.testing import CliRunner

    from neotui.cli import cli
    from neotui.settings import load_settings

    data = isolated_dirs["XDG_DATA_HOME"] / "neotui"
    data.mkdir(parents=True, exist_ok=True)
    rules = data / "alerts.toml"
    rules.write_text('[[alert]]\nsymbol = "A/B"\nabove = 10\n', encoding="utf-8")
    settings = load_settings()
    assert settings.alert_rules == () or all(r.symbol != "A/B" for r in settings.alert_rules)
    assert len(settings.notices) == 1 and "set aside as alerts.toml.damaged-" in settings.notices[0]
    assert not rules.exists()
    (aside,) = data.glob("alerts.toml.damaged-*")
    assert 'symbol = "A/B"' in aside.read_text(encoding="utf-8")  # kept for the user
    result = CliRunner().invoke(cli, ["--no-bundled-deals", "--deals", str(SMALL_BOOK), "deals"])
    assert result.exit_code == 0  # starts, and the next load finds nothing left to set aside
