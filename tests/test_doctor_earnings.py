"""The doctor's quoteSummary and options checks against the fake Yahoo server: recorded bodies
answer ok, a symbol without fundamentals or options is a warning that says why, a server error
is a warning (quotes do not depend on them), and the settings that turn them off skip them."""

from __future__ import annotations

from neotui.cli.checks import run_doctor
from tests.fake_yahoo import FakeYahoo
from tests.test_doctor import by_check, settings_for


def test_recorded_calendar_short_interest_and_chain_are_ok(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.summaries["CRWV"] = "BFLY"
    fake_yahoo.options["CRWV"] = "BFLY"
    checks = by_check(run_doctor(settings_for(fake_yahoo.url)))
    assert checks["quoteSummary"].status == "ok"
    assert "short interest of 2025-01-31" in checks["quoteSummary"].detail
    assert checks["options"].status == "ok"
    assert "4 expiries, first 2025-03-21, 10 calls and 7 puts priced" in checks["options"].detail


def test_no_fundamentals_and_no_options_say_so(fake_yahoo: FakeYahoo) -> None:
    checks = by_check(run_doctor(settings_for(fake_yahoo.url)))  # CRWV unmapped: BTC-USD's
    assert checks["quoteSummary"].status == "ok"
    assert "no next date" in checks["quoteSummary"].detail
    assert "no short interest for this symbol" in checks["quoteSummary"].detail
    assert checks["options"].status == "ok" and "0 expiries" in checks["options"].detail


def test_server_error_is_a_warning(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.summaries["CRWV"] = "BFLY"
    checks_before = by_check(run_doctor(settings_for(fake_yahoo.url)))
    assert checks_before["quoteSummary"].status == "ok"
    fake_yahoo.requests.clear()

    original = fake_yahoo.respond

    def failing(path: str, query: dict, cookie: str):
        if path.startswith(("/v10/finance/quoteSummary/", "/v7/finance/options/")):
            return "500", {}, 0.0
        return original(path, query, cookie)

    fake_yahoo.respond = failing  # type: ignore[method-assign]
    checks = by_check(run_doctor(settings_for(fake_yahoo.url)))
    assert checks["quoteSummary"].status == "warn"
    assert "Yahoo server error (500)" in checks["quoteSummary"].detail
    assert "prices are not affected" in checks["quoteSummary"].hint
    assert checks["options"].status == "warn"
    assert checks["chart"].status == "ok"


def test_settings_skip_them(fake_yahoo: FakeYahoo) -> None:
    from neotui.settings import load_settings

    settings = load_settings(
        environ={"NEOTUI_YAHOO_URL": fake_yahoo.url, "NEOTUI_EARNINGS_OPTIONS": "false"},
        overrides={"market": {"connect_timeout": 0.5, "read_timeout": 1.0}},
    )
    checks = by_check(run_doctor(settings))
    assert checks["quoteSummary"].status == "ok"
    assert checks["options"].status == "skipped" and "earnings.options" in checks["options"].detail
    checks = by_check(run_doctor(settings_for(fake_yahoo.url, batch=False)))
    assert checks["quoteSummary"].status == "skipped" and "crumb" in checks["quoteSummary"].detail
