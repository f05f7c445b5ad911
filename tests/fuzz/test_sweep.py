"""The systematic half of the fuzzer: every field of a valid request to every endpoint takes
every hostile value of tests/fuzz/requests.py in turn (numbers both as JSON numbers and as
strings), the other fields staying valid, so that a value that breaks one field deep in the
domain is found for sure, not by chance. Each request goes through the same checks as the
Hypothesis test (tests/fuzz/harness.py); a failure is recorded with its request, a fresh exchange
is made, and the test fails at the end listing every failure of that endpoint.
"""

from __future__ import annotations

import asyncio

import pytest

from .harness import TOKEN, Harness
from .requests import (
    BAD_TOKENS,
    EXTREMES,
    HOSTILE_TEXTS,
    NUMBER_TOKENS,
    WRONG_TYPES,
    Arr,
    J,
    Obj,
    Raw,
    Request,
    Value,
)

ORDER: tuple[tuple[str, Value], ...] = (
    ("contract_code", J("BTC-USD")), ("volume", J(1)), ("direction", J("buy")),
    ("offset", J("open")), ("lever_rate", J(10)), ("order_price_type", J("limit")),
    ("price", J("59000")),
)  # fmt: skip
"""No client_order_id: once one order took it, every later one would stop at 1050."""
TRIGGER_ORDER: tuple[tuple[str, Value], ...] = (
    ("contract_code", J("BTC-USD")), ("trigger_type", J("ge")), ("trigger_price", J("60000.5")),
    ("volume", J(1)), ("direction", J("buy")), ("offset", J("open")),
    ("order_price_type", J("limit")), ("order_price", J("60000.5")), ("lever_rate", J(10)),
)  # fmt: skip
"""Fires at the next trade at 60000.5 or above (the harness's book offers 10 there)."""
ADMIN_AUTH = (("Authorization", f"Bearer {TOKEN}"),)
# path: (family, envelope, method, fields); "{}" in the path is the segment, which is swept too.
BASES: dict[str, tuple[str, str, str, tuple[tuple[str, Value], ...]]] = {
    "/swap-api/v1/swap_order": ("v1", "v1", "POST", ORDER),
    "/swap-api/v1/swap_batchorder": ("v1", "v1", "POST", ORDER),  # one order of the batch
    "/swap-api/v1/swap_cancel": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("order_id", J("$ORDER")),
    )),
    "/swap-api/v1/swap_cancelall": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("direction", J("buy")), ("offset", J("open")),
    )),
    "/swap-api/v1/swap_lightning_close_position": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("volume", J(1)), ("direction", J("sell")),
        ("client_order_id", J(91)), ("order_price_type", J("lightning_ioc")),
    )),
    "/swap-api/v1/swap_track_order": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("direction", J("buy")), ("offset", J("open")),
        ("lever_rate", J(10)), ("volume", J(1)), ("callback_rate", J("0.01")),
        ("active_price", J("59999.5")), ("order_price_type", J("formula_price")),
    )),
    "/swap-api/v1/swap_switch_lever_rate": ("v1", "v1", "POST", (
        ("contract_code", J("ETH-USD")), ("lever_rate", J(10)),
    )),
    "/swap-api/v1/swap-cancel-after": ("v3", "v3", "POST", (
        ("on_off", J(1)), ("time_out", J(6000)),
    )),
    "/swap-api/v1/swap_openorders": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("page_index", J(1)), ("page_size", J(20)),
        ("sort_by", J("created_at")), ("trade_type", J(0)),
    )),
    "/swap-api/v1/swap_order_info": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("order_id", J("$ORDER")), ("client_order_id", J(1)),
    )),
    "/swap-api/v1/swap_order_detail": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("order_id", J("$ORDER")),
        ("created_at", J(1764000000000)), ("order_type", J(1)), ("page_index", J(1)),
        ("page_size", J(20)),
    )),
    "/swap-api/v1/swap_hisorders": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("trade_type", J(0)), ("type", J(1)),
        ("status", J("0")), ("create_date", J(7)), ("page_index", J(1)), ("page_size", J(20)),
        ("sort_by", J("create_date")),
    )),
    "/swap-api/v1/swap_account_info": ("v1", "v1", "POST", (("contract_code", J("BTC-USD")),)),
    "/swap-api/v1/swap_position_info": ("v1", "v1", "POST", (("contract_code", J("BTC-USD")),)),
    "/swap-api/v3/swap_matchresults_exact": ("v3", "v3", "POST", (
        ("contract", J("BTC-USD")), ("trade_type", J(0)), ("start_time", J(1763999000000)),
        ("end_time", J(1764000000000)), ("size", J(20)),
    )),
    "/swap-api/v1/swap_contract_info": ("public", "v1", "GET", (("contract_code", J("BTC-USD")),)),
    "/swap-api/v1/swap_api_state": ("public", "v1", "GET", (("contract_code", J("BTC-USD")),)),
    "/api/v1/timestamp": ("public", "timestamp", "GET", ()),
    "/heartbeat/": ("public", "v1", "GET", ()),
    "/sandbox-api/v1/health": ("admin", "v1", "GET", ()),
    "/swap-ex/market/bbo": ("market", "market", "GET", (("contract_code", J("BTC-USD")),)),
    "/swap-ex/market/depth": ("market", "market", "GET", (
        ("contract_code", J("BTC-USD")), ("type", J("step0")),
    )),
    "/swap-ex/market/detail/merged": ("market", "market", "GET", (
        ("contract_code", J("BTC-USD")),
    )),
    "/swap-ex/market/trade": ("market", "market", "GET", (("contract_code", J("BTC-USD")),)),
    "/swap-ex/market/history/trade": ("market", "market", "GET", (
        ("contract_code", J("BTC-USD")), ("size", J("10")),
    )),
    "/swap-ex/market/history/kline": ("market", "market", "GET", (
        ("contract_code", J("BTC-USD")), ("period", J("1min")), ("from", J("1763999000")),
        ("to", J("1764000000")),
    )),
    "/index/market/history/swap_mark_price_kline": ("market", "market", "GET", (
        ("contract_code", J("BTC-USD")), ("period", J("1mon")), ("size", J("2000")),
    )),
    "/index/market/history/swap_basis": ("market", "market", "GET", (
        ("contract_code", J("BTC-USD")), ("period", J("1mon")), ("size", J("2000")),
        ("basis_price_type", J("average")),
    )),
    "/swap-ex/market/detail/batch_merged": ("market", "market", "GET", (
        ("contract_code", J("BTC-USD")),
    )),
    "/v2/swap-ex/market/detail/batch_merged": ("market", "market", "GET", (
        ("contract_code", J("BTC-USD")),
    )),
    "/swap-api/v1/swap_open_interest": ("public", "v1", "GET", (
        ("contract_code", J("BTC-USD")),
    )),
    "/swap-api/v1/swap_his_open_interest": ("public", "v1", "GET", (
        ("contract_code", J("BTC-USD")), ("period", J("12hour")), ("size", J("200")),
        ("amount_type", J("2")),
    )),
    "/sandbox-api/v1/accounts": ("admin", "v1", "POST", (("uid", J(10000005)),)),
    "/sandbox-api/v1/deposits": ("admin", "v1", "POST", (
        ("uid", J(1)), ("symbol", J("BTC")), ("amount", J("0.5")),
    )),
    "/sandbox-api/v1/api-keys": ("admin", "v1", "POST", (
        ("uid", J(1)), ("permissions", Arr((J("read"),))), ("ip_whitelist", Arr((J("10.0.0.1"),))),
        ("expires_at", J(1864000000000)),
    )),
    "/sandbox-api/v1/api-keys/{}/disable": ("admin", "v1", "POST", ()),
    "/sandbox-api/v1/contracts": ("admin", "v1", "POST", (
        ("contract_code", J("DOGE-USD")), ("symbol", J("DOGE")), ("contract_size", J(10)),
        ("price_tick", J("0.0001")), ("reference_price", J("0.5")), ("contract_status", J(1)),
        ("create_date", J("20250101")), ("max_order_volume", J(100)),
        ("max_open_orders", J(10)), ("lever_rates", Arr((J(5), J(10)))),
        ("maker_fee_rate", J("0.0002")), ("taker_fee_rate", J("0.0005")),
        ("price_limit_rate", J("0.05")), ("buy_limit", J(100)), ("sell_limit", J(0)),
        ("adjust_factors", Arr((Obj((("lever_rate", J(5)), ("ladders", Arr((
            Obj((("min_size", J(0)), ("max_size", J(99)), ("adjust_factor", J("0.05")))),
            Obj((("min_size", J(100)), ("max_size", Raw("null")), ("adjust_factor", J("0.1")))),
        ))))),))),
    )),
    "/sandbox-api/v1/contracts/{}": ("admin", "v1", "POST", (
        ("contract_status", J(1)), ("reference_price", J("60000.1")),
        ("price_limit_rate", J("0.05")), ("buy_limit", J(50)), ("sell_limit", J(0)),
    )),
    "/sandbox-api/v1/orders": ("admin", "v1", "GET", (
        ("uid", J(1)), ("contract_code", J("BTC-USD")),
    )),
    "/swap-api/v1/swap_trigger_order": ("v1", "v1", "POST", TRIGGER_ORDER),
    **{
        f"/swap-api/v1/swap_{kind}_cancel": ("v1", "v1", "POST", (
            ("contract_code", J("BTC-USD")), ("order_id", J("$STRATEGY")),
        ))
        for kind in ("trigger", "tpsl", "track")
    },
    **{
        f"/swap-api/v1/swap_{kind}_cancelall": ("v1", "v1", "POST", (
            ("contract_code", J("BTC-USD")), ("direction", J("buy")), ("offset", J("open")),
        ))
        for kind in ("trigger", "tpsl", "track")
    },
    **{
        f"/swap-api/v1/swap_{kind}_openorders": ("v1", "v1", "POST", (
            ("contract_code", J("BTC-USD")), ("page_index", J(1)), ("page_size", J(20)),
            ("trade_type", J(0)),
        ))
        for kind in ("trigger", "tpsl", "track")
    },
    **{
        f"/swap-api/v1/swap_{kind}_hisorders": ("v1", "v1", "POST", (
            ("contract_code", J("BTC-USD")), ("status", J("0")), ("create_date", J(7)),
            ("trade_type", J(0)), ("page_index", J(1)), ("page_size", J(20)),
            ("sort_by", J("update_time")),
        ))
        for kind in ("trigger", "tpsl", "track")
    },
    "/swap-api/v1/swap_tpsl_order": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("direction", J("sell")), ("volume", J(1)),
        ("tp_trigger_price", J("61000")), ("tp_order_price", J("61000")),
        ("tp_order_price_type", J("limit")), ("sl_trigger_price", J("59000")),
        ("sl_order_price_type", J("optimal_5")), ("price_protect", J(False)),
    )),
    "/swap-api/v1/swap_relation_tpsl_order": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("order_id", J("$ORDER")),
    )),
    "/swap-api/v1/swap_account_position_info": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")),
    )),
    **{
        f"/swap-api/v1/swap_{name}": ("v1", "v1", "POST", (("contract_code", J("BTC-USD")),))
        for name in ("available_level_rate", "fee", "transfer_limit", "position_limit")
    },
    "/swap-api/v1/swap_order_limit": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("order_price_type", J("limit")),
    )),
    "/swap-api/v1/swap_balance_valuation": ("v1", "v1", "POST", (
        ("valuation_asset", J("USD")),
    )),
    "/swap-api/v1/swap_api_trading_status": ("v1", "v1", "GET", ()),
    **{
        path: ("public", "v1", "GET", (("contract_code", J("BTC-USD")),))
        for path in (
            "/swap-api/v1/swap_funding_rate", "/swap-api/v1/swap_batch_funding_rate",
            "/swap-api/v1/swap_estimated_settlement_price",
        )
    },
    **{
        f"/index/market/history/swap_{series}_kline": ("market", "market", "GET", (
            ("contract_code", J("BTC-USD")), ("period", J("5min")), ("size", J("150")),
        ))
        for series in ("premium_index", "estimated_rate")
    },
    "/swap-api/v1/swap_historical_funding_rate": ("public", "v1", "GET", (
        ("contract_code", J("BTC-USD")), ("page_index", J(1)), ("page_size", J(20)),
    )),
    "/swap-api/v1/swap_settlement_records": ("public", "v1", "GET", (
        ("contract_code", J("BTC-USD")), ("start_time", J(1763000000000)),
        ("end_time", J(1764000000000)), ("page_index", J(1)), ("page_size", J(20)),
    )),
    "/swap-api/v1/swap_user_settlement_records": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("start_time", J(1763000000000)),
        ("end_time", J(1764000000000)), ("page_index", J(1)), ("page_size", J(20)),
    )),
    **{
        f"/swap-api/v3/{name}": ("v3", "v3", "POST", (
            ("contract", J("BTC-USD")), ("type", J("5,6,14,30,31")),
            ("start_time", J(1763999000000)), ("end_time", J(1764000000000)),
            ("direct", J("next")), ("from_id", J(1)),
        ))
        for name in ("swap_financial_record", "swap_financial_record_exact")
    },
    "/swap-api/v1/swap_index": ("public", "v1", "GET", (("contract_code", J("BTC-USD")),)),
    "/swap-api/v1/swap_price_limit": ("public", "v1", "GET", (
        ("contract_code", J("BTC-USD")),
    )),
    # One of price, path and walk at a time: price here; the path's fields in the next entry.
    "/sandbox-api/v1/index-prices": ("admin", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("price", J("60000.5")),
    )),
    "/sandbox-api/v1/index-prices#path": ("admin", "v1", "POST", (
        ("contract_code", J("ETH-USD")),
        ("path", Arr((Arr((J(1764000000000), J("3000"))), Arr((J(1764000060000), J("3100.5")))))),
    )),
    "/swap-api/v1/swap_adjustfactor": ("public", "v1", "GET", (("contract_code", J("BTC-USD")),)),
    "/swap-api/v1/swap_risk_info": ("public", "v1", "GET", (("contract_code", J("BTC-USD")),)),
    "/swap-api/v1/swap_ladder_margin": ("public", "v1", "GET", (
        ("contract_code", J("BTC-USD")),
    )),
    "/swap-api/v1/swap_insurance_fund": ("public", "v1", "GET", (
        ("contract_code", J("BTC-USD")), ("page_index", J(1)), ("page_size", J(100)),
    )),
    "/swap-api/v3/swap_liquidation_orders": ("public", "v3", "GET", (
        ("contract", J("BTC-USD")), ("trade_type", J(0)), ("start_time", J(1763999000000)),
        ("end_time", J(1764000000000)), ("direct", J("next")), ("from_id", J(1)),
    )),
    # The dashboard's reads and cancels on a UID's behalf.
    "/sandbox-api/v1/positions": ("admin", "v1", "GET", (
        ("uid", J(1)), ("contract_code", J("BTC-USD")),
    )),
    "/sandbox-api/v1/strategy-orders": ("admin", "v1", "GET", (
        ("uid", J(1)), ("contract_code", J("BTC-USD")),
    )),
    "/sandbox-api/v1/order-history": ("admin", "v1", "GET", (
        ("uid", J(1)), ("contract_code", J("BTC-USD")), ("size", J("10")),
    )),
    "/sandbox-api/v1/fills": ("admin", "v1", "GET", (
        ("uid", J(1)), ("contract_code", J("BTC-USD")), ("size", J("10")),
    )),
    "/sandbox-api/v1/market": ("admin", "v1", "GET", (
        ("contract_code", J("BTC-USD")), ("period", J("5min")), ("size", J("30")),
    )),
    "/sandbox-api/v1/cancel": ("admin", "v1", "POST", (
        ("uid", J(1)), ("contract_code", J("BTC-USD")), ("order_id", J("$ORDER")),
    )),
    "/sandbox-api/v1/cancel-all": ("admin", "v1", "POST", (
        ("uid", J(1)), ("contract_code", J("BTC-USD")), ("direction", J("buy")),
        ("offset", J("open")),
    )),
    "/sandbox-api/v1/strategy-cancel": ("admin", "v1", "POST", (
        ("uid", J(1)), ("kind", J("trigger")), ("contract_code", J("BTC-USD")),
        ("order_id", J("$STRATEGY")),
    )),
    "/sandbox-api/v1/strategy-cancel-all": ("admin", "v1", "POST", (
        ("uid", J(1)), ("kind", J("trigger")), ("contract_code", J("BTC-USD")),
        ("direction", J("buy")), ("offset", J("open")),
    )),
    # The history family (issue 14): HTX's query_id paging.
    **{
        f"/swap-api/v3/{name}": ("v3", "v3", "POST", (
            ("contract", J("BTC-USD")), ("trade_type", J(0)), ("type", J(1)), ("status", J("0")),
            ("price_type", J("limit")), ("start_time", J(1763999000000)),
            ("end_time", J(1764000000000)), ("direct", J("next")), ("from_id", J(1)),
            ("size", J(20)),
        ))
        for name in ("swap_hisorders", "swap_hisorders_exact")
    },
    "/swap-api/v3/swap_matchresults": ("v3", "v3", "POST", (
        ("contract", J("BTC-USD")), ("trade_type", J(0)), ("start_time", J(1763999000000)),
        ("end_time", J(1764000000000)), ("direct", J("prev")), ("from_id", J(1)),
        ("size", J(20)),
    )),
    "/swap-api/v1/swap_hisorders_exact": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("trade_type", J(0)), ("type", J(1)),
        ("status", J("0")), ("order_price_type", J("limit")), ("start_time", J(1763999000000)),
        ("end_time", J(1764000000000)), ("from_id", J(1)), ("size", J(20)),
        ("direct", J("next")),
    )),
    "/swap-api/v1/swap_matchresults": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("trade_type", J(0)), ("create_date", J(7)),
        ("page_index", J(1)), ("page_size", J(20)),
    )),
    "/swap-api/v1/swap_matchresults_exact": ("v1", "v1", "POST", (
        ("contract_code", J("BTC-USD")), ("trade_type", J(0)), ("start_time", J(1763999000000)),
        ("end_time", J(1764000000000)), ("from_id", J(1)), ("size", J(20)),
        ("direct", J("prev")),
    )),
    # The test controls (docs/test-controls.md): one change of the clock at a time.
    "/sandbox-api/v1/clock": ("admin", "v1", "POST", (("advance_ms", J(60000)),)),
    "/sandbox-api/v1/clock#mode": ("admin", "v1", "POST", (
        ("mode", J("scaled")), ("speed", J(60)),
    )),
    "/sandbox-api/v1/faults": ("admin", "v1", "POST", (
        ("path", J("/swap-api/v1/swap_order")), ("uid", J(1)), ("count", J(2)),
        ("err_code", J(1032)),
    )),
    "/sandbox-api/v1/cancel-delay": ("admin", "v1", "POST", (("cancel_delay_ms", J(1000)),)),
    "/sandbox-api/v1/sessions/close": ("admin", "v1", "POST", (("uid", J(1)),)),
    "/sandbox-api/v1/rate-limits": ("admin", "v1", "POST", (
        ("uid", J(1)), ("trade", J(5)), ("read", J(10)),
    )),
    "/sandbox-api/v1/faults/paths": ("admin", "v1", "GET", ()),
    # Reset and snapshots (a reset with valid fields empties the harness's exchange: only
    # resets follow it in this sweep).
    "/sandbox-api/v1/reset": ("admin", "v1", "POST", (("empty", J(True)),)),
    "/sandbox-api/v1/snapshots": ("admin", "v1", "POST", (("name", J("sweep")),)),
    "/sandbox-api/v1/snapshots#list": ("admin", "v1", "GET", ()),
    "/sandbox-api/v1/snapshots/{}/restore": ("admin", "v1", "POST", ()),
    "/sandbox-api/v1/snapshots/{}": ("admin", "v1", "DELETE", ()),
}  # fmt: skip
SEGMENTS = {
    "/sandbox-api/v1/api-keys/{}/disable": "$KEY",
    "/sandbox-api/v1/contracts/{}": "BTC-USD",
    "/sandbox-api/v1/snapshots/{}/restore": "sweep",
    "/sandbox-api/v1/snapshots/{}": "sweep",
}


