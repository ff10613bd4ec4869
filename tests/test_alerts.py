"""Alert rules: crossing up, down and back with hysteresis; no second firing after a restart;
stale quotes never fire; new deals through live reload; filings and headlines; bad rules."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from neotui.data.alerts.engine import AlertEngine, AlertStore, RuleFile
from neotui.data.alerts.rules import (
    AlertKind,
    AlertRule,
    FilingEvent,
    HeadlineEvent,
    RuleStatus,
    parse_alerts,
)
from neotui.data.deals import DealsSource
from neotui.data.deals.watcher import DealsWatcher
from neotui.data.market.feed import SymbolState, SymbolStatus
from neotui.data.market.quote import Quote
from neotui.settings import SettingsError, app_rules_file, load_settings
from tests.helpers import FROZEN, PROVIDER, UtcClock, deal_toml, write


def quotes(price: float | None, prev: float | None = 100.0, *, symbol: str = "CRWV",
           status: SymbolStatus = SymbolStatus.FRESH) -> dict[str, SymbolState]:  # fmt: skip
    quote = Quote(symbol, price, FROZEN, prev_close=prev) if price is not None else None
    return {symbol: SymbolState(symbol, status, quote, None if status == "fresh" else "cached")}


#: The engine's clock moves 15 s (a refresh) every time it is read.
STEP = timedelta(seconds=15)


def engine(*rules: AlertRule, store: AlertStore | None = None) -> AlertEngine:
    return AlertEngine(rules, store, margin_pct=0.5, clock=UtcClock(FROZEN + STEP, step=15))


ABOVE = AlertRule(AlertKind.ABOVE, "CRWV", 120.0)
BELOW = AlertRule(AlertKind.BELOW, "CRWV", 90.0)
MOVE = AlertRule(AlertKind.MOVE_PCT, "CRWV", 8.0)


def fires(e: AlertEngine, price: float | None, **kw) -> int:
    return len(e.on_quotes(quotes(price, **kw)))


def test_above_fires_once_per_crossing_with_hysteresis() -> None:
    e = engine(ABOVE)
    assert fires(e, 110) == 0 and e.states[ABOVE.id].status is RuleStatus.ARMED
    assert fires(e, 120.5) == 1  # crosses up
    assert e.states[ABOVE.id].status is RuleStatus.TRIGGERED
    assert fires(e, 125) == 0  # still above: no second alert
    assert fires(e, 119.8) == 0  # back under, but within the 0.5 % margin (119.40)
    assert fires(e, 120.2) == 0  # ... so coming back up does not fire again
    assert fires(e, 119.3) == 0  # past the margin: re-armed
    assert e.states[ABOVE.id].status is RuleStatus.ARMED
    assert fires(e, 121) == 1  # a new crossing fires again
    assert [a.rule for a in e.history] == ["CRWV above 120"] * 2
    assert e.history[0].message == "CRWV at 120.50, above 120.00"


def test_below_fires_on_the_way_down_and_rearms_above_the_margin() -> None:
    e = engine(BELOW)
    assert fires(e, 95) == 0
    assert fires(e, 89.9) == 1
    assert fires(e, 90.3) == 0  # 90.45 needed to re-arm
    assert fires(e, 89) == 0
    assert fires(e, 90.5) == 0 and e.states[BELOW.id].status is RuleStatus.ARMED
    assert fires(e, 90) == 1


def test_move_pct_both_ways_with_percentage_point_margin() -> None:
    e = engine(MOVE)
    assert fires(e, 107.9) == 0
    (alert,) = e.on_quotes(quotes(108.0))
    assert alert.message == "CRWV up +8.00% today (beyond ±8%)"
    assert fires(e, 107.6) == 0  # 7.6 % is within 0.5 points of 8
    assert fires(e, 107.4) == 0 and e.states[MOVE.id].status is RuleStatus.ARMED
    (down,) = e.on_quotes(quotes(91.0))
    assert "down -9.00%" in down.message


def test_a_rule_whose_condition_already_holds_fires_once_at_first_sight() -> None:
    e = engine(ABOVE)
    assert fires(e, 130) == 1
    assert fires(e, 131) == 0


@pytest.mark.parametrize("status", [SymbolStatus.STALE, SymbolStatus.PENDING,
                                    SymbolStatus.NOT_FOUND])  # fmt: skip
def test_stale_or_missing_quotes_never_fire(status: SymbolStatus) -> None:
    e = engine(ABOVE, BELOW, MOVE)
    assert fires(e, 200.0, status=status) == 0
    assert fires(e, 50.0, status=status) == 0
    assert fires(e, None) == 0  # no quote at all
    assert e.on_quotes({}) == []
    assert e.states == {}  # nothing learnt from stale data either
    assert all(ev.status is RuleStatus.UNKNOWN for ev in e.evaluate(quotes(200, status=status)))
    # A fresh quote without a previous close cannot judge a day move.
    assert fires(e, 200.0, prev=None) == 1  # above fires, move_pct stays unknown
    assert MOVE.id not in e.states


def test_no_second_firing_after_a_restart(tmp_path: Path) -> None:
    store = AlertStore(tmp_path / "data" / "alerts-state.json")
    e = engine(ABOVE, store=store)
    assert fires(e, 121) == 1
    assert e.dirty
    e.save()
    assert not e.dirty and store.path.is_file()
    again = engine(ABOVE, store=AlertStore(store.path))  # a new process
    assert again.states[ABOVE.id].status is RuleStatus.TRIGGERED
    assert fires(again, 122) == 0
    assert [a.message for a in again.history] == ["CRWV at 121.00, above 120.00"]
    assert fires(again, 110) == 0 and fires(again, 121) == 1  # re-arms and fires as usual


def test_damaged_state_file_starts_afresh_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "alerts-state.json"
    path.write_text("{not json", encoding="utf-8")
    store = AlertStore(path)
    e = engine(ABOVE, store=store)
    assert e.states == {} and "unreadable" in (store.warning or "")


def test_evaluate_does_not_change_state_until_committed() -> None:
    e = engine(ABOVE)
    evs = e.evaluate(quotes(125))
    assert [ev.status for ev in evs] == [RuleStatus.TRIGGERED] and evs[0].fired is not None
    assert e.states == {} and not e.history
    assert len(e.commit(evs)) == 1 and e.states[ABOVE.id].status is RuleStatus.TRIGGERED


# --- new deals through live reload ----------------------------------------------------------------


async def _next_update(watcher: DealsWatcher):
    async for update in watcher.updates():
        return update


def test_new_deal_through_live_reload_fires_once(tmp_path: Path) -> None:
    path = write(tmp_path / "deals.toml", PROVIDER + deal_toml(id='"d1"'))
    watcher = DealsWatcher([DealsSource(path, "file")], poll_interval=0.02)
    e = engine(AlertRule(AlertKind.NEW_DEAL))
    assert e.on_book(watcher.load().book) == []  # the first book never fires
    write(path, PROVIDER + deal_toml(id='"d1"') + deal_toml(id='"d2"', counterparty='"OpenAI"'))
    update = asyncio.run(asyncio.wait_for(_next_update(watcher), 5))
    (alert,) = e.on_book(update.book)
    assert alert.title == "New deal: Alpha Cloud" and alert.symbol == "ALPH"
    assert alert.message.startswith("Alpha Cloud × OpenAI $14.2B")
    assert e.on_book(update.book) == []  # the same book again: nothing new
    assert e.on_book(watcher.load().book) == []  # a reload of the same file: nothing new


def test_no_new_deal_rule_no_alert(tmp_path: Path) -> None:
    path = write(tmp_path / "deals.toml", PROVIDER + deal_toml(id='"d1"'))
    watcher = DealsWatcher([DealsSource(path, "file")])
    e = engine(ABOVE)
    e.on_book(watcher.load().book)
    write(path, PROVIDER + deal_toml(id='"d1"') + deal_toml(id='"d2"'))
    assert e.on_book(watcher.load().book) == []


# --- filings and headlines ------------------------------------------------------------------------


def test_filing_items_fire_once_per_new_filing_after_priming(tmp_path: Path) -> None:
    store = AlertStore(tmp_path / "s.json")
    rule = AlertRule(AlertKind.FILING_ITEMS, items=("1.01", "2.01"))
    e = engine(rule, store=store)
    old = FilingEvent("0001-1", "CRWV", "8-K", ("1.01",), "Old agreement")
    assert e.on_filings([old]) == []  # the first batch ever primes
    new = FilingEvent("0001-2", "CRWV", "8-K", ("2.01", "9.01"), "Acquisition\x1b[31m done", "u")
    other = FilingEvent("0001-3", "NBIS", "8-K", ("5.02",), "Officer leaves")
    (alert,) = e.on_filings([old, new, other])
    assert alert.title == "CRWV: 8-K items 2.01" and alert.message == "Acquisition done"
    assert e.on_filings([old, new, other]) == []
    e.save()
    assert engine(rule, store=AlertStore(store.path)).on_filings([new]) == []  # after a restart


def test_filing_rule_with_a_symbol_only_matches_that_symbol() -> None:
    rule = AlertRule(AlertKind.FILING_ITEMS, "NBIS", items=("1.01",))
    e = engine(rule)
    e.on_filings([])
    assert e.on_filings([FilingEvent("k1", "CRWV", "8-K", ("1.01",), "x")]) == []
    assert len(e.on_filings([FilingEvent("k2", "NBIS", "8-K", ("1.01",), "x")])) == 1


def test_headline_needs_all_the_words() -> None:
    (rule,) = parse_alerts([{"headline": "CoreWeave Meta"}])
    e = engine(rule)
    e.on_headlines([])
    hits = e.on_headlines([
        HeadlineEvent("h1", None, "CoreWeave signs $14B deal with Meta", "u1"),
        HeadlineEvent("h2", None, "CoreWeave shares fall", "u2"),
        HeadlineEvent("h3", None, "Metallica plays for CoreWeave", "u3"),  # "meta" is not a word
        HeadlineEvent("h4", None, "META and COREWEAVE's pact", "u4"),
    ])  # fmt: skip
    assert [a.url for a in hits] == ["u1", "u4"]
    assert hits[0].title == "Headline: coreweave meta"


# --- rules from files -----------------------------------------------------------------------------


def test_rules_parse_and_name_themselves() -> None:
    rules = parse_alerts([
        {"symbol": "crwv", "above": 120}, {"symbol": "NBIS", "below": 90.5},
        {"symbol": "IREN", "move_pct": 8, "id": "iren swings"}, {"new_deal": True},
        {"filing_items": ["1.01", "2.01"]}, {"headline": "CoreWeave Meta", "symbol": "CRWV"},
    ])  # fmt: skip
    assert [r.id for r in rules] == [
        "CRWV above 120", "NBIS below 90.5", "iren swings", "new deal",
        "filing items 1.01, 2.01", "CRWV headline “coreweave meta”",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "key", "message"),
    [
        ('symbol = "CRWV"', "alert #2", "needs exactly one of above"),
        ('symbol = "CRWV"\nabove = 1\nbelow = 2', "alert #2", "found: above, below"),
        ("above = 120.0", "alert #2 symbol", "missing"),
        ('symbol = "CRWV"\nabove = -1', "alert #2 above", "greater than 0"),
        ('symbol = "CRWV"\nabove = "high"', "alert #2 above", "greater than 0"),
        ("new_deal = false", "alert #2 new_deal", "expected true"),
        ('filing_items = ["1.1"]', "alert #2 filing_items", "not an 8-K item"),
        ("filing_items = []", "alert #2 filing_items", "expected a list"),
        ('headline = "  "', "alert #2 headline", "expected words"),
        ('symbol = "CRWV"\nabove = 1\nemail = "x"', "alert #2 email", "unknown field"),
    ],
)
def test_bad_rules_are_rejected_with_file_entry_and_field(
    tmp_path: Path, entry: str, key: str, message: str
) -> None:
    path = write(tmp_path / "s.toml", f"[[alert]]\nnew_deal = true\n[[alert]]\n{entry}\n")
    with pytest.raises(SettingsError) as err:
        load_settings(config=path, environ={})
    assert err.value.where == str(path) and err.value.key == key
    assert message in str(err.value)


def test_app_owned_rules_round_trip_and_join_the_settings(tmp_path: Path) -> None:
    user = write(tmp_path / "s.toml", '[[alert]]\nsymbol = "CRWV"\nabove = 120\n')
    before = user.read_bytes()
    rules = app_rules_file()
    weird = AlertRule(AlertKind.BELOW, "NBIS", 90.25, name='say "hi"\\; rm -rf ~\n')
    rules.append(AlertRule(AlertKind.ABOVE, "CRWV", 120.0))  # the same as the user's: one rule
    rules.append(weird)
    s = load_settings(config=user, environ={})
    assert [r.id for r in s.alert_rules] == ["CRWV above 120", 'say "hi"\\; rm -rf ~']
    assert s.alert_rules[1].threshold == 90.25
    assert user.read_bytes() == before  # the user's file is never written
    assert str(rules.path).startswith(str(tmp_path))  # in the (isolated) data directory
    assert "NBIS" in s.feed_symbols


def test_damaged_app_rules_file_is_named(tmp_path: Path) -> None:
    """Named with the entry at fault, and set aside (issue 22 case 4: neotui's own file is never
    a reason not to start)."""
    path = app_rules_file().path
    path.parent.mkdir(parents=True)
    path.write_text('[[alert]]\nsymbol = "X"\n', encoding="utf-8")
    (notice,) = load_settings(environ={}).notices
    assert notice.startswith(f"{path}: alert #1") and "set aside" in notice
    assert RuleFile(tmp_path / "absent.toml").load() == ()


def test_small_move_threshold_can_still_rearm() -> None:
    e = engine(AlertRule(AlertKind.MOVE_PCT, "CRWV", 0.4))
    assert fires(e, 100.5) == 1
    assert fires(e, 100.25) == 0  # 0.25 % is not under 0.4 - min(0.5, 0.2) = 0.2
    assert fires(e, 100.1) == 0 and fires(e, 100.5) == 1


def test_only_a_change_of_state_needs_a_write() -> None:
    e = engine(ABOVE)
    fires(e, 110)
    e.snapshot()
    assert not e.dirty
    fires(e, 111)
    fires(e, 112.5)  # the price moves, the state does not
    assert not e.dirty
    fires(e, 121)
    assert e.dirty


def test_alerts_section_and_its_environment_variables(tmp_path: Path) -> None:
    s = load_settings(environ={"NEOTUI_ALERTS_BELL": "yes", "NEOTUI_ALERTS_DESKTOP": "1"})
    assert s.alerts.bell and s.alerts.desktop and s.alerts.command == ""
    assert s.alerts.rearm_pct == 0.5 and s.alerts.desktop_escape == "auto"
    for body, key in [('desktop_escape = "osc99"', "alerts.desktop_escape"),
                      ("rearm_pct = -1", "alerts.rearm_pct"),
                      ("command_timeout = 0", "alerts.command_timeout"),
                      ("bell = 1", "alerts.bell")]:  # fmt: skip
        path = write(tmp_path / "s.toml", f"[alerts]\n{body}\n")
        with pytest.raises(SettingsError) as err:
            load_settings(config=path, environ={})
        assert err.value.key == key
