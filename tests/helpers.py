"""Small builders shared by tests."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO

DATA = REPO / "tests" / "data"
SMALL_BOOK = DATA / "small_deals.toml"

PROVIDER = """
[[provider]]
id = "alpha"
name = "Alpha Cloud"
ticker = "ALPH"
country = "US"
role = "neocloud"
"""


def deal_toml(**fields: object) -> str:
    """A [[deal]] table with valid defaults, overridden (or removed, with None) by ``fields``."""
    values: dict[str, object] = {
        "id": '"d1"',
        "date": "2025-09-30",
        "date_kind": '"announced"',
        "provider": '"alpha"',
        "counterparty": '"Meta"',
        "kind": '"compute"',
        "value_usd": "14.2e9",
        "summary": '"A deal."',
        "source": '"Test"',
    }
    for key, value in fields.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    body = "\n".join(f"{k} = {v}" for k, v in values.items())
    return f"\n[[deal]]\n{body}\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
