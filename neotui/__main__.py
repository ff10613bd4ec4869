"""``python -m neotui``: the same entry point as the ``neotui`` console script."""

from __future__ import annotations

from neotui.cli import main

if __name__ == "__main__":
    main()
