"""pandas views of the deals book: totals, backlog against debt, capacity targets, the timeline.

pandas is imported inside each function: it costs ~0.3 s to import, and neither start-up nor the
first frame needs it.

Counting rules, so every total can be explained:

* A deal reported several times counts once, at the figure of its reference entry (the one the
  other reports point at with ``report_of``: a filing or the signing report, chosen when the
  data was curated); if the reference has no USD figure, the most recent report that has one
  is used. Every report stays in :func:`deals_frame` for anyone to compare.
* Money is summed in USD only. Euro-denominated figures are kept in ``value_eur`` and never
  converted (no exchange rate would be honest about the date it applies to).
* "Contracted" value is compute and hosting deals (revenue the provider will earn);
  "financing" is equity, debt and funding (money raised).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from neotui.data.deals import DealBook
from neotui.data.deals.models import CONTRACT_KINDS

if TYPE_CHECKING:
    import pandas as pd

FINANCING_KINDS = frozenset({"equity", "debt", "funding"})

DEAL_COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "date_kind",
    "provider",
    "provider_name",
    "counterparty",
    "kind",
    "value_usd",
    "value_eur",
    "starts",
    "ends",
    "term_years",
    "power_mw",
    "gpus",
    "hardware",
    "location",
    "summary",
    "source",
    "seed",
    "reported",
    "note",
    "report_of",
)


def deals_frame(book: DealBook) -> pd.DataFrame:
    """Every deal entry (reports included), one row each, newest first."""
    import pandas as pd

    rows = []
    for d in book.timeline():
        provider = book.providers.get(d.provider)
        rows.append(
            {
                "id": d.id,
                "date": pd.Timestamp(d.date),
                "date_kind": d.date_kind,
                "provider": d.provider,
                "provider_name": provider.name if provider else d.provider,
                "counterparty": d.counterparty,
                "kind": d.kind,
                "value_usd": d.value_usd,
                "value_eur": d.value_eur,
                "starts": d.starts,
                "ends": d.ends,
                "term_years": d.term_years,
                "power_mw": d.power_mw,
                "gpus": d.gpus,
                "hardware": d.hardware,
                "location": d.location,
                "summary": d.summary,
                "source": d.source,
                "seed": d.seed,
                "reported": d.reported,
                "note": d.note,
                "report_of": d.report_of,
            }
        )
    frame = pd.DataFrame(rows, columns=list(DEAL_COLUMNS))
    frame["value_usd"] = frame["value_usd"].astype("float64")
    frame["deal_key"] = frame["report_of"].fillna(frame["id"])
    return frame


def unique_deals(book: DealBook) -> pd.DataFrame:
    """One row per deal, at its reference figure (see the module's counting rules)."""
    frame = deals_frame(book)
    reference = frame[frame["report_of"].isna()].set_index("deal_key")
    # deals_frame is newest first: the first report with a figure is the latest one.
    latest = frame.dropna(subset=["value_usd"]).drop_duplicates("deal_key").set_index("deal_key")
    reference["value_usd"] = reference["value_usd"].fillna(latest["value_usd"])
    return reference.reset_index()


def totals_by_provider(book: DealBook) -> pd.DataFrame:
    """Per provider: number of deals, contracted USD, financing USD and total USD, largest first."""
    import pandas as pd

    deals = unique_deals(book)
    contracted = deals["value_usd"].where(deals["kind"].isin(CONTRACT_KINDS))
    financing = deals["value_usd"].where(deals["kind"].isin(FINANCING_KINDS))
    frame = pd.DataFrame(
        {
            "provider": deals["provider"],
            "deals": 1,
            "contracted_usd": contracted,
            "financing_usd": financing,
            "total_usd": deals["value_usd"],
        }
    )
    out = frame.groupby("provider", sort=True).sum(min_count=0).reset_index()
    out.insert(1, "provider_name", out["provider"].map(lambda p: book.providers[p].name))
    return out.sort_values(["total_usd", "provider"], ascending=[False, True], ignore_index=True)


def totals_by_counterparty(book: DealBook) -> pd.DataFrame:
    """Per counterparty: number of deals, total USD, and with which providers, largest first."""
    deals = unique_deals(book)
    grouped = deals.groupby("counterparty", sort=True)
    out = grouped.agg(
        deals=("id", "count"),
        total_usd=("value_usd", "sum"),
        providers=("provider", lambda s: ", ".join(sorted(set(s)))),
    ).reset_index()
    return out.sort_values(
        ["total_usd", "counterparty"], ascending=[False, True], ignore_index=True
    )


def backlog_vs_debt(book: DealBook) -> pd.DataFrame:
    """Latest reported backlog and debt per provider, their dates and the backlog/debt ratio.

    Only USD figures are used; a provider with neither figure is left out.
    """
    import pandas as pd

    rows = []
    for pid in sorted(book.providers):
        backlog = book.latest(pid, "backlog", "USD")
        debt = book.latest(pid, "debt", "USD")
        if backlog is None and debt is None:
            continue
        rows.append(
            {
                "provider": pid,
                "provider_name": book.providers[pid].name,
                "backlog_usd": backlog.value if backlog else None,
                "backlog_as_of": backlog.as_of if backlog else None,
                "debt_usd": debt.value if debt else None,
                "debt_as_of": debt.as_of if debt else None,
            }
        )
    columns = [
        "provider",
        "provider_name",
        "backlog_usd",
        "backlog_as_of",
        "debt_usd",
        "debt_as_of",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["backlog_usd"] = frame["backlog_usd"].astype("float64")
    frame["debt_usd"] = frame["debt_usd"].astype("float64")
    frame["backlog_to_debt"] = frame["backlog_usd"] / frame["debt_usd"]
    return frame


def capacity_pivot(book: DealBook, metric: str = "power_target") -> pd.DataFrame:
    """Provider × year table of a capacity metric (power in MW), latest report per cell.

    For ``power`` (capacity in place) the column is the year of ``as_of``.
    """
    import pandas as pd

    latest: dict[tuple[str, int], tuple[object, float]] = {}
    for c in book.capacity:
        if c.metric != metric:
            continue
        year = c.year if c.year is not None else c.as_of.year
        value = c.value_mw if c.value_mw is not None else c.value
        key = (c.provider, year)
        if key not in latest or latest[key][0] < c.as_of:  # type: ignore[operator]
            latest[key] = (c.as_of, value)
    if not latest:
        return pd.DataFrame()
    series = pd.Series({key: value for key, (_, value) in latest.items()})
    series.index = series.index.set_names(["provider", "year"])
    return series.unstack("year").sort_index()


def timeline(book: DealBook, provider: str | None = None) -> pd.DataFrame:
    """The deals newest first, optionally for one provider."""
    frame = deals_frame(book)
    if provider is not None:
        frame = frame[frame["provider"] == provider].reset_index(drop=True)
    return frame
