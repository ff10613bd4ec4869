"""Pilot tests of the Filings · News pane: `f`, provider linking, enter, `x` capture end to
end, the contact hint, faults keeping the last good rows, and the detail screen's filings."""

from __future__ import annotations

from datetime import UTC, datetime

from neotui.data.news import Headline, NewsUpdate
from neotui.screens.detail import ProviderDetail
from neotui.widgets.feeds import FeedsPane, FeedsTable
from neotui.widgets.providers import ProviderList
from neotui.widgets.timeline import DealDetail, DealTable
from tests.feeds_harness import feeds_app, fetch_feeds
from tests.helpers import help_ids

SIZE = (160, 48)


def rows(app) -> list:
    return app.screen.query_one(FeedsTable).rows_shown


def status(app) -> str:
    return str(app.screen.query_one("#feeds-status").render())


async def open_pane(app, pilot) -> None:
    await fetch_feeds(app)
    await pilot.pause()
    await pilot.press("f")
    await pilot.pause()


async def test_f_shows_filings_and_news_newest_first(fakes) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        assert not app.screen.query(FeedsPane)  # built by the first f
        await open_pane(app, pilot)
        feeds = app.screen.query_one(FeedsPane)
        assert not feeds.has_class("hidden")
        assert isinstance(app.focused, FeedsTable)
        shown = rows(app)
        assert [r.when for r in shown] == sorted((r.when for r in shown), reverse=True)
        assert {r.symbol for r in shown if r.filing} == set(app.filings.symbols)
        assert any(r.headline for r in shown)
        assert not any(r.filing and r.filing.form == "4" for r in shown)  # insider forms hidden
        deal_8k = [r for r in shown if r.filing and r.candidate]
        assert deal_8k and all(r.filing.form.startswith("8-K") for r in deal_8k)
        assert any(r.headline and r.candidate for r in shown)  # "$500B" / Google
        table = app.screen.query_one(FeedsTable)
        index = shown.index(deal_8k[0])
        assert table.get_row_at(index)[4].style == "bold yellow"
        assert "Filings" in status(app) and "News" in status(app)
        await pilot.press("f")
        assert feeds.has_class("hidden")


async def test_selected_provider_filters_and_private_says_so(fakes) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        providers = app.screen.query_one(ProviderList)
        providers.focus()
        names = [providers.get_row_at(i)[0].plain for i in range(providers.row_count)]
        await pilot.press(*["j"] * names.index("CoreWeave"))
        await pilot.pause()
        assert {r.symbol for r in rows(app)} == {"CRWV"}
        assert "CoreWeave" in str(app.screen.query_one(FeedsPane).border_title)
        await pilot.press(*["j"] * (names.index("Nscale") - names.index("CoreWeave")))
        await pilot.pause()
        assert rows(app) == [] and "Nscale is private" in status(app)


async def test_enter_opens_the_document(fakes, monkeypatch) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        first = rows(app)[0]
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [first.url]
        assert not isinstance(app.screen, ProviderDetail)


async def test_x_captures_a_filing_into_the_timeline(fakes, isolated_dirs) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        table = app.screen.query_one(FeedsTable)
        target = next(i for i, r in enumerate(rows(app)) if r.filing and r.symbol == "CRWV")
        table.move_cursor(row=target)
        filing = rows(app)[target].filing
        await pilot.press("x")
        await pilot.pause()
        path = isolated_dirs["XDG_DATA_HOME"] / "neotui" / "captured.toml"
        text = path.read_text()
        assert filing.url in text and 'date_kind = "filed"' in text and "captured = true" in text
        assert f"date = {filing.filed.isoformat()}" in text and "value_usd" not in text
        deals = app.screen.query_one(DealTable)
        captured = [d for d in deals.book.deals if d.captured]
        assert len(captured) == 1 and captured[0].provider == "coreweave"
        assert captured[0].source == filing.url and captured[0].date == filing.filed
        assert any(d.captured for d in deals.shown)
        row = next(i for i, d in enumerate(deals.shown) if d.captured)
        assert deals.get_row_at(row)[2].plain.startswith("✎ ")
        assert table.get_row_at(table.cursor_row)[2].plain == "✓"
        # Once only; the user's own deals file was never created.
        await pilot.press("x")
        await pilot.pause()
        assert path.read_text() == text
        assert not (isolated_dirs["XDG_CONFIG_HOME"] / "neotui" / "deals.toml").exists()
        deals.focus()
        deals.move_cursor(row=row)
        await pilot.pause()
        assert "captured draft" in str(app.screen.query_one(DealDetail).render())


