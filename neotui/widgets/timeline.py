"""The deal timeline: newest first, filtered by provider and by text, with the selected deal's
summary and source below it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from neotui import formatting as fmt
from neotui.data.deals import DealBook
from neotui.data.events import Impact
from neotui.data.models import Deal
from neotui.widgets.cells import direction_style, plain, right

#: The most rows the timeline draws at once (newest first); the filter narrows the rest.
MAX_ROWS = 150

KIND_STYLE = {
    "compute": "bold cyan",
    "hosting": "cyan",
    "equity": "magenta",
    "acquisition": "yellow",
    "debt": "red",
    "funding": "green",
    "partnership": "blue",
    "supply": "bright_black",
}


def deal_text(deal: Deal, provider_name: str) -> str:
    """Everything a text filter should match for one deal (lower case)."""
    parts = [
        deal.id,
        provider_name,
        deal.counterparty,
        deal.kind,
        deal.summary,
        deal.source,
        deal.hardware or "",
        deal.location or "",
        deal.note or "",
        str(deal.date),
    ]
    return " ".join(parts).lower()


def clip(text: str, width: int) -> str:
    """Shorten long names in table cells; the detail line below shows them whole."""
    return text if len(text) <= width else text[: width - 1] + "…"


def term(deal: Deal) -> str:
    """The deal's duration: until a date, or a number of years."""
    if deal.ends:
        return f"to {deal.ends:%Y-%m}"
    if deal.term_years:
        return f"{deal.term_years:g} y"
    return ""


def scale(deal: Deal) -> str:
    """Power, GPUs and hardware, as much as is known."""
    bits = []
    if deal.power_mw:
        bits.append(fmt.power(deal.power_mw))
    if deal.gpus:
        bits.append(f"{fmt.count(deal.gpus)} GPUs")
    if deal.hardware:
        bits.append(deal.hardware)
    return " · ".join(bits)


def value(deal: Deal) -> str:
    """The deal's amount in its own currency."""
    if deal.value_usd is not None:
        return fmt.money(deal.value_usd)
    if deal.value_eur is not None:
        return fmt.money(deal.value_eur, "EUR")
    return "—"


#: |t| at or above this: the Day 0 figure is drawn bold (unlikely to be noise at ~5 %).
SIGNIFICANT_T = 1.96


def _pct(value: float | None) -> str:
    return "—" if value is None else fmt.percent(value * 100.0)


def day0_cell(impact: Impact | None) -> Text:
    """The Day 0 column: the abnormal return on day 0, coloured; blank when not computable."""
    if impact is None or impact.study.abnormal_0 is None:
        return right("")
    s = impact.study
    strong = s.t_car_m1_p1 is not None and abs(s.t_car_m1_p1) >= SIGNIFICANT_T
    style = direction_style(s.abnormal_0) + (" bold" if strong else "")
    return right(f"{s.abnormal_0 * 100.0:+.1f}%", style)


def impact_line(impact: Impact) -> Text:
    """The deal detail's event-study line: the figures, or why there are none."""
    s = impact.study
    text = Text()
    if s.model is None or s.return_0 is None:
        text.append("Day 0: ", style="dim")
        text.append(f"not computed — {s.note}", style="dim")
        return text
    model = "market model" if s.model == "market" else "market-adjusted"
    text.append(f"Day 0 {s.day0} vs {s.benchmark}", style="bold")
    text.append(f" ({model}, {s.estimation_days} sessions): ", style="dim")
    text.append(f"return {_pct(s.return_0)} · ")
    text.append(f"AR {_pct(s.abnormal_0)}", style=direction_style(s.abnormal_0))
    text.append(f" · CAR[-1,+1] {_pct(s.car_m1_p1)} · CAR[0,+5] {_pct(s.car_0_p5)}")
    text.append(" · t " + ("—" if s.t_car_m1_p1 is None else f"{s.t_car_m1_p1:+.2f}"))
    if s.note:
        text.append(f"  ({s.note})", style="dim")
    return text


