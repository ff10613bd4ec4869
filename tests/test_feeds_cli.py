"""`neotui filings` and `neotui news`: one fetch against the fake SEC and fake Yahoo, the stable
fields, the contact rule, and the cache printed as stale when offline."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from tests.fake_sec import FakeSec
from tests.fake_yahoo import FakeYahoo, free_port_refusing

FILING_FIELDS = ["provider", "symbol", "cik", "form", "filed", "accepted", "accession", "items",
                 "item_names", "url", "description"]  # fmt: skip
NEWS_FIELDS = ["symbol", "published", "title", "publisher", "url", "related", "candidate"]
CONTACT = "Jane Doe jane@example.com"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "neotui", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def sec_env(url: str, contact: str = CONTACT) -> dict[str, str]:
    return {
        "NEOTUI_SEC_DATA_URL": url,
        "NEOTUI_SEC_TICKERS_URL": f"{url}/files/company_tickers.json",
        "NEOTUI_SEC_CONTACT": contact,
    }


def test_filings_json_fields_and_forms(fake_sec: FakeSec) -> None:
    result = run("filings", "--format", "json", env=sec_env(fake_sec.url))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(list(r) == FILING_FIELDS for r in rows)
    assert {r["symbol"] for r in rows} == {"CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD",
                                           "CORZ", "NVDA"}  # fmt: skip
    assert all(r["form"] not in ("3", "4", "5") for r in rows)
    assert [(r["filed"], r["accepted"]) for r in rows] == sorted(
        ((r["filed"], r["accepted"]) for r in rows), reverse=True
    )
    deal = next(r for r in rows if r["symbol"] == "CRWV" and r["items"] == "1.01,9.01")
    assert deal["provider"] == "coreweave" and deal["cik"] == 1769628
    assert deal["item_names"][0] == "Entry into a Material Definitive Agreement"
    assert deal["accepted"].endswith(("-05:00", "-04:00"))
    assert deal["url"].startswith("https://www.sec.gov/Archives/edgar/data/1769628/")
    assert all(CONTACT in ua for ua in fake_sec.user_agents)


def test_filings_provider_since_forms_csv(fake_sec: FakeSec) -> None:
    args = ("filings", "--provider", "coreweave", "--since", "2025-09-01", "--forms", "8-K",
            "--format", "csv")  # fmt: skip
    result = run(*args, env=sec_env(fake_sec.url))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and list(rows[0]) == FILING_FIELDS
    assert all(r["symbol"] == "CRWV" and r["form"].startswith("8-K") for r in rows)
    assert all(r["filed"] >= "2025-09-01" for r in rows)
    all_forms = run("filings", "--provider", "coreweave", "--forms", "all", "--format", "json",
                    env=sec_env(fake_sec.url))  # fmt: skip
    assert any(r["form"] == "4" for r in json.loads(all_forms.stdout))


def test_no_contact_no_request_and_one_line_hint(fake_sec: FakeSec) -> None:
    result = run("filings", "--format", "json", env=sec_env(fake_sec.url, contact=""))
    assert result.returncode == 3
    assert json.loads(result.stdout) == []
    assert "NEOTUI_SEC_CONTACT" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert fake_sec.requests == []


def test_offline_prints_cached_filings_marked_stale(fake_sec: FakeSec) -> None:
    first = run("filings", "--provider", "nvidia", "--format", "json", env=sec_env(fake_sec.url))
    assert first.returncode == 0
    result = run("filings", "--provider", "nvidia", "--format", "json",
                 env=sec_env(free_port_refusing()))  # fmt: skip
    assert result.returncode == 3
    assert json.loads(result.stdout) == json.loads(first.stdout)
    assert "NVDA: stale, filings" in result.stderr and "connection refused" in result.stderr


def test_news_fields_dedup_candidates_and_offline() -> None:
    fake = FakeYahoo().start()
    fake.news.update({"NVDA": "y2_search_GOOG_news_2025-02-25.json",
                      "CRWV": "y2_search_GOOG_news_2025-02-25.json",
                      "NBIS": "y2_search_AAPL_news_2025-02-25.json"})  # fmt: skip
    try:
        result = run("news", "--format", "json", env={"NEOTUI_YAHOO_URL": fake.url})
    finally:
        fake.stop()
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 8 and all(list(r) == NEWS_FIELDS for r in rows)
    assert [r["published"] for r in rows] == sorted((r["published"] for r in rows), reverse=True)
    assert rows[0]["published"].endswith("+00:00")
    marked = {r["title"]: r["candidate"] for r in rows if r["candidate"]}
    accused = next(t for t in marked if "Meta Accused" in t)
    assert marked[accused] == "names Google"  # a counterparty of the bundled book
    assert any("$500B" in c for c in marked.values())
    offline = run("news", "--format", "json", env={"NEOTUI_YAHOO_URL": free_port_refusing()})
    assert offline.returncode == 3
    assert json.loads(offline.stdout) == rows
    # The reason is the Yahoo client's ("cannot connect" / "connection refused"), per symbol.
    assert "headlines" in offline.stderr and "(+7 more)" in offline.stderr


def test_news_off_sends_nothing_and_says_so(tmp_path) -> None:
    fake = FakeYahoo().start()
    config = tmp_path / "neotui.toml"
    config.write_text("[news]\nenabled = false\n")
    try:
        result = run("--config", str(config), "news", "--format", "json",
                     env={"NEOTUI_YAHOO_URL": fake.url})  # fmt: skip
    finally:
        fake.stop()
    assert result.returncode == 3
    assert json.loads(result.stdout) == []
    assert "headlines are off (news.enabled = false)" in result.stderr
    assert not any(s.startswith("search:") for s in fake.counts)
