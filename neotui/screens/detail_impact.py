"""The detail screen's impact table: each event of the provider's stock (a day's deals as one
row, its earnings days beside them) with its Day 0 figures and, once earnings days are known,
the Day 0 move against the stock's median earnings-day move ("× earn")."""

from __future__ import annotations

from rich.text import Text

from neotui.data.analytics.earnings import EarningsBaseline
from neotui.data.analytics.events import EventStudy
from neotui.data.deals import DealBook
from neotui.data.deals.models import Provider
from neotui.data.timeline import TIMING_SHORT
from neotui.messages import ImpactUpdated
from neotui.widgets.cells import direction_style, plain, right
from neotui.widgets.deal_cells import clip

COLUMNS = [("date", "Date"), ("with", "With"), ("symbol", "Symbol"), ("day0", "Day 0"),
           ("model", "Model"), ("ret", "Return"), ("ar", "AR"), ("car1", "CAR[-1,+1]"),
           ("car5", "CAR[0,+5]"), ("t", "t"), ("note", "Note")]  # fmt: skip
#: Added before the note when the stock has earnings days: |AR| over the median earnings |AR|.
VERSUS = ("vs", "× earn")


def pct_cell(value: float | None, coloured: bool = False) -> Text:
    """A fraction as a signed percentage, right-aligned (blank when unknown)."""
    if value is None:
        return right("")
    return right(f"{value * 100:+.2f}%", direction_style(value) if coloured else "")


def _cells(date: str, with_: str, symbol: str, s: EventStudy) -> list[Text]:
    model = {"market": "market", "market_adjusted": "mkt-adj"}.get(s.model or "", "")
    return [
        plain(date),
        plain(with_),
        plain(symbol, "bold"),
        plain(f"{s.day0}" if s.model else ""),
        plain(model, "dim"),
        pct_cell(s.return_0),
        pct_cell(s.abnormal_0, coloured=True),
        pct_cell(s.car_m1_p1, coloured=True),
        pct_cell(s.car_0_p5, coloured=True),
        right("" if s.t_car_m1_p1 is None else f"{s.t_car_m1_p1:+.2f}"),
        plain(s.note or "", "dim"),
    ]


def _versus(s: EventStudy, base: EarningsBaseline | None, earnings: bool) -> Text:
    if earnings or base is None:
        return right("")
    ratio = base.ratio(s.abnormal_0)
    return right(
        f"{ratio:.1f}×" if ratio is not None else "", "bold" if ratio and ratio >= 1 else ""
    )


def impact_table(
    impact: ImpactUpdated | None, provider: Provider, book: DealBook
) -> tuple[list[tuple[str, str]], list[list[Text]]]:
    """The columns and rows of the provider's impact table, newest first."""
    if impact is None:
        waiting = [plain("")] * 10 + [plain("computing after the first frame…", "dim")]
        return COLUMNS, [waiting]
    base = impact.baselines.get(provider.ticker or "")
    dated: list[tuple[object, bool, list[Text], EventStudy]] = []
    for row in impact.rows:
        if row.provider != provider.id:
            continue
        symbol = row.symbol + ("" if row.role == "provider" else " ᶜ")
        cells = _cells(f"{row.date}", clip(row.with_names, 20), symbol, row.study)
        dated.append((row.date, False, cells, row.study))
    for e in impact.earnings:
        if e.symbol != provider.ticker:
            continue
        when = TIMING_SHORT.get(e.day.timing or "", "time unknown")
        dated.append((e.day.day, True, _cells(f"{e.day.day}", f"earnings {when}", e.symbol,
                                              e.study), e.study))  # fmt: skip
    dated.sort(key=lambda r: r[0], reverse=True)  # type: ignore[arg-type,return-value]
    if base is None:
        return COLUMNS, [cells for _, _, cells, _ in dated]
    columns = [*COLUMNS[:-1], VERSUS, COLUMNS[-1]]
    rows = [[*c[:-1], _versus(s, base, earn), c[-1]] for _, earn, c, s in dated]
    return columns, rows
