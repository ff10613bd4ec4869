"""The data layer never imports Textual (nor pandas, numpy or yfinance at import time)."""

from __future__ import annotations

import subprocess
import sys


def test_data_layer_imports_without_textual_pandas_or_yfinance() -> None:
    code = (
        "import sys, pkgutil, importlib, neotui.data as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module('neotui.data.' + m.name)\n"
        "import neotui.settings, neotui.report, neotui.formatting\n"
        "bad = [n for n in ('textual', 'pandas', 'numpy', 'yfinance') if n in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
