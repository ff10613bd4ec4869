"""Issue 18, part 3: an 8-K read for the user. Logic tier: the recorded NVIDIA and Adobe index
pages and documents, the hand-written deal 8-K, and the fake SEC's archives (faults, cache,
request budget)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neotui.data.feeds_store import JsonStore
from neotui.data.sec.client import SecClient, SecError
from neotui.data.sec.documents import (
    FilingText,
    bundled_parties,
    fetch_filing_text,
    parse_index_html,
    parse_index_json,
    read_filing,
    wanted,
)
from neotui.data.sec.findings import split_items
from neotui.data.sec.plaintext import document_text
from tests.fake_archives import ADBE_8K, DEAL_8K, FIXTURES, NVDA_8K, body_of
from tests.fake_sec import FakeSec

CONTACT = "Test Runner test@example.com"
DEAL_DOC = "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099_crwv-20260115.htm"


@pytest.fixture
def fake_sec():
    fake = FakeSec().start()
    yield fake
    fake.stop()


def client_for(fake: FakeSec, **kw) -> SecClient:
    return SecClient(CONTACT, data_url=fake.url, read_timeout=1.0, **kw)


def deal_text() -> FilingText:
    from neotui.data.sec.documents import DocumentText

    doc = DocumentText(
        "crwv-20260115.htm", "8-K", document_text((FIXTURES / DEAL_DOC).read_bytes())
    )
    return FilingText(*DEAL_8K, (doc,))


def test_recorded_indexes_name_the_primary_document_and_the_press_release() -> None:
    nvda = parse_index_html((FIXTURES / "sec_8k_NVDA_0001045810-26-000024-index.html").read_bytes())
    assert [e.name for e in wanted(nvda, "8-K", "")] == ["nvda-20260302.htm"]  # EX-10.1 is not read
    adbe = parse_index_html((FIXTURES / "sec_8k_ADBE_0000796343-23-000044-index.html").read_bytes())
    # the primary link goes through the inline viewer (/ix?doc=...): the file name is the same
    assert [(e.name, e.type) for e in wanted(adbe, "8-K", "")] == [
        ("adbe-20230315.htm", "8-K"), ("adbeex991q123.htm", "EX-99.1")]  # fmt: skip


def test_index_json_has_no_types_so_exhibits_are_known_by_name() -> None:
    entries = parse_index_json(
        (FIXTURES / "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099_index.json").read_bytes()
    )
    assert [(e.name, e.type) for e in wanted(entries, "8-K", "crwv-20260115.htm")] == [
        ("crwv-20260115.htm", ""), ("crwvex991.htm", "EX-99")]  # fmt: skip


def test_nvidia_inline_xbrl_8k_is_items_502_and_901_with_no_deal_findings() -> None:
    text = document_text(
        (FIXTURES / "sec_8k_NVDA_0001045810-26-000024_nvda-20260302.htm").read_bytes()
    )
    # the hidden XBRL header ("0001045810 false 0001045810 2026-03-02 ...") is dropped
    assert "0001045810" not in text and "ix:header" not in text
    assert "Item 5.02" in text and "NVIDIA CORPORATION" in text
    sections = split_items(text, "nvda-20260302.htm")
    assert [s.item for s in sections] == ["", "5.02", "9.01"]
    filing = FilingText(*NVDA_8K, ())
    assert filing.findings() == []  # 5.02 is no deal item; nothing read from it


def test_deal_8k_findings_carry_value_unit_and_the_verbatim_sentence() -> None:
    text = deal_text()
    assert text.items() == ["1.01", "2.03", "9.01"]
    parties = bundled_parties()
    found = {(f.kind, f.value, f.unit) for f in text.findings(parties)}
    assert {("amount", "11900000000", "USD"), ("counterparty", "OpenAI", ""),
            ("term", "2031-12", "until"), ("term", "5", "years"), ("power", "200", "MW"),
            ("gpus", "100000", "GB300"), ("amount", "2600000000", "USD"),
            ("counterparty", "Morgan Stanley", ""), ("counterparty", "MUFG", ""),
            ("term", "2030", "until")} <= found  # fmt: skip
    assert ("amount", "5000", "USD") not in found  # item 9.01 is not read for terms
    assert all(f.document == "crwv-20260115.htm" for f in text.findings())
    amount = next(f for f in text.findings(parties) if f.value == "11900000000")
    assert amount.item == "1.01" and amount.text.startswith("Under the Agreement, OpenAI")
    assert amount.text.endswith("through December 2031.")
    assert "alert(" not in text.documents[0].text and "color: red" not in text.documents[0].text
    # the filer itself is never its own counterparty
    assert "CoreWeave" in {f.value for f in text.findings(names=["CoreWeave"])}
    assert "CoreWeave" not in {f.value for f in text.findings(names=["CoreWeave"],
                                                              exclude=["CoreWeave"])}  # fmt: skip


async def test_adbe_index_primary_and_press_release_then_cache(
    fake_sec: FakeSec, tmp_path: Path
) -> None:
    client, store = client_for(fake_sec), JsonStore(tmp_path / "feeds.db")
    try:
        text = await fetch_filing_text(client, store, *ADBE_8K, archives_url=fake_sec.url)
        assert [(d.name, d.type) for d in text.documents] == [
            ("adbe-20230315.htm", "8-K"), ("adbeex991q123.htm", "EX-99.1")]  # fmt: skip
        assert client.requests == 3 and text.items() == ["2.02", "9.01"]
        assert "Adobe" in text.documents[1].text and not text.cached
        again = await fetch_filing_text(client, store, *ADBE_8K, archives_url=fake_sec.url)
        assert again.cached and client.requests == 3  # a filing never changes: nothing sent
        assert again.documents == text.documents
    finally:
        await client.aclose()
        store.close()


async def test_index_page_missing_falls_back_to_index_json(fake_sec: FakeSec) -> None:
    fake_sec.document_faults["0001769628-26-000099-index.htm"] = "404"
    client = client_for(fake_sec)
    try:
        text = await fetch_filing_text(client, None, *DEAL_8K, archives_url=fake_sec.url,
                                       primary="crwv-20260115.htm")  # fmt: skip
    finally:
        await client.aclose()
    assert text.index == "json" and [d.name for d in text.documents] == [
        "crwv-20260115.htm", "crwvex991.htm"]  # fmt: skip
    assert any(f.value == "22400000000" for f in text.findings())  # from the exhibit


@pytest.mark.parametrize(("fault", "words"), [
    ("503", "throttling"), ("403", "refused"), ("truncated", "no document"),
])  # fmt: skip
async def test_unreadable_filing_is_a_reading_with_the_reason(
    fake_sec: FakeSec, fault: str, words: str
) -> None:
    fake_sec.document_faults["*"] = fault
    client = client_for(fake_sec)
    try:
        reading = await read_filing(client, None, *DEAL_8K, archives_url=fake_sec.url)
    finally:
        await client.aclose()
    assert not reading.findings and words in reading.reason


async def test_one_bad_document_does_not_lose_the_others(fake_sec: FakeSec) -> None:
    fake_sec.document_faults["crwvex991.htm"] = "404"
    client = client_for(fake_sec)
    try:
        reading = await read_filing(client, None, *DEAL_8K, archives_url=fake_sec.url)
    finally:
        await client.aclose()
    assert reading.reason == "" and "no such document (404" in reading.documents[1].reason
    assert {f.value for f in reading.findings if f.kind == "power"} == {"200"}


async def test_documents_share_the_token_bucket_and_have_a_deadline(fake_sec: FakeSec) -> None:
    from neotui.data.sec.client import TokenBucket

    fake_sec.document_faults["crwv-20260115.htm"] = "hang"
    bucket = TokenBucket(10.0)
    client = client_for(fake_sec, limiter=bucket, deadline=0.5)
    try:
        with pytest.raises(SecError, match=r"within 0\.5 s"):
            await client.document(
                f"{fake_sec.url}/Archives/edgar/data/1769628/000176962826000099/crwv-20260115.htm",
                1000,
            )
    finally:
        fake_sec.heal()
        await client.aclose()


async def test_body_over_the_cap_is_not_read(fake_sec: FakeSec) -> None:
    client = client_for(fake_sec)
    try:
        with pytest.raises(SecError, match="stopped reading"):
            await client.document(
                f"{fake_sec.url}/Archives/edgar/data/796343/000079634323000044/adbe-20230315.htm",
                10_000,
            )
    finally:
        await client.aclose()


def test_fake_serves_the_exhibit_as_its_text_in_the_full_submission() -> None:
    body = body_of("EX-99.1 of sec_8k_ADBE_0000796343-23-000044_full_submission_with_EX-99.1.txt")
    assert body.lstrip().startswith(b"<") and b"<DOCUMENT>" not in body and b"begin 644" not in body
