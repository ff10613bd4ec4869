"""`neotui valuation` and `neotui financials` with the SEC's figures, as a user runs them
against the fake Yahoo and the fake SEC: the newest SEC figure with its form and period end
(the appended columns), EV and EV per MW with their dates, the press figures beside the SEC's."""

from __future__ import annotations

import json

import pytest

from neotui.cli.market_report import VALUATION_FIELDS
from neotui.cli.report import FINANCIAL_FIELDS
from tests.fake_sec import FACTS, SEC_FIXTURES, FakeSec
from tests.fake_yahoo import FakeYahoo, free_port_refusing
from tests.test_feeds_cli import sec_env
from tests.test_market_cli import run

#: The columns `valuation` had before issue 18, in their order (a stable interface).
OLD_VALUATION = ("provider", "symbol", "market_cap", "contracted_mw", "market_cap_per_mw",
                 "backlog", "backlog_as_of", "backlog_to_market_cap", "debt", "debt_as_of",
                 "debt_to_backlog", "revenue", "revenue_as_of")  # fmt: skip


def test_valuation_takes_the_newest_sec_figure_with_form_and_dates(
    fake_yahoo: FakeYahoo, fake_sec: FakeSec
) -> None:
    env = sec_env(fake_sec.url)
    result = run(fake_yahoo.url, "valuation", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    rows = {r["provider"]: r for r in json.loads(result.stdout)}
    assert VALUATION_FIELDS[: len(OLD_VALUATION)] == OLD_VALUATION
    assert all(tuple(r) == VALUATION_FIELDS for r in rows.values())
    nvda = rows["nvidia"]  # NVIDIA's recorded facts: its 10-Q for the quarter to 2026-04-26
    assert (nvda["backlog"], nvda["backlog_as_of"], nvda["backlog_form"]) == (
        2.6e9, "2026-04-26", "10-Q")  # fmt: skip
    assert (nvda["debt"], nvda["debt_form"]) == (8.47e9, "10-Q")
    assert nvda["revenue_period"].startswith("TTM to ") and nvda["revenue_form"] == "10-Q"
    assert nvda["cash"] is not None and nvda["cash_form"] == "10-Q"
    assert nvda["enterprise_value"] == pytest.approx(
        nvda["market_cap"] + nvda["debt"] + (nvda["finance_leases"] or 0) - nvda["cash"]
    )
    assert nvda["enterprise_value_as_of"] == sorted(
        {nvda["debt_as_of"], nvda["cash_as_of"]} | ({nvda["finance_leases_as_of"]} - {None}),
        reverse=True)  # fmt: skip
    assert nvda["market_cap_as_of"] is not None
    # the SEC holds no facts for CoreWeave here (404): its press figures, no form, no EV
    crwv = rows["coreweave"]
    assert (crwv["backlog"], crwv["backlog_form"]) == (15.1e9, None)
    assert crwv["cash"] is None and crwv["enterprise_value"] is None
    assert crwv["enterprise_value_as_of"] == [] and crwv["ev_per_mw"] is None
    table = run(fake_yahoo.url, "valuation", env=env)
    assert "$2.6B (10-Q" in table.stdout and "EV/MW" in table.stdout
    # offline: the facts come from the cache the first run filled, nothing is asked
    asked = len(fake_sec.requests)
    offline = run(free_port_refusing(), "valuation", "--offline", "--format", "json",
                  env=sec_env(free_port_refusing()))  # fmt: skip
    assert offline.returncode == 0
    again = {r["provider"]: r for r in json.loads(offline.stdout)}
    assert again["nvidia"]["backlog_form"] == "10-Q" and len(fake_sec.requests) == asked


def test_valuation_without_sec_contact_is_press_only_and_says_so(fake_yahoo: FakeYahoo) -> None:
    result = run(fake_yahoo.url, "valuation", "--format", "json",
                 env={"NEOTUI_SEC_CONTACT": ""})  # fmt: skip
    assert result.returncode == 0
    rows = {r["provider"]: r for r in json.loads(result.stdout)}
    assert rows["nvidia"]["backlog_form"] is None and rows["nvidia"]["cash"] is None
    assert "SEC facts off" in result.stderr


def test_financials_lists_the_sec_figures_beside_the_press_ones(
    fake_yahoo: FakeYahoo, fake_sec: FakeSec
) -> None:
    before = run(fake_yahoo.url, "financials", "--provider", "coreweave", "--format", "json")
    assert {r["origin"] for r in json.loads(before.stdout)} == {"press"}  # nothing cached
    # CoreWeave's facts were not recorded: it is served NVIDIA's body under its own CIK
    fake_sec.facts_bodies[1769628] = (SEC_FIXTURES / FACTS[1045810]).read_bytes()
    assert run(fake_yahoo.url, "facts", "--provider", "coreweave",
               env=sec_env(fake_sec.url)).returncode == 0  # fmt: skip
    asked = len(fake_sec.requests)
    result = run(fake_yahoo.url, "financials", "--provider", "coreweave", "--format", "json",
                 env=sec_env(free_port_refusing()))  # fmt: skip
    assert result.returncode == 0 and len(fake_sec.requests) == asked  # the cache only
    rows = json.loads(result.stdout)
    assert all(tuple(r) == FINANCIAL_FIELDS for r in rows)
    sec = [r for r in rows if r["origin"] == "sec"]
    assert {r["metric"] for r in sec} >= {"backlog", "debt", "revenue", "cash"}
    backlog = next(r for r in sec if r["metric"] == "backlog")
    assert (backlog["value"], backlog["as_of"], backlog["form"]) == (2.6e9, "2026-04-26", "10-Q")
    assert backlog["source"].startswith("https://www.sec.gov/Archives/edgar/data/")
    ttm = [r for r in sec if r["metric"] == "revenue" and (r["period"] or "").startswith("TTM")]
    assert len(ttm) == 1
    # beside the press figures: by provider, metric and date, press and SEC together
    keys = [(r["provider"], r["metric"], r["as_of"]) for r in rows]
    assert keys == sorted(keys)
    press = [r for r in rows if r["origin"] == "press"]
    assert any(r["metric"] == "backlog" and r["value"] == 15.1e9 for r in press)
    assert all(r["form"] is None for r in press)
    table = run(fake_yahoo.url, "financials", "--provider", "coreweave")
    assert "SEC 10-Q https://www.sec.gov/" in table.stdout
