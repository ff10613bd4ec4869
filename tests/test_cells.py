"""Cell helpers: what counts as an unchanged cell (an unchanged cell is never redrawn)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from neotui.widgets.cells import same


def test_same_cells_whatever_the_style_spelling() -> None:
    assert same(Text("1.00", style="bold", justify="right"), Text("1.00", style="bold",
                justify="right"))  # fmt: skip
    assert same(Text("1.00", style="bold"), Text("1.00", style=Style(bold=True)))
    cell = Text("x")
    assert same(cell, cell)
    assert same(None, None) and same("a", "a")


def test_any_visible_difference_is_a_change() -> None:
    base = Text("1.00", style="green", justify="right")
    assert not same(base, Text("1.01", style="green", justify="right"))  # text
    assert not same(base, Text("1.00", style="red", justify="right"))  # base style
    assert not same(base, Text("1.00", style="green"))  # justification
    spanned = Text("1.00", style="green", justify="right")
    spanned.stylize("reverse", 0, 1)
    assert not same(base, spanned)  # a styled part
    assert not same(None, base) and not same(base, "1.00")
