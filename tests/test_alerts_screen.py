"""Pilot tests of positions (`p`), adding an alert (`a`) and the alerts list (`A`)."""

from __future__ import annotations

import tomllib

from textual.widgets import DataTable, Input, RadioSet

from neotui.data.alerts.rules import AlertKind, RuleStatus
from neotui.screens.alert_add import AddAlert
from neotui.screens.alerts import AlertsScreen
from neotui.settings import app_rules_file, load_settings
from neotui.widgets.positions import PositionsTable
from neotui.widgets.quotes import QuotesTable
from tests.harness import build_app
from tests.helpers import record_notices, wait_until

SIZE = (160, 48)
LOTS = {
    "lot": [
        {"symbol": "ALPH", "quantity": 10, "cost": 90.0},
        {"symbol": "ALPH", "quantity": 10, "cost": 110.0},
        {"symbol": "NVDA", "quantity": -5, "cost": 200.0},
        {"symbol": "MDLY", "quantity": 3, "cost": 10.0},  # Yahoo says 404: no price
        {"symbol": "ZZZ", "quantity": 1, "cost": 1.0},  # only held, not watched
    ]
}


def texts(table: DataTable, row: str) -> list[str]:
    return [cell.plain for cell in table.get_row(row)]


async def test_positions_pane_shows_lots_totals_and_p_toggles() -> None:
    app = build_app(extra=LOTS)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PositionsTable)
        await app.feed.refresh_once()
        await pilot.pause()
        assert not table.has_class("hidden")
        assert [k.value for k in table.rows] == ["ALPH", "NVDA", "MDLY", "ZZZ", "__total__"]
        alph = texts(table, "ALPH")
        assert alph[:5] == ["ALPH", "20", "100.00", "104.12", "2,082.37"]
        assert alph[6:8] == ["+82.37", "+4.12%"] and alph[9] == ""
        mdly = texts(table, "MDLY")
        assert mdly[3:9] == ["—"] * 6 and mdly[9].startswith("No data found")
        assert "dim" in str(table.get_row("MDLY")[0].style)
        total = texts(table, "__total__")
        assert total[0] == "Total" and "no price: MDLY" in total[9]
        assert "ZZZ" in app.feed.symbols  # held-only symbols are fetched too
        await pilot.press("p")
        assert table.has_class("hidden")
        await pilot.press("p")
        assert not table.has_class("hidden") and table.has_focus


async def test_stale_positions_are_dimmed_and_named() -> None:
    from tests.harness import fake_switchboard

    fake = fake_switchboard({"MDLY": "404"})
    app = build_app(extra=LOTS, transport=fake.mock_transport())
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        fake.set_fault("429", "ALPH")  # left out of the batch, then its chart is throttled
        await app.feed.refresh_once(force=True)
        await pilot.pause()
        table = app.screen.query_one(PositionsTable)
        alph = table.get_row("ALPH")
        assert "dim" in str(alph[4].style) and alph[9].plain.startswith("stale: ")
        assert "stale: ALPH" in texts(table, "__total__")[9]
        assert table.border_subtitle == "stale: ALPH"


async def test_no_lots_no_pane_and_p_says_how() -> None:
    app = build_app()
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        assert app.screen.query_one(PositionsTable).has_class("hidden")
        await pilot.press("p")
        assert app.screen.query_one(PositionsTable).has_class("hidden")
        assert any("[[lot]]" in str(n.message) for n in notices)


async def test_a_on_a_quote_row_adds_an_alert_that_fires_and_is_stored() -> None:
    app = build_app()
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        app.screen.query_one(QuotesTable).focus()
        await pilot.press("j")  # CHIP
        await pilot.press("a")
        modal = app.screen
        assert isinstance(modal, AddAlert) and modal.symbol == "CHIP"
        price = app.last_feed.states["CHIP"].quote.price
        assert modal.query_one(Input).value == f"{price * 1.05:.2f}"  # 5 % above, to start with
        modal.query_one(RadioSet).query("RadioButton")[1].value = True  # below
        await pilot.pause()
        modal.query_one(Input).value = f"{price + 1:.2f}"  # already below: fires at once
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, AddAlert)
        rule_id = f"CHIP below {round(price + 1, 2):g}"
        assert app.alert_engine.states[rule_id].status is RuleStatus.TRIGGERED
        assert [a.rule for a in app.alert_engine.history] == [rule_id]
        titles = [n.title for n in notices]
        assert f"CHIP: below {round(price + 1, 2):g}" in titles
        # Stored in the app-owned alerts.toml, and the fired state in the data dir.
        data = tomllib.loads(app_rules_file().path.read_text(encoding="utf-8"))
        assert data["alert"] == [{"symbol": "CHIP", "below": round(price + 1, 2)}]
        assert app.alert_engine.store.path.is_file()
        assert any(r.id == rule_id for r in load_settings(environ={}).alert_rules)


