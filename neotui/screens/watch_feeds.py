"""The Filings · News pane's place on the watch screen: built at the first ``f`` (its module
loads then), given what arrived before, kept up to date while it exists, and linked to the
selected provider.

It also reads deal filings (8-Ks with a deal item, 6-Ks) for the pane: on demand when the pane
asks (a row highlighted), and in the background when the filings feed delivers new ones, at
most :data:`PREFETCH` a delivery, so the detail and ``x`` find them in the cache. Every read
goes through the app's SEC client (its one 10-a-second token bucket) in a worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from textual.content import Content

from neotui.screens.host import host_of

if TYPE_CHECKING:
    from textual.screen import Screen

    from neotui.data.deals import DealBook
    from neotui.data.news import NewsUpdate
    from neotui.data.sec.documents import FilingReading
    from neotui.data.sec.feed import FilingsFeed, FilingsUpdate
    from neotui.data.sec.submissions import Filing
    from neotui.widgets.feeds import FeedsPane

#: New deal filings read in the background per delivery of the filings feed, newest first. A
#: filing costs 2 to 7 requests (index, primary document, up to four exhibits, index.json when
#: the index page fails), so a delivery costs at most 28, about 3 s of the 10-a-second budget.
PREFETCH = 4
#: Only filings filed in these last days are read in the background: a first start (or one
#: after a long pause) delivers years of filings at once, and those are read only when asked.
PREFETCH_DAYS = 7


def filing_key(f: Filing) -> tuple[int, str]:
    """A filing's CIK and accession (one accession filed jointly is under two CIKs); the same
    key as the pane's (its module is not imported before the pane is built)."""
    return (f.cik, f.accession)


def parties_for(book: DealBook, symbol: str) -> tuple[list[str], list[str]]:
    """Names a filing's counterparty is looked for among (the book's counterparties and
    providers), and the filer's own names, never a counterparty of itself."""
    names = sorted({d.counterparty for d in book.deals} | {p.name for p in book.providers.values()})
    own = next((p for p in book.providers.values() if p.ticker == symbol), None)
    exclude = [n for n in (own.name, own.ticker) if n] if own else []
    return names, exclude


def book_feed_data(book: DealBook) -> dict[str, Any]:
    """What the pane takes from the book: names that make a headline a deal candidate, and the
    URLs already captured as deals."""
    from neotui.data.news import book_names

    captured = [d.source for d in book.deals if d.captured]
    return {"names": book_names(book), "captured": captured}


