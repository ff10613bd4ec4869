"""`neotui doctor` against the fake Yahoo server: every check's verdict, JSON shape and exit
status, a closed crumb path, no network, a broken deals file, and the time budget."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from neotui.cli.checks import CHECK_FIELDS, STATUSES, Check, _redact, run_doctor, summary
from neotui.settings import load_settings
from tests.fake_yahoo import FakeYahoo, free_port_refusing

ORDER = ["settings", "cache", "proxy", "dns", "tcp", "tls", "chart", "crumb", "batch quote",
         "quoteSummary", "options", "yfinance", "stream", "deals"]  # fmt: skip


def settings_for(url: str, **market: object):
    return load_settings(
        environ={"NEOTUI_YAHOO_URL": url},
        overrides={"market": {"connect_timeout": 0.5, "read_timeout": 1.0, **market}},
    )


def by_check(results: list[Check]) -> dict[str, Check]:
    return {r.check: r for r in results}


def test_all_good_against_the_fake_server(fake_yahoo: FakeYahoo) -> None:
    results = run_doctor(settings_for(fake_yahoo.url))
    assert [r.check for r in results] == ORDER
    checks = by_check(results)
    assert all(r.status in STATUSES for r in results)
    assert {r.status for r in results} <= {"ok", "skipped"}, results
    assert checks["tls"].status == "skipped" and "curl_cffi" in checks["tls"].detail
    assert checks["chart"].detail.startswith("CRWV ")
    assert "crumb of 11 characters" in checks["crumb"].detail
    assert "market cap $" in checks["batch quote"].detail
    assert checks["yfinance"].status == "skipped" and "not Yahoo's" in checks["yfinance"].detail
    assert re.search(r"\d+ deal", checks["deals"].detail)
    # The stream is Yahoo's while the quotes come from the fake: not tried (tests/test_stream_app.py
    # checks it against the fake streamer).
    assert checks["stream"].status == "skipped" and "stream_url" in checks["stream"].detail
    assert summary(results).startswith("11 ok, 3 skipped")


def test_cli_json_and_exit_status(fake_yahoo: FakeYahoo) -> None:
    env = {**os.environ, "NEOTUI_YAHOO_URL": fake_yahoo.url}
    done = subprocess.run([sys.executable, "-m", "neotui", "doctor", "--format", "json"],
                          env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [tuple(r) for r in rows] == [CHECK_FIELDS] * len(ORDER)
    fake_yahoo.set_fault("500")
    done = subprocess.run([sys.executable, "-m", "neotui", "doctor"], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1
    assert "Yahoo server error (500)" in done.stdout and "fail" in done.stdout


def test_consent_is_a_warning_not_a_failure(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_auth_fault("consent")
    checks = by_check(run_doctor(settings_for(fake_yahoo.url)))
    assert checks["crumb"].status == "warn"
    assert "EU cookie consent" in checks["crumb"].detail
    assert "chart endpoint" in checks["crumb"].hint
    assert checks["batch quote"].status == "skipped"
    assert checks["chart"].status == "ok"


def test_feature_denied_is_a_warning(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_auth_fault("denied")
    checks = by_check(run_doctor(settings_for(fake_yahoo.url)))
    assert checks["batch quote"].status == "warn"
    assert "User is unable to access this feature" in checks["batch quote"].detail


def test_nothing_listening_fails_at_tcp() -> None:
    checks = by_check(run_doctor(settings_for(free_port_refusing())))
    assert checks["dns"].status == "ok"
    assert checks["tcp"].status == "fail" and "cannot connect" in checks["tcp"].detail
    assert checks["chart"].status == "fail"
    assert "network" in checks["chart"].hint


def test_broken_deals_file_fails_its_check(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    bad = tmp_path / "deals.toml"
    bad.write_text("[[deal]]\nid = 'x'\nannounced = 2025-13-01\n", encoding="utf-8")
    settings = load_settings(environ={"NEOTUI_YAHOO_URL": fake_yahoo.url, "NEOTUI_DEALS": str(bad)})
    checks = by_check(run_doctor(settings))
    assert checks["deals"].status == "fail"
    assert "deals.toml" in checks["deals"].detail and "neotui validate" in checks["deals"].hint


def test_a_hanging_server_cannot_stretch_the_budget(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_fault("hang")
    settings = settings_for(fake_yahoo.url, read_timeout=30.0, connect_timeout=30.0)
    started = time.monotonic()
    results = run_doctor(settings, budget=2.0)
    assert time.monotonic() - started < 5
    checks = by_check(results)
    assert checks["chart"].status == "fail" and "budget" in checks["chart"].detail
    assert checks["deals"].status == "skipped" and "budget" in checks["deals"].detail


def test_proxy_password_is_not_printed() -> None:
    assert _redact("http://me:secret@proxy:3128") == "http://me:***@proxy:3128"
    assert _redact("http://proxy:3128") == "http://proxy:3128"
