"""`neotui earnings`'s last report as a user runs it, against the fake Yahoo and the fake SEC:
the SEC's 8-K item 2.02 where the filings have it (``last_source`` "sec", the actual move on
its reaction day), Yahoo's without a contact; the new column comes last."""

from __future__ import annotations

import json
from datetime import date

from neotui.cli.earnings import EARNINGS_FIELDS
from tests.fake_sec import FakeSec
from tests.fake_yahoo import FakeYahoo
from tests.test_earnings_cli import setup
from tests.test_feeds_cli import sec_env
from tests.test_market_cli import run
from tests.yahoo_bodies import SYNTHETIC_END, synthetic_daily

#: CoreWeave's CIK is served Alzamend's recorded submissions: its newest results 8-K was
#: accepted 2025-07-23 after the close, so the market reacted on the 24th.
REACTION = date(2025, 7, 24)


def plant_a_jump(fake: FakeYahoo) -> None:
    """CRWV's daily closes: the synthetic series with +25 % planted on the SEC reaction day."""
    original = fake.respond

    def respond(path: str, query: dict, cookie: str):
        if path.startswith("/v8/finance/chart/CRWV") and query.get("range", [""])[0] == "1y":
            body = synthetic_daily("CRWV", SYNTHETIC_END, ((REACTION, 0.25),))
            return (200, "application/json;charset=utf-8", body), {}, 0.0
        return original(path, query, cookie)

    fake.respond = respond  # type: ignore[method-assign]


def test_the_column_comes_last() -> None:
    assert EARNINGS_FIELDS[-1] == "last_source" and EARNINGS_FIELDS[-2] == "last_move_pct"


def test_the_sec_dates_the_last_report_and_its_move(
    fake_yahoo: FakeYahoo, fake_sec: FakeSec
) -> None:
    setup(fake_yahoo)
    plant_a_jump(fake_yahoo)
    done = run(fake_yahoo.url, "earnings", "--format", "json", env=sec_env(fake_sec.url))
    assert done.returncode == 0, done.stderr
    rows = {r["symbol"]: r for r in json.loads(done.stdout)}
    assert all(tuple(r) == EARNINGS_FIELDS for r in rows.values())
    crwv = rows["CRWV"]
    # Yahoo alone says 2025-02-28 bmo (the calendar's passed date): the SEC's 8-K is newer
    assert (crwv["last_date"], crwv["last_time"], crwv["last_source"]) == (
        "2025-07-23", "amc", "sec")  # fmt: skip
    # the planted +25 % on the reaction day, plus the series' own noise of that day
    assert 20.0 < crwv["last_move_pct"] < 32.0
    assert all(r["last_source"] == "sec" for r in rows.values())
    table = run(fake_yahoo.url, "earnings", env=sec_env(fake_sec.url))
    assert "SEC 8-K" in table.stdout


def test_without_a_contact_yahoo_dates_it(fake_yahoo: FakeYahoo) -> None:
    setup(fake_yahoo)
    done = run(fake_yahoo.url, "earnings", "--format", "json", env={"NEOTUI_SEC_CONTACT": ""})
    assert done.returncode == 0, done.stderr
    rows = {r["symbol"]: r for r in json.loads(done.stdout)}
    crwv = rows["CRWV"]
    assert (crwv["last_date"], crwv["last_time"], crwv["last_source"]) == (
        "2025-02-28", "bmo", "yahoo")  # fmt: skip
    assert rows["IREN"]["last_source"] == "yahoo"
