"""ccxt.pro's private watch_* methods, unmodified, against a real server's /swap-notification,
configured by docs/ccxt.md's WebSocket block; what they resolve with is checked against the
server's own view (the sandbox's REST client)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest

from .conftest import CODE, SYMBOL, Account, Sandbox, doc_snippets, run_snippet

ccxtpro = pytest.importorskip("ccxt.pro")

TAKING_BID = 62000
"""Above the market maker's asks (it quotes around 60000), within the price band: takes."""
OPEN = {"offset": "open", "leverRate": 5}
WAIT_S = 30
ACT_AGAIN_S = 3.0


def _snippet_index() -> int:
    [index] = [i for i, s in enumerate(doc_snippets()) if "def watch_an_order" in s]
    return index


@pytest.fixture
def account(sandbox: Sandbox) -> Account:
    return sandbox.account()


def pro(sandbox: Sandbox, account: Account) -> Callable[[], Any]:
    """docs/ccxt.md's sandbox_pro, for this account."""
    factory: Callable[[], Any] = run_snippet(_snippet_index(), sandbox, account)["sandbox_pro"]
    return factory


async def _until(
    watch: Callable[[], Awaitable[Any]],
    act: Callable[[], Awaitable[Any]],
    done: Callable[[Any], bool],
) -> Any:
    """Subscribe with `watch`, `act`, and return what a watch resolves with once it satisfies
    `done`. The first call of a watch_* connects, authenticates and subscribes, which a busy
    machine may not have finished by the act: a push the server sent before the subscription
    never comes, so the act is repeated every ACT_AGAIN_S while nothing arrives."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    pending = asyncio.ensure_future(watch())
    await asyncio.sleep(0.3)
    await act()
    while True:
        remaining = deadline - loop.time()
        assert remaining > 0, "no push satisfied the test"
        finished, _ = await asyncio.wait({pending}, timeout=min(ACT_AGAIN_S, remaining))
        if not finished:
            await act()
            continue
        result = pending.result()
        if done(result):
            return result
        pending = asyncio.ensure_future(watch())


def test_the_documented_websocket_snippet(sandbox: Sandbox) -> None:
    account = sandbox.account()
    namespace = run_snippet(_snippet_index(), sandbox, account)
    balance, order, seen = namespace["balance"], namespace["order"], namespace["seen"]
    assert balance["BTC"]["total"] == 10
    assert (order["id"], "open") in seen


def test_watch_orders_sees_placing_and_cancelling(sandbox: Sandbox, account: Account) -> None:
    make = pro(sandbox, account)

    async def main() -> tuple[Any, Any, Any, Any]:
        exchange = make()
        try:
            await exchange.load_markets()
            placed: dict[str, Any] = {}
            acts: list[int] = []

            async def place() -> None:
                placed["order"] = await exchange.create_order(
                    SYMBOL, "limit", "buy", 2, 45000, OPEN
                )

            orders = await _until(
                lambda: exchange.watch_orders(SYMBOL),
                place,
                lambda got: any(o["id"] == placed["order"]["id"] for o in got),
            )
            orders = [dict(o) for o in orders]  # ccxt goes on updating its cache
            first = placed["order"]

            async def cancel() -> None:
                if acts:  # again: a fresh order to cancel, the last one is gone
                    await place()
                acts.append(1)
                await exchange.cancel_all_orders(SYMBOL)

            cancelled = await _until(
                lambda: exchange.watch_orders(),  # orders.*
                cancel,
                lambda got: any(
                    o["id"] == placed["order"]["id"] and o["status"] == "canceled" for o in got
                ),
            )
            return first, orders, placed["order"], cancelled
        finally:
            await exchange.close()

    first, orders, order, cancelled = asyncio.run(main())
    [watched] = [o for o in orders if o["id"] == first["id"]]
    assert watched["symbol"] == SYMBOL and watched["side"] == "buy"
    assert watched["amount"] == 2 and watched["price"] == 45000 and watched["filled"] == 0
    assert watched["status"] == "open"
    [gone] = [o for o in cancelled if o["id"] == order["id"] and o["status"] == "canceled"]
    assert gone["amount"] == 2
    with sandbox.client(account) as server:
        [row] = server.swap_order_info(contract_code=CODE, order_id=order["id"])
        assert row.status == 7


def test_watch_my_trades_balance_and_positions_after_a_fill(
    sandbox: Sandbox, account: Account
) -> None:
    make = pro(sandbox, account)

    async def main() -> tuple[Any, Any, Any, Any]:
        exchange = make()
        try:
            await exchange.load_markets()
            before = dict((await exchange.watch_balance())["BTC"])  # the init push
            placed: dict[str, Any] = {}

            async def take() -> None:
                placed["order"] = await exchange.create_order(
                    SYMBOL, "limit", "buy", 3, TAKING_BID, OPEN
                )

            trades = await _until(
                lambda: exchange.watch_my_trades(SYMBOL),
                take,
                lambda got: (
                    sum(t["amount"] for t in got if t["order"] == placed["order"]["id"]) == 3
                ),
            )
            positions = await exchange.watch_positions([SYMBOL])  # positions_cross.*
            balance = dict((await exchange.watch_balance())["BTC"])  # the next accounts push
            return before, placed["order"], trades, positions, balance
        finally:
            await exchange.close()

    before, order, trades, positions, balance = asyncio.run(main())
    assert before["free"] == 10 and before["used"] == 0
    mine = [t for t in trades if t["order"] == order["id"]]
    for trade in mine:
        assert trade["symbol"] == SYMBOL and trade["side"] == "buy"
        assert trade["takerOrMaker"] == "taker"
        assert trade["price"] <= TAKING_BID and trade["fee"]["currency"] == "BTC"
    with sandbox.client(account) as server:
        details = server.swap_order_detail(contract_code=CODE, order_id=order["id"])
        assert sorted(t["id"] for t in mine) == sorted(str(t.id) for t in details.trades)
        [held] = server.swap_position_info(contract_code=CODE)
        [account_row] = server.swap_account_info(contract_code=CODE)
    [position] = [p for p in positions if p["symbol"] == SYMBOL]
    assert position["contracts"] == held.volume and position["side"] == "long"
    assert held.volume % 3 == 0  # 3 a take (taken again if the first push came too early)
    assert Decimal(str(position["entryPrice"])) == held.cost_open
    # The mark moves with the market maker's quotes, and with it margin_available: the push
    # and the REST read may be a tick apart, so only what no price moves is compared.
    assert balance["used"] == account_row.margin_frozen == 0
    assert 9.99 < balance["free"] < before["free"]


def test_watch_orders_again_after_the_server_restarts(tmp_path: Any) -> None:
    """`serve` stopped and started again on its port and data directory: ccxt's watch fails
    with a network error, the next call reconnects, authenticates and subscribes again."""
    box = Sandbox(tmp_path / "data").start()
    try:
        account = box.account()
        make = pro(box, account)

        def restart() -> None:
            box.stop()
            box.start()

        async def main() -> tuple[Any, Any]:
            exchange = make()
            try:
                await exchange.load_markets()
                placed: list[Any] = []

                async def place() -> None:
                    placed.append(
                        await exchange.create_order(
                            SYMBOL, "limit", "buy", 1, 45000 + len(placed), OPEN
                        )
                    )

                def seen(got: Any) -> bool:
                    return any(o["id"] == placed[-1]["id"] for o in got)

                await _until(lambda: exchange.watch_orders(SYMBOL), place, seen)
                pending = asyncio.ensure_future(exchange.watch_orders(SYMBOL))
                await asyncio.to_thread(restart)
                with pytest.raises(ccxtpro.NetworkError):
                    await asyncio.wait_for(pending, WAIT_S)
                after = await _until(lambda: exchange.watch_orders(SYMBOL), place, seen)
                return placed, [dict(o) for o in after]
            finally:
                await exchange.close()

        placed, after = asyncio.run(main())
        assert any(o["id"] == placed[-1]["id"] and o["status"] == "open" for o in after)
    finally:
        box.stop()
