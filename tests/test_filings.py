"""SEC filings: parsing the recorded EDGAR bodies, the rate limiter on a fake clock, and the
feed against the fake SEC server (contact, conditional requests, faults, cache)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from neotui.data.feeds_store import JsonStore
from neotui.data.sec.client import CONTACT_HINT, SecClient, TokenBucket
from neotui.data.sec.feed import FilingsFeed
from neotui.data.sec.submissions import (
    ITEM_NAMES,
    OLD_ITEM_NAMES,
    form_matches,
    item_name,
    parse_submissions,
    parse_tickers,
)
from tests.fake_sec import AAPL, FakeSec, recorded

FIXTURES = Path(__file__).parent / "fixtures" / "edgar"
CONTACT = "Test Runner test@example.com"
WATCHED = ("CRWV", "NBIS", "NVDA")


def body(name: str):
    return json.loads(recorded(name)[2])


@pytest.fixture
def fake_sec():
    fake = FakeSec().start()
    yield fake
    fake.stop()


def make_feed(fake: FakeSec, tmp_path: Path, symbols=WATCHED, **kw) -> FilingsFeed:
    client = SecClient(CONTACT, data_url=fake.url, tickers_url=fake.tickers_url, read_timeout=1.0)
    return FilingsFeed(symbols, client, JsonStore(tmp_path / "sec.db"), **kw)


# --- parsing ------------------------------------------------------------------------------------


def test_aapl_submissions_parse_newest_first_with_document_urls() -> None:
    filings = parse_submissions(body(AAPL), "AAPL")
    assert len(filings) == 1000
    assert filings == sorted(filings, key=lambda f: f.sort_key, reverse=True)
    earnings = next(f for f in filings if f.items == "2.02,9.01")
    assert earnings.filed == date(2023, 8, 3)
    assert earnings.accession == "0000320193-23-000075"
    assert earnings.url == (
        "https://www.sec.gov/Archives/edgar/data/320193/000032019323000075/aapl-20230803.htm"
    )
    assert earnings.item_names == [ITEM_NAMES["2.02"], ITEM_NAMES["9.01"]]
    # The Z is a lie: Apple's earnings 8-K is accepted at 16:30 New York time, after the close.
    assert earnings.accepted is not None
    assert earnings.accepted.isoformat() == "2023-08-03T16:30:21-04:00"
    # items is "" for every non-8-K form.
    assert all(f.items == "" for f in filings if f.form not in ("8-K", "8-K/A"))


def test_overflow_page_with_pre_2004_item_codes() -> None:
    page = json.loads(
        (
            FIXTURES / "sec_submissions_CIK0000320193-submissions-001_AAPL_overflow_page.json"
        ).read_bytes()
    )
    filings = parse_submissions(page, "AAPL", cik=320193)
    assert len(filings) == 988
    old = next(f for f in filings if f.items == "12,7")
    assert old.item_names == [OLD_ITEM_NAMES["12"], OLD_ITEM_NAMES["7"]]
    assert item_name("12") == "Results of Operations and Financial Condition"
    assert item_name("5") == "Other Events"
    assert item_name("2") == "Acquisition or Disposition of Assets"
    assert item_name("13") == "Item 13" and item_name("9.99") == "Item 9.99"


def test_item_list_is_complete() -> None:
    expected = {
        "1.01", "1.02", "1.03", "1.04", "1.05", "2.01", "2.02", "2.03", "2.04", "2.05", "2.06",
        "3.01", "3.02", "3.03", "4.01", "4.02", "5.01", "5.02", "5.03", "5.04", "5.05", "5.06",
        "5.07", "5.08", "6.01", "6.02", "6.03", "6.04", "6.05", "6.06", "7.01", "8.01", "9.01",
    }  # fmt: skip
    assert set(ITEM_NAMES) == expected
    assert set(OLD_ITEM_NAMES) == {str(n) for n in range(1, 13)}


def test_candidates_are_deal_items() -> None:
    filings = parse_submissions(
        body("et_cassette_submissions_CIK0001677077_ALZN_2026-03.yaml"), "X"
    )
    candidates = [f for f in filings if f.candidate]
    assert candidates and all(f.form.startswith("8-K") for f in candidates)
    assert {"1.01", "3.02"} & set(candidates[0].item_codes)
    assert not any(f.candidate for f in filings if f.items in ("7.01,9.01", "9.01", ""))


def test_no_filings_is_an_empty_list_not_an_error() -> None:
    assert (
        parse_submissions(
            body("et_cassette_submissions_CIK0000350001_no_filings_2026-03.yaml"), "X"
        )
        == []
    )


def test_form_filter() -> None:
    default = ("8-K", "6-K", "10-Q", "10-K", "20-F", "40-F", "S-1", "S-3", "424B*")
    assert form_matches("8-K/A", default) and form_matches("424B5", default)
    assert form_matches("10-K/A", default) and form_matches("S-3", default)
    assert not form_matches("4", default) and not form_matches("SC 13G/A", default)
    assert not form_matches("S-3ASR", default)
    assert form_matches("4", ["all"])


def test_tickers_table_maps_watched_symbols() -> None:
    table = parse_tickers(
        json.loads((FIXTURES / "sec_company_tickers_2026-02-01.json").read_bytes())
    )
    assert table["CRWV"] == 1769628 and table["NBIS"] == 1513845 and table["CORZ"] == 1839341
    assert table["NVDA"] == 1045810 and table["BRK-B"] == table["BRK-A"]


# --- the rate limiter ---------------------------------------------------------------------------


async def test_token_bucket_never_exceeds_ten_a_second_on_a_fake_clock() -> None:
    now = [0.0]
    stamps: list[float] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    bucket = TokenBucket(10.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(35):
        await bucket.acquire()
        stamps.append(now[0])
    assert stamps[:3] == pytest.approx([0.0, 0.1, 0.2])  # evenly spaced, no burst
    assert stamps[-1] == pytest.approx(3.4)  # 35 requests take 3.4 s
    for i in range(len(stamps)):
        window = [t for t in stamps if stamps[i] - 1e-9 <= t < stamps[i] + 1.0 - 1e-9]
        assert len(window) <= 10  # no one-second window holds more than 10


# --- the feed against the fake SEC --------------------------------------------------------------


async def test_no_contact_means_no_request_and_a_hint(fake_sec: FakeSec, tmp_path: Path) -> None:
    feed = FilingsFeed(WATCHED, None, JsonStore(tmp_path / "sec.db"))
    update = await feed.refresh_once()
    assert update.disabled == CONTACT_HINT
    assert "NEOTUI_SEC_CONTACT" in CONTACT_HINT
    assert fake_sec.requests == []
    with pytest.raises(ValueError):
        SecClient("  ")


async def test_fetches_with_contact_user_agent(fake_sec: FakeSec, tmp_path: Path) -> None:
    feed = make_feed(fake_sec, tmp_path)
    update = await feed.refresh_once()
    assert update.last_result == "3/3 ok"
    crwv = update.companies["CRWV"]
    assert crwv.cik == 1769628 and crwv.name == "CoreWeave, Inc." and crwv.filings
    assert not crwv.stale
    assert all(CONTACT in ua for ua in fake_sec.user_agents)
    assert crwv.filings[0].url.startswith("https://www.sec.gov/Archives/edgar/data/1769628/")
    filings = update.filings(["CRWV"], forms=("8-K",))
    assert filings and all(f.form in ("8-K", "8-K/A") for f in filings)
    await feed.client.aclose()


async def test_fake_sec_refuses_a_user_agent_without_email(fake_sec: FakeSec) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        answer = await client.get(fake_sec.url + "/submissions/CIK0001769628.json",
                                  headers={"User-Agent": "python-httpx"})  # fmt: skip
    assert answer.status_code == 403


async def test_second_check_is_conditional(fake_sec: FakeSec, tmp_path: Path) -> None:
    feed = make_feed(fake_sec, tmp_path)
    await feed.refresh_once()
    tickers_before = fake_sec.counts["/files/company_tickers.json"]
    update = await feed.refresh_once()
    assert fake_sec.not_modified == 3  # every company answered 304
    assert fake_sec.counts["/files/company_tickers.json"] == tickers_before == 1  # kept a week
    assert update.companies["NBIS"].filings and not update.companies["NBIS"].stale
    await feed.client.aclose()


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("403", "refused the request (403)"),
        ("404", "no such company (404, S3 NoSuchKey)"),
        ("429", "throttling requests (429)"),
        ("503", "throttling requests (503)"),
        ("truncated", "truncated or invalid JSON"),
        ("html", "web page instead of data"),
        ("hang", "no answer in time"),
    ],
)
async def test_faults_keep_last_good_filings_with_a_reason(
    fake_sec: FakeSec, tmp_path: Path, fault: str, words: str
) -> None:
    feed = make_feed(fake_sec, tmp_path)
    first = await feed.refresh_once()
    good = first.companies["CRWV"].filings
    fake_sec.faults[1769628] = fault
    fake_sec.bodies.clear()
    # A changed body so the conditional request cannot answer 304 before the fault.
    update = await feed.refresh_once()
    crwv = update.companies["CRWV"]
    assert words in (crwv.reason or "")
    assert crwv.filings == good and crwv.stale
    assert crwv.fetched_at == first.companies["CRWV"].fetched_at
    await feed.client.aclose()


async def test_cik_with_no_filings_and_unknown_symbol(fake_sec: FakeSec, tmp_path: Path) -> None:
    fake_sec.bodies[1769628] = recorded(
        "et_cassette_submissions_CIK0000350001_no_filings_2026-03.yaml"
    )[2]
    feed = make_feed(fake_sec, tmp_path, symbols=("CRWV", "ZZZZNOPE"))
    update = await feed.refresh_once()
    assert update.companies["CRWV"].filings == () and update.companies["CRWV"].reason is None
    assert "not in the SEC's ticker table" in (update.companies["ZZZZNOPE"].reason or "")
    await feed.client.aclose()


async def test_restart_shows_cached_filings_at_once(fake_sec: FakeSec, tmp_path: Path) -> None:
    feed = make_feed(fake_sec, tmp_path)
    first = await feed.refresh_once()
    await feed.client.aclose()
    fake_sec.stop()  # offline now
    again = FilingsFeed(WATCHED, None, JsonStore(tmp_path / "sec.db"))
    cached = again.load_cached()
    assert cached.companies["CRWV"].filings == first.companies["CRWV"].filings
    assert cached.companies["CRWV"].reason == "cached"
    assert cached.companies["CRWV"].fetched_at is not None


async def test_offline_keeps_cache_and_says_so(tmp_path: Path, fake_sec: FakeSec) -> None:
    feed = make_feed(fake_sec, tmp_path)
    await feed.refresh_once()
    await feed.client.aclose()
    from tests.fake_yahoo import free_port_refusing

    down = free_port_refusing()
    client = SecClient(CONTACT, data_url=down, tickers_url=down + "/files/company_tickers.json")
    offline = FilingsFeed(WATCHED, client, JsonStore(tmp_path / "sec.db"))
    offline.load_cached()
    update = await offline.refresh_once()
    assert "connection refused" in (update.companies["CRWV"].reason or "")
    assert update.companies["CRWV"].filings
    assert client.requests == 1  # the ticker table came from the cache; one try, then stop
    await client.aclose()


def test_schedule_follows_the_us_day() -> None:
    feed = FilingsFeed(WATCHED, None, market_interval=600, closed_interval=3600)
    assert feed.interval(datetime(2026, 11, 20, 15, 30, tzinfo=UTC)) == 600  # Fri 10:30 NY
    assert feed.interval(datetime(2026, 11, 20, 22, 30, tzinfo=UTC)) == 600  # 17:30: after-hours
    assert feed.interval(datetime(2026, 11, 21, 15, 30, tzinfo=UTC)) == 3600  # Saturday
    assert feed.interval(datetime(2026, 11, 20, 6, 0, tzinfo=UTC)) == 3600  # 01:00 NY
