"""The providers pane: long names shorten, numbers never (issue 22, case 22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neotui.widgets.providers import ProviderList
from tests.harness import build_app
from tests.helpers import deal_toml, write

LONG = "Alpha Hyperscale Sovereign Compute Partners of the North Atlantic"


def _book(tmp_path: Path) -> Path:
    provider = f"""
[[provider]]
id = "alpha"
name = "{LONG}"
ticker = "ALPH"
country = "US"
role = "neocloud"
"""
    return write(tmp_path / "deals.toml", provider + deal_toml())


@pytest.mark.parametrize("size", [(160, 48), (120, 40)])
async def test_case_22_a_long_provider_name_shortens_and_the_price_stays_whole(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = build_app(_book(tmp_path))
    async with app.run_test(size=size) as pilot:
        assert app.feed is not None
        await app.feed.refresh_once()
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one(ProviderList)
        price = table.get_row("alpha")[2].plain.strip()
        assert price and price[-3] == "."  # a whole price such as 28.92
        lines = [table.render_line(y).text for y in range(table.size.height)]
        line = next((text for text in lines if "Alpha Hyp" in text), "")
        assert price in line, line  # drawn whole, not "28" as before
        assert "…" in line and LONG not in line  # the name gave way
        used = sum(c.get_render_width(table) for c in table.columns.values())
        assert used <= table.scrollable_content_region.width
