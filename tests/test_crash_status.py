"""An error that stops the app exits non-zero (issue 22, case 21: the early-key crash exited 0)."""

from __future__ import annotations

import pytest

from neotui import build
from neotui.app import NeoApp
from neotui.settings import load_settings
from tests.harness import build_app


class _Broken(NeoApp):
    def action_refresh(self) -> None:
        raise RuntimeError("a bug in an action")


async def test_an_error_in_a_handler_stops_the_app_with_status_1() -> None:
    """What run_app relies on: Textual stops the app and sets its return code to 1."""
    app = build_app(app_class=_Broken, with_feed=False)
    with pytest.raises(RuntimeError, match="a bug in an action"):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("r")
            await pilot.pause()
    assert app.return_code == 1


@pytest.mark.parametrize(("code", "exits"), [(1, 1), (0, None), (None, None)])
def test_case_21_run_app_exits_with_the_apps_status(
    monkeypatch: pytest.MonkeyPatch, code: int | None, exits: int | None
) -> None:
    class Ran:
        return_code = code

        def run(self) -> None:
            pass

    monkeypatch.setattr(build, "make_app", lambda settings: Ran())
    if exits is None:
        build.run_app(load_settings())
    else:
        with pytest.raises(SystemExit) as stopped:
            build.run_app(load_settings())
        assert stopped.value.code == exits
