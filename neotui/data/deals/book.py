"""The merged book and its queries: timeline, capacity, financials, counterparties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from neotui.data.deals.models import CapacityPoint, Deal, FinancialFact, Provider


@dataclass(frozen=True)
class DealBook:
    """Providers, deals, capacity and financial figures, merged from every loaded file."""

    providers: Mapping[str, Provider] = field(default_factory=dict)
    deals: tuple[Deal, ...] = ()
    capacity: tuple[CapacityPoint, ...] = ()
    financials: tuple[FinancialFact, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """Entries per table, for summaries."""
        return {
            "provider": len(self.providers),
            "deal": len(self.deals),
            "capacity": len(self.capacity),
            "financial": len(self.financials),
        }

    def timeline(self, provider: str | None = None) -> list[Deal]:
        """Deals newest first (ties broken by id so the order is stable), optionally filtered."""
        deals = [d for d in self.deals if provider is None or d.provider == provider]
        deals.sort(key=lambda d: d.id)
        deals.sort(key=lambda d: d.date, reverse=True)
        return deals

    def capacity_of(self, provider: str | None = None) -> list[CapacityPoint]:
        """Capacity points, optionally for one provider, newest report first."""
        points = [c for c in self.capacity if provider is None or c.provider == provider]
        return sorted(points, key=lambda c: (c.provider, c.metric, c.year or 0, c.as_of))

    def financials_of(self, provider: str | None = None) -> list[FinancialFact]:
        """Financial facts, optionally for one provider, oldest first within a metric."""
        facts = [f for f in self.financials if provider is None or f.provider == provider]
        return sorted(facts, key=lambda f: (f.provider, f.metric, f.as_of, f.id))

    def latest(self, provider: str, metric: str, unit: str | None = None) -> FinancialFact | None:
        """The most recently reported figure of ``metric`` for ``provider``, optionally only in
        ``unit`` (None if there is none)."""
        facts = [
            f
            for f in self.financials
            if f.provider == provider and f.metric == metric and unit in (None, f.unit)
        ]
        return max(facts, key=lambda f: (f.as_of, f.id), default=None)

    def counterparties(self, provider: str) -> list[str]:
        """Distinct counterparties of a provider's deals, most deals first."""
        counts: dict[str, int] = {}
        for d in self.deals:
            if d.provider == provider:
                counts[d.counterparty] = counts.get(d.counterparty, 0) + 1
        return sorted(counts, key=lambda name: (-counts[name], name))

    def provider_for_ticker(self, ticker: str) -> Provider | None:
        """The provider listed under ``ticker``, if any."""
        for p in self.providers.values():
            if p.ticker == ticker:
                return p
        return None
