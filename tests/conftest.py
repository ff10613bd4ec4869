"""Shared fixtures. Every test runs with its own XDG directories and no NEOTUI_* variables,
so a developer's real settings, cache and deals file never leak in, and no test writes to them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point XDG_CONFIG_HOME / XDG_CACHE_HOME / XDG_DATA_HOME into tmp_path; drop NEOTUI_*."""
    import os

    dirs = {}
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        path = tmp_path / "xdg" / name.lower()
        path.mkdir(parents=True)
        monkeypatch.setenv(name, str(path))
        dirs[name] = path
    for var in list(os.environ):
        if var.startswith("NEOTUI_"):
            monkeypatch.delenv(var)
    return dirs


@pytest.fixture
def user_config_dir(isolated_dirs: dict[str, Path]) -> Path:
    """The isolated user config directory neotui reads (created)."""
    path = isolated_dirs["XDG_CONFIG_HOME"] / "neotui"
    path.mkdir()
    return path


@pytest.fixture
def fake_yahoo():
    """A running fake Yahoo server (tests/fake_yahoo.py); stopped after the test."""
    from tests.fake_yahoo import FakeYahoo

    fake = FakeYahoo().start()
    yield fake
    fake.stop()
