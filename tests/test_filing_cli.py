"""``neotui filing ACCESSION`` against the fake SEC: the items and findings of the hand-written
deal 8-K and the recorded NVIDIA 8-K, exit statuses, the contact rule and the deadline."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from tests.fake_sec import FakeSec

CONTACT = "Jane Doe jane@example.com"
DEAL = "0001769628-26-000099"
NVDA = "0001045810-26-000024"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "neotui", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def sec_env(url: str, contact: str = CONTACT) -> dict[str, str]:
    return {
        "NEOTUI_SEC_DATA_URL": url,
        "NEOTUI_SEC_TICKERS_URL": f"{url}/files/company_tickers.json",
        "NEOTUI_SEC_ARCHIVES_URL": url,
        "NEOTUI_SEC_CONTACT": contact,
    }


def test_deal_8k_json_items_and_findings(fake_sec: FakeSec) -> None:
    env = sec_env(fake_sec.url)
    # CIK -> CRWV from the cached ticker table (nvidia's check caches the table, not CRWV's)
    assert run("filings", "--provider", "nvidia", env=env).returncode == 0
    result = run("filing", DEAL, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["cik"], data["symbol"], data["reason"]) == (1769628, "CRWV", None)
    assert [i["code"] for i in data["items"]] == ["1.01", "2.03", "9.01"]
    rows = data["findings"]
    assert all(list(r) == ["kind", "value", "unit", "text", "document", "item"] for r in rows)
    got = {(r["kind"], r["value"], r["unit"]) for r in rows}
    assert {("amount", "11900000000", "USD"), ("counterparty", "OpenAI", ""),
            ("term", "2031-12", "until"), ("term", "5", "years"), ("power", "200", "MW"),
            ("gpus", "100000", "GB300")} <= got  # fmt: skip
    assert ("counterparty", "CoreWeave", "") not in got  # the filer is not its own counterparty
    power = next(r for r in rows if r["kind"] == "power")
    assert power["text"].startswith("The Agreement has an initial five-year term and covers")
    assert power["document"] == "crwv-20260115.htm"


def test_nvidia_8k_table_says_no_deal_language(fake_sec: FakeSec) -> None:
    result = run("filing", NVDA, env=sec_env(fake_sec.url))
    assert result.returncode == 0, result.stderr
    assert "5.02" in result.stdout and "No deal language found" in result.stdout


def test_unreadable_filing_exits_3_with_the_reason(fake_sec: FakeSec) -> None:
    fake_sec.document_faults["*"] = "503"
    result = run("filing", NVDA, "--format", "json", env=sec_env(fake_sec.url))
    assert result.returncode == 3
    assert "not read: SEC is throttling requests (503)" in result.stderr
    assert json.loads(result.stdout)["findings"] == []


def test_no_contact_sends_nothing_and_bad_accession_is_usage(fake_sec: FakeSec) -> None:
    result = run("filing", NVDA, env=sec_env(fake_sec.url, contact=""))
    assert result.returncode == 3 and "filings.contact" in result.stderr
    assert run("filing", "nvda-8k", env=sec_env(fake_sec.url)).returncode == 2
    assert fake_sec.requests == []


async def test_command_deadline_gives_a_reason_not_a_hang(fake_sec: FakeSec) -> None:
    from neotui.cli.eightk import _read
    from neotui.data.sec.submissions import Filing
    from neotui.settings import load_settings

    fake_sec.document_faults["*"] = "hang"
    settings = load_settings(environ=sec_env(fake_sec.url))
    filing = Filing(1045810, "NVDA", "8-K", __import__("datetime").date(2026, 3, 6), NVDA)
    try:
        reading = await asyncio.wait_for(_read(settings, filing, [], [], 0.5), 10)
    finally:
        fake_sec.heal()
    assert "within 0.5 s" in reading.reason and reading.findings == ()
