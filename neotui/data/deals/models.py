"""The domain: providers, their deals, capacity and financial figures.

Every figure keeps the date it was reported and its source; nothing here averages or picks among
disagreeing reports. Instances are frozen so a book can be shared between the UI and workers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Literal

ProviderRole = Literal["neocloud", "supplier", "hyperscaler"]
DealKind = Literal[
    "compute", "hosting", "equity", "acquisition", "debt", "funding", "partnership", "supply",
    "unclassified",
]  # fmt: skip
# "filed": the date of an SEC filing (captured drafts); "reported": a press date.
DateKind = Literal["announced", "signed", "reported", "filed"]
DatePrecision = Literal["day", "month", "quarter", "year"]
DealScope = Literal["provider", "sector"]
CapacityMetric = Literal[
    "power", "power_target", "gpus", "gpus_target", "data_centers", "data_centers_target"
]
FinancialMetric = Literal[
    "debt",
    "revenue",
    "revenue_target",
    "backlog",
    "valuation",
    "market_cap",
    "capex",
    "funding_total",
    "customer_share",
    "net_income",
    "stock_move",
]

DEAL_KINDS: tuple[str, ...] = DealKind.__args__  # type: ignore[attr-defined]
DATE_KINDS: tuple[str, ...] = DateKind.__args__  # type: ignore[attr-defined]
DATE_PRECISIONS: tuple[str, ...] = DatePrecision.__args__  # type: ignore[attr-defined]
DEAL_SCOPES: tuple[str, ...] = DealScope.__args__  # type: ignore[attr-defined]
ROLES: tuple[str, ...] = ProviderRole.__args__  # type: ignore[attr-defined]
CAPACITY_METRICS: tuple[str, ...] = CapacityMetric.__args__  # type: ignore[attr-defined]
FINANCIAL_METRICS: tuple[str, ...] = FinancialMetric.__args__  # type: ignore[attr-defined]

#: Kinds whose value is revenue contracted by the provider (counted in "contracted value"),
#: as opposed to money raised or spent (equity, debt, funding, acquisitions, supply).
CONTRACT_KINDS: frozenset[str] = frozenset({"compute", "hosting"})

#: Units allowed for each capacity metric family.
CAPACITY_UNITS: dict[str, tuple[str, ...]] = {
    "power": ("MW", "GW"),
    "gpus": ("gpus",),
    "data_centers": ("sites",),
}
POWER_UNITS: tuple[str, ...] = ("MW", "GW")
FINANCIAL_UNITS: tuple[str, ...] = ("USD", "EUR", "%")


def date_label(day: date, precision: str = "day") -> str:
    """A date as precisely as it is known: ``2025-09-30``, ``2025-09``, ``2025-Q3``, ``2025``.

    An article that says "en septembre" gives a month; showing the 1st would invent a day.
    """
    if precision == "month":
        return f"{day:%Y-%m}"
    if precision == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if precision == "year":
        return f"{day.year}"
    return day.isoformat()


def to_mw(value: float, unit: str) -> float:
    """Power in megawatts, so MW and GW figures can be compared and summed."""
    return value * 1000.0 if unit == "GW" else value


@dataclass(frozen=True, slots=True)
class Provider:
    """A company selling GPU compute (a neocloud) or supplying it (NVIDIA)."""

    id: str
    name: str
    country: str
    role: ProviderRole
    ticker: str | None = None
    origin: str | None = None
    founded: int | None = None
    summary: str | None = None

    @property
    def is_public(self) -> bool:
        """Listed companies have a ticker; private ones (Nscale, Crusoe, Lambda…) do not."""
        return self.ticker is not None


@dataclass(frozen=True, slots=True)
class Deal:
    """One reported deal: a contract, lease, investment, acquisition, loan or fund raise.

    When several outlets report the same deal with different figures, each report is its own
    ``Deal``; later reports point at the first with ``report_of`` so totals count a deal once.
    """

    id: str
    date: date
    date_kind: DateKind
    provider: str
    counterparty: str
    kind: DealKind
    summary: str
    source: str
    seed: str | None = None
    value_usd: float | None = None
    value_eur: float | None = None
    # dt.date: inside the class, plain ``date`` names the field above, not the type.
    starts: dt.date | None = None
    ends: dt.date | None = None
    term_years: float | None = None
    power: float | None = None
    power_unit: str | None = None
    gpus: int | None = None
    hardware: str | None = None
    location: str | None = None
    reported: str | None = None
    note: str | None = None
    report_of: str | None = None
    date_precision: DatePrecision = "day"
    stake_pct: float | None = None
    scope: DealScope = "provider"
    captured: bool = False

    @property
    def when(self) -> str:
        """The date as precisely as it is known (``2025-09`` for "in September")."""
        return date_label(self.date, self.date_precision)

    @property
    def power_mw(self) -> float | None:
        """The deal's power in MW, whatever unit it was reported in."""
        if self.power is None or self.power_unit is None:
            return None
        return to_mw(self.power, self.power_unit)

    @property
    def deal_key(self) -> str:
        """The id of the deal this entry reports (itself, unless it re-reports another)."""
        return self.report_of or self.id


@dataclass(frozen=True, slots=True)
class CapacityPoint:
    """Capacity a provider has (``power``, ``gpus``, ``data_centers``) or targets for a year."""

    id: str
    provider: str
    metric: CapacityMetric
    value: float
    unit: str
    as_of: date
    source: str
    seed: str | None = None
    year: int | None = None
    reported: str | None = None
    note: str | None = None

    @property
    def family(self) -> str:
        """``power``, ``gpus`` or ``data_centers``: the metric without ``_target``."""
        return self.metric.removesuffix("_target")

    @property
    def is_target(self) -> bool:
        """True for a goal for ``year``, False for capacity in place at ``as_of``."""
        return self.metric.endswith("_target")

    @property
    def value_mw(self) -> float | None:
        """Power in MW for power metrics, None for the others."""
        return to_mw(self.value, self.unit) if self.family == "power" else None


@dataclass(frozen=True, slots=True)
class FinancialFact:
    """A reported financial figure: debt, revenue, backlog, valuation, capex…"""

    id: str
    provider: str
    metric: FinancialMetric
    value: float
    unit: str
    as_of: date
    source: str
    seed: str | None = None
    period: str | None = None
    counterparty: str | None = None
    reported: str | None = None
    note: str | None = None
