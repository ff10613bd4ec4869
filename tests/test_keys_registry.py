"""The one registry of binding ids (neotui/keys.py) and the ``[keys]`` checks built on it.

The registry must say exactly what the UI declares, so it is compared with every ``Binding``
that has an id in the app, its screens and widgets; and the key names it accepts must be the
ones Textual can deliver, so those are compared with Textual's own tables."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import string
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from neotui import keys
from neotui.cli import cli
from neotui.settings import SettingsError, load_settings


def ui_bindings() -> dict[str, tuple[str, str, str]]:
    """Every Binding with an id declared by a neotui UI class: id -> (key, description, class)."""
    from textual.binding import Binding

    import neotui.app
    import neotui.screens
    import neotui.widgets

    modules = [neotui.app]
    for package in (neotui.screens, neotui.widgets):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    found: dict[str, tuple[str, str, str]] = {}
    for module in modules:
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    assert binding.id not in found, f"{binding.id} declared twice"
                    found[binding.id] = (binding.key, binding.description, cls.__name__)
    return found


def test_registry_is_exactly_what_the_ui_declares() -> None:
    declared = ui_bindings()
    registry = {b.id: (b.key, b.description, b.place) for b in keys.BINDINGS}
    assert set(registry) == set(declared)
    assert registry == declared
    assert len(declared) > 30  # the walk found the UI (a broken walk finds nothing)


def test_places_that_inherit_bindings_are_known() -> None:
    """Bindings merge along a class's bases; the clash check must know which places merge."""
    from textual.binding import Binding

    ui_places = {place for (_, _, place) in ui_bindings().values()}
    inherits: dict[str, tuple[str, ...]] = {}
    for module_name in ("neotui.app", "neotui.screens", "neotui.widgets"):
        package = importlib.import_module(module_name)
        names = [module_name]
        if hasattr(package, "__path__"):
            names += [i.name for i in pkgutil.walk_packages(package.__path__, f"{module_name}.")]
        for name in names:
            for cls in vars(importlib.import_module(name)).values():
                if not inspect.isclass(cls) or cls.__module__ != name:
                    continue
                bases = tuple(
                    base.__name__
                    for base in cls.__mro__[1:]
                    if base.__name__ in ui_places
                    and any(isinstance(b, Binding) and b.id for b in base.__dict__["BINDINGS"])
                )
                if bases:
                    inherits[cls.__name__] = bases
    assert dict(keys.INHERITS) == inherits


def test_registry_imports_without_textual() -> None:
    import subprocess
    import sys

    code = "import sys, neotui.keys, neotui.settings; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_key_names_are_the_ones_textual_delivers() -> None:
    from textual.app import App
    from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _character_to_key

    from neotui.app import NeoApp

    names = {_character_to_key(c) for c in string.punctuation}
    assert frozenset(n for n in names if len(n) > 1) == keys.CHARACTER_NAMES
    assert keys.KEY_NAME_REPLACEMENTS == KEY_NAME_REPLACEMENTS
    bases = {k.value.rpartition("+")[2] for k in Keys}
    named = {b for b in bases if len(b) > 1 and not b.startswith("<")} - names - {"ctrl-at"}
    assert frozenset(named) == keys.NAMED_KEYS
    priority = {b.key for b in App.BINDINGS if getattr(b, "priority", False)}
    assert set(keys.RESERVED) == priority | {NeoApp.COMMAND_PALETTE_BINDING}


def test_every_default_key_is_valid_and_the_defaults_do_not_clash() -> None:
    for binding in keys.BINDINGS:
        assert keys.parse_keys(binding.key), binding.id
    keys.check_keymap({})
    # swapping two keys in one place is fine
    keys.check_keymap({"neotui.quit": "r", "neotui.refresh": "q"})


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "no key"),
        (" ", "no key"),
        (",,,", "no key"),
        ("r,,f5", "empty key"),
        ("ctrl+shift+banana", '"banana" is not a key'),
        ("ctrl+shfit+a", '"shfit" is not a modifier'),
        ("shift+ctrl+a", 'write it "ctrl+shift+a"'),
        ("ctrl+ctrl+a", 'write it "ctrl+a"'),
        ("ctrl+", "no key after"),
        ("F5", '"F5" is not a key (did you mean "f5"?)'),
        ("\x1b", "not a key"),
    ],
)
def test_case_7_impossible_keys_are_rejected(text: str, words: str) -> None:
    with pytest.raises(ValueError) as err:
        keys.parse_keys(text)
    assert words in str(err.value)


