"""API keys: create one for a UID (its secret shown once), list them, disable one."""

from __future__ import annotations

import ipaddress
from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...domain.types import Millis
from ...service.api_keys import PERMISSIONS, ApiKey, CreateApiKey, DisableApiKey, new_key
from ...service.queries import Reads
from ..core.body import Body
from ..core.endpoint import Call, admin
from . import fields

MAX_IP_WHITELIST = 20
"""HTX binds at most 20 addresses to one API key."""


def _permissions(body: Body) -> frozenset[str]:
    values = fields.string_list(body, "permissions")
    if values is None:
        raise HtxError(ErrorCode.FIELD_EMPTY, "permissions")
    permissions = frozenset(values)
    if not permissions or not permissions <= PERMISSIONS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "permissions")
    return permissions


def _ip_whitelist(body: Body) -> tuple[str, ...]:
    values = fields.string_list(body, "ip_whitelist") or []
    if len(values) > MAX_IP_WHITELIST:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "ip_whitelist")
    for value in values:
        try:
            ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "ip_whitelist") from None
    return tuple(value.strip() for value in values)


def key_row(key: ApiKey, *, secret: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {"access_key": key.access_key}
    if secret:
        row["secret_key"] = key.secret_key
    row.update(
        uid=key.uid,
        permissions=sorted(key.permissions),
        ip_whitelist=list(key.ip_whitelist),
        expires_at=key.expires_at,
        enabled=key.enabled,
        created_at=key.created_at,
    )
    return row


def _key(call: Call, access_key: str) -> ApiKey:
    key = call.gateway.engine.api_keys.get(access_key)
    if key is None:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "access_key")
    return key


@admin
async def create_api_key(call: Call) -> Any:
    uid = fields.required_uid(call.body)
    permissions = _permissions(call.body)
    ip_whitelist = _ip_whitelist(call.body)
    expires_at = fields.positive_int(call.body, "expires_at")
    access_key = new_key()
    command = CreateApiKey(
        access_key,
        new_key(),
        uid,
        permissions,
        ip_whitelist=ip_whitelist,
        expires_at=None if expires_at is None else Millis(expires_at),
    )
    await call.execute(command)  # 1010 for an unknown uid
    # Read after the commit, on the engine thread: the key is published by then.
    return await call.read(lambda reads: key_row(_key(call, access_key), secret=True))


@admin
async def list_api_keys(call: Call) -> Any:
    uid = fields.uid(call.body)
    if uid is not None:
        await fields.require_user(call, uid)

    def read(reads: Reads) -> list[dict[str, Any]]:
        keys = list(call.gateway.engine.api_keys.keys.values())
        keys.sort(key=lambda k: k.created_at)
        return [key_row(k) for k in keys if uid is None or k.uid == uid]

    return await call.read(read)


@admin
async def disable_api_key(call: Call) -> Any:
    access_key = str(call.path["access_key"])
    await call.execute(DisableApiKey(access_key))  # 1067 access_key when unknown
    return await call.read(lambda reads: key_row(_key(call, access_key)))


routes = [
    Route(f"{fields.PREFIX}/api-keys", create_api_key, methods=["POST"]),
    Route(f"{fields.PREFIX}/api-keys", list_api_keys, methods=["GET"]),
    Route(f"{fields.PREFIX}/api-keys/{{access_key}}/disable", disable_api_key, methods=["POST"]),
]
