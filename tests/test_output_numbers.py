"""No number neotui prints can be non-finite (issue 22, case 14): absurd figures are refused in
the files that carry them, and JSON output never holds Infinity or NaN."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from neotui.cli import cli
from neotui.cli.report import Column
from neotui.cli.report import write as write_records
from neotui.data.entries import EntryError
from neotui.data.portfolio import parse_lots
from tests.helpers import PROVIDER, deal_toml, write


@pytest.mark.parametrize(
    ("field", "value"),
    [("power", "1e308"), ("value_usd", "1e300"), ("term_years", "1e9"), ("power", "inf"),
     ("value_usd", "nan")],
)  # fmt: skip
def test_case_14_absurd_deal_figures_are_refused_where_they_are_written(
    tmp_path: Path, field: str, value: str
) -> None:
    path = write(tmp_path / "deals.toml", PROVIDER + deal_toml(**{field: value}))
    result = CliRunner().invoke(cli, ["--no-bundled-deals", "--deals", str(path), "deals",
                                      "--format", "json"])  # fmt: skip
    assert result.exit_code == 1
    assert field in result.output and ("at most" in result.output or "finite" in result.output)


@pytest.mark.parametrize("quantity", [1e308, -1e308, float("inf"), float("nan")])
def test_case_14_absurd_lots_are_refused(quantity: float) -> None:
    with pytest.raises(EntryError, match="quantity"):
        parse_lots([{"symbol": "CRWV", "quantity": quantity, "cost": 10.0}])


def test_case_14_json_output_says_null_never_infinity() -> None:
    out = io.StringIO()
    records = [{"a": float("inf"), "b": [1.0, float("nan")], "c": 2.5}]
    write_records(records, ["a", "b", "c"], "json", [Column("A", str)], "t", out=out)
    text = out.getvalue()
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text) == [{"a": None, "b": [1.0, None], "c": 2.5}]
