"""swap_order: validate, price, freeze, match, and rest or cancel what is left.

Every check runs before the first change, so a rejected order leaves no trace.
"""

from __future__ import annotations

from .accounts import Account
from .book import OrderBook
from .commands import OrderPlaced, PlaceOrder
from .contracts import Contract
from .errors import ErrorCode, HtxError
from .events import OrderAccepted
from .margin import margin_available
from .matching import FillPlan, plan_fills, would_take
from .money import initial_margin
from .orders import Order
from .positions import closed_side
from .state import ExchangeState
from .types import (
    CLIENT_ORDER_ID_MAX,
    ZERO,
    ContractStatus,
    Millis,
    Offset,
    TimeInForce,
)

_PLACE_BLOCKED = {
    ContractStatus.IN_SETTLEMENT: ErrorCode.IN_SETTLEMENT,
    ContractStatus.SETTLEMENT_COMPLETED: ErrorCode.IN_SETTLEMENT,
    ContractStatus.DELIVERING: ErrorCode.IN_DELIVERY,
    ContractStatus.DELIVERED: ErrorCode.IN_DELIVERY,
    ContractStatus.SUSPENSION: ErrorCode.TRADE_SUSPENSION,
}


def require_tradable(contract: Contract) -> None:
    """Orders can be placed only while the contract is listed (status 1)."""
    status = contract.contract_status
    if status is not ContractStatus.LISTING:
        raise HtxError(_PLACE_BLOCKED.get(status, ErrorCode.NON_TRADING_CONTRACT_STATUS))


def _limit_ticks(cmd: PlaceOrder, contract: Contract, book: OrderBook) -> int:
    """The order's price in ticks: the client's, or the one HTX derives from the book."""
    kind = cmd.order_price_type
    if kind.needs_price:
        if cmd.price is None:
            raise HtxError(ErrorCode.FIELD_EMPTY, "price")
        return contract.ticks(cmd.price)
    # opponent takes the best opposite price; optimal_N the N-th best (the deepest there is
    # when the side is shallower), so that it reaches across N levels.
    ticks = book.opposite(cmd.direction).nth_best_ticks(kind.optimal_depth)
    if ticks is None:
        raise HtxError(
            ErrorCode.BID_OFFER_NOT_EXIST if kind.is_opponent else ErrorCode.NO_ORDER_BOOK_DATA
        )
    return ticks


def place_order(state: ExchangeState, cmd: PlaceOrder, now: Millis) -> OrderPlaced:
    # -- validation: nothing changes until every check has passed --------------------------
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    if contract.contract_status is not ContractStatus.LISTING:
        require_tradable(contract)
    code = contract.contract_code
    if cmd.volume <= 0:
        raise HtxError(ErrorCode.INVALID_AMOUNT)
    if cmd.volume > contract.max_order_volume:
        raise HtxError(ErrorCode.AMOUNT_EXCEEDS_LIMIT, contract.max_order_volume)
    if cmd.lever_rate not in contract.lever_rates:
        raise HtxError(ErrorCode.INVALID_LEVERAGE)
    client_order_id = cmd.client_order_id
    if client_order_id is not None:
        if not 1 <= client_order_id <= CLIENT_ORDER_ID_MAX:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "client_order_id")
        if (cmd.uid, client_order_id) in state.client_orders:
            raise HtxError(ErrorCode.CLIENT_ORDER_ID_REPEATED)
    book = state.book(contract)
    ticks = _limit_ticks(cmd, contract, book)
    price = contract.price(ticks)

    holding = state.holdings.get((cmd.uid, code))
    if holding is not None and holding.has_exposure and holding.lever_rate != cmd.lever_rate:
        raise HtxError(ErrorCode.LEVERAGE_MISMATCH)
    # Looked up, not created: a rejected order must not leave an empty account behind.
    account = state.accounts.get((cmd.uid, contract.symbol)) or Account(cmd.uid, contract.symbol)
    margin = ZERO
    if cmd.offset is Offset.OPEN:
        if holding is not None and holding.opening_orders >= contract.max_open_orders:
            raise HtxError(ErrorCode.OPEN_ORDERS_LIMIT, code, contract.max_open_orders)
        margin = initial_margin(cmd.volume, contract.contract_size, price, cmd.lever_rate)
        if margin > margin_available(state, account):
            raise HtxError(ErrorCode.INSUFFICIENT_MARGIN)
    else:
        if holding is not None and holding.close_orders >= contract.max_open_orders:
            raise HtxError(ErrorCode.CLOSE_ORDERS_LIMIT, code, contract.max_open_orders)
        available = holding.position(closed_side(cmd.direction)).available if holding else 0
        if cmd.volume > available:
            raise HtxError(ErrorCode.INSUFFICIENT_CLOSE_AMOUNT)

    opposite = book.opposite(cmd.direction)
    tif = cmd.order_price_type.time_in_force
    plan: FillPlan | None = None
    if tif is TimeInForce.POST_ONLY:
        rejected = would_take(opposite, ticks)
    else:
        plan = plan_fills(opposite, cmd.uid, ticks, cmd.volume, cmd.self_match_prevent)
        rejected = tif is TimeInForce.FOK and plan.volume < cmd.volume

    # -- acceptance: from here on nothing can fail -----------------------------------------
    order = Order(
        order_id=state.order_ids.next(now),
        uid=cmd.uid,
        contract_code=code,
        symbol=contract.symbol,
        direction=cmd.direction,
        offset=cmd.offset,
        volume=cmd.volume,
        price=price,
        price_ticks=ticks,
        order_price_type=cmd.order_price_type,
        lever_rate=cmd.lever_rate,
        client_order_id=client_order_id,
        self_match_prevent=cmd.self_match_prevent,
        margin_frozen=margin,
        created_at=now,
        order_source=cmd.order_source,
    )
    state.orders[order.order_id] = order
    if client_order_id is not None:
        state.client_orders[(cmd.uid, client_order_id)] = order.order_id
        state.client_order_times.append((now, cmd.uid, client_order_id))
    holding = state.holding(cmd.uid, code)
    if holding.lever_rate != cmd.lever_rate:  # the lever rate is the holding's: store it
        holding.lever_rate = cmd.lever_rate
        state.touch_holding(cmd.uid, code)
    if cmd.offset is Offset.OPEN:
        state.account(cmd.uid, contract.symbol).margin_frozen += margin
        state.touch_account(cmd.uid, contract.symbol)
    else:
        holding.position(closed_side(cmd.direction)).frozen += cmd.volume
        state.touch_holding(cmd.uid, code)
    state.events.append(OrderAccepted(order.order_id))

    if plan is not None and not rejected:
        for maker, volume in plan.fills:
            state.fill(contract, order, maker, volume, book, now)
    if order.remaining:
        rests = tif in (TimeInForce.GTC, TimeInForce.POST_ONLY) and not rejected
        if rests and not (plan is not None and plan.self_match):
            state.rest(order, book, holding)
        else:
            state.cancel_now(order, now)
    return OrderPlaced(order.order_id, order.client_order_id)

