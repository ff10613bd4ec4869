"""`neotui impact` and `neotui valuation` as a user runs them: against the fake Yahoo server
(synthetic two-year daily series), then offline from the cache; stable fields; honest exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from neotui.cli.market_report import IMPACT_FIELDS, VALUATION_FIELDS
from neotui.settings import SettingsError, load_settings
from tests.fake_yahoo import FakeYahoo, free_port_refusing


def run(url: str, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "neotui", *args],
        env={**os.environ, "NEOTUI_YAHOO_URL": url, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


#: CRWV's abnormal return on 2025-09-30 in the synthetic series (no effect planted).
NOISE_AR0 = -0.00011680863716949136


def impact(url: str, *args: str, env: dict[str, str] | None = None):
    result = run(url, "impact", "--provider", "coreweave", "--format", "json", *args, env=env)
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return result, {(r["deal_id"], r["symbol"]): r for r in rows}, rows


def test_impact_against_the_fake_server_then_offline(fake_yahoo: FakeYahoo) -> None:
    result, rows, ordered = impact(fake_yahoo.url)
    assert result.returncode == 0, result.stderr
    assert all(tuple(r) == IMPACT_FIELDS for r in ordered)
    assert [r["date"] for r in ordered] == sorted((r["date"] for r in ordered), reverse=True)
    meta = rows[("coreweave-meta-2025-09", "CRWV")]
    assert meta["role"] == "provider" and meta["day0"] == "2025-09-30"
    # CRWV's synthetic prices start 2025-03-28: 97 sessions up to day -30.
    assert (meta["model"], meta["estimation_days"], meta["benchmark"]) == ("market", 97, "SPY")
    assert meta["abnormal_0"] == pytest.approx(NOISE_AR0, abs=1e-12)  # pure noise
    assert meta["note"] is None
    counterparty = rows[("coreweave-meta-2025-09", "META")]
    assert counterparty["role"] == "counterparty" and counterparty["model"] == "market"
    echo = rows[("coreweave-meta-s001", "CRWV")]
    assert echo["date"] == "2025-09-30" and echo["note"] == "same event as coreweave-meta-2025-09"
    assert echo["car_m1_p1"] == meta["car_m1_p1"] and echo["t_car_m1_p1"] == meta["t_car_m1_p1"]
    ipo = rows[("coreweave-ipo-2025-03", "CRWV")]  # "en mars 2025": date_precision = month
    assert ipo["return_0"] is None and ipo["note"] == "date known to the month only: not studied"
    soon = rows[("coreweave-openpipe-2025-04", "CRWV")]  # "en avril": month only too
    assert soon["model"] is None and soon["note"] == "date known to the month only: not studied"
    reported = rows[("coreweave-microsoft-s000", "MSFT")]
    assert reported["model"] is None and "not studied" in reported["note"]
    assert {q.split("&")[0] for _, _, q in fake_yahoo.requests} == {"range=2y"}
    assert sorted(fake_yahoo.counts) == ["CORZ", "CRWV", "META", "MSFT", "NVDA", "SPY"]

    # Network down: the cache (fetched after the last close) answers, nothing is asked, and
    # --offline never even tries.
    down = free_port_refusing()
    for args in ((), ("--offline",)):
        again, again_rows, _ = impact(down, *args)
        assert again.returncode == 0 and again_rows == rows


def test_a_planted_jump_comes_out_as_abnormal_return(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.route("CRWV").jumps = ((date(2025, 9, 30), 0.135),)  # "bondi de plus de 13 %"
    _, rows, _ = impact(fake_yahoo.url)
    meta = rows[("coreweave-meta-2025-09", "CRWV")]
    # The estimation window is untouched, so the model is too: AR grows by exactly the jump.
    # (1e-5: the fake rounds closes to 4 decimals)
    assert meta["abnormal_0"] == pytest.approx(NOISE_AR0 + 0.135, abs=1e-5)
    assert meta["car_m1_p1"] == pytest.approx(-0.03389576713770535 + 0.135, abs=1e-5)


def test_impact_benchmark_option_and_env(fake_yahoo: FakeYahoo) -> None:
    _, rows, _ = impact(fake_yahoo.url, "--benchmark", "qqq")
    meta = rows[("coreweave-meta-2025-09", "CRWV")]
    assert meta["benchmark"] == "QQQ" and meta["model"] == "market"
    assert "QQQ" in fake_yahoo.counts and "SPY" not in fake_yahoo.counts
    _, rows, _ = impact(fake_yahoo.url, env={"NEOTUI_BENCHMARK": "DIA"})
    assert rows[("coreweave-meta-2025-09", "CRWV")]["benchmark"] == "DIA"


def test_impact_without_benchmark_prices_is_blank_with_the_reason(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_fault("404", "SPY")
    result, rows, _ = impact(fake_yahoo.url)
    assert result.returncode == 3
    meta = rows[("coreweave-meta-2025-09", "CRWV")]
    assert meta["abnormal_0"] is None and meta["return_0"] is None and meta["model"] is None
    assert meta["note"] == "no SPY (benchmark) prices (No data found, symbol may be delisted)"


def test_impact_table_and_unknown_provider(fake_yahoo: FakeYahoo) -> None:
    result = run(fake_yahoo.url, "impact", "--provider", "nebius")
    assert result.returncode == 0 and "Deal-day impact against SPY" in result.stdout
    assert "nebius-microsoft-2025-09" in result.stdout and "MSFT (cpty)" in result.stdout
    bad = run(fake_yahoo.url, "impact", "--provider", "nope")
    assert bad.returncode == 2 and "unknown provider 'nope'" in bad.stderr


def test_valuation_fields_and_blanks(fake_yahoo: FakeYahoo, tmp_path) -> None:
    result = run(fake_yahoo.url, "valuation", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["provider"]: r for r in json.loads(result.stdout)}
    assert all(tuple(r) == VALUATION_FIELDS for r in rows.values())
    assert "nscale" not in rows  # private: no market cap to value
    crwv = rows["coreweave"]
    assert (crwv["backlog"], crwv["backlog_as_of"]) == (15.1e9, "2025-09-30")
    assert crwv["debt_to_backlog"] == pytest.approx(crwv["debt"] / crwv["backlog"])
    # Market cap comes with the batch quote (the fake: its price × 500M shares).
    assert crwv["market_cap"] == pytest.approx(1156.87 * 5e8, rel=1e-4)
    assert crwv["backlog_to_market_cap"] == pytest.approx(15.1e9 / crwv["market_cap"])
    cipher = rows["cipher-mining"]
    assert cipher["contracted_mw"] == 170.0
    assert cipher["market_cap_per_mw"] == pytest.approx(cipher["market_cap"] / 170.0)
    # The chart endpoint has no market cap: every ratio that needs it stays blank, not zero.
    charts_only = tmp_path / "charts.toml"
    charts_only.write_text("[market]\nbatch = false\n", encoding="utf-8")
    result = run(fake_yahoo.url, "--config", str(charts_only), "valuation", "--format", "json")
    blank = {r["provider"]: r for r in json.loads(result.stdout)}
    assert blank["coreweave"]["market_cap"] is None
    assert blank["coreweave"]["backlog_to_market_cap"] is None
    assert blank["cipher-mining"]["market_cap_per_mw"] is None
    assert blank["coreweave"]["debt_to_backlog"] == crwv["debt_to_backlog"]
    csv = run(fake_yahoo.url, "valuation", "--format", "csv")
    assert csv.stdout.splitlines()[0] == ",".join(VALUATION_FIELDS)
    offline = run(free_port_refusing(), "valuation", "--offline", "--format", "json")
    assert offline.returncode == 0 and len(json.loads(offline.stdout)) == len(rows)


def test_benchmark_setting() -> None:
    assert load_settings(environ={}).analytics.benchmark == "SPY"
    assert load_settings(environ={"NEOTUI_BENCHMARK": "QQQ"}).analytics.benchmark == "QQQ"
    with pytest.raises(SettingsError, match=r"analytics\.benchmark: not a ticker symbol"):
        load_settings(environ={"NEOTUI_BENCHMARK": "S P Y"})


def test_impact_offline_with_an_empty_cache_says_so_exit_3() -> None:
    result, rows, _ = impact(free_port_refusing(), "--offline")
    assert result.returncode == 3 and "CRWV: not in the cache" in result.stderr
    assert rows[("coreweave-meta-2025-09", "CRWV")]["note"] == (
        "no SPY (benchmark) prices (not in the cache)")  # fmt: skip


def test_bad_listed_file_is_a_settings_error(user_config_dir) -> None:
    (user_config_dir / "listed.toml").write_text("[[company]]\nname = 'Meta'\n")
    result = run(free_port_refusing(), "impact", "--offline")
    assert result.returncode == 2
    assert "listed.toml: company #1 (Meta): 'ticker' must be a symbol" in result.stderr
