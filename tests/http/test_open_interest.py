"""Open interest on the wire: swap_open_interest (ccxt's fetch_open_interest) and
swap_his_open_interest (fetch_open_interest_history), in the shapes of HTX's examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.types import Direction, Offset

from .test_market import (
    BTC,
    MAKER,
    SIDES,
    TAKER,
    Sandbox,
    anyio_backend,
    clock,
    sandbox,
    value,
)

__all__ = ["anyio_backend", "clock", "sandbox"]  # fixtures shared with test_market

pytestmark = pytest.mark.anyio

OI = "/swap-api/v1/swap_open_interest"
HIS = "/swap-api/v1/swap_his_open_interest"
HOUR_S = 3600


async def test_open_interest_counts_one_side_and_24_hours_of_both(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 5, "60000")  # 5 long and 5 short open
    sandbox.place(TAKER, Direction.SELL, 2, "60000", offset=Offset.CLOSE)
    sandbox.place(MAKER, Direction.BUY, 2, "60000", offset=Offset.CLOSE)  # 3 left open
    body = await sandbox.get(OI, contract_code=BTC)
    assert body["status"] == "ok" and body["ts"] == sandbox.clock.now()
    [row] = body["data"]
    assert row == {
        "volume": 3,
        "amount": float(value(3, "60000")),
        "symbol": "BTC",
        "contract_code": BTC,
        "trade_amount": float((value(5, "60000") + value(2, "60000")) * SIDES),
        "trade_volume": 7 * SIDES,
        "trade_turnover": 7 * SIDES * 100,
    }
    every = await sandbox.get(OI)
    assert [r["contract_code"] for r in every["data"]] == ["BTC-USD", "ETH-USD"]
    assert every["data"][1]["volume"] == 0 and every["data"][1]["trade_volume"] == 0


async def test_an_unknown_contract_is_1014(sandbox: Sandbox) -> None:
    body = await sandbox.get(OI, contract_code="XRP-USD")
    assert (body["status"], body["err_code"]) == ("error", 1014)


async def test_the_history_is_one_tick_per_period_newest_first(sandbox: Sandbox) -> None:
    start = sandbox.clock.now() // 1000
    hour = start - start % HOUR_S
    sandbox.match(Direction.BUY, 4, "60000")
    sandbox.clock.advance(2 * HOUR_S * 1000)
    sandbox.match(Direction.BUY, 1, "60000")
    body = await sandbox.get(HIS, contract_code=BTC, period="60min", amount_type="1")
    assert body["status"] == "ok"
    assert body["data"] == {
        "symbol": "BTC",
        "tick": [
            {"volume": 5, "amount_type": 1, "ts": (hour + 2 * HOUR_S) * 1000},
            {"volume": 4, "amount_type": 1, "ts": (hour + HOUR_S) * 1000},
            {"volume": 4, "amount_type": 1, "ts": hour * 1000},
        ],
        "contract_code": BTC,
    }
    two = await sandbox.get(HIS, contract_code=BTC, period="60min", amount_type="1", size="2")
    assert [t["volume"] for t in two["data"]["tick"]] == [5, 4]
    coins = await sandbox.get(HIS, contract_code=BTC, period="1day", amount_type="2")
    [today] = coins["data"]["tick"]
    assert Decimal(str(today["volume"])) == value(5, "60000")
    assert today["amount_type"] == 2


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"contract_code": ""}, 1066),
        ({"period": ""}, 1066),
        ({"period": "5min"}, 1067),
        ({"amount_type": ""}, 1066),
        ({"amount_type": "3"}, 1067),
        ({"size": "201"}, 1067),
        ({"size": "0"}, 1067),
        ({"contract_code": "XRP-USD"}, 1014),
    ],
)
async def test_history_errors_are_v1_errors(
    sandbox: Sandbox, params: dict[str, str], code: int
) -> None:
    query = {"contract_code": BTC, "period": "60min", "amount_type": "1", **params}
    body = await sandbox.get(HIS, **query)
    assert (body["status"], body["err_code"]) == ("error", code)
