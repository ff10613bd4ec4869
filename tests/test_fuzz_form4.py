"""Issue 20 item 4: the Form 4 parser fed generated hostile input.

The recorded documents are mutated by a seeded ``random.Random``: element text replaced by
hostile strings (controls, escape sequences, bidi, markup, 100 KB) and hostile numbers (nan, inf,
1e308, negative, ``1,000``, words), elements dropped or repeated, bytes cut or flipped, DTDs and
entities spliced in. The only exception allowed out is :class:`Form4Error`; whatever is parsed
holds only finite, plausible numbers, never a 0 price, and no control or bidi character.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import astuple
from pathlib import Path

import pytest

from neotui.data.sec.form4 import MAX_PRICE, MAX_SHARES, Form4Error, parse_ownership

FIX = Path(__file__).resolve().parent / "fixtures" / "sec_form4"
DOCS = [
    FIX / "sec_form4_NVDA_STEVENS_0001199039-26-000003_wk-form4_1774386816.xml",
    FIX / "sec_full_submission_txt_AAPL_Adams_0000320193-22-000061_form4_10b5-1_footnote.txt",
    FIX / "NOT_VERBATIM_reformatted_form4_SNOW_Scarpelli_2022-12-13_M_S_derivative.xml",
]
BAD = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")
STRINGS = (
    "\x1b]52;c;SGFja2Vk\x07", "\x1b[2J", "\x9b31m", "\u202e", "\u200b", "[red]x[/red]", "",
    "&amp;", "&#x1b;", "&#27;[31m", "nan", "inf", "-5", "1e308", "1,000", "$12.50", "true",
    "TRUE", "yes", "2026-02-30", "9999-12-31", "S", "P", "4/A", "\ufeff", "x" * 100_000,
)  # fmt: skip
SPLICES = (
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>',
    b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
    b"&a;",
    b"<![CDATA[\x1b[31m]]>",
    b"<?xml-stylesheet href='x'?>",
    b"\xff\xfe",
    b"<html>",
)
TAGS = (b"transactionCode", b"value", b"footnote", b"isDirector", b"aff10b5One",
        b"reportingOwner", b"nonDerivativeTransaction")  # fmt: skip
_TEXT = re.compile(rb">([^<>]{1,200})<")


def mutate(body: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.5:
            spots = list(_TEXT.finditer(body))
            if spots:
                m = rng.choice(spots)
                text = rng.choice(STRINGS).encode("utf-8", "surrogatepass")
                text = text.replace(b"<", b"&lt;") if rng.random() < 0.9 else text
                body = body[: m.start(1)] + text + body[m.end(1) :]
        elif roll < 0.65:
            at = rng.randrange(len(body))
            body = body[:at] + rng.choice(SPLICES) + body[at:]
        elif roll < 0.8:
            at = rng.randrange(len(body))
            body = (
                body[:at]
                if rng.random() < 0.5
                else body[:at] + bytes([rng.randrange(256)]) + body[at + 1 :]
            )
        else:
            tag = rng.choice(TAGS)
            body = body.replace(b"<" + tag, b"<x" + tag).replace(b"</" + tag, b"</x" + tag)
    return body


def check(body: bytes) -> bool:
    """Whether ``body`` parsed (then everything in it is clean and plausible)."""
    try:
        doc = parse_ownership(body)
    except Form4Error:
        return False
    for text in (doc.owner, doc.role, doc.symbol, doc.form, *doc.notes):
        assert not BAD.search(text)
    for t in doc.transactions:
        for number, limit in ((t.shares, MAX_SHARES), (t.owned_after, MAX_SHARES),
                              (t.price, MAX_PRICE), (t.price_low, MAX_PRICE),
                              (t.price_high, MAX_PRICE)):  # fmt: skip
            assert number is None or (math.isfinite(number) and 0 <= number < limit)
        assert t.price is None or t.price > 0  # never a made-up 0
        for field in astuple(t):
            if isinstance(field, str):
                assert not BAD.search(field)
    return True


@pytest.mark.parametrize("seed", range(4))
def test_fuzz_form4_parser_only_raises_form4_error(seed: int) -> None:
    rng = random.Random(seed)
    parsed = sum(check(mutate(rng.choice(DOCS).read_bytes(), rng)) for _ in range(150))
    assert parsed > 30  # the mutations reach the parser's reading, not just its refusal


def test_random_bytes_and_truncations_never_escape() -> None:
    rng = random.Random(99)
    for _ in range(200):
        check(bytes(rng.randrange(256) for _ in range(rng.randint(0, 400))))
    body = DOCS[0].read_bytes()
    for cut in range(0, len(body), 97):
        check(body[:cut])
