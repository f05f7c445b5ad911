"""Typed exceptions: every error the server answers becomes an `HtxApiError` carrying HTX's
`err_code` and `err_msg`; common codes get their own subclass so callers can catch them by name."""

from __future__ import annotations


class HtxClientError(Exception):
    """Base of every exception the client raises."""


class HtxHttpError(HtxClientError):
    """A response that is not one of HTX's envelopes (an unknown path, a proxy's error page)."""

    def __init__(self, status_code: int, text: str) -> None:
        super().__init__(f"HTTP {status_code}: {text[:200]}")
        self.status_code = status_code
        self.text = text


class UnexpectedResponse(HtxClientError):  # noqa: N818
    """An ok envelope whose data does not have the shape the client knows (a server bug, or
    a server much newer or older than the client)."""


class CredentialsRequired(HtxClientError):  # noqa: N818
    """A private endpoint was called on a client made without access_key and secret_key."""


class HtxApiError(HtxClientError):
    """An error envelope from the server. `err_code` is HTX's code: an int on the /swap-api/
    endpoints (1051, 403, ...), a string on market data ("invalid-parameter")."""

    def __init__(self, err_code: int | str, err_msg: str) -> None:
        super().__init__(f"[{err_code}] {err_msg}")
        self.err_code = err_code
        self.err_msg = err_msg


class AuthenticationFailed(HtxApiError):  # noqa: N818
    """403 from the gateway (bad key, signature, timestamp, IP, permission) or 401 from the
    sandbox admin API (wrong or missing admin token)."""


class RateLimited(HtxApiError):  # noqa: N818
    """1032 (or market data's "too-many-requests"): over the request quota."""


class NoOrdersToCancel(HtxApiError):  # noqa: N818
    """1051: swap_cancelall found no open order matching."""


class InsufficientMargin(HtxApiError):  # noqa: N818
    """1047: the order's initial margin exceeds the available margin."""


class ContractNotFound(HtxApiError):  # noqa: N818
    """1014: no such contract."""


class OrderNotFound(HtxApiError):  # noqa: N818
    """1017: no such order (for this UID and contract)."""


class InvalidParameter(HtxApiError):  # noqa: N818
    """1066 (field empty), 1067 (illegal parameter) or market data's "invalid-parameter",
    "invalid-request" and "bad-request"."""


class SystemBusy(HtxApiError):  # noqa: N818
    """1004 (or "system-busy"): the server is stopping or overloaded; retry later."""


_BY_CODE: dict[int | str, type[HtxApiError]] = {
    401: AuthenticationFailed,
    403: AuthenticationFailed,
    1004: SystemBusy,
    "system-busy": SystemBusy,
    1014: ContractNotFound,
    1017: OrderNotFound,
    1032: RateLimited,
    1047: InsufficientMargin,
    1051: NoOrdersToCancel,
    1066: InvalidParameter,
    1067: InvalidParameter,
    "invalid-parameter": InvalidParameter,
    "invalid-request": InvalidParameter,
    "bad-request": InvalidParameter,
}
MARKET_RATE_LIMIT = "request limit"
"""The market service's err-msg over its limit (under err-code "invalid-parameter")."""


def api_error(err_code: int | str, err_msg: str) -> HtxApiError:
    """The most specific exception for an error code (market data's rate limit: by its text,
    as HTX answers it under a generic code)."""
    if err_msg == MARKET_RATE_LIMIT:
        return RateLimited(err_code, err_msg)
    return _BY_CODE.get(err_code, HtxApiError)(err_code, err_msg)


class ConnectionLost(HtxClientError):  # noqa: N818
    """A WebSocket connection ended (closed by the server, reset, refused, or silent past the
    feed's idle timeout) and the feed did not, or could not, open it again. `code` is the close
    code when the server sent one (1008: heartbeat lost, 1013: slow consumer)."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
