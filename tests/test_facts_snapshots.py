"""Snapshots of the SEC figures in the tables: the valuation view (with finance leases, EV and
EV per MW) at 80x24 and 160x48, and the capacity pane at 160x48, with CoreWeave's facts in the
cache: narrowed figures keep their source and month (``$55.6B Q25-09``)."""

from __future__ import annotations

import pytest

from neotui.data.sec.facts import CompanyFacts
from neotui.data.sec.facts_feed import FactsStore
from neotui.settings import user_cache_dir
from tests.harness import build_app
from tests.test_reported import SEC, fact
from tests.test_snapshots import _with_quotes

#: Times on screen are local: the zone is pinned (tests/conftest.py) so snapshots do not depend
#: on the machine.
pytestmark = pytest.mark.usefixtures("utc_local_time")


#: CoreWeave's figures with its finance lease liabilities (they go into the EV, marked +L).
LEASED = CompanyFacts(SEC.cik, SEC.name, (*SEC.facts, fact("finance_leases", 2.5e9)))


def _app():
    from neotui.data.resources import bundled_config_path

    store = FactsStore(user_cache_dir() / "facts.db")
    store.put("CRWV", LEASED, {"cik": 1769628})
    store.close()
    return build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS", "CIFR", "NVDA"),
                     filings=True)  # fmt: skip


async def _with_facts(pilot) -> None:
    """Quotes in, and the cached facts delivered and drawn: they come after the first frame,
    and a snapshot taken as they land would catch the table between its fit and its redraw."""
    from neotui.widgets.capacity import CapacityTable

    await _with_quotes(pilot)
    for _ in range(100):
        if pilot.app.screen.query_one(CapacityTable).facts:
            break
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.pause()


async def _valuation(pilot) -> None:
    await _with_facts(pilot)
    await pilot.press("v")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_valuation_with_sec_facts(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_valuation)


def test_capacity_with_sec_facts(snap_compare) -> None:
    assert snap_compare(_app(), terminal_size=(160, 48), run_before=_with_facts)
