"""Snapshot tests: how the screens look, with a frozen clock and fixed data.

Review changes with `pytest --snapshot-report` before accepting them with `--snapshot-update`.
"""

from __future__ import annotations

import pytest

from tests.harness import build_app

#: Times on screen are local: the zone is pinned (tests/conftest.py) so snapshots do not depend
#: on the machine.
pytestmark = pytest.mark.usefixtures("utc_local_time")


async def _with_quotes(pilot) -> None:
    await pilot.app.feed.refresh_once()
    pilot.app.run_impact()  # the event study (the Day 0 column), as on_ready starts it live
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_160x48(snap_compare) -> None:
    assert snap_compare(build_app(), terminal_size=(160, 48), run_before=_with_quotes)


def test_main_screen_bundled_dataset(snap_compare) -> None:
    """The README's screenshot: the bundled dataset, the watchlist, CoreWeave selected."""
    from neotui.data.resources import bundled_config_path

    watchlist = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")

    async def select_coreweave(pilot) -> None:
        await _with_quotes(pilot)
        await pilot.press("j", "j", "j", "j")
        await pilot.pause()

    app = build_app(bundled_config_path("deals.toml"), symbols=watchlist)
    assert snap_compare(app, terminal_size=(160, 48), run_before=select_coreweave)


def test_main_screen_80x24(snap_compare) -> None:
    assert snap_compare(build_app(), terminal_size=(80, 24), run_before=_with_quotes)


def test_main_screen_provider_selected(snap_compare) -> None:
    async def select_alpha(pilot) -> None:
        await _with_quotes(pilot)
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(build_app(), terminal_size=(160, 48), run_before=select_alpha)


def test_detail_screen(snap_compare) -> None:
    async def open_alpha(pilot) -> None:
        await _with_quotes(pilot)
        await pilot.press("j", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(build_app(), terminal_size=(160, 48), run_before=open_alpha)


def test_valuation_view(snap_compare) -> None:
    """`v`: the valuation table in place of the capacity pane (bundled dataset)."""
    from neotui.data.resources import bundled_config_path

    async def valuation(pilot) -> None:
        await _with_quotes(pilot)
        await pilot.press("v")
        await pilot.pause()

    app = build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS", "CIFR", "NVDA"))
    assert snap_compare(app, terminal_size=(160, 48), run_before=valuation)


def test_detail_screen_with_benchmark(snap_compare) -> None:
    """CoreWeave's detail: the impact table, labelled deal markers and `b` (SPY rebased)."""
    from neotui.data.resources import bundled_config_path

    async def coreweave(pilot) -> None:
        await _with_quotes(pilot)
        await pilot.press("j", "j", "j", "j", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("b")
        await pilot.pause()

    app = build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NVDA"))
    assert snap_compare(app, terminal_size=(160, 48), run_before=coreweave)


def test_help_screen(snap_compare) -> None:
    async def open_help(pilot) -> None:
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(build_app(), terminal_size=(120, 40), run_before=open_help)


def test_offline_start(snap_compare) -> None:
    """No network at start: the deals and the offline banner; quotes say they are offline."""
    from tests.harness import recorded_transport

    async def offline(pilot) -> None:
        await pilot.app.feed.refresh_once()
        await pilot.pause()

    app = build_app(transport=recorded_transport({"*": "offline"}))
    assert snap_compare(app, terminal_size=(160, 48), run_before=offline)


POSITIONS = {
    "lot": [
        {"symbol": "ALPH", "quantity": 10, "cost": 90.0},
        {"symbol": "ALPH", "quantity": 10, "cost": 110.0},
        {"symbol": "NVDA", "quantity": -5, "cost": 200.0},
        {"symbol": "MDLY", "quantity": 3, "cost": 10.0},
    ],
    "alert": [{"symbol": "ALPH", "above": 100.0}, {"symbol": "NVDA", "move_pct": 50.0}],
}


def test_positions_pane(snap_compare) -> None:
    async def show(pilot) -> None:
        await _with_quotes(pilot)
        pilot.app.screen.query_one("#positions").focus()
        await pilot.pause()

    app = build_app(extra=POSITIONS)
    assert snap_compare(app, terminal_size=(160, 48), run_before=show)


def test_alerts_list(snap_compare) -> None:
    async def open_alerts(pilot) -> None:
        await _with_quotes(pilot)
        pilot.app.clear_notifications()
        await pilot.press("A")
        await pilot.pause()

    app = build_app(extra=POSITIONS)
    assert snap_compare(app, terminal_size=(140, 40), run_before=open_alerts)


def test_alerts_list_80x24(snap_compare) -> None:
    """On 80 columns the rule's name and the alert's title go; the reason shows whole."""

    async def open_alerts(pilot) -> None:
        await _with_quotes(pilot)
        pilot.app.clear_notifications()
        await pilot.press("A")
        await pilot.pause()

    assert snap_compare(build_app(extra=POSITIONS), terminal_size=(80, 24), run_before=open_alerts)


def test_add_alert_modal(snap_compare) -> None:
    async def open_modal(pilot) -> None:
        await _with_quotes(pilot)
        await pilot.press("j", "a")
        await pilot.pause()

    assert snap_compare(build_app(), terminal_size=(120, 40), run_before=open_modal)


# --- every pane fits its terminal: the watch and detail screens at the sizes people use --------
# (160x48 is test_main_screen_160x48 / test_detail_screen above; 80x24 the main one above.)


def test_main_screen_120x40(snap_compare) -> None:
    assert snap_compare(build_app(), terminal_size=(120, 40), run_before=_with_quotes)


def test_main_screen_200x60(snap_compare) -> None:
    assert snap_compare(build_app(), terminal_size=(200, 60), run_before=_with_quotes)


async def _open_detail(pilot) -> None:
    await _with_quotes(pilot)
    await pilot.press("j", "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_detail_screen_80x24(snap_compare) -> None:
    assert snap_compare(build_app(), terminal_size=(80, 24), run_before=_open_detail)


def test_detail_screen_120x40(snap_compare) -> None:
    assert snap_compare(build_app(), terminal_size=(120, 40), run_before=_open_detail)


def test_detail_screen_200x60(snap_compare) -> None:
    assert snap_compare(build_app(), terminal_size=(200, 60), run_before=_open_detail)


# --- the valuation (`v`) and positions panes fit too: 160x48 is test_valuation_view and
# test_positions_pane above ----------------------------------------------------------------------


def _valuation_app():
    from neotui.data.resources import bundled_config_path

    return build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS", "CIFR", "NVDA"))


async def _valuation(pilot) -> None:
    await _with_quotes(pilot)
    await pilot.press("v")
    await pilot.pause()


async def _positions(pilot) -> None:
    await _with_quotes(pilot)
    pilot.app.clear_notifications()  # the alert's toast would hide the capacity pane
    pilot.app.screen.query_one("#positions").focus()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_valuation_view_sizes(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(_valuation_app(), terminal_size=size, run_before=_valuation)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_positions_pane_sizes(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(extra=POSITIONS), terminal_size=size, run_before=_positions)
