"""Issue 18 part 1: company facts reduced from the recorded bodies (tests/fixtures/sec), built
bodies for the cases no recording shows, and the facts feed against the fake SEC."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from neotui.data.sec.client import FACTS_MAX_BODY, SecClient
from neotui.data.sec.facts import CompanyFacts, FactsFormatError, reduce_facts
from neotui.data.sec.facts_feed import FactsFeed, FactsStore
from neotui.data.sec.feed import CompanyFilings, FilingsUpdate
from neotui.data.sec.submissions import Filing
from tests.fake_sec import FACTS, SEC_FIXTURES, FakeSec

NVDA, GOOGL, LPA = 1045810, 1652044, 1997711
CONTACT = "Jane Doe jane@example.com"


def recorded(cik: int) -> bytes:
    return (SEC_FIXTURES / FACTS[cik]).read_bytes()


@pytest.fixture(scope="module")
def nvda() -> CompanyFacts:
    return reduce_facts(recorded(NVDA))


@pytest.fixture(scope="module")
def googl() -> CompanyFacts:
    return reduce_facts(recorded(GOOGL))


def fact(cf: CompanyFacts, concept: str) -> Any:
    found = cf.get(concept)
    assert found is not None, f"{concept} missing"
    return found


def test_nvidia_revenue_follows_the_tag_switch_quarter_and_ttm(nvda: CompanyFacts) -> None:
    q = fact(nvda, "revenue")
    assert (q.value, q.tag, q.end, q.fiscal_period) == (
        81_615_000_000,
        "us-gaap:Revenues",
        date(2026, 4, 26),
        "quarter",
    )
    assert (q.form, q.filed, q.accession, q.derived) == (
        "10-Q",
        date(2026, 5, 20),
        "0001045810-26-000052",
        False,
    )
    assert q.url == (
        "https://www.sec.gov/Archives/edgar/data/1045810/000104581026000052/"
        "0001045810-26-000052-index.htm"
    )
    # FY2026 215.938B + Q1 FY27 81.615B - Q1 FY26 44.062B: four quarters, Q4 derived from FY.
    ttm = fact(nvda, "revenue_ttm")
    assert (ttm.value, ttm.start, ttm.end, ttm.fiscal_period, ttm.derived) == (
        253_491_000_000, date(2025, 4, 28), date(2026, 4, 26), "ttm", True)  # fmt: skip


def test_nvidia_capex_backlog_debt_cash(nvda: CompanyFacts) -> None:
    capex = fact(nvda, "capex")
    assert capex.tag == "us-gaap:PaymentsToAcquireProductiveAssets"  # not the 2020 tag
    assert capex.end == date(2026, 4, 26)
    assert fact(nvda, "backlog").value == 2_600_000_000  # USD, not the `pure` percentage
    debt = fact(nvda, "debt")
    assert (debt.value, debt.tag, debt.derived) == (8_470_000_000, "us-gaap:LongTermDebt", False)
    assert fact(nvda, "cash").end == date(2026, 4, 26)


def test_nvidia_split_said_and_latest_count_only(nvda: CompanyFacts) -> None:
    shares = fact(nvda, "shares")
    assert (shares.value, shares.unit, shares.end) == (24_200_000_000, "shares", date(2026, 5, 15))
    assert any("10-for-1 split between 2024-05-24 and 2024-08-23" in n for n in nvda.notes)
    assert sum(f.concept == "shares" for f in nvda.facts) == 1


def test_alphabet_no_shares_tag_debt_parts_and_no_8k_facts(googl: CompanyFacts) -> None:
    assert googl.get("shares") is None  # never shown as 0
    assert any("no dei:EntityCommonStockSharesOutstanding" in n for n in googl.notes)
    # LongTermDebt stops at 2025-12-31; the parts go to 2026-03-31: the newer date wins.
    debt = fact(googl, "debt")
    assert (debt.end, debt.derived, debt.value) == (date(2026, 3, 31), True, 79_499_000_000)
    assert debt.tag == "us-gaap:LongTermDebtCurrent+LongTermDebtNoncurrent"
    assert fact(googl, "backlog").value == 467_600_000_000
    assert fact(googl, "revenue").tag == "us-gaap:Revenues"
    assert all(f.form in ("10-Q", "10-K") for f in googl.facts)


def test_ifrs_20f_filer_annual_only_and_said() -> None:
    cf = reduce_facts(recorded(LPA))
    assert cf.cik == LPA  # the copy's cik is a string
    revenue = fact(cf, "revenue")
    assert (revenue.fiscal_period, revenue.form, revenue.tag) == (
        "year",
        "20-F",
        "ifrs-full:Revenue",
    )
    assert "annual only" in revenue.label
    assert cf.get("revenue_ttm") is None
    assert any("IFRS filer" in n for n in cf.notes)


def test_scan_shortcut_answers_exactly_what_the_full_decode_does() -> None:
    from neotui.data.sec.facts import _WANTED, _select, reduce_tree
    from neotui.data.sec.facts_scan import scan

    for cik in (NVDA, GOOGL, LPA):
        raw = recorded(cik)
        assert reduce_facts(raw, cik) == reduce_tree(_select(json.loads(raw)), cik)
    assert scan(recorded(NVDA), _WANTED) is not None  # the shortcut was taken
    assert scan(recorded(LPA), _WANTED) is None  # pretty-printed: decoded whole
    nested = (
        b'{"cik":1,"entityName":"X","facts":{"dei":{"A":{"label":"a","units":{"u":[]}}},'
        b'"us-gaap":{"B":{"x":'
    )
    in_string = nested + b'"\\"Revenues\\":{","units":{"u":[]}}}}}'
    assert scan(in_string, _WANTED) == {
        "cik": 1,
        "entityName": "X",
        "facts": {"us-gaap": {}, "dei": {}},
    }
    assert scan(recorded(NVDA)[:2_000_000], _WANTED) is None  # cut short: decoded whole, fails
    tag = b'{"label":"r","units":{"USD":[]}}'
    head = b'{"cik":1,"entityName":"X","facts":{'
    twice = head + b'"us-gaap":{"Revenues":' + tag + b',"Revenues":' + tag + b"}}}"
    assert scan(twice, _WANTED) is None
    once = head + b'"us-gaap":{"Revenues":' + tag + b"}}}"
    assert scan(once, _WANTED) == {"cik": 1, "entityName": "X",
                                   "facts": {"us-gaap": {"Revenues": json.loads(tag)}}}  # fmt: skip
    # A taxonomy whose first member is not an object is not seen as one: its tags would be
    # lent to no taxonomy (or the one before), so the whole body is decoded instead.
    hidden = head + b'"us-gaap":{"x":1,"Revenues":' + tag + b'},"dei":{"A":' + tag + b"}}}"
    assert scan(hidden, _WANTED) is None


def body(tags: dict[str, list[dict[str, Any]]], unit: str = "USD") -> bytes:
    facts = {t: {"label": t, "units": {unit: rows}} for t, rows in tags.items()}
    return json.dumps({"cik": 1, "entityName": "X", "facts": {"us-gaap": facts}}).encode()


def row(start: str | None, end: str, val: Any, filed: str, form: str = "10-Q",
        accn: str = "0000000001-26-000001", fp: str = "Q1") -> dict[str, Any]:  # fmt: skip
    out = {"end": end, "val": val, "accn": accn, "fy": 2026, "fp": fp, "form": form,
           "filed": filed}  # fmt: skip
    return out | ({"start": start} if start else {})


def test_quarter_derived_from_year_to_date_only() -> None:
    rows = [row("2025-01-01", "2025-03-31", 10, "2025-05-01"),
            row("2025-01-01", "2025-06-30", 25, "2025-08-01", fp="Q2"),
            row("2025-01-01", "2025-09-30", 45, "2025-11-01", fp="Q3"),
            row("2025-01-01", "2025-12-31", 70, "2026-02-01", form="10-K", fp="FY")]  # fmt: skip
    cf = reduce_facts(body({"Revenues": rows[:3]}))
    q = fact(cf, "revenue")
    assert (q.value, q.start, q.end, q.derived) == (20, date(2025, 7, 1), date(2025, 9, 30), True)
    ttm = fact(reduce_facts(body({"Revenues": rows})), "revenue_ttm")
    assert (ttm.value, ttm.derived, ttm.form) == (70, False, "10-K")


def test_duplicate_period_latest_filing_wins_and_8k_ignored() -> None:
    rows = [row(None, "2025-12-31", 5, "2026-02-01", form="10-K"),
            row(None, "2025-12-31", 6, "2026-05-01", accn="0000000001-26-000009"),
            row(None, "2025-12-31", 99, "2026-06-01", form="8-K")]  # fmt: skip
    cash = fact(reduce_facts(body({"CashAndCashEquivalentsAtCarryingValue": rows})), "cash")
    assert (cash.value, cash.accession) == (6, "0000000001-26-000009")


def test_other_currency_named_not_shown() -> None:
    cf = reduce_facts(body({"Revenues": [row("2025-01-01", "2025-03-31", 10, "2025-05-01")]},
                           unit="EUR"))  # fmt: skip
    assert cf.get("revenue") is None
    assert any("reported in EUR only" in n for n in cf.notes)


@pytest.mark.parametrize("val", ["12", None, True, float("nan"), 1e300, 10**400, -5])
def test_not_a_figure_is_skipped_never_zero(val: Any) -> None:
    raw = json.dumps({"cik": 1, "facts": {"us-gaap": {"LongTermDebt": {"units": {"USD": [
        row(None, "2025-12-31", val, "2026-02-01")]}}}}})  # fmt: skip
    cf = reduce_facts(raw)
    assert cf.get("debt") is None and any("skipped" in n for n in cf.notes)


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b'{"facts": 3}', b"\xff\xfe", b"<html>"])
def test_not_companyfacts_is_a_format_error(raw: bytes) -> None:
    with pytest.raises(FactsFormatError):
        reduce_facts(raw)


def companies(*ciks: tuple[str, int], filings: tuple[Filing, ...] = ()) -> FilingsUpdate:
    return FilingsUpdate({s: CompanyFilings(s, c, filings=filings) for s, c in ciks})


def test_feed_fetches_caches_then_conditional_and_keeps_facts_on_faults(
    fake_sec: FakeSec, tmp_path: Path
) -> None:
    store = FactsStore(tmp_path / "facts.db")
    update = companies(("NVDA", NVDA), ("GOOGL", GOOGL))

    async def round_(force: bool = False, feed: FactsFeed | None = None) -> Any:
        client = SecClient(CONTACT, data_url=fake_sec.url, max_bytes=1024)  # facts: own cap
        feed = feed or FactsFeed(("NVDA", "GOOGL"), client, store)
        feed.client = client
        try:
            return feed, await feed.refresh_once(update, force=force)
        finally:
            await client.aclose()

    feed, states = asyncio.run(round_())
    assert states["NVDA"].facts is not None and states["NVDA"].reason is None
    assert states["GOOGL"].facts is not None
    path = "/api/xbrl/companyfacts/CIK0001045810.json"
    assert fake_sec.counts[path] == 1
    asyncio.run(round_(feed=feed))  # a week has not passed and nothing new was filed
    assert fake_sec.counts[path] == 1
    asyncio.run(round_(force=True, feed=feed))
    assert fake_sec.not_modified == 2  # conditional: ETag sent back, 304, facts kept
    for fault in ("403", "404", "truncated", "429"):
        fake_sec.fault = fault
        _, states = asyncio.run(round_(force=True, feed=feed))
        assert states["NVDA"].facts == feed.states["NVDA"].facts is not None
        assert states["NVDA"].reason
    fake_sec.heal()
    restarted = FactsFeed(("NVDA", "GOOGL"), None, FactsStore(tmp_path / "facts.db"))
    cached = restarted.load_cached()
    assert cached["NVDA"].facts == feed.states["NVDA"].facts and cached["NVDA"].reason == "cached"
    assert len(recorded(NVDA)) * 4 < FACTS_MAX_BODY


def test_due_on_new_periodic_report_or_weekly(tmp_path: Path) -> None:
    now = [1_000_000.0]
    feed = FactsFeed(("NVDA",), None, None, wall=lambda: now[0])
    assert feed.due("NVDA")
    feed._saved["NVDA"], feed._meta["NVDA"] = now[0], {"report": "0001045810-26-000052"}
    tenq = Filing(cik=NVDA, symbol="NVDA", form="10-Q", filed=date(2026, 5, 20),
                  accession="0001045810-26-000052")  # fmt: skip
    eightk = Filing(cik=NVDA, symbol="NVDA", form="8-K", filed=date(2026, 6, 1),
                    accession="0001045810-26-000060")  # fmt: skip
    assert not feed.due("NVDA", (tenq, eightk))
    newer = Filing(cik=NVDA, symbol="NVDA", form="10-K", filed=date(2026, 7, 1),
                   accession="0001045810-26-000070")  # fmt: skip
    assert feed.due("NVDA", (tenq, newer))
    now[0] += 7 * 24 * 3600
    assert feed.due("NVDA", (tenq,))


def test_a_404_is_an_answer_cached_and_asked_again_on_the_facts_schedule(
    fake_sec: FakeSec, tmp_path: Path
) -> None:
    """The SEC answers S3's 404 for a company it holds no XBRL facts for (a new registrant):
    kept like facts (no rows, a note), not asked again at every filings check."""
    crwv = 1769628  # no recorded facts: the fake answers 404
    now = [1_000_000.0]
    tenq = Filing(cik=crwv, symbol="CRWV", form="10-Q", filed=date(2025, 11, 10),
                  accession="0001769628-25-000099")  # fmt: skip
    update = companies(("CRWV", crwv), filings=(tenq,))
    path = f"/api/xbrl/companyfacts/CIK{crwv:010d}.json"

    def round_(feed: FactsFeed, up: FilingsUpdate = update) -> Any:
        async def go() -> Any:
            feed.client = SecClient(CONTACT, data_url=fake_sec.url)
            try:
                return await feed.refresh_once(up)
            finally:
                await feed.client.aclose()

        return asyncio.run(go())

    feed = FactsFeed(("CRWV",), None, FactsStore(tmp_path / "facts.db"), wall=lambda: now[0])
    state = round_(feed)["CRWV"]
    assert state.reason is None and state.facts is not None and state.facts.facts == ()
    assert "no XBRL company facts for CIK 1769628 (404)" in state.facts.notes[0]
    round_(feed)
    assert fake_sec.counts[path] == 1  # not due: same report, within the week
    cached = FactsFeed(("CRWV",), None, FactsStore(tmp_path / "facts.db")).load_cached()
    assert cached["CRWV"].facts == state.facts  # a restart knows the answer
    newer = Filing(cik=crwv, symbol="CRWV", form="10-K", filed=date(2026, 3, 1),
                   accession="0001769628-26-000010")  # fmt: skip
    fake_sec.facts_bodies[crwv] = recorded(NVDA)  # its first XBRL report is out
    got = round_(feed, companies(("CRWV", crwv), filings=(tenq, newer)))["CRWV"]
    assert fake_sec.counts[path] == 2 and got.facts is not None and got.facts.get("debt")
    del fake_sec.facts_bodies[crwv]  # a 404 after facts were shown is a fault: they stay
    now[0] += 8 * 24 * 3600
    kept = round_(feed, companies(("CRWV", crwv), filings=(tenq, newer)))["CRWV"]
    assert kept.facts == got.facts and "404" in (kept.reason or "")
