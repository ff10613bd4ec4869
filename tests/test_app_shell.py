"""The app shell: it starts, shows help and quits from the keyboard."""

from __future__ import annotations

from neotui.app import NeoApp, make_app
from neotui.screens.help import HelpScreen
from neotui.settings import load_settings


async def test_app_starts_and_q_quits() -> None:
    app = make_app(load_settings(environ={}))
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app, NeoApp)
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    assert app.return_code == 0


async def test_question_mark_opens_help_listing_binding_ids() -> None:
    app = make_app(load_settings(environ={}))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {row.binding_id for row in app.screen._rows}
        assert {"neotui.quit", "neotui.help"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_keymap_from_settings_rebinds_quit(tmp_path) -> None:
    cfg = tmp_path / "keys.toml"
    cfg.write_text('[keys]\n"neotui.quit" = "x"\n')
    app = make_app(load_settings(config=cfg, environ={}))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("x")
        await pilot.pause()
    assert not app.is_running