def hostile_values() -> list[Value]:
    """Each number as a JSON number and as a string, each other text once, each wrong type."""
    numbers = dict.fromkeys((*EXTREMES, *NUMBER_TOKENS))
    values: list[Value] = [v for n in numbers for v in (Raw(n), J(n))]
    values += [J(t) for t in HOSTILE_TEXTS if t not in numbers]
    values += [*WRONG_TYPES, *(Raw(t) for t in BAD_TOKENS)]
    return values


def _texts(values: list[Value]) -> list[str]:
    """The hostile values a query parameter or a path can carry (see requests.query_hostile)."""
    found: list[str] = []
    for value in values:
        if isinstance(value, J) and isinstance(value.value, str) and len(value.value) <= 5000:
            try:
                value.value.encode()
            except UnicodeEncodeError:
                continue
            if value.value not in found:
                found.append(value.value)
    return found


def requests_for(path: str) -> list[Request]:
    family, envelope, method, fields = BASES[path]
    values = hostile_values()
    texts = _texts(values)
    made: list[Request] = []
    segment = SEGMENTS.get(path)
    target = path.partition("#")[0]  # "#..." tells apart two bases of one path

    def build(pairs: tuple[tuple[str, Value], ...], seg: str | None = segment) -> Request:
        headers = ADMIN_AUTH if family == "admin" else ()
        if method == "GET":
            params = tuple((k, str(v.value)) for k, v in pairs if isinstance(v, J))
            return Request(family, envelope, method, target, seg, params=params, headers=headers)
        body: Value = Obj(pairs)
        if path.endswith("swap_batchorder"):
            body = Obj((("orders_data", Arr((Obj(pairs), Obj(ORDER)))),))
        return Request(family, envelope, method, target, seg, body=body, headers=headers)

    extra = ["client_order_id", "reduce_only"] if fields is ORDER else ["price"]
    if fields is ORDER:  # a leg attached to the order: its trigger price and its order price
        extra += ["tp_trigger_price", "sl_order_price"]
    names = [name for name, _ in fields] + extra
    for index, name in enumerate(names):
        for value in values if method == "POST" else [J(t) for t in texts]:
            pairs = list(fields)
            if index < len(fields):
                pairs[index] = (name, value)
            else:
                pairs.append((name, value))
            made.append(build(tuple(pairs)))
    if method == "POST" and not path.endswith("swap_batchorder"):
        for whole in (*WRONG_TYPES, *(Raw(t) for t in BAD_TOKENS)):
            made.append(Request(family, envelope, method, target, segment, body=whole,
                                headers=ADMIN_AUTH if family == "admin" else ()))  # fmt: skip
    if segment is not None:
        made.extend(build(fields, seg) for seg in texts)
    return made


def sweep(requests: list[Request]) -> list[str]:
    """Send them all, in order; the failures, each with its request."""
    failures: list[str] = []

    async def main() -> None:
        harness = Harness()
        try:
            for request in requests:
                try:
                    await harness.send(request)
                except AssertionError as error:
                    failures.append(str(error).split("\n")[0][:700])
                    await harness.aclose()
                    harness = Harness()
        finally:
            await harness.aclose()

    asyncio.run(main())
    return failures


@pytest.mark.parametrize("path", list(BASES))
def test_every_field_takes_every_hostile_value(path: str) -> None:
    failures = sweep(requests_for(path))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def test_the_sweep_covers_every_route_of_the_app() -> None:
    """A new endpoint fails here until the fuzzer knows its fields."""
    from starlette.routing import Route

    from htx_sandbox.http.app import ROUTES
    served = {
        route.path.replace("{access_key}", "{}").replace("{contract_code}", "{}")
        .replace("{name}", "{}")
        for route in ROUTES
        if isinstance(route, Route)
    }
    assert served - set(BASES) == set()
