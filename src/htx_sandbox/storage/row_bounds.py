"""What a row read back must satisfy before the domain gets it.

The domain computes without checks on what it was handed (domain/bounds.py bounds everything at
the door), so a value a store hands back outside those bounds (a file written by another build,
a row edited by hand, a NULL where a number belongs) would fail far from its cause: in a trigger
book, a firing, a wire encoder. It is refused when read instead, with the column that is wrong.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Any

from ..domain import bounds
from ..domain.contracts import ContractRegistry
from ..domain.strategy_orders import StrategyOrder

INT64 = 2**63 - 1
"""What a BIGINT column holds."""
MAX_FAIL_CODE = 2**31 - 1
MAX_TEXT = 1024
"""Codes, symbols, sources and HTX's messages are far shorter."""
_WIDE = Context(prec=80)
"""Tick x ticks, exact: 27 significant digits at most times 19."""
_CACHE_LIMIT = 65_536
_good_prices: set[Decimal] = set()
"""Prices already found good: restart reads the same few thousand prices many times over."""
_good_triggers: set[tuple[Decimal, int, Decimal]] = set()
"""(tick, trigger ticks, trigger price) already found to agree."""

_IDS = ("order_id", "uid")
_OPTIONAL_IDS = ("relation_order_id", "source_order_id", "relation_tpsl_order_id")
_TIMES = ("created_at", "update_time", "order_insert_at", "canceled_at")
_OPTIONAL_PRICES = ("order_price", "triggered_price", "market_limit_price", "formula_price")
_TEXTS = ("contract_code", "symbol", "order_source")


def _integer(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _price(value: Any) -> bool:
    """A positive price within the domain's digits and places (which depend on the value alone,
    not on how it is written, so one good value vouches for every equal one)."""
    if type(value) is not Decimal or not value.is_finite():
        return False
    if value in _good_prices:
        return True
    good = value > 0 and bounds.within(
        value, digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS
    )
    if good and len(_good_prices) < _CACHE_LIMIT:
        _good_prices.add(value)
    return good


def _rate(value: Any) -> bool:
    """A callback rate: a fraction strictly between 0 and 1 (HTX's least is 0.001)."""
    return (
        type(value) is Decimal
        and value.is_finite()
        and 0 < value < 1
        and bounds.within(value, digits=1, places=bounds.COIN_DECIMALS)
    )


def _show(value: Any) -> str:
    """A stored value as a message shows it: a Decimal by its digits, anything else by repr."""
    return str(value) if type(value) is Decimal else repr(value)


def _text(value: Any) -> bool:
    return type(value) is str and 0 < len(value) <= MAX_TEXT


def strategy_order_problem(
    order: StrategyOrder, contracts: ContractRegistry | None = None
) -> str | None:
    """Why `order` (as read back) cannot be used, naming the field; None when it can."""
    for name in _IDS:
        value = getattr(order, name)
        if not _integer(value, 1, INT64):
            return f"{name} {_show(value)} is not an id"
    for name in _OPTIONAL_IDS:
        value = getattr(order, name)
        if value is not None and not _integer(value, 1, INT64):
            return f"{name} {_show(value)} is not an id"
    for name in _TIMES:
        value = getattr(order, name)
        if not _integer(value, 0, INT64):
            return f"{name} {_show(value)} is not a time"
    if order.triggered_at is not None and not _integer(order.triggered_at, 0, INT64):
        return f"triggered_at {_show(order.triggered_at)} is not a time"
    if not _integer(order.volume, 1, bounds.MAX_ORDER_VOLUME):
        return f"volume {_show(order.volume)} is not 1 to {bounds.MAX_ORDER_VOLUME}"
    if not _integer(order.real_volume, 0, bounds.MAX_ORDER_VOLUME):
        return f"real_volume {_show(order.real_volume)} is not 0 to {bounds.MAX_ORDER_VOLUME}"
    if order.lever_rate is not None and not _integer(order.lever_rate, 1, bounds.MAX_LEVER_RATE):
        return f"lever_rate {_show(order.lever_rate)} is not 1 to {bounds.MAX_LEVER_RATE}"
    if not _integer(order.trigger_ticks, 1, bounds.MAX_TICKS):
        return f"trigger_ticks {_show(order.trigger_ticks)} is not 1 to 2^63 - 1"
    if not _price(order.trigger_price):
        return f"trigger_price {_show(order.trigger_price)} is not a price"
    for name in _OPTIONAL_PRICES:
        value = getattr(order, name)
        if value is not None and not _price(value):
            return f"{name} {_show(value)} is not a price"
    if order.callback_rate is not None and not _rate(order.callback_rate):
        return f"callback_rate {_show(order.callback_rate)} is not between 0 and 1"
    for name in _TEXTS:
        value = getattr(order, name)
        if not _text(value):
            return f"{name} {_show(value)} is not a name"
    if order.fail_code is not None and not _integer(order.fail_code, 0, MAX_FAIL_CODE):
        return f"fail_code {_show(order.fail_code)} is not a code"
    if order.fail_reason is not None and not _text(order.fail_reason):
        return f"fail_reason {_show(order.fail_reason)} is not a message"
    if contracts is not None:
        return _contract_problem(order, contracts)
    return None


def _contract_problem(order: StrategyOrder, contracts: ContractRegistry) -> str | None:
    """The order against its contract: listed, the same coin, and a trigger price that is the
    trigger ticks it fires at (the book sorts by ticks, the wire shows the price)."""
    if order.contract_code not in contracts:
        return f"contract_code {_show(order.contract_code)} is not a listed contract"
    contract = contracts.get(order.contract_code)
    if order.symbol != contract.symbol:
        return f"symbol {_show(order.symbol)} is not {contract.contract_code}'s"
    seen = (contract.price_tick, order.trigger_ticks, order.trigger_price)
    if seen in _good_triggers:
        return None
    if _WIDE.multiply(contract.price_tick, order.trigger_ticks) == order.trigger_price:
        if len(_good_triggers) < _CACHE_LIMIT:
            _good_triggers.add(seen)
    else:
        return (
            f"trigger_price {order.trigger_price} is not trigger_ticks {order.trigger_ticks} "
            f"x the tick {contract.price_tick}"
        )
    return None
