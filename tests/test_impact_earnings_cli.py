"""`neotui impact`'s columns added with the earnings study, as a user runs it against the fake
Yahoo (synthetic daily series) and the fake SEC (NVIDIA's recorded submissions): the NVDA rows
are read against NVIDIA's earnings days; CoreWeave's two deals of one day are one row."""

from __future__ import annotations

from neotui.cli.market_report import IMPACT_FIELDS
from tests.fake_sec import FakeSec
from tests.fake_yahoo import FakeYahoo
from tests.test_feeds_cli import sec_env
from tests.test_market_cli import impact

NEW = ("deals", "earnings_days", "earnings_median_abs_ar", "ar_vs_earnings", "earnings_note")


def test_new_columns_come_last_in_a_stable_order() -> None:
    assert IMPACT_FIELDS[-len(NEW) :] == NEW
    assert IMPACT_FIELDS[:14][-1] == "note"  # the columns before them are unchanged


def test_counterparty_nvda_is_read_against_its_earnings_days(
    fake_yahoo: FakeYahoo, fake_sec: FakeSec
) -> None:
    result, rows, ordered = impact(fake_yahoo.url, env=sec_env(fake_sec.url))
    assert result.returncode in (0, 3), result.stderr
    assert all(tuple(r) == IMPACT_FIELDS for r in ordered)
    nvda = [r for r in ordered if r["symbol"] == "NVDA" and r["abnormal_0"] is not None]
    assert nvda
    for r in nvda:
        # NVIDIA's 26 results 8-Ks, of which the fake's NVDA prices cover two: too few
        assert r["earnings_days"] == 2
        assert r["earnings_median_abs_ar"] is None and r["ar_vs_earnings"] is None
        assert r["earnings_note"] == "too few earnings days to compare (2 with prices, 4 needed)"
    # the fake SEC answers CoreWeave's CIK with Alzamend's recorded body: three results 8-Ks,
    # one of them inside CRWV's synthetic prices
    crwv = rows[("coreweave-meta-2025-09", "CRWV")]
    assert crwv["earnings_days"] == 1 and crwv["ar_vs_earnings"] is None
    assert crwv["earnings_note"] == "too few earnings days to compare (1 with prices, 4 needed)"
    # a listed counterparty whose filings hold no results 8-K says so
    meta = rows[("coreweave-meta-2025-09", "META")]
    assert meta["earnings_days"] is None
    assert meta["earnings_note"] == "no earnings days of META in its SEC filings"
    # the 2025-10-01 Marimo and Monolith acquisitions: one event, one row, both deals listed
    oct1 = [r for r in ordered if r["symbol"] == "CRWV" and r["day0"] == "2025-10-01"]
    assert len(oct1) == 1 and sorted(oct1[0]["deals"]) == [
        "coreweave-marimo-2025-10", "coreweave-monolith-2025-10"]  # fmt: skip


def test_without_filings_the_note_says_how_to_turn_them_on(fake_yahoo: FakeYahoo) -> None:
    result, rows, _ = impact(fake_yahoo.url, env={"NEOTUI_SEC_CONTACT": ""})
    assert result.returncode == 0, result.stderr
    meta = rows[("coreweave-meta-2025-09", "CRWV")]
    assert meta["earnings_days"] is None and meta["deals"] == ["coreweave-meta-2025-09"]
    assert "NEOTUI_SEC_CONTACT" in meta["earnings_note"] or "contact" in meta["earnings_note"]
