"""Shared fixtures. Every test runs with its own XDG directories and no NEOTUI_* variables,
so a developer's real settings, cache and deals file never leak in, and no test writes to them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


_LOCAL = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if a test tries to resolve or reach anything but this machine."""
    import socket

    real_getaddrinfo = socket.getaddrinfo

    def guarded_getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if name not in _LOCAL and not name.startswith("127."):
            raise socket.gaierror(f"tests may not reach the internet (tried {name!r})")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)

    # curl (behind the browser session) resolves names in C, past the guard above.
    from urllib.parse import urlparse

    from curl_cffi.requests import AsyncSession

    real_request = AsyncSession.request

    async def guarded_request(self, method, url, *args, **kwargs):
        host = urlparse(url).hostname or ""
        if host not in _LOCAL and not host.startswith("127."):
            raise AssertionError(f"tests may not reach the internet (tried {url!r})")
        return await real_request(self, method, url, *args, **kwargs)

    monkeypatch.setattr(AsyncSession, "request", guarded_request)


@pytest.fixture
def user_config_dir(isolated_dirs: dict[str, Path]) -> Path:
    """The isolated user config directory neotui reads (created)."""
    path = isolated_dirs["XDG_CONFIG_HOME"] / "neotui"
    path.mkdir()
    return path


@pytest.fixture
def fake_yahoo() -> Iterator[Any]:
    """A running fake Yahoo server (tests/fake_yahoo.py); stopped after the test."""
    from tests.fake_yahoo import FakeYahoo

    with FakeYahoo() as fake:
        yield fake


@pytest.fixture
def fake_sec() -> Iterator[Any]:
    """A running fake SEC EDGAR (tests/fake_sec.py); stopped after the test."""
    from tests.fake_sec import FakeSec

    with FakeSec() as fake:
        yield fake


@pytest.fixture
def fake_cboe() -> Iterator[Any]:
    """A running fake Cboe CDN (tests/fake_cboe.py); stopped after the test."""
    from tests.fake_cboe import FakeCboe

    with FakeCboe() as fake:
        yield fake


@pytest.fixture
def fakes(fake_sec: Any, fake_yahoo: Any) -> tuple[Any, Any]:
    """Both fakes, for the filings and headlines feeds: ``(sec, yahoo)``."""
    return fake_sec, fake_yahoo


@pytest.fixture
def utc_clock() -> Any:
    """A UTC clock frozen at ``tests.helpers.FROZEN`` that the test moves with ``advance``."""
    from tests.helpers import UtcClock

    return UtcClock()


@pytest.fixture
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times on screen are local: pin the zone (snapshot modules use it) so what is drawn does not
    depend on the machine's."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
