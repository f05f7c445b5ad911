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
from .orders import PREVENT_SELF_DEALING, Order
from .position_limits import check_position_limit
from .positions import closed_side
from .state import ExchangeState
from .tpsl_legs import CheckedLeg, Reference, add_legs, check_legs
from .types import (
    BUY,
    CLIENT_ORDER_ID_MAX,
    FOK,
    GTC,
    LISTING,
    OPEN,
    POST_ONLY,
    ZERO,
    ContractStatus,
    Millis,
)

_PLACE_BLOCKED = {
    ContractStatus.IN_SETTLEMENT: ErrorCode.IN_SETTLEMENT,
    ContractStatus.SETTLEMENT_COMPLETED: ErrorCode.IN_SETTLEMENT,
    ContractStatus.DELIVERING: ErrorCode.IN_DELIVERY,
    ContractStatus.DELIVERED: ErrorCode.IN_DELIVERY,
    ContractStatus.SUSPENSION: ErrorCode.TRADE_SUSPENSION,
}


def orders_allowed(contract: Contract) -> bool:
    """Whether orders (opening or closing) can be placed in the contract's status."""
    return contract.contract_status is LISTING


def require_tradable(contract: Contract) -> None:
    """Orders can be placed only while the contract is listed (status 1)."""
    status = contract.contract_status
    if status is not LISTING:
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
    # The busiest function of the exchange: locals are read once and lookups are not repeated.
    # -- validation: nothing changes until every check has passed --------------------------
    uid, volume, lever_rate, offset = cmd.uid, cmd.volume, cmd.lever_rate, cmd.offset
    if uid not in state.users:
        raise HtxError(ErrorCode.CONTRACTS_NOT_OPENED)
    contract = state.contracts.get(cmd.contract_code)
    if contract.contract_status is not LISTING:
        require_tradable(contract)
    code, symbol = contract.contract_code, contract.symbol
    if volume <= 0:
        raise HtxError(ErrorCode.INVALID_AMOUNT)
    if volume > contract.max_order_volume:
        raise HtxError(ErrorCode.AMOUNT_EXCEEDS_LIMIT, contract.max_order_volume)
    if lever_rate not in contract.lever_rates:
        raise HtxError(ErrorCode.INVALID_LEVERAGE)
    client_order_id = cmd.client_order_id
    if client_order_id is not None:
        if not 1 <= client_order_id <= CLIENT_ORDER_ID_MAX:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "client_order_id")
        if (uid, client_order_id) in state.client_orders:
            raise HtxError(ErrorCode.CLIENT_ORDER_ID_REPEATED)
    book = state.book(contract)
    given = cmd.price
    if given is not None and cmd.order_price_type.needs_price:
        ticks = contract.ticks(given)
    else:  # priced off the book, or missing (1014)
        ticks = _limit_ticks(cmd, contract, book)
    band = state.price_bands.get(code)
    if band is not None and (  # 1039 beyond it; an order priced off the book is capped
        ticks > band.high_ticks if cmd.direction is BUY else ticks < band.low_ticks
    ):
        ticks = band.beyond(cmd.direction, off_book=not cmd.order_price_type.needs_price)
    price = contract.price(ticks)

    holding_key = (uid, code)
    holding = state.holdings.get(holding_key)
    if holding is not None and holding.has_exposure and holding.lever_rate != lever_rate:
        raise HtxError(ErrorCode.LEVERAGE_MISMATCH)
    # Looked up, not created: a rejected order must not leave an empty account behind.
    account = state.accounts.get((uid, symbol)) or Account(uid, symbol)
    margin = ZERO
    opening = offset is OPEN
    tpsl = cmd.tpsl
    legs: list[CheckedLeg] | None = None
    if tpsl is not None:  # attached legs: opening orders only, checked against its price
        if not opening:
            raise HtxError(ErrorCode.TPSL_OPENING_ONLY)
        legs = check_legs(
            state, uid, contract, cmd.direction.opposite, tpsl.tp, tpsl.sl,
            Reference.ORDER_PRICE, price,
        )  # fmt: skip
    if opening:
        if holding is not None and holding.opening_orders >= contract.max_open_orders:
            raise HtxError(ErrorCode.OPEN_ORDERS_LIMIT, code, contract.max_open_orders)
        # Position limits are off by default: one attribute read then, nothing more.
        limit = contract.buy_limit if cmd.direction is BUY else contract.sell_limit
        if limit is not None:
            check_position_limit(holding, cmd.direction, volume, limit)
        margin = initial_margin(volume, contract.contract_size, price, lever_rate)
        if margin > margin_available(state, account):
            raise HtxError(ErrorCode.INSUFFICIENT_MARGIN)
    else:
        if holding is not None and holding.close_orders >= contract.max_open_orders:
            raise HtxError(ErrorCode.CLOSE_ORDERS_LIMIT, code, contract.max_open_orders)
        available = holding.position(closed_side(cmd.direction)).available if holding else 0
        if volume > available:
            raise HtxError(ErrorCode.INSUFFICIENT_CLOSE_AMOUNT)

    direction = cmd.direction
    opposite = book.opposite(direction)
    tif = cmd.order_price_type.time_in_force
    plan: FillPlan | None = None
    if tif is POST_ONLY:
        rejected = would_take(opposite, ticks)
    else:
        plan = plan_fills(opposite, uid, ticks, volume, cmd.self_match_prevent)
        rejected = tif is FOK and plan.volume < volume

    # -- acceptance: from here on nothing can fail -----------------------------------------
    order_id = state.order_ids.next(now)
    order = Order(
        order_id,
        uid,
        code,
        symbol,
        direction,
        offset,
        volume,
        price,
        ticks,
        cmd.order_price_type,
        lever_rate,
        client_order_id,
        cmd.self_match_prevent,
        margin,
        now,
        cmd.order_source,
    )
    state.orders[order_id] = order
    if client_order_id is not None:
        state.client_orders[(uid, client_order_id)] = order_id
        state.client_order_times.append((now, uid, client_order_id))
    if holding is None:
        holding = state.holding(uid, code)
    if holding.lever_rate != lever_rate:  # the lever rate is the holding's: store it
        holding.lever_rate = lever_rate
        state.touch_holding(uid, code)
    if opening:
        state.account(uid, symbol).margin_frozen += margin
        state.touch_account(uid, symbol)
    else:
        holding.position(closed_side(direction)).frozen += volume
        state.touch_holding(uid, code)
    state.events.append(OrderAccepted(order_id))
    if legs:  # before matching, so that a fill at once activates them
        order.is_tpsl = True
        add_legs(
            state, legs, uid=uid, contract=contract, closing=direction.opposite, volume=volume,
            now=now, source_order_id=order_id,
        )  # fmt: skip

    if plan is not None and plan.fills and not rejected:
        state.match(contract, order, plan.fills, book, now)
    if order.trade_volume < volume:
        rests = (tif is GTC or tif is POST_ONLY) and not rejected
        self_match = plan is not None and plan.self_match
        if rests and not self_match:
            state.rest(order, book, holding)
        else:
            if self_match:  # its rest met the owner's own resting order
                order.canceled_source = PREVENT_SELF_DEALING
            state.cancel_now(order, now)
    return OrderPlaced(order_id, client_order_id)
