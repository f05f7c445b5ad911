"""Cancels against the contract's status.

HTX: during settlement (contract_status 5) orders can be neither placed nor withdrawn -> 1056;
during delivery (6) -> 1059. Both are top-level errors that change nothing. A suspended contract
(3) takes no new orders but its book can still be emptied: cancel and cancel-all work.
"""

from __future__ import annotations

import pytest

from htx_sandbox.domain.commands import CancelAll, CancelOrders
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import ContractStatus, Millis, OrderStatus

from .helpers import ALICE, BOB, BTC, BUY, ETH, NOW, buy, make_exchange, order_cmd, sell, snapshot

LATER = Millis(NOW + 1_000)

BLOCKED = [(ContractStatus.IN_SETTLEMENT, 1056), (ContractStatus.DELIVERING, 1059)]
blocked = pytest.mark.parametrize(("status", "code"), BLOCKED, ids=["settlement", "delivering"])
TEXTS = {
    1056: (
        "In settlement. Your order can’t be placed/withdrew currently.",
        "结算中,暂时无法下单/撤单",
    ),
    1059: (
        "In delivery. Your order can’t be placed/withdrew currently.",
        "交割中,暂时无法下单/撤单",
    ),
}


def scene() -> tuple[Exchange, list[Order], Order, Order]:
    ex = make_exchange()
    mine = [buy(ex, ALICE, 1, "59000", coid=1), sell(ex, ALICE, 2, "61000", coid=2)]
    bobs = buy(ex, BOB, 3, "58000")
    eth = buy(ex, ALICE, 1, "2900", code=ETH)
    return ex, mine, bobs, eth


def test_status_codes_are_htxs() -> None:
    assert (int(ContractStatus.IN_SETTLEMENT), int(ErrorCode.IN_SETTLEMENT)) == (5, 1056)
    assert (int(ContractStatus.DELIVERING), int(ErrorCode.IN_DELIVERY)) == (6, 1059)
    assert int(ContractStatus.SUSPENSION) == 3


def set_status(ex: Exchange, code: str, status: ContractStatus) -> None:
    ex.contracts.get(code).contract_status = status


def full_snapshot(ex: Exchange) -> object:
    return (
        snapshot(ex),
        {oid: (o.canceled_at, o.update_time) for oid, o in ex.state.orders.items()},
        list(ex.state.events),
    )


def assert_blocked(ex: Exchange, cmd: CancelOrders | CancelAll, code: int) -> None:
    before = full_snapshot(ex)
    with pytest.raises(HtxError) as info:
        if isinstance(cmd, CancelAll):
            ex.cancel_all(cmd, LATER)
        else:
            ex.cancel_orders(cmd, LATER)
    assert info.value.code == code
    english, chinese = TEXTS[code]
    assert info.value.message() == english
    assert info.value.message("zh") == chinese
    assert full_snapshot(ex) == before


@blocked
def test_cancel_by_id_is_refused(status: ContractStatus, code: int) -> None:
    ex, mine, _, _ = scene()
    set_status(ex, BTC, status)
    assert_blocked(ex, CancelOrders(ALICE, BTC, [str(mine[0].order_id)]), code)
    assert_blocked(ex, CancelOrders(ALICE, BTC, (), ["1", "2"]), code)
    # Not even a per-order error list: the whole request is refused.
    assert_blocked(ex, CancelOrders(ALICE, BTC, ["424242"]), code)
    assert all(o.status is OrderStatus.SUBMITTED for o in mine)


@blocked
def test_cancel_all_is_refused(status: ContractStatus, code: int) -> None:
    ex, mine, bobs, _ = scene()
    set_status(ex, BTC, status)
    assert_blocked(ex, CancelAll(ALICE, BTC), code)
    assert_blocked(ex, CancelAll(ALICE, "btc-usd", direction=BUY), code)
    assert all(o.status is OrderStatus.SUBMITTED for o in [*mine, bobs])


@blocked
def test_execute_reports_the_refusal(status: ContractStatus, code: int) -> None:
    ex, mine, _, _ = scene()
    set_status(ex, BTC, status)
    outcome = ex.execute(CancelAll(ALICE, BTC), LATER)
    assert outcome.reply is None
    assert outcome.error is not None and outcome.error.code == code
    outcome = ex.execute(CancelOrders(ALICE, BTC, [str(mine[0].order_id)]), LATER)
    assert outcome.reply is None
    assert outcome.error is not None and outcome.error.code == code
    assert outcome.events == []


@blocked
def test_other_contracts_stay_cancellable(status: ContractStatus, code: int) -> None:
    ex, mine, _, eth = scene()
    set_status(ex, BTC, status)
    reply = ex.cancel_all(CancelAll(ALICE, ETH), LATER).reply
    assert reply.successes == [str(eth.order_id)]
    assert eth.status is OrderStatus.CANCELLED
    assert all(o.status is OrderStatus.SUBMITTED for o in mine)


@blocked
def test_cancels_work_again_once_listed(status: ContractStatus, code: int) -> None:
    ex, mine, _, _ = scene()
    set_status(ex, BTC, status)
    assert_blocked(ex, CancelAll(ALICE, BTC), code)
    set_status(ex, BTC, ContractStatus.LISTING)
    reply = ex.cancel_all(CancelAll(ALICE, BTC), LATER).reply
    assert sorted(reply.successes) == sorted(str(o.order_id) for o in mine)


def test_suspended_contract_still_allows_cancel_by_id() -> None:
    ex, mine, bobs, _ = scene()
    set_status(ex, BTC, ContractStatus.SUSPENSION)
    # New orders are refused while suspended ...
    with pytest.raises(HtxError) as info:
        ex.place_order(order_cmd(ALICE, BUY, 1, "59000"), LATER)
    assert info.value.code == ErrorCode.TRADE_SUSPENSION
    # ... but resting ones can be withdrawn.
    reply = ex.cancel_orders(CancelOrders(ALICE, BTC, [str(mine[0].order_id)]), LATER).reply
    assert reply.successes == [str(mine[0].order_id)]
    assert reply.errors == []
    assert mine[0].status is OrderStatus.CANCELLED
    assert mine[0].canceled_at == LATER
    reply = ex.cancel_orders(CancelOrders(ALICE, BTC, (), ["2"]), LATER).reply
    assert reply.successes == ["2"]
    assert mine[1].status is OrderStatus.CANCELLED
    assert bobs.status is OrderStatus.SUBMITTED
    assert ex.account(ALICE, "BTC").margin_frozen == 0


def test_suspended_contract_still_allows_cancel_all() -> None:
    ex, mine, bobs, eth = scene()
    set_status(ex, BTC, ContractStatus.SUSPENSION)
    reply = ex.cancel_all(CancelAll(ALICE, BTC), LATER).reply
    assert sorted(reply.successes) == sorted(str(o.order_id) for o in mine)
    assert all(o.status is OrderStatus.CANCELLED for o in mine)
    assert bobs.status is OrderStatus.SUBMITTED
    assert eth.status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([(bobs.price, 3)], [])
    # And with nothing left it is the usual 1051, not a status error.
    with pytest.raises(HtxError) as info:
        ex.cancel_all(CancelAll(ALICE, BTC), LATER)
    assert info.value.code == ErrorCode.NO_ORDERS_TO_CANCEL
