"""HTX's envelopes: the JSON object around every answer, one per family of paths, each with the
shape of a success and of a failure. Every failure of an endpoint, an unexpected exception
included, is answered in that endpoint's own envelope (HTTP 200: clients read the codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ...domain.errors import ErrorCode, HtxError


class MarketError(Exception):
    """A rejection by the market-data service, which speaks in string codes of its own."""

    def __init__(self, message: str, code: str = "invalid-parameter") -> None:
        super().__init__(message)
        self.code = code


Failure = HtxError | MarketError


class Envelope(Protocol):
    def ok(self, data: Any, ts: int) -> dict[str, Any]: ...

    def error(self, error: Failure, lang: str, ts: int) -> dict[str, Any]: ...


class V1:
    """`/swap-api/v1/`: `{"status":"ok","data",...}` or `{"status":"error","err_code",...}`; the
    sandbox's admin API answers in it too."""

    def ok(self, data: Any, ts: int) -> dict[str, Any]:
        return {"status": "ok", "data": data, "ts": ts}

    def error(self, error: Failure, lang: str, ts: int) -> dict[str, Any]:
        failure = _as_htx(error)
        return {
            "status": "error",
            "err_code": failure.code,
            "err_msg": failure.wire_message(lang),
            "ts": ts,
        }


class Bare(V1):
    """`/api/v1/timestamp`: a success carries no data at all, only `ts`."""

    def ok(self, data: Any, ts: int) -> dict[str, Any]:
        return {"status": "ok", "ts": ts}


class V3:
    """`/swap-api/v3/` and swap-cancel-after: `{"code":200,"msg":"","data",...}`."""

    def ok(self, data: Any, ts: int) -> dict[str, Any]:
        return {"code": 200, "msg": "", "data": data, "ts": ts}

    def error(self, error: Failure, lang: str, ts: int) -> dict[str, Any]:
        failure = _as_htx(error)
        return {"code": failure.code, "msg": failure.wire_message(lang), "data": None, "ts": ts}


@dataclass(frozen=True, slots=True)
class MarketReply:
    """What a market handler answers: its channel (if the path has one) and one of a `tick`, a
    `data` list or a `ticks` list, stamped with the time the tick was taken (the request's
    arrival), as HTX stamps it."""

    ch: str | None
    ts: int
    tick: Any = None
    data: Any = None
    ticks: Any = None


# Market errors for the sandbox's own failures, market-style string codes with HTX's texts;
# over the limit as a live answer captured by ccxt reads (which maps "request limit" to
# RateLimitExceeded).
_MARKET_CODES: dict[int, str] = {
    ErrorCode.RATE_LIMITED: "invalid-parameter",
    ErrorCode.SYSTEM_BUSY: "system-busy",
    ErrorCode.SYSTEM_ERROR: "system-error",
}
_MARKET_TEXTS: dict[int, str] = {ErrorCode.RATE_LIMITED: "request limit"}


class Market:
    """`/swap-ex/market/`: `{"ch","status":"ok","tick"|"data","ts"}`, errors with hyphenated
    keys and string codes."""

    def ok(self, data: Any, ts: int) -> dict[str, Any]:
        assert isinstance(data, MarketReply)
        # Each in the key order of HTX's own examples.
        if data.tick is not None:
            return {"ch": data.ch, "status": "ok", "tick": data.tick, "ts": data.ts}
        if data.ticks is not None:
            return {"status": "ok", "ticks": data.ticks, "ts": data.ts}
        return {"ch": data.ch, "status": "ok", "ts": data.ts, "data": data.data}

    def error(self, error: Failure, lang: str, ts: int) -> dict[str, Any]:
        if isinstance(error, MarketError):
            code, message = error.code, str(error)
        else:
            code = _MARKET_CODES.get(error.code, "invalid-parameter")
            message = _MARKET_TEXTS.get(error.code) or error.wire_message()
        return {"ts": ts, "status": "error", "err-code": code, "err-msg": message}


def _as_htx(error: Failure) -> HtxError:
    return error if isinstance(error, HtxError) else HtxError(ErrorCode.ILLEGAL_PARAMETER, error)


V1_ENVELOPE = V1()
BARE_ENVELOPE = Bare()
V3_ENVELOPE = V3()
MARKET_ENVELOPE = Market()

