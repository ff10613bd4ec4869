"""Settings for filings and headlines: defaults, environment variables, checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from neotui.settings import (
    DEFAULT_FORMS,
    FilingsSettings,
    SettingsError,
    load_settings,
    user_data_dir,
)


def test_defaults_leave_filings_off_and_news_on() -> None:
    s = load_settings(environ={})
    assert s.filings.contact == ""
    # the bundled file agrees with the typed defaults (the SEC's own hosts; no request here)
    defaults = FilingsSettings()
    assert (s.filings.data_url, s.filings.tickers_url) == (defaults.data_url, defaults.tickers_url)
    assert s.filings.data_url.startswith("https://") and s.filings.tickers_url.endswith(".json")
    assert s.filings.forms == DEFAULT_FORMS and "424B*" in s.filings.forms
    assert (s.filings.market_interval, s.filings.closed_interval) == (600.0, 3600.0)
    assert s.filings.max_rate == 10.0
    assert s.news.enabled and s.news.interval == 300.0


def test_sec_environment_variables() -> None:
    s = load_settings(environ={
        "NEOTUI_SEC_CONTACT": "Jane Doe jane@example.com",
        "NEOTUI_SEC_DATA_URL": "http://127.0.0.1:9",
        "NEOTUI_SEC_TICKERS_URL": "http://127.0.0.1:9/t.json",
    })  # fmt: skip
    assert s.filings.contact == "Jane Doe jane@example.com"
    assert s.filings.data_url == "http://127.0.0.1:9"
    assert s.filings.tickers_url == "http://127.0.0.1:9/t.json"


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('[filings]\ncontact = "Jane Doe"\n', "filings.contact", "e-mail address"),
        ('[filings]\ndata_url = "data.sec.gov"\n', "filings.data_url", "http://"),
        ("[filings]\nmax_rate = 0\n", "filings.max_rate", "greater than 0"),
        ("[filings]\nforms = '8-K'\n", "filings.forms", "list of strings"),
        ("[news]\ninterval = -5\n", "news.interval", "greater than 0"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    path = tmp_path / "neotui.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings(config=path, environ={})
    assert err.value.key == key and words in str(err.value)


def test_bad_contact_in_env_is_named() -> None:
    with pytest.raises(SettingsError, match="NEOTUI_SEC_CONTACT"):
        load_settings(environ={"NEOTUI_SEC_CONTACT": "nobody"})


def test_user_data_dir_follows_xdg(isolated_dirs) -> None:
    assert user_data_dir() == isolated_dirs["XDG_DATA_HOME"] / "neotui"


def test_archives_url_default_env_and_check(tmp_path: Path) -> None:
    """Issue 18: where filing indexes and documents come from (www.sec.gov by default)."""
    assert load_settings(environ={}).filings.archives_url == "https://www.sec.gov"
    s = load_settings(environ={"NEOTUI_SEC_ARCHIVES_URL": "http://127.0.0.1:9"})
    assert s.filings.archives_url == "http://127.0.0.1:9"
    path = tmp_path / "neotui.toml"
    path.write_text('[filings]\narchives_url = "www.sec.gov"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(config=path, environ={})
    assert err.value.key == "filings.archives_url"
