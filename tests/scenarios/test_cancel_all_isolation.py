"""swap_cancelall's scope is the caller's orders on one contract, nothing else.

ALICE and BOB rest orders at the very same prices on BTC-USD, and ALICE has orders on ETH-USD
too. Cancelling all of ALICE's BTC-USD orders must leave BOB's orders (and money) and ALICE's
ETH-USD orders exactly as they were, whatever the filters.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from htx_sandbox.domain.commands import CancelAll
from htx_sandbox.domain.events import AccountChanged, OrderCancelled, PositionChanged
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import Direction, Millis, Offset, OrderStatus

from .helpers import ALICE, BOB, BTC, BUY, CAROL, ETH, NOW, OPEN, SELL, buy, make_exchange, sell

LATER = Millis(NOW + 1_000)


@dataclass
class Scene:
    ex: Exchange
    alice_btc: list[Order]
    alice_eth: list[Order]
    bob_btc: list[Order]
    bob_eth: list[Order]

    def frozen_state(self) -> dict[str, object]:
        """What must not change for the orders outside the cancel's scope."""
        ex = self.ex
        return {
            "bob_orders": [
                (o.status, o.remaining, o.canceled_at) for o in self.bob_btc + self.bob_eth
            ],
            "alice_eth": [(o.status, o.remaining, o.canceled_at) for o in self.alice_eth],
            "bob_accounts": (ex.account(BOB, "BTC"), ex.account(BOB, "ETH")),
            "alice_eth_account": ex.account(ALICE, "ETH"),
            "eth_depth": ex.depth(ETH),
            "bob_open": sorted(o.order_id for o in ex.open_orders(BOB)),
            "alice_eth_open": sorted(o.order_id for o in ex.open_orders(ALICE, ETH)),
        }


def scene() -> Scene:
    ex = make_exchange()
    prices = ("59000", "59500")
    asks = ("61000", "61500")
    alice_btc = [buy(ex, ALICE, 1 + i, p) for i, p in enumerate(prices)]
    alice_btc += [sell(ex, ALICE, 3 + i, p) for i, p in enumerate(asks)]
    # BOB at the same prices, before and after ALICE in time priority.
    bob_btc = [buy(ex, BOB, 10 + i, p) for i, p in enumerate(prices)]
    bob_btc += [sell(ex, BOB, 20 + i, p) for i, p in enumerate(asks)]
    alice_btc.append(buy(ex, ALICE, 5, "59000"))
    alice_eth = [buy(ex, ALICE, 2, "2900", code=ETH), sell(ex, ALICE, 3, "3100", code=ETH)]
    bob_eth = [buy(ex, BOB, 4, "2900", code=ETH), sell(ex, BOB, 6, "3100", code=ETH)]
    return Scene(ex, alice_btc, alice_eth, bob_btc, bob_eth)


FILTERS: list[tuple[Direction | None, Offset | None]] = [
    (None, None),
    (BUY, None),
    (SELL, None),
    (None, OPEN),
    (BUY, OPEN),
    (SELL, OPEN),
]


@pytest.mark.parametrize(("direction", "offset"), FILTERS)
def test_cancel_all_leaves_other_uids_and_other_contracts_alone(
    direction: Direction | None, offset: Offset | None
) -> None:
    s = scene()
    ex = s.ex
    before = s.frozen_state()
    applied = ex.cancel_all(CancelAll(ALICE, BTC, direction, offset), LATER)

    expected = [
        o
        for o in s.alice_btc
        if (direction is None or o.direction is direction)
        and (offset is None or o.offset is offset)
    ]
    assert sorted(applied.reply.successes) == sorted(str(o.order_id) for o in expected)
    assert all(o.status is OrderStatus.CANCELLED for o in expected)
    assert s.frozen_state() == before

    # Events name only ALICE's orders and ALICE's BTC account.
    cancelled = [e.order_id for e in applied.events if isinstance(e, OrderCancelled)]
    assert sorted(cancelled) == sorted(o.order_id for o in expected)
    touched = {(e.uid, e.symbol) for e in applied.events if isinstance(e, AccountChanged)}
    assert touched == {(ALICE, "BTC")}
    assert not [e for e in applied.events if isinstance(e, PositionChanged) and e.uid != ALICE]


def test_bobs_volume_stays_at_the_shared_price_levels() -> None:
    s = scene()
    ex = s.ex
    ex.cancel_all(CancelAll(ALICE, BTC), LATER)
    bids, asks = ex.depth(BTC)
    assert [(str(p), v) for p, v in bids] == [("59500.0", 11), ("59000.0", 10)]
    assert [(str(p), v) for p, v in asks] == [("61000.0", 20), ("61500.0", 21)]
    assert all(o.status is OrderStatus.SUBMITTED for o in s.bob_btc)
    assert ex.open_orders(ALICE, BTC) == []
    assert sorted(o.order_id for o in ex.open_orders(ALICE)) == sorted(
        o.order_id for o in s.alice_eth
    )


def test_bob_keeps_time_priority_after_alices_cancel() -> None:
    """BOB's bid that queued behind ALICE's at 59500 is now first: a seller fills him."""
    s = scene()
    ex = s.ex
    ex.cancel_all(CancelAll(ALICE, BTC), LATER)
    taker = sell(ex, CAROL, 11, "59500", now=LATER)
    assert taker.status is OrderStatus.FILLED
    assert s.bob_btc[1].status is OrderStatus.FILLED
    assert s.bob_btc[0].status is OrderStatus.SUBMITTED


def test_bobs_cancel_all_leaves_alice_alone() -> None:
    s = scene()
    ex = s.ex
    alice_before = [(o.status, o.remaining) for o in s.alice_btc + s.alice_eth]
    alice_accounts = (ex.account(ALICE, "BTC"), ex.account(ALICE, "ETH"))
    reply = ex.cancel_all(CancelAll(BOB, BTC), LATER).reply
    assert sorted(reply.successes) == sorted(str(o.order_id) for o in s.bob_btc)
    assert [(o.status, o.remaining) for o in s.alice_btc + s.alice_eth] == alice_before
    assert (ex.account(ALICE, "BTC"), ex.account(ALICE, "ETH")) == alice_accounts
    assert all(o.status is OrderStatus.SUBMITTED for o in s.bob_eth)


def test_cancel_all_on_the_other_contract_leaves_the_first_alone() -> None:
    s = scene()
    ex = s.ex
    btc_depth = ex.depth(BTC)
    btc_account = ex.account(ALICE, "BTC")
    reply = ex.cancel_all(CancelAll(ALICE, ETH), LATER).reply
    assert sorted(reply.successes) == sorted(str(o.order_id) for o in s.alice_eth)
    assert all(o.status is OrderStatus.SUBMITTED for o in s.alice_btc)
    assert ex.depth(BTC) == btc_depth
    assert ex.account(ALICE, "BTC") == btc_account
    assert ex.account(ALICE, "ETH").margin_frozen == 0
    # BOB's ETH orders rest on, alone at their levels.
    assert ex.depth(ETH) == ([(s.bob_eth[0].price, 4)], [(s.bob_eth[1].price, 6)])


def test_contract_code_is_case_insensitive_and_still_scoped() -> None:
    s = scene()
    ex = s.ex
    reply = ex.cancel_all(CancelAll(ALICE, "btc-usd", direction=SELL), LATER).reply
    assert sorted(reply.successes) == sorted(
        str(o.order_id) for o in s.alice_btc if o.direction is SELL
    )
    assert all(o.status is OrderStatus.SUBMITTED for o in s.bob_btc + s.alice_eth)
