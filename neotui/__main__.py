"""``python -m neotui`` and the ``neotui`` console script.

``neotui`` with no arguments opens the watch screen, the command people run most: it goes
straight to the app, without importing click and building the command line (~15 ms of the
launch). Anything else (options, commands, ``--help``) goes through :mod:`neotui.cli`, which
also opens the app when given only options.
"""

from __future__ import annotations

import sys

from neotui import startup_gc


def main() -> None:
    """Console-script entry point."""
    if len(sys.argv) > 1:
        from neotui.cli import main as cli_main

        cli_main()
        return
    startup_gc.pause()  # resumed once the whole screen is up
    from neotui.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as err:
        print(f"neotui: bad settings: {err}", file=sys.stderr)  # as neotui.cli.context says it
        sys.exit(2)
    from neotui.build import run_app

    run_app(settings)


if __name__ == "__main__":
    main()
