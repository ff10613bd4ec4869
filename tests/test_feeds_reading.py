"""Issue 18, part 3, the pane's side: the Filings · News pane shows what was read from a deal
8-K under its detail (on demand, debounced, once a filing), the reason when it cannot be read,
and new deal filings are read in the background so the detail and ``x`` find them cached."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Static

from neotui.data.sec.documents import FilingReading
from neotui.data.sec.findings import Finding
from neotui.screens import watch_feeds
from neotui.widgets import feeds
from neotui.widgets.feeds import FeedsTable, reading_text
from tests.fake_archives import DEAL_8K
from tests.feeds_harness import feeds_app, fetch_feeds
from tests.helpers import wait_until
from tests.test_capture_screen import ROW, SIZE, with_deal_8k


def archives(sec) -> list[str]:
    return [p for _, p, _ in sec.requests if p.startswith("/Archives/")]


async def highlight_deal(app, pilot) -> Static:
    """Press f, put the cursor on the deal 8-K; the box under the detail."""
    await pilot.press("f")
    await pilot.pause()
    table = app.screen.query_one(FeedsTable)
    target = next(i for i, r in enumerate(table.rows_shown)
                  if r.filing and r.filing.accession == DEAL_8K[1])  # fmt: skip
    table.move_cursor(row=target)
    await pilot.pause()
    return app.screen.query_one("#feeds-reading", Static)


#: The pane's own delay for the row it opens on (the fixture below freezes it).
OPEN_DELAY = feeds.OPEN_DELAY


@pytest.fixture(autouse=True)
def no_read_on_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """The row the pane opens on is read after OPEN_DELAY (1 s): on a loaded machine that came
    before the test put the cursor on the deal 8-K, and another 8-K was read first. These tests
    are about the row the cursor is put on: the opening row's timer never fires here."""
    monkeypatch.setattr(feeds, "OPEN_DELAY", 3600.0)


def deal_read(app) -> bool:
    """Whether the deal 8-K's reading (findings or the reason it failed) reached the pane."""
    pane = app.screen.query_one(feeds.FeedsPane)
    return any(accession == DEAL_8K[1] for _, accession in pane.readings)


