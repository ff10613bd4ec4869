"""Positions: lots summed per symbol, a short, a missing price (blank, never zero), a stale one
(flagged), the settings validation, and `neotui positions` against the fake Yahoo server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from neotui.data.market.feed import SymbolState, SymbolStatus
from neotui.data.market.quote import Quote
from neotui.data.portfolio import Lot, build_portfolio
from neotui.settings import SettingsError, load_settings
from tests.fake_yahoo import FakeYahoo, free_port_refusing
from tests.helpers import FROZEN


def state(symbol: str, price: float | None, prev: float | None = None, *,
          status: SymbolStatus = SymbolStatus.FRESH, reason: str | None = None,
          currency: str = "USD") -> SymbolState:  # fmt: skip
    quote = Quote(symbol, price, FROZEN, currency=currency, prev_close=prev)
    return SymbolState(symbol, status, quote, reason)


def test_fresh_status_value_is_what_positions_compares_against() -> None:
    # positions.py avoids importing the feed (and the HTTP stack) at settings time.
    assert SymbolStatus.FRESH == "fresh"


def test_several_lots_a_short_and_a_missing_price() -> None:
    lots = [
        Lot("CRWV", 10, 100.0, date(2025, 6, 2)),
        Lot("CRWV", 5, 130.0),
        Lot("NBIS", -20, 50.0),  # a short
        Lot("IREN", 100, 10.0),  # no quote at all
    ]
    states = {
        "CRWV": state("CRWV", 120.0, 110.0),
        "NBIS": state("NBIS", 40.0, 42.0),
        "IREN": SymbolState("IREN", SymbolStatus.NOT_FOUND, None, "symbol not found"),
    }
    pf = build_portfolio(lots, states)
    crwv, nbis, iren = pf.positions
    assert (crwv.quantity, crwv.lots, crwv.cost_basis) == (15, 2, 1650.0)
    assert crwv.average_cost == pytest.approx(110.0)
    assert crwv.value == 1800.0 and crwv.gain == 150.0
    assert crwv.day_change == pytest.approx(150.0)  # 15 x (120 - 110)
    assert crwv.gain_pct == pytest.approx(150 / 1650)
    # The short gains when the price falls.
    assert nbis.quantity == -20 and nbis.cost_basis == -1000.0
    assert nbis.value == -800.0 and nbis.gain == 200.0 and nbis.gain_pct == pytest.approx(0.2)
    assert nbis.day_change == pytest.approx(40.0)  # -20 x (40 - 42)
    # No price: blanks, never zeros, and the reason.
    assert iren.price is None and iren.value is None and iren.gain is None
    assert iren.weight is None and iren.day_change is None and iren.gain_pct is None
    assert iren.reason == "symbol not found" and not iren.stale
    # Weights over the gross value of the priced positions (a short weighs negative).
    assert crwv.weight == pytest.approx(1800 / 2600) and nbis.weight == pytest.approx(-800 / 2600)
    # Totals: only priced positions, and they say what is missing.
    assert pf.value == 1000.0 and pf.gain == 350.0 and pf.day_change == pytest.approx(190.0)
    assert pf.gain_pct == pytest.approx(350 / 2650)  # against the gross cost
    assert pf.weight == pytest.approx(1000 / 2600)
    assert pf.cost_basis == 1650.0 - 1000.0 + 1000.0
    assert pf.missing == ("IREN",) and pf.partial and pf.currency == "USD"


def test_stale_price_values_the_position_and_is_named() -> None:
    states = {"CRWV": state("CRWV", 120.0, status=SymbolStatus.STALE, reason="offline")}
    pf = build_portfolio([Lot("CRWV", 1, 100.0)], states)
    (crwv,) = pf.positions
    assert crwv.value == 120.0 and crwv.stale and crwv.reason == "offline"
    assert crwv.day_change is None  # no previous close: unknown, not zero
    assert pf.stale == ("CRWV",) and pf.partial


def test_mixed_currencies_give_no_totals() -> None:
    states = {"A": state("A", 10.0), "B": state("B", 10.0, currency="EUR")}
    pf = build_portfolio([Lot("A", 1, 5.0), Lot("B", 1, 5.0)], states)
    assert pf.value is None and pf.gain is None
    assert pf.note == "no totals: mixed currencies (EUR, USD)"


def _settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lots_load_from_settings(tmp_path: Path) -> None:
    path = _settings_file(tmp_path, """
