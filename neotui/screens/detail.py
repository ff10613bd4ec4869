"""A provider's detail screen: quote, price chart with its deals marked, deals, capacity,
financial figures with dates and sources, and counterparties."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual_plotext import PlotextPlot

from neotui import formatting as fmt
from neotui.data.deals import DealBook
from neotui.data.feed import SymbolState
from neotui.data.filing import Filing
from neotui.data.models import Provider
from neotui.data.quote import DailyHistory
from neotui.widgets.cells import direction_style, plain, right
from neotui.widgets.timeline import value


def provider_header(provider: Provider, state: SymbolState | None) -> Text:
    """Name, identity and, for public providers, the latest quote."""
    text = Text()
    text.append(provider.name, style="bold")
    facts = [provider.ticker or "private", provider.country]
    if provider.origin:
        facts.append(provider.origin)
    if provider.founded:
        facts.append(f"founded {provider.founded}")
    text.append("  " + " · ".join(facts), style="dim")
    q = state.quote if state else None
    if q is not None:
        colour = direction_style(q.change)
        text.append(f"\n{fmt.price(q.price)} {q.currency or ''} ", style="bold " + colour)
        text.append(f"{fmt.percent(q.change_pct)}", style=colour)
        extras = []
        if q.day_low is not None and q.day_high is not None:
            extras.append(f"day {fmt.price(q.day_low)}–{fmt.price(q.day_high)}")
        if q.year_low is not None and q.year_high is not None:
            extras.append(f"52w {fmt.price(q.year_low)}–{fmt.price(q.year_high)}")
        if q.volume is not None:
            extras.append(f"vol {fmt.count(q.volume)}")
        if state and state.fundamentals and state.fundamentals.market_cap:
            extras.append(f"cap {fmt.money(state.fundamentals.market_cap)}")
        if extras:
            text.append("  " + " · ".join(extras), style="dim")
        if state and state.status.value != "fresh":
            text.append(f"  ({state.status.value}: {state.reason})", style="yellow")
    if provider.summary:
        text.append("\n" + provider.summary)
    return text


#: Filings listed on the detail screen (newest first).
FILINGS_SHOWN = 12


class ProviderDetail(Screen[None]):
    """Everything neotui knows about one provider."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="neotui.detail.back"),
        Binding("1", "range('1d')", "1 day", id="neotui.detail.day"),
        Binding("y", "range('1y')", "1 year", id="neotui.detail.year"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="neotui.detail.next"),
    ]

    def __init__(
        self,
        provider: Provider,
        book: DealBook,
        state: SymbolState | None,
        *,
        filings: Sequence[Filing] = (),
    ) -> None:
        super().__init__()
        self.filings = list(filings)[:FILINGS_SHOWN]
        self.provider = provider
        self.book = book
        self.state = state
        self.range = "1y"
        self.history: DailyHistory | None = None
        self.history_error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with VerticalScroll(id="detail-body"):
            yield Static(provider_header(self.provider, self.state), id="detail-header")
            chart = PlotextPlot(id="chart")
            chart.border_title = "Price"
            yield chart
            with Horizontal(id="detail-tables"):
                deals = DataTable(id="detail-deals", cursor_type="row", zebra_stripes=True)
                deals.border_title = "Deals"
                yield deals
                with Vertical(id="detail-side"):
                    figures = DataTable(id="detail-figures", cursor_type="row", zebra_stripes=True)
                    figures.border_title = "Capacity and financials (each with its date)"
                    yield figures
                    parties = Static(id="detail-counterparties")
                    parties.border_title = "Counterparties"
                    yield parties
            if self.provider.ticker:
                filings = DataTable(id="detail-filings", cursor_type="row", zebra_stripes=True)
                filings.border_title = "Recent SEC filings (enter opens)"
                yield filings
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.provider.name
        self._fill_tables()
        self._draw_chart()
        if self.provider.ticker and self.app.feed is not None:  # type: ignore[attr-defined]
            self.load_history()

    @work(exclusive=True, group="history", exit_on_error=False)
    async def load_history(self) -> None:
        """Fetch (or read from the cache) a year of daily closes for the chart."""
        feed = self.app.feed  # type: ignore[attr-defined]
        history, error = await feed.history(self.provider.ticker)
        self.history, self.history_error = history, error
        self._draw_chart()

    def action_range(self, span: str) -> None:
        """Switch the chart between the intraday series and a year of daily closes."""
        self.range = span
        self._draw_chart()

    # --- content --------------------------------------------------------------------------------

    def _fill_tables(self) -> None:
        pid = self.provider.id
        deals = self.query_one("#detail-deals", DataTable)
        deals.add_columns("Date", "With", "Kind", "Value", "Source")
        for d in self.book.timeline(pid):
            deals.add_row(
                plain(d.when),
                plain(d.counterparty),
                plain(d.kind),
                right(value(d), "bold"),
                plain(d.source, "dim"),
            )
        figures = self.query_one("#detail-figures", DataTable)
        figures.add_columns("Figure", "Value", "For", "As of", "Source")
        for c in self.book.capacity_of(pid):
            if c.value_mw is not None:
                shown = fmt.power(c.value_mw)
            elif c.family == "gpus":
                shown = f"{fmt.count(c.value)} GPUs"
            else:
                shown = f"{c.value:g} sites"
            figures.add_row(
                plain(c.metric.replace("_", " ")),
                right(shown, "bold"),
                plain(c.year or ""),
                plain(f"{c.as_of}"),
                plain(c.source, "dim"),
            )
        for f in self.book.financials_of(pid):
            shown = (
                fmt.percent(f.value, signed=False) if f.unit == "%" else fmt.money(f.value, f.unit)
            )
            period = f.period or ""
            if f.counterparty:
                period = f"{period} {f.counterparty}".strip()
            figures.add_row(
                plain(f.metric.replace("_", " ")),
                right(shown, "bold"),
                plain(period),
                plain(f"{f.as_of}"),
                plain(f.source, "dim"),
            )
        parties = self.book.counterparties(pid)
        text = Text(
            ", ".join(parties) if parties else "none recorded", style="" if parties else "dim"
        )
        self.query_one("#detail-counterparties", Static).update(text)
        if self.provider.ticker:
            self._fill_filings()

    def _fill_filings(self) -> None:
        table = self.query_one("#detail-filings", DataTable)
        table.add_columns("Filed", "", "Form and items", "Document")
        if not self.filings:
            last = self.app.last_filings  # type: ignore[attr-defined]
            hint = (last.disabled if last is not None else None) or "none cached yet"
            table.add_row(plain(""), plain(""), plain(hint, "dim"), plain(""))
        for f in self.filings:
            style = "bold yellow" if f.candidate else ""
            table.add_row(
                plain(f"{f.filed}"),
                plain("◆" if f.candidate else "", "yellow"),
                plain(f.title, style),
                plain(f.document or f.accession, "dim"),
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a filing opens it in the browser."""
        if event.data_table.id == "detail-filings" and self.filings:
            event.stop()
            self.app.open_url(self.filings[event.cursor_row].url)

    def _draw_chart(self) -> None:
        chart = self.query_one(PlotextPlot)
        plt = chart.plt
        plt.clear_figure()
        chart.border_title = f"Price · {'1 day' if self.range == '1d' else '1 year'}  (1 / y)"
        if self.provider.ticker is None:
            plt.title("Private company: no market price")
        elif self.range == "1d":
            self._plot_intraday(plt)
        else:
            self._plot_year(plt)
        chart.refresh()

    def _plot_intraday(self, plt) -> None:
        q = self.state.quote if self.state else None
        if q is None or len(q.series) < 2:
            plt.title("No intraday prices yet")
            return
        times = [datetime.fromtimestamp(t, UTC) for t in q.series_times]
        xs = list(range(len(q.series)))
        plt.plot(xs, list(q.series), marker="braille")
        step = max(1, len(xs) // 6)
        plt.xticks(xs[::step], [f"{t.astimezone():%H:%M}" for t in times[::step]])
        plt.title(f"{self.provider.ticker} intraday ({q.currency or ''})")

    def _plot_year(self, plt) -> None:
        h = self.history
        if h is None or len(h.closes) < 2:
            plt.title(self.history_error or "Loading a year of prices…")
            return
        xs = list(range(len(h.closes)))
        plt.plot(xs, list(h.closes), marker="braille")
        step = max(1, len(xs) // 6)
        plt.xticks(xs[::step], [f"{d:%Y-%m}" for d in h.dates[::step]])
        marked = deal_marks(h.dates, [d.date for d in self.book.timeline(self.provider.id)])
        for x in marked:
            plt.vline(x, "orange")
        suffix = f" · {len(marked)} deal dates marked" if marked else ""
        plt.title(f"{self.provider.ticker} 1 year ({h.currency or ''}){suffix}")


def deal_marks(days: tuple[date, ...], deal_dates: list[date]) -> list[int]:
    """Chart x positions of deal dates: the first trading day on or after each, within range."""
    marks = []
    for when in sorted(set(deal_dates)):
        index = next((i for i, d in enumerate(days) if d >= when), None)
        if index is not None and days and when >= days[0]:
            marks.append(index)
    return sorted(set(marks))
