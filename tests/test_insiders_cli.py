"""`neotui insiders` end to end against the fake SEC (NVIDIA's recorded submissions, the recorded
Form 4 as the stand-in document): the stable fields, --since, the cache, the exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.fake_sec import NVDA, FakeSec, recorded
from tests.test_feeds_cli import run, sec_env

FIELDS = ["symbol", "filed", "accession", "owner", "role", "date", "code", "shares", "price",
          "value", "owned_after", "direct", "plan_10b5_1", "amends"]  # fmt: skip


def env_for(fake: FakeSec, contact: str = "Test Runner test@example.com") -> dict[str, str]:
    fake.bodies[1045810] = recorded(NVDA)[2]
    return {**sec_env(fake.url, contact), "NEOTUI_SEC_ARCHIVES_URL": fake.url}


def archive_requests(fake: FakeSec) -> list[str]:
    return [p for _, p, _ in fake.requests if p.startswith("/Archives/")]


def test_insiders_json_fields_since_and_cache(fake_sec: FakeSec) -> None:
    env = env_for(fake_sec)
    args = ("insiders", "--provider", "nvidia", "--since", "2026-01-01", "--format", "json")
    result = run(*args, env=env)
    rows = json.loads(result.stdout)
    assert rows and all(list(r) == FIELDS for r in rows)
    assert {r["symbol"] for r in rows} == {"NVDA"} and {r["code"] for r in rows} == {"S"}
    first = rows[0]
    assert (first["owner"], first["role"], first["shares"], first["price"]) == (
        "STEVENS MARK A", "Director", 100000.0, 172.6068)  # fmt: skip
    assert first["direct"] is False and first["plan_10b5_1"] is False and first["amends"] is None
    assert all(r["filed"] >= "2026-01-01" for r in rows)
    # the Form 3 of 2026-01-26 (wk-form3_…) is not recorded: a 404, said, and exit 3
    assert result.returncode == 3 and "no such document (404" in result.stderr
    read = len(archive_requests(fake_sec))
    assert read == len({r["accession"] for r in rows}) + 1
    again = run(*args, env=env)
    assert json.loads(again.stdout) == rows
    assert len(archive_requests(fake_sec)) == read  # every document read once, then cached


def test_insiders_csv_leaves_unknowns_empty(fake_sec: FakeSec) -> None:
    result = run("insiders", "--provider", "nvidia", "--since", "2026-03-01", "--format", "csv",
                 env=env_for(fake_sec))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and list(rows[0]) == FIELDS
    assert {r["amends"] for r in rows} == {""}  # no amendment: empty, not "0"


def test_insiders_without_contact_sends_nothing_and_bad_since(
    fake_sec: FakeSec, tmp_path: Path
) -> None:
    off = run("insiders", "--format", "json", env=env_for(fake_sec, contact=""))
    assert off.returncode == 3 and json.loads(off.stdout) == []
    assert "filings.contact" in off.stderr and fake_sec.requests == []
    bad = run("insiders", "--since", "March", env=env_for(fake_sec))
    assert bad.returncode == 2 and "not a date" in bad.stderr
