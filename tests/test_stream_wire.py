"""The quote stream's frames: the recorded ones decode to what their sources say, every kind of bad
frame is dropped and counted, and random bytes never raise (fuzz-style)."""

from __future__ import annotations

import base64
import json
import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from neotui.data.market.quote import Quote, Session
from neotui.data.market.stream import merge_tick, newer_price
from neotui.data.market.stream_wire import DROP_KINDS, TickGate, WireError, read_fields
from tests.fake_stream import BTC_MESSAGE, DKNG_FRAME, FIXTURES, frame, garbage, pricing

NOW = datetime(2026, 9, 2, 19, 30, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


def gate(*symbols: str) -> TickGate:
    return TickGate(symbols or ("DKNG",), clock=lambda: NOW)


def test_recorded_v2_frame_decodes_as_sources_md_says() -> None:
    tick = gate("DKNG").take(DKNG_FRAME)
    assert tick is not None
    assert (tick.symbol, tick.price, tick.exchange) == ("DKNG", 24.535, "NMS")
    assert tick.session is Session.REGULAR
    assert tick.time == datetime(2026, 9, 2, 19, 27, 9, tzinfo=UTC)  # zigzag: not double
    assert tick.change == pytest.approx(1.095, abs=1e-6)
    assert tick.change_pct == pytest.approx(4.6715, abs=1e-4)
    assert tick.day_volume == 6_719_763
    assert tick.currency is None  # version=2 carries no currency, no previous close
    assert tick.day_high is None and tick.day_low is None


def test_recorded_btc_message_matches_yfinance_expected_decode() -> None:
    expected = json.loads(
        (FIXTURES / "yf_stream_message_BTC-USD.expected_decode_DERIVED_from_yfinance_test.json")
        .read_text()
    )  # fmt: skip
    fields = read_fields(base64.b64decode(BTC_MESSAGE))
    assert fields[1] == expected["id"]
    assert fields[2] == expected["price"]  # the shortest float32 text: 94745.08
    assert fields[3] == int(expected["time"])
    assert fields[4] == expected["currency"] and fields[5] == expected["exchange"]
    assert (fields[6], fields[7]) == (expected["quote_type"], expected["market_hours"])
    assert fields[8] == expected["change_percent"]
    assert fields[9] == int(expected["day_volume"])
    assert (fields[10], fields[11], fields[12]) == (
        expected["day_high"], expected["day_low"], expected["change"])  # fmt: skip
    assert fields[27] == int(expected["price_hint"])
    frame_text = json.dumps({"type": "pricing", "message": BTC_MESSAGE})
    tick = TickGate(["BTC-USD"], clock=lambda: datetime(2025, 1, 10, 12, tzinfo=UTC)).take(
        frame_text
    )
    assert tick is not None and tick.currency == "USD" and tick.price == 94745.08


@pytest.mark.parametrize(("kind", "text"), garbage("DKNG", NOW_MS))
def test_each_bad_frame_is_dropped_and_counted(kind: str, text: str) -> None:
    g = gate("DKNG")
    assert g.take(text) is None
    assert g.counts[kind] == 1 and g.counts["ok"] == 0
    assert g.last_drop == kind
    assert kind in DROP_KINDS


def test_an_older_tick_is_dropped_the_newer_kept() -> None:
    g = gate("DKNG")
    assert g.take(frame("DKNG", 10.0, NOW_MS)) is not None
    assert g.take(frame("DKNG", 9.0, NOW_MS - 1000)) is None
    assert g.counts["old"] == 1
    same = g.take(frame("DKNG", 10.5, NOW_MS))  # the same millisecond: a second trade
    assert same is not None and same.price == 10.5
    assert g.summary() == "2 ticks; dropped: 1 old"


def test_a_frame_over_the_cap_is_refused_before_parsing() -> None:
    g = TickGate(["DKNG"], max_frame=1000, clock=lambda: NOW)
    big = json.dumps({"type": "pricing", "message": "A" * 2000})
    assert g.take(big) is None and g.counts["too_large"] == 1


def test_heartbeat_and_session_mapping() -> None:
    g = gate("DKNG")
    assert g.take(frame("DKNG", 10.0, NOW_MS, quote_type=7)) is None
    assert g.counts["heartbeat"] == 1
    pre = g.take(frame("DKNG", 10.0, NOW_MS, market_hours=0))  # 0 is pre-market, not "none"
    post = g.take(frame("DKNG", 10.0, NOW_MS + 1, market_hours=2))
    assert pre is not None and pre.session is Session.PRE
    assert post is not None and post.session is Session.POST


def test_symbols_are_matched_upper_case_and_cleaned() -> None:
    g = gate("DKNG")
    assert g.take(frame("dkng", 10.0, NOW_MS)) is not None
    assert g.take(frame("DK\x1b[31mNG", 10.0, NOW_MS)) is None  # an escape is not the symbol
    assert g.counts["unsubscribed"] == 1


def test_wire_reader_refuses_what_protobuf_refuses() -> None:
    good = pricing("DKNG", 10.0, NOW_MS)
    for bad in (good[:-1], b"\x0a\xff\xff\xff\xff\x0f", b"\x0b", b"\x00", b"\xff" * 11):
        with pytest.raises(WireError):
            read_fields(bad)
    assert read_fields(b"") == {}
    # An unknown field of every wire type is skipped.
    extra = b"\xa8\x06\x05" + b"\xb5\x06abcd" + b"\xb9\x06" + b"12345678" + b"\xc2\x06\x02hi"
    assert read_fields(good + extra)[1] == "DKNG"


def test_fuzz_random_and_mutated_frames_never_raise() -> None:
    rng = random.Random(19)
    g = gate("DKNG")
    seed = base64.b64decode(json.loads(DKNG_FRAME)["message"])
    for _ in range(3000):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = bytearray(rng.randbytes(rng.randint(0, 80)))
        text = json.dumps({"type": "pricing", "message": base64.b64encode(bytes(data)).decode()})
        tick = g.take(text)
        if tick is not None:  # whatever got through is a sane tick
            assert 0 < tick.price < 1e8 and tick.symbol == "DKNG"
    for _ in range(500):
        g.take(rng.randbytes(rng.randint(0, 200)))
        g.take("".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randint(0, 50))))
    assert sum(g.counts.values()) == 4000


