"""A picture to share: the screen as an SVG file, saved in neotui's own data directory.

Textual renders the screen to SVG (``App.export_screenshot``); the file is written in a thread
under ``screenshots/`` in the user data directory, never among the user's own files, with a
timestamped name created exclusively (``open(..., "x")``), so no file is ever overwritten: a
second picture within the same second gets ``-2``. Where it went is said in a toast.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App

from neotui.settings import user_data_dir

FOLDER = "screenshots"
"""The folder under the user data directory that holds the pictures."""


def pictures_dir() -> Path:
    """Where pictures of the screen go (``~/.local/share/neotui/screenshots`` on Linux)."""
    return user_data_dir() / FOLDER


def write_new(directory: Path, stem: str, text: str) -> Path:
    """Write ``text`` to a new file ``stem.svg`` (or ``stem-2.svg``, …) in ``directory``.

    Raises:
        OSError: the directory cannot be made or written, or 100 names are taken.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(1, 101):
        path = directory / (f"{stem}.svg" if n == 1 else f"{stem}-{n}.svg")
        try:
            # "x": created here or not at all; never follows a planted link, never overwrites.
            with path.open("x", encoding="utf-8") as out:
                out.write(text)
        except FileExistsError:
            continue
        return path
    raise OSError(f"no free name for {stem}.svg in {directory}")


async def save_picture(app: App[Any], now: datetime) -> Path | None:
    """Save the current screen of ``app`` as SVG and say where (or why not) in a toast."""
    svg = app.export_screenshot()
    stem = f"neotui-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    try:
        path = await asyncio.to_thread(write_new, pictures_dir(), stem, svg)
    except OSError as exc:
        app.notify(f"Screen not saved: {exc}", title="Picture", severity="error", markup=False)
        return None
    app.notify(f"Screen saved as {path}", title="Picture", timeout=10, markup=False)
    return path
