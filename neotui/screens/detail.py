"""A provider's detail screen: quote, price chart with its deals marked, deals, capacity,
financial figures with dates and sources, and counterparties."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from neotui import formatting as fmt
from neotui.data.deals import DealBook
from neotui.data.deals.models import Deal, Provider
from neotui.data.market.feed import SymbolState
from neotui.data.market.quote import DailyHistory
from neotui.data.sec.facts_feed import CompanyFactsState
from neotui.data.sec.insider_trades import CompanyInsiders
from neotui.data.sec.submissions import Filing
from neotui.messages import ImpactUpdated
from neotui.screens.detail_impact import impact_table
from neotui.screens.host import WatchHost, host_of
from neotui.widgets.cells import direction_style, plain, right
from neotui.widgets.earnings_cells import outlook_text
from neotui.widgets.footer import KeysFooter
from neotui.widgets.insiders import PANE_COLUMNS, PANE_DROP, pane_rows, pane_status, pane_title
from neotui.widgets.tables import NeoTable
from neotui.widgets.timeline import clip, value


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
        if state and state.market_cap:
            extras.append(f"cap {fmt.money(state.market_cap)}")
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
        Binding(
            "b",
            "toggle_benchmark",
            "Benchmark",
            tooltip="Draw the benchmark on the 1-year chart, rebased to the stock's first price",
            id="neotui.detail.benchmark",
        ),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="neotui.detail.next"),
        Binding(
            "i",
            "insiders",
            "Insiders",
            show=False,
            tooltip="Scroll to the insider trades and focus them",
            id="neotui.detail.insiders",
        ),
    ]

    def __init__(
        self,
        provider: Provider,
        book: DealBook,
        state: SymbolState | None,
        impact: ImpactUpdated | None = None,
        *,
        filings: Sequence[Filing] = (),
        facts: CompanyFactsState | None = None,
        insiders: CompanyInsiders | None = None,
    ) -> None:
        super().__init__()
        self.insiders = insiders  # the company's Form 4 transactions, as last read
        self.facts = facts  # the SEC's reported figures, shown beside the press's
        self.filings = list(filings)[:FILINGS_SHOWN]
        self.provider = provider
        self.book = book
        self.state = state
        self.impact = impact
        self.show_benchmark = False
        self.chart_title = ""  # the 1-year chart's title, as drawn
        self.range = "1y"
        self.history: DailyHistory | None = None
        self.history_error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with VerticalScroll(id="detail-body"):
            yield Static(provider_header(self.provider, self.state), id="detail-header")
            if self.provider.ticker:  # next earnings, implied and actual moves, short interest
                yield Static(id="detail-earnings")  # filled on mount
            chart = PlotextPlot(id="chart")
            chart.border_title = "Price"
            yield chart
            table = NeoTable(id="detail-impact", narrow={"note": 12, "with": 10},
                                drop=("model", "t", "car5", "day0", "ret", "vs"))  # fmt: skip
            table.border_title = "Deal-day impact (abnormal returns against the benchmark)"
            yield table
            with Horizontal(id="detail-tables"):
                deals = NeoTable(id="detail-deals", narrow={"with": 10, "source": 8},
                                    drop=("source", "kind"))  # fmt: skip
                deals.border_title = "Deals"
                yield deals
                with Vertical(id="detail-side"):
                    figures = NeoTable(id="detail-figures", narrow={"source": 8, "for": 8},
                                          drop=("source", "for"))  # fmt: skip
                    figures.border_title = "Capacity and financials (each with its date)"
                    yield figures
                    parties = Static(id="detail-counterparties")
                    parties.border_title = "Counterparties"
                    yield parties
            if self.provider.ticker:
                filings = NeoTable(id="detail-filings", narrow={"title": 20, "doc": 12},
                                      drop=("doc",))  # fmt: skip
                filings.border_title = "Recent SEC filings (enter opens)"
                yield filings
                yield NeoTable(id="detail-insiders", drop=PANE_DROP,
                               narrow={"owner": 14, "note": 16})  # fmt: skip
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = self.provider.name
        if self.provider.ticker:
            self._show_outlook()
        self._fill_tables()
        self._fill_impact()
        self._draw_chart()
        if self.provider.ticker and host_of(self).feed is not None:
            self.load_history()

    @work(exclusive=True, group="history", exit_on_error=False)
    async def load_history(self) -> None:
        """Fetch (or read from the cache) a year of daily closes for the chart."""
        feed, ticker = host_of(self).feed, self.provider.ticker
        if feed is None or ticker is None:
            return
        history, error = await feed.history(ticker)
        self.history, self.history_error = history, error
        self._show_outlook()
        self._draw_chart()

    def _show_outlook(self) -> None:
        """The earnings lines: the last report dated by the SEC's earnings days where known, its
        move from the chart's closes (the event study's when in, as the impact table's)."""
        from neotui.sources import earnings_days_of

        days = earnings_days_of(host_of(self).last_filings, self.provider.ticker)
        text = outlook_text(self.state, self._year_history(), host_of(self).clock(), days)
        self.query_one("#detail-earnings", Static).update(text)

    def show_impact(self, impact: ImpactUpdated) -> None:
        """A new event study arrived while this screen is open."""
        self.impact = impact
        self._fill_impact()
        self._draw_chart()
        if self.provider.ticker:
            self._show_outlook()

    def action_toggle_benchmark(self) -> None:
        """Draw (or hide) the benchmark on the 1-year chart."""
        self.show_benchmark = not self.show_benchmark
        if self.show_benchmark and self._benchmark_history() is None:
            name = host_of(self).settings.analytics.benchmark
            why = "the event study has not run yet" if self.impact is None else (
                self.impact.histories.errors.get(name, "no prices"))  # fmt: skip
            self.notify(f"No {name} prices to draw: {why}.", timeout=4, markup=False)
        self.range = "1y"
        self._draw_chart()

    def _benchmark_history(self) -> DailyHistory | None:
        if self.impact is None:
            return None
        return self.impact.histories.prices.get(self.impact.benchmark)

    def action_insiders(self) -> None:
        """Scroll down to the insider pane and focus it (its rows scroll with j/k); a private
        provider has none."""
        for pane in self.query("#detail-insiders").results(NeoTable):
            if pane.display:
                pane.focus()
                self.query_one("#detail-body").scroll_to_widget(pane, animate=False, top=True)

    def action_range(self, span: str) -> None:
        """Switch the chart between the intraday series and a year of daily closes."""
        self.range = span
        self._draw_chart()

    # --- content --------------------------------------------------------------------------------

    def _fill_tables(self) -> None:
        pid = self.provider.id
        deal_rows = [
            [
                plain(d.when),
                plain(d.counterparty),
                plain(d.kind),
                right(value(d), "bold"),
                plain(d.source, "dim"),
            ]
            for d in self.book.timeline(pid)
        ]
        self.query_one("#detail-deals", NeoTable).set_data(
            [("date", "Date"), ("with", "With"), ("kind", "Kind"), ("value", "Value"),
             ("source", "Source")], deal_rows)  # fmt: skip
        figure_rows: list[list[Text]] = []
        for c in self.book.capacity_of(pid):
            if c.value_mw is not None:
                shown = fmt.power(c.value_mw)
            elif c.family == "gpus":
                shown = f"{fmt.count(c.value)} GPUs"
            else:
                shown = f"{c.value:g} sites"
            figure_rows.append([
                plain(c.metric.replace("_", " ")),
                right(shown, "bold"),
                plain(c.year or ""),
                plain(f"{c.as_of}"),
                plain(c.source, "dim"),
            ])  # fmt: skip
        for f in self.book.financials_of(pid):
            shown = (
                fmt.percent(f.value, signed=False) if f.unit == "%" else fmt.money(f.value, f.unit)
            )
            period = f.period or ""
            if f.counterparty:
                period = f"{period} {f.counterparty}".strip()
            figure_rows.append([
                plain(f.metric.replace("_", " ")),
                right(shown, "bold"),
                plain(period),
                plain(f"{f.as_of}"),
                plain(f.source, "dim"),
            ])  # fmt: skip
        figure_rows.extend(sec_rows(self.facts))
        self.query_one("#detail-figures", NeoTable).set_data(
            [("figure", "Figure"), ("value", "Value"), ("for", "For"), ("as_of", "As of"),
             ("source", "Source")], figure_rows)  # fmt: skip
        parties = self.book.counterparties(pid)
        text = Text(
            ", ".join(parties) if parties else "none recorded", style="" if parties else "dim"
        )
        self.query_one("#detail-counterparties", Static).update(text)
        if self.provider.ticker:
            self._fill_filings()
            self.show_insiders(self.insiders)

    def _fill_filings(self) -> None:
        table = self.query_one("#detail-filings", NeoTable)
        rows: list[list[Text]] = []
        if not self.filings:
            last = host_of(self).last_filings
            hint = (last.disabled if last is not None else None) or "none cached yet"
            rows.append([plain(""), plain(""), plain(hint, "dim"), plain("")])
        for f in self.filings:
            style = "bold yellow" if f.candidate else ""
            rows.append([
                plain(f"{f.filed}"),
                plain("◆" if f.candidate else "", "yellow"),
                plain(f.title, style),
                plain(f.document or f.accession, "dim"),
            ])  # fmt: skip
        table.set_data([("filed", "Filed"), ("mark", ""), ("title", "Form and items"),
                        ("doc", "Document")], rows)  # fmt: skip

    def show_insiders(self, company: CompanyInsiders | None) -> None:
        """The insider pane, now or when a new round of Form 4s arrives; hidden when there is
        no insider feed (filings off: the filings pane says why; or ``insiders.enabled``)."""
        self.insiders = company
        host = host_of(self)
        table = self.query_one("#detail-insiders", NeoTable)
        table.display = host.insiders is not None
        if host.insiders is None:
            return
        off = (host.last_filings.disabled if host.last_filings else None) or "not read yet"
        table.border_title = pane_title(company, host.clock().date())
        table.border_subtitle = pane_status(company)
        table.set_data(PANE_COLUMNS, pane_rows(company, off))

    def on_data_table_row_selected(self, event: NeoTable.RowSelected) -> None:
        """Enter on a filing opens it in the browser."""
        if event.data_table.id == "detail-filings" and self.filings:
            event.stop()
            self.app.open_url(self.filings[event.cursor_row].url)

    def _fill_impact(self) -> None:
        columns, rows = impact_table(self.impact, self.provider, self.book)
        self.query_one("#detail-impact", NeoTable).set_data(columns, rows)

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

    def _plot_intraday(self, plt: Plot) -> None:
        q = self.state.quote if self.state else None
        if q is None or len(q.series) < 2:
            plt.title("No intraday prices yet")
            return
        times = [datetime.fromtimestamp(t, UTC) for t in q.series_times]
        xs: list[float] = list(range(len(q.series)))
        plt.plot(xs, list(q.series), marker="braille")
        step = max(1, len(xs) // 6)
        plt.xticks(xs[::step], [f"{t.astimezone():%H:%M}" for t in times[::step]])
        plt.title(f"{self.provider.ticker} intraday ({q.currency or ''})")

    def _year_history(self) -> DailyHistory | None:
        """The last year of the event study's two-year history when it is there (the chart and
        the impact table then show the same prices), else the chart's own one-year history."""
        study = (
            self.impact.histories.prices.get(self.provider.ticker or "") if self.impact else None
        )
        if study is None or len(study.dates) < 2:
            return self.history
        start = bisect.bisect_left(study.dates, study.dates[-1] - timedelta(days=365))
        return replace(study, dates=study.dates[start:], closes=study.closes[start:])

    def _plot_year(self, plt: Plot) -> None:
        h = self._year_history()
        if h is None or len(h.closes) < 2:
            plt.title(self.history_error or "Loading a year of prices…")
            return
        xs: list[float] = list(range(len(h.closes)))
        plt.plot(xs, list(h.closes), marker="braille")
        step = max(1, len(xs) // 6)
        plt.xticks(xs[::step], [f"{d:%Y-%m}" for d in h.dates[::step]])
        bench = self._benchmark_history() if self.show_benchmark else None
        rebased = rebase(h, bench) if bench is not None else None
        if rebased is not None:
            name = self.impact.benchmark if self.impact else "benchmark"
            points = [(x, v) for x, v in zip(xs, rebased, strict=True) if v is not None]
            plt.plot([x for x, _ in points], [v for _, v in points], marker="braille",
                     color="gray", label=f"{name} rebased")  # fmt: skip
        top = max([*h.closes, *(v for v in (rebased or []) if v is not None)])
        marks = deal_labels(h.dates, self.book.timeline(self.provider.id))
        for x, label in marks:
            plt.vline(x, "orange")
            plt.text(label, x, top, color="orange")
        suffix = f" · {len(marks)} deal dates marked" if marks else ""
        extra = f" · b: {'hide' if rebased else 'draw'} benchmark"
        self.chart_title = f"{self.provider.ticker} 1 year ({h.currency or ''}){suffix}{extra}"
        plt.title(self.chart_title)


def rebase(stock: DailyHistory, bench: DailyHistory) -> list[float | None] | None:
    """The benchmark's closes on the stock's days, scaled so both start at the stock's first
    price (days the benchmark lacks are None); None when they share no first day."""
    closes = dict(zip(bench.dates, bench.closes, strict=False))
    first = next((closes[d] for d in stock.dates if d in closes), None)
    if first is None or not stock.closes:
        return None
    factor = stock.closes[0] / first
    return [closes[d] * factor if d in closes else None for d in stock.dates]


def deal_labels(days: tuple[date, ...], deals: list[Deal]) -> list[tuple[int, str]]:
    """Chart x positions of deal dates (the first trading day on or after each) with the
    counterparties announced then; re-reports are not marked again."""
    labels: dict[int, list[str]] = {}
    for d in sorted(deals, key=lambda d: d.date):
        if d.report_of is not None or not days or d.date < days[0]:
            continue
        index = bisect.bisect_left(days, d.date)
        if index == len(days):
            continue
        names = labels.setdefault(index, [])
        if d.counterparty not in names:
            names.append(d.counterparty)
    return [(x, clip(", ".join(n), 18)) for x, n in sorted(labels.items())]


def deal_marks(days: tuple[date, ...], deal_dates: list[date]) -> list[int]:
    """Chart x positions of deal dates: the first trading day on or after each, within range."""
    marks = []
    for when in sorted(set(deal_dates)):
        index = next((i for i, d in enumerate(days) if d >= when), None)
        if index is not None and days and when >= days[0]:
            marks.append(index)
    return sorted(set(marks))


#: The SEC figures the detail screen shows, with their short names ("RPO" is the filings' word).
SEC_NAMES = {"backlog": "RPO", "debt": "debt", "finance_leases": "finance leases",
             "revenue": "revenue (quarter)", "revenue_ttm": "revenue (TTM)", "capex": "capex",
             "capex_ttm": "capex (TTM)", "cash": "cash", "shares": "shares"}  # fmt: skip


def sec_rows(state: CompanyFactsState | None) -> list[list[Text]]:
    """The SEC's figures, each labelled with its form and period end ("RPO $55.6B · 10-Q
    2025-09-30"), below the press figures so a disagreement is seen; the feed's reason when
    they are stale, nothing when none were fetched."""
    if state is None or state.facts is None:
        return []
    rows = []
    for f in state.facts.facts:
        name = SEC_NAMES.get(f.concept, f.concept)
        shown = fmt.money(f.value) if f.unit == "USD" else f"{fmt.count(f.value)} {f.unit}"
        rows.append([
            plain(f"{name} · SEC"),
            right(shown, "bold"),
            plain(f"{f.form} {f.end}" + (" derived" if f.derived else ""), "cyan"),
            plain(f"{f.end}"),
            plain(f"SEC filed {f.filed}", "dim"),
        ])  # fmt: skip
    fetched = f"{state.fetched_at:%Y-%m-%d %H:%M}" if state.fetched_at else "never"
    why = state.reason or ("; ".join(state.facts.notes) if not state.facts.facts else None)
    if why:  # stale, or the SEC holds none (its 404)
        rows.append([plain("SEC facts", "dim"), plain(""), plain(""), plain(fetched, "dim"),
                     plain(why, "dim")])  # fmt: skip
    return rows


def detail_for(host: WatchHost, book: DealBook, provider_id: str) -> ProviderDetail | None:
    """The detail screen of one provider of ``book`` with what the app last received for it
    (quote, event study, cached filings); None for an unknown provider."""
    provider = book.providers.get(provider_id)
    if provider is None:
        return None
    ticker = provider.ticker
    state = host.last_feed.states.get(ticker) if ticker and host.last_feed else None
    filings = []
    if ticker and host.last_filings is not None:
        filings = host.last_filings.filings([ticker], host.settings.filings.forms)
    facts = host.facts.states.get(ticker.upper()) if ticker and host.facts else None
    insiders = host.insiders.companies.get(ticker.upper()) if ticker and host.insiders else None
    return ProviderDetail(provider, book, state, host.impact, filings=filings, facts=facts,
                          insiders=insiders)  # fmt: skip
