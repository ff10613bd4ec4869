"""The Filings · News pane: SEC filings and headlines of the selected provider (or of every
watched one), newest first, deal candidates highlighted; ``enter`` opens a row in the browser,
``x`` captures it as a draft deal."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from neotui import formatting as fmt
from neotui.data.news import Headline, NewsUpdate, mark
from neotui.data.sec.feed import NOT_REGISTERED, FilingsUpdate
from neotui.data.sec.submissions import NEW_YORK, Filing
from neotui.widgets.cells import plain
from neotui.widgets.tables import NeoTable
from neotui.widgets.timeline import clip

if TYPE_CHECKING:
    from textual.timer import Timer

    from neotui.data.sec.documents import FilingReading
    from neotui.data.sec.findings import Finding

#: Rows drawn at most: the pane is read from the top.
MAX_ROWS = 200
#: Seconds a deal filing stays highlighted before it is read: scrolling past rows with the
#: arrow keys must not send a request for each of them.
READ_DELAY = 0.3
#: The same for the row highlighted when the pane opens (the user has not chosen it yet).
OPEN_DELAY = 1.0
#: Findings shown under a filing at most (the first of each kind; ``neotui filing`` has all).
MAX_SHOWN = 5


@dataclass(frozen=True)
class FeedRow:
    """One row: a filing or a headline, with what the table and the capture need."""

    key: str
    when: datetime
    symbol: str
    source: str
    title: str
    url: str
    candidate: str | None
    filing: Filing | None = None
    headline: Headline | None = None


def filing_row(f: Filing) -> FeedRow:
    """A filing as a row; its candidate reason names the deal items it reports."""
    when = f.accepted or datetime.combine(f.filed, time(0), NEW_YORK)
    reason = None
    if f.candidate:
        reason = "8-K " + ", ".join(c for c in f.item_codes if c != "9.01")
    return FeedRow(f"sec:{f.accession}:{f.symbol}", when, f.symbol, "SEC", f.title, f.url,
                   reason, filing=f)  # fmt: skip


def headline_row(h: Headline) -> FeedRow:
    """A headline as a row, under the first watched symbol whose search found it."""
    return FeedRow(f"news:{h.key}", h.published, h.symbols[0] if h.symbols else "", h.publisher,
                   h.title, h.link, h.candidate, headline=h)  # fmt: skip


#: Every column's key and header.
COLUMNS = (("when", "When"), ("symbol", "Sym"), ("mark", ""), ("source", "Source"),
           ("title", "Filing or headline"))  # fmt: skip


class FeedsTable(NeoTable, keys="feeds"):
    """The rows. ``enter`` opens the highlighted row's URL; ``x`` asks to capture it. When the
    pane is narrow the sources, then the titles are clipped first (the detail below shows them
    whole), then the source and the time go."""

    BINDINGS = [
        Binding(
            "x",
            "capture",
            "Capture deal",
            tooltip="Turn the highlighted filing or headline into a draft deal (captured.toml)",
            id="neotui.capture",
        ),
    ]

    class Capture(Message):
        """The user asked to capture ``row`` as a draft deal."""

        def __init__(self, table: FeedsTable, row: FeedRow) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> FeedsTable:
            return self.table

    class Highlighted(Message):
        """The highlighted row changed (None when empty)."""

        def __init__(self, table: FeedsTable, row: FeedRow | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> FeedsTable:
            return self.table

    def __init__(self, **kw: Any) -> None:
        super().__init__(narrow={"source": 8, "title": 24}, drop=("source", "when"), **kw)
        self.rows_shown: list[FeedRow] = []
        self.captured: frozenset[str] = frozenset()

    def on_mount(self) -> None:
        if not self.rows_shown:
            self.set_data(COLUMNS, [])

    @property
    def current(self) -> FeedRow | None:
        """The highlighted row."""
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    def show(self, rows: Sequence[FeedRow], captured: Iterable[str]) -> None:
        """Show ``rows`` (newest first), keeping the highlighted one when it is still there."""
        self.captured = frozenset(captured)
        keep = self.current.key if self.current else None
        self.rows_shown = list(rows[:MAX_ROWS])
        self.set_data(COLUMNS, [self._cells(r) for r in self.rows_shown])
        index = next((i for i, r in enumerate(self.rows_shown) if r.key == keep), 0)
        if self.rows_shown:
            self.move_cursor(row=index)
        self.post_message(self.Highlighted(self, self.current))

    def _cells(self, row: FeedRow) -> list[Text]:
        style = "bold yellow" if row.candidate else ""
        mark_ = "✓" if row.url in self.captured else ("◆" if row.candidate else "")
        return [
            plain(row.when.astimezone().strftime("%Y-%m-%d %H:%M"), "dim"),
            plain(row.symbol, "bold"),
            plain(mark_, "green" if row.url in self.captured else "yellow"),
            plain(clip(row.source, 14), "cyan" if row.filing else ""),
            plain(clip(row.title, 80), style),
        ]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self, self.current))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # Enter opens the document or story; the watch screen's own enter (details) must not.
        event.stop()
        if self.current is not None:
            self.app.open_url(self.current.url)

    def action_capture(self) -> None:
        """Ask the app to capture the highlighted row."""
        if self.current is not None:
            self.post_message(self.Capture(self, self.current))


def filing_key(f: Filing) -> tuple[int, str]:
    """What a reading is known by: the CIK and the accession number."""
    return (f.cik, f.accession)


def finding_value(f: Finding) -> str:
    """A finding's value as a person reads it: "$11.9B", "200 MW", "until 2031-12-31"."""
    number = f.number
    if f.kind == "amount" and number is not None:
        return fmt.money(number)
    if f.kind == "power" and number is not None:
        return fmt.power(number)
    if f.kind == "gpus" and number is not None:
        return f"{fmt.count(number)} {f.unit}"
    if f.kind == "term":
        return f"until {f.value}" if f.unit == "until" else f"{f.value} {f.unit}"
    return f.value


