"""`neotui facts` end to end against the fake SEC: the stable fields, --concept, the exit codes
(3 with the reason on stderr when stale or missing), the cache printed when the SEC is gone."""

from __future__ import annotations

import csv
import io
import json

from tests.fake_sec import FakeSec
from tests.fake_yahoo import free_port_refusing
from tests.test_feeds_cli import run, sec_env

FACT_FIELDS = ["provider", "symbol", "concept", "label", "value", "unit", "period_start",
               "period_end", "fiscal_period", "form", "filed", "accession", "url",
               "derived"]  # fmt: skip


def test_facts_json_fields_one_provider(fake_sec: FakeSec) -> None:
    result = run("facts", "--provider", "nvidia", "--format", "json", env=sec_env(fake_sec.url))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all(list(r) == FACT_FIELDS for r in rows)
    by = {r["concept"]: r for r in rows}
    assert set(by) == {"backlog", "debt", "revenue", "revenue_ttm", "capex", "capex_ttm", "cash",
                       "shares"}  # fmt: skip
    ttm = by["revenue_ttm"]
    assert (ttm["value"], ttm["period_end"], ttm["fiscal_period"], ttm["derived"]) == (
        253491000000.0,
        "2026-04-26",
        "ttm",
        True,
    )
    assert ttm["provider"] == "nvidia" and ttm["accession"] == "0001045810-26-000052"
    assert "10-for-1 split" in result.stderr


def test_facts_concept_csv_and_missing_companies_exit_3(fake_sec: FakeSec) -> None:
    result = run("facts", "--concept", "debt", "--format", "csv", env=sec_env(fake_sec.url))
    assert result.returncode == 3  # the watched neoclouds have no recorded facts: 404
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["symbol"], r["concept"], r["value"]) for r in rows] == [
        ("NVDA", "debt", "8470000000.0")
    ]
    assert "CRWV: no facts: SEC has no company facts for CIK 1769628" in result.stderr


def test_facts_cached_when_the_sec_is_gone_and_bad_concept(fake_sec: FakeSec) -> None:
    first = run("facts", "--provider", "nvidia", "--format", "json", env=sec_env(fake_sec.url))
    assert first.returncode == 0
    again = run("facts", "--provider", "nvidia", "--format", "json", env=sec_env(fake_sec.url))
    assert again.returncode == 0 and again.stdout == first.stdout
    assert fake_sec.counts["/api/xbrl/companyfacts/CIK0001045810.json"] == 1  # not due yet
    gone = run("facts", "--provider", "nvidia", "--format", "json",
               env=sec_env(free_port_refusing()))  # fmt: skip
    assert gone.returncode == 3
    assert json.loads(gone.stdout) == json.loads(first.stdout)
    assert "NVDA: stale, facts" in gone.stderr and "new filings not checked" in gone.stderr
    bad = run("facts", "--concept", "ebitda", env=sec_env(fake_sec.url))
    assert bad.returncode == 2 and "unknown concept" in bad.stderr


def test_facts_without_contact_sends_nothing(fake_sec: FakeSec) -> None:
    result = run("facts", "--format", "json", env=sec_env(fake_sec.url, contact=""))
    assert result.returncode == 3 and json.loads(result.stdout) == []
    assert "filings.contact" in result.stderr and fake_sec.requests == []
