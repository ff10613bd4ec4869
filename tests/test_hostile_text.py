"""Issue 22 case 1: nothing a server sends reaches the terminal, the CSV or the JSON as a control.

OSC 52 (a clipboard write), OSC 8 (a hidden link), CSI 2J (clear screen), their one-byte C1 forms,
bidi overrides and zero-width characters are planted in a recorded EDGAR submissions body and a
recorded Yahoo search body, then read through the parsers and through ``neotui filings`` /
``neotui news`` against the fake servers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from neotui.data.clean import clean_text
from neotui.data.market.http import HttpResponse
from neotui.data.market.yahoo import _decode
from neotui.data.news import parse_search
from neotui.data.sec.client import decode
from neotui.data.sec.submissions import parse_submissions
from tests.fake_sec import ALZN, FakeSec, recorded
from tests.fake_yahoo import FakeYahoo
from tests.fake_yahoo import recorded as yahoo_recorded

OSC52 = "\x1b]52;c;SGFja2Vk\x07"
OSC8 = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"
CSI2J = "\x1b[2J\x1b[H"
C1 = "\x9b2J\x9d52;c;QUFB\x9c\x85"
BIDI = "\u202eevil\u202c\u2066x\u2069\u200e\u061c"
ZERO_WIDTH = "\u200bN\u200dV\u2060\ufeff"
PAYLOAD = OSC52 + OSC8 + CSI2J + C1 + BIDI + ZERO_WIDTH
#: What must never be stored or printed (newline and tab are allowed only as CSV/JSON syntax).
BAD = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\u200b-\u200d\u2060\ufeff]"
)
CIK = 1769628  # CRWV in the fake SEC's table


def strings(node: Any) -> list[str]:
    """Every string in a decoded JSON tree, keys included."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*strings(k), *strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def assert_clean(texts: list[str]) -> None:
    for text in texts:
        assert not BAD.search(text), repr(text)
        assert "52;c;" not in text and "2J" not in text, repr(text)


def poisoned_submissions() -> bytes:
    """ALZN's recorded submissions with the payload in every kind of field."""
    body = json.loads(recorded(ALZN)[2])
    recent = body["filings"]["recent"]
    body["name"] = "CoreWeave" + PAYLOAD
    recent["accessionNumber"][0] = "0001213900-26-" + OSC52  # not an accession: skipped
    recent["accessionNumber"][1] = recent["accessionNumber"][1] + CSI2J
    recent["primaryDocument"][2] = "../../../etc/passwd"
    recent["primaryDocument"][3] = "https://evil.example/x.htm"
    recent["primaryDocument"][4] = "ea0" + OSC8 + ".htm"
    for i in range(5, 12):
        recent["form"][i] = recent["form"][i] + BIDI
        recent["primaryDocDescription"][i] = "Annual" + PAYLOAD
        recent["items"][i] = C1 + recent["items"][i]
    body[PAYLOAD] = PAYLOAD  # a hostile key
    return json.dumps(body).encode()


def poisoned_search() -> bytes:
    """The recorded AAPL search with the payload in titles, publishers, tickers and links."""
    body = json.loads(yahoo_recorded("y2_search_AAPL_news_2025-02-25.json")[2])
    news = body["news"]
    news[0]["title"] = OSC52 + news[0]["title"] + BIDI
    news[0]["publisher"] = OSC8 + "Reuters" + ZERO_WIDTH
    news[0]["relatedTickers"] = ["AAPL" + C1, CSI2J]
    news[1]["link"] = "javascript:alert(1)"
    news[2]["link"] = "file:///etc/passwd"
    news[3]["link"] = news[3]["link"] + OSC8
    news[3]["uuid"] = PAYLOAD
    return json.dumps(body).encode()


def test_case_1_clean_text_removes_c1_sequences_bidi_and_zero_width() -> None:
    assert clean_text("a\x1b]52;c;SGk=\x07b") == "ab"
    assert clean_text("a\x9b2Jb") == "ab"
    assert clean_text("a\x9d8;;http://x\x9cb") == "ab"
    assert clean_text("\u202eabc\u202c") == "abc"
    assert clean_text("N\u200bV\u200dD\u2060A\ufeff") == "NVDA"
    assert clean_text("a\u2066b\u2069\u200e\u200f\u061c") == "ab"
    assert clean_text("line\nbreak\ttab") == "line break tab"
    assert clean_text("Société Générale — 株式") == "Société Générale — 株式"
    assert_clean([clean_text(PAYLOAD)])


