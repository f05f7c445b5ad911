"""Klines on the wire: /swap-ex/market/history/kline (ccxt's fetch_ohlcv) and
/index/market/history/swap_mark_price_kline (fetch_mark_ohlcv), checked against HTX's examples
and the error bodies of HTX's own QA suite (restful_kline_004 to _009)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.domain.types import Direction

from .test_market import BTC, SIDES, Sandbox, anyio_backend, clock, sandbox, value

__all__ = ["anyio_backend", "clock", "sandbox"]  # fixtures shared with test_market

pytestmark = pytest.mark.anyio

KLINE = "/swap-ex/market/history/kline"
MARK = "/index/market/history/swap_mark_price_kline"
BAR_FIELDS = {"amount", "close", "count", "high", "id", "low", "open", "vol"}
MARK_FIELDS = BAR_FIELDS | {"trade_turnover"}


def now_s(sandbox: Sandbox) -> int:
    return sandbox.clock.now() // 1000


def minute_of(sandbox: Sandbox) -> int:
    return now_s(sandbox) - now_s(sandbox) % 60


async def test_a_kline_answers_in_htx_shape_counting_both_sides(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 3, "60000")
    sandbox.clock.advance(1000)
    sandbox.match(Direction.SELL, 1, "59990.5")
    body = await sandbox.get(KLINE, contract_code="btc-usd", period="1min", size="10")
    now = sandbox.clock.now()
    assert body == {
        "ch": "market.BTC-USD.kline.1min",
        "status": "ok",
        "ts": now,
        "data": [
            {
                "amount": float(value(3, "60000") * SIDES + value(1, "59990.5") * SIDES),
                "close": 59990.5,
                "count": 2 * SIDES,
                "high": 60000,
                "id": minute_of(sandbox),
                "low": 59990.5,
                "open": 60000,
                "vol": 4 * SIDES,
            }
        ],
    }
    raw = (await sandbox.client.get(KLINE, params={"contract_code": BTC, "period": "1min",
                                                     "size": "1"})).text  # fmt: skip
    amount = value(3, "60000") * SIDES + value(1, "59990.5") * SIDES
    assert f'"amount":{format(amount.normalize(), "f")}' in raw  # exact, never a float


async def test_size_answers_the_newest_bars_up_to_now_quiet_ones_flat(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 1, "60000")
    first = minute_of(sandbox)
    sandbox.clock.advance(3 * 60_000)
    body = await sandbox.get(KLINE, contract_code=BTC, period="1min", size="150")
    bars = body["data"]
    assert [b["id"] for b in bars] == [first + 60 * i for i in range(4)]
    assert [b["vol"] for b in bars] == [2, 0, 0, 0]
    assert all(set(b) == BAR_FIELDS for b in bars)
    assert {(b["open"], b["high"], b["low"], b["close"]) for b in bars[1:]} == {(60000,) * 4}
    two = await sandbox.get(KLINE, contract_code=BTC, period="1min", size="2")
    assert [b["id"] for b in two["data"]] == [first + 120, first + 180]


async def test_before_the_first_trade_there_are_no_bars(sandbox: Sandbox) -> None:
    body = await sandbox.get(KLINE, contract_code=BTC, period="60min", size="5")
    assert body["data"] == [] and body["status"] == "ok"


async def test_from_and_to_select_the_bars_they_touch(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 1, "60000")
    first = minute_of(sandbox)
    sandbox.clock.advance(120_000)
    sandbox.match(Direction.BUY, 2, "60100")
    now = now_s(sandbox)
    body = await sandbox.get(
        KLINE, contract_code=BTC, period="1min", **{"from": str(first + 30), "to": str(now)}
    )
    assert [(b["id"], b["vol"]) for b in body["data"]] == [
        (first, 2), (first + 60, 0), (first + 120, 4)
    ]  # fmt: skip
    # HTX's QA: from = now - 60 and to = now finds the month's bar.
    month = await sandbox.get(
        KLINE, contract_code=BTC, period="1mon", **{"from": str(now - 60), "to": str(now)}
    )
    assert [b["vol"] for b in month["data"]] == [6]
    # size wins over from/to, which are then not even read.
    sized = await sandbox.get(
        KLINE, contract_code=BTC, period="1min", size="1", **{"from": "*", "to": "10000"}
    )
    assert [b["id"] for b in sized["data"]] == [first + 120]


async def test_a_range_of_more_than_2000_bars_or_two_years_answers_nothing(
    sandbox: Sandbox,
) -> None:
    sandbox.match(Direction.BUY, 1, "60000")
    now = now_s(sandbox)
    minute = minute_of(sandbox)

    async def data(period: str, start: int, end: int) -> list[Any]:
        body = await sandbox.get(
            KLINE, contract_code=BTC, period=period, **{"from": str(start), "to": str(end)}
        )
        assert body["status"] == "ok"
        result: list[Any] = body["data"]
        return result

    # ccxt's default window: from = now - 1999 periods, to = now: 2000 bars, both ends counted.
    assert len(await data("1min", now - 60 * 1999, now)) == 1
    # HTX FAQ: a range of 2000 x period holds 2001 bars, over the limit.
    assert await data("1min", minute - 60 * 2000, minute) == []
    assert await data("1day", now - 800 * 86_400, now) == []  # over two years
    assert await data("1min", now, now - 60) == []  # reversed


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({}, "invalid-request", "from cannot be empty"),  # restful_kline_009
        ({"from": "1700000000"}, "invalid-request", "to cannot be empty"),  # _004
        ({"to": "1700000000"}, "invalid-request", "from cannot be empty"),  # _005
        ({"from": "*", "to": "1700000000"}, "bad-request", "invalid from"),  # _006
        ({"from": "1700000000", "to": "*"}, "bad-request", "invalid to"),  # _007
        ({"size": "2001"}, "bad-request", "invalid size, valid range: [1,2000]"),  # _008
        ({"size": "0"}, "bad-request", "invalid size, valid range: [1,2000]"),
        ({"size": "ten"}, "bad-request", "invalid size, valid range: [1,2000]"),
        ({"size": "1", "period": ""}, "invalid-request", "period cannot be empty"),
        ({"size": "1", "period": "1year"}, "bad-request", "invalid period"),
        ({"size": "1", "contract_code": ""}, "invalid-request", "contract_code cannot be empty"),
        ({"size": "1", "contract_code": "XRP-USD"}, "invalid-request", "invalid contract code"),
    ],
)
async def test_kline_errors_are_htx_market_errors(
    sandbox: Sandbox, params: dict[str, str], code: str, message: str
) -> None:
    body = await sandbox.get(KLINE, **{"contract_code": BTC, "period": "1min", **params})
    assert body == {
        "ts": sandbox.clock.now(), "status": "error", "err-code": code, "err-msg": message
    }  # fmt: skip


@pytest.mark.parametrize("period", ["1min", "5min", "15min", "30min", "60min", "1hour", "4hour",
                                    "1day", "1week", "1mon"])  # fmt: skip
async def test_every_htx_period_is_served_under_its_own_channel(
    sandbox: Sandbox, period: str
) -> None:
    sandbox.match(Direction.BUY, 1, "60000")
    body = await sandbox.get(KLINE, contract_code=BTC, period=period, size="1")
    assert body["ch"] == f"market.BTC-USD.kline.{period}"
    assert [b["vol"] for b in body["data"]] == [2]


async def test_1hour_is_60min(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 1, "60000")
    sandbox.clock.advance(3_600_000)
    sandbox.match(Direction.SELL, 2, "59000")
    hour = await sandbox.get(KLINE, contract_code=BTC, period="1hour", size="5")
    sixty = await sandbox.get(KLINE, contract_code=BTC, period="60min", size="5")
    assert hour["data"] == sixty["data"] and len(hour["data"]) == 2


# -- mark price ------------------------------------------------------------------------------


async def test_the_mark_price_kline_answers_strings_and_zero_volumes(sandbox: Sandbox) -> None:
    start = minute_of(sandbox)
    sandbox.engine.execute(SetIndexPrices({BTC: Decimal("60500.25")}))
    sandbox.clock.advance(60_000)
    sandbox.engine.execute(SetIndexPrices({BTC: Decimal("60400")}))
    body = await sandbox.get(MARK, contract_code=BTC, period="1min", size="2")
    assert body == {
        "ch": "market.BTC-USD.mark_price.1min",
        "status": "ok",
        "ts": sandbox.clock.now(),
        "data": [
            {"amount": "0", "close": "60500.25", "count": "0", "high": "60500.25", "id": start,
             "low": "60000", "open": "60000", "trade_turnover": "0", "vol": "0"},
            {"amount": "0", "close": "60400", "count": "0", "high": "60500.25",
             "id": start + 60, "low": "60400", "open": "60500.25", "trade_turnover": "0",
             "vol": "0"},
        ],
    }  # fmt: skip


async def test_the_mark_price_follows_trades_without_an_index(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 1, "60100")
    body = await sandbox.get(MARK, contract_code=BTC, period="1day", size="1")
    [bar] = body["data"]
    assert (bar["open"], bar["high"], bar["close"]) == ("60000", "60100", "60100")
    assert set(bar) == MARK_FIELDS


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"size": ""}, "invalid-request", "size cannot be empty"),
        ({"size": "2001"}, "bad-request", "invalid size, valid range: [1,2000]"),
        ({"period": "1hour"}, "bad-request", "invalid period"),
        ({"period": ""}, "invalid-request", "period cannot be empty"),
        ({"contract_code": "XRP-USD"}, "invalid-request", "invalid contract code"),
    ],
)
async def test_mark_price_kline_errors(
    sandbox: Sandbox, params: dict[str, str], code: str, message: str
) -> None:
    body = await sandbox.get(MARK, **{"contract_code": BTC, "period": "1min", "size": "5",
                                      **params})  # fmt: skip
    assert (body["status"], body["err-code"], body["err-msg"]) == ("error", code, message)
