"""Typed settings, layered from TOML files, the environment and the command line.

Layers, lowest precedence first:

1. the bundled ``config/neotui.toml`` (always present, ships with the package);
2. the user's ``neotui.toml`` in ``platformdirs.user_config_path("neotui")``;
3. an explicit file: ``--config PATH`` or ``NEOTUI_CONFIG``;
4. ``NEOTUI_*`` environment variables;
5. command-line flags.

Each layer is validated on its own before it is merged, so an error names the file (or variable)
it came from and the dotted key inside it. Nothing here imports Textual. The sections' typed
shape lives in :mod:`neotui.settings.model`; its names are importable from here too.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neotui.data.alerts.engine import RULES_FILE, RuleFile
from neotui.data.alerts.rules import AlertRule, merge_rules, parse_alerts
from neotui.data.entries import EntryError
from neotui.data.resources import bundled_config_path
from neotui.data.toml_parse import TomlSyntaxError, parse_toml
from neotui.keys import KeymapError, check_binding, check_keymap
from neotui.settings import groups as group_tables
from neotui.settings.env import CONFIG_VAR, ENV, settings_vars
from neotui.settings.limits import field_specs, problems
from neotui.settings.model import (
    APP_NAME,
    DEFAULT_FORMS,
    DEFAULT_SYMBOLS,
    YAHOO_HOSTS,
    AlertsSettings,
    AnalyticsSettings,
    DealsSettings,
    EarningsSettings,
    FilingsSettings,
    InsidersSettings,
    MarketSettings,
    NewsSettings,
    RefreshSettings,
    Settings,
    SettingsError,
    UISettings,
    user_cache_dir,
    user_config_dir,
    user_data_dir,
)

if TYPE_CHECKING:
    from neotui.data.portfolio import Lot

__all__ = [
    "APP_NAME",
    "DEFAULT_FORMS",
    "DEFAULT_SYMBOLS",
    "ENV",
    "ENV_VARS",
    "YAHOO_HOSTS",
    "AlertsSettings",
    "AnalyticsSettings",
    "DealsSettings",
    "EarningsSettings",
    "FilingsSettings",
    "InsidersSettings",
    "MarketSettings",
    "NewsSettings",
    "RefreshSettings",
    "Settings",
    "SettingsError",
    "UISettings",
    "app_rules_file",
    "env_layer",
    "load_settings",
    "read_layer",
    "user_cache_dir",
    "user_config_dir",
    "user_data_dir",
]

ENV_VARS: dict[str, str] = settings_vars()
"""Environment variables and the dotted key each one sets (from the one table, :data:`ENV`)."""

_SECTIONS: dict[str, type] = {
    "market": MarketSettings,
    "refresh": RefreshSettings,
    "deals": DealsSettings,
    "ui": UISettings,
    "alerts": AlertsSettings,
    "analytics": AnalyticsSettings,
    "filings": FilingsSettings,
    "news": NewsSettings,
    "insiders": InsidersSettings,
    "earnings": EarningsSettings,
}


def _parse_lots(body: Any) -> tuple[Lot, ...]:
    """``[[lot]]`` tables: the positions parser is imported when a file has some, not at every
    launch (most users keep no lots)."""
    from neotui.data.portfolio import parse_lots

    return parse_lots(body)


#: Arrays of tables (``[[lot]]``), each validated entry by entry by the data layer's parser.
_ENTRY_TABLES: dict[str, Any] = {"lot": _parse_lots, "alert": parse_alerts}


def _field_types(cls: type) -> dict[str, Any]:
    """Each field's plain type (its limits stripped)."""
    return {name: tp for name, (tp, _) in field_specs(cls).items()}


def _type_name(tp: Any) -> str:
    if tp is float:
        return "a number"
    if tp is int:
        return "an integer"
    if tp is bool:
        return "true or false"
    if tp is str:
        return "a string"
    return "a list of strings"


def _check_value(tp: Any, value: Any) -> Any:
    """Return ``value`` converted to ``tp``, or raise ValueError with what was expected."""
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif tp is str:
        if isinstance(value, str):
            return value
    elif (
        typing.get_origin(tp) is tuple
        and isinstance(value, (list, tuple))
        and all(isinstance(v, str) for v in value)
    ):
        return tuple(value)
    kind = type(value).__name__
    raise ValueError(f"expected {_type_name(tp)}, got {kind} {_short_repr(value)}")


