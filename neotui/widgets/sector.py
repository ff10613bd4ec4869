"""The sector line, under the providers: the watched neoclouds as one equal-weight basket (its day
change, intraday line and breadth), with the supplier (NVIDIA) shown apart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from neotui import formatting as fmt
from neotui.widgets.cells import direction_style, sparkline

if TYPE_CHECKING:
    from neotui.data.analytics.valuation import SectorLine  # loaded with the first sector line


def sector_text(line: SectorLine | None, width: int = 30, title: str = "Neoclouds") -> Text:
    """The pane's text (plain Text: symbols come from settings and files); ``title``: what the
    basket is (a watchlist group's name)."""
    text = Text()
    if line is None or (not line.members and not line.missing and not line.suppliers):
        text.append("No watched neocloud symbols.", style="dim")
        return text
    count = len(line.members)
    text.append(f"{title}, equal weight ({count})\n", style="bold")
    if line.change_pct is None:
        text.append("waiting for quotes…\n", style="dim")
    else:
        text.append(fmt.percent(line.change_pct), style="bold " + direction_style(line.change_pct))
        text.append(" today  ")
        if len(line.series) >= 2:
            text.append(sparkline(line.series, width), style=direction_style(line.change_pct))
        text.append("\n")
        text.append(f"▲ {line.advancing}", style="green")
        text.append("  ")
        text.append(f"▼ {line.declining}", style="red")
        if line.unchanged:
            text.append(f"  = {line.unchanged}")
        text.append("  advancing / declining\n", style="dim")
    if len(line.year) >= 2:
        change = line.year[-1] - 100.0
        text.append(f"1 year ({len(line.year_members)}): ")
        text.append(fmt.percent(change), style="bold " + direction_style(change))
        text.append(f" since {line.year_start}\n", style="dim")
        text.append(sparkline(line.year, width + 14), style=direction_style(change))
        text.append("\n")
    if line.missing:
        text.append(f"no quote yet: {', '.join(line.missing)}\n", style="dim")
    for symbol, supplier_change in line.suppliers:
        text.append(f"{symbol} ", style="bold")
        text.append(fmt.percent(supplier_change), style=direction_style(supplier_change))
        text.append("  supplier, not in the basket\n", style="dim")
    text.rstrip()
    return text


def groups_text(lines: list[tuple[str, SectorLine]], width: int = 30) -> Text:
    """Every group's equal-weight line, one line each: name, day change, intraday line."""
    text = Text(no_wrap=True, overflow="ellipsis")
    name_width = min(16, max((len(name) for name, _ in lines), default=0))
    for name, line in lines:
        shown = name if len(name) <= name_width else name[: name_width - 1] + "…"
        text.append(f"{shown:<{name_width}} ", style="bold")
        if line.change_pct is None:
            text.append("waiting for quotes…\n", style="dim")
            continue
        style = direction_style(line.change_pct)
        text.append(f"{fmt.percent(line.change_pct):>8} ", style="bold " + style)
        if len(line.series) >= 2:
            text.append(sparkline(line.series, max(4, width - name_width)), style=style)
        text.append("\n")
    text.rstrip()
    return text


class SectorPane(Static):
    """Shows a :class:`SectorLine`; redraws only when the text changes."""

    def __init__(self, **kw: Any) -> None:
        # Blank until the first line, which follows the first frame: "No watched neocloud
        # symbols." there would be wrong for a frame whenever there are some.
        super().__init__(**kw)
        self._shown = ""

    def show(self, line: SectorLine | None, title: str = "Neoclouds") -> None:
        """Draw ``line``, the basket called ``title``."""
        text = sector_text(line, max(8, self.size.width - 18) if self.size.width else 20, title)
        self.show_text(text)

    def show_text(self, text: Text) -> None:
        """Draw ``text`` unless it is what is shown."""
        if text.markup != self._shown:
            self._shown = text.markup
            self.update(text, layout=False)  # fixed size (1fr): no relayout of the screen
