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


def sector_text(line: SectorLine | None, width: int = 30) -> Text:
    """The pane's text (plain Text: symbols come from settings and files)."""
    text = Text()
    if line is None or (not line.members and not line.missing and not line.suppliers):
        text.append("No watched neocloud symbols.", style="dim")
        return text
    count = len(line.members)
    text.append(f"Neoclouds, equal weight ({count})\n", style="bold")
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


class SectorPane(Static):
    """Shows a :class:`SectorLine`; redraws only when the text changes."""

    def __init__(self, **kw: Any) -> None:
        # Blank until the first line, which follows the first frame: "No watched neocloud
        # symbols." there would be wrong for a frame whenever there are some.
        super().__init__(**kw)
        self._shown = ""

    def show(self, line: SectorLine | None) -> None:
        """Draw ``line``."""
        text = sector_text(line, max(8, self.size.width - 18) if self.size.width else 20)
        if text.markup != self._shown:
            self._shown = text.markup
            self.update(text, layout=False)  # fixed size (1fr): no relayout of the screen
