"""Headlines for the watched symbols from Yahoo's search endpoint, deduplicated and marked.

``/v1/finance/search?q=SYM&newsCount=N&quotesCount=0`` goes through the same
:class:`~neotui.data.market.yahoo.YahooClient` as quotes (one session, one transport). The traps of
the recorded bodies: news for ``q=AAPL`` need not be about AAPL, items come unsorted, ``thumbnail``
and ``relatedTickers`` are optional, ``news`` may be empty or missing, and the same story comes back
for several symbols. A headline naming a provider, a counterparty of the book or a dollar amount is
a deal candidate.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from neotui.data.clean import clean_text, web_url
from neotui.data.deals import DealBook
from neotui.data.feeds_store import JsonStore
from neotui.data.market.yahoo import FailureKind, FetchError, YahooClient
from neotui.data.symbols import symbol_problem

NEWS_KEY = "yahoo:news"
#: Searches sent per headline cycle at most: a long watchlist is covered in turns, this many
#: symbols a cycle, instead of one request per symbol every cycle.
MAX_SEARCHES = 40
#: Epoch seconds a publication time may have (1971 to 9999): 1e20 is no date.
_MAX_EPOCH = 253_402_300_800

#: "$1.5 billion", "$300M", "US$ 2 bn", "20 bn", "14.2 billion dollars", "$1,200 million".
_MONEY = re.compile(
    r"(?:(?:US)?\$|USD\s?)\s?\d[\d,]*(?:\.\d+)?\s?(?:trillion|billion|million|bn|tn|mn|[bmk])\b"
    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:trillion|billion|bn|tn)\b",
    re.IGNORECASE,
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Headline:
    """One story. ``symbols`` are the watched symbols whose search returned it."""

    uuid: str
    title: str
    publisher: str
    link: str
    published: datetime
    related: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()
    candidate: str | None = None

    @property
    def key(self) -> str:
        """What identifies a story across symbols: its uuid, else its link."""
        return self.uuid or self.link


class NewsFormatError(ValueError):
    """The body is not a search answer."""


def parse_search(body: Any, symbol: str) -> list[Headline]:
    """The headlines in one search body. No ``news`` key, or an empty list, is no headlines.

    Raises:
        NewsFormatError: when the body is not a JSON object.
    """
    if not isinstance(body, dict):
        raise NewsFormatError(f"expected a JSON object, got {type(body).__name__}")
    items = body.get("news")
    if not isinstance(items, list):
        return []
    out: list[Headline] = []
    for item in items:
        headline = _headline(item, symbol)
        if headline is not None:
            out.append(headline)
    return out


def _headline(item: Any, symbol: str) -> Headline | None:
    """One search item as a headline, or None when it lacks a title, a web link or a usable
    publication time (a bad item is skipped; the others still count)."""
    if not isinstance(item, dict):
        return None
    title, stamp = item.get("title"), item.get("providerPublishTime")
    link = web_url(item.get("link"))
    if not isinstance(title, str) or not (title := " ".join(clean_text(title).split())):
        return None
    if link is None or isinstance(stamp, bool) or not isinstance(stamp, (int, float)):
        return None
    if not 0 < stamp < _MAX_EPOCH:  # false for nan too; no float() of a 400-digit int
        return None
    related = item.get("relatedTickers")
    related = (
        tuple(t for t in (clean_text(t).strip() for t in related if isinstance(t, str)) if t)
        if isinstance(related, list)
        else ()
    )
    uuid, publisher = item.get("uuid"), item.get("publisher")
    return Headline(
        uuid=clean_text(uuid).strip() if isinstance(uuid, str) else "",
        title=title,
        publisher=clean_text(publisher).strip() if isinstance(publisher, str) else "",
        link=link,
        published=datetime.fromtimestamp(stamp, UTC),
        related=related,
        symbols=(symbol,),
    )


def merge(lists: Iterable[Iterable[Headline]]) -> list[Headline]:
    """One list, each story once (by uuid, else link) with every symbol that found it,
    newest first."""
    by_key: dict[str, Headline] = {}
    for headlines in lists:
        for h in headlines:
            seen = by_key.get(h.key) or by_key.get(h.link)
            if seen is None:
                by_key[h.key] = h
            else:
                symbols = tuple(dict.fromkeys(seen.symbols + h.symbols))
                by_key[seen.key] = replace(seen, symbols=symbols)
    return sorted(by_key.values(), key=lambda h: (h.published, h.key), reverse=True)


def candidate_reason(title: str, names: Iterable[str]) -> str | None:
    """Why ``title`` looks like a deal: the first book name it mentions, or a dollar amount."""
    for name in names:
        if len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", title, re.IGNORECASE):
            return f"names {name}"
    if m := _MONEY.search(title):
        return f"amount {m.group(0).strip()}"
    return None


def mark(headlines: Sequence[Headline], names: Iterable[str]) -> list[Headline]:
    """``headlines`` with ``candidate`` set from the book's names (longest names first)."""
    ordered = sorted({n.strip() for n in names if n and n.strip()}, key=lambda n: (-len(n), n))
    return [replace(h, candidate=candidate_reason(h.title, ordered)) for h in headlines]


def headline_to_json(h: Headline) -> dict[str, Any]:
    """A headline in the cache's form."""
    return {"uuid": h.uuid, "title": h.title, "publisher": h.publisher, "link": h.link,
            "published": h.published.timestamp(), "related": list(h.related),
            "symbols": list(h.symbols)}  # fmt: skip


def _stored_link(value: object) -> str:
    """A cached link, checked again: only web links are ever handed to the opener."""
    link = web_url(value)
    if link is None:
        raise ValueError("not a web link")
    return link


