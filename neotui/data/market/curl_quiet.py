"""curl_cffi's AsyncSession made quiet between requests (split from ``http.py`` to keep it
short; imported on the first browser request only, so curl_cffi stays off the start path)."""

from __future__ import annotations

from typing import Any


def quiet_session_class() -> type:
    """curl_cffi's AsyncSession whose multi handle sleeps between requests.

    curl_cffi's ``AsyncCurl`` nudges curl every 100 ms for as long as the session lives (a
    safeguard against a missed timer signal): ten event-loop wake-ups a second while neotui
    idles between refreshes, the largest item of its idle CPU (bench/idle.py). Here the
    safeguard runs only while transfers are in flight and waits for the next one otherwise.
    Built on first use so that curl_cffi stays off the start path.
    """
    import asyncio

    from curl_cffi.aio import CURL_POLL_NONE, CURL_SOCKET_TIMEOUT, AsyncCurl
    from curl_cffi.requests import AsyncSession

    # These are curl_cffi internals (checked on 0.16.3 and 0.17.0): if a release renames them,
    # keep the stock session — ten wake-ups a second cost idle CPU, never correctness.
    if not all(hasattr(AsyncCurl, name) for name in ("_force_timeout", "add_handle")) or not (
        isinstance(getattr(AsyncSession, "acurl", None), property)
    ):
        return AsyncSession

    class QuietCurl(AsyncCurl):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._busy = asyncio.Event()  # before the parent starts its checker task
            super().__init__(*args, **kwargs)

        def add_handle(self, curl: Any) -> Any:
            future = super().add_handle(curl)
            self._busy.set()
            return future

        async def _force_timeout(self) -> None:
            if not hasattr(self, "_curl2future") or not hasattr(self, "_curlm"):
                await super()._force_timeout()  # type: ignore[no-untyped-call]  # internals moved
                return
            while self._curlm:
                if not self._curl2future:
                    self._busy.clear()
                    await self._busy.wait()
                    continue
                self.socket_action(CURL_SOCKET_TIMEOUT, CURL_POLL_NONE)
                await asyncio.sleep(0.1)

    class QuietSession(AsyncSession[Any]):
        @property
        def acurl(self) -> AsyncCurl:
            if self._acurl is None:
                self._acurl = QuietCurl(loop=self.loop)
            return self._acurl

    return QuietSession