class FeedsSlot:
    """The pane (None until first shown) and what it will be given."""

    def __init__(self, forms: tuple[str, ...], owner: Screen[Any] | None = None) -> None:
        """``owner``: the screen the pane lives on (its app runs the background reads)."""
        self.forms = forms
        self._owner = owner
        self.pane: FeedsPane | None = None
        self._data: dict[str, Any] = {}
        #: The symbols to show (None: every watched one), a note, the provider's name.
        self._selection: tuple[list[str] | None, str | None, str] = (None, None, "all")
        #: What was read, by CIK and accession (failures are not kept: they are tried again).
        self.readings: dict[tuple[int, str], FilingReading] = {}
        self._pending: set[tuple[int, str]] = set()  # being read (on demand or in background)
        self._wanted: set[tuple[int, str]] = set()  # asked for by the pane while being read
        self._known: set[tuple[int, str]] = set()  # delivered before: what is new
        self._screen: Screen | None = None

    @property
    def shown(self) -> bool:
        """Whether the pane is on screen."""
        return self.pane is not None and not self.pane.has_class("hidden")

    def filings(self, update: FilingsUpdate, now: datetime) -> None:
        """New filings (or how to turn them on): kept, and drawn if the pane is there."""
        self._data["filings"] = update
        if self.pane is not None:
            self.pane.update_data(filings=update, now=now)
        self._prefetch(update, now)

    def news(self, update: NewsUpdate, now: datetime) -> None:
        """New headlines (the last good ones stay when a fetch fails)."""
        self._data["news"] = update
        if self.pane is not None:
            self.pane.update_data(news=update, now=now)

    def book(self, book: DealBook) -> None:
        """A new deals book: candidate names and captured URLs change."""
        if self.pane is not None:
            self.pane.update_data(**book_feed_data(book))

    def tick(self, now: datetime) -> None:
        """Ages move on while the pane is shown."""
        if self.pane is not None and self.pane.display:
            self.pane.update_data(now=now)

    def select(self, symbols: list[str] | None, note: str | None, name: str) -> None:
        """Link the pane to a provider (its symbols, or a note saying why there are none)."""
        self._selection = (symbols, note, name)
        if self.pane is not None:
            self._apply_selection(self.pane)

    def _apply_selection(self, pane: FeedsPane) -> None:
        symbols, note, name = self._selection
        pane.border_title = Content(f"Filings · News · {name}")
        pane.show_symbols(symbols, note=note)

    async def ensure(self, screen: Screen, book: DealBook, now: datetime) -> FeedsPane:
        """The pane, built and mounted (hidden) after the capacity table the first time."""
        if self.pane is None:
            from neotui.widgets.feeds import FeedsPane

            pane = FeedsPane(self.forms, id="feeds", classes="hidden")
            self.pane = pane
            self._screen = screen
            pane.readings.update(self.readings)
            feed = host_of(screen).filings
            if feed is not None and feed.client is not None:
                pane.reader = self.read
            await screen.query_one("#main").mount(pane, after="#capacity")
            pane.update_data(**self._data, **book_feed_data(book), now=now)
            self._apply_selection(pane)
        return self.pane

    # --- reading deal filings -------------------------------------------------------------------

    def read(self, filing: Filing) -> None:
        """The pane asks for ``filing``: shown at once if read, else read in a worker (once: a
        read under way is not started again)."""
        done = self.readings.get(filing_key(filing))
        if done is not None:
            if self.pane is not None:
                self.pane.show_reading(done)
            return
        if filing_key(filing) in self._pending:
            self._wanted.add(filing_key(filing))
            return
        if self._screen is None:
            return
        self._pending.add(filing_key(filing))
        self._screen.run_worker(self._read(filing), name="filing read", group="filing-read",
                                exit_on_error=False)  # fmt: skip

    async def _read(self, filing: Filing) -> None:
        """Read (from the cache, or from EDGAR) and give the pane what was read."""
        from neotui.data.sec.documents import read_filing

        screen = self._screen
        assert screen is not None
        feed = host_of(screen).filings
        try:
            if feed is None or feed.client is None:
                return
            names, exclude = parties_for(getattr(screen, "book", None) or _empty_book(),
                                         filing.symbol)  # fmt: skip
            reading = await read_filing(feed.client, feed.store, filing.cik, filing.accession,
                                        form=filing.form, primary=filing.document, names=names,
                                        exclude=exclude)  # fmt: skip
        finally:
            self._pending.discard(filing_key(filing))
            self._wanted.discard(filing_key(filing))
        if not reading.reason:
            self.readings[filing_key(filing)] = reading
        if self.pane is not None:
            self.pane.show_reading(reading)

    def _prefetch(self, update: FilingsUpdate, now: datetime) -> None:
        """New deal filings of the watched companies, read in the background (text only, into
        the cache): those not delivered before and filed in the last :data:`PREFETCH_DAYS`,
        at most :data:`PREFETCH` a delivery, newest first."""
        from neotui.data.sec.documents import worth_reading

        filings = update.filings()
        since = now.date() - timedelta(days=PREFETCH_DAYS)
        new = [f for f in filings if filing_key(f) not in self._known and f.filed >= since]
        self._known.update(filing_key(f) for f in filings)
        chosen = [f for f in new if worth_reading(f.form, f.item_codes)
                  and filing_key(f) not in self._pending][:PREFETCH]  # fmt: skip
        if not chosen:
            return
        if self._owner is None or not self._owner.is_attached:
            return  # no screen (a test of the slot alone) or shutting down: nothing to run on
        app = self._owner.app
        feed = host_of(app).filings
        if feed is None or feed.client is None:
            return
        self._pending.update(filing_key(f) for f in chosen)
        app.run_worker(self._prefetch_run(feed, chosen), name="filings prefetch",
                       group="filing-prefetch", exit_on_error=False)  # fmt: skip

    async def _prefetch_run(self, feed: FilingsFeed, filings: list[Filing]) -> None:
        """One by one (the token bucket spaces the requests); a failure is left for the
        on-demand read, which says why."""
        from neotui.data.sec.client import SecError
        from neotui.data.sec.documents import fetch_filing_text

        assert feed.client is not None
        for f in filings:
            try:
                await fetch_filing_text(feed.client, feed.store, f.cik, f.accession,
                                        form=f.form, primary=f.document)  # fmt: skip
            except (SecError, ValueError):
                pass
            finally:
                self._pending.discard(filing_key(f))
            if filing_key(f) in self._wanted:
                self._wanted.discard(filing_key(f))
                self.read(f)  # from the cache now


def _empty_book() -> DealBook:
    from neotui.data.deals import DealBook

    return DealBook()