class DealTable(DataTable[Text]):
    """The timeline rows. Rows are rebuilt only when the set of shown deals changes."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="neotui.timeline.down"),
        Binding("k", "cursor_up", "Up", show=False, id="neotui.timeline.up"),
    ]

    class DealHighlighted(Message):
        """The highlighted deal changed (None when the table is empty)."""

        def __init__(self, table: DealTable, deal: Deal | None) -> None:
            super().__init__()
            self.table = table
            self.deal = deal

        @property
        def control(self) -> DealTable:
            return self.table

    def __init__(self, **kw) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self.book = DealBook()
        self.provider: str | None = None
        self.text = ""
        self._shown: list[Deal] = []
        self._ordered: list[Deal] = []
        self._row_cells: dict[str, list[Text]] = {}
        self._search: dict[str, str] = {}
        self.impacts: dict[str, Impact] = {}
        self.total = 0

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        # Fixed widths (cells are clipped to fit): a rebuild then draws without measuring every
        # cell, which made filtering a large book take a quarter of a second.
        for key, label, width in (
            ("date", "Date", 10),
            ("provider", "Provider", 16),
            ("counterparty", "With", 24),
            ("kind", "Kind", 11),
            ("value", "Value", 8),
            ("day0", "Day 0", 7),
            ("term", "Term", 10),
            ("scale", "Power · GPUs · hardware", 24),
        ):
            self.add_column(label, key=key, width=width)

    @property
    def shown(self) -> list[Deal]:
        """The deals on screen, in order."""
        return list(self._shown)

    @property
    def current(self) -> Deal | None:
        """The highlighted deal."""
        if not self._shown or not 0 <= self.cursor_row < len(self._shown):
            return None
        return self._shown[self.cursor_row]

    def set_book(self, book: DealBook) -> None:
        """Show a new book (after a reload), keeping filters and, if it still exists, the row."""
        self.book = book
        self._ordered = book.timeline()
        self._row_cells = {}
        self._search = {
            d.id: deal_text(
                d, book.providers[d.provider].name if d.provider in book.providers else d.provider
            )
            for d in book.deals
        }
        self._rebuild(force=True)

    def set_impacts(self, impacts: dict[str, Impact]) -> None:
        """The event study arrived (or changed): redraw the Day 0 cells."""
        if impacts == self.impacts:
            return
        self.impacts = impacts
        self._row_cells = {}
        self._rebuild(force=True)

    def set_filter(self, provider: str | None = None, text: str | None = None) -> None:
        """Filter by provider (None: all) and/or by text (words must all match)."""
        if provider is not None or text is None:
            self.provider = provider if provider is not None else self.provider
        if text is not None:
            self.text = text
        self._rebuild()

    def show_provider(self, provider: str | None) -> None:
        """Filter to one provider, or all with None."""
        self.provider = provider
        self._rebuild()

    def _matches(self, deal: Deal, words: list[str]) -> bool:
        if self.provider is not None and deal.provider != self.provider:
            return False
        haystack = self._search.get(deal.id, "")
        return all(w in haystack for w in words)

    def _rebuild(self, force: bool = False) -> None:
        words = self.text.lower().split()
        matches = [d for d in self._ordered if self._matches(d, words)]
        # A timeline is read from the top: the newest MAX_ROWS matches are drawn, the count of
        # the rest is shown, and the filter narrows it. Drawing 10,000 rows would take seconds.
        shown = matches[:MAX_ROWS]
        self.total = len(matches)
        if not force and [d.id for d in shown] == [d.id for d in self._shown]:
            return
        keep = self.current.id if self.current else None
        self._shown = shown
        self.clear()
        self.add_rows(self._row(d) for d in shown)
        index = next((i for i, d in enumerate(shown) if d.id == keep), 0)
        if shown:
            self.move_cursor(row=index)
        self.post_message(self.DealHighlighted(self, self.current))

    def _row(self, deal: Deal) -> list[Text]:
        """A deal's cells, built once per book and reused by every filter."""
        cells = self._row_cells.get(deal.id)
        if cells is None:
            provider = self.book.providers.get(deal.provider)
            cells = self._cells(deal, provider.name if provider else deal.provider)
            self._row_cells[deal.id] = cells
        return cells

    def _cells(self, deal: Deal, provider_name: str) -> list[Text]:
        # Another outlet's report of a deal shown elsewhere: dimmed, so the eye counts it once.
        echo = " dim" if deal.report_of else ""
        return [
            plain(deal.when, "dim" if deal.date_kind == "reported" else ""),
            plain(clip(provider_name, 16), "bold" + echo),
            # A captured draft (x in the Filings · News pane) is marked until it is completed.
            plain(
                clip(("✎ " if deal.captured else "") + deal.counterparty, 24),
                "italic green" if deal.captured else echo,
            ),
            plain(deal.kind, KIND_STYLE.get(deal.kind, "") + echo),
            right(value(deal) + ("ʳ" if deal.report_of else " "), "bold" + echo),
            day0_cell(self.impacts.get(deal.id)),
            plain(term(deal), "dim"),
            plain(clip(scale(deal), 24), echo),
        ]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.DealHighlighted(self, self.current))


class DealDetail(Static):
    """The highlighted deal's summary, source and caveats, as plain text."""

    def show(
        self,
        deal: Deal | None,
        provider_name: str | None = None,
        impact: Impact | str | None = None,
    ) -> None:
        """Display ``deal`` (or a hint when there is none), with its event study if known, or
        the reason there is none (a string)."""
        if deal is None:
            self.update(Text("No deal matches. Clear the filter with / then escape.", style="dim"))
            return
        text = Text()
        text.append(f"{provider_name or deal.provider} ← {deal.counterparty}", style="bold")
        text.append(f"  {deal.kind} · {value(deal)} · {deal.date_kind} {deal.when}")
        if deal.stake_pct is not None:
            text.append(f" · {deal.stake_pct:g} % stake")
        if deal.scope == "sector":
            text.append(" · sector deal")
        text.append("\n")
        if isinstance(impact, str):
            text.append(f"Day 0: not computed — {impact}\n", style="dim")
        elif impact is not None:
            text.append_text(impact_line(impact))
            text.append("\n")
        text.append(deal.summary)
        text.append("\nSource: ", style="dim")
        text.append(deal.source, style="italic")
        if deal.seed:
            text.append(f" ({deal.seed})", style="dim")
        if deal.reported:
            text.append("  «", style="dim")
            text.append(deal.reported, style="dim italic")
            text.append("»", style="dim")
        if deal.report_of:
            text.append(
                f"\nʳ another report of {deal.report_of}; totals count that entry.", style="yellow"
            )
        if deal.captured:
            text.append("\n✎ captured draft (captured.toml): complete it there", style="green")
        if deal.note:
            text.append("\nNote: ", style="dim")
            text.append(deal.note, style="dim")
        self.update(text)


class Timeline(Vertical):
    """The timeline pane: the table and the detail of the highlighted deal."""

    def compose(self) -> ComposeResult:
        yield DealTable(id="deals")
        yield DealDetail(id="deal-detail")
