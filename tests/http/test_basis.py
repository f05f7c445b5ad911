"""/index/market/history/swap_basis: the trade kline against the index kline, bar by bar, in
HTX's shape (every value a string; the channel names the basis price type)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.domain.types import Direction
from htx_sandbox.service.bars import Bar
from htx_sandbox.service.basis import basis_bars

from .test_market import BTC, Sandbox, anyio_backend, clock, sandbox

__all__ = ["anyio_backend", "clock", "sandbox"]  # fixtures shared with test_market

pytestmark = pytest.mark.anyio

BASIS = "/index/market/history/swap_basis"


def minute_of(sandbox: Sandbox) -> int:
    now_s = sandbox.clock.now() // 1000
    return now_s - now_s % 60


def test_htx_documented_example_is_reproduced() -> None:
    """HTX's example: contract 13776 against index 13773.7475 is a basis of 2.2525 and a rate of
    0.000163535740727...; HTX computes in floats and prints 2.2525000000005093 and
    0.00016353574072709766, the sandbox the exact Decimal on the rates' 18-decimal grid."""
    trade = Bar(1603866300, Decimal("13776"), Decimal("13776"), Decimal("13776"),
                Decimal("13776"), 1, 1, Decimal("0.1"))  # fmt: skip
    index = Bar(1603866300, Decimal("13773.7475"), Decimal("13773.7475"),
                Decimal("13773.7475"), Decimal("13773.7475"), 0, 0, Decimal(0))  # fmt: skip
    (bar,) = basis_bars([trade], [index], "open")
    assert bar.basis == Decimal("2.2525")
    assert bar.basis_rate == Decimal("0.000163535740727061")
    assert abs(bar.basis_rate - Decimal("0.00016353574072709766")) < Decimal("1e-16")


async def test_basis_pairs_trade_and_index_bars_per_price_type(sandbox: Sandbox) -> None:
    start = minute_of(sandbox)
    sandbox.engine.execute(SetIndexPrices({BTC: Decimal("60000")}))
    sandbox.match(Direction.BUY, 1, "60100")
    sandbox.clock.advance(1000)
    sandbox.engine.execute(SetIndexPrices({BTC: Decimal("59900")}))
    sandbox.match(Direction.BUY, 1, "60300")
    sandbox.clock.advance(60_000)  # the next minute: a flat bar of each series
    body = await sandbox.get(BASIS, contract_code="btc-usd", period="1min", size="2")
    assert body == {
        "ch": "market.BTC-USD.basis.1min.open",
        "status": "ok",
        "ts": sandbox.clock.now(),
        "data": [
            {"basis": "100", "basis_rate": "0.001666666666666667", "contract_price": "60100",
             "id": start, "index_price": "60000"},
            {"basis": "400", "basis_rate": "0.00667779632721202", "contract_price": "60300",
             "id": start + 60, "index_price": "59900"},
        ],
    }
    high = await sandbox.get(BASIS, contract_code=BTC, period="1min", size="2",
                             basis_price_type="high")  # fmt: skip
    assert high["ch"] == "market.BTC-USD.basis.1min.high"
    assert high["data"][0]["contract_price"] == "60300"
    assert high["data"][0]["index_price"] == "60000"
    assert high["data"][0]["basis"] == "300"
    average = await sandbox.get(BASIS, contract_code=BTC, period="1min", size="1",
                                basis_price_type="average")  # fmt: skip
    assert average["data"] == [  # (high + low) / 2 of the flat bar: its close
        {"basis": "400", "basis_rate": "0.00667779632721202", "contract_price": "60300",
         "id": start + 60, "index_price": "59900"}
    ]
    first = await sandbox.get(BASIS, contract_code=BTC, period="5min", size="1",
                              basis_price_type="average")  # fmt: skip
    (bar,) = first["data"]
    assert bar["contract_price"] == "60200"  # (60300 + 60100) / 2
    assert bar["index_price"] == "59950"


async def test_no_basis_before_an_index_or_a_trade(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 1, "60100")  # a trade, no index yet
    body = await sandbox.get(BASIS, contract_code=BTC, period="1min", size="150")
    assert body["data"] == []
    sandbox.engine.execute(SetIndexPrices({"ETH-USD": Decimal("3000")}))  # an index, no trade
    eth = await sandbox.get(BASIS, contract_code="ETH-USD", period="60min")
    assert eth["data"] == []
    assert eth["ch"] == "market.ETH-USD.basis.60min.open"


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"period": "1min", "size": "1"}, "invalid-request", "contract_code cannot be empty"),
        ({"contract_code": "XYZ-USD", "period": "1min"}, "invalid-request",
         "invalid contract code"),
        ({"contract_code": BTC}, "invalid-request", "period cannot be empty"),
        ({"contract_code": BTC, "period": "1week"}, "bad-request", "invalid period"),
        ({"contract_code": BTC, "period": "1min", "size": "2001"}, "bad-request",
         "invalid size, valid range: [1,2000]"),
        ({"contract_code": BTC, "period": "1min", "basis_price_type": "mid"}, "bad-request",
         "invalid basis_price_type"),
    ],
)
async def test_basis_errors(
    sandbox: Sandbox, params: dict[str, str], code: str, message: str
) -> None:
    body = await sandbox.get(BASIS, **params)
    assert body["status"] == "error"
    assert body["err-code"] == code
    assert body["err-msg"] == message
