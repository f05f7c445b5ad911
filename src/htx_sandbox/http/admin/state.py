"""Reset and snapshots: `POST /reset` empties the exchange or brings it back to its fixtures;
`POST /snapshots` saves the whole state under a name, `GET /snapshots` lists them, `POST
/snapshots/{name}/restore` brings one back, `DELETE /snapshots/{name}` forgets it
(service/state_control.py does the work).

Each runs on a worker thread (it waits for the engine's turn and a copy of the store's tables),
never on the event loop. A refused one (a bad name, an unknown snapshot, bad fixtures) answers
1067 naming the field and why, with nothing changed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...service.engine import RebuildError
from ...service.fixtures import MAX_FILE_BYTES, FixturesError, parse
from ...service.ports import SnapshotError, SnapshotInfo
from ..core.endpoint import Call, admin
from . import fields


def snapshot_row(info: SnapshotInfo) -> dict[str, Any]:
    return {"name": info.name, "created_at": info.created_at, "exchange_time": info.exchange_time}


def _flag(call: Call, name: str) -> bool:
    value = call.body.fields.get(name, False)
    if not isinstance(value, bool):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return value


def _refused(field: str, error: Exception) -> HtxError:
    return HtxError(ErrorCode.ILLEGAL_PARAMETER, f"{field} ({error})")


@admin
async def reset(call: Call) -> Any:
    """Body (all optional): `empty` true to leave out the configured fixtures, `fixtures` a
    TOML document to reset to instead of them (this once)."""
    empty = _flag(call, "empty")
    control = call.gateway.state_control
    given = call.body.fields.get("fixtures")
    fixtures = None
    if given is not None:
        if not isinstance(given, str) or len(given) > MAX_FILE_BYTES:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "fixtures")
        try:
            fixtures = parse(given.encode("utf-8"), "fixtures")
        except FixturesError as error:
            raise _refused("fixtures", error) from None
    try:
        await asyncio.to_thread(control.reset, fixtures=fixtures, empty=empty)
    except (FixturesError, RebuildError) as error:
        raise _refused("fixtures", error) from None
    used = None if empty else (fixtures or control.fixtures)
    return {"fixtures": used.source if used is not None else None}


@admin
async def save_snapshot(call: Call) -> Any:
    name = fields.required_text(call.body, "name")
    try:
        info = await asyncio.to_thread(call.gateway.state_control.save, name)
    except SnapshotError as error:
        raise _refused("name", error) from None
    return snapshot_row(info)


@admin
async def list_snapshots(call: Call) -> Any:
    found = await asyncio.to_thread(call.gateway.state_control.snapshots)
    return [snapshot_row(info) for info in found]


@admin
async def restore_snapshot(call: Call) -> Any:
    name = str(call.path["name"])
    try:
        info = await asyncio.to_thread(call.gateway.state_control.restore, name)
    except SnapshotError as error:
        raise _refused("name", error) from None
    return snapshot_row(info)


@admin
async def delete_snapshot(call: Call) -> Any:
    name = str(call.path["name"])
    try:
        await asyncio.to_thread(call.gateway.state_control.delete, name)
    except SnapshotError as error:
        raise _refused("name", error) from None
    return {"name": name}


routes = [
    Route(f"{fields.PREFIX}/reset", reset, methods=["POST"]),
    Route(f"{fields.PREFIX}/snapshots", save_snapshot, methods=["POST"]),
    Route(f"{fields.PREFIX}/snapshots", list_snapshots, methods=["GET"]),
    Route(f"{fields.PREFIX}/snapshots/{{name}}/restore", restore_snapshot, methods=["POST"]),
    Route(f"{fields.PREFIX}/snapshots/{{name}}", delete_snapshot, methods=["DELETE"]),
]