def _from_env_string(tp: Any, raw: str) -> Any:
    """Parse an environment variable's text into the field's type."""
    text = raw.strip()
    if tp is bool:
        if text.lower() in {"1", "true", "yes", "on"}:
            return True
        if text.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if tp is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected an integer, got {raw!r}") from None
    if tp is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
    if typing.get_origin(tp) is tuple:
        return tuple(s.strip() for s in text.split(",") if s.strip())
    return raw


def _validate_layer(where: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check one layer's keys and types; return it normalised (lists to tuples, ints to floats)."""
    out: dict[str, Any] = {}
    for section, body in data.items():
        if section == "keys":
            if not isinstance(body, dict):
                raise SettingsError(where, "expected a table of binding id = keys", "keys")
            for binding_id, keys in body.items():
                if not isinstance(keys, str):
                    raise SettingsError(
                        where,
                        f"expected a key string like 'r,f5', got {_short_repr(keys)}",
                        f"keys.{binding_id}",
                    )
                try:
                    check_binding(binding_id, keys)
                except KeymapError as exc:
                    raise SettingsError(where, exc.message, f"keys.{binding_id}") from None
            out["keys"] = dict(body)
            continue
        if section == group_tables.SECTION:  # never an error: problems become notices
            out[section] = group_tables.read_groups(where, body)
            continue
        if section in _ENTRY_TABLES:
            try:
                out[section] = _ENTRY_TABLES[section](body)
            except EntryError as exc:
                raise SettingsError(where, exc.message, exc.key) from None
            continue
        cls = _SECTIONS.get(section)
        if cls is None:
            known = ", ".join([*_SECTIONS, "keys", *_ENTRY_TABLES, group_tables.SECTION])
            raise SettingsError(where, f"unknown section (known: {known})", section)
        if not isinstance(body, dict):
            raise SettingsError(where, "expected a table", section)
        types_ = _field_types(cls)
        checked: dict[str, Any] = {}
        for key, value in body.items():
            dotted = f"{section}.{key}"
            if key not in types_:
                raise SettingsError(where, f"unknown key (known: {', '.join(types_)})", dotted)
            try:
                checked[key] = _check_value(types_[key], value)
            except ValueError as exc:
                raise SettingsError(where, str(exc), dotted) from None
            _check_limits(where, cls, key, checked[key], dotted)
        out[section] = checked
    return out


def _check_limits(where: str, cls: type, key: str, value: Any, dotted: str) -> None:
    """Reject a value of the right type that its field's limits rule out."""
    if found := problems(cls, key, value):
        raise SettingsError(where, found, dotted)


def _short_repr(value: Any) -> str:
    """A value for an error message, cut short (a hostile file may hold anything)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def read_layer(path: Path) -> dict[str, Any]:
    """Read and validate one settings file. Raises SettingsError naming the file."""
    where = str(path)
    if path.is_dir():
        raise SettingsError(where, "is a directory, not a settings file")
    if path.exists() and not path.is_file():
        # a FIFO or a device: reading it could block neotui's start for good
        raise SettingsError(where, "is not a regular file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(where, f"cannot read file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(where, f"not UTF-8 text (byte {exc.start})") from None
    try:
        # Editors on Windows write a byte order mark; deals files accept one too.
        data = parse_toml(text.removeprefix("\ufeff"))
    except TomlSyntaxError as exc:
        raise SettingsError(where, f"TOML syntax error: {exc.located()}") from None
    return _validate_layer(where, data)


def env_layer(environ: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Build the layer of ``NEOTUI_*`` variables. Returns the layer and the variables used."""
    layer: dict[str, Any] = {}
    used: list[str] = []
    for var, dotted in ENV_VARS.items():
        if var not in environ:
            continue
        section, key = dotted.split(".")
        tp = _field_types(_SECTIONS[section])[key]
        try:
            value = _from_env_string(tp, environ[var])
        except ValueError as exc:
            raise SettingsError(var, str(exc), dotted) from None
        _check_limits(var, _SECTIONS[section], key, value, dotted)
        layer.setdefault(section, {})[key] = value
        used.append(var)
    return layer, used


def _check_merged_keys(keymap: Mapping[str, str], layers: list[tuple[str, dict[str, Any]]]) -> None:
    """Check the ``[keys]`` of every layer together: a clash can span two files (one rebinds
    refresh to f5, another quit to f5). The error names the last file that set the entry."""
    ordered: dict[str, str] = {}
    for _, layer in layers:
        for binding_id in layer.get("keys", {}):
            ordered.pop(binding_id, None)  # a later layer's entry counts as written later
            ordered[binding_id] = keymap[binding_id]
    try:
        check_keymap(ordered)
    except KeymapError as exc:
        where = next(
            (w for w, layer in reversed(layers) if exc.binding_id in layer.get("keys", {})),
            "settings",
        )
        raise SettingsError(where, exc.message, f"keys.{exc.binding_id}") from None


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, body in over.items():
        if section in _ENTRY_TABLES or section == group_tables.SECTION:
            merged[section] = body  # a later file's entries replace, like any other list
        else:
            merged.setdefault(section, {}).update(body)
    return merged


def app_rules_file() -> RuleFile:
    """The app-owned alerts.toml (rules added from the screen) in the user data directory."""
    return RuleFile(user_data_dir() / RULES_FILE)


def _app_rules() -> tuple[tuple[AlertRule, ...], str | None]:
    """The rules of the app-owned alerts.toml, and what was done about a damaged one.

    neotui writes that file, so a problem in it is never a reason not to start: the file is set
    aside (renamed, kept for the user to look at) and neotui runs without its rules, saying so.
    """
    rules = app_rules_file()
    try:
        return rules.load(), None
    except EntryError as exc:
        problem = f"{exc.key}: {exc.message}"
    except TomlSyntaxError as exc:
        problem = f"TOML syntax error: {exc.located()}"
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problem = f"cannot read it ({exc})"
    return (), f"{rules.path}: {problem}; {_set_aside(rules.path)}"


def _set_aside(path: Path) -> str:
    """Rename one of neotui's own damaged files out of the way, under its writer's lock."""
    from datetime import UTC, datetime

    from neotui.data.files import write_lock

    aside = path.with_name(f"{path.name}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    try:
        with write_lock(path, timeout=2.0):
            path.replace(aside)
    except OSError as exc:
        return f"could not set it aside ({exc}); its rules are not active"
    return f"set aside as {aside.name}; its rules are not active (new ones go in a new file)"


def load_settings(
    *,
    config: Path | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings from every layer.

    Args:
        config: an explicit settings file (``--config``); if None, ``NEOTUI_CONFIG`` is used.
        overrides: the command-line layer, as ``{"section": {"key": value}}``, already typed.
        environ: the environment to read (defaults to ``os.environ``); tests pass their own.

    Raises:
        SettingsError: naming the file or variable and the key at fault.
    """
    env = os.environ if environ is None else environ
    sources: list[str] = []
    layers: list[tuple[str, dict[str, Any]]] = []
    bundled = bundled_config_path("neotui.toml")
    layers.append((str(bundled), read_layer(bundled)))
    sources.append(f"bundled {bundled}")

    user_file = user_config_dir() / "neotui.toml"
    if user_file.exists():  # a directory there is named, not skipped
        layers.append((str(user_file), read_layer(user_file)))
        sources.append(f"user {user_file}")

    explicit = config
    if explicit is None and env.get(CONFIG_VAR):
        explicit = Path(env[CONFIG_VAR]).expanduser()
    if explicit is not None:
        layers.append((str(explicit), read_layer(explicit)))
        sources.append(f"file {explicit}")

    env_values, used = env_layer(env)
    layers.append(("environment", env_values))
    sources.extend(f"env {var}" for var in used)

    if overrides:
        cli = _validate_layer("command line", {k: v for k, v in overrides.items() if v})
        layers.append(("command line", cli))
        if cli:
            sources.append("command line")

    merged: dict[str, Any] = {}
    for _, layer in layers:
        merged = _merge(merged, layer)
    _check_merged_keys(merged.get("keys", {}), layers)

    app_rules, rules_notice = _app_rules()
    if app_rules:
        sources.append(f"alerts {user_data_dir() / RULES_FILE}")
    market = MarketSettings(**merged.get("market", {}))
    groups, group_notices = group_tables.combine(layers, market.symbols)

    return Settings(
        market=market,
        refresh=RefreshSettings(**merged.get("refresh", {})),
        deals=DealsSettings(**merged.get("deals", {})),
        ui=UISettings(**merged.get("ui", {})),
        alerts=AlertsSettings(**merged.get("alerts", {})),
        alert_rules=merge_rules(merged.get("alert", ()), app_rules),
        notices=(*((rules_notice,) if rules_notice else ()), *group_notices),
        groups=groups,
        lots=merged.get("lot", ()),
        analytics=AnalyticsSettings(**merged.get("analytics", {})),
        filings=FilingsSettings(**merged.get("filings", {})),
        news=NewsSettings(**merged.get("news", {})),
        insiders=InsidersSettings(**merged.get("insiders", {})),
        earnings=EarningsSettings(**merged.get("earnings", {})),
        keys=types.MappingProxyType(dict(merged.get("keys", {}))),
        sources=tuple(sources),
    )