# --- merging a tick into a quote ----------------------------------------------------------------


def base_quote(**kw: object) -> Quote:
    values: dict[str, object] = dict(
        symbol="DKNG", price=23.0, fetched_at=NOW, prev_close=23.44, day_high=24.0, day_low=22.9,
        volume=5e6, market_time=datetime(2026, 9, 2, 19, 0, tzinfo=UTC),
    )  # fmt: skip
    values.update(kw)
    return Quote(**values)  # type: ignore[arg-type]


def test_merge_regular_tick_keeps_prev_close_and_widens_the_range() -> None:
    tick = gate("DKNG").take(DKNG_FRAME)
    assert tick is not None
    merged = merge_tick(base_quote(), tick)
    assert merged is not None
    assert merged.price == 24.535 and merged.prev_close == 23.44  # the quote's own close kept
    assert merged.day_high == 24.535 and merged.day_low == 22.9  # widened by the price
    assert merged.volume == 6_719_763 and merged.market_time == tick.time
    assert merged.market_state == "REGULAR" and merged.fetched_at == tick.received


def test_merge_derives_prev_close_only_when_missing() -> None:
    tick = gate("DKNG").take(DKNG_FRAME)
    assert tick is not None
    merged = merge_tick(base_quote(prev_close=None), tick)
    assert merged is not None and merged.prev_close == pytest.approx(24.535 - 1.095, abs=1e-5)
    fresh = merge_tick(None, tick)  # before any poll: built from the tick alone
    assert fresh is not None and fresh.price == 24.535 and fresh.change == pytest.approx(1.095)


def test_a_tick_makes_a_fallback_quote_live_again() -> None:
    """A quote from Cboe (15 min delayed) moved by Yahoo's own tick is Yahoo's and live: not
    shown as delayed, and judged by the price alerts."""
    tick = gate("DKNG").take(DKNG_FRAME)
    assert tick is not None
    delayed = replace(base_quote(), source="cboe", delayed_minutes=15)
    assert delayed.delayed
    merged = merge_tick(delayed, tick)
    assert merged is not None
    assert (merged.source, merged.delayed_minutes, merged.delayed) == ("yahoo", None, False)


def test_merge_refuses_a_tick_older_than_the_quote() -> None:
    tick = gate("DKNG").take(DKNG_FRAME)
    assert tick is not None
    later = base_quote(market_time=datetime(2026, 9, 2, 19, 28, tzinfo=UTC))
    assert merge_tick(later, tick) is None


def test_merge_pre_and_post_ticks_set_the_extended_price() -> None:
    g = gate("DKNG")
    post = g.take(frame("DKNG", 25.0, NOW_MS, market_hours=2))
    assert post is not None
    merged = merge_tick(base_quote(), post)
    assert merged is not None
    assert merged.price == 23.0 and merged.extended_price == 25.0  # the regular close stays
    assert merged.extended_session is Session.POST and merged.market_state == "POST"
    assert merge_tick(None, post) is None  # nothing to put it beside yet


def test_a_polled_quote_older_than_the_last_tick_keeps_the_ticks_price() -> None:
    """The slow batch quote beside the stream (or Cboe's delayed one) must not roll the price
    back to an older one; its other fields are taken, and a newer poll wins outright."""
    tick = gate("DKNG").take(DKNG_FRAME)
    assert tick is not None
    streamed = merge_tick(base_quote(), tick)
    assert streamed is not None
    older = base_quote(price=23.1, market_cap=9e9, source="cboe", delayed_minutes=15)
    kept = newer_price(streamed, older)
    assert (kept.price, kept.market_time, kept.volume) == (24.535, tick.time, 6_719_763)
    assert (kept.source, kept.delayed, kept.market_cap) == ("yahoo", False, 9e9)
    newer = base_quote(price=25.0, market_time=datetime(2026, 9, 2, 19, 40, tzinfo=UTC))
    assert newer_price(streamed, newer) is newer
    assert newer_price(None, older) is older
    assert newer_price(streamed, base_quote(market_time=None)).price == 23.0
