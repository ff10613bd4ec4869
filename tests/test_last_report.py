"""The last earnings report: the SEC's 8-K item 2.02 first, Yahoo's otherwise, and the actual
move on the SEC's reaction day (logic tier; no network)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from neotui.data.sec.earnings_days import EarningsDay
from neotui.data.sec.last_report import SEC_BEHIND, LastReport, last_report, report_move

#: 2025-07-23 16:05:10 New York (EDT): after the close; the market reacts on the 24th.
AMC = datetime(2025, 7, 23, 20, 5, 10, tzinfo=UTC)


def day(when: datetime, timing: str | None, reaction: date | None, n: str = "1") -> EarningsDay:
    local = when.astimezone(UTC).date()
    return EarningsDay("CRWV", local, when, timing, reaction, f"0000000000-25-00000{n}",  # type: ignore[arg-type]
                       f"https://sec.example/{n}")  # fmt: skip


def test_the_sec_is_the_first_choice_on_the_same_report() -> None:
    yahoo = datetime(2025, 7, 23, 20, 0, tzinfo=UTC)  # Yahoo's own stamp of the same release
    last = last_report(yahoo, [day(AMC, "amc", date(2025, 7, 24))])
    assert last is not None and last.source == "sec" and last.source_label == "SEC 8-K"
    assert (last.day, last.time, last.reaction) == (date(2025, 7, 23), "amc", date(2025, 7, 24))
    assert last.url == "https://sec.example/1" and last.note is None


def test_the_newest_sec_day_wins_in_any_order() -> None:
    old = day(AMC - timedelta(days=91), "amc", date(2025, 4, 24), "2")
    last = last_report(None, [old, day(AMC, "amc", date(2025, 7, 24))])
    assert last is not None and last.day == date(2025, 7, 23) and last.source == "sec"


def test_yahoo_otherwise() -> None:
    bmo = datetime(2025, 2, 28, 13, 30, tzinfo=UTC)  # 08:30 New York
    last = last_report(bmo, [])
    assert last == LastReport(date(2025, 2, 28), "bmo", "yahoo", bmo)
    assert last_report(None, []) is None


def test_a_much_newer_yahoo_report_beats_a_stale_sec_listing() -> None:
    yahoo = AMC + SEC_BEHIND + timedelta(days=1)
    last = last_report(yahoo, [day(AMC, "amc", date(2025, 7, 24))])
    assert last is not None and last.source == "yahoo"
    assert last.note == "the SEC's newest results 8-K is of 2025-07-23, older than Yahoo's report"
    # within the slack it is the same report: the SEC's
    near = last_report(AMC + SEC_BEHIND - timedelta(hours=1), [day(AMC, "amc", date(2025, 7, 24))])
    assert near is not None and near.source == "sec"


def test_during_the_session_is_said_not_rounded() -> None:
    noon = datetime(2025, 7, 23, 16, 0, tzinfo=UTC)  # 12:00 New York
    last = last_report(None, [day(noon, "during", date(2025, 7, 23))])
    assert last is not None and last.time == "during" and last.reaction == date(2025, 7, 23)


def test_an_sec_day_without_a_time_is_unknown_with_its_reason() -> None:
    undated = EarningsDay("CRWV", date(2000, 4, 20), None, None, None, "a", "u",
                          note="EDGAR recorded the day of this filing, not its time")  # fmt: skip
    last = last_report(None, [undated])
    assert last is not None and last.time == "unknown" and last.reaction is None
    assert last.note == "EDGAR recorded the day of this filing, not its time"
    assert report_move(last, [date(2000, 4, 20)], [10.0]) is None  # no made-up reaction day


DATES = [date(2025, 7, 22), date(2025, 7, 23), date(2025, 7, 24), date(2025, 7, 25)]
CLOSES = [100.0, 100.0, 112.0, 112.0]


def test_the_move_is_on_the_sec_reaction_day() -> None:
    sec = last_report(None, [day(AMC, "amc", date(2025, 7, 24))])
    assert sec is not None
    assert report_move(sec, DATES, CLOSES) == pytest.approx(0.12)  # 100 -> 112 on the 24th
    # the SEC's reaction day is taken as given, whatever the instant alone would say
    odd = LastReport(date(2025, 7, 23), "bmo", "sec", AMC, reaction=date(2025, 7, 25))
    assert report_move(odd, DATES, CLOSES) == 0.0
    # Yahoo's: the first session after its instant (after the close: the 24th)
    yahoo = LastReport(date(2025, 7, 23), "amc", "yahoo", AMC)
    assert report_move(yahoo, DATES, CLOSES) == pytest.approx(0.12)


def test_no_move_without_the_day_or_the_close_before_it() -> None:
    sec = LastReport(date(2025, 7, 23), "amc", "sec", AMC, reaction=date(2025, 7, 28))
    assert report_move(sec, DATES, CLOSES) is None  # not in the closes
    first = LastReport(date(2025, 7, 21), "amc", "sec", AMC, reaction=date(2025, 7, 22))
    assert report_move(first, DATES, CLOSES) is None  # no close before it
    zero = LastReport(date(2025, 7, 23), "amc", "sec", AMC, reaction=date(2025, 7, 24))
    assert report_move(zero, DATES, [100.0, 0.0, 112.0, 112.0]) is None  # never divide by 0
    assert report_move(zero, [], []) is None
