"""Headlines: parsing the recorded search bodies, dedup and marking, and the feed through the
YahooClient against the fake Yahoo server's search route."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx

from neotui.data.feeds_store import JsonStore
from neotui.data.market.yahoo import YahooClient
from neotui.data.news import NewsFeed, candidate_reason, mark, merge, parse_search
from tests.fake_yahoo import FakeYahoo, recorded

GOOG = "y2_search_GOOG_news_2025-02-25.json"
AAPL = "y2_search_AAPL_news_2025-02-25.json"
NO_NEWS = "y2_search_BJ0CDD2_one_quote_no_news_2025-02-25.json"


def body(name: str):
    return json.loads(recorded(name)[2])


def test_parse_goog_items_without_thumbnail_and_unsorted() -> None:
    items = parse_search(body(GOOG), "GOOG")
    assert len(items) == 4
    assert all(h.symbols == ("GOOG",) and h.link.startswith("https://") for h in items)
    assert {h.publisher for h in items} >= {"Zacks", "MT Newswires"}
    assert any(h.related == ("LNW", "DKNG") for h in items)
    merged = merge([items])
    assert [h.published for h in merged] == sorted((h.published for h in items), reverse=True)
    assert merged[0].published.tzinfo is UTC


def test_no_news_missing_news_and_not_an_object() -> None:
    assert parse_search(body(NO_NEWS), "X") == []
    assert parse_search({"quotes": []}, "X") == []
    import pytest

    from neotui.data.news import NewsFormatError

    with pytest.raises(NewsFormatError):
        parse_search(["not", "a", "dict"], "X")


def test_item_without_related_tickers_and_hostile_title() -> None:
    item = {"uuid": "u1", "title": "[bold red]Deal[/] \x1b[31mred\x1b[0m\nnext"}
    item.update({"publisher": "P", "link": "https://x.test/a", "providerPublishTime": 1})
    raw = {"news": [item]}
    (h,) = parse_search(raw, "CRWV")
    assert h.title == "[bold red]Deal[/] red next"  # markup kept as text, escapes removed
    assert h.related == ()


def test_dedup_across_symbols_keeps_every_symbol() -> None:
    a = parse_search(body(GOOG), "NVDA")
    b = parse_search(body(GOOG), "CRWV")
    merged = merge([a, b])
    assert len(merged) == 4
    assert all(h.symbols == ("NVDA", "CRWV") for h in merged)


def test_candidates_by_name_or_amount() -> None:
    assert candidate_reason("CoreWeave signs deal with Meta", ["Meta"]) == "names Meta"
    assert candidate_reason("Metadata is hard", ["Meta"]) is None
    for title in ("OpenAI commits $1.5 billion", "raises $300M", "a 20 bn facility",
                  "US$ 2 bn loan", "$14.2B contract"):  # fmt: skip
        assert candidate_reason(title, []) is not None, title
    assert candidate_reason("Shares up 5% on volume of 300", []) is None
    marked = mark(parse_search(body(GOOG), "GOOG"), ["Meta", "Oracle"])
    assert [h.candidate for h in marked if h.candidate] == ["names Meta"]
    amounts = mark(parse_search(body(AAPL), "AAPL"), [])
    assert [h.candidate for h in amounts if h.candidate] == ["amount $500B"]


async def test_feed_through_fake_yahoo_and_cache(tmp_path: Path) -> None:
    fake = FakeYahoo().start()
    fake.news.update({"NVDA": GOOG, "CRWV": GOOG, "NBIS": AAPL})
    try:
        client = YahooClient(fake.url)
        feed = NewsFeed(("NVDA", "CRWV", "NBIS", "IREN"), client, JsonStore(tmp_path / "n.db"),
                        count=5)  # fmt: skip
        update = await feed.refresh_once()
        assert len(update.headlines) == 8 and not update.errors
        assert fake.counts["search:NVDA"] == 1 and fake.counts["search:IREN"] == 1
        query = next(q for _, s, q in fake.requests if s == "search:NVDA")
        assert "newsCount=5" in query and "quotesCount=0" in query
        fake.news_fault = "html"
        again = await feed.refresh_once()
        assert again.headlines == update.headlines  # last good stays
        assert "web page" in (again.reason or "")
        assert again.fetched_at == update.fetched_at
        await client.aclose()
    finally:
        fake.stop()
    restarted = NewsFeed(("NVDA",), YahooClient("http://127.0.0.1:9"), JsonStore(tmp_path / "n.db"))
    cached = restarted.load_cached()
    assert len(cached.headlines) == 8 and cached.cached and cached.reason == "cached"


async def test_search_failure_kinds_through_mock_transport() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=b'{"news": [{"title": ', headers={"content-type": "application/json"}
        )

    client = YahooClient("http://yahoo.test", transport=httpx.MockTransport(handler))
    feed = NewsFeed(("CRWV",), client, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    update = await feed.refresh_once()
    assert update.headlines == () and "truncated" in update.errors["CRWV"]
    await client.aclose()
