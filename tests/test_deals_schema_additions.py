"""The deal fields added for issue 10: date_precision, stake_pct, scope, captured and the
`filed` date kind; and the bundled sector deals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from neotui.data.deals import DealsSource, load_book, parse_text
from neotui.data.deals.models import date_label
from neotui.data.resources import bundled_config_path
from tests.helpers import PROVIDER, deal_toml


def problems(**fields: object) -> list[str]:
    parsed = parse_text(PROVIDER + deal_toml(**fields), "deals.toml")
    return [f"{p.field}: {p.message}" for p in parsed.problems]


def test_new_fields_validate_with_precise_errors() -> None:
    ok = dict(date_precision='"month"', stake_pct="5.0", scope='"sector"', captured="true",
              date_kind='"filed"')  # fmt: skip
    assert problems(**ok) == []
    assert problems(date_precision='"week"')[0].startswith(
        "date_precision: unknown date precision 'week' (expected one of: day, month, quarter"
    )
    assert problems(stake_pct="120") == ["stake_pct: a percentage must be at most 100, got 120"]
    assert problems(stake_pct="-1") == ["stake_pct: must not be negative, got -1"]
    assert problems(scope='"world"')[0].startswith("scope: unknown scope 'world'")
    assert problems(captured='"yes"') == ["captured: expected true or false, got a string"]


def test_date_labels_follow_precision() -> None:
    day = date(2025, 9, 1)
    assert date_label(day) == "2025-09-01"
    assert date_label(day, "month") == "2025-09"
    assert date_label(date(2025, 11, 3), "quarter") == "2025-Q4"
    assert date_label(day, "year") == "2025"


@pytest.fixture(scope="module")
def book():
    return load_book([DealsSource(bundled_config_path("deals.toml"), "bundled")])


def test_sector_deals_are_in_the_bundled_book(book) -> None:
    sector = {d.id: d for d in book.deals if d.scope == "sector"}
    assert sector["oracle-openai-s000"].value_usd == 300e9
    assert sector["oracle-openai-s000"].term_years == 5.0
    assert sector["aws-openai-s000"].value_usd == 38e9
    spv = sector["xai-spv-raise-s001"]
    assert spv.value_usd == 20e9 and spv.provider == "nvidia" and "xAI" in spv.counterparty
    assert all(d in book.timeline() for d in sector.values())  # the "All providers" view
    assert book.providers["oracle"].role == "hyperscaler"


def test_month_dates_and_stakes(book) -> None:
    nebius = next(d for d in book.deals if d.id == "nebius-microsoft-2025-09")
    assert nebius.date_precision == "month" and nebius.when == "2025-09"
    google = next(d for d in book.deals if d.id == "cipher-google-s003")
    assert google.stake_pct == 5.0


def test_captured_file_layers_over_the_user_file(tmp_path: Path) -> None:
    from neotui.data.deals import deal_sources
    from neotui.data.deals.capture import Draft, write_draft

    user = tmp_path / "deals.toml"
    user.write_text(PROVIDER + deal_toml(id='"d1"'))
    captured = tmp_path / "data" / "captured.toml"
    draft = Draft("captured-alpha-x", date(2026, 3, 6), "filed", "alpha", "to identify",
                  'A "quoted" title \\ with [markup]', "https://www.sec.gov/x")  # fmt: skip
    assert write_draft(captured, draft) is True
    assert write_draft(captured, draft) is False
    sources = deal_sources(user, bundled=False, user_required=True, captured=captured)
    assert [s.label for s in sources] == ["user", "captured"]
    loaded = load_book(sources)
    got = next(d for d in loaded.deals if d.id == "captured-alpha-x")
    assert got.captured and got.summary == 'A "quoted" title \\ with [markup]'
    assert got.value_usd is None and got.kind == "unclassified" and got.date_kind == "filed"
    assert user.read_text() == PROVIDER + deal_toml(id='"d1"')
