"""`neotui earnings` and the new `neotui quotes` columns as a user runs them, against the fake
Yahoo server: stable fields, a confirmed date after the close, an estimated window, no options
after the report, a fund with no short interest (null, never 0), the 12-hour cache across runs
and an honest exit status."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from neotui.cli.earnings import EARNINGS_FIELDS
from neotui.cli.report import QUOTE_FIELDS
from tests.fake_yahoo import FakeYahoo
from tests.test_market_cli import run

SOON = datetime.now(UTC).replace(hour=21, minute=5, second=0, microsecond=0) + timedelta(days=10)


def setup(fake: FakeYahoo) -> None:
    fake.summaries.update({"CRWV": "BFLY", "NBIS": "QQQ"})
    fake.options["CRWV"] = "BFLY"  # recorded in 2025: no expiry after the report
    start = int(SOON.timestamp())
    fake.v7_patch["CRWV"] = {"earningsTimestampStart": start, "earningsTimestampEnd": start,
                             "isEarningsDateEstimate": False}  # fmt: skip
    fake.v7_patch["NBIS"] = {"earningsTimestampStart": start, "isEarningsDateEstimate": True,
                             "earningsTimestampEnd": start + 5 * 86400}  # fmt: skip


def test_earnings_json(fake_yahoo: FakeYahoo) -> None:
    setup(fake_yahoo)
    done = run(fake_yahoo.url, "earnings", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {r["symbol"]: r for r in json.loads(done.stdout)}
    assert all(tuple(r) == EARNINGS_FIELDS for r in rows.values())
    crwv = rows["CRWV"]
    assert crwv["next_date"] == SOON.date().isoformat() and crwv["next_time"] == "amc"
    assert crwv["confirmed"] is True and crwv["window_start"] is None
    assert crwv["implied_move_pct"] is None and crwv["implied_move_expiry"] is None
    # The last report: the calendar's confirmed date that has passed (BFLY's 2025-02-28 08:30
    # New York) is newer than the quote's earningsTimestamp (the template's 2025-01-30).
    assert crwv["last_date"] == "2025-02-28" and crwv["last_time"] == "bmo"
    assert rows["IREN"]["last_date"] == "2025-01-30" and rows["IREN"]["last_time"] == "amc"
    nbis = rows["NBIS"]
    assert nbis["confirmed"] is False and nbis["next_time"] == "unknown"
    assert nbis["window_start"] == SOON.date().isoformat()
    assert nbis["window_end"] == (SOON + timedelta(days=5)).date().isoformat()


def test_earnings_table_says_why_the_implied_move_is_missing(fake_yahoo: FakeYahoo) -> None:
    setup(fake_yahoo)
    done = run(fake_yahoo.url, "earnings")
    assert done.returncode == 0, done.stderr
    assert "no listed expiry after the report" in done.stdout


def test_quotes_gain_the_columns_at_the_end(fake_yahoo: FakeYahoo) -> None:
    setup(fake_yahoo)
    done = run(fake_yahoo.url, "quotes", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert tuple(rows[0]) == QUOTE_FIELDS
    assert QUOTE_FIELDS[-5:] == ("next_earnings", "shares_short", "short_pct_float",
                                 "short_ratio", "short_interest_date")  # fmt: skip
    by = {r["symbol"]: r for r in rows}
    assert by["CRWV"]["next_earnings"] == SOON.date().isoformat()
    assert by["CRWV"]["shares_short"] == "15030855.0" and by["CRWV"]["short_pct_float"] == "0.081"
    assert by["CRWV"]["short_interest_date"] == "2025-01-31"
    assert by["NBIS"]["shares_short"] == "" and by["NBIS"]["short_pct_float"] == ""  # a fund


def test_a_second_run_within_12_hours_asks_nothing_new(fake_yahoo: FakeYahoo) -> None:
    setup(fake_yahoo)
    assert run(fake_yahoo.url, "quotes", "--format", "json").returncode == 0
    asked = fake_yahoo.paths["/v10/finance/quoteSummary"]
    assert asked == 8  # one per watched symbol, both modules in each
    done = run(fake_yahoo.url, "quotes", "--format", "json")
    assert done.returncode == 0
    assert fake_yahoo.paths["/v10/finance/quoteSummary"] == asked
    crwv = next(r for r in json.loads(done.stdout) if r["symbol"] == "CRWV")
    assert crwv["shares_short"] == 15030855.0  # from the cache


def test_positions_never_ask_for_calendars(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    config = tmp_path / "lots.toml"
    config.write_text('[[lot]]\nsymbol = "CRWV"\nquantity = 10\ncost = 100.0\n')
    done = run(fake_yahoo.url, "positions", "--format", "json", env={"NEOTUI_CONFIG": str(config)})
    assert done.returncode == 0, done.stderr
    assert fake_yahoo.paths["/v7/finance/quote"] >= 1
    assert fake_yahoo.paths["/v10/finance/quoteSummary"] == 0


def test_a_failed_calendar_exits_3_with_the_reason(fake_yahoo: FakeYahoo) -> None:
    setup(fake_yahoo)
    original = fake_yahoo.respond

    def failing(path: str, query: dict, cookie: str):
        if path.startswith("/v10/finance/quoteSummary/CRWV"):
            return "500", {}, 0.0
        return original(path, query, cookie)

    fake_yahoo.respond = failing  # type: ignore[method-assign]
    done = run(fake_yahoo.url, "earnings", "--format", "json")
    assert done.returncode == 3
    assert "CRWV: Yahoo server error (500)" in done.stderr
    crwv = next(r for r in json.loads(done.stdout) if r["symbol"] == "CRWV")
    assert crwv["next_date"] == SOON.date().isoformat()  # the batch quote still says it