async def test_a_on_a_provider_uses_its_ticker_and_escape_cancels() -> None:
    app = build_app()
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")  # Alpha Cloud, ticker ALPH
        await pilot.press("a")
        assert isinstance(app.screen, AddAlert) and app.screen.symbol == "ALPH"
        await pilot.press("escape")
        assert not isinstance(app.screen, AddAlert)
        assert app.alert_engine.rules == [] and not app_rules_file().path.exists()
        await pilot.press("j")  # Beta Compute: private
        await pilot.press("a")
        assert not isinstance(app.screen, AddAlert)
        assert any("private" in str(n.message) for n in notices)


async def test_bad_threshold_is_refused_in_the_modal() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "a")
        modal = app.screen
        modal.query_one(Input).value = "0"
        await pilot.press("enter")
        assert app.screen is modal and "greater than 0" in str(
            modal.query_one("#alert-error").render()
        )


async def test_A_lists_alerts_newest_first_with_time_and_reason() -> None:
    app = build_app(extra={"alert": [{"symbol": "ALPH", "above": 100.0},
                                     {"symbol": "NVDA", "move_pct": 50.0}]})  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        assert [a.rule for a in app.alert_engine.history] == ["ALPH above 100"]
        await pilot.press("A")
        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        fired = screen.query_one("#alerts-fired", DataTable)
        row = [c.plain for c in fired.get_row_at(0)]
        assert row[1:] == ["ALPH", "ALPH: above 100", "ALPH at 104.12, above 100.00",
                           "ALPH above 100"]  # fmt: skip
        assert row[0].startswith("2026-11-20")
        rules = screen.query_one("#alerts-rules", DataTable)
        states = [[c.plain for c in rules.get_row_at(i)][:3] for i in range(rules.row_count)]
        assert states == [["ALPH above 100", "above", "triggered"],
                          ["NVDA move ±50%", "move_pct", "armed"]]  # fmt: skip
        await pilot.press("escape")
        assert not isinstance(app.screen, AlertsScreen)


async def test_command_palette_offers_alerts_and_positions() -> None:
    app = build_app()
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Alerts", "Positions", "Add alert on ALPH", "Add alert on NVDA"} <= set(titles)


def test_kinds_offered_match_the_rule_kinds() -> None:
    from neotui.screens.alert_add import KINDS

    assert [k for k, _ in KINDS] == [AlertKind.ABOVE, AlertKind.BELOW, AlertKind.MOVE_PCT]


async def test_new_deal_through_live_reload_fires_once_in_the_app(tmp_path) -> None:
    from tests.helpers import PROVIDER, deal_toml, write

    book = write(tmp_path / "deals.toml", PROVIDER + deal_toml(id='"d1"'))
    app = build_app(book, live=True, with_feed=False, extra={"alert": [{"new_deal": True}]})
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.alert_engine.history  # the first book never fires
        write(book, PROVIDER + deal_toml(id='"d1"') + deal_toml(id='"d2"', counterparty='"OpenAI"'))
        await wait_until(lambda: app.alert_engine.history, pilot=pilot)
        (alert,) = app.alert_engine.history
        assert alert.title == "New deal: Alpha Cloud" and "OpenAI" in alert.message
        assert any(n.title == "New deal: Alpha Cloud" for n in notices)
        loaded = app.watcher.current
        write(book, PROVIDER + deal_toml(id='"d1"') + deal_toml(id='"d2"', counterparty='"OpenAI"')
              + "\n")  # fmt: skip
        await wait_until(lambda: app.watcher.current is not loaded, pilot=pilot)  # reloaded
        await pilot.pause()
        assert len(app.alert_engine.history) == 1  # a reload without a new id: nothing


async def test_filings_and_headlines_hooks_for_the_feeds() -> None:
    from neotui.data.alerts.rules import FilingEvent, HeadlineEvent

    app = build_app(with_feed=False, extra={"alert": [{"filing_items": ["1.01"]},
                                                      {"headline": "Alpha Meta"}]})  # fmt: skip
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        app.deliver_filings([])  # the first batch primes
        app.deliver_headlines([])
        app.deliver_filings([FilingEvent("a1", "ALPH", "8-K", ("1.01",), "Material agreement")])
        app.deliver_headlines([HeadlineEvent("h1", "ALPH", "Alpha signs with Meta", "u")])
        await pilot.pause()
        titles = [n.title for n in notices]
        assert "ALPH: 8-K items 1.01" in titles and "Headline: alpha meta" in titles


