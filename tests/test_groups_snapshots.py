"""Snapshots of the watchlist groups: one group (`g`: its name in the status line and the quotes
title, its own equal-weight line in the sector pane) and all groups (`G`: each under its
heading, one equal-weight line each), at 80x24 and 160x48. The bundled dataset and groups, the
tests' recorded prices."""

from __future__ import annotations

import pytest

from neotui.data.resources import bundled_config_path
from tests.harness import build_app

pytestmark = pytest.mark.usefixtures("utc_local_time")

WATCHLIST = ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")
GROUPS = {
    "group": [
        {"name": "GPU clouds", "symbols": ["CRWV", "NBIS"]},
        {"name": "Powered shells", "symbols": ["IREN", "CIFR", "WULF", "APLD", "CORZ"]},
        {"name": "Supplier", "symbols": ["NVDA"]},
        {"name": "Hyperscalers", "symbols": ["MSFT", "META", "GOOGL", "AMZN", "ORCL"]},
    ]
}
SIZES = [(80, 24), (160, 48)]


def _app():
    return build_app(bundled_config_path("deals.toml"), symbols=WATCHLIST, extra=GROUPS)


def _after(*keys: str):
    async def run(pilot) -> None:
        await pilot.app.feed.refresh_once()
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_one_group(snap_compare, size: tuple[int, int]) -> None:
    """`g` twice: the powered-shell landlords."""
    assert snap_compare(_app(), terminal_size=size, run_before=_after("g", "g"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_all_groups(snap_compare, size: tuple[int, int]) -> None:
    """`G`: every group under its heading."""
    assert snap_compare(_app(), terminal_size=size, run_before=_after("G"))
