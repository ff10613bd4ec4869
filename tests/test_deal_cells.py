"""The Day 0 cell: rounded as shown, never "-0.0%" for a move too small to print."""

from __future__ import annotations

from datetime import date

from neotui.data.analytics.events import EventStudy, Impact
from neotui.widgets.deal_cells import day0_cell


def impact(ar: float, t: float | None = None) -> Impact:
    study = EventStudy("CRWV", "SPY", date(2025, 9, 30), abnormal_0=ar, t_car_m1_p1=t)
    return Impact("d", date(2025, 9, 30), "coreweave", "Meta", "provider", study)


def test_tiny_negative_move_reads_zero_and_is_not_red() -> None:
    cell = day0_cell(impact(-0.00004))
    assert cell.plain.strip() == "+0.0%"
    assert "red" not in str(cell.style)


def test_moves_keep_their_sign_and_strong_ones_are_bold() -> None:
    down = day0_cell(impact(-0.0303, t=-2.5))
    assert down.plain.strip() == "-3.0%" and "bold" in str(down.style)
    assert day0_cell(impact(0.135)).plain.strip() == "+13.5%"
