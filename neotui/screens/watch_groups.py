"""Which watchlist group the watch screen shows: one group, or all of them under headings.

The groups' symbols are all fetched by the one feed (:attr:`Settings.feed_symbols`), so a
switch is a redraw of what is known: the quotes table's rows, the sector pane's equal-weight
line(s) and the status line's name of the group; no request, no wait. Positions and alerts
follow the feed, not the view, so they do not change with the group shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content

from neotui import formatting as fmt
from neotui.data.groups import WatchGroup
from neotui.widgets.cells import direction_style
from neotui.widgets.quotes import QuotesTable
from neotui.widgets.sector import SectorPane, groups_text
from neotui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from neotui.data.analytics.valuation import SectorLine, YearIndex
    from neotui.data.deals import DealBook
    from neotui.data.market.quote import DailyHistory, Quote
    from neotui.screens.watch import WatchScreen


class GroupView:
    """The group shown on one watch screen, and how each switch is drawn.

    Args:
        screen: the watch screen whose quotes, sector and status line it draws into.
        groups: the watchlist first, then the ``[[group]]`` groups.
        start: the name of the group shown first (``--group``); unknown or empty: the first.
    """

    def __init__(self, screen: WatchScreen, groups: tuple[WatchGroup, ...], start: str) -> None:
        self._screen = screen
        self.groups = groups
        names = [g.name for g in groups]
        self.index = names.index(start) if start in names else 0
        self.all = False
        self._years: dict[str, YearIndex] = {}

    @property
    def group(self) -> WatchGroup:
        """The group shown (the last one cycled to, when all are shown)."""
        return self.groups[self.index]

    @property
    def symbols(self) -> tuple[str, ...]:
        """The symbols of the group shown (the quotes table is built with them)."""
        return self.group.symbols

    @property
    def label(self) -> str | None:
        """What the status line says: the group and its place; None with only one group."""
        if len(self.groups) < 2:
            return None
        if self.all:
            return f"all {len(self.sections())} groups"
        return f"{self.group.name} {self.index + 1}/{len(self.groups)}"

    def sections(self) -> list[WatchGroup]:
        """The groups shown under headings: every ``[[group]]``, and the watchlist when it has
        symbols in none of them (with only those), so each symbol shows once in the view."""
        rest = self.groups[1:]
        grouped = {s for g in rest for s in g.symbols}
        watchlist = self.groups[0]
        left = tuple(s for s in watchlist.symbols if s not in grouped)
        first = [WatchGroup(watchlist.name, left)] if left else []
        return [*first, *rest]

    # --- keys -----------------------------------------------------------------------------------

    def cycle(self) -> None:
        """The next group (from all groups: the group after the one last shown)."""
        if len(self.groups) < 2:
            self._screen.notify(
                "One group only: add [[group]] tables to neotui.toml (see the README).",
                timeout=5,
            )
            return
        self.all = False
        self.index = (self.index + 1) % len(self.groups)
        self.show()

    def toggle_all(self) -> None:
        """All groups under their headings, or back to the one group shown before."""
        if len(self.groups) < 2:
            self.cycle()  # says why there is nothing to show
            return
        self.all = not self.all
        self.show()

    def show(self) -> None:
        """Draw the view: the quotes table's rows, the status line, and (after this frame,
        with the other market views) the sector pane."""
        screen = self._screen
        quotes = screen.query_one(QuotesTable)
        # A taller quotes pane (app.tcss). On the table, not the screen: a screen's class
        # restyles every widget on it (~10 ms, a frame's worth).
        quotes.set_class(self.all, "all-groups")
        states = screen._feed.states if screen._feed is not None else None
        if self.all:
            shown = self.sections()
            seen: set[str] = set()
            sections: list[tuple[tuple[str, str] | None, tuple[str, ...]]] = []
            for g in shown:
                above = [s for s in g.symbols if s in seen]
                seen.update(g.symbols)
                note = f"{len(g.symbols)} symbol{'s' if len(g.symbols) != 1 else ''}"
                if above:
                    note += f", {', '.join(above)} above"
                sections.append(((g.name, note), g.symbols))
            quotes.set_groups(sections, states)
        else:
            quotes.set_groups([(None, self.group.symbols)], states)
        self.label_view()
        screen._market_views_soon()

    def label_view(self) -> None:
        """Name the view in the status line and the quotes pane's title (with one group, both
        stay as they were before groups)."""
        label = self.label
        if label is None:
            return
        screen = self._screen
        # Content, not a str: a str title is parsed as markup, and names come from user files.
        screen.query_one(QuotesTable).border_title = Content(f"Quotes · {label}")
        status = screen.query_one(StatusLine)
        status.group = label
        status.show()

    # --- the sector pane ------------------------------------------------------------------------

    def show_sector(
        self,
        book: DealBook,
        quotes: Mapping[str, Quote | None],
        histories: Mapping[str, DailyHistory] | None,
    ) -> None:
        """The sector pane for the view: the watchlist's neocloud basket as before groups, a
        group's own equal-weight basket, or one line per group when all are shown."""
        from neotui.data.analytics.valuation import basket_line, sector_line

        pane = self._screen.query_one(SectorPane)
        if self.all:
            lines = [(g.name, basket_line(g.symbols, quotes)) for g in self.sections()]
            pane.show_text(groups_text(lines, max(8, pane.size.width - 14)))
            return
        group = self.group
        if self.index == 0:  # the watchlist: the neocloud basket, NVIDIA apart, as before
            line = self._year(group.name).apply(sector_line(book, group.symbols, quotes), histories)
            pane.show(line)
            return
        line = self._year(group.name).apply(basket_line(group.symbols, quotes), histories)
        pane.show_text(self._with_benchmark(line, group, quotes, pane.size.width))

    def _year(self, name: str) -> YearIndex:
        """Each group's one-year index, computed once per set of histories."""
        from neotui.data.analytics.valuation import YearIndex

        return self._years.setdefault(name, YearIndex())

    @staticmethod
    def _with_benchmark(
        line: SectorLine, group: WatchGroup, quotes: Mapping[str, Quote | None], width: int
    ) -> Text:
        from neotui.widgets.sector import sector_text

        text = sector_text(line, max(8, width - 18) if width else 20, group.name)
        if group.benchmark is None:
            return text
        q = quotes.get(group.benchmark)
        change = q.change_pct if q is not None else None
        text.append(f"\n{group.benchmark} ", style="bold")
        if change is None:
            text.append("no quote yet", style="dim")
        else:
            text.append(fmt.percent(change), style=direction_style(change))
        text.append("  benchmark", style="dim")
        return text


def action_next_group(screen: WatchScreen) -> None:
    """The next watchlist group (the watch screen's ``neotui.group.next`` key)."""
    screen.groups.cycle()


def action_all_groups(screen: WatchScreen) -> None:
    """Every group under its heading, or back (the ``neotui.group.all`` key)."""
    screen.groups.toggle_all()
