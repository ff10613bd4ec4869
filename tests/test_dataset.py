"""The bundled dataset: it validates, it holds the facts of the seed articles with their dates
and sources, and every verbatim phrase it quotes is really in its article."""

from __future__ import annotations

from datetime import date

import pytest

from neotui.data.analytics import tables as analytics
from neotui.data.deals import DealBook, DealsSource, load_book
from neotui.data.resources import bundled_config_path
from tests.conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def book() -> DealBook:
    return load_book([DealsSource(bundled_config_path("deals.toml"), "bundled")])


def entry(book: DealBook, table: str, entry_id: str):
    rows = {"deal": book.deals, "capacity": book.capacity, "financial": book.financials}[table]
    return next(e for e in rows if e.id == entry_id)


def test_bundled_file_validates_with_several_dozen_entries(book: DealBook) -> None:
    counts = book.counts
    assert counts["provider"] >= 12
    assert counts["deal"] + counts["capacity"] + counts["financial"] >= 60


def test_every_named_provider_is_there(book: DealBook) -> None:
    names = {p.name.split()[0].lower() for p in book.providers.values()}
    for name in ("coreweave", "nebius", "iren", "nscale", "crusoe", "lambda", "cipher",
                 "terawulf", "applied", "core", "fluidstack", "nvidia"):  # fmt: skip
        assert name in names, name
    tickers = {p.ticker for p in book.providers.values() if p.ticker}
    assert {"CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA"} <= tickers
    assert book.providers["nvidia"].role == "supplier"
    assert book.providers["nscale"].ticker is None  # private


@pytest.mark.parametrize(
    ("table", "entry_id", "field", "expected", "when"),
    [
        ("deal", "nebius-microsoft-s000", "value_usd", 19.4e9, date(2025, 9, 30)),
        ("deal", "nebius-microsoft-2025-09", "value_usd", 19e9, date(2025, 9, 1)),
        ("deal", "nebius-microsoft-s003", "value_usd", 17e9, date(2025, 9, 30)),
        ("financial", "coreweave-debt-2024", "value", 13e9, date(2024, 1, 1)),
        ("financial", "coreweave-debt-2025-06", "value", 11e9, date(2025, 6, 30)),
        ("financial", "coreweave-debt-2025-09", "value", 18.81e9, date(2025, 9, 1)),
        ("deal", "coreweave-meta-2025-09", "value_usd", 14.2e9, date(2025, 9, 30)),
        ("deal", "coreweave-nvidia-equity-2026-01", "value_usd", 2e9, date(2026, 1, 26)),
        ("capacity", "coreweave-power-target-2030", "value", 5.0, date(2026, 1, 26)),
        ("deal", "cipher-fluidstack-s003", "power", 170.0, date(2025, 9, 30)),
        ("capacity", "iren-power-target-2026", "value", 3.0, date(2025, 9, 30)),
        ("deal", "iren-microsoft-s000", "value_usd", 9.7e9, date(2025, 9, 30)),
        ("financial", "nscale-valuation-s000", "value", 10e9, date(2025, 9, 30)),
        ("financial", "lambda-debt-s001", "value", 700e6, date(2025, 9, 30)),
        ("financial", "coreweave-share-microsoft-q2-2025", "value", 71.0, date(2025, 9, 30)),
    ],
)
def test_seed_facts(book: DealBook, table, entry_id, field, expected, when) -> None:
    e = entry(book, table, entry_id)
    assert getattr(e, field) == expected
    assert (e.date if table == "deal" else e.as_of) == when
    assert e.source and e.seed and e.seed.endswith(".txt")


def test_disagreeing_reports_are_all_kept(book: DealBook) -> None:
    nebius = sorted(d.value_usd for d in book.deals
                    if d.provider == "nebius" and d.counterparty == "Microsoft")  # fmt: skip
    assert nebius == [17e9, 19e9, 19.4e9]
    debt = sorted(f.value for f in book.financials
                  if f.provider == "coreweave" and f.metric == "debt")  # fmt: skip
    assert {11e9, 13e9, 18.81e9} <= set(debt)


def test_totals_count_each_deal_once(book: DealBook) -> None:
    by_party = analytics.totals_by_counterparty(book).set_index("counterparty")
    deals = analytics.unique_deals(book)
    nebius_msft = deals[(deals["provider"] == "nebius") & (deals["counterparty"] == "Microsoft")]
    assert list(nebius_msft["value_usd"]) == [19e9]  # the signing report is the reference
    assert by_party.loc["Microsoft", "total_usd"] > 40e9


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_every_quoted_phrase_is_in_its_article(book: DealBook) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    quoted = [e for e in (*book.deals, *book.capacity, *book.financials) if e.reported]
    assert len(quoted) > 50
    for e in quoted:
        assert e.seed in texts, e.id
        assert e.reported in texts[e.seed], (e.id, e.reported)
