"""Rendering values as table cells: always ``rich.text.Text``, never markup.

Every string that reaches a cell may come from the deals file or from Yahoo, so it is wrapped in
``Text`` (which is never parsed for markup) after control characters were stripped at load time.
"""

from __future__ import annotations

from rich.text import Text

from neotui.data.clean import clean_text

BLOCKS = "▁▂▃▄▅▆▇█"


def plain(value: object, style: str = "") -> Text:
    """A cell showing ``value`` literally (None shows as an em dash)."""
    if value is None:
        return Text("—", style="dim")
    return Text(clean_text(str(value)), style=style)


def clip(cell: Text, width: int) -> Text:
    """``cell`` cut to ``width`` cells with an ellipsis (for text such as a status message or a
    name; numbers get columns wide enough instead)."""
    if cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


def right(value: str, style: str = "") -> Text:
    """A right-justified cell."""
    return Text(value, style=style, justify="right")


def sparkline(values: tuple[float, ...] | list[float], width: int = 12) -> str:
    """A one-line chart of ``values`` resampled to ``width`` blocks."""
    if len(values) < 2:
        return ""
    if len(values) > width:
        step = len(values) / width
        values = [values[min(len(values) - 1, int(i * step))] for i in range(width - 1)] + [
            values[-1]
        ]
    low, high = min(values), max(values)
    span = high - low
    if span <= 0:
        return BLOCKS[3] * len(values)
    return "".join(BLOCKS[min(7, int((v - low) / span * 7.999))] for v in values)


def direction_style(change: float | None) -> str:
    """Green up, red down, neutral otherwise (theme-aware colour names)."""
    if change is None or change == 0:
        return ""
    return "green" if change > 0 else "red"


def same(a: object, b: object) -> bool:
    """Whether two cells would render alike (``Text.__eq__`` ignores the base style). The cheap
    attributes are compared first: a refresh of 500 rows compares ~5,000 cells."""
    if a is b:
        return True
    if isinstance(a, Text) and isinstance(b, Text):
        style_a, style_b = a.style, b.style
        if type(style_a) is not type(style_b):
            style_a, style_b = str(style_a), str(style_b)
        return (
            a.justify == b.justify
            and style_a == style_b
            and a.plain == b.plain
            and a.spans == b.spans
        )
    return a == b