@pytest.mark.parametrize("text", ["r", "r,f5", "r, f5", "?", "question_mark", "ctrl+shift+up",
                                  "A", "slash", "/", "é", "alt+x", "f24", "space"])  # fmt: skip
def test_possible_keys_are_accepted(text: str) -> None:
    assert keys.parse_keys(text)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_case_7_unknown_binding_id_exits_2_with_did_you_mean(tmp_path: Path) -> None:
    bad = write(tmp_path / "k.toml", '[keys]\n"neotui.refesh" = "f5"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(config=bad, environ={})
    assert err.value.key == "keys.neotui.refesh"
    assert str(err.value) == (
        f'{bad}: keys.neotui.refesh: unknown binding id (did you mean "neotui.refresh"?)'
    )
    result = CliRunner().invoke(cli, ["--config", str(bad), "deals"])
    assert result.exit_code == 2
    assert 'did you mean "neotui.refresh"?' in result.output and str(bad) in result.output


def test_case_7_unknown_id_with_no_near_miss_points_at_the_help_screen(tmp_path: Path) -> None:
    bad = write(tmp_path / "k.toml", '[keys]\n"zzz" = "f5"\n')
    with pytest.raises(SettingsError, match=r"keys\.zzz: unknown binding id \(the \? screen"):
        load_settings(config=bad, environ={})


@pytest.mark.parametrize("value", ['"ctrl+shift+banana"', '",,,"', '""'])
def test_case_7_impossible_key_in_settings_names_file_and_id(tmp_path: Path, value: str) -> None:
    bad = write(tmp_path / "k.toml", f'[keys]\n"neotui.refresh" = {value}\n')
    with pytest.raises(SettingsError) as err:
        load_settings(config=bad, environ={})
    assert err.value.key == "keys.neotui.refresh" and err.value.where == str(bad)


def test_case_7_rebinding_that_takes_refresh_key_away_is_rejected(tmp_path: Path) -> None:
    bad = write(tmp_path / "k.toml", '[keys]\n"neotui.quit" = "q,r"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(config=bad, environ={})
    assert err.value.key == "keys.neotui.quit" and err.value.where == str(bad)
    assert '"r" is also the key of neotui.refresh (Refresh)' in err.value.detail


def test_case_7_clash_is_found_across_layers(user_config_dir: Path, tmp_path: Path) -> None:
    write(user_config_dir / "neotui.toml", '[keys]\n"neotui.refresh" = "f5"\n')
    other = write(tmp_path / "k.toml", '[keys]\n"neotui.quit" = "f5"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(config=other, environ={})
    assert err.value.where == str(other)
    assert "neotui.refresh" in err.value.detail


def test_case_7_priority_keys_never_reach_a_binding(tmp_path: Path) -> None:
    bad = write(tmp_path / "k.toml", '[keys]\n"neotui.refresh" = "ctrl+q"\n')
    with pytest.raises(SettingsError, match="ctrl\\+q is taken by Textual"):
        load_settings(config=bad, environ={})


def test_same_key_on_different_screens_is_fine(tmp_path: Path) -> None:
    ok = write(
        tmp_path / "k.toml", '[keys]\n"neotui.refresh" = "r, f5"\n"neotui.detail.year" = "s"\n'
    )
    assert dict(load_settings(config=ok, environ={}).keys) == {
        "neotui.refresh": "r, f5",
        "neotui.detail.year": "s",
    }


def test_character_names_match_unicode() -> None:
    """A sanity check of the table the registry computes without Textual."""
    assert "question_mark" in keys.CHARACTER_NAMES
    assert unicodedata.lookup("QUESTION MARK") == "?"


def test_a_table_binding_shadows_the_base_table_binding_on_the_same_key() -> None:
    """As in Textual's merge, a table's own j replaces the base table's j: no clash by default,
    and a clash with the table's own keys is still found."""
    keys.check_keymap({"neotui.table.down": "n", "neotui.quotes.down": "n"})  # two key maps
    with pytest.raises(keys.KeymapError, match=r'"j" is also the key of neotui\.feeds\.down'):
        keys.check_keymap({"neotui.capture": "j"})
