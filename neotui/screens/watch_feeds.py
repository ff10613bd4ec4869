"""The Filings · News pane's place on the watch screen: built at the first ``f`` (its module
loads then), given what arrived before, kept up to date while it exists, and linked to the
selected provider."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.content import Content

if TYPE_CHECKING:
    from textual.screen import Screen

    from neotui.data.deals import DealBook
    from neotui.data.news import NewsUpdate
    from neotui.data.sec.feed import FilingsUpdate
    from neotui.widgets.feeds import FeedsPane


def book_feed_data(book: DealBook) -> dict[str, Any]:
    """What the pane takes from the book: names that make a headline a deal candidate, and the
    URLs already captured as deals."""
    from neotui.data.news import book_names

    captured = [d.source for d in book.deals if d.captured]
    return {"names": book_names(book), "captured": captured}


class FeedsSlot:
    """The pane (None until first shown) and what it will be given."""

    def __init__(self, forms: tuple[str, ...]) -> None:
        self.forms = forms
        self.pane: FeedsPane | None = None
        self._data: dict[str, Any] = {}
        #: The symbols to show (None: every watched one), a note, the provider's name.
        self._selection: tuple[list[str] | None, str | None, str] = (None, None, "all")

    @property
    def shown(self) -> bool:
        """Whether the pane is on screen."""
        return self.pane is not None and not self.pane.has_class("hidden")

    def filings(self, update: FilingsUpdate, now: datetime) -> None:
        """New filings (or how to turn them on): kept, and drawn if the pane is there."""
        self._data["filings"] = update
        if self.pane is not None:
            self.pane.update_data(filings=update, now=now)

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
            await screen.query_one("#main").mount(pane, after="#capacity")
            pane.update_data(**self._data, **book_feed_data(book), now=now)
            self._apply_selection(pane)
        return self.pane