[[lot]]
symbol = "crwv"
quantity = 10
cost = 100.0
date = 2025-06-02
[[lot]]
symbol = "ACME"
quantity = -3
cost = 12
""")  # fmt: skip
    s = load_settings(config=path, environ={})
    assert s.lots == (Lot("CRWV", 10.0, 100.0, date(2025, 6, 2)), Lot("ACME", -3.0, 12.0))
    assert s.feed_symbols[-1] == "ACME" and s.feed_symbols.count("CRWV") == 1


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ('symbol = "A"\nquantity = 0\ncost = 1', "lot #2 quantity", "non-zero number"),
        ('symbol = "A"\nquantity = 1\ncost = "ten"', "lot #2 cost", "price per share"),
        ('symbol = "A"\nquantity = 1', "lot #2 cost", "missing"),
        ('symbol = "A B"\nquantity = 1\ncost = 1', "lot #2 symbol", "not a ticker"),
        ('symbol = "A"\nquantity = 1\ncost = 1\nprice = 3', "lot #2 price", "unknown field"),
        ('symbol = "A"\nquantity = 1\ncost = 1\ndate = "June"', "lot #2 date", "expected a date"),
    ],
)
def test_bad_lot_is_rejected_with_file_entry_and_field(
    tmp_path: Path, body: str, key: str, message: str
) -> None:
    path = _settings_file(
        tmp_path, f'[[lot]]\nsymbol = "OK"\nquantity = 1\ncost = 1\n[[lot]]\n{body}\n'
    )
    with pytest.raises(SettingsError) as err:
        load_settings(config=path, environ={})
    assert err.value.where == str(path) and err.value.key == key
    assert message in str(err.value)


# --- neotui positions against the fake server -----------------------------------------------------

LOTS = """
[[lot]]
symbol = "CRWV"
quantity = 10
cost = 20.0
[[lot]]
symbol = "CRWV"
quantity = 5
cost = 30.0
[[lot]]
symbol = "NBIS"
quantity = -4
cost = 25.0
"""


def positions(url: str, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEOTUI_YAHOO_URL": url, "NEOTUI_CONFIG": str(config)}
    return subprocess.run(
        [sys.executable, "-m", "neotui", "positions", *args],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_positions_json_fields_and_values(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    config = _settings_file(tmp_path, LOTS)
    result = positions(fake_yahoo.url, config, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [list(r) for r in rows] == [["symbol", "quantity", "cost_basis", "price", "value",
        "day_change", "gain", "gain_pct", "weight", "stale"]] * 2  # fmt: skip
    crwv, nbis = rows
    assert crwv["symbol"] == "CRWV" and crwv["quantity"] == 15 and crwv["cost_basis"] == 350.0
    assert crwv["value"] == pytest.approx(15 * crwv["price"])
    assert crwv["gain"] == pytest.approx(crwv["value"] - 350.0)
    assert nbis["quantity"] == -4 and nbis["value"] < 0 and nbis["weight"] < 0
    assert crwv["weight"] - nbis["weight"] == pytest.approx(1.0)
    assert not crwv["stale"] and not nbis["stale"]


def test_positions_offline_are_cached_and_stale_exit_3(
    fake_yahoo: FakeYahoo, tmp_path: Path
) -> None:
    config = _settings_file(tmp_path, LOTS)
    assert positions(fake_yahoo.url, config).returncode == 0  # fills the cache
    result = positions(free_port_refusing(), config, "--format", "csv")
    assert result.returncode == 3
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "symbol,quantity,cost_basis,price,value,day_change,gain,gain_pct,weight,stale"
    )
    assert all(line.endswith(",True") for line in lines[1:]) and len(lines) == 3
    assert "stale: CRWV, NBIS" in result.stderr


def test_positions_table_has_totals(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    fake_yahoo.set_fault("404", "NBIS")
    config = _settings_file(tmp_path, LOTS)
    result = positions(fake_yahoo.url, config)
    assert result.returncode == 3
    assert "Total" in result.stdout and "no price: NBIS" in result.stdout
    nbis = next(
        line for line in result.stdout.splitlines() if "NBIS" in line and "Total" not in line
    )
    assert "0.00" not in nbis  # a missing price is a blank, not a zero


def test_positions_parser_is_imported_only_for_lots(user_config_dir: Path) -> None:
    """Most users keep no lots: the positions module is not imported at launch without any
    (~2 ms of the first frame); a ``[[lot]]`` table still reads as before."""
    script = (
        "import sys, neotui.__main__, neotui.app, neotui.build\n"
        "from neotui.settings import load_settings\n"
        "lots = load_settings().lots\n"
        "print(len(lots), 'neotui.data.portfolio' in sys.modules)\n"
    )

    def launch() -> str:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    assert launch() == "0 False"
    lots = '[[lot]]\nsymbol = "ALPH"\nquantity = 10\ncost = 90.0\n'
    (user_config_dir / "neotui.toml").write_text(lots, encoding="utf-8")
    assert launch() == "1 True"
