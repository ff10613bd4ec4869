"""The SEC's figure or the press's: which backlog, debt, revenue and cash the tables use.

A company's 10-Q says what it owes and what it has contracted as of its last quarter end; the
bundled figures say what an article said, often a year older. The tables take the newest SEC
figure when there is one and the press figure otherwise; the detail screen shows both, so a
disagreement is seen rather than hidden. An SEC fact is carried as a :class:`FinancialFact`
(the type the tables already read) whose id says where it came from (``sec:FORM:...``).
"""

from __future__ import annotations

from collections.abc import Mapping

from neotui.data.deals import DealBook
from neotui.data.deals.models import FinancialFact, FinancialMetric
from neotui.data.sec.facts import CompanyFacts, Fact

SEC_PREFIX = "sec:"
#: The SEC concept read for each figure the tables show, in order of preference: revenue is
#: the trailing twelve months (comparable with an annual press figure), else the last quarter.
CONCEPT_FOR: dict[str, tuple[str, ...]] = {
    "backlog": ("backlog",),
    "debt": ("debt",),
    "revenue": ("revenue_ttm", "revenue"),
    "cash": ("cash",),
    "finance_leases": ("finance_leases",),
}
#: Figures only the SEC gives (no bundled press figure): the SEC's or nothing, never zero.
SEC_ONLY = frozenset({"cash", "finance_leases"})


def sec_financial(provider: str, metric: FinancialMetric, fact: Fact) -> FinancialFact:
    """An SEC fact as the tables' figure: dated at its period end, sourced to its filing."""
    span = {"ttm": "TTM", "quarter": "quarter", "year": "year"}.get(fact.fiscal_period)
    period = f"{span} to {fact.end}" if span and fact.start is not None else None
    note = f"SEC {fact.form} filed {fact.filed}" + (" (derived)" if fact.derived else "")
    return FinancialFact(f"{SEC_PREFIX}{fact.form}:{fact.concept}:{fact.accession}", provider,
                         metric, fact.value, fact.unit, fact.end, fact.url, period=period,
                         note=note)  # fmt: skip


def sec_form(fact: FinancialFact | None) -> str | None:
    """The form (``10-Q``…) of a figure read from the SEC; None for a press figure."""
    if fact is None or not fact.id.startswith(SEC_PREFIX):
        return None
    return fact.id[len(SEC_PREFIX) :].split(":", 1)[0]


def sec_figure(facts: CompanyFacts | None, provider: str, metric: str) -> FinancialFact | None:
    """The SEC's figure for ``metric`` (USD only: another currency is not compared)."""
    if facts is None:
        return None
    for concept in CONCEPT_FOR.get(metric, ()):
        fact = facts.get(concept)
        if fact is not None and fact.unit == "USD":
            return sec_financial(provider, metric, fact)  # type: ignore[arg-type]
    return None


def chosen(
    book: DealBook, provider: str, metric: str, facts: CompanyFacts | None
) -> FinancialFact | None:
    """The figure the tables show: the SEC's when it reported one, else the newest USD press
    figure (cash and finance leases have no press figure: SEC or nothing, never zero)."""
    sec = sec_figure(facts, provider, metric)
    if sec is not None or metric in SEC_ONLY:
        return sec
    return book.latest(provider, metric, "USD")


def facts_for(facts: Mapping[str, CompanyFacts] | None, ticker: str | None) -> CompanyFacts | None:
    """One provider's SEC facts by its ticker (None when unlisted or not fetched)."""
    if not facts or ticker is None:
        return None
    return facts.get(ticker.upper())


def sec_financials(facts: CompanyFacts | None, provider: str) -> list[FinancialFact]:
    """Every SEC figure of a company as the book's figures (``revenue_ttm`` is revenue with
    its period "TTM to …"), to list beside the press figures (``neotui financials``)."""
    if facts is None:
        return []
    return [sec_financial(provider, f.concept.removesuffix("_ttm"), f)  # type: ignore[arg-type]
            for f in facts.facts]  # fmt: skip
