"""What a UID holds: swap_account_position_info (one contract's account with its positions)
and swap_balance_valuation (every account together, in BTC or USD). Signed, read permission."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...domain.valuation import BTC, USD
from ...service.queries import Reads
from ..core.endpoint import Call, private
from ..core.wire import text
from ..shapes import accounts as shapes
from . import fields

VALUED = (BTC, USD)
"""Of HTX's list (BTC, USD, CNY, EUR, GBP, VND, HKD, TWD, MYR, SGD, KRW, RUB, TRY), the two the
sandbox can value: it has no fiat exchange rates."""


@private("read")
async def swap_account_position_info(call: Call) -> Any:
    """The account fields of swap_account_info and, under `positions`, the contract's
    positions as swap_position_info shows them (risk_rate, liquidation_price and
    adjust_factor are swap_account_info's, whatever it computes them as)."""
    uid = call.uid
    code = fields.contract_code(call.body, required=True)
    assert code is not None

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(code)
        row = shapes.account_info(reads.account(uid, contract.symbol), contract.contract_code)
        row["positions"] = [shapes.position(p) for p in reads.positions(uid, code)]
        return [row]

    return await call.read(read)


@private("read")
async def swap_balance_valuation(call: Call) -> Any:
    uid = call.uid
    asset = (call.body.text("valuation_asset") or BTC).upper()
    if asset not in VALUED:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "valuation_asset")

    def read(reads: Reads) -> list[dict[str, Any]]:
        balance = reads.balance_valuation(uid, asset)
        return [{"valuation_asset": asset, "balance": text(balance)}]

    return await call.read(read)


routes = [
    Route(fields.V1 + "swap_account_position_info", swap_account_position_info, methods=["POST"]),
    Route(fields.V1 + "swap_balance_valuation", swap_balance_valuation, methods=["POST"]),
]
