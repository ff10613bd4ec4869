"""Past earnings days from EDGAR 8-K item 2.02: the recorded NVIDIA (UTC stamps) and Apple (New
York stamps behind the same ``Z``) submissions, and hostile bodies that must give what is known
and never a made-up time."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from neotui.data.sec.earnings_days import (
    EarningsDay,
    earnings_days,
    filer_clock,
    last_earnings,
    parse_stamp,
    timing_of,
)

FIXTURES = Path(__file__).parent / "fixtures" / "edgar"
NVDA = "sec_submissions_CIK0001045810_NVDA_2026-03-05.json"
AAPL = "sec_submissions_CIK0000320193_AAPL_2023-08.json"
AAPL_OLD = "sec_submissions_CIK0000320193-submissions-001_AAPL_overflow_page.json"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_bytes())


def body(*rows: tuple[str, str, str], extra: int = 0) -> dict[str, Any]:
    """A submissions body of (form, acceptanceDateTime, items) rows."""
    columns: dict[str, list[Any]] = {
        "accessionNumber": [], "filingDate": [], "acceptanceDateTime": [], "form": [],
        "items": [], "primaryDocument": [],
    }  # fmt: skip
    for n, (form, stamp, items) in enumerate(rows):
        columns["accessionNumber"].append(f"0000000001-25-{n:06d}")
        columns["filingDate"].append(stamp[:10] if isinstance(stamp, str) else "2025-05-01")
        columns["acceptanceDateTime"].append(stamp)
        columns["form"].append(form)
        columns["items"].append(items)
        columns["primaryDocument"].append(f"doc{n}.htm")
    return {"cik": "0000000001", "filings": {"recent": columns}}


# --- the recorded bodies ------------------------------------------------------------------------


def test_nvidia_stamps_are_utc_and_its_reports_come_after_the_close() -> None:
    days = earnings_days(load(NVDA), "NVDA")
    assert len(days) == 26
    assert {d.clock for d in days} == {"utc"}
    nov = next(d for d in days if d.day == date(2025, 11, 19))
    # 21:20:44Z in November is 16:20:44 EST: after the close, the market reacts on the 20th.
    assert nov.accepted == datetime(2025, 11, 19, 21, 20, 44, tzinfo=UTC)
    assert nov.accepted_local is not None and nov.accepted_local.hour == 16
    assert (nov.timing, nov.reaction_day) == ("amc", date(2025, 11, 20))
    assert nov.accession == "0001045810-25-000228" or nov.accession.startswith("0001045810-25")
    assert nov.url.startswith("https://www.sec.gov/Archives/edgar/data/1045810/")
    aug = next(d for d in days if d.day == date(2025, 8, 27))
    assert aug.accepted_local is not None and aug.accepted_local.strftime("%H:%M") == "16:22"
    # The 2022-08-08 preliminary results came out before the open: same-day reaction.
    pre = next(d for d in days if d.day == date(2022, 8, 8))
    assert (pre.timing, pre.reaction_day) == ("bmo", date(2022, 8, 8))
    # A Friday-after-close or pre-holiday report reacts on the next session, holidays skipped.
    assert all(d.reaction_day is not None and d.reaction_day.weekday() < 5 for d in days)
    assert days == sorted(days, key=lambda d: d.day, reverse=True)


def test_the_newest_nvidia_stamp_read_as_utc_is_mid_session_and_says_so() -> None:
    newest = last_earnings(earnings_days(load(NVDA), "NVDA"))
    assert newest is not None and newest.day == date(2026, 2, 25)
    assert newest.timing == "during" and newest.reaction_day == date(2026, 2, 25)
    assert newest.note is not None and "unusual" in newest.note


def test_apple_stamps_are_new_york_time_behind_the_z() -> None:
    days = earnings_days(load(AAPL), "AAPL")
    assert {d.clock for d in days} == {"new_york"}
    aug = days[0]
    assert aug.day == date(2023, 8, 3)
    # 16:30:21 New York (EDT) is 20:30:21 UTC; read as UTC it would be mid-session.
    assert aug.accepted == datetime(2023, 8, 3, 20, 30, 21, tzinfo=UTC)
    assert (aug.timing, aug.reaction_day) == ("amc", date(2023, 8, 4))
    feb = next(d for d in days if d.day == date(2023, 2, 2))
    assert feb.accepted == datetime(2023, 2, 2, 21, 30, 33, tzinfo=UTC)  # EST: +5 h


def test_apples_older_page_with_date_only_stamps_is_still_new_york() -> None:
    days = earnings_days(load(AAPL_OLD), "AAPL", cik=320193)
    assert days and {d.clock for d in days} == {"new_york"}
    timed = [d for d in days if d.accepted is not None]
    # Macworld 2006 and 2008 keynotes carried results mid-session; every other release is amc.
    assert sum(d.timing == "amc" for d in timed) == len(timed) - 3
    assert all(d.note and "unusual" in d.note for d in timed if d.timing == "during")


def test_timing_edges_and_holidays() -> None:
    ny = "America/New_York"
    from zoneinfo import ZoneInfo

    z = ZoneInfo(ny)
    assert timing_of(datetime(2025, 11, 19, 9, 29, 59, tzinfo=z)) == ("bmo", date(2025, 11, 19))
    assert timing_of(datetime(2025, 11, 19, 9, 30, tzinfo=z)) == ("during", date(2025, 11, 19))
    assert timing_of(datetime(2025, 11, 19, 16, 0, tzinfo=z)) == ("amc", date(2025, 11, 20))
    # Wednesday before Thanksgiving, after the close: Friday.
    assert timing_of(datetime(2025, 11, 26, 16, 5, tzinfo=z)) == ("amc", date(2025, 11, 28))
    # Friday after the close: Monday; Good Friday (EDGAR open, NYSE closed) before the open: Monday.
    assert timing_of(datetime(2025, 5, 2, 16, 5, tzinfo=z)) == ("amc", date(2025, 5, 5))
    assert timing_of(datetime(2025, 4, 18, 8, 0, tzinfo=z)) == ("bmo", date(2025, 4, 21))


# --- hostile and odd inputs ---------------------------------------------------------------------


def test_only_original_results_8ks_count() -> None:
    days = earnings_days(
        body(
            ("8-K", "2025-05-01T20:05:00.000Z", "2.02,9.01"),
            ("8-K/A", "2025-05-02T20:05:00.000Z", "2.02,9.01"),  # amends: not another day
            ("8-K", "2025-05-03T14:00:00.000Z", "7.01,9.01"),  # not results
            ("10-Q", "2025-05-01T20:30:00.000Z", ""),
            ("8-K", "2025-05-06T20:05:00.000Z", ""),  # items missing
            ("6-K", "2025-05-07T20:05:00.000Z", "2.02"),  # a 6-K has no items
            ("8-K", "2003-05-01T20:05:00.000Z", "12,7"),  # the old numbering's results item
        ),
        "X",
    )
    assert [d.day for d in days] == [date(2025, 5, 1), date(2003, 5, 1)]


def test_two_releases_for_one_reaction_day_are_one_day() -> None:
    days = earnings_days(
        body(
            ("8-K", "2025-05-01T20:05:00.000Z", "2.02,9.01"),
            ("8-K", "2025-05-01T20:45:00.000Z", "2.02,7.01,9.01"),
        ),
        "X",
    )
    assert len(days) == 1 and days[0].accession == "0000000001-25-000000"


def test_unknown_clock_says_so_when_the_readings_disagree() -> None:
    # One stamp, possible under both readings: 13:00 New York (during) or 09:00 EDT (bmo).
    days = earnings_days(body(("8-K", "2025-05-01T13:00:00.000Z", "2.02")), "X")
    assert days[0].clock is None
    assert (days[0].timing, days[0].reaction_day, days[0].accepted) == (None, None, None)
    assert days[0].note is not None and "timing unknown" in days[0].note
    # 21:10: after the close either way (17:10 EDT or 21:10 New York): said, with a note.
    days = earnings_days(body(("8-K", "2025-05-01T21:10:00.000Z", "2.02")), "X")
    assert (days[0].timing, days[0].reaction_day) == ("amc", date(2025, 5, 2))
    assert days[0].note is not None and "unknown" in days[0].note


def test_date_only_stamp_gives_the_day_and_no_time() -> None:
    days = earnings_days(body(("8-K", "2025-05-01T00:00:00.000Z", "2.02")), "X")
    assert days[0].day == date(2025, 5, 1)
    assert (days[0].accepted, days[0].timing, days[0].reaction_day) == (None, None, None)


@pytest.mark.parametrize(
    "stamp",
    [None, "", "garbage", "2025-13-01T20:05:00.000Z", "2025-05-01", "20250501200500", 12345,
     "2025-05-01T25:00:00Z", ["2025-05-01T20:05:00Z"], "2025-05-01T20:05:00" + "0" * 100],
)  # fmt: skip
def test_odd_stamps_leave_the_filing_out(stamp: Any) -> None:
    assert earnings_days(body(("8-K", stamp, "2.02")), "X") == []


def test_stamp_shapes() -> None:
    assert parse_stamp("2025-05-01T20:05:07.000Z") == (datetime(2025, 5, 1, 20, 5, 7), False)
    assert parse_stamp("2025-05-01 20:05:07") == (datetime(2025, 5, 1, 20, 5, 7), False)
    aware = parse_stamp("2025-05-01T16:05:07-04:00")
    assert aware is not None and aware[1] and aware[0].astimezone(UTC).hour == 20
    assert parse_stamp("2025-05-01T16:05:07+99:00") is None
    assert parse_stamp("2025-02-30T16:05:07Z") is None


def test_explicit_offset_is_taken_at_its_word() -> None:
    days = earnings_days(body(("8-K", "2025-05-01T16:05:07-04:00", "2.02")), "X")
    assert days[0].accepted == datetime(2025, 5, 1, 20, 5, 7, tzinfo=UTC)
    assert (days[0].timing, days[0].reaction_day) == ("amc", date(2025, 5, 2))


@pytest.mark.parametrize("value", [None, [], "", {}, {"filings": None}, {"filings": {}},
                                   {"cik": "x", "filings": {"recent": {}}}, 3])  # fmt: skip
def test_not_a_submissions_body_gives_nothing(value: Any) -> None:
    assert earnings_days(value, "X") == []


def test_empty_submissions_give_nothing() -> None:
    assert earnings_days(body(), "X") == []
    assert last_earnings([]) is None


def test_filer_clock_votes() -> None:
    assert filer_clock([]) is None
    assert filer_clock([datetime(2025, 5, 1, 1, 0)]) == "utc"  # 01:00 NY: EDGAR is shut
    assert filer_clock([datetime(2025, 5, 1, 7, 0)]) == "new_york"  # 03:00 NY as UTC


@pytest.mark.parametrize("seed", range(30))
def test_fuzz_mangled_nvidia_rows_never_crash_or_invent(seed: int) -> None:
    rng = random.Random(seed)
    recent = copy.deepcopy(load(NVDA))
    columns = recent["filings"]["recent"]
    junk: list[Any] = [None, "", "2.02", "8-K", 7, -1.5, True, [], {}, "2025-99-99T99:99:99Z",
                       "\x00\u202e", "2.02," * 50, "8-K/A", "T" * 500]  # fmt: skip
    for _ in range(200):
        name = rng.choice(["form", "items", "acceptanceDateTime", "accessionNumber",
                           "filingDate", "primaryDocument"])  # fmt: skip
        col = columns[name]
        if col:
            col[rng.randrange(len(col))] = rng.choice(junk)
    if rng.random() < 0.3:
        columns["items"] = columns["items"][: rng.randrange(len(columns["items"]))]
    days = earnings_days(recent, "NVDA")
    for d in days:
        assert isinstance(d, EarningsDay)
        assert (d.accepted is None) == (d.timing is None) == (d.reaction_day is None)
        if d.reaction_day is not None:
            assert d.reaction_day >= d.day and d.reaction_day.weekday() < 5
