"""The timeline's cells: what a deal shows in each column, and what a filter searches."""

from __future__ import annotations

from rich.text import Text

from neotui import formatting as fmt
from neotui.data.analytics.events import EventStudy, Impact
from neotui.data.deals.models import Deal
from neotui.widgets.cells import direction_style, right

KIND_STYLE = {
    "compute": "bold cyan",
    "hosting": "cyan",
    "equity": "magenta",
    "acquisition": "yellow",
    "debt": "red",
    "funding": "green",
    "partnership": "blue",
    "supply": "bright_black",
}


def deal_text(deal: Deal, provider_name: str) -> str:
    """Everything a text filter should match for one deal (lower case)."""
    parts = [
        deal.id,
        provider_name,
        deal.counterparty,
        deal.kind,
        deal.summary,
        deal.source,
        deal.hardware or "",
        deal.location or "",
        deal.note or "",
        str(deal.date),
    ]
    return " ".join(parts).lower()


def clip(text: str, width: int) -> str:
    """Shorten long names in table cells; the detail line below shows them whole."""
    return text if len(text) <= width else text[: width - 1] + "…"


def term(deal: Deal) -> str:
    """The deal's duration: until a date, or a number of years."""
    if deal.ends:
        return f"to {deal.ends:%Y-%m}"
    if deal.term_years:
        return f"{deal.term_years:g} y"
    return ""


def scale(deal: Deal) -> str:
    """Power, GPUs and hardware, as much as is known."""
    bits = []
    if deal.power_mw:
        bits.append(fmt.power(deal.power_mw))
    if deal.gpus:
        bits.append(f"{fmt.count(deal.gpus)} GPUs")
    if deal.hardware:
        bits.append(deal.hardware)
    return " · ".join(bits)


def value(deal: Deal) -> str:
    """The deal's amount in its own currency."""
    if deal.value_usd is not None:
        return fmt.money(deal.value_usd)
    if deal.value_eur is not None:
        return fmt.money(deal.value_eur, "EUR")
    return "—"


#: |t| at or above this: the Day 0 figure is drawn bold (unlikely to be noise at ~5 %).
SIGNIFICANT_T = 1.96


def _pct(value: float | None) -> str:
    return "—" if value is None else fmt.percent(value * 100.0)


def day0_cell(impact: Impact | None) -> Text:
    """The Day 0 column: the abnormal return on day 0, coloured; blank when not computable."""
    return study_cell(impact.study if impact is not None else None)


def study_cell(s: EventStudy | None) -> Text:
    """The Day 0 cell of any event's study (a deal's, an earnings day's)."""
    abnormal = s.abnormal_0 if s is not None else None
    if s is None or abnormal is None:
        return right("")
    strong = s.t_car_m1_p1 is not None and abs(s.t_car_m1_p1) >= SIGNIFICANT_T
    shown = round(abnormal * 100.0, 1) + 0.0  # as printed; + 0.0 turns -0.0 into 0.0
    style = direction_style(shown) + (" bold" if strong else "")
    return right(f"{shown:+.1f}%", style)
