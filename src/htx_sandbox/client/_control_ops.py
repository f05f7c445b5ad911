"""What each call of the sandbox's test controls (docs/test-controls.md) sends and how its
answer is read, shared by AdminClient and AsyncAdminClient: the exchange clock, faults on HTX
paths, the cancel delay and per-UID rate limits."""

from __future__ import annotations

from typing import Any, Literal

from ._admin_ops import PREFIX
from ._wire import Op, convert, parse_as
from .models import SandboxClock, SandboxFault, SandboxRateLimits

ClockMode = Literal["live", "frozen", "scaled"]


def _cancel_delay(data: Any) -> int:
    return convert(data, dict[str, int])["cancel_delay_ms"]


def _cleared(data: Any) -> int:
    return convert(data, dict[str, int])["cleared"]


# -- the clock -------------------------------------------------------------------------------


def clock() -> Op[SandboxClock]:
    return Op("GET", PREFIX + "clock", parse_as(SandboxClock), private=False)


def set_clock(mode: ClockMode, speed: int | None) -> Op[SandboxClock]:
    body: dict[str, Any] = {"mode": mode}
    if speed is not None:
        body["speed"] = speed
    return Op("POST", PREFIX + "clock", parse_as(SandboxClock), private=False, body=body)


def advance_clock(ms: int) -> Op[SandboxClock]:
    body = {"advance_ms": ms}
    return Op("POST", PREFIX + "clock", parse_as(SandboxClock), private=False, body=body)


# -- faults ----------------------------------------------------------------------------------


def arm_fault(
    path: str,
    *,
    uid: int | None,
    count: int,
    err_code: int | None,
    http_status: int | None,
    delay_ms: int | None,
    drop: bool,
) -> Op[SandboxFault]:
    body: dict[str, Any] = {"path": path, "count": count}
    if uid is not None:
        body["uid"] = uid
    for name, value in (("err_code", err_code), ("http_status", http_status),
                        ("delay_ms", delay_ms)):  # fmt: skip
        if value is not None:
            body[name] = value
    if drop:
        body["drop"] = True
    return Op("POST", PREFIX + "faults", parse_as(SandboxFault), private=False, body=body)


def faults() -> Op[list[SandboxFault]]:
    return Op("GET", PREFIX + "faults", parse_as(list[SandboxFault]), private=False)


def clear_faults() -> Op[int]:
    return Op("DELETE", PREFIX + "faults", _cleared, private=False)


def fault_paths() -> Op[list[str]]:
    return Op("GET", PREFIX + "faults/paths", parse_as(list[str]), private=False)


# -- run-time settings -----------------------------------------------------------------------


def cancel_delay() -> Op[int]:
    return Op("GET", PREFIX + "cancel-delay", _cancel_delay, private=False)


def set_cancel_delay(ms: int) -> Op[int]:
    body = {"cancel_delay_ms": ms}
    return Op("POST", PREFIX + "cancel-delay", _cancel_delay, private=False, body=body)


def rate_limits() -> Op[SandboxRateLimits]:
    return Op("GET", PREFIX + "rate-limits", parse_as(SandboxRateLimits), private=False)


def set_rate_limit(uid: int, trade: int | None, read: int | None) -> Op[SandboxRateLimits]:
    body: dict[str, Any] = {"uid": uid}
    if trade is not None:
        body["trade"] = trade
    if read is not None:
        body["read"] = read
    return Op("POST", PREFIX + "rate-limits", parse_as(SandboxRateLimits), private=False,
              body=body)  # fmt: skip


def clear_rate_limits(uid: int | None) -> Op[SandboxRateLimits]:
    body = {} if uid is None else {"uid": uid}
    return Op("DELETE", PREFIX + "rate-limits", parse_as(SandboxRateLimits), private=False,
              body=body)  # fmt: skip


# -- WebSocket sessions ----------------------------------------------------------------------


def _closed(data: Any) -> int:
    return convert(data, dict[str, int])["closed"]


def close_sessions(uid: int | None) -> Op[int]:
    body = {} if uid is None else {"uid": uid}
    return Op("POST", PREFIX + "sessions/close", _closed, private=False, body=body)
