"""The command line: help, version, settings errors and the bundled files from any directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from neotui import __version__
from neotui.cli import cli
from tests.conftest import REPO


def run_module(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "neotui", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_lists_commands_and_environment() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for word in ("quotes", "deals", "capacity", "validate", "NEOTUI_YAHOO_URL", "--config"):
        assert word in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith(f"neotui {__version__}\n")
    assert "config dir:" in result.output


def test_python_dash_m_from_another_directory(tmp_path: Path) -> None:
    """`python -m neotui` works outside the checkout and finds the bundled settings."""
    result = run_module("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"neotui {__version__}" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("[market]\nconcurrency = true\n")
    result = run_module("--config", str(bad), "quotes", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{bad}: market.concurrency: expected an integer" in result.stderr
    assert "Traceback" not in result.stderr


def test_installed_layout_finds_config_inside_package(tmp_path: Path) -> None:
    """In a wheel, config/ sits inside the package (neotui/config); nothing else is needed."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "neotui", site / "neotui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "config", site / "neotui" / "config")
    code = (
        "import neotui.data.resources as r, neotui.settings as s;"
        "print(r.bundled_config_dir()); print(s.load_settings(environ={}).market.symbols[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(site / "neotui" / "config"), "CRWV"]


def test_bad_settings_exit_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[market]\nunknown_thing = 1\n")
    result = CliRunner().invoke(cli, ["--config", str(bad), "deals"])
    assert result.exit_code == 2
    assert f"{bad}: market.unknown_thing: unknown key" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_bad_env_exit_2() -> None:
    result = CliRunner().invoke(cli, ["quotes"], env={"NEOTUI_YAHOO_URL": "not-a-url"})
    assert result.exit_code == 2
    assert "NEOTUI_YAHOO_URL: market.yahoo_url: must start with http" in result.output
