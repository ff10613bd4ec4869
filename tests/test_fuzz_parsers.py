"""Issue 22: every network parser fed generated hostile input.

Recorded bodies (v7 quote, spark, chart, daily chart, search, submissions, tickers) are mutated by
a seeded ``random.Random``: leaves and keys replaced by hostile strings (controls, escape
sequences, bidi, zero-width, 100 KB), hostile numbers (nan, inf, 1e308, -0, 400-digit ints,
booleans, numbers as strings) and deep nesting, then encoded, sometimes corrupted (non-UTF-8,
absurd nesting), and decoded through :func:`neotui.data.clean.parse_json` as the clients do, and
also handed to the parsers raw. The only exception allowed out is the parser's documented format
error (``ValueError`` from the decoder); what is stored holds no non-finite number and no
control, bidi or zero-width character.

No new dependency: the generator is a few lines, and a seed that fails reproduces exactly.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from neotui.data.clean import parse_json
from neotui.data.market.quote import ChartFormatError, parse_history, parse_quote
from neotui.data.market.quote_batch import BatchFormatError, parse_spark, parse_v7_quotes
from neotui.data.news import NewsFormatError, parse_search
from tests.fake_sec import ALZN, TICKERS
from tests.fake_sec import recorded as sec_recorded
from tests.fake_yahoo import recorded, recorded_json

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
ROUNDS = 400  # per parser and path; ~6 s for the module on this machine
BAD = re.compile(
    "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]"
)
FRAGMENTS = (
    "\x1b]52;c;SGFja2Vk\x07", "\x1b]8;;http://evil.example/\x1b\\x\x1b]8;;\x1b\\", "\x1b[2J",
    "\x9b31m", "\x9d0;title\x9c", "\x90q\x9c", "\x1b", "\x9b", "\x00", "\r\n", "\t", "\x7f",
    "\u202e", "\u2066", "\u200f", "\u061c", "\u200b", "\ufeff", "\u2060", "..", "../../etc",
    "/", "javascript:alert(1)", "file:///etc/passwd", "https://evil.example/", "NVDA", "8-K",
    "0001193125-25-000001", "Ünïcödé 株式", "\ud7ff", "[red]markup[/red]", "%2e%2e", "",
)  # fmt: skip
NUMBERS = (
    float("nan"), float("inf"), float("-inf"), 1e308, -1e308, -0.0, 0, -1, 1e20, 10**400,
    -(10**30), True, False, "12.5", "NaN", "1e20", None, 2**63, 5e-324,
)  # fmt: skip


def hostile_string(rng: random.Random) -> str:
    if rng.random() < 0.02:
        return rng.choice(FRAGMENTS) * 20_000  # huge
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 5)))


def nesting(rng: random.Random) -> Any:
    node: Any = rng.choice([[], {}, "x", 1])
    for _ in range(rng.choice((2, 10, 40, 70, 200))):
        node = [node] if rng.random() < 0.5 else {"k": node}
    return node


def hostile_value(rng: random.Random) -> Any:
    pick = rng.random()
    if pick < 0.4:
        return hostile_string(rng)
    if pick < 0.8:
        return rng.choice(NUMBERS)
    if pick < 0.9:
        return nesting(rng)
    return rng.choice([None, [], {}, [None], {"": None}])


def mutate(node: Any, rng: random.Random, rate: float) -> Any:
    """A copy of ``node`` with about ``rate`` of its leaves (and some keys) made hostile."""
    if rng.random() < rate / 8:
        return hostile_value(rng)
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out[hostile_string(rng) if rng.random() < rate / 4 else key] = mutate(value, rng, rate)
        if rng.random() < rate:
            out[hostile_string(rng)] = hostile_value(rng)
        return out
    if isinstance(node, list):
        return [mutate(v, rng, rate) for v in node]
    return hostile_value(rng) if rng.random() < rate else node


def encode(tree: Any, rng: random.Random) -> bytes:
    """JSON as a hostile server might send it: NaN/Infinity tokens, sometimes broken bytes or
    absurd nesting."""
    body = json.dumps(tree).encode()
    pick = rng.random()
    if pick < 0.05:
        cut = rng.randrange(len(body))
        return body[:cut] + b"\xff\xfe" + body[cut:]
    if pick < 0.08:
        return b"[" * 50_000 + body + b"]" * 50_000
    return body


def check_stored(value: Any, where: str = "result") -> None:
    """No non-finite number and no control, bidi or zero-width character anywhere in
    ``value`` (dataclasses, containers, keys)."""
    if isinstance(value, float):
        assert math.isfinite(value), f"{where} = {value!r}"
    elif isinstance(value, str):
        assert not BAD.search(value), f"{where} = {value[:80]!r}"
    elif isinstance(value, (datetime, date, int, type(None))):
        return
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            check_stored(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_stored(k, f"{where} key")
            check_stored(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_stored(v, f"{where}[{i}]")
    else:
        check_stored(str(value), where)  # enums and the like


def _submissions() -> Any:
    from neotui.data.sec.submissions import parse_submissions

    body = json.loads(sec_recorded(ALZN)[2])
    recent = body["filings"]["recent"]
    for column in list(recent):
        recent[column] = recent[column][:30]
    return body, lambda b: parse_submissions(b, "CRWV")


def _tickers() -> Any:
    from neotui.data.sec.submissions import parse_tickers

    table = json.loads(sec_recorded(TICKERS)[2])
    return dict(list(table.items())[:40]), parse_tickers


def _facts() -> Any:
    """NVIDIA's recorded company facts cut to the tags read, 12 rows each (the reducer's input
    after selection), plus a non-USD unit and a dei share count."""
    from neotui.data.sec.facts import _select, reduce_tree
    from tests.fake_sec import FACTS, SEC_FIXTURES

    picked = _select(json.loads((SEC_FIXTURES / FACTS[1045810]).read_bytes()))
    for tags in picked["facts"].values():
        for node in tags.values():
            node["units"] = {u: rows[-12:] for u, rows in node["units"].items()}
    picked["facts"]["us-gaap"]["Revenues"]["units"]["EUR"] = [{"val": 1}]
    return picked, lambda b: reduce_tree(_select(b))


def _cases() -> dict[str, tuple[Any, Callable[[Any], Any], tuple[type[Exception], ...]]]:
    from neotui.data.sec.facts import FactsFormatError
    from neotui.data.sec.submissions import SubmissionsFormatError

    spark = recorded_json("cf_spark_v8_flat_AAPL_GSPC_HSBA.L_EURUSD=X_2026-09-02.json")
    submissions, parse_sub = _submissions()
    tickers, parse_tick = _tickers()
    facts, reduce = _facts()
    return {
        "v7": (recorded_json("y2_quote_AAPL_TSLA_PRE_premarket_2022.json"),
               lambda b: parse_v7_quotes(b, NOW), (BatchFormatError,)),
        "spark": (spark, parse_spark, (BatchFormatError,)),
        "chart": (recorded_json("y2_chart_TSLA_30m_intraday_prepost_tradingPeriods.json"),
                  lambda b: parse_quote(b, "TSLA", NOW), (ChartFormatError,)),
        "history": (recorded_json("y2_chart_NVDA_1d_1y_split_event.json"),
                    lambda b: parse_history(b, "NVDA", NOW), (ChartFormatError,)),
        "search": (json.loads(recorded("y2_search_AAPL_news_2025-02-25.json")[2]),
                   lambda b: parse_search(b, "AAPL"), (NewsFormatError,)),
        "submissions": (submissions, parse_sub, (SubmissionsFormatError,)),
        "tickers": (tickers, parse_tick, (SubmissionsFormatError,)),
        "facts": (facts, reduce, (FactsFormatError,)),
    }  # fmt: skip


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_fuzz_parser_through_the_decoder(name: str) -> None:
    body, parse, allowed = CASES[name]
    rng = random.Random(f"decoded:{name}")
    parsed = 0
    for _ in range(ROUNDS):
        raw = encode(mutate(body, rng, rng.choice((0.003, 0.02, 0.1, 0.4))), rng)
        try:
            tree = parse_json(raw)
        except ValueError:
            continue  # the decoder's documented refusal (the client makes it a BAD_RESPONSE)
        try:
            result = parse(tree)
        except allowed:
            continue
        check_stored(result, name)
        parsed += 1
    assert parsed > ROUNDS // 10  # the mutations leave enough bodies readable to mean something


@pytest.mark.parametrize("name", list(CASES))
def test_fuzz_parser_given_raw_trees(name: str) -> None:
    """Parsers are also called on trees that never went through the decoder (tests, caches,
    future callers): they must hold on their own."""
    body, parse, allowed = CASES[name]
    rng = random.Random(f"raw:{name}")
    for _ in range(ROUNDS):
        tree = mutate(body, rng, rng.choice((0.003, 0.02, 0.1, 0.4)))
        try:
            result = parse(tree)
        except allowed:
            continue
        check_stored(result, name)


def test_fuzz_decoder_refuses_absurd_nesting_and_bad_bytes_with_value_error() -> None:
    rng = random.Random("decoder")
    for _ in range(60):
        depth = rng.choice((65, 500, 5_000, 200_000))
        opener, closer = rng.choice(((b"[", b"]"), (b'{"a":', b"}")))
        with pytest.raises(ValueError):
            parse_json(opener * depth + b"1" + closer * depth)
    for bad in (b"\xff", b'"\xc3"', b"\xfe\xff{}", b"\x80abc"):
        with pytest.raises(ValueError):
            parse_json(bad)


# --- issue 18: hostile 8-K documents and indexes ------------------------------------------------


def _hostile_document(rng: random.Random) -> bytes:
    """A recorded 8-K with hostile fragments, markup and scripts spliced in at random places."""
    from tests.fake_archives import FIXTURES

    base = (FIXTURES / "sec_8k_NVDA_0001045810-26-000024_nvda-20260302.htm").read_text()
    inserts = (*FRAGMENTS, "<script>alert(1)</script>", "<style>*{}</style>", "<!--", "-->",
               "<ix:header>", "</ix:header>", "<![CDATA[", "<p>Item 1.01 $", "&#27;[2J",
               "&#x202e;", "&#0;", "&#xD800;", "<" * 50, "$" + "9" * 400 + " billion",
               "99999999999 GW", "1" * 30 + " GPUs", "through December 99999")  # fmt: skip
    out = base
    for _ in range(rng.randrange(1, 40)):
        at = rng.randrange(len(out))
        out = out[:at] + rng.choice(inserts) + out[at:]
    return out.encode("utf-8", errors="surrogatepass")


@pytest.mark.parametrize("seed", range(40))
def test_fuzz_8k_documents_are_read_as_clean_text_only(seed: int) -> None:
    from neotui.data.sec.documents import DocumentText, FilingText, bundled_parties
    from neotui.data.sec.plaintext import NotText, document_text

    rng = random.Random(seed)
    body = _hostile_document(rng)
    try:
        text = document_text(body)
    except NotText:
        return
    assert not BAD.search(text.replace("\n", "")), "a control character survived"
    # A splice can break a tag so that "alert(1)" becomes words of the text: that is fine (text
    # is only ever shown as text); what must not happen is a control character getting through.
    filing = FilingText(1045810, "0001045810-26-000024", (DocumentText("d.htm", "8-K", text),))
    for finding in filing.findings(bundled_parties(), ["[red]markup[/red]"]):
        assert not BAD.search(finding.text) and len(finding.text) <= 600
        assert finding.kind in ("amount", "counterparty", "term", "power", "gpus")
        number = finding.number
        assert number is None or math.isfinite(number)


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\x01\x02binary" * 1000,
        b"begin 644 image.jpg\nM_]C_X``02D9)1@`!`0$`8`!@``#_VP!#``@&!@<&!0@'!P<)\n",
        b"\xff\xfe\xfd not utf-8 \x9b31m $5 million",
        b"<html>" + b"<div>" * 100_000 + b"deep $1 billion" + b"</div>" * 10,
        b"<script>" + b"x" * 1_000_000,  # never closed: everything after it is skipped
        b"Item 1.01 " + b"$1,000,000,000 " * 50_000,
    ],
)
def test_hostile_documents_end_as_text_or_not_text(body: bytes) -> None:
    from neotui.data.sec.findings import MAX_FINDINGS, find_in, split_items
    from neotui.data.sec.plaintext import MAX_TEXT, NotText, document_text

    try:
        text = document_text(body)
    except NotText:
        assert body[:1] in (b"\x00", b"b")
        return
    assert len(text) <= MAX_TEXT and not BAD.search(text.replace("\n", ""))
    assert len(find_in(split_items(text, "d"))) <= MAX_FINDINGS


@pytest.mark.parametrize("seed", range(20))
def test_fuzz_filing_indexes_give_only_safe_relative_names(seed: int) -> None:
    from neotui.data.sec.documents import parse_index_html, parse_index_json
    from tests.fake_archives import FIXTURES

    rng = random.Random(seed)
    html = (FIXTURES / "sec_8k_ADBE_0000796343-23-000044-index.html").read_text()
    for _ in range(20):
        at = rng.randrange(len(html))
        extra = ('<a href="../../etc/passwd">', "<tr>", "<td>", '<a href="/x/%2e%2e/y">', "</tr>")
        html = html[:at] + rng.choice((*FRAGMENTS, *extra)) + html[at:]
    index_json = {"directory": {"item": [{"name": rng.choice(FRAGMENTS)} for _ in range(10)]}}
    entries = parse_index_html(html.encode()) + parse_index_json(json.dumps(index_json).encode())
    for entry in entries:
        assert re.fullmatch(r"[A-Za-z0-9._\-/]+", entry.name) and ".." not in entry.name.split("/")
        assert not BAD.search(entry.type + entry.description)


def test_fuzz_facts_reducer_given_hostile_bytes() -> None:
    """The facts reducer decodes its own bytes (in a thread, cleaning only what it keeps): a
    hostile body yields cleaned, finite facts or its documented format error, nothing else; and
    where it skips the full decode, exactly what the full decode gives."""
    from neotui.data.sec.facts import _WANTED, FactsFormatError, _select, reduce_facts, reduce_tree
    from neotui.data.sec.facts_scan import scan

    body, _, _ = CASES["facts"]
    rng = random.Random("facts-bytes")
    read = 0
    shortcut = 0
    for _ in range(ROUNDS):
        tree = mutate(body, rng, rng.choice((0.003, 0.02, 0.1, 0.4)))
        # Compact, as the SEC sends it, half the time: the path that skips the full decode.
        compact = rng.random() < 0.5
        raw = json.dumps(tree, separators=(",", ":")).encode() if compact else encode(tree, rng)
        try:
            result = reduce_facts(raw, 1045810)
        except FactsFormatError:
            continue
        check_stored(result, "facts")
        read += 1
        if compact and scan(raw, _WANTED) is not None:
            shortcut += 1
            assert result == reduce_tree(_select(json.loads(raw)), 1045810)
    assert read > ROUNDS // 10 and shortcut > ROUNDS // 20
