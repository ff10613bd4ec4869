"""One table of environment variables and limits on the fields: the settings read through them,
``--help`` prints them, and the README's configuration section states the same."""

from __future__ import annotations

import re

from click.testing import CliRunner

from neotui.cli import cli
from neotui.settings import _SECTIONS, ENV, load_settings
from neotui.settings.limits import Range, field_specs
from tests.conftest import REPO


def configuration_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]


def readme_env_rows() -> dict[str, tuple[str, str]]:
    """variable -> (setting column, example) from the README's table."""
    rows = re.findall(r"^\| `(NEOTUI_\w+)` \| (.*?) \| `(.*?)` \|$", configuration_section(), re.M)
    return {var: (setting, example) for var, setting, example in rows}


def test_readme_lists_exactly_the_variables_of_the_table() -> None:
    rows = readme_env_rows()
    assert list(rows) == [var.name for var in ENV]
    for var in ENV:
        if var.key:
            assert rows[var.name][0].startswith(f"`{var.key}`"), var.name
    # and nothing else in the section names a variable the table lacks
    assert set(re.findall(r"NEOTUI_\w+", configuration_section())) == {v.name for v in ENV}


def test_help_prints_every_variable_of_the_table() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    epilog = result.output.split("Environment:", 1)[1]
    assert re.findall(r"^\s+(NEOTUI_\w+)", epilog, re.M) == [var.name for var in ENV]
    assert "NEOTUI_YAHOO_COOKIE_URL" in epilog  # the one the hand-copied list had lost


def test_each_variable_sets_its_setting_with_the_readme_example() -> None:
    for var in ENV:
        if var.key is None:
            continue
        example = readme_env_rows()[var.name][1]
        section, key = var.key.split(".")
        settings = load_settings(environ={var.name: example})
        value = getattr(getattr(settings, section), key)
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = str(value).lower()
        assert str(value) == example, f"{var.name}={example} set {var.key} to {value!r}"
        assert f"env {var.name}" in settings.sources


def number_fields() -> dict[str, Range | None]:
    out: dict[str, Range | None] = {}
    for section, cls in _SECTIONS.items():
        for name, (tp, limits) in field_specs(cls).items():
            if tp in (int, float):
                ranges = [limit for limit in limits if isinstance(limit, Range)]
                out[f"{section}.{name}"] = ranges[0] if ranges else None
    return out


def test_every_number_field_declares_its_range() -> None:
    fields = number_fields()
    assert len(fields) >= 14
    assert [key for key, limit in fields.items() if limit is None] == []


def test_readme_states_the_limits_the_fields_declare() -> None:
    section = configuration_section()
    stated: dict[str, str] = {}
    for keys, allowed in re.findall(r"^\| (`[a-z_.]+`.*?) \| (.*?) \|$", section, re.M):
        for key in re.findall(r"`([a-z_]+\.[a-z_]+)`", keys):
            stated[key] = allowed
    declared = {key: limit.describe() for key, limit in number_fields().items() if limit}
    assert stated == declared
    assert re.search(r"nest\s+at\s+most\s+64\s+levels", section)
