"""Validation: every kind of bad deals file gives a message that names the place."""

from __future__ import annotations

from pathlib import Path

import pytest

from neotui.data.deals import (
    MAX_FILE_BYTES,
    DealsInvalid,
    DealsSource,
    Problem,
    load_book,
    parse_text,
    read_file,
)
from tests.helpers import PROVIDER, SMALL_BOOK, deal_toml, write


def problems_of(text: str) -> list[Problem]:
    parsed = parse_text(text, "deals.toml")
    return parsed.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_valid_small_book_loads() -> None:
    book = load_book([DealsSource(SMALL_BOOK, "test")])
    assert book.counts == {"provider": 3, "deal": 6, "capacity": 4, "financial": 5}


def test_syntax_error_has_line_and_column() -> None:
    p = only(problems_of(PROVIDER + '\n[[deal]]\nid = "x\n'))
    assert p.line == 10
    assert p.column is not None
    assert str(p).startswith("deals.toml:10:")
    assert "TOML syntax error" in p.message


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"summary": None}, "summary", "missing field"),
        ({"value_usd": '"lots"'}, "value_usd", "expected a number, got a string"),
        ({"value_usd": "-5"}, "value_usd", "must not be negative"),
        ({"date": '"2025-02-30"'}, "date", "impossible date '2025-02-30'"),
        ({"date": '"next week"'}, "date", "expected a date"),
        ({"date": "2025-09-30T10:00:00"}, "date", "got a date-time"),
        ({"kind": '"loan"'}, "kind", "unknown deal kind 'loan'"),
        ({"power": "200"}, "power_unit", "required when power is given"),
        ({"power": "200", "power_unit": '"kW"'}, "power_unit", "unknown unit 'kW'"),
        ({"colour": '"red"'}, "colour", "unknown field"),
        ({"id": '"Bad Id"'}, "id", "not a valid id"),
        ({"starts": "2026-01-01", "ends": "2025-01-01"}, "ends", "before it starts"),
        ({"gpus": "1.5"}, "gpus", "expected an integer"),
        ({"counterparty": '"   "'}, "counterparty", "must not be empty"),
    ],
)
def test_entry_problem_names_table_index_id_and_field(
    fields: dict[str, object], field: str, fragment: str
) -> None:
    text = PROVIDER + deal_toml(id='"ok-first"') + deal_toml(**{"id": '"d2"', **fields})
    p = only(problems_of(text))
    assert (p.table, p.index, p.field) == ("deal", 2, field)
    assert fragment in p.message
    if fields.get("id") is None:
        assert p.entry_id == "d2"
    assert p.line is not None and p.line > 15  # points into the second [[deal]]


def test_field_line_is_the_fields_own_line() -> None:
    text = PROVIDER + deal_toml(value_usd="-1")
    p = only(problems_of(text))
    assert text.splitlines()[p.line - 1].startswith("value_usd = -1")


def test_impossible_toml_date_is_a_syntax_error_with_line() -> None:
    p = only(problems_of(PROVIDER + deal_toml(date="2025-02-30")))
    assert "TOML syntax error" in p.message and p.line is not None


def test_duplicate_id() -> None:
    p = only(problems_of(PROVIDER + deal_toml() + deal_toml()))
    assert p.index == 2 and p.field == "id" and "duplicate id" in p.message and "#1" in p.message


def test_unknown_provider_id_is_reported_after_merge(tmp_path: Path) -> None:
    f = write(tmp_path / "d.toml", PROVIDER + deal_toml(provider='"nobody"'))
    with pytest.raises(DealsInvalid) as info:
        load_book([DealsSource(f, "test")])
    p = only(list(info.value.problems))
    assert p.field == "provider" and "unknown provider id 'nobody'" in p.message
    assert p.path == str(f) and p.line is not None


def test_all_problems_in_one_pass() -> None:
    text = PROVIDER + deal_toml(value_usd="-1") + deal_toml(id='"d2"', kind='"x"', summary=None)
    found = problems_of(text)
    assert {(p.index, p.field) for p in found} == {(1, "value_usd"), (2, "kind"), (2, "summary")}


def test_unknown_table_and_not_an_array() -> None:
    found = problems_of(PROVIDER + '[[deals]]\nid = "x"\n\n[capacity]\nid = "y"\n')
    messages = " | ".join(p.message for p in found)
    assert "unknown table 'deals'" in messages
    assert "'capacity' must be an array of tables" in messages


def test_capacity_unit_and_missing_year() -> None:
    text = PROVIDER + (
        '\n[[capacity]]\nid = "c"\nprovider = "alpha"\nmetric = "power_target"\nvalue = 2\n'
        'unit = "GPUs"\nas_of = 2025-01-01\nsource = "x"\n'
    )
    found = problems_of(text)
    assert {p.field for p in found} == {"unit", "year"}
    assert all(p.table == "capacity" and p.index == 1 for p in found)


def test_financial_negative_value_only_for_signed_metrics() -> None:
    base = '\n[[financial]]\nid = "f"\nprovider = "alpha"\nunit = "USD"\nas_of = 2025-01-01\n'
    bad = problems_of(PROVIDER + base + 'source = "x"\nmetric = "debt"\nvalue = -1\n')
    assert only(bad).field == "value"
    ok = problems_of(PROVIDER + base + 'source = "x"\nmetric = "net_income"\nvalue = -1\n')
    assert ok == []


def test_empty_file(tmp_path: Path) -> None:
    parsed = read_file(DealsSource(write(tmp_path / "e.toml", "  \n"), "t"))
    assert parsed is not None
    assert "empty" in only(parsed.problems).message


def test_non_utf8_bytes(tmp_path: Path) -> None:
    f = tmp_path / "latin1.toml"
    f.write_bytes(PROVIDER.encode() + b"\n# caf\xe9\n")
    parsed = read_file(DealsSource(f, "t"))
    p = only(parsed.problems)
    assert "not UTF-8" in p.message and "0xe9" in p.message and p.line == 9


def test_huge_file_is_refused_without_parsing(tmp_path: Path) -> None:
    f = tmp_path / "huge.toml"
    f.write_bytes(b"# " + b"x" * (10 * 1024 * 1024) + b"\n")
    parsed = read_file(DealsSource(f, "t"))
    p = only(parsed.problems)
    assert "10.0 MB" in p.message and f"{MAX_FILE_BYTES // 1024 // 1024} MB limit" in p.message


def test_missing_files() -> None:
    assert read_file(DealsSource(Path("/nonexistent/deals.toml"), "user", required=False)) is None
    parsed = read_file(DealsSource(Path("/nonexistent/deals.toml"), "user"))
    assert "file not found" in only(parsed.problems).message


def test_control_characters_are_stripped_and_markup_kept_as_text() -> None:
    text = PROVIDER + deal_toml(
        counterparty='"[bold red]Evil[/] Corp"',
        summary='"Hi \\u001b[31mred\\u001b[0m\\u0007 there"',
    )
    parsed = parse_text(text, "x")
    assert parsed.problems == []
    ((_, deal),) = parsed.entries["deal"]
    assert deal.counterparty == "[bold red]Evil[/] Corp"
    assert deal.summary == "Hi red  there"
