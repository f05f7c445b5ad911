"""Every endpoint the sandbox serves, the request the schema test sends it, and the shape of its
answer: each field HTX documents for it, with its JSON type (the language of types.py).

Sources, in order of trust: HTX's QA suite's schema tests of its own answers (S8,
``TestSwapApiSchema_0NN``), the current pages (S2), the 2021 reference (S1), all named in
/work/shared/reference. Where they differ the entry says which it follows. The sandbox's own
admin API (``/sandbox-api/``) is checked against what its docs say it answers.

Requests name ids of the test's exchange (tests/schema/world.py) as "$name". Entries run in
this order against one exchange: queries first, then the calls that change it, the cancel-alls
last. A new route fails test_every_route_has_a_schema_entry until it has an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .types import Either, Shape, rows

# -- envelopes -------------------------------------------------------------------------------


def v1(data: Shape) -> dict[str, Shape]:
    return {"status": "str", "data": data, "ts": "int"}


def v3(data: Shape) -> dict[str, Shape]:
    return {"code": "int", "msg": "str", "data": data, "ts": "int"}


def tick(shape: Shape) -> dict[str, Shape]:
    return {"ch": "str", "status": "str", "tick": shape, "ts": "int"}


def data(shape: Shape) -> dict[str, Shape]:
    return {"ch": "str", "status": "str", "ts": "int", "data": shape}


def ticks(shape: Shape) -> dict[str, Shape]:
    return {"status": "str", "ticks": shape, "ts": "int"}


PAGE = {"total_page": "int", "current_page": "int", "total_size": "int"}


def page(name: str, item: Shape, at_least: int = 1) -> dict[str, Shape]:
    return {name: rows(item, at_least), **PAGE}


# -- shapes shared by several endpoints ------------------------------------------------------

# swap_order_info (S8 _043, S1; S2 adds the optional canceled_source and self_match_prevent).
# HTX types volumes as decimal: JSON numbers, printed as integers.
ORDER = {
    "symbol": "str", "contract_code": "str", "volume": "num", "price": "num",
    "order_price_type": "str", "order_type": "int", "direction": "str", "offset": "str",
    "lever_rate": "int", "order_id": "int", "order_id_str": "str", "client_order_id": "int?",
    "created_at": "int", "trade_volume": "num", "trade_turnover": "num", "fee": "num",
    "trade_avg_price": "num?", "margin_frozen": "num", "profit": "num", "status": "int",
    "order_source": "str", "fee_asset": "str", "liquidation_type": "str", "canceled_at": "int",
    "is_tpsl": "int", "real_profit": "num", "canceled_source?": "str",
    "self_match_prevent?": "int",
}  # fmt: skip
# swap_openorders (S8 _045 allows null liquidation_type and canceled_at, as S1's and S2's
# examples print them on an open order), with update_time.
OPEN_ORDER = {**ORDER, "liquidation_type": "str?", "canceled_at": "int?", "update_time": "int"}
# One fill of swap_order_detail (S8 _044, S1).
FILL = {
    "id": "str", "trade_id": "int", "trade_price": "num", "trade_volume": "num",
    "trade_turnover": "num", "trade_fee": "num", "fee_asset": "str", "role": "str",
    "created_at": "int", "profit": "num", "real_profit": "num",
}  # fmt: skip
# swap_order_detail (S8 _044, S2): the order, its liquidation figures and its fills, paged.
DETAIL = {
    **ORDER, "instrument_price": "num", "final_interest": "num", "adjust_value": "num",
    "trades": rows(FILL), **PAGE,
}  # fmt: skip
# v1 swap_hisorders (S8 _046, S1): create_date, an integer order_price_type.
HISTORY_ORDER = {
    "order_id": "int", "order_id_str": "str", "symbol": "str", "contract_code": "str",
    "lever_rate": "int", "direction": "str", "offset": "str", "volume": "num", "price": "num",
    "create_date": "int", "update_time": "int", "order_source": "str",
    "order_price_type": "int", "margin_frozen": "num", "profit": "num", "trade_volume": "num",
    "trade_turnover": "num", "fee": "num", "trade_avg_price": "num", "status": "int",
    "order_type": "int", "fee_asset": "str", "liquidation_type": "str", "is_tpsl": "int",
    "real_profit": "num",
}  # fmt: skip
# v1 swap_hisorders_exact (S8 _047, S1): the v1 row with its query_id, order_price_type a
# string (S8 and S1's table and example alike) and no update_time.
EXACT_ORDER = {
    "query_id": "int", **{k: v for k, v in HISTORY_ORDER.items() if k != "update_time"},
    "order_price_type": "str",
}  # fmt: skip
# v3 swap_hisorders_exact (S2) adds two optional fields; v3 swap_hisorders also update_time.
# S2's tables type order_price_type as a string, its swap_hisorders example prints 6
# (docs/compatibility.md "History and paging": the table is followed).
V3_EXACT_ORDER = {**EXACT_ORDER, "canceled_source?": "str", "self_match_prevent?": "int"}
V3_ORDER = {**V3_EXACT_ORDER, "update_time": "int"}
# One fill of v1 swap_matchresults (S8 _048, S1): no query_id. S1's table types trade_volume
# and trade_turnover int, its example prints both with 18 decimals: HTX's decimal.
MATCH = {
    "match_id": "int", "id": "str", "order_id": "int", "order_id_str": "str", "symbol": "str",
    "contract_code": "str", "direction": "str", "offset": "str", "trade_volume": "num",
    "trade_price": "num", "trade_turnover": "num", "create_date": "int",
    "offset_profitloss": "num", "trade_fee": "num", "role": "str", "real_profit": "num",
    "fee_asset": "str", "order_source": "str",
}  # fmt: skip
# v1 swap_matchresults_exact (S8 _049, S1) and both v3 match results (S2): with query_id.
MATCH_EXACT = {"query_id": "int", **MATCH}


def exact_page(name: str, item: Shape) -> dict[str, Shape]:
    """A v1 _exact page (S8 _047/_049, S1). Its request asks for fewer rows than the window
    holds, so that next_id has a value (S1: null when nothing is left past the page)."""
    return {name: rows(item), "remain_size": "int", "next_id": "int"}


# swap_account_info (S8 _019, S1; S2 adds new_risk_rate and trade_partition).
ACCOUNT = {
    "symbol": "str", "contract_code": "str", "margin_balance": "num", "margin_position": "num",
    "margin_frozen": "num", "margin_available": "num", "profit_real": "num",
    "profit_unreal": "num", "risk_rate": "num?", "liquidation_price": "num?",
    "withdraw_available": "num", "lever_rate": "int", "adjust_factor": "num?",
    "margin_static": "num", "new_risk_rate": "str", "trade_partition": "str",
}  # fmt: skip
# swap_account_position_info's positions (S8 _033, S1; S2 adds adl_risk_percent).
POSITION = {
    "symbol": "str", "contract_code": "str", "volume": "num", "available": "num",
    "frozen": "num", "cost_open": "num", "cost_hold": "num", "profit_unreal": "num",
    "profit_rate": "num", "profit": "num", "position_margin": "num", "lever_rate": "int",
    "direction": "str", "last_price": "num", "adl_risk_percent?": "str",
}  # fmt: skip
ORDER_ID = {"order_id": "int", "order_id_str": "str"}
CANCEL_ERROR = {"order_id": "str", "err_code": "int", "err_msg": "str"}
CANCEL = {"errors": rows(CANCEL_ERROR), "successes": "str"}
# A cancel-all refuses nothing when everything can be cancelled.
CANCEL_ALL = {"errors": rows(CANCEL_ERROR, 0), "successes": "str"}
# A trigger order (S8 _054/_055, S1); history adds what happened to it.
TRIGGER = {
    "symbol": "str", "contract_code": "str", "trigger_type": "str", "volume": "num",
    "order_type": "int", "direction": "str", "offset": "str", "lever_rate": "int",
    "order_id": "int", "order_id_str": "str", "order_source": "str", "trigger_price": "num",
    "order_price": "num", "created_at": "int", "order_price_type": "str", "status": "int",
}  # fmt: skip
TRIGGER_HISTORY = {
    **TRIGGER, "relation_order_id": "str", "triggered_price": "num?", "update_time": "int",
    "triggered_at": "int?", "order_insert_at": "int", "canceled_at": "int", "fail_code": "int?",
    "fail_reason": "str?",
}  # fmt: skip
# A TP/SL order (S8 _059/_060, S2: price_protect is optional).
TPSL = {
    "symbol": "str", "contract_code": "str", "volume": "num", "order_type": "int",
    "direction": "str", "order_id": "int", "order_id_str": "str", "order_source": "str",
    "trigger_type": "str", "trigger_price": "num", "order_price": "num", "created_at": "int",
    "order_price_type": "str", "status": "int", "tpsl_order_type": "str",
    "source_order_id": "str?", "relation_tpsl_order_id": "str", "price_protect?": "int",
}  # fmt: skip
TPSL_HISTORY = {
    **TPSL, "canceled_at": "int", "fail_code": "int?", "fail_reason": "str?",
    "triggered_price": "num?", "relation_order_id": "str", "update_time": "int",
}  # fmt: skip
# A trailing order (S8 _065/_066, S2).
TRACK = {
    "symbol": "str", "contract_code": "str", "volume": "num", "order_type": "int",
    "direction": "str", "offset": "str", "lever_rate": "int", "order_id": "int",
    "order_id_str": "str", "order_source": "str", "created_at": "int",
    "order_price_type": "str", "status": "int", "callback_rate": "num", "active_price": "num",
    "is_active": "int",
}  # fmt: skip
TRACK_HISTORY = {
    **TRACK, "update_time": "int", "canceled_at": "int", "fail_code": "int?",
    "fail_reason": "str?", "market_limit_price": "num?", "formula_price": "num?",
    "real_volume": "num", "triggered_price": "num?", "relation_order_id": "str",
}  # fmt: skip
FUNDING_RATE = {
    "symbol": "str", "contract_code": "str", "fee_asset": "str", "funding_time": "str",
    "funding_rate": "str", "estimated_rate": "str?", "next_funding_time": "str?",
}  # fmt: skip
MERGED = {
    "amount": "str", "ask": "level?", "bid": "level?", "close": "str", "count": "num",
    "high": "str", "id": "int", "low": "str", "open": "str", "ts": "int", "vol": "str",
}  # fmt: skip
# Sampled series (mark price, premium index, estimated rate): strings, volumes "0" (S1).
SAMPLED_BAR = {
    "amount": "str", "close": "str", "count": "str", "high": "str", "id": "int", "low": "str",
    "open": "str", "trade_turnover": "str", "vol": "str",
}  # fmt: skip
FINANCIAL_RECORD = {
    "query_id": "int", "id": "int", "symbol": "str", "type": "int", "amount": "num",
    "ts": "int", "contract_code": "str",
}  # fmt: skip
ADMIN_ACCOUNT = {k: v for k, v in ACCOUNT.items() if k not in (
    "contract_code", "new_risk_rate", "trade_partition",
)} | {"lever_rate": "int?"}  # fmt: skip
API_KEY = {
    "access_key": "str", "uid": "int", "permissions": rows("str"), "ip_whitelist": rows("str", 0),
    "expires_at": "int?", "enabled": "bool", "created_at": "int",
}  # fmt: skip
CONTRACT = {
    "symbol": "str", "contract_code": "str", "contract_size": "num", "price_tick": "num",
    "delivery_time": "str", "create_date": "str", "contract_status": "int",
    "settlement_date": "str",
}  # fmt: skip
ADMIN_CONTRACT = {
    **CONTRACT, "reference_price": "num", "max_order_volume": "int", "max_open_orders": "int",
    "lever_rates": rows("int"), "maker_fee_rate": "num", "taker_fee_rate": "num",
    "price_limit_rate": "num", "buy_limit": "int?", "sell_limit": "int?",
    "adjust_factors": rows({"lever_rate": "int", "ladders": rows({
        "min_size": "int", "max_size": "int?", "adjust_factor": "num",
    })}, 0),  # a contract listed with HTX's defaults has none of its own
}  # fmt: skip
INDEX_PRICE = {
    "contract_code": "str", "index_price": "num?", "index_ts": "int?", "mode": "str",
    "path": rows(rows("num", 2), 0),  # only a path feed has points
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entry:
    method: str
    path: str
    shape: Shape
    request: dict[str, Any] = field(default_factory=dict)
    key: str = "trader"
    """The API key of a signed request (tests/http/conftest.py KEYS)."""

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


V1 = "/swap-api/v1/"
V3 = "/swap-api/v3/"
ADMIN = "/sandbox-api/v1/"
BTC = {"contract_code": "BTC-USD"}
LTC = {"contract_code": "LTC-USD"}
"""The contract of the world's liquidation."""
WINDOW = {"start_time": "$start", "end_time": "$now"}
OPEN_BTC = {
    "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
    "lever_rate": 10, "order_price_type": "limit", "price": "58500",
}  # fmt: skip

