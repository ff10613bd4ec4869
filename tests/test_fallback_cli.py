"""Issue 19 in `neotui quotes`: Yahoo refusing the batch and the charts falls back to the fake
Cboe within the same run, ``--source fallback``, the ``source, delayed_minutes`` columns at the
end, and unknown symbols remembered in the cache across runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.fake_cboe import FakeCboe
from tests.fake_yahoo import FakeYahoo

WATCHED = ["CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA"]


def quotes(yahoo: FakeYahoo, cboe: FakeCboe | None, *args: str, **env: str) -> Any:
    environ = {**os.environ, "NEOTUI_YAHOO_URL": yahoo.url, **env}
    if cboe is not None:
        environ["NEOTUI_CBOE_URL"] = cboe.url
    return subprocess.run(
        [sys.executable, "-m", "neotui", "quotes", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_source_and_delayed_minutes_follow_the_older_columns(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    result = quotes(fake_yahoo, fake_cboe, "--format", "csv")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    # Issue 19's two columns after the older ones, then issue 20's earnings and short interest.
    at = header.index("exchange")
    assert header[at : at + 4] == ["exchange", "source", "delayed_minutes", "next_earnings"]
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    assert rows and all(row[at + 1 : at + 3] == ["yahoo", "0"] for row in rows)
    assert fake_cboe.asked() == []  # Yahoo answered: Cboe never asked


def test_refused_batch_and_charts_fall_back_in_the_same_run(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    fake_yahoo.set_auth_fault("denied")  # the batch refused twice
    for symbol in WATCHED:
        fake_yahoo.route(symbol).fault = "429"  # and every chart
    result = quotes(fake_yahoo, fake_cboe, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["symbol"] for r in rows] == WATCHED
    for row in rows:
        assert (row["source"], row["delayed_minutes"], row["stale"]) == ("cboe", 15, False)
        assert row["price"] is not None and row["error"] is None
    assert sorted(fake_cboe.asked()) == sorted(WATCHED)


def test_table_says_delayed_and_where_from(fake_yahoo: FakeYahoo, fake_cboe: FakeCboe) -> None:
    result = quotes(fake_yahoo, fake_cboe, "--source", "fallback")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok, 15 min delayed (cboe)") == len(WATCHED)
    assert fake_yahoo.counts == {}  # never asked for quotes


def test_fake_yahoo_never_sends_a_run_to_the_real_cboe() -> None:
    """Yahoo a test server (or a mirror) and Cboe the real one: no fallback at all (a command in
    a subprocess has no network guard; this is the guard). Naming Cboe's URL too enables it."""
    from neotui.settings import load_settings
    from neotui.sources import fallback_names

    fake = {"NEOTUI_YAHOO_URL": "http://127.0.0.1:9"}
    assert fallback_names(load_settings(environ={})) == ("cboe",)
    assert fallback_names(load_settings(environ=fake)) == ()
    both = {**fake, "NEOTUI_CBOE_URL": "http://127.0.0.1:10"}
    assert fallback_names(load_settings(environ=both)) == ("cboe",)


def test_unknown_symbol_is_remembered_across_runs_for_30_minutes(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.route("ZZZZ").fault = "404"  # left out of the batch; its chart says "No data"
    env = {"NEOTUI_SYMBOLS": "CRWV,ZZZZ"}
    first = quotes(fake_yahoo, None, "--format", "json", **env)
    rows = {r["symbol"]: r for r in json.loads(first.stdout)}
    assert rows["ZZZZ"]["error"] == "No data found, symbol may be delisted"
    assert fake_yahoo.counts["ZZZZ"] == 2  # in the batch, then its chart
    second = quotes(fake_yahoo, None, "--format", "json", **env)
    rows = {r["symbol"]: r for r in json.loads(second.stdout)}
    assert rows["ZZZZ"]["error"] == "No data found, symbol may be delisted"
    assert rows["CRWV"]["error"] is None
    assert fake_yahoo.counts["ZZZZ"] == 2  # not asked again: no second round trip


# --- the doctor's fallback line -----------------------------------------------------------------


def doctor_checks(yahoo: FakeYahoo, cboe: FakeCboe, **env: str) -> dict[str, Any]:
    from neotui.cli.checks import run_doctor
    from neotui.settings import load_settings

    settings = load_settings(
        environ={"NEOTUI_YAHOO_URL": yahoo.url, "NEOTUI_CBOE_URL": cboe.url, **env},
        overrides={"market": {"connect_timeout": 0.5, "read_timeout": 1.0}},
    )
    return {r.check: r for r in run_doctor(settings, budget=15.0)}


def test_doctor_asks_cboe_for_one_delayed_quote(fake_yahoo: FakeYahoo, fake_cboe: FakeCboe) -> None:
    checks = doctor_checks(fake_yahoo, fake_cboe)
    line = checks["fallback cboe"]
    assert line.status == "ok", line
    assert line.detail.startswith("CRWV 95.96 USD, 15 min delayed, last trade 2024-06-26 19:59")
    assert "used if Yahoo refuses every symbol" in line.detail
    names = list(checks)
    assert names.index("batch quote") < names.index("fallback cboe") < names.index("yfinance")


def test_doctor_cboe_failing_is_a_warning_unless_it_is_the_only_source(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    fake_cboe.fault = "429"
    line = doctor_checks(fake_yahoo, fake_cboe)["fallback cboe"]
    assert line.status == "warn" and "rate limited by Cboe (429)" in line.detail
    assert "throttling" in line.hint and "Yahoo gives the prices meanwhile" in line.hint
    line = doctor_checks(fake_yahoo, fake_cboe, NEOTUI_QUOTE_SOURCE="fallback")["fallback cboe"]
    assert line.status == "fail"


def test_doctor_has_no_fallback_line_when_none_is_set(
    fake_yahoo: FakeYahoo, fake_cboe: FakeCboe
) -> None:
    from neotui.cli.checks import run_doctor
    from neotui.settings import load_settings

    settings = load_settings(
        environ={"NEOTUI_YAHOO_URL": fake_yahoo.url, "NEOTUI_CBOE_URL": fake_cboe.url},
        overrides={"market": {"fallback": [], "connect_timeout": 0.5, "read_timeout": 1.0}},
    )
    assert not any(r.check.startswith("fallback") for r in run_doctor(settings, budget=15.0))
    assert fake_cboe.asked() == []