def reading_text(reading: FilingReading | None, width: int) -> Text:
    """What was read from a filing, each line clipped to ``width`` (never wrapped: the pane
    is short). A first line with the first finding of each kind, then the verbatim sentences
    they came from, each once, named by the kinds it gives; or why nothing is shown. ``None``
    is a read under way. Everything here came from the filing and was cleaned when read; it
    is appended as Text, never parsed as markup."""
    width = max(width, 20)
    if reading is None:
        return Text("reading the filing…", style="dim italic")
    if reading.reason:
        return Text(clip(f"Cannot read the filing: {reading.reason}", width), style="yellow")
    items = ", ".join(reading.items) or "none named"
    if not reading.findings:
        return Text(clip(f"Read (items {items}): no deal terms found", width), style="dim")
    kinds: dict[str, Finding] = {}
    for f in reading.findings:
        kinds.setdefault(f.kind, f)
    firsts = list(kinds.values())[:MAX_SHOWN]
    more = len(reading.findings) - len(firsts)
    head = Text()
    head.append(" · ".join(finding_value(f) for f in firsts), style="bold")
    head.append(f"  read from items {items}" + (f", {more} more in neotui filing" if more else "")
                + "; check them", style="dim")  # fmt: skip
    head.truncate(width, overflow="ellipsis")
    said: dict[str, list[str]] = {}  # sentence -> the kinds it gives, in the order shown
    for f in firsts:
        said.setdefault(f.text, []).append(f.kind)
    text = head
    for sentence, what in said.items():
        label = ", ".join(what) + ": "
        text.append("\n")
        text.append(clip(label, width), style="dim")
        rest = width - len(label)
        if rest > 3:
            text.append(clip(f"“{sentence}”", rest))
    return text