SNAPSHOT = {"name": "str", "created_at": "int", "exchange_time": "int"}

ENTRIES: list[Entry] = [
    # -- public reference ----------------------------------------------------------------
    Entry("GET", V1 + "swap_contract_info", v1(rows(CONTRACT)), BTC),  # S8 _001
    Entry("GET", V1 + "swap_index", v1(rows({  # S8 _002
        "contract_code": "str", "index_price": "num", "index_ts": "int",
    })), BTC),
    Entry("GET", V1 + "swap_price_limit", v1(rows({  # S8 _003
        "symbol": "str", "contract_code": "str", "high_limit": "num", "low_limit": "num",
    })), BTC),
    Entry("GET", V1 + "swap_open_interest", v1(rows({  # S8 _004, S2 adds the trade figures
        "symbol": "str", "contract_code": "str", "volume": "num", "amount": "num",
        "trade_amount": "num", "trade_volume": "num", "trade_turnover": "num",
    })), BTC),
    Entry("GET", V1 + "swap_risk_info", v1(rows({  # S8 _005
        "contract_code": "str", "insurance_fund": "num", "estimated_clawback": "num",
    })), BTC),
    Entry("GET", V1 + "swap_insurance_fund", v1({  # S8 _006
        "symbol": "str", "contract_code": "str",
        "tick": rows({"insurance_fund": "num", "ts": "int"}), **PAGE,
    }), {**LTC, "page_index": 1, "page_size": 100}),
    Entry("GET", V1 + "swap_adjustfactor", v1(rows({  # S8 _007
        "symbol": "str", "contract_code": "str", "list": rows({
            "lever_rate": "int", "ladders": rows({
                "ladder": "int", "min_size": "num", "max_size": "num?", "adjust_factor": "num",
            }),
        }),
    })), BTC),
    Entry("GET", V1 + "swap_his_open_interest", v1({  # S8 _008
        "symbol": "str", "contract_code": "str",
        "tick": rows({"volume": "num", "amount_type": "int", "ts": "int"}),
    }), {**BTC, "period": "60min", "amount_type": 1}),
    Entry("GET", V1 + "swap_ladder_margin", v1(rows({  # S8 _009
        "symbol": "str", "contract_code": "str", "list": rows({
            "lever_rate": "int", "ladders": rows({
                "min_margin_balance": "num", "max_margin_balance": "num?",
                "min_margin_available": "num", "max_margin_available": "num?",
            }),
        }),
    })), BTC),
    Entry("GET", V3 + "swap_liquidation_orders", v3(rows({  # S2 (its example has query_id)
        "query_id": "int", "contract_code": "str", "symbol": "str", "direction": "str",
        "offset": "str", "volume": "num", "price": "num", "created_at": "int", "amount": "num",
    })), {"contract": "LTC-USD", "trade_type": 0, **WINDOW}),
    Entry("GET", V1 + "swap_settlement_records", v1(page("settlement_record", {  # S8 _013
        "symbol": "str", "contract_code": "str", "settlement_time": "int",
        "clawback_ratio": "num", "settlement_price": "num", "settlement_type": "str",
    })), {**BTC, **WINDOW}),
    Entry("GET", V1 + "swap_estimated_settlement_price", v1(rows({  # S8 _014
        "contract_code": "str", "estimated_settlement_price": "num?", "settlement_type": "str",
    })), BTC),
    Entry("GET", V1 + "swap_api_state", v1(rows({  # S8 _015
        "symbol": "str", "contract_code": "str", "open": "int", "close": "int", "cancel": "int",
        "transfer_in": "int", "transfer_out": "int", "master_transfer_sub": "int",
        "sub_transfer_master": "int",
    })), BTC),
    Entry("GET", V1 + "swap_funding_rate", v1(FUNDING_RATE), BTC),  # S8 _016
    Entry("GET", V1 + "swap_batch_funding_rate", v1(rows(FUNDING_RATE)), BTC),  # S8 _017
    Entry("GET", V1 + "swap_historical_funding_rate", v1(page("data", {  # S8 _018
        "symbol": "str", "contract_code": "str", "fee_asset": "str", "funding_time": "str",
        "funding_rate": "str", "realized_rate": "str", "avg_premium_index": "str",
    })), BTC),
    Entry("GET", "/api/v1/timestamp", {"status": "str", "ts": "int"}),  # S1
    Entry("GET", "/heartbeat/", v1({  # S1
        "heartbeat": "int", "estimated_recovery_time": "int?", "swap_heartbeat": "int",
        "swap_estimated_recovery_time": "int?", "linear_swap_heartbeat": "int",
        "linear_swap_estimated_recovery_time": "int?",
    })),
    # -- market data (S1, S2) ------------------------------------------------------------
    Entry("GET", "/swap-ex/market/depth", tick({
        "mrid": "int", "id": "int", "bids": rows("level"), "asks": rows("level"), "ts": "int",
        "version": "int", "ch": "str",
    }), {**BTC, "type": "step0"}),
    Entry("GET", "/swap-ex/market/bbo", ticks(rows({
        "contract_code": "str", "ask": "level?", "bid": "level?", "mrid": "int", "ts": "int",
    })), BTC),
    Entry("GET", "/swap-ex/market/detail/merged", tick(MERGED), BTC),
    Entry("GET", "/swap-ex/market/detail/batch_merged", ticks(rows(
        {"contract_code": "str", **MERGED}
    )), BTC),
    Entry("GET", "/v2/swap-ex/market/detail/batch_merged", ticks(rows(
        {"contract_code": "str", **MERGED, "number_of": "str"}
    )), BTC),
    # market/trade prints strings; S1's table names the field "contrct_code", its example
    # (and every answer) contract_code.
    Entry("GET", "/swap-ex/market/trade", tick({"id": "int", "ts": "int", "data": rows({
        "amount": "str", "quantity": "str", "direction": "str", "id": "int", "price": "str",
        "ts": "int", "contract_code": "str",
    })}), BTC),
    # history/trade prints numbers (S1's and S2's tables and examples).
    Entry("GET", "/swap-ex/market/history/trade", data(rows({
        "id": "int", "ts": "int", "data": rows({
            "amount": "num", "quantity": "num", "direction": "str", "id": "int", "price": "num",
            "ts": "int",
        }),
    })), {**BTC, "size": 10}),
    Entry("GET", "/swap-ex/market/history/kline", data(rows({
        "id": "int", "vol": "num", "count": "num", "open": "num", "close": "num", "low": "num",
        "high": "num", "amount": "num",
    })), {**BTC, "period": "60min", "size": 20}),
    *(
        Entry("GET", f"/index/market/history/swap_{series}_kline", data(rows(SAMPLED_BAR)), {
            **BTC, "period": "60min", "size": 20,
        })
        for series in ("mark_price", "premium_index", "estimated_rate")
    ),
    # swap_basis (S2 "Query Basis Data": every value a string).
    Entry("GET", "/index/market/history/swap_basis", data(rows({
        "id": "int", "contract_price": "str", "index_price": "str", "basis": "str",
        "basis_rate": "str",
    })), {**BTC, "period": "60min", "size": 20}),
    # -- private reads ---------------------------------------------------------------------
    Entry("POST", V1 + "swap_account_info", v1(rows({  # S8 _019 saw transfer_profit_ratio
        **ACCOUNT, "transfer_profit_ratio": "num?",
    })), BTC),
    Entry("POST", V1 + "swap_position_info", v1(rows({  # S8 _020, S2 adds the last four
        **POSITION, "adl_risk_percent": "str", "liq_px": "str", "new_risk_rate": "str",
        "trade_partition": "str",
    })), BTC),
    Entry("POST", V1 + "swap_account_position_info", v1(rows({  # S8 _033, S2
        **ACCOUNT, "positions": rows(POSITION),
    })), BTC),
    Entry("POST", V3 + "swap_financial_record", v3(rows(FINANCIAL_RECORD)), {  # S8 _026, S2
        "contract": "BTC-USD", **WINDOW,
    }),
    Entry("POST", V3 + "swap_financial_record_exact", v3(rows(FINANCIAL_RECORD)), {  # S8 _027
        "contract": "BTC-USD", **WINDOW,
    }),
    Entry("POST", V1 + "swap_user_settlement_records", v1(page("settlement_records", {  # S8 _028
        "symbol": "str", "contract_code": "str", "margin_balance_init": "num",
        "margin_balance": "num",
        "settlement_profit_real": "num", "settlement_time": "int", "clawback": "num",
        "funding_fee": "num", "offset_profitloss": "num", "fee": "num", "fee_asset": "str",
        "positions": rows({
            "symbol": "str", "contract_code": "str", "direction": "str", "volume": "num",
            "cost_open": "num", "cost_hold_pre": "num", "cost_hold": "num",
            "settlement_profit_unreal": "num", "settlement_price": "num",
            "settlement_type": "str",
        }),
    })), {**BTC, **WINDOW}),
    Entry("POST", V1 + "swap_order_limit", v1({"order_price_type": "str", "list": rows({  # _029
        "symbol": "str", "contract_code": "str", "open_limit": "num", "close_limit": "num",
    })}), {**BTC, "order_price_type": "limit"}),
    Entry("POST", V1 + "swap_fee", v1(rows({  # S8 _030
        "symbol": "str", "contract_code": "str", "open_maker_fee": "str",
        "open_taker_fee": "str", "close_maker_fee": "str", "close_taker_fee": "str",
        "delivery_fee": "str", "fee_asset": "str",
    })), BTC),
    Entry("POST", V1 + "swap_transfer_limit", v1(rows({  # S8 _031
        "symbol": "str", "contract_code": "str", "transfer_in_max_each": "num",
        "transfer_in_min_each": "num", "transfer_out_max_each": "num",
        "transfer_out_min_each": "num", "transfer_in_max_daily": "num",
        "transfer_out_max_daily": "num", "net_transfer_in_max_daily": "num",
        "net_transfer_out_max_daily": "num",
    })), BTC),
    Entry("POST", V1 + "swap_position_limit", v1(rows({  # S8 _032
        "symbol": "str", "contract_code": "str", "buy_limit": "num", "sell_limit": "num",
    })), BTC),
    Entry("GET", V1 + "swap_api_trading_status", v1({  # S8 _036
        "is_disable": "int", "order_price_types": "str", "disable_reason": "str",
        "disable_interval": "int", "recovery_time": "int",
        "COR": {
            "orders_threshold": "int", "orders": "int", "invalid_cancel_orders": "int",
            "cancel_ratio_threshold": "num", "cancel_ratio": "num", "is_trigger": "int",
            "is_active": "int",
        },
        "TDN": {"disables_threshold": "int", "disables": "int", "is_trigger": "int",
                "is_active": "int"},
    })),
    Entry("POST", V1 + "swap_available_level_rate", v1(rows({  # S8 _037
        "contract_code": "str", "available_level_rate": "str",
    })), BTC),
    Entry("POST", V1 + "swap_balance_valuation", v1(rows({  # S2
        "valuation_asset": "str", "balance": "str",
    })), {"valuation_asset": "BTC"}),
    Entry("POST", V1 + "swap_openorders", v1(page("orders", OPEN_ORDER)), BTC),  # S8 _045
    Entry("POST", V1 + "swap_order_info", v1(rows(ORDER)), {  # S8 _043
        **BTC, "order_id": "$filled,$cancelled",
    }),
    Entry("POST", V1 + "swap_order_detail", v1(DETAIL), {**BTC, "order_id": "$filled"}),
    Entry("POST", V1 + "swap_hisorders", v1(page("orders", HISTORY_ORDER)), {  # S8 _046
        **BTC, "trade_type": 0, "type": 1, "status": "0", "create_date": 7,
    }),
    # The history family (issue 14): v1 _exact and v3 with HTX's query_id paging.
    Entry("POST", V1 + "swap_hisorders_exact", v1(exact_page("orders", EXACT_ORDER)), {  # S8
        **BTC, "trade_type": 0, "type": 1, "status": "0", "size": 2,  # _047's request
    }),
    # UID 2's orders on LTC-USD: one cancelled by self-trade prevention (canceled_source).
    Entry("POST", V3 + "swap_hisorders", v3(rows(V3_ORDER)), {  # S2
        "contract": "LTC-USD", "trade_type": 0, "type": 1, "status": "0", **WINDOW,
    }, key="second"),
    # UID 4's on LTC-USD: its opening order and the liquidation's (order_type 3).
    Entry("POST", V3 + "swap_hisorders_exact", v3(rows(V3_EXACT_ORDER)), {  # S2
        "contract": "LTC-USD", "trade_type": 0, "type": 1, "status": "0", **WINDOW,
    }, key="unfunded"),
    Entry("POST", V1 + "swap_matchresults", v1(page("trades", MATCH)), {  # S8 _048
        **BTC, "trade_type": 0, "create_date": 7,
    }),
    Entry("POST", V1 + "swap_matchresults_exact", v1(exact_page("trades", MATCH_EXACT)), {
        **BTC, "trade_type": 0, "size": 1,  # S8 _049 (UID 1 has two fills here)
    }),
    # UID 4's fills on LTC-USD, the liquidation's among them.
    Entry("POST", V3 + "swap_matchresults", v3(rows(MATCH_EXACT)), {  # S2
        "contract": "LTC-USD", "trade_type": 0, **WINDOW,
    }, key="unfunded"),
    Entry("POST", V3 + "swap_matchresults_exact", v3(rows(MATCH_EXACT)), {  # S2 (S8 _049's rows)
        "contract": "BTC-USD", "trade_type": 0, **WINDOW,
    }),
    Entry("POST", V1 + "swap_trigger_openorders", v1(page("orders", TRIGGER)), BTC),  # _054
    Entry("POST", V1 + "swap_trigger_hisorders", v1(page("orders", TRIGGER_HISTORY)), {  # _055
        **BTC, "trade_type": 0, "status": "0", "create_date": 7,
    }),
    Entry("POST", V1 + "swap_tpsl_openorders", v1(page("orders", TPSL)), BTC),  # S8 _059
    Entry("POST", V1 + "swap_tpsl_hisorders", v1(page("orders", TPSL_HISTORY)), {  # S8 _060
        **BTC, "status": "0", "create_date": 7,
    }),
    Entry("POST", V1 + "swap_relation_tpsl_order", v1({  # S8 _061, S2
        "symbol": "str", "contract_code": "str", "volume": "num", "price": "num",
        "order_price_type": "str", "direction": "str", "offset": "str", "lever_rate": "int",
        "order_id": "int", "order_id_str": "str", "client_order_id": "int?",
        "created_at": "int", "trade_volume": "num", "trade_turnover": "num", "fee": "num",
        "trade_avg_price": "num?", "margin_frozen": "num", "profit": "num", "status": "int",
        "order_type": "int", "order_source": "str", "fee_asset": "str", "canceled_at": "int",
        "tpsl_order_info": rows({
            "volume": "num", "tpsl_order_type": "str", "direction": "str", "order_id": "int",
            "order_id_str": "str", "trigger_type": "str", "trigger_price": "num",
            "order_price": "num", "created_at": "int", "order_price_type": "str",
            "relation_tpsl_order_id": "str", "status": "int", "canceled_at": "int",
            "fail_code": "int?", "fail_reason": "str?", "triggered_price": "num?",
            "relation_order_id": "str", "price_protect?": "int",
        }),
    }), {**BTC, "order_id": "$attached"}),
    Entry("POST", V1 + "swap_track_openorders", v1(page("orders", TRACK)), BTC),  # S8 _065
    Entry("POST", V1 + "swap_track_hisorders", v1(page("orders", TRACK_HISTORY)), {  # _066
        **BTC, "trade_type": 0, "status": "0", "create_date": 7,
    }),
    # -- the sandbox's admin API (README, docs/compatibility.md "The sandbox's own admin API") -
    Entry("GET", ADMIN + "health", v1({
        "engine": "str", "store": "str", "writes": "str", "reads": "str",
        "unavailable_since": "int?", "last_error": "str?", "store_failures": "int",
        "refused_commands": "int", "dropped_timers": "int", "commits": "int",
    })),
    Entry("GET", ADMIN + "accounts", v1(rows({"uid": "int", "accounts": rows(ADMIN_ACCOUNT, 0)}))),
    Entry("GET", ADMIN + "api-keys", v1(rows(API_KEY))),
    Entry("GET", ADMIN + "contracts", v1(rows(ADMIN_CONTRACT))),
    Entry("GET", ADMIN + "orders", v1(rows(OPEN_ORDER)), {"uid": 1, **BTC}),
    Entry("GET", ADMIN + "index-prices", v1(rows(INDEX_PRICE))),
    Entry("POST", ADMIN + "accounts", v1({"uid": "int"}), {"uid": 10000005}),
    Entry("POST", ADMIN + "deposits", v1(ADMIN_ACCOUNT), {
        "uid": 10000005, "symbol": "BTC", "amount": "0.5",
    }),
    Entry("POST", ADMIN + "api-keys", v1({**API_KEY, "secret_key": "str"}), {
        "uid": 10000005, "permissions": ["read", "trade"],
    }),
    Entry("POST", ADMIN + "api-keys/{access_key}/disable", v1(API_KEY), {"access_key": "$key"}),
    Entry("POST", ADMIN + "contracts", v1(ADMIN_CONTRACT), {
        "contract_code": "DOGE-USD", "symbol": "DOGE", "contract_size": 10,
        "price_tick": "0.0001", "reference_price": "0.5",
    }),
    Entry("POST", ADMIN + "contracts/{contract_code}", v1(ADMIN_CONTRACT), {
        "contract_code": "DOGE-USD", "reference_price": "0.51",
    }),
    Entry("POST", ADMIN + "index-prices", v1(INDEX_PRICE), {"contract_code": "ETH-USD",
                                                            "price": "3000"}),
    # Snapshots (docs/test-controls.md): saved, listed, restored as it was (the world goes on
    # unchanged), then deleted; the reset is left out, as it would empty the world.
    Entry("POST", ADMIN + "snapshots", v1(SNAPSHOT), {"name": "schema"}),
    Entry("GET", ADMIN + "snapshots", v1(rows(SNAPSHOT))),
    Entry("POST", ADMIN + "snapshots/{name}/restore", v1(SNAPSHOT), {"name": "schema"}),
    Entry("DELETE", ADMIN + "snapshots/{name}", v1({"name": "str"}), {"name": "schema"}),
    # -- private writes (S8 _038-_066, S1) -------------------------------------------------
    Entry("POST", V1 + "swap_order", v1(ORDER_ID), OPEN_BTC),  # S8 _038
    Entry("POST", V1 + "swap_batchorder", v1({  # S8 _039: one placed, one refused
        "errors": rows({"index": "int", "err_code": "int", "err_msg": "str"}),
        "success": rows({"index": "int", **ORDER_ID}),
    }), {"orders_data": [OPEN_BTC, {**OPEN_BTC, "order_price_type": "nonsense"}]}),
    Entry("POST", V1 + "swap_cancel", v1(CANCEL), {**BTC, "order_id": "$placed,12345"}),  # _040
    Entry("POST", V1 + "swap_switch_lever_rate", v1({  # S8 _042
        "contract_code": "str", "lever_rate": "int",
    }), {"contract_code": "XRP-USD", "lever_rate": 5}, key="second"),
    Entry("POST", V1 + "swap_lightning_close_position", v1(ORDER_ID), {  # S8 _050
        **BTC, "volume": 1, "direction": "sell", "order_price_type": "lightning_ioc",
    }),
    Entry("POST", V1 + "swap_trigger_order", v1(ORDER_ID), {  # S8 _051
        **BTC, "trigger_type": "ge", "trigger_price": "69000", "volume": 1, "direction": "buy",
        "offset": "open", "order_price_type": "optimal_5", "lever_rate": 10,
    }),
    Entry("POST", V1 + "swap_trigger_cancel", v1(CANCEL), {  # S8 _052
        **BTC, "order_id": "$trigger,12345",
    }),
    Entry("POST", V1 + "swap_tpsl_order", v1({  # S8 _056: a leg not asked for is null
        "tp_order": Either(ORDER_ID, "null"), "sl_order": Either(ORDER_ID, "null"),
    }), {**BTC, "direction": "sell", "volume": 1, "tp_trigger_price": "66000",
         "tp_order_price_type": "optimal_5"}),
    Entry("POST", V1 + "swap_tpsl_cancel", v1(CANCEL), {**BTC, "order_id": "$tpsl,12345"}),
    Entry("POST", V1 + "swap_track_order", v1(ORDER_ID), {  # S8 _062
        **BTC, "direction": "buy", "offset": "open", "lever_rate": 10, "volume": 1,
        "callback_rate": "0.01", "active_price": "59000", "order_price_type": "formula_price",
    }),
    Entry("POST", V1 + "swap_track_cancel", v1(CANCEL), {**BTC, "order_id": "$track,12345"}),
    Entry("POST", V1 + "swap-cancel-after", v3({  # S2: its own envelope
        "current_time": "int", "trigger_time": "int?",
    }), {"on_off": 1, "time_out": 60000}),
    # -- the cancel-alls, last: they empty the lists the entries above read ------------------
    Entry("POST", V1 + "swap_trigger_cancelall", v1(CANCEL_ALL), BTC),  # S8 _053
    Entry("POST", V1 + "swap_tpsl_cancelall", v1(CANCEL_ALL), BTC),  # S8 _058
    Entry("POST", V1 + "swap_track_cancelall", v1(CANCEL_ALL), BTC),  # S8 _064
    Entry("POST", V1 + "swap_cancelall", v1(CANCEL_ALL), BTC),  # S8 _041
]  # fmt: skip
