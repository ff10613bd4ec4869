"""Settings: one test per layer of precedence, and a clear error for each kind of bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from neotui.settings import DEFAULT_SYMBOLS, YAHOO_HOSTS, SettingsError, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_defaults() -> None:
    s = load_settings(environ={})
    assert s.market.symbols == DEFAULT_SYMBOLS
    assert s.market.symbols == ("CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA")
    assert s.market.yahoo_url == YAHOO_HOSTS[0]  # Yahoo's own query host (no request here)
    assert s.market.concurrency == 8
    assert s.market.transport == "browser" and s.market.batch and s.market.proxy == ""
    assert s.refresh.regular == 15.0 and s.refresh.prepost == 30.0 and s.refresh.closed == 300.0
    assert s.deals.bundled is True
    assert s.sources[0].startswith("bundled ")


def test_user_file_overrides_bundled(user_config_dir: Path) -> None:
    write(user_config_dir / "neotui.toml", '[market]\nconcurrency = 2\n[ui]\ntheme = "nord"\n')
    s = load_settings(environ={})
    assert s.market.concurrency == 2
    assert s.ui.theme == "nord"
    # keys the user did not set keep the bundled values
    assert s.market.symbols == DEFAULT_SYMBOLS


def test_explicit_config_overrides_user_file(user_config_dir: Path, tmp_path: Path) -> None:
    write(user_config_dir / "neotui.toml", "[market]\nconcurrency = 2\n")
    explicit = write(tmp_path / "other.toml", "[market]\nconcurrency = 7\n")
    assert load_settings(config=explicit, environ={}).market.concurrency == 7


def test_neotui_config_env_names_the_explicit_file(user_config_dir: Path, tmp_path: Path) -> None:
    write(user_config_dir / "neotui.toml", "[market]\nconcurrency = 2\n")
    explicit = write(tmp_path / "other.toml", "[market]\nconcurrency = 6\n")
    s = load_settings(environ={"NEOTUI_CONFIG": str(explicit)})
    assert s.market.concurrency == 6


def test_env_overrides_files(tmp_path: Path) -> None:
    explicit = write(tmp_path / "c.toml", '[market]\nyahoo_url = "http://file.example"\n')
    s = load_settings(
        config=explicit,
        environ={
            "NEOTUI_YAHOO_URL": "http://127.0.0.1:9999",
            "NEOTUI_DEALS": "/somewhere/deals.toml",
            "NEOTUI_SYMBOLS": "NVDA, CRWV",
            "NEOTUI_BUNDLED_DEALS": "false",
        },
    )
    assert s.market.yahoo_url == "http://127.0.0.1:9999"
    assert s.deals.path == "/somewhere/deals.toml"
    assert s.deals_path == Path("/somewhere/deals.toml")
    assert s.market.symbols == ("NVDA", "CRWV")
    assert s.deals.bundled is False


def test_yahoo_url_env_through_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEOTUI_YAHOO_URL", "http://127.0.0.1:1234")
    assert load_settings().market.yahoo_url == "http://127.0.0.1:1234"


def test_command_line_overrides_env() -> None:
    s = load_settings(
        overrides={"market": {"yahoo_url": "http://cli.example"}},
        environ={"NEOTUI_YAHOO_URL": "http://env.example"},
    )
    assert s.market.yahoo_url == "http://cli.example"
    assert s.sources[-1] == "command line"


def test_default_deals_path_is_in_user_config_dir(user_config_dir: Path) -> None:
    assert load_settings(environ={}).deals_path == user_config_dir / "deals.toml"


def test_key_overrides(tmp_path: Path) -> None:
    f = write(tmp_path / "k.toml", '[keys]\n"neotui.refresh" = "f5"\n')
    assert dict(load_settings(config=f, environ={}).keys) == {"neotui.refresh": "f5"}


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("[market\nsymbols = 1\n", None, "TOML syntax error"),
        ("[market]\nsymbolz = []\n", "market.symbolz", "unknown key"),
        ("[colours]\nx = 1\n", "colours", "unknown section"),
        ('[market]\nconcurrency = "four"\n', "market.concurrency", "expected an integer"),
        ("[market]\nsymbols = [1, 2]\n", "market.symbols", "expected a list of strings"),
        ("[refresh]\nregular = -1\n", "refresh.regular", "greater than 0"),
        ('[market]\nyahoo_url = "ftp://x"\n', "market.yahoo_url", "http"),
        ("[deals]\nbundled = 1\n", "deals.bundled", "true or false"),
        ('[keys]\n"neotui.quit" = 3\n', "keys.neotui.quit", "key string"),
    ],
)
def test_bad_file_names_file_and_key(
    tmp_path: Path, text: str, key: str | None, fragment: str
) -> None:
    bad = write(tmp_path / "bad.toml", text)
    with pytest.raises(SettingsError) as info:
        load_settings(config=bad, environ={})
    message = str(info.value)
    assert str(bad) in message
    assert fragment in message
    if key:
        assert key in message
    else:
        assert "line 1" in message  # syntax errors point at the line


def test_bad_user_file_is_named(user_config_dir: Path) -> None:
    write(user_config_dir / "neotui.toml", "[market]\nconcurrency = 0\n")
    with pytest.raises(
        SettingsError, match=r"neotui\.toml: market\.concurrency: must be at least 1"
    ):
        load_settings(environ={})


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read file"):
        load_settings(config=tmp_path / "missing.toml", environ={})
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[ui]\ntheme = "caf\xe9"\n')
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_settings(config=latin, environ={})


def test_bad_env_value_names_variable() -> None:
    with pytest.raises(SettingsError, match=r"NEOTUI_CONCURRENCY: market\.concurrency"):
        load_settings(environ={"NEOTUI_CONCURRENCY": "lots"})


def test_transport_and_proxy_are_checked(user_config_dir: Path) -> None:
    write(user_config_dir / "neotui.toml", '[market]\ntransport = "firefox"\n')
    with pytest.raises(SettingsError, match=r'market\.transport: must be "browser" or "plain"'):
        load_settings(environ={})
    write(user_config_dir / "neotui.toml", '[market]\nproxy = "proxy:3128"\n')
    with pytest.raises(SettingsError, match=r"market\.proxy: must be a URL"):
        load_settings(environ={})
    env = {"NEOTUI_YAHOO_TRANSPORT": "plain", "NEOTUI_YAHOO_COOKIE_URL": "http://127.0.0.1:9/"}
    write(user_config_dir / "neotui.toml", "")
    s = load_settings(environ=env)
    assert s.market.transport == "plain" and s.market.cookie_url == "http://127.0.0.1:9/"
