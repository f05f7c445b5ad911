"""The checks that every kind of strategy order passes when placed: its price type, its volume,
a limit order price, the lever rate it will place with and room under the UID's limits.

Nothing here places an ordinary order: swap_order's own path (placement.py) checks the TP/SL
legs attached to an order with these, so this module must never import it
(pyproject.toml's `strategy-checks` contract).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from .contracts import Contract
from .errors import ErrorCode, HtxError
from .state import ExchangeState
from .strategy_orders import StrategyKind, StrategyPriceType
from .types import OPEN, UID, Offset


def require_price_type(
    price_type: StrategyPriceType, allowed: Collection[StrategyPriceType]
) -> None:
    """1034 for a type the kind does not take (formula_price is for trailing orders only)."""
    if price_type not in allowed:
        raise HtxError(ErrorCode.INCORRECT_ORDER_PRICE_TYPE)


def require_volume(contract: Contract, volume: int) -> None:
    if volume <= 0:
        raise HtxError(ErrorCode.INVALID_AMOUNT)
    if volume > contract.max_order_volume:
        raise HtxError(ErrorCode.AMOUNT_EXCEEDS_LIMIT, contract.max_order_volume)


def limit_order_price(
    contract: Contract, price_type: StrategyPriceType, order_price: Decimal | None
) -> Decimal | None:
    """The price a `limit` order will be placed at, on the tick grid; None for the types priced
    when they fire (optimal_N, formula_price), whose order price is not used or checked. A
    limit without one is 1069 "The price is not reasonable.", as in HTX's own tests."""
    if price_type is not StrategyPriceType.LIMIT:
        return None
    if order_price is None:
        raise HtxError(ErrorCode.PRICE_NOT_REASONABLE)
    return contract.price(contract.ticks(order_price))


def lever_rate_for(
    state: ExchangeState, uid: UID, contract: Contract, offset: Offset, lever_rate: int | None
) -> int | None:
    """The lever rate a strategy order will place with: the one given, which must be the
    holding's while the holding has exposure; else the holding's, which an opening order
    cannot do without (trigger and trailing orders alike)."""
    holding = state.holdings.get((uid, contract.contract_code))
    pinned = holding.lever_rate if holding is not None and holding.has_exposure else None
    if lever_rate is None:
        if pinned is None and offset is OPEN:
            raise HtxError(ErrorCode.LEVERAGE_EMPTY)
        return None
    if lever_rate not in contract.lever_rates:
        raise HtxError(ErrorCode.INVALID_LEVERAGE)
    if pinned is not None and pinned != lever_rate:
        raise HtxError(ErrorCode.LEVERAGE_MISMATCH)
    return lever_rate


_LIMIT_CODES = {
    StrategyKind.TRIGGER: (ErrorCode.TRIGGER_ORDERS_LIMIT, ErrorCode.PLATFORM_TRIGGER_ORDERS_LIMIT),
    StrategyKind.TPSL: (ErrorCode.TPSL_ORDERS_LIMIT, ErrorCode.PLATFORM_TPSL_ORDERS_LIMIT),
    StrategyKind.TRACK: (ErrorCode.TRAILING_ORDERS_LIMIT, ErrorCode.PLATFORM_TRAILING_ORDERS_LIMIT),
}


def require_room(
    state: ExchangeState, uid: UID, contract: Contract, kind: StrategyKind, adding: int = 1
) -> None:
    """The UID's open orders of `kind` stay within the per-contract and platform limits."""
    strategies, limits = state.strategies, state.strategies.limits
    per_contract, platform = _LIMIT_CODES[kind]
    if strategies.open_count(uid, contract.contract_code, kind) + adding > limits.per_contract:
        raise HtxError(per_contract, contract.contract_code, limits.per_contract)
    if strategies.platform_count(uid, kind) + adding > limits.platform:
        raise HtxError(platform)
