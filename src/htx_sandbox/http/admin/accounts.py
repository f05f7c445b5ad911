"""Accounts: open one (`POST /accounts`), list them (`GET /accounts`), credit coin (`POST
/deposits`): the sandbox's stand-in for HTX's sign-up and transfers in."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain import bounds
from ...domain.commands import Deposit, OpenUser
from ...domain.errors import ErrorCode, HtxError
from ...domain.margin import AccountFigures
from ...service.queries import Reads
from ..core.endpoint import Call, admin
from ..shapes.accounts import account
from . import fields

FIRST_UID = 10_000_001
"""Accounts opened without a uid get the smallest free uid from here on."""
RESERVED_UIDS = range(9_000_000, 10_000_000)
"""The sandbox's own accounts (the market maker is 9000001): never opened for a user."""


def account_row(figures: AccountFigures) -> dict[str, Any]:
    row = account(figures, "")
    del row["contract_code"]
    row["lever_rate"] = figures.lever_rate  # per coin here, not per contract
    return row


@admin
async def create_account(call: Call) -> Any:
    uid = fields.uid(call.body)
    if uid is not None and uid in RESERVED_UIDS:  # the market maker's: it would trade them
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "uid")
    async with call.gateway.admin.accounts_lock:
        if uid is None:
            uid = await call.read(lambda reads: reads.free_uid(FIRST_UID))
        elif await call.read(lambda reads: reads.has_user(uid)):
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "uid")
        await call.execute(OpenUser(uid))
    return {"uid": uid}


@admin
async def list_accounts(call: Call) -> Any:
    def read(reads: Reads) -> list[dict[str, Any]]:
        return [
            {"uid": uid, "accounts": [account_row(a) for a in reads.accounts(uid)]}
            for uid in reads.users()
        ]

    return await call.read(read)


@admin
async def deposit(call: Call) -> Any:
    uid = fields.required_uid(call.body)
    symbol = fields.required_text(call.body, "symbol").upper()
    # The domain refuses amounts off the 1e-18 grid or above MAX_DEPOSIT with 1067 too.
    amount = fields.required_decimal(
        call.body, "amount", digits=bounds.MAX_PRICE_DIGITS, places=bounds.COIN_DECIMALS
    )
    await fields.require_user(call, uid)
    await call.execute(Deposit(uid, symbol, amount))
    return await call.read(lambda reads: account_row(reads.account(uid, symbol)))


routes = [
    Route(f"{fields.PREFIX}/accounts", create_account, methods=["POST"]),
    Route(f"{fields.PREFIX}/accounts", list_accounts, methods=["GET"]),
    Route(f"{fields.PREFIX}/deposits", deposit, methods=["POST"]),
]
