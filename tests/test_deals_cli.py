"""`neotui deals / capacity / financials / validate` for people and for scripts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from neotui.cli import cli
from neotui.cli.report import CAPACITY_FIELDS, DEAL_FIELDS, FINANCIAL_FIELDS
from tests.helpers import PROVIDER, SMALL_BOOK, deal_toml, write

SMALL = ["--no-bundled-deals", "--deals", str(SMALL_BOOK)]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_deals_json_has_every_field_iso_dates_and_plain_usd() -> None:
    result = invoke(*SMALL, "deals", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows][:2] == ["beta-meta", "beta-msft"]
    assert all(list(r) == list(DEAL_FIELDS) for r in rows)
    msft = next(r for r in rows if r["id"] == "beta-msft")
    assert msft["date"] == "2025-04-01" and msft["ends"] == "2030-05-31"
    assert msft["value_usd"] == 5e9 and msft["power_mw"] == 300.0
    assert msft["provider_name"] == "Beta Compute"


def test_deals_provider_filter_and_csv() -> None:
    result = invoke(*SMALL, "deals", "--provider", "alpha", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["id"] for r in rows] == ["alpha-chips-equity", "alpha-msft-1-again", "alpha-msft-1"]
    assert rows[0]["value_usd"] == "2000000000.0"
    assert list(rows[0]) == list(DEAL_FIELDS)


def test_unknown_provider_is_a_usage_error() -> None:
    result = invoke(*SMALL, "deals", "--provider", "zeta")
    assert result.exit_code == 2
    assert "unknown provider 'zeta'" in result.output


def test_deals_table_shows_markup_literally(tmp_path: Path) -> None:
    f = write(tmp_path / "d.toml", PROVIDER + deal_toml(counterparty='"[bold red]Evil[/] Corp"'))
    result = invoke("--no-bundled-deals", "--deals", str(f), "deals")
    assert result.exit_code == 0
    assert "[bold red]Evil[/] Corp" in result.output
    assert "$14.2B" in result.output


def test_capacity_and_financials() -> None:
    cap = json.loads(invoke(*SMALL, "capacity", "--format", "json").output)
    assert all(list(r) == list(CAPACITY_FIELDS) for r in cap)
    target = next(r for r in cap if r["id"] == "alpha-target-2027")
    assert target["value_mw"] == 1500.0 and target["year"] == 2027
    fin = json.loads(invoke(*SMALL, "financials", "--provider", "alpha", "--format", "json").output)
    assert all(list(r) == list(FINANCIAL_FIELDS) for r in fin)
    assert {r["id"] for r in fin} == {
        "alpha-debt-old",
        "alpha-debt-new",
        "alpha-backlog",
        "alpha-msft-share",
    }


def test_validate_good_file_summary() -> None:
    result = invoke("--no-bundled-deals", "validate", str(SMALL_BOOK))
    assert result.exit_code == 0
    assert result.output.startswith("ok: 3 provider, 6 deal, 4 capacity, 5 financial")


def test_validate_bad_file_lists_every_problem(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.toml",
        PROVIDER + deal_toml(value_usd="-1") + deal_toml(id='"d2"', provider='"ghost"'),
    )
    result = invoke("--no-bundled-deals", "validate", str(bad))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert any(
        f"{bad}:" in line and "deal #1 'd1' value_usd: must not be negative" in line
        for line in lines
    )
    assert any("deal #2 'd2' provider: unknown provider id 'ghost'" in line for line in lines)
    assert lines[-1] == "2 problems found."


def test_deals_with_a_bad_user_file_prints_valid_layers_and_exits_1(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", "[[deal]\n")
    result = invoke("--deals", str(bad), "deals", "--format", "json")
    assert result.exit_code == 1
    assert "TOML syntax error" in result.output
