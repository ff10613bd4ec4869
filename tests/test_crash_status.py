"""An error that stops the app exits non-zero (issue 22, case 21: the early-key crash exited 0)."""

from __future__ import annotations

import pytest

from neotui import build
from neotui.app import NeoApp
from neotui.settings import load_settings
from tests.fake_yahoo import FakeYahoo
from tests.harness import build_app
from tests.helpers import record_notices, wait_until


class _Broken(NeoApp):
    def action_refresh(self) -> None:
        raise RuntimeError("a bug in an action")


async def test_an_error_in_a_handler_stops_the_app_with_status_1() -> None:
    """What run_app relies on: Textual stops the app and sets its return code to 1."""
    app = build_app(app_class=_Broken, with_feed=False)
    with pytest.raises(RuntimeError, match="a bug in an action"):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("r")
            await pilot.pause()
    assert app.return_code == 1


@pytest.mark.parametrize(("code", "exits"), [(1, 1), (0, None), (None, None)])
def test_case_21_run_app_exits_with_the_apps_status(
    monkeypatch: pytest.MonkeyPatch, code: int | None, exits: int | None
) -> None:
    class Ran:
        return_code = code

        def run(self) -> None:
            pass

    monkeypatch.setattr(build, "make_app", lambda settings: Ran())
    if exits is None:
        build.run_app(load_settings())
    else:
        with pytest.raises(SystemExit) as stopped:
            build.run_app(load_settings())
        assert stopped.value.code == exits


async def test_case_6_a_stopped_quote_feed_says_so_and_r_restarts_it(
    fake_yahoo: FakeYahoo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """refresh.regular = nan stopped the feed for good ("run_feed stopped") while the status line
    kept its ✓ and r did nothing."""
    from neotui.widgets.status_line import StatusLine
    from tests.test_end_to_end import SIZE, real_app

    app = real_app(fake_yahoo.url)
    assert app.feed is not None
    runs: list[int] = []
    run = app.feed.run

    async def fails_once() -> None:
        runs.append(1)
        if len(runs) == 1:
            raise ValueError("invalid interval nan")  # a bug the loop does not survive
        await run()

    monkeypatch.setattr(app.feed, "run", fails_once)
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        line = app.screen.query_one(StatusLine)
        await wait_until(lambda: app.quotes_stopped, pilot=pilot, what="the feed to stop")
        await pilot.pause()
        assert "QUOTES STOPPED" in line.plain and "r restarts" in line.plain
        assert (
            "quotes"
            not in line.plain.split("QUOTES STOPPED")[1].split("│")[0].replace("r restarts", "")
            or "✓" not in line.plain.split("│")[1]
        )
        assert any("stopped: ValueError" in n.message for n in notices)
        await pilot.press("r")
        await wait_until(lambda: len(runs) == 2, pilot=pilot, what="the feed to restart")
        await wait_until(lambda: "✓" in line.plain, pilot=pilot, what="fresh quotes")
        assert "QUOTES STOPPED" not in line.plain and not app.quotes_stopped


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "https://x.example/\x1b]52;c;AAAA\x07",
     "ftp://files.example/a", "//no-scheme.example/a"],
)  # fmt: skip
async def test_case_1_only_web_pages_are_ever_opened(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever reaches the opener (deal sources come from files, links from servers)."""
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda u, *a, **kw: opened.append(u))
    app = build_app(with_feed=False)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_url(url)
        app.open_url("https://www.sec.gov/Archives/edgar/data/1769628/")
        await pilot.pause()
    assert opened == ["https://www.sec.gov/Archives/edgar/data/1769628/"]
    assert any("Not opened" in n.message and "not a web address" in n.message for n in notices)
