"""The dead man's switch (HTX swap-cancel-after): {on_off, time_out >= 5000 ms}.

Armed at time t with time_out, it fires at t + time_out unless refreshed (re-armed) or disarmed
before; firing cancels every open order of that UID on every contract, and nothing of anyone
else's. Time is the commands' time: the switch fires while execute() advances to a command's
`now` (a Tick() is a command that does nothing else).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from htx_sandbox.domain.commands import CancelAfter, CancelAfterReply, CancelOrders, Tick
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.events import (
    CancelAfterFired,
    CancelAfterSet,
    Event,
    OrderCancelled,
    OrderCancelling,
)
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import UID, Millis, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CLOSE,
    ETH,
    NOW,
    buy,
    make_exchange,
    order_cmd,
    sell,
    snapshot,
)

ARMED_AT = Millis(NOW + 1_000)
TIME_OUT = 5_000
TRIGGER = Millis(ARMED_AT + TIME_OUT)


@dataclass
class Scene:
    ex: Exchange
    alice: list[Order]
    others: list[Order]


def scene(cancel_delay_ms: int = 0) -> Scene:
    """ALICE rests orders of every kind on both contracts (one partly filled); BOB and CAROL too."""
    ex = make_exchange(cancel_delay_ms=cancel_delay_ms)
    ex.execute(Tick(), NOW)
    sell(ex, BOB, 4, "60000")
    buy(ex, ALICE, 4, "60000")  # ALICE long 4, so she can rest a close order
    alice = [
        buy(ex, ALICE, 5, "59000"),
        sell(ex, ALICE, 2, "61000"),
        sell(ex, ALICE, 3, "62000", offset=CLOSE),
        buy(ex, ALICE, 1, "2900", code=ETH),
        sell(ex, ALICE, 2, "3100", code=ETH),
    ]
    sell(ex, CAROL, 2, "59000")  # ALICE's 59000 bid is now partly filled
    assert alice[0].status is OrderStatus.PARTIALLY_FILLED
    others = [
        buy(ex, BOB, 3, "59000"),
        sell(ex, BOB, 3, "61000"),
        buy(ex, CAROL, 1, "2900", code=ETH),
        sell(ex, BOB, 1, "3100", code=ETH),
    ]
    return Scene(ex, alice, others)


def arm(ex: Exchange, uid: UID, now: Millis, time_out: int = TIME_OUT) -> CancelAfterReply:
    outcome = ex.execute(CancelAfter(uid, True, time_out), now)
    assert outcome.error is None
    assert isinstance(outcome.reply, CancelAfterReply)
    return outcome.reply


def fired(events: list[Event]) -> list[CancelAfterFired]:
    return [e for e in events if isinstance(e, CancelAfterFired)]


def cancelled(events: list[Event]) -> set[int]:
    return {e.order_id for e in events if isinstance(e, OrderCancelled)}


def states(orders: list[Order]) -> list[tuple[OrderStatus, int, int]]:
    return [(o.status, o.trade_volume, o.canceled_at) for o in orders]


# -- arming ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("time_out", [4_999, 1_000, 1, 0, -5_000])
def test_time_out_below_5000_is_1067_and_arms_nothing(time_out: int) -> None:
    s = scene()
    ex = s.ex
    before = (snapshot(ex), dict(ex.state.cancel_after))
    with pytest.raises(HtxError) as info:
        ex.cancel_after(CancelAfter(ALICE, True, time_out), ARMED_AT)
    assert info.value.code == ErrorCode.ILLEGAL_PARAMETER
    assert info.value.code == 1067
    assert (snapshot(ex), dict(ex.state.cancel_after)) == before
    outcome = ex.execute(Tick(), Millis(ARMED_AT + 60_000))
    assert fired(outcome.events) == []
    assert all(o.is_open for o in s.alice)


def test_execute_reports_1067_as_an_outcome() -> None:
    ex = make_exchange()
    outcome = ex.execute(CancelAfter(ALICE, True, 4_999), ARMED_AT)
    assert outcome.reply is None
    assert outcome.error is not None and outcome.error.code == 1067
    assert outcome.events == []


def test_a_rejected_refresh_keeps_the_armed_trigger() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    outcome = ex.execute(CancelAfter(ALICE, True, 100), Millis(ARMED_AT + 1_000))
    assert outcome.error is not None and outcome.error.code == 1067
    assert fired(ex.execute(Tick(), TRIGGER).events) == [CancelAfterFired(ALICE, TRIGGER)]


def test_reply_and_event_when_arming() -> None:
    ex = make_exchange()
    outcome = ex.execute(CancelAfter(ALICE, True, 5_000), ARMED_AT)
    assert outcome.reply == CancelAfterReply(ARMED_AT, Millis(ARMED_AT + 5_000))
    assert CancelAfterSet(ALICE, Millis(ARMED_AT + 5_000)) in outcome.events
    reply = ex.cancel_after(CancelAfter(ALICE, True, 30_000), Millis(ARMED_AT + 10)).reply
    assert (reply.current_time, reply.trigger_time) == (ARMED_AT + 10, ARMED_AT + 30_010)


def test_arming_with_a_stale_time_counts_from_the_exchanges_clock() -> None:
    """execute() never runs time backwards: a command stamped before the exchange's last time is
    applied at that last time, so the countdown cannot end before it began."""
    ex = make_exchange()
    ex.execute(Tick(), Millis(ARMED_AT + 2_000))
    reply = arm(ex, ALICE, ARMED_AT)
    assert reply == CancelAfterReply(Millis(ARMED_AT + 2_000), Millis(TRIGGER + 2_000))


def test_unopened_user_cannot_arm() -> None:
    ex = make_exchange()
    with pytest.raises(HtxError) as info:
        ex.cancel_after(CancelAfter(UID(404), True, 5_000), ARMED_AT)
    assert info.value.code == ErrorCode.CONTRACTS_NOT_OPENED


# -- firing ----------------------------------------------------------------------------------------


def test_armed_switch_fires_at_trigger_time_on_every_contract() -> None:
    s = scene()
    ex = s.ex
    assert arm(ex, ALICE, ARMED_AT) == CancelAfterReply(ARMED_AT, TRIGGER)
    others_before = states(s.others)

    quiet = ex.execute(Tick(), Millis(TRIGGER - 1))
    assert fired(quiet.events) == [] and cancelled(quiet.events) == set()
    assert all(o.is_open for o in s.alice)

    outcome = ex.execute(Tick(), TRIGGER)
    assert outcome.error is None
    assert fired(outcome.events) == [CancelAfterFired(ALICE, TRIGGER)]
    assert cancelled(outcome.events) == {o.order_id for o in s.alice}
    assert s.alice[0].status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    assert all(o.status is OrderStatus.CANCELLED for o in s.alice[1:])
    assert all(o.canceled_at == TRIGGER for o in s.alice)
    assert ex.open_orders(ALICE) == []
    assert ex.account(ALICE, "BTC").margin_frozen == 0
    assert ex.account(ALICE, "ETH").margin_frozen == 0
    assert ex.state.holdings[(ALICE, BTC)].long.frozen == 0
    assert ex.positions(ALICE, BTC)[0].volume == 6  # positions stay; only orders go
    # Nobody else's orders moved.
    assert states(s.others) == others_before
    bids, asks = ex.depth(BTC)
    assert bids == [(s.others[0].price, 3)] and asks == [(s.others[1].price, 3)]


def test_fires_at_the_trigger_time_even_when_time_jumps_past_it() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    outcome = ex.execute(Tick(), Millis(TRIGGER + 3_600_000))
    assert fired(outcome.events) == [CancelAfterFired(ALICE, TRIGGER)]
    assert all(o.canceled_at == TRIGGER for o in s.alice)


def test_fires_before_the_command_that_crosses_the_trigger() -> None:
    """The order that comes in after the trigger is not cancelled: the switch fired before it."""
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    outcome = ex.execute(order_cmd(ALICE, BUY, 1, "58000"), Millis(TRIGGER + 10))
    assert outcome.error is None
    assert fired(outcome.events) == [CancelAfterFired(ALICE, TRIGGER)]
    assert all(not o.is_open for o in s.alice)
    new = [o for o in ex.open_orders(ALICE)]
    assert len(new) == 1 and new[0].status is OrderStatus.SUBMITTED


def test_a_fired_switch_is_spent() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    ex.execute(Tick(), TRIGGER)
    late = buy(ex, ALICE, 1, "58000", now=Millis(TRIGGER + 1))
    for t in (TRIGGER + 1, TRIGGER + TIME_OUT, TRIGGER + 10 * TIME_OUT):
        assert fired(ex.execute(Tick(), Millis(t)).events) == []
    assert late.status is OrderStatus.SUBMITTED
    assert ex.state.cancel_after == {}


def test_fires_for_a_uid_without_orders() -> None:
    ex = make_exchange()
    theirs = buy(ex, BOB, 1, "59000")
    arm(ex, ALICE, ARMED_AT)
    outcome = ex.execute(Tick(), TRIGGER)
    assert outcome.error is None
    assert fired(outcome.events) == [CancelAfterFired(ALICE, TRIGGER)]
    assert cancelled(outcome.events) == set()
    assert theirs.status is OrderStatus.SUBMITTED


def test_each_uid_fires_at_its_own_time() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    arm(ex, BOB, Millis(ARMED_AT + 2_000))
    bobs = [o for o in s.others if o.uid == BOB]
    carols = [o for o in s.others if o.uid == CAROL]
    first = ex.execute(Tick(), TRIGGER)
    assert fired(first.events) == [CancelAfterFired(ALICE, TRIGGER)]
    assert all(o.is_open for o in bobs)
    second = ex.execute(Tick(), Millis(TRIGGER + 2_000))
    assert fired(second.events) == [CancelAfterFired(BOB, Millis(TRIGGER + 2_000))]
    assert cancelled(second.events) == {o.order_id for o in bobs}
    assert all(o.canceled_at == TRIGGER + 2_000 for o in bobs)
    assert all(o.status is OrderStatus.SUBMITTED for o in carols)


def test_two_switches_due_in_one_advance_fire_in_time_order() -> None:
    s = scene()
    ex = s.ex
    arm(ex, BOB, ARMED_AT, time_out=TIME_OUT + 2_000)  # armed first, due last
    arm(ex, ALICE, ARMED_AT)
    outcome = ex.execute(Tick(), Millis(TRIGGER + 10_000))
    assert fired(outcome.events) == [
        CancelAfterFired(ALICE, TRIGGER),
        CancelAfterFired(BOB, Millis(TRIGGER + 2_000)),
    ]


# -- refreshing and disarming ---------------------------------------------------------------------


def test_refreshing_pushes_the_trigger_out() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    refreshed_at = Millis(ARMED_AT + 3_000)
    reply = arm(ex, ALICE, refreshed_at)
    assert reply == CancelAfterReply(refreshed_at, Millis(refreshed_at + TIME_OUT))
    # Nothing happens at the old trigger time ...
    outcome = ex.execute(Tick(), TRIGGER)
    assert fired(outcome.events) == [] and cancelled(outcome.events) == set()
    assert all(o.is_open for o in s.alice)
    outcome = ex.execute(Tick(), Millis(refreshed_at + TIME_OUT - 1))
    assert fired(outcome.events) == []
    # ... only at the new one.
    outcome = ex.execute(Tick(), Millis(refreshed_at + TIME_OUT))
    assert fired(outcome.events) == [CancelAfterFired(ALICE, Millis(refreshed_at + TIME_OUT))]
    assert cancelled(outcome.events) == {o.order_id for o in s.alice}


def test_refreshing_repeatedly_keeps_it_from_firing() -> None:
    s = scene()
    ex = s.ex
    for i in range(10):
        arm(ex, ALICE, Millis(ARMED_AT + i * 4_000))
    last_trigger = Millis(ARMED_AT + 9 * 4_000 + TIME_OUT)
    assert fired(ex.execute(Tick(), Millis(last_trigger - 1)).events) == []
    assert all(o.is_open for o in s.alice)
    assert fired(ex.execute(Tick(), last_trigger).events) == [
        CancelAfterFired(ALICE, last_trigger)
    ]


def test_refreshing_with_a_shorter_time_out_brings_the_trigger_in() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT, time_out=60_000)
    reply = arm(ex, ALICE, Millis(ARMED_AT + 1_000), time_out=5_000)
    assert reply.trigger_time == ARMED_AT + 6_000
    outcome = ex.execute(Tick(), Millis(ARMED_AT + 6_000))
    assert fired(outcome.events) == [CancelAfterFired(ALICE, Millis(ARMED_AT + 6_000))]
    assert fired(ex.execute(Tick(), Millis(ARMED_AT + 60_000)).events) == []


def test_disarming_prevents_firing() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    off_at = Millis(ARMED_AT + 4_000)
    outcome = ex.execute(CancelAfter(ALICE, False), off_at)
    assert outcome.error is None
    assert outcome.reply == CancelAfterReply(off_at, None)
    assert CancelAfterSet(ALICE, None) in outcome.events
    for t in (TRIGGER, TRIGGER + 1, TRIGGER + 3_600_000):
        events = ex.execute(Tick(), Millis(t)).events
        assert fired(events) == [] and cancelled(events) == set()
    assert all(o.is_open for o in s.alice)


def test_disarm_then_rearm_uses_the_new_time_only() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    ex.execute(CancelAfter(ALICE, False), Millis(ARMED_AT + 1_000))
    rearmed = Millis(ARMED_AT + 4_000)
    arm(ex, ALICE, rearmed, time_out=10_000)
    assert fired(ex.execute(Tick(), TRIGGER).events) == []
    assert fired(ex.execute(Tick(), Millis(rearmed + 10_000)).events) == [
        CancelAfterFired(ALICE, Millis(rearmed + 10_000))
    ]


def test_disarming_when_not_armed_is_fine() -> None:
    ex = make_exchange()
    reply = ex.cancel_after(CancelAfter(ALICE, False), ARMED_AT).reply
    assert reply == CancelAfterReply(ARMED_AT, None)


def test_disarming_one_uid_leaves_anothers_switch_armed() -> None:
    s = scene()
    ex = s.ex
    arm(ex, ALICE, ARMED_AT)
    arm(ex, BOB, ARMED_AT)
    ex.execute(CancelAfter(BOB, False), Millis(ARMED_AT + 1))
    assert fired(ex.execute(Tick(), TRIGGER).events) == [CancelAfterFired(ALICE, TRIGGER)]
    assert all(o.is_open for o in s.others)


# -- with a cancel delay -----------------------------------------------------------------------


def test_with_a_cancel_delay_the_switch_cancels_through_status_11() -> None:
    s = scene(cancel_delay_ms=100)
    ex = s.ex
    # One of ALICE's orders is already being cancelled when the switch fires.
    pending = s.alice[1]
    arm(ex, ALICE, ARMED_AT)
    ex.execute(CancelOrders(ALICE, BTC, [str(pending.order_id)]), Millis(TRIGGER - 50))
    outcome = ex.execute(Tick(), TRIGGER)
    assert fired(outcome.events) == [CancelAfterFired(ALICE, TRIGGER)]
    cancelling = {e.order_id for e in outcome.events if isinstance(e, OrderCancelling)}
    assert cancelling == {o.order_id for o in s.alice if o is not pending}
    assert all(o.status is OrderStatus.CANCELLING for o in s.alice if o is not pending)
    outcome = ex.execute(Tick(), Millis(TRIGGER + 100))
    assert cancelled(outcome.events) == {o.order_id for o in s.alice}
    assert pending.canceled_at == TRIGGER + 50
    assert all(o.canceled_at == TRIGGER + 100 for o in s.alice if o is not pending)
    assert all(o.is_open for o in s.others)
