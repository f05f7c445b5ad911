"""The exchange clock: `GET /clock` shows it, `POST /clock` sets it with one of
`{"mode": "frozen"}`, `{"mode": "live"}`, `{"mode": "scaled", "speed": 60}` or
`{"advance_ms": 28800000}`. Every change goes through the engine (service/clock_control.py):
the answer comes once the timers the new time made due have run and been committed."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...service.clock import CLOCK_MODES, MAX_SPEED, ClockSetting
from ...service.clock_control import MAX_ADVANCE_MS, ClockControl
from ..core.endpoint import Call, admin
from . import fields

_FIELDS = frozenset({"mode", "speed", "advance_ms"})


def clock_row(setting: ClockSetting) -> dict[str, Any]:
    return {"now": setting.at, "mode": setting.mode, "speed": setting.speed}


def _control(call: Call) -> ClockControl:
    control = call.gateway.clock_control
    if control is None:  # an app over a test's clock: only its owner moves it
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "clock")
    return control


@admin
async def show_clock(call: Call) -> Any:
    return clock_row(_control(call).show())


@admin
async def set_clock(call: Call) -> Any:
    """Exactly one change: a mode (with speed for scaled only) or an advance; anything else is
    1066/1067 and changes nothing."""
    control = _control(call)
    body = call.body
    unknown = sorted(set(body.fields) - _FIELDS)
    if unknown:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, unknown[0])
    if body.has("advance_ms"):
        if body.has("mode") or body.has("speed"):
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "advance_ms")
        ms = body.integer("advance_ms")
        if ms is None or not 0 <= ms <= MAX_ADVANCE_MS:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "advance_ms")
        setting = await asyncio.to_thread(control.advance, ms)
        return clock_row(setting)
    mode = fields.required_text(body, "mode")
    modes = [m for m in CLOCK_MODES if m == mode]
    if not modes:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "mode")
    speed = 1
    if modes[0] == "scaled":
        given = body.integer("speed", required=True)
        if given is None or not 1 <= given <= MAX_SPEED:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "speed")
        speed = given
    elif body.has("speed"):  # a speed belongs to the scaled mode only
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "speed")
    setting = await asyncio.to_thread(control.set_mode, modes[0], speed)
    return clock_row(setting)


routes = [
    Route(f"{fields.PREFIX}/clock", show_clock, methods=["GET"]),
    Route(f"{fields.PREFIX}/clock", set_clock, methods=["POST"]),
]