async def settle(app, pilot) -> None:
    """Past the debounce until the deal 8-K's reading is in the pane (a condition, not a time:
    under load the debounce fires late)."""
    await wait_until(lambda: deal_read(app), pilot=pilot, what="the deal 8-K read")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def past_the_debounce(app, pilot) -> None:
    """Long enough for a read to be asked, when nothing should be."""
    await pilot.pause(feeds.READ_DELAY + 0.2)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_highlighting_a_deal_8k_reads_it_once_and_shows_the_findings(
    fakes, isolated_dirs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch_feeds, "PREFETCH", 0)  # on demand only
    sec, yahoo = fakes
    with_deal_8k(sec)
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await fetch_feeds(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert archives(sec) == []
        # The debounce held open (a loaded machine could pass READ_DELAY inside a pause), then
        # ended by hand: the read waits for it, whatever the machine's speed.
        timers: list[tuple[float, Any]] = []
        real = feeds.FeedsPane.set_timer

        def held(pane: feeds.FeedsPane, delay: float, callback: Any = None, **kw: Any) -> Any:
            timers.append((delay, callback))
            return real(pane, 3600.0, callback, **kw)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(feeds.FeedsPane, "set_timer", held)
            box = await highlight_deal(app, pilot)
        assert not box.display  # nothing asked while the highlight may still move on
        assert [delay for delay, _ in timers][-1:] == [feeds.READ_DELAY] and archives(sec) == []
        timers[-1][1]()  # the highlight stayed: the debounce ends
        await settle(app, pilot)
        shown = str(box.content)
        assert "OpenAI" in shown and "$11.9B" in shown and "200 MW" in shown
        assert "term" in shown and "“" in shown  # the verbatim sentence
        assert all(len(line) <= SIZE[0] for line in shown.splitlines())
        assert len(archives(sec)) == 3
        table = app.screen.query_one(FeedsTable)
        table.move_cursor(row=table.cursor_row + 1)  # away and back: no second read
        await pilot.pause()
        table.move_cursor(row=table.cursor_row - 1)
        await pilot.pause()
        assert "OpenAI" in str(box.content)
        await past_the_debounce(app, pilot)
        assert len(archives(sec)) == 3


async def test_reading_shows_while_the_filing_is_fetched(fakes, isolated_dirs, monkeypatch) -> None:
    monkeypatch.setattr(watch_feeds, "PREFETCH", 0)
    sec, yahoo = fakes
    with_deal_8k(sec)
    sec.document_faults[f"{DEAL_8K[1]}-index.htm"] = "hang"
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await fetch_feeds(app)
        await pilot.pause()
        box = await highlight_deal(app, pilot)
        await wait_until(lambda: box.display, pilot=pilot, what="the read asked")
        assert str(box.content) == "reading the filing…"
        sec.release_hung()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(box.content) != "reading the filing…"


async def test_an_unreadable_8k_says_why(fakes, isolated_dirs, monkeypatch) -> None:
    monkeypatch.setattr(watch_feeds, "PREFETCH", 0)
    sec, yahoo = fakes
    with_deal_8k(sec)
    sec.document_faults["*"] = "503"
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await fetch_feeds(app)
        await pilot.pause()
        box = await highlight_deal(app, pilot)
        await settle(app, pilot)
        assert "Cannot read the filing: SEC is throttling requests (503)" in str(box.content)


async def test_scrolling_past_a_deal_8k_reads_nothing(fakes, isolated_dirs, monkeypatch) -> None:
    monkeypatch.setattr(watch_feeds, "PREFETCH", 0)
    sec, yahoo = fakes
    with_deal_8k(sec)
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await fetch_feeds(app)
        await pilot.pause()
        await highlight_deal(app, pilot)
        table = app.screen.query_one(FeedsTable)
        table.move_cursor(row=table.cursor_row + 1)  # within the debounce
        await past_the_debounce(app, pilot)
        if table.current is not None and table.current.filing is not None:
            assert table.current.filing.accession != DEAL_8K[1]
        assert not any(DEAL_8K[1].replace("-", "") in p for p in archives(sec))


async def test_new_deal_filings_are_read_in_the_background(
    fakes, isolated_dirs, monkeypatch
) -> None:
    sec, yahoo = fakes
    # The deal 8-K filed the day before the frozen clock; the fake's other deal 8-Ks (months
    # old, not in its archives) are not read.
    monkeypatch.setitem(ROW, "filingDate", "2026-11-19")
    monkeypatch.setitem(ROW, "acceptanceDateTime", "2026-11-19T21:05:00.000Z")
    monkeypatch.setattr(feeds, "OPEN_DELAY", OPEN_DELAY)  # the newest row: the pane opens on it
    with_deal_8k(sec)
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await fetch_feeds(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        folders = {tuple(p.split("/")[4:6]) for p in archives(sec)}
        assert folders == {(str(DEAL_8K[0]), DEAL_8K[1].replace("-", ""))}  # before any ask
        before = len(archives(sec))
        box = await highlight_deal(app, pilot)
        await settle(app, pilot)
        assert "OpenAI" in str(box.content)
        assert len(archives(sec)) == before  # the detail read it from the cache
        await fetch_feeds(app)  # the same filings again: nothing new, nothing read
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert len(archives(sec)) == before


def test_reading_text_is_text_clipped_never_markup() -> None:
    sentence = "[bold red]Acme[/] agreed to pay $2 billion " + "and more " * 40
    reading = FilingReading(1, "0000000001-26-000001", items=("1.01",), findings=(
        Finding("amount", "2000000000", "USD", sentence, "a.htm", "1.01"),
        Finding("amount", "5000000", "USD", "Another.", "a.htm", "1.01"),
        Finding("counterparty", "Acme", "", sentence, "a.htm", "1.01"),
    ))  # fmt: skip
    text = reading_text(reading, 60)
    assert isinstance(text, Text) and "[bold red]Acme[/]" in text.plain
    lines = text.plain.splitlines()
    assert len(lines) == 2 and all(len(line) <= 60 for line in lines)
    assert lines[0].startswith("$2B · Acme  read from items 1.01, 1 more")
    assert lines[1].startswith("amount, counterparty: “[bold red]Acme[/] agreed")
    assert reading_text(None, 60).plain == "reading the filing…"
    failed = FilingReading(1, "x", reason="SEC: not found (404)")
    assert reading_text(failed, 60).plain == "Cannot read the filing: SEC: not found (404)"
    empty = FilingReading(1, "x", items=("5.02",))
    assert "no deal terms found" in reading_text(empty, 60).plain