def headline_from_json(d: Mapping[str, Any]) -> Headline:
    """The inverse of :func:`headline_to_json`."""
    return Headline(
        uuid=str(d["uuid"]), title=str(d["title"]), publisher=str(d["publisher"]),
        link=_stored_link(d["link"]),
        published=datetime.fromtimestamp(float(d["published"]), UTC),
        related=tuple(d.get("related") or ()), symbols=tuple(d.get("symbols") or ()),
    )  # fmt: skip


@dataclass(frozen=True)
class NewsUpdate:
    """The merged headlines, when they were last fetched, and per-symbol failures."""

    headlines: tuple[Headline, ...] = ()
    fetched_at: datetime | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    cached: bool = False
    disabled: str | None = None

    @property
    def reason(self) -> str | None:
        """One line for the pane when the headlines shown are not all fresh."""
        if self.disabled:
            return self.disabled
        if self.errors:
            first = next(iter(self.errors.items()))
            more = f" (+{len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
            return f"{first[0]}: {first[1]}{more}"
        return "cached" if self.cached else None

    def for_symbols(self, symbols: Iterable[str] | None) -> list[Headline]:
        """Headlines found for any of ``symbols`` (all with None), newest first."""
        if symbols is None:
            return list(self.headlines)
        wanted = set(symbols)
        return [h for h in self.headlines if wanted & set(h.symbols)]


class NewsFeed:
    """Fetches headlines for every watched symbol every ``interval`` seconds."""

    def __init__(
        self,
        symbols: Sequence[str],
        client: YahooClient,
        store: JsonStore | None = None,
        *,
        interval: float = 300.0,
        count: int = 10,
        max_searches: int = MAX_SEARCHES,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.symbols = tuple(dict.fromkeys(symbols))
        self.client = client
        self.store = store
        self.interval = interval
        self.count = count
        self.max_searches = max(1, max_searches)
        self._offset = 0
        self._clock = clock
        self._by_symbol: dict[str, list[Headline]] = {}
        self._update = NewsUpdate()
        self._wake = asyncio.Event()
        self.requests = 0

    def load_cached(self) -> NewsUpdate:
        """The last saved headlines, at once (no network)."""
        stored = self.store.get(NEWS_KEY) if self.store else None
        if stored is not None and isinstance(stored.body, dict):
            with contextlib.suppress(
                KeyError, ValueError, TypeError, AttributeError, OverflowError, OSError
            ):
                self._by_symbol = {
                    s: [headline_from_json(d) for d in rows] for s, rows in stored.body.items()
                }
                self._update = NewsUpdate(
                    tuple(merge(self._by_symbol.values())),
                    datetime.fromtimestamp(stored.saved, UTC),
                    cached=True,
                )
        return self._update

    async def _search(self, symbol: str) -> list[Headline]:
        if (problem := symbol_problem(symbol)) is not None:
            raise FetchError(FailureKind.NOT_FOUND, problem)  # never sent
        params = {"q": symbol.strip().upper(), "newsCount": str(self.count), "quotesCount": "0"}
        self.requests += 1
        body = await self.client.get_json("/v1/finance/search", params)
        try:
            return parse_search(body, symbol)
        except NewsFormatError as exc:
            raise FetchError(FailureKind.BAD_RESPONSE, str(exc)) from None

    def _turn(self) -> tuple[str, ...]:
        """The symbols searched this cycle: all of them, or the next ``max_searches`` in turn."""
        if len(self.symbols) <= self.max_searches:
            return self.symbols
        start = self._offset % len(self.symbols)
        self._offset = start + self.max_searches
        doubled = self.symbols + self.symbols
        return doubled[start : start + self.max_searches]

    async def refresh_once(self) -> NewsUpdate:
        """Search this cycle's symbols (all, up to ``max_searches``); a symbol that fails keeps
        its last headlines."""
        symbols = self._turn()
        results = await asyncio.gather(*(self._search(s) for s in symbols), return_exceptions=True)
        errors: dict[str, str] = {}
        for symbol, result in zip(symbols, results, strict=True):
            if isinstance(result, FetchError):
                errors[symbol] = result.reason
            elif isinstance(result, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
                raise result
            elif isinstance(result, BaseException):
                # One symbol's answer must not stop the feed: say what broke, keep going.
                errors[symbol] = f"unreadable answer ({type(result).__name__})"
            else:
                self._by_symbol[symbol] = result
        fetched = self._clock() if len(errors) < len(symbols) else self._update.fetched_at
        self._update = NewsUpdate(tuple(merge(self._by_symbol.values())), fetched, errors)
        if self.store is not None and len(errors) < len(symbols):
            body = {s: [headline_to_json(h) for h in rows] for s, rows in self._by_symbol.items()}
            await asyncio.to_thread(self.store.put, NEWS_KEY, body)
        return self._update

    def request_refresh(self) -> None:
        """Fetch now instead of at the next scheduled time."""
        self._wake.set()

    async def run(self, publish: Callable[[NewsUpdate], object]) -> None:
        """Fetch, publish, wait ``interval``, forever (until cancelled)."""
        while True:
            self._wake.clear()
            publish(await self.refresh_once())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)


def book_names(book: DealBook) -> list[str]:
    """The names a deal headline would mention: providers (name and ticker) and every
    counterparty of the book."""
    names = {p.name for p in book.providers.values()}
    names |= {p.ticker for p in book.providers.values() if p.ticker}
    names |= {d.counterparty for d in book.deals}
    return sorted(names)