def test_case_1_parse_json_cleans_every_key_and_value_and_refuses_deep_nesting() -> None:
    from neotui.data.clean import parse_json

    tree = parse_json(json.dumps({PAYLOAD: [PAYLOAD, {"k" + OSC52: "v" + BIDI}], "n": 1.5}))
    assert_clean(strings(tree))
    assert tree["n"] == 1.5
    with pytest.raises(ValueError):
        parse_json(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ValueError):
        parse_json(b"\xff\xfe{}")


def test_case_1_web_url_and_document_paths() -> None:
    from neotui.data.clean import safe_relative_path, web_url

    assert (
        web_url("https://finance.yahoo.com/news/x.html") == "https://finance.yahoo.com/news/x.html"
    )
    bad_urls = ("javascript:alert(1)", "file:///etc/passwd", "https://", "/relative",
                "https://x.example/a" + OSC8, "http://a b.c/", 42, None, "data:,")  # fmt: skip
    for bad in bad_urls:
        assert web_url(bad) is None, bad
    assert safe_relative_path("d123d8k.htm") == "d123d8k.htm"
    assert safe_relative_path("xslF345X05/wk-form4.xml") == "xslF345X05/wk-form4.xml"
    for bad in ("../x.htm", "a/../../x", "/etc/passwd", "https://evil.example/x", "a\x1b[2J",
                "", "a//b", "."):  # fmt: skip
        assert safe_relative_path(bad) is None, bad


def test_case_1_submissions_parser_skips_bad_accessions_and_links_index_for_bad_documents() -> None:
    body = decode(200, {"content-type": "application/json"}, poisoned_submissions()).body
    assert_clean(strings(body))
    filings = parse_submissions(body, "CRWV", CIK)
    clean = parse_submissions(json.loads(recorded(ALZN)[2]), "CRWV", CIK)
    # The accession with OSC 52 inside is skipped; the one with CSI 2J after it is a good one
    # once cleaned.
    assert len(filings) == len(clean) - 1
    for f in filings:
        assert re.fullmatch(r"\d{10}-\d{2}-\d{6}", f.accession)
        assert f.url.startswith(f"https://www.sec.gov/Archives/edgar/data/{CIK}/")
        assert ".." not in f.url and "evil" not in f.url
        assert_clean([f.form, f.items, f.description, f.document, f.url, f.title])
    recent = json.loads(recorded(ALZN)[2])["filings"]["recent"]
    traversal = next(f for f in filings if f.accession == recent["accessionNumber"][2])
    assert traversal.url.endswith(f"{traversal.accession}-index.htm")


def test_case_1_search_parser_keeps_only_web_links_and_clean_text() -> None:
    response = HttpResponse(200, poisoned_search(), {"content-type": "application/json"}, "x")
    headlines = parse_search(_decode(response), "AAPL")
    links = {h.link for h in headlines}
    assert not any(link.startswith(("javascript:", "file:")) for link in links)
    assert all(link.startswith(("https://", "http://")) and " " not in link for link in links)
    assert_clean([s for h in headlines for s in (h.title, h.publisher, h.link, h.uuid, *h.related)])
    # OSC 8's link goes, its visible text ("click") stays.
    first = next(h for h in headlines if h.publisher == "clickReutersNV")
    assert first.related == ("AAPL",)


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "neotui", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_case_1_filings_csv_and_json_output_carry_no_controls() -> None:
    fake = FakeSec().start()
    fake.bodies[CIK] = poisoned_submissions()
    env = {"NEOTUI_SEC_DATA_URL": fake.url, "NEOTUI_SEC_TICKERS_URL": fake.tickers_url,
           "NEOTUI_SEC_CONTACT": "Jane Doe jane@example.com"}  # fmt: skip
    try:
        args = ("filings", "--provider", "coreweave", "--forms", "all", "--format")
        as_json = _run(*args, "json", env=env)
        as_csv = _run(*args, "csv", env=env)
    finally:
        fake.stop()
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert rows and all(r["symbol"] == "CRWV" for r in rows)
    assert_clean(strings(rows))
    assert_clean([as_csv.stdout.replace("\n", " ").replace("\r", " ")])
    assert len(list(csv.DictReader(io.StringIO(as_csv.stdout)))) == len(rows)


def test_case_1_news_csv_and_json_output_carry_no_controls() -> None:
    fake = FakeYahoo().start()
    fake.news_bodies["NVDA"] = poisoned_search()
    try:
        as_json = _run("news", "--format", "json", env={"NEOTUI_YAHOO_URL": fake.url})
        as_csv = _run("news", "--format", "csv", env={"NEOTUI_YAHOO_URL": fake.url})
    finally:
        fake.stop()
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert rows and all(r["url"].startswith(("https://", "http://")) for r in rows)
    assert_clean(strings(rows))
    assert_clean([as_csv.stdout.replace("\n", " ").replace("\r", " ")])
