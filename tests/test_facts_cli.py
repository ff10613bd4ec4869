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


def test_facts_concept_csv_and_companies_without_facts_are_notes(fake_sec: FakeSec) -> None:
    result = run("facts", "--concept", "debt", "--format", "csv", env=sec_env(fake_sec.url))
    # the watched neoclouds have no recorded facts: the fake answers S3's 404, which the SEC
    # sends for a company it holds no XBRL facts for: a note each, not a failed run
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["symbol"], r["concept"], r["value"]) for r in rows] == [
        ("NVDA", "debt", "8470000000.0")
    ]
    assert "CRWV: the SEC holds no XBRL company facts for CIK 1769628 (404)" in result.stderr
    assert "(stale)" not in result.stdout
    # the answer is kept like facts: asked again with a new periodic report or in a week
    again = run("facts", "--concept", "debt", "--format", "csv", env=sec_env(fake_sec.url))
    assert again.returncode == 0 and again.stdout == result.stdout
    assert fake_sec.counts["/api/xbrl/companyfacts/CIK0001769628.json"] == 1
    assert "CRWV: the SEC holds no XBRL company facts" in again.stderr
    # when no company answered with facts, there is nothing to print: exit 3
    alone = run("facts", "--provider", "coreweave", "--format", "json",
                env=sec_env(fake_sec.url))  # fmt: skip
    assert alone.returncode == 3 and json.loads(alone.stdout) == []
    assert "no XBRL company facts" in alone.stderr


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
