"""curl's error codes and httpx's exceptions as the failures neotui reports (split from
``http.py`` to keep it short; imported with the library, on the first request). Each gives a
``FailureKind`` value and a reason, which ``http.py`` makes a ``FetchError`` (this module
imports nothing of neotui: no cycle)."""

from __future__ import annotations

# curl's error codes (https://curl.se/libcurl/c/libcurl-errors.html), by what they mean here.
_CURL_UNREACHABLE = {5: "cannot resolve proxy", 6: "cannot resolve host (DNS)",
                     7: "cannot connect", 97: "proxy handshake failed"}  # fmt: skip
_CURL_TLS = {35: "TLS handshake failed", 60: "TLS certificate not trusted",
             58: "TLS client certificate problem", 53: "TLS engine not found"}  # fmt: skip
_CURL_DROPPED = {52: "empty reply from server", 55: "connection dropped while sending",
                 56: "connection reset", 18: "response cut short", 16: "HTTP/2 stream error",
                 92: "HTTP/2 stream error", 8: "malformed response"}  # fmt: skip


#: CURLINFO_HTTP_VERSION values.
CURL_HTTP_VERSIONS = {1: "HTTP/1.0", 2: "HTTP/1.1", 3: "HTTP/2", 30: "HTTP/3"}


def curl_failure(exc: Exception) -> tuple[str, str]:
    """Classify a curl_cffi exception by its curl error code."""
    code = getattr(exc, "code", None)
    code = int(code) if code is not None else -1
    text = str(exc)
    if code == 28:
        if "connect" in text.lower() and "0 bytes received" not in text:
            return ("unreachable", "connection timed out")
        return ("timeout", "no answer in time")
    if code == 7 and ("refused" in text.lower() or "could not connect" in text.lower()):
        return ("unreachable", "connection refused")
    if code in _CURL_UNREACHABLE:
        return ("unreachable", _CURL_UNREACHABLE[code])
    if code in _CURL_TLS:
        return ("unreachable", _CURL_TLS[code])
    if code in _CURL_DROPPED:
        return ("server", _CURL_DROPPED[code])
    if code == 47:
        return ("bad_response", "too many redirects")
    return ("server", f"network error (curl {code})")


def httpx_failure(exc: Exception) -> tuple[str, str]:
    import httpx

    if isinstance(exc, httpx.ConnectTimeout):
        return ("unreachable", "connection timed out")
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "name or service" in text or "nodename" in text or "resolution" in text:
            return ("unreachable", "cannot resolve host (DNS)")
        if "refused" in text:
            return ("unreachable", "connection refused")
        if "unreachable" in text:
            return ("unreachable", "network unreachable")
        if "certificate" in text:
            return ("unreachable", "TLS certificate not trusted")
        if "ssl" in text or "tls" in text:
            return ("unreachable", "TLS handshake failed")
        return ("unreachable", "cannot connect")
    if isinstance(exc, httpx.TimeoutException):
        return ("timeout", "no answer in time")
    if isinstance(exc, httpx.TooManyRedirects):
        return ("bad_response", "too many redirects")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        reason = "connection reset" if "reset" in str(exc).lower() else "connection dropped"
        return ("server", reason)
    return ("server", f"network error: {type(exc).__name__}")
