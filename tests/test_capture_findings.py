"""Issue 18, part 3: a captured draft carries what the 8-K (or the headline's title) says.
Logic tier: drafts from readings of the hand-written deal 8-K and the recorded NVIDIA 8-K, an
unreadable filing, headlines; each draft written and parsed back as a valid deals file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from neotui.data.deals.capture import draft_from_filing, draft_from_headline, write_draft
from neotui.data.deals.parse import parse_text
from neotui.data.news import Headline
from neotui.data.sec.documents import DocumentText, FilingReading, FilingText, bundled_parties
from neotui.data.sec.findings import Finding
from neotui.data.sec.plaintext import document_text
from neotui.data.sec.submissions import Filing
from tests.fake_archives import DEAL_8K, FIXTURES

DEAL_DOC = "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099_crwv-20260115.htm"
FILING = Filing(1769628, "CRWV", "8-K", date(2026, 1, 15), DEAL_8K[1], items="1.01,2.03,9.01",
                document="crwv-20260115.htm")  # fmt: skip


def deal_reading() -> FilingReading:
    doc = DocumentText(
        "crwv-20260115.htm", "8-K", document_text((FIXTURES / DEAL_DOC).read_bytes())
    )
    text = FilingText(*DEAL_8K, (doc,))
    found = text.findings(bundled_parties(), ["CoreWeave"], ["CoreWeave", "CRWV"])
    return FilingReading(*DEAL_8K, tuple(text.items()), tuple(found), (doc,))


def written(tmp_path: Path, draft) -> tuple[str, dict]:
    path = tmp_path / "captured.toml"
    assert write_draft(path, draft)
    text = path.read_text()
    parsed = parse_text(text, str(path))
    assert parsed.problems == []  # a draft is always a valid deals file
    return text, parsed.entries["deal"][0][1]


def test_deal_8k_fills_value_party_term_power_gpus_and_says_so(tmp_path: Path) -> None:
    draft = draft_from_filing(FILING, "coreweave", deal_reading())
    text, deal = written(tmp_path, draft)
    assert (deal.value_usd, deal.counterparty, deal.ends, deal.term_years) == (
        11.9e9, "OpenAI", date(2031, 12, 31), 5.0)  # fmt: skip
    assert (deal.power, deal.power_unit, deal.gpus, deal.hardware) == (200.0, "MW", 100000, "GB300")
    assert deal.reported.startswith("Under the Agreement, OpenAI has committed")
    assert "read from the filing (to check): value_usd, counterparty, ends, term_years" in deal.note
    assert f"neotui filing {DEAL_8K[1]}" in deal.note
    assert "captured = true" in text and deal.kind == "unclassified" and deal.captured


def test_no_deal_language_is_a_draft_that_says_so(tmp_path: Path) -> None:
    reading = FilingReading(1045810, "0001045810-26-000024", ("5.02", "9.01"), ())
    _, deal = written(tmp_path, draft_from_filing(FILING, "nvidia", reading))
    assert deal.value_usd is None and deal.counterparty == "to identify"
    assert deal.note == "the filing was read: no deal language found (items 5.02, 9.01)"


def test_unreadable_filing_is_todays_draft_with_the_reason(tmp_path: Path) -> None:
    reading = FilingReading(*DEAL_8K, reason="SEC is throttling requests (503); trying later")
    plain = draft_from_filing(FILING, "coreweave")
    draft = draft_from_filing(FILING, "coreweave", reading)
    assert replace(draft, note=None) == plain
    assert (
        draft.note == "the filing could not be read: SEC is throttling requests (503); trying later"
    )


def test_absurd_values_from_a_hostile_document_are_left_out(tmp_path: Path) -> None:
    findings = (
        Finding("amount", "1e+20", "USD", "A sum of $100,000,000 trillion.", "x.htm", "1.01"),
        Finding("power", "9000000000", "MW", "9,000,000 GW.", "x.htm", "1.01"),
        Finding("term", "1999-01", "until", "through January 1999.", "x.htm", "1.01"),
    )
    reading = FilingReading(*DEAL_8K, ("1.01",), findings)
    _, deal = written(tmp_path, draft_from_filing(FILING, "coreweave", reading))
    assert (deal.value_usd, deal.power, deal.ends) == (None, None, None)
    assert deal.reported == "A sum of $100,000,000 trillion."


def headline(title: str) -> Headline:
    return Headline(uuid="u1", title=title, publisher="Reuters", link="https://example.com/a",
                    published=datetime(2026, 1, 20, tzinfo=UTC), related=("CRWV",))  # fmt: skip


def test_headline_fills_the_amount_and_party_its_title_names(tmp_path: Path) -> None:
    draft = draft_from_headline(headline("CoreWeave signs $14.2 billion AI cloud deal with Meta"),
                                "coreweave", None, exclude=["CoreWeave", "CRWV"])  # fmt: skip
    _, deal = written(tmp_path, draft)
    assert (deal.value_usd, deal.counterparty) == (14.2e9, "Meta")
    assert deal.note == "read from the headline (to check): value_usd, counterparty"
    bare = draft_from_headline(headline("CoreWeave shares rise"), "coreweave", None)
    assert (bare.value_usd, bare.counterparty, bare.note) == (None, "to identify", None)
