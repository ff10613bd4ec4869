"""Finding the bundled data files, installed or in a source checkout.

In a wheel, the repository's ``config/`` directory is installed as ``neotui/config/`` (see
``[tool.hatch.build.targets.wheel.force-include]``); in a source checkout or an editable install it
stays at the top of the repository, next to the package. Looking in both places lets ``neotui``
run from any working directory either way.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CANDIDATES = (_PACKAGE_DIR / "config", _PACKAGE_DIR.parent / "config")


def bundled_config_dir() -> Path:
    """The directory holding the bundled ``neotui.toml`` and ``deals.toml``."""
    for candidate in _CANDIDATES:
        if (candidate / "neotui.toml").is_file():
            return candidate
    raise FileNotFoundError(
        "neotui's bundled config/ directory is missing; looked in "
        + ", ".join(str(c) for c in _CANDIDATES)
    )


def bundled_config_path(name: str) -> Path:
    """Path of one bundled file, e.g. ``bundled_config_path("deals.toml")``."""
    return bundled_config_dir() / name