async def test_x_captures_a_headline_with_its_counterparty(fakes, isolated_dirs) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        table = app.screen.query_one(FeedsTable)
        target = next(i for i, r in enumerate(rows(app))
                      if r.headline and (r.candidate or "").startswith("names"))  # fmt: skip
        table.move_cursor(row=target)
        await pilot.press("x")
        await pilot.pause()
        text = (isolated_dirs["XDG_DATA_HOME"] / "neotui" / "captured.toml").read_text()
        assert 'date_kind = "reported"' in text and 'counterparty = "Google"' in text
        assert 'provider = "nvidia"' in text


async def test_without_contact_one_line_says_how(fakes) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo, contact="")
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        assert "NEOTUI_SEC_CONTACT" in status(app)
        assert sec.requests == []
        assert all(r.headline for r in rows(app))  # headlines still come


async def test_faults_keep_rows_with_their_age_and_reason(fakes) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        before = rows(app)
        sec.fault = "503"
        sec.bodies[1769628] = b"{}"  # a changed body: no 304 can hide the fault
        yahoo.news_fault = "html"
        await fetch_feeds(app)
        await pilot.pause()
        assert [r.key for r in rows(app)] == [r.key for r in before]
        line = status(app)
        assert "stale" in line and "throttling" in line and "web page" in line


async def test_hostile_titles_are_shown_literally(fakes) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    title = "[bold red]CoreWeave[/] $2 bn [link=http://x]deal[/link]"
    hostile = Headline("u", title, "[i]P[/i]", "https://x.test/a",
                       datetime(2026, 11, 20, tzinfo=UTC), symbols=("CRWV",))  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        app.watch_screen.show_news(NewsUpdate((hostile,), datetime(2026, 11, 20, tzinfo=UTC)))
        await pilot.pause()
        table = app.screen.query_one(FeedsTable)
        assert table.get_row_at(0)[4].plain == title
        assert table.get_row_at(0)[3].plain == "[i]P[/i]"


async def test_detail_screen_lists_recent_filings(fakes, monkeypatch) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        await fetch_feeds(app)
        await pilot.pause()
        app.open_provider("coreweave")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProviderDetail)
        table = screen.query_one("#detail-filings")
        assert 0 < table.row_count <= 12
        assert screen.filings[0].symbol == "CRWV"
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [screen.filings[0].url]


async def test_help_lists_the_new_keys(fakes) -> None:
    from neotui.screens.help import HelpScreen

    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert {"neotui.filings", "neotui.capture"} <= help_ids(app.screen)


async def test_unwatched_listed_provider_says_how(fakes) -> None:
    sec, yahoo = fakes
    app = feeds_app(sec, yahoo)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        providers = app.screen.query_one(ProviderList)
        providers.focus()
        names = [providers.get_row_at(i)[0].plain for i in range(providers.row_count)]
        await pilot.press(*["j"] * names.index("Oracle"))
        await pilot.pause()
        assert rows(app) == [] and "ORCL is not watched" in status(app)


async def test_case_26_x_with_a_damaged_captured_file_says_what_is_wrong(
    fakes, isolated_dirs
) -> None:
    """A captured.toml that is not UTF-8: "Internal error: _capture stopped:
    UnicodeDecodeError" before; now the file and the byte are named, and the file is kept."""
    sec, yahoo = fakes
    path = isolated_dirs["XDG_DATA_HOME"] / "neotui" / "captured.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"# drafts\n\xff\xfe\n")
    app = feeds_app(sec, yahoo)
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (said.append(str(message)), notify(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(app, pilot)
        table = app.screen.query_one(FeedsTable)
        table.move_cursor(row=next(i for i, r in enumerate(rows(app)) if r.filing))
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert any("is not UTF-8 text (byte 0xff at offset 9)" in s for s in said), said
    assert not any("Internal error" in s or s.startswith("Captured") for s in said)
    assert path.read_bytes() == b"# drafts\n\xff\xfe\n"
