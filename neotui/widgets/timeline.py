"""The deal timeline: newest first, filtered by provider and by text, with the selected deal's
summary and source below it."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from neotui.data.analytics.earnings import EarningsBaseline, versus_earnings
from neotui.data.analytics.events import Impact
from neotui.data.deals import DealBook
from neotui.data.deals.models import Deal
from neotui.data.sec.insider_trades import CompanyInsiders
from neotui.data.timeline import TimelineEvent, earnings_events, filter_label, insider_events
from neotui.messages import ImpactUpdated
from neotui.widgets.cells import direction_style
from neotui.widgets.deal_cells import (  # re-exported: the detail screen and tests use them
    KIND_STYLE,
    SIGNIFICANT_T,
    _pct,
    clip,
    day0_cell,
    deal_text,
    scale,
    term,
    value,
)
from neotui.widgets.deal_table import COLUMNS, DealTable, fit_columns

__all__ = [
    "COLUMNS",
    "KIND_STYLE",
    "SIGNIFICANT_T",
    "DealDetail",
    "DealTable",
    "Timeline",
    "clip",
    "day0_cell",
    "deal_text",
    "fit_columns",
    "impact_line",
    "scale",
    "term",
    "value",
]


def impact_line(impact: Impact, width: int | None = None) -> Text:
    """The deal detail's event-study line: the figures, or why there are none. Given the
    ``width`` it is shown at, the line breaks between figures, never inside one ("AR" at the
    end of a line and its value on the next, hidden by the pane's height, read as cut)."""
    s = impact.study
    if s.model is None or s.return_0 is None:
        text = Text()
        text.append("Day 0: ", style="dim")
        text.append(f"not computed — {s.note}", style="dim")
        return text
    model = "market model" if s.model == "market" else "market-adjusted"
    t = "—" if s.t_car_m1_p1 is None else f"{s.t_car_m1_p1:+.2f}"
    parts: list[tuple[Text, str]] = [  # each part and what comes before it
        (Text(f"Day 0 {s.day0} vs {s.benchmark}", style="bold"), ""),
        (Text(f"({model}, {s.estimation_days} sessions):", style="dim"), " "),
        (Text(f"return {_pct(s.return_0)}"), " "),
        (Text(f"AR {_pct(s.abnormal_0)}", style=direction_style(s.abnormal_0)), " · "),
        (Text(f"CAR[-1,+1] {_pct(s.car_m1_p1)}"), " · "),
        (Text(f"CAR[0,+5] {_pct(s.car_0_p5)}"), " · "),
        (Text(f"t {t}"), " · "),
    ]
    if s.note:
        parts.append((Text(f"({s.note})", style="dim"), "  "))
    text = Text()
    column = 0
    for part, before in parts:
        if width and column and column + len(before) + part.cell_len > width:
            text.append("\n")
            column = 0
        elif column:
            text.append(before)
            column += len(before)
        text.append_text(part)
        column += part.cell_len
    return text


def event_text(event: TimelineEvent, provider_name: str, width: int | None = None) -> Text:
    """The detail of a timeline row that is not a deal: what it is, its Day 0 figures (the deal
    days' event study), and how it compares with the stock's other events."""
    text = Text()
    text.append(f"{provider_name} · {event.title}", style="bold")
    text.append(f"  {event.label} · {event.date}\n")
    study = event.study
    if study is not None:
        text.append_text(impact_line(Impact("", event.date, event.provider, "", "provider", study),
                                     width))  # fmt: skip
        text.append("\n")
    elif event.filing is None:  # an insider filing has no event study of its own
        text.append("Day 0: not computed yet\n", style="dim")
    text.append(event.detail)
    if event.comparison:
        text.append(f"\n{event.comparison}", style="dim")
    if event.url:
        text.append("\nSource: ", style="dim")
        text.append(event.url, style="italic")
    return text


class DealDetail(Static):
    """The highlighted deal's summary, source and caveats, as plain text."""

    _lines = -1  # wrapped lines of the text shown
    #: Each symbol's typical earnings move: a deal's Day 0 is read against it.
    baselines: dict[str, EarningsBaseline] = {}  # replaced whole, never mutated

    def show(
        self,
        deal: Deal | TimelineEvent | None,
        provider_name: str | None = None,
        impact: Impact | str | None = None,
    ) -> None:
        """Display ``deal`` (or a hint when there is none), with its event study if known, or
        the reason there is none (a string); a row of another kind shows its own study."""
        self._args = (deal, provider_name, impact)
        self._width = self.content_region.width
        if deal is None:
            self._show(Text("No deal matches. Clear the filter with / then escape.", style="dim"))
            return
        if isinstance(deal, TimelineEvent):
            width = self.content_region.width or None
            self._show(event_text(deal, provider_name or deal.provider, width))
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
            text.append_text(impact_line(impact, self.content_region.width or None))
            text.append("\n")
            if impact.study.symbol in self.baselines:  # earnings days known for the stock
                versus = versus_earnings(impact.study.abnormal_0, self.baselines[impact.symbol])
                text.append(f"vs earnings: {versus}\n", style="dim")

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
        if isinstance(impact, Impact) and len(impact.deal_ids) > 1:  # one reaction, many deals
            others = ", ".join(i for i in impact.deal_ids if i != deal.id)
            text.append(f"\nSame day, one event: also {others}", style="dim")
        self._show(text)

    def on_resize(self) -> None:
        # The event-study line breaks between figures at the width it is shown at.
        args = getattr(self, "_args", None)
        if args is not None and self.content_region.width != self._width:
            self.show(*args)

    def _show(self, text: Text) -> None:
        # A relayout of the whole screen per highlighted deal made filtering slow: lay out only
        # when the number of lines (hence the pane's height) changes.
        width = max(1, self.content_region.width)
        lines = len(text.wrap(self.app.console, width)) if self.is_mounted else -1
        self.update(text, layout=lines != self._lines)
        self._lines = lines


class Timeline(Vertical):
    """The timeline pane: the table and the detail of the highlighted deal."""

    #: The rows of each kind that is not a deal, replaced whole as each source reports.
    _earnings: list[TimelineEvent] = []
    _insiders: list[TimelineEvent] = []

    def compose(self) -> ComposeResult:
        yield DealTable(id="deals")
        yield DealDetail(id="deal-detail")

    def show_events(self, impact: ImpactUpdated | None, book: DealBook) -> None:
        """A new event study: the earnings rows into the table, and each stock's typical
        earnings move to the detail (a deal's Day 0 is read against it)."""
        if impact is None:
            return
        self.query_one(DealDetail).baselines = impact.baselines
        self._earnings = earnings_events(impact.earnings, book, impact.baselines)
        self._set_events()

    def show_insiders(self, companies: Mapping[str, CompanyInsiders], book: DealBook) -> None:
        """A new round of insider trades: one row per filing of each watched provider."""
        self._insiders = insider_events(companies, book)
        self._set_events()

    def _set_events(self) -> None:
        self.query_one(DealTable).set_events([*self._earnings, *self._insiders])
        self.update_subtitle()

    def update_subtitle(self) -> None:
        """The bottom border: how many rows match, of which kinds, and the active filters."""
        table = self.query_one(DealTable)
        count = table.total
        suffix = f" · “{table.text}”" if table.text else ""
        if len(table.shown) < count:
            suffix += f" · newest {len(table.shown)} shown, / to narrow"
        subtitle = f"{table.count_label()}{filter_label(table.kind)}{suffix}"
        # Content, not a str: a str subtitle is parsed as markup, and filter text is typed.
        self.border_subtitle = Content(subtitle)
