"""`neotui quotes`: one concurrent fetch against the fake server, printed, honest exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fake_yahoo import FakeYahoo, free_port_refusing

WATCHED = ["CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA"]
FIELDS = {"symbol", "price", "change", "change_pct", "prev_close", "currency", "session", "as_of",
          "stale", "error"}  # fmt: skip


def quotes(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEOTUI_YAHOO_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "neotui", "quotes", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_all_fresh_json_exit_0(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.route("NVDA").intraday = "yf_chart_NVDA_range1d_interval1d_2026.json"
    result = quotes(fake_yahoo.url, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["symbol"] for r in rows] == WATCHED
    assert all(set(r) >= FIELDS for r in rows)
    nvda = rows[-1]
    assert nvda["price"] == 225.07 and nvda["prev_close"] == 224.58
    assert nvda["currency"] == "USD" and nvda["stale"] is False and nvda["error"] is None
    assert nvda["as_of"] == "2026-09-25T20:00:00+00:00"
    assert nvda["session"] in ("pre", "regular", "post", "closed")
    assert sorted(fake_yahoo.counts) == sorted(WATCHED)


def test_failures_print_cached_values_as_stale_exit_3(fake_yahoo: FakeYahoo) -> None:
    assert quotes(fake_yahoo.url, "--format", "json").returncode == 0  # fills the cache
    fake_yahoo.set_fault("429", "CRWV")
    fake_yahoo.set_fault("404", "CORZ")
    result = quotes(fake_yahoo.url, "--format", "json")
    assert result.returncode == 3
    rows = {r["symbol"]: r for r in json.loads(result.stdout)}
    assert rows["CRWV"]["stale"] is True and rows["CRWV"]["price"] is not None
    assert rows["CRWV"]["error"] == "rate limited by Yahoo (429)"
    assert rows["CORZ"]["error"] == "No data found, symbol may be delisted"
    assert rows["NBIS"]["stale"] is False


def test_offline_prints_cache_and_says_offline(fake_yahoo: FakeYahoo) -> None:
    quotes(fake_yahoo.url)  # fills the cache
    result = quotes(free_port_refusing(), "--format", "csv")
    assert result.returncode == 3
    lines = result.stdout.splitlines()
    assert lines[0].startswith("symbol,name,price,change,change_pct,prev_close,currency,session")
    assert len(lines) == 9
    assert all("offline: " in line and ",True," in line for line in lines[1:])


def test_table_output(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    result = quotes(fake_yahoo.url)
    assert result.returncode == 0
    assert "CRWV" in result.stdout and "Chg%" in result.stdout


def test_case_24_stale_quotes_say_why_and_how_old_on_stderr(fake_yahoo: FakeYahoo) -> None:
    assert quotes(fake_yahoo.url, "--format", "csv").returncode == 0  # fills the cache
    fake_yahoo.set_fault("429", "CRWV")
    result = quotes(fake_yahoo.url, "--format", "csv")
    assert result.returncode == 3
    lines = [line for line in result.stderr.splitlines() if line.startswith("neotui: CRWV")]
    assert len(lines) == 1
    assert "stale, price" in lines[0] and " old: rate limited by Yahoo (429)" in lines[0]
    assert "NBIS" not in result.stderr  # fresh symbols are not mentioned


def test_case_24_the_bundled_settings_name_only_commands_that_exist() -> None:
    """The bundled neotui.toml pointed at a `neotui keys` command that never existed."""
    import re

    from neotui.cli import COMMAND_MODULES
    from neotui.data.resources import bundled_config_path

    text = bundled_config_path("neotui.toml").read_text(encoding="utf-8")
    named = set(re.findall(r"`neotui ([a-z][a-z-]*)", text))  # commands, not `neotui --help`
    assert named <= set(COMMAND_MODULES), named - set(COMMAND_MODULES)