class FeedsPane(Vertical):
    """The pane: a status line (or how to turn filings on), the rows, the highlighted row, and
    under a deal filing what was read from it."""

    # Not scoped: the short screen's rule names the screen, above this widget.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    FeedsPane #feeds-reading {
        height: auto;
        max-height: 4;
        padding: 0 1;
    }
    WatchScreen.short FeedsPane #feeds-reading {
        max-height: 2;
    }
    """

    def __init__(self, forms: Sequence[str], **kw: Any) -> None:
        super().__init__(**kw)
        self.forms = tuple(forms)
        self.filings = FilingsUpdate()
        self.news = NewsUpdate()
        self.names: list[str] = []
        self.symbols: list[str] | None = None
        self.captured: frozenset[str] = frozenset()
        self.note: str | None = None
        self.now: datetime | None = None
        #: What was read from filings, by CIK and accession (given by whoever reads them; a
        #: filing made jointly by two companies is one accession under both CIKs).
        self.readings: dict[tuple[int, str], FilingReading] = {}
        #: Asks for a filing to be read (None: filings are off, nothing is read).
        self.reader: Callable[[Filing], None] | None = None
        self._read_timer: Timer | None = None
        self._asked: set[tuple[int, str]] = set()  # reads asked for (shown as "reading…")
        self._armed: tuple[int, str] | None = None  # the filing the timer will read
        self._first_row = True  # the row highlighted as the pane opens waits OPEN_DELAY

    def compose(self) -> ComposeResult:
        yield Static(id="feeds-status")
        yield FeedsTable(id="feeds-table")
        yield Static(id="feeds-detail")
        yield Static(id="feeds-reading")

    def update_data(
        self,
        *,
        filings: FilingsUpdate | None = None,
        news: NewsUpdate | None = None,
        names: list[str] | None = None,
        captured: Iterable[str] | None = None,
        now: datetime | None = None,
    ) -> None:
        """New filings, headlines, book names or captured URLs: redraw."""
        if filings is not None:
            self.filings = filings
        if news is not None:
            self.news = news
        if names is not None:
            self.names = names
        if captured is not None:
            self.captured = frozenset(captured)
        if now is not None:
            self.now = now
        self.redraw()

    def show_symbols(self, symbols: list[str] | None, note: str | None = None) -> None:
        """Only these symbols (None: every watched one); ``note`` says why there are none."""
        self.symbols, self.note = symbols, note
        self.redraw()

    def redraw(self) -> None:
        """Rebuild the rows and the status line from what is known."""
        if not self.is_mounted:
            return
        rows: list[FeedRow] = []
        if self.note is None:
            filings = self.filings.filings(self.symbols, self.forms)
            rows = [filing_row(f) for f in filings]
            rows += [headline_row(h) for h in mark(self.news.for_symbols(self.symbols), self.names)]
            rows.sort(key=lambda r: (r.when, r.key), reverse=True)
        self.query_one(FeedsTable).show(rows, self.captured)
        self.query_one("#feeds-status", Static).update(self._status())

    def _age(self, moment: datetime | None) -> str:
        if moment is None:
            return "never"
        if self.now is None:
            return moment.astimezone().strftime("%H:%M")
        return fmt.age((self.now - moment).total_seconds()) + " old"

    def _status(self) -> Text:
        text = Text()
        if self.note is not None:
            text.append(self.note, style="dim")
            return text
        if self.filings.disabled:
            text.append(self.filings.disabled, style="yellow")
        else:
            companies = [c for c in self.filings.companies.values()
                         if self.symbols is None or c.symbol in self.symbols]  # fmt: skip
            stale = [c for c in companies if c.reason and c.reason != NOT_REGISTERED]
            newest = max((c.fetched_at for c in companies if c.fetched_at), default=None)
            text.append(f"Filings {self._age(newest)}")
            if stale:
                first = stale[0]
                text.append(f" · {first.symbol} stale ({self._age(first.fetched_at)}): "
                            f"{first.reason}", style="yellow")  # fmt: skip
        text.append("  ·  ")
        text.append(f"News {self._age(self.news.fetched_at)}")
        if self.news.reason:
            text.append(f" · {self.news.reason}", style="yellow")
        return text

    def show_reading(self, reading: FilingReading) -> None:
        """A filing was read: kept, and shown if its row is the highlighted one."""
        self.readings[(reading.cik, reading.accession)] = reading
        if self.is_mounted:
            self._show_reading(self.query_one(FeedsTable).current)

    def _readable(self, row: FeedRow | None) -> Filing | None:
        from neotui.data.sec.documents import worth_reading

        f = row.filing if row is not None else None
        return f if f is not None and worth_reading(f.form, f.item_codes) else None

    def _show_reading(self, row: FeedRow | None) -> None:
        box = self.query_one("#feeds-reading", Static)
        filing = self._readable(row)
        key = filing_key(filing) if filing is not None else None
        # Shown once read, or once asked for: not while the highlight may still move on.
        if key is None or (key not in self.readings and key not in self._asked):
            box.display = False
            return
        box.display = True
        box.update(reading_text(self.readings.get(key), self.size.width - 4))

    def _ask_read(self, filing: Filing) -> None:
        """The debounced read: only if the row is still highlighted."""
        current = self._readable(self.query_one(FeedsTable).current)
        if self.reader is not None and current is not None and current == filing:
            self._asked.add(filing_key(filing))
            self._show_reading(self.query_one(FeedsTable).current)
            self.reader(filing)

    def _arm_read(self, row: FeedRow | None) -> None:
        """Read the highlighted deal filing once it has stayed highlighted a moment. The same
        row highlighted again (every redraw says so) keeps its timer, and is not asked twice."""
        filing = self._readable(row)
        key = filing_key(filing) if filing is not None else None
        first = self._first_row
        self._first_row = self._first_row and row is None
        if key == self._armed:
            return
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        self._armed = None
        known = self.readings.get(key) if key is not None else None
        # A failed read is asked again (debounced) when the row is highlighted again.
        if filing is not None and (known is None or known.reason) and self.reader:
            delay = OPEN_DELAY if first else READ_DELAY
            self._armed = key
            self._read_timer = self.set_timer(delay, lambda: self._ask_read(filing))

    def on_feeds_table_highlighted(self, event: FeedsTable.Highlighted) -> None:
        event.stop()
        self._show_reading(event.row)
        self._arm_read(event.row)
        detail = self.query_one("#feeds-detail", Static)
        row = event.row
        if row is None:
            detail.update(Text("Nothing yet for this selection.", style="dim"))
            return
        text = Text()
        text.append(row.title, style="bold")
        f = row.filing
        if f is not None:
            accepted = f" · accepted {f.accepted:%Y-%m-%d %H:%M} New York" if f.accepted else ""
            text.append(f"\n{f.symbol} · CIK {f.cik} · {f.accession} · filed {f.filed}{accepted}",
                        style="dim")  # fmt: skip
        elif row.headline is not None:
            h = row.headline
            found = ", ".join(h.symbols)
            related = f" · related {', '.join(h.related)}" if h.related else ""
            text.append(f"\n{h.publisher} · found for {found}{related}", style="dim")
        if row.candidate:
            text.append(f"\n◆ deal candidate: {row.candidate}", style="yellow")
        if row.url in self.captured:
            text.append("  ✓ captured", style="green")
        text.append("\n" + row.url, style="dim italic")
        detail.update(text)
