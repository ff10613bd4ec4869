"""Next earnings, short interest and the implied move: parsing the recorded Yahoo bodies,
choosing between the batch quote and the calendar, the straddle, and the 12-hour schedule."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from neotui.data.market.cache import QuoteCache
from neotui.data.market.earnings import (
    AMC,
    BMO,
    UNKNOWN,
    EarningsDate,
    Summary,
    SummaryError,
    actual_move,
    choose_last,
    choose_next,
    combine,
    from_quote,
    next_label,
    parse_summary,
    reaction_day,
    session_of,
)
from neotui.data.market.earnings_source import EarningsSource, fetch_implied, fetch_summary
from neotui.data.market.http import FailureKind, FetchError
from neotui.data.market.options import (
    Chain,
    OptionsError,
    expiry_after,
    implied_move,
    parse_chain,
)
from neotui.data.market.quote_batch import parse_v7_quotes
from neotui.data.market.yahoo import YahooClient
from tests.fake_yahoo import FakeYahoo, recorded_json

#: The morning the calendars, key statistics and chains were recorded (09:34 GMT, pre-market).
RECORDED = datetime(2025, 2, 24, 9, 35, tzinfo=UTC)


def summary(module: str, symbol: str, now: datetime = RECORDED) -> Summary:
    return parse_summary(recorded_json(f"y2_quoteSummary_{module}_{symbol}_2025-02-24.json"),
                         symbol, now)  # fmt: skip


def v7(symbol: str, fetched: datetime):
    body = recorded_json(f"y2_v7_quote_{symbol}_2025-02.json")
    return parse_v7_quotes(body, fetched)[symbol]


# --- the calendar ------------------------------------------------------------------------------


def test_calendar_window_is_an_estimate_with_unknown_time() -> None:
    cal = summary("calendarEvents", "AAPL").calendar
    assert cal is not None and not cal.confirmed
    assert cal.start == datetime(2025, 4, 30, 10, 59, tzinfo=UTC)
    assert cal.end == datetime(2025, 5, 5, 12, 0, tzinfo=UTC)
    assert cal.time_of_day == UNKNOWN  # a window's 06:59 ET is a placeholder, not "bmo"
    assert next_label(combine("AAPL", None, summary("calendarEvents", "AAPL"), RECORDED)) == (
        "~Apr 30"
    )


def test_calendar_confirmed_date_before_the_open() -> None:
    s = summary("calendarEvents", "BFLY")
    assert s.calendar is not None and s.calendar.confirmed
    assert s.calendar.time_of_day == BMO  # 13:30Z is 08:30 in New York
    e = combine("BFLY", None, s, RECORDED)
    assert e.next_date == date(2025, 2, 28) and next_label(e) == "Feb 28 BMO"


def test_calendar_with_empty_call_dates_and_no_eps_is_still_a_window() -> None:
    s = summary("calendarEvents", "CRON")
    assert s.calendar is not None and not s.calendar.confirmed
    assert next_label(combine("CRON", None, s, RECORDED)) == "~Feb 26"


def test_no_fundamentals_404_body_is_an_error() -> None:
    body = recorded_json("y2_quoteSummary_calendarEvents_BTC-USD_2025-02-24.json")
    with pytest.raises(SummaryError, match="No fundamentals data"):
        parse_summary(body, "BTC-USD", RECORDED)


def test_missing_module_says_so_and_never_invents_a_date() -> None:
    s = summary("defaultKeyStatistics", "BFLY")  # calendarEvents not in this answer
    e = combine("BFLY", None, s, RECORDED)
    assert e.next is None and e.note == "Yahoo sent no earnings calendar"
    assert next_label(e) == ""


def test_past_date_is_never_next() -> None:
    later = RECORDED + timedelta(days=10)  # after BFLY's Feb 28
    e = combine("BFLY", None, summary("calendarEvents", "BFLY"), later)
    assert e.next is None and "in the past" in (e.note or "")
    assert e.last == datetime(2025, 2, 28, 13, 30, tzinfo=UTC)  # a confirmed date that passed


# --- the batch quote -------------------------------------------------------------------------


def test_v7_earnings_timestamp_is_the_last_event_and_the_window_the_next() -> None:
    fetched = datetime(2025, 2, 17, 10, 54, 50, tzinfo=UTC)
    upcoming, last = from_quote(v7("BFLY", fetched))
    assert last == datetime(2025, 1, 8, 13, 30, tzinfo=UTC)
    assert upcoming is not None and not upcoming.confirmed
    assert upcoming.start.date() == date(2025, 2, 26) and upcoming.end.date() == date(2025, 3, 3)


def test_v7_without_earnings_timestamp_has_no_last() -> None:
    upcoming, last = from_quote(v7("CRON", datetime(2025, 2, 17, 11, tzinfo=UTC)))
    assert last is None and upcoming is not None and not upcoming.confirmed


def test_confirmed_calendar_beats_the_older_window_of_the_quote() -> None:
    quote = v7("BFLY", datetime(2025, 2, 17, 10, 54, 50, tzinfo=UTC))
    e = combine("BFLY", from_quote(quote), summary("calendarEvents", "BFLY"), RECORDED)
    assert e.next is not None and e.next.source == "calendar" and e.next.confirmed
    assert e.last_date == date(2025, 1, 8) and e.last_time == BMO


def test_between_two_windows_the_newer_answer_wins() -> None:
    def at(day: int, fetched: int) -> EarningsDate:
        start = datetime(2025, 3, day, 21, tzinfo=UTC)
        return EarningsDate(start, start + timedelta(days=4), False, "x",
                            datetime(2025, 2, fetched, tzinfo=UTC))  # fmt: skip

    assert choose_next([at(1, 10), at(3, 20)], RECORDED) == at(3, 20)
    assert choose_next([None, None], RECORDED) is None


def test_choose_last_takes_the_newest_past_report() -> None:
    old = datetime(2025, 1, 8, 13, 30, tzinfo=UTC)
    passed = EarningsDate(RECORDED - timedelta(days=1), RECORDED - timedelta(days=1), True, "c",
                          RECORDED)  # fmt: skip
    assert choose_last(old, [passed], RECORDED) == passed.start
    assert choose_last(None, [], RECORDED) is None


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2025, 2, 28, 13, 30, tzinfo=UTC), BMO),  # 08:30 ET
        (datetime(2025, 2, 26, 21, 5, tzinfo=UTC), AMC),  # 16:05 ET
        (datetime(2025, 7, 30, 20, 0, tzinfo=UTC), AMC),  # 16:00 EDT
        (datetime(2025, 2, 26, 17, 0, tzinfo=UTC), UNKNOWN),  # noon: during the session
        (datetime(2025, 2, 26, 0, 0, tzinfo=UTC), UNKNOWN),  # a bare date
        (datetime(2025, 2, 26, 5, 0, tzinfo=UTC), UNKNOWN),  # midnight in New York
    ],
)
def test_session_of(utc: datetime, expected: str) -> None:
    assert session_of(utc) == expected


def test_amc_label_and_actual_move_on_the_next_session() -> None:
    report = datetime(2025, 11, 12, 21, 5, tzinfo=UTC)  # Wednesday after the close
    e = combine("X", (EarningsDate(report, report, True, "quote", RECORDED), None), None,
                RECORDED)  # fmt: skip
    assert next_label(e) == "Nov 12 AMC"
    days = (date(2025, 11, 11), date(2025, 11, 12), date(2025, 11, 13), date(2025, 11, 14))
    closes = (10.0, 11.0, 12.1, 12.0)
    assert reaction_day(report, days) == date(2025, 11, 13)
    assert actual_move(report, days, closes) == pytest.approx(0.10)
    before_open = datetime(2025, 11, 12, 12, 0, tzinfo=UTC)
    assert actual_move(before_open, days, closes) == pytest.approx(0.10)  # 11 / 10
    assert actual_move(report, days[:2], closes[:2]) is None  # the reaction day not loaded yet
    assert actual_move(datetime(2025, 11, 10, 12, tzinfo=UTC), days, closes) is None


# --- short interest ----------------------------------------------------------------------------


def test_short_interest_fraction_days_and_date() -> None:
    short = summary("defaultKeyStatistics", "BFLY").short
    assert short is not None and short.known
    assert short.shares_short == 15_030_855 and short.short_pct_float == pytest.approx(0.081)
    assert short.short_ratio == pytest.approx(3.17) and short.report_date == date(2025, 1, 31)


def test_short_interest_without_percent_of_float_keeps_the_rest() -> None:
    short = summary("defaultKeyStatistics", "GOOG").short
    assert short is not None and short.short_pct_float is None
    assert short.shares_short == 43_085_284 and short.report_date == date(2025, 1, 31)


def test_a_fund_has_no_short_interest_and_says_so_never_zero() -> None:
    short = summary("defaultKeyStatistics", "QQQ").short
    assert short is not None and not short.known
    assert short.shares_short is None and short.short_pct_float is None
    assert short.note == "no short interest for a fund"


# --- the straddle ------------------------------------------------------------------------------


def chain(name: str, symbol: str) -> Chain:
    return parse_chain(recorded_json(f"y2_options_{name}.json"), symbol)


def test_bfly_straddle_before_the_open_from_last_trades() -> None:
    c = chain("BFLY", "BFLY")
    assert c.expiry == datetime(2025, 3, 21, tzinfo=UTC) and c.price == 4.3
    move = implied_move(c, None, RECORDED)
    # 4.0: call 0.80 + put 0.30 = 1.10; 4.5: 0.45 + 0.63 = 1.08; at 4.3: 1.088 over 4.30.
    assert move.move == pytest.approx(1.088 / 4.3)
    assert move.expiry == date(2025, 3, 21) and move.strike == 4.5
    assert expiry_after(c.expirations, date(2025, 2, 28)) == c.expiry


def test_mid_is_used_when_both_sides_are_quoted() -> None:
    c = Chain("X", (), None, 100.0, ((100.0, 4.0),), ((100.0, 5.0),))
    assert implied_move(c, None, RECORDED).move == pytest.approx(0.09)
    body = {"optionChain": {"result": [{"options": [{"calls": [
        {"strike": 100, "bid": 3.0, "ask": 5.0, "lastPrice": 9.0}],
        "puts": [{"strike": 100, "bid": 4.0, "ask": 6.0, "lastPrice": 9.0}]}]}]}}  # fmt: skip
    assert implied_move(parse_chain(body, "X"), 100.0, RECORDED).move == pytest.approx(0.09)


def test_no_strike_with_both_sides_or_no_options_says_why() -> None:
    empty = chain("AAPL-expire-2022-03-01", "AAPL")
    assert empty.calls == () and empty.puts == ()
    assert (
        implied_move(empty, 245.0, RECORDED).note == "no strike with both a call and a put priced"
    )
    none = chain("BTC-USD", "BTC-USD")
    assert none.expirations == () and none.expiry is None
    assert expiry_after(none.expirations, date(2025, 3, 1)) is None


def test_options_error_body() -> None:
    with pytest.raises(OptionsError, match="no options"):
        parse_chain({"optionChain": {"result": [], "error": None}}, "ZZZZ")
    with pytest.raises(OptionsError, match="not an option chain"):
        parse_chain({"finance": {"error": {"code": "x"}}}, "ZZZZ")


# --- through the fake Yahoo --------------------------------------------------------------------


def fake_client(**mapping: str) -> tuple[FakeYahoo, YahooClient]:
    fake = FakeYahoo(clock=lambda: RECORDED)
    fake.summaries.update(mapping)
    fake.options.update(mapping)
    return fake, YahooClient("http://yahoo.test", transport=fake.mock_transport())


def test_fetch_summary_asks_both_modules_once_with_the_crumb() -> None:
    fake, client = fake_client(BFLY="BFLY")

    async def go() -> Summary:
        async with client:
            return await fetch_summary(client, "BFLY", RECORDED)

    s = asyncio.run(go())
    assert s.calendar is not None and s.calendar.confirmed
    assert s.short is not None and s.short.short_pct_float == pytest.approx(0.081)
    asked = [q for _, sym, q in fake.requests if sym == "BFLY"]
    assert len(asked) == 1 and "calendarEvents,defaultKeyStatistics" in asked[0]
    assert "crumb=" in asked[0]


def test_symbol_without_fundamentals_is_an_answer_not_a_failure() -> None:
    _, client = fake_client()

    async def go() -> Summary:
        async with client:
            return await fetch_summary(client, "BTC-USD", RECORDED)

    s = asyncio.run(go())
    assert s.calendar is None and s.short is not None and not s.short.known
    assert "no earnings calendar" in (s.calendar_note or "")


@pytest.mark.parametrize("fault", ["html", "429", "500", "empty", "truncated"])
def test_hostile_answers_are_classified_failures(fault: str) -> None:
    fake, client = fake_client(BFLY="BFLY")
    fake.set_fault(fault, "BFLY")

    async def go() -> None:
        async with client:
            await fetch_summary(client, "BFLY", RECORDED)

    with pytest.raises(FetchError) as caught:
        asyncio.run(go())
    assert caught.value.kind is not FailureKind.NOT_FOUND


def test_implied_move_asks_the_expiry_after_the_report() -> None:
    fake, client = fake_client(AAPL="AAPL", BFLY="BFLY")

    async def go():
        async with client:
            aapl = combine("AAPL", None, summary("calendarEvents", "AAPL"), RECORDED)
            bfly = combine("BFLY", None, summary("calendarEvents", "BFLY"), RECORDED)
            return (await fetch_implied(client, "AAPL", aapl, 245.55, RECORDED),
                    await fetch_implied(client, "BFLY", bfly, 4.3, RECORDED))  # fmt: skip

    aapl, bfly = asyncio.run(go())
    # AAPL's first expiry (02-28) is before its window: a second request with ?date= for the
    # first expiry after May 5; the fake has no chain recorded for it and says so.
    assert any("date=" in q for _, s, q in fake.requests if s == "AAPL")
    assert aapl.move is None and aapl.note == "Yahoo sent no chain for that expiry"
    assert aapl.expiry is not None and aapl.expiry > date(2025, 5, 5)
    assert bfly.move == pytest.approx(1.088 / 4.3)
    assert not any("date=" in q for _, s, q in fake.requests if s == "BFLY")


def test_source_fetches_at_most_every_12_hours_and_the_cache_survives_a_restart(
    tmp_path: Path,
) -> None:
    fake, client = fake_client(BFLY="BFLY")
    now = [RECORDED]
    cache = QuoteCache(tmp_path / "quotes.db")
    source = EarningsSource(client, cache, clock=lambda: now[0])

    async def go() -> None:
        async with client:
            assert set(await source.refresh(["BFLY"], {})) == {"BFLY"}
            now[0] += timedelta(hours=11, minutes=59)
            assert await source.refresh(["BFLY"], {}) == {}
            now[0] += timedelta(minutes=1)
            assert set(await source.refresh(["BFLY"], {})) == {"BFLY"}

    asyncio.run(go())
    summaries = [q for _, s, q in fake.requests if s == "BFLY" and "modules" in q]
    assert len(summaries) == 2
    cache.close()
    again = EarningsSource(client, QuoteCache(tmp_path / "quotes.db"), clock=lambda: now[0])
    outlook = again.load_cached()["BFLY"]
    assert outlook.summary is not None and outlook.summary.fetched_at == now[0]
    assert outlook.short is not None and outlook.short.shares_short == 15_030_855
    assert outlook.implied is not None and outlook.implied.move == pytest.approx(1.088 / 4.3)
    assert not again.due("BFLY", now[0] + timedelta(hours=1))


def test_a_failure_keeps_the_last_good_answer_and_is_not_retried_at_once() -> None:
    fake, client = fake_client(BFLY="BFLY")
    now = [RECORDED]
    source = EarningsSource(client, clock=lambda: now[0])

    async def go() -> None:
        async with client:
            await source.refresh(["BFLY"], {})
            fake.set_fault("500", "BFLY")
            now[0] += timedelta(hours=12)
            await source.refresh(["BFLY"], {})
            outlook = source.outlooks["BFLY"]
            assert outlook.error == "Yahoo server error (500)"
            assert outlook.summary is not None and outlook.summary.fetched_at == RECORDED
            now[0] += timedelta(minutes=10)
            assert await source.refresh(["BFLY"], {}) == {}

    asyncio.run(go())


def test_once_confirmed_the_last_field_holds_the_next_report() -> None:
    """The quote inside the recorded BFLY chain (02-24): earningsTimestamp = Start = End =
    02-28 13:30Z, confirmed; it is the next report, not the last."""
    item = recorded_json("y2_options_BFLY.json")["optionChain"]["result"][0]["quote"]
    quote = parse_v7_quotes({"quoteResponse": {"result": [item]}}, RECORDED)["BFLY"]
    upcoming, last = from_quote(quote)
    assert last is None
    assert upcoming is not None and upcoming.confirmed and upcoming.time_of_day == BMO
    assert upcoming.start == datetime(2025, 2, 28, 13, 30, tzinfo=UTC)


def test_after_the_report_the_implied_move_stays_beside_the_actual_one(tmp_path: Path) -> None:
    from neotui.data.market.earnings_source import implied_before
    from neotui.widgets.earnings_cells import last_line

    _, client = fake_client(BFLY="BFLY")
    now = [RECORDED]
    source = EarningsSource(client, QuoteCache(tmp_path / "q.db"), clock=lambda: now[0])

    async def go() -> None:
        async with client:
            await source.refresh(["BFLY"], {})
            now[0] = datetime(2025, 3, 3, 12, tzinfo=UTC)  # the Feb 28 report has passed
            await source.refresh(["BFLY"], {})

    asyncio.run(go())
    outlook = source.outlooks["BFLY"]
    assert outlook.implied is not None and outlook.implied.move is None  # no next date now
    e = outlook.earnings("BFLY", None, now[0])
    assert e.next is None and e.last == datetime(2025, 2, 28, 13, 30, tzinfo=UTC)
    before = implied_before(e.last, outlook)
    assert before is not None and before.move == pytest.approx(1.088 / 4.3)
    line = last_line(e, -0.12, before) or ""
    assert "Last earnings: 2025-02-28 bmo · implied move ±25.3% (expiry 2025-03-21" in line
    assert "actual move -12.00%" in line
    again = EarningsSource(client, QuoteCache(tmp_path / "q.db")).load_cached()["BFLY"]
    assert again.before == before


def test_the_remembered_cell_follows_the_calendar_and_the_day() -> None:
    from neotui.data.market.earnings_source import Outlook
    from neotui.data.market.feed import SymbolState, SymbolStatus
    from neotui.widgets.earnings_cells import EarningsCells

    fetched = datetime(2025, 2, 24, 14, tzinfo=UTC)
    quote = v7("CRON", fetched)  # the quote's window: Feb 26 to Mar 3
    cells = EarningsCells()
    state = SymbolState("CRON", SymbolStatus.FRESH, quote)
    assert cells.cell(state, fetched).plain == "~Feb 26"
    calendar = Outlook(summary("calendarEvents", "BFLY", fetched + timedelta(hours=1)))
    later = SymbolState("CRON", SymbolStatus.FRESH, quote, outlook=calendar)
    assert cells.cell(later, fetched).plain == "Feb 28 BMO"  # a confirmed date wins
    assert cells.cell(later, datetime(2025, 3, 1, 15, tzinfo=UTC)).plain == "~Feb 26"
    assert cells.cell(later, datetime(2025, 3, 5, 15, tzinfo=UTC)).plain == "—"  # all past


def test_the_feed_fetches_outlooks_after_its_first_refresh_and_publishes_them() -> None:
    from neotui.data.market.feed import MarketFeed
    from neotui.data.market.quote import Session

    fake, client = fake_client(BFLY="BFLY")
    source = EarningsSource(client, clock=lambda: RECORDED)
    feed = MarketFeed(["BFLY"], client, intervals=dict.fromkeys(Session, 60.0), tick=0.01,
                      clock=lambda: RECORDED, earnings=source)  # fmt: skip
    seen = []
    feed.subscribe(lambda u: seen.append(u.states["BFLY"].outlook))

    async def go() -> None:
        async with client:
            task = asyncio.create_task(feed.run())
            for _ in range(200):
                await asyncio.sleep(0.01)
                if feed.snapshot().states["BFLY"].outlook is not None:
                    break
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    asyncio.run(go())
    outlook = feed.snapshot().states["BFLY"].outlook
    assert outlook is not None and outlook.short is not None and outlook.short.known
    first_summary = next(i for i, (_, s, q) in enumerate(fake.requests) if "modules" in q)
    first_quote = next(i for i, (_, s, q) in enumerate(fake.requests) if s == "BFLY")
    assert first_quote < first_summary  # quotes first: the implied move needs the price
    assert seen[-1] is outlook


def test_outlooks_are_kept_in_a_version_1_cache_an_older_neotui_still_writes(
    tmp_path: Path,
) -> None:
    import sqlite3

    cache = QuoteCache(tmp_path / "quotes.db")
    s = summary("defaultKeyStatistics", "BFLY")
    cache.save_outlook(s, None)
    cache.save_credentials({"crumb": "x"})
    cache.close()
    db = sqlite3.connect(tmp_path / "quotes.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    keys = {k for (k,) in db.execute("SELECT symbol FROM auth")}
    assert keys == {"yahoo", "summary:BFLY"}
    db.close()
    again = QuoteCache(tmp_path / "quotes.db")
    assert again.load_summaries() == {"BFLY": s} and again.load_implied() == {}
    assert again.load_credentials() == {"crumb": "x"}
