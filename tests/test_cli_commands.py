"""The command line after its split into neotui/cli/: every command the README lists is on
the group with the options the README gives it and answers ``-h``; the group imports a command's
module only when asked for it, and none of the heavy modules the commands use."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from neotui.cli import COMMAND_MODULES, cli
from tests.conftest import REPO


def readme_usage() -> dict[str, str]:
    """Each command of the README's "Command line" block, with its usage text."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```", 2)[1]
    lines = re.findall(r"^neotui ([a-z]+) +(.*)$", block, flags=re.MULTILINE)
    return dict(lines)


README = readme_usage()


def test_help_lists_exactly_the_readme_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = re.findall(r"^  ([a-z]+) ", result.output.split("Commands:", 1)[1], re.MULTILINE)
    assert len(README) == 17  # 14, `serve` (issue 21), `insiders` and `earnings` (issue 20)
    assert sorted(listed) == sorted(README) == cli.list_commands(click.Context(cli))


def test_every_command_module_defines_what_the_group_expects_of_it() -> None:
    for module_name in set(COMMAND_MODULES.values()):
        module = importlib.import_module(f"neotui.cli.{module_name}")
        names = {c.name for c in module.COMMANDS}
        assert names == {n for n, m in COMMAND_MODULES.items() if m == module_name}


@pytest.mark.parametrize("name", sorted(README))
def test_each_command_answers_dash_h_with_its_readme_options(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "-h"], prog_name="neotui")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: neotui {name} [OPTIONS]")
    for option in re.findall(r"\[(--[a-z-]+)", README[name]):
        assert option in result.output
    formats = re.search(r"--format ([a-z|]+)", README[name])
    if formats:
        assert f"--format [{formats.group(1)}]" in result.output


def test_group_options_of_the_readme() -> None:
    result = CliRunner().invoke(cli, ["-h"])
    for option in ("--config", "--deals", "--no-bundled-deals", "--yahoo-url", "--symbols",
                   "--theme", "--version"):  # fmt: skip
        assert option in result.output


def test_importing_the_command_line_stays_light() -> None:
    """Importing the group loads no command module; running one command loads its module only;
    --help loads them all, and none pulls in the UI, the HTTP stack, pandas or the data sources
    at module level."""
    heavy = ("textual", "rich", "httpx", "curl_cffi", "pandas", "numpy", "yfinance",
             "neotui.app", "neotui.sources", "neotui.cli.report", "neotui.cli.market_report",
             "neotui.cli.checks", "neotui.data.deals", "neotui.data.market.feed")  # fmt: skip
    code = f"import sys, neotui.cli\nprint(','.join(n for n in {heavy!r} if n in sys.modules))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
