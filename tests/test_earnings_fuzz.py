"""The earnings, short interest and options parsers fed generated hostile input (the generator
of ``test_fuzz_parsers``): recorded bodies with leaves and keys made hostile, decoded as the
client decodes them. Only the documented format errors may come out; what is kept holds no
non-finite number, no control character, no negative share count, and every label and line
built from it renders."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest

from neotui.data.clean import parse_json
from neotui.data.market.earnings import (
    Summary,
    SummaryError,
    combine,
    from_quote,
    next_label,
    parse_summary,
)
from neotui.data.market.earnings_source import Outlook
from neotui.data.market.options import OptionsError, implied_move, parse_chain
from neotui.data.market.quote_batch import BatchFormatError, parse_v7_quotes
from neotui.widgets.earnings_cells import earnings_line, short_line
from tests.fake_yahoo import recorded_json
from tests.test_fuzz_parsers import check_stored, encode, mutate

NOW = datetime(2025, 2, 24, 9, 35, tzinfo=UTC)
ROUNDS = 300


def _summary_body() -> dict:
    merged: dict = {}
    for module in ("calendarEvents", "defaultKeyStatistics"):
        name = f"y2_quoteSummary_{module}_BFLY_2025-02-24.json"
        merged.update(recorded_json(name)["quoteSummary"]["result"][0])
    return {"quoteSummary": {"result": [merged], "error": None}}


def _bodies(rng: random.Random, body: dict):
    for _ in range(ROUNDS):
        raw = encode(mutate(body, rng, rng.choice((0.003, 0.02, 0.1, 0.4))), rng)
        try:
            yield parse_json(raw)
        except ValueError:
            continue  # the decoder's refusal: a BAD_RESPONSE for the client


def test_fuzz_quote_summary() -> None:
    rng = random.Random("summary")
    parsed = 0
    for tree in _bodies(rng, _summary_body()):
        try:
            summary = parse_summary(tree, "BFLY", NOW)
        except SummaryError:
            continue
        parsed += 1
        check_stored(summary)
        short = summary.short
        if short is not None:
            assert short.shares_short is None or short.shares_short >= 0
            assert short.short_pct_float is None or 0 <= short.short_pct_float <= 5
        again = Summary.from_json(json.loads(json.dumps(summary.to_json(), allow_nan=False)))
        assert again == summary
        earnings = combine("BFLY", None, summary, NOW)
        next_label(earnings)
        earnings_line(earnings, Outlook(summary), NOW)
        short_line(short, NOW)
    assert parsed > ROUNDS // 3


def test_fuzz_option_chain() -> None:
    rng = random.Random("options")
    parsed = 0
    body = recorded_json("y2_options_BFLY.json")
    for tree in _bodies(rng, body):
        try:
            chain = parse_chain(tree, "BFLY")
        except OptionsError:
            continue
        parsed += 1
        check_stored(chain)
        move = implied_move(chain, rng.choice((None, 4.3, 0.0, -1.0)), NOW)
        check_stored(move)
        assert move.move is None or 0 < move.move <= 5
    assert parsed > ROUNDS // 3


def test_fuzz_v7_earnings_fields() -> None:
    rng = random.Random("v7-earnings")
    body = recorded_json("y2_v7_quote_BFLY_2025-02.json")
    for tree in _bodies(rng, body):
        try:
            quotes = parse_v7_quotes(tree, NOW)
        except BatchFormatError:
            continue
        for quote in quotes.values():
            upcoming, last = from_quote(quote)
            check_stored((upcoming, last))
            assert upcoming is None or upcoming.end >= upcoming.start
            next_label(combine(quote.symbol, (upcoming, last), None, NOW))


@pytest.mark.parametrize(
    "body",
    [
        None, [], "x", {"quoteSummary": None}, {"quoteSummary": {"result": None}},
        {"quoteSummary": {"result": [None]}}, {"quoteSummary": {"result": [], "error": None}},
        {"quoteSummary": {"error": {"code": "Unauthorized", "description": "Invalid Crumb"}}},
    ],
)  # fmt: skip
def test_summary_shapes_that_are_not_answers(body: object) -> None:
    with pytest.raises(SummaryError):
        parse_summary(body, "X", NOW)


def test_null_fields_are_unknown_never_zero() -> None:
    body = {"quoteSummary": {"result": [{
        "calendarEvents": {"earnings": {"earningsDate": [None, "soon"],
                                        "isEarningsDateEstimate": None}},
        "defaultKeyStatistics": {"sharesShort": None, "shortPercentOfFloat": "8%",
                                 "shortRatio": float("nan"), "dateShortInterest": -5},
    }]}}  # fmt: skip
    summary = parse_summary(body, "X", NOW)
    assert summary.calendar is None and summary.calendar_note
    assert summary.short is not None and not summary.short.known
    assert summary.short.short_ratio is None and summary.short.report_date is None
    assert short_line(summary.short, NOW) == "Short interest: none (Yahoo sent no short interest)"


@pytest.mark.parametrize("bad", [-1, -1e308, 1e308, float("inf"), True, "15030855", 10**400])
def test_implausible_short_figures_are_dropped(bad: object) -> None:
    stats = {"sharesShort": bad, "shortPercentOfFloat": bad, "shortRatio": bad,
             "sharesShortPriorMonth": bad}  # fmt: skip
    if isinstance(bad, (int, float)) and not isinstance(bad, bool) and bad == 1e308:
        stats["sharesShort"] = 1.0  # a huge count is a number; the fraction and days are not
    short = parse_summary(
        {"quoteSummary": {"result": [{"defaultKeyStatistics": stats}]}}, "X", NOW
    ).short
    assert short is not None
    assert short.short_pct_float is None and short.short_ratio is None
    assert short.shares_short in (None, 1.0) and short.prior_month in (None, 1e308)


def test_an_absurd_straddle_is_not_an_expected_move() -> None:
    from neotui.data.market.options import Chain

    chain = Chain("X", (), None, 4.3, ((4.5, 900.0),), ((4.5, 1.0),))
    move = implied_move(chain, None, NOW)
    assert move.move is None and move.note == "the straddle's prices are not believable"
