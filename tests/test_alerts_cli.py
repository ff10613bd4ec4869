"""`neotui alerts` against the fake Yahoo server: every price rule's state, the stored state left
alone unless --commit, unknown (never fired) when offline; exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from neotui.data.alerts.engine import STATE_FILE
from tests.fake_yahoo import FakeYahoo, free_port_refusing

RULES = """
[[alert]]
symbol = "CRWV"
above = 100.0
[[alert]]
symbol = "NBIS"
below = 50
[[alert]]
id = "nvda swings"
symbol = "NVDA"
move_pct = 1.0
[[alert]]
new_deal = true
"""
FIELDS = ["rule", "symbol", "kind", "threshold", "state", "value", "at", "message"]


def alerts(url: str, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEOTUI_YAHOO_URL": url, "NEOTUI_CONFIG": str(config)}
    return subprocess.run(
        [sys.executable, "-m", "neotui", "alerts", *args],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_evaluates_without_storing_unless_commit(
    fake_yahoo: FakeYahoo, tmp_path: Path, isolated_dirs: dict[str, Path]
) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(RULES, encoding="utf-8")
    state_file = isolated_dirs["XDG_DATA_HOME"] / "neotui" / STATE_FILE
    result = alerts(fake_yahoo.url, config, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [list(r) for r in rows] == [FIELDS] * 3  # price rules only
    crwv, nbis, nvda = rows
    assert (crwv["rule"], crwv["state"], crwv["threshold"]) == (
        "CRWV above 100",
        "triggered",
        100.0,
    )
    assert crwv["message"] == f"CRWV at {crwv['value']:,.2f}, above 100.00"
    assert nbis["state"] == "armed" and nbis["message"].endswith("fires below 50.00")
    assert nvda["rule"] == "nvda swings" and nvda["kind"] == "move_pct"
    assert nvda["state"] == "triggered" and abs(nvda["value"]) >= 1.0
    assert not state_file.exists()  # nothing stored without --commit

    assert alerts(fake_yahoo.url, config, "--commit", "--format", "json").returncode == 0
    stored = json.loads(state_file.read_text(encoding="utf-8"))
    assert stored["rules"]["CRWV above 100"]["status"] == "triggered"
    assert [a["rule"] for a in stored["history"]] == ["CRWV above 100", "nvda swings"]
    again = json.loads(alerts(fake_yahoo.url, config, "--format", "json").stdout)
    assert again[0]["state"] == "triggered" and "fired, re-arms under 99.50" in again[0]["message"]
    assert json.loads(state_file.read_text(encoding="utf-8")) == stored  # unchanged


def test_offline_rules_are_unknown_and_exit_0(tmp_path: Path) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(RULES, encoding="utf-8")
    result = alerts(free_port_refusing(), config, "--format", "csv", "--commit")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(FIELDS)
    assert all(",unknown," in line and "not evaluated" in line for line in lines[1:])


def test_table_output_and_no_rules(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(RULES, encoding="utf-8")
    result = alerts(fake_yahoo.url, config)
    assert result.returncode == 0 and "CRWV above 100" in result.stdout and "(now)" in result.stdout
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    none = alerts(fake_yahoo.url, empty, "--format", "json")
    assert none.returncode == 0 and json.loads(none.stdout) == []
    assert "no price alert rules" in none.stderr
