"""Number formatting shared by the CLI and the screens: compact, and never hiding a unit."""

from __future__ import annotations

from datetime import date, datetime


def money(value: float | None, currency: str = "USD") -> str:
    """``14.2e9`` -> ``$14.2B``; ``None`` -> ``—``. Non-USD amounts carry their code."""
    if value is None or value != value:
        return "—"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    for threshold, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if amount >= threshold:
            number = (
                f"{amount / threshold:.3g}"
                if amount / threshold < 100
                else f"{amount / threshold:.0f}"
            )
            text = f"{number}{suffix}"
            break
    else:
        text = f"{amount:.0f}"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def power(mw: float | None) -> str:
    """Megawatts as ``850 MW`` or ``2.5 GW``."""
    if mw is None:
        return "—"
    if mw >= 1000:
        return f"{mw / 1000:.3g} GW"
    return f"{mw:.4g} MW"


def count(value: float | None) -> str:
    """``1234567`` -> ``1.23M`` (volumes, GPU counts)."""
    if value is None or value != value:
        return "—"
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= threshold:
            return f"{value / threshold:.3g}{suffix}"
    return f"{value:.0f}"


def percent(value: float | None, signed: bool = True) -> str:
    """``3.456`` -> ``+3.46%``."""
    if value is None or value != value:
        return "—"
    return f"{value:+.2f}%" if signed else f"{value:.2f}%"


def price(value: float | None) -> str:
    """Prices with precision that suits their size (penny stocks keep 4 decimals)."""
    if value is None or value != value:
        return "—"
    if abs(value) < 1:
        return f"{value:.4f}"
    if abs(value) >= 10000:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def change(value: float | None) -> str:
    """A signed price change: ``+1.78``, ``-0.05``."""
    if value is None or value != value:
        return "—"
    return f"{value:+,.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:+.4f}"


def age(seconds: float) -> str:
    """A short age: ``45s``, ``12m``, ``3h``, ``2d``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.0f}h"
    return f"{seconds / 86400:.0f}d"


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 text for JSON and CSV, or None."""
    return None if value is None else value.isoformat()


def amount(value: float | None, signed: bool = False) -> str:
    """A money amount in full, for positions: ``12,345.60``, ``-1,200.00``, ``+310.25``."""
    if value is None or value != value:
        return "—"
    return f"{value:+,.2f}" if signed else f"{value:,.2f}"


def quantity(value: float | None) -> str:
    """A share count: ``10``, ``-5``, ``2.5`` (fractional shares keep their decimals)."""
    if value is None or value != value:
        return "—"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.4g}"


def fraction(value: float | None, signed: bool = True) -> str:
    """A fraction shown as a percentage: ``0.1234`` -> ``+12.34%``."""
    return percent(None if value is None else value * 100.0, signed)
