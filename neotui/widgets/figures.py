"""A reported figure in a table cell: its value, where it came from and when, in two forms.

The tables narrow a dated figure to its short form when the pane is tight (see
:mod:`neotui.widgets.tables.fit`). A short form that was the value alone made an SEC figure
look like a press one and hid its date, so the short form keeps both in five to eight cells:
``$55.6B Q25-09`` is an SEC 10-Q balance at September 2025 (cyan), ``$15.1B 25-03`` a press
figure of March 2025 (dim). The long form spells the form and the day out
(``$55.6B 10-Q 25-09-30``).
"""

from __future__ import annotations

from rich.text import Text

from neotui import formatting as fmt
from neotui.data.analytics.reported import sec_form
from neotui.data.deals.models import FinancialFact
from neotui.widgets.cells import right
from neotui.widgets.tables import Cell

#: The form's mark in a short form; another form is shown whole, with a space (``S-1 25-09``).
FORM_MARKS = {"10-Q": "Q", "10-K": "K", "10-QT": "Q", "10-KT": "K", "20-F": "F", "40-F": "F",
              "6-K": "6K"}  # fmt: skip
SEC_STYLE = "cyan"


def form_mark(form: str) -> str:
    """``Q`` for a 10-Q (and its amendment), ``K`` for a 10-K, ``F`` for a 20-F or 40-F."""
    base = form.split("/", 1)[0]
    return FORM_MARKS.get(base, f"{base} ")


def figure_cell(fact: FinancialFact | None, *, press_day: bool = True) -> Cell:
    """``fact`` with its source and date: long ``$55.6B 10-Q 25-09-30``, short ``$55.6B
    Q25-09`` for an SEC figure; long ``$15.1B 25-03-31`` (``25-03`` without ``press_day``),
    short ``$15.1B 25-03`` for a press one. A dash when unknown (never a zero)."""
    if fact is None:
        return right("—", "dim")
    value = fmt.money(fact.value, fact.unit)
    long_, short = Text(justify="right"), Text(justify="right")
    long_.append(value, style="bold")
    short.append(value, style="bold")
    form = sec_form(fact)
    if form is None:
        long_.append(f" {fact.as_of:%y-%m-%d}" if press_day else f" {fact.as_of:%y-%m}", "dim")
        short.append(f" {fact.as_of:%y-%m}", style="dim")
    else:
        long_.append(f" {form} {fact.as_of:%y-%m-%d}", style=SEC_STYLE)
        short.append(f" {form_mark(form)}{fact.as_of:%y-%m}", style=SEC_STYLE)
    return (long_, short) if long_.plain != short.plain else long_
