"""Fundamentals (market cap, shares, debt, revenue) through yfinance, kept away from quotes.

yfinance is slow (it scrapes several endpoints), rate-limited separately, and can hang, so it runs
in a thread, rarely, under a timeout; its failures never touch the quote path. It is imported
only when first used: it pulls in pandas and requests, which start-up does not need.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neotui.data.clean import clean_text


@dataclass(frozen=True, slots=True)
class Fundamentals:
    """Slow-moving company figures for one symbol, with when they were fetched."""

    symbol: str
    fetched_at: datetime
    market_cap: float | None = None
    shares: float | None = None
    total_debt: float | None = None
    revenue: float | None = None
    currency: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for the cache)."""
        return {
            "symbol": self.symbol,
            "fetched_at": self.fetched_at.isoformat(),
            "market_cap": self.market_cap,
            "shares": self.shares,
            "total_debt": self.total_debt,
            "revenue": self.revenue,
            "currency": self.currency,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fundamentals:
        """Rebuild from :meth:`to_json`."""
        return cls(**{**data, "fetched_at": datetime.fromisoformat(data["fetched_at"])})


#: A blocking function returning yfinance's ``(info, fast_info)`` for a symbol.
Fetcher = Callable[[str], tuple[Mapping[str, Any] | None, Any]]


class FundamentalsError(Exception):
    """yfinance failed, was rate-limited or timed out; ``reason`` is short and human."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _number(*values: Any) -> float | None:
    for value in values:
        if isinstance(value, bool):
            continue
        # Finite only: -inf and nan from yfinance are as unusable as inf.
        if isinstance(value, (int, float)) and value != 0 and math.isfinite(value):
            return float(value)
    return None


def _text(*values: Any) -> str | None:
    """The first non-empty string of ``values``, cleaned (yfinance passes Yahoo's text on)."""
    for value in values:
        if isinstance(value, str) and (text := clean_text(value).strip()):
            return text
    return None


def _get(mapping: Any, key: str) -> Any:
    """Read a key from a dict or a yfinance FastInfo, which raises on some missing keys."""
    try:
        return mapping[key] if mapping is not None else None
    except Exception:  # FastInfo raises KeyError, TypeError or worse
        return None


def map_fundamentals(
    symbol: str, info: Mapping[str, Any] | None, fast_info: Any, fetched_at: datetime
) -> Fundamentals:
    """Build :class:`Fundamentals` from yfinance's ``info`` dict and ``fast_info``.

    ``fast_info`` is preferred for market cap and shares (computed from the latest price);
    ``info`` supplies debt and revenue. Missing, zero or non-numeric values become None.
    """
    info = info or {}
    return Fundamentals(
        symbol=symbol,
        fetched_at=fetched_at,
        market_cap=_number(_get(fast_info, "marketCap"), info.get("marketCap")),
        shares=_number(_get(fast_info, "shares"), info.get("sharesOutstanding")),
        total_debt=_number(info.get("totalDebt")),
        revenue=_number(info.get("totalRevenue")),
        currency=_text(
            _get(fast_info, "currency"), info.get("financialCurrency"), info.get("currency")
        ),
    )


def configure_yfinance(cache_dir: Path) -> None:
    """Point yfinance's own caches (time zones, cookies) into neotui's cache directory."""
    import yfinance as yf

    target = cache_dir / "yfinance"
    with contextlib.suppress(OSError):
        target.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(Exception):
        yf.cache.set_cache_location(str(target))


def yfinance_fetcher(cache_dir: Path) -> Fetcher:
    """A blocking fetcher that asks yfinance for ``info`` and ``fast_info`` (run it in a thread).

    yfinance is imported and pointed at ``cache_dir`` on the first call, not before.
    """
    configured = False

    def fetch(symbol: str) -> tuple[Mapping[str, Any] | None, Any]:
        nonlocal configured
        import yfinance as yf

        if not configured:
            configure_yfinance(cache_dir)
            configured = True
        ticker = yf.Ticker(symbol)
        return ticker.get_info(), ticker.fast_info

    return fetch


async def fetch_fundamentals(
    symbol: str,
    *,
    fetcher: Fetcher,
    timeout: float = 30.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Fundamentals:
    """Fetch one symbol's fundamentals in a thread, bounded by ``timeout``.

    A hung yfinance call is abandoned (its thread finishes on its own); the caller carries on.

    Raises:
        FundamentalsError: with a short reason for every kind of failure.
    """
    try:
        info, fast_info = await asyncio.wait_for(asyncio.to_thread(fetcher, symbol), timeout)
    except TimeoutError:
        raise FundamentalsError(f"yfinance did not answer within {timeout:g}s") from None
    except Exception as exc:  # yfinance raises anything from anywhere
        name = type(exc).__name__
        text = str(exc).splitlines()[0][:120] if str(exc) else ""
        if "RateLimit" in name or "Too Many Requests" in text or "429" in text:
            raise FundamentalsError("yfinance rate limited") from None
        raise FundamentalsError(f"yfinance failed: {name}{': ' + text if text else ''}") from None
    result = map_fundamentals(
        symbol, info if isinstance(info, Mapping) else None, fast_info, clock()
    )
    if result.market_cap is None and result.shares is None and result.total_debt is None:
        raise FundamentalsError("yfinance returned no figures")
    return result