async def test_filing_and_headline_updates_reach_the_rules() -> None:
    """The filings and news feeds' updates, as the app receives them, fire filing_items and
    headline rules once for what is new; the first update (the cache at start) only primes."""
    from datetime import UTC, date, datetime

    from neotui.data.news import Headline, NewsUpdate
    from neotui.data.sec.feed import CompanyFilings, FilingsUpdate
    from neotui.data.sec.submissions import Filing
    from neotui.messages import FilingsUpdated, NewsUpdated

    old = Filing(1, "ALPH", "10-Q", date(2026, 11, 2), "0000000001-26-000001")
    new = Filing(1, "ALPH", "8-K", date(2026, 11, 20), "0000000001-26-000002", items="1.01,9.01",
                 description="Material agreement")  # fmt: skip
    when = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    story = Headline("u1", "Alpha Cloud and Meta sign", "Wire", "https://news.test/1", when,
                     symbols=("ALPH",))  # fmt: skip

    def filings(*items: Filing) -> FilingsUpdate:
        return FilingsUpdate(companies={"ALPH": CompanyFilings("ALPH", 1, filings=items)})

    app = build_app(with_feed=False, extra={"alert": [{"filing_items": ["1.01"]},
                                                      {"headline": "Alpha Meta"}]})  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        for update in (
            FilingsUpdated(filings(old)),  # at start: primes
            NewsUpdated(NewsUpdate()),
            FilingsUpdated(filings(old, new)),
            NewsUpdated(NewsUpdate(headlines=(story,))),
            FilingsUpdated(filings(old, new)),  # seen: nothing more
        ):
            app.post_message(update)  # as the feeds' workers do
            await pilot.pause()  # each handled (a newer update would replace a queued one)
        titles = [a.title for a in app.alert_engine.history]
        assert titles.count("ALPH: 8-K items 1.01") == 1
        assert titles.count("Headline: alpha meta") == 1
        assert len(titles) == 2


async def test_many_insider_filings_do_not_make_a_seen_8k_fire_again() -> None:
    """The feed keeps up to 250 filings of each form: Form 4s must not push a seen 8-K out of the
    engine's bounded memory of accessions (SEEN), or it fires again on the next update."""
    from datetime import date

    from neotui.data.alerts.engine import SEEN
    from neotui.data.sec.feed import CompanyFilings, FilingsUpdate
    from neotui.data.sec.submissions import Filing
    from neotui.messages import FilingsUpdated

    deal = Filing(1, "ALPH", "8-K", date(2026, 11, 20), "0000000001-26-999999", items="1.01")
    insiders = tuple(Filing(1, "ALPH", "4", date(2026, 11, 19), f"0000000002-26-{n:06d}")
                     for n in range(SEEN + 100))  # fmt: skip
    update = FilingsUpdate(companies={"ALPH": CompanyFilings("ALPH", 1, filings=(deal, *insiders))})
    app = build_app(with_feed=False, extra={"alert": [{"filing_items": ["1.01"]}]})
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):  # the first primes; the second has nothing new
            app.post_message(FilingsUpdated(update))
            await pilot.pause()
        assert list(app.alert_engine.history) == []


async def test_an_old_filing_seen_for_the_first_time_is_not_news() -> None:
    """A deeper history (250 of each form, older pages) brings 8-Ks the engine never saw: one
    filed weeks ago must not fire as if it were new; one filed today does."""
    from datetime import date

    from neotui.data.sec.feed import CompanyFilings, FilingsUpdate
    from neotui.data.sec.submissions import Filing
    from neotui.messages import FilingsUpdated

    primed = Filing(1, "ALPH", "10-Q", date(2026, 11, 2), "0000000001-26-000001")
    old = Filing(1, "ALPH", "8-K", date(2026, 9, 1), "0000000001-26-000003", items="1.01")
    today = Filing(1, "ALPH", "8-K", date(2026, 11, 20), "0000000001-26-000004", items="1.01")

    def filings(*items: Filing) -> FilingsUpdate:
        return FilingsUpdate(companies={"ALPH": CompanyFilings("ALPH", 1, filings=items)})

    app = build_app(with_feed=False, extra={"alert": [{"filing_items": ["1.01"]}]})
    async with app.run_test(size=SIZE) as pilot:  # the harness's clock: 2026-11-20
        for update in (filings(primed), filings(primed, old), filings(primed, old, today)):
            app.post_message(FilingsUpdated(update))
            await pilot.pause()
        assert [a.title for a in app.alert_engine.history] == ["ALPH: 8-K items 1.01"]
        assert len(app.alert_engine.history) == 1
