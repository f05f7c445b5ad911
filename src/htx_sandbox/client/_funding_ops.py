"""What the funding and settlement endpoints send and how their answers are read, for both
clients: the public funding rates and settlement records, and a UID's settlement and
financial records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ._ops import SWAP
from ._wire import Op, drop_none, parse_as, parse_list
from .models import (
    EstimatedSettlementPrice,
    FinancialRecord,
    FundingRate,
    FundingRatePage,
    Klines,
    SettlementRecordsPage,
    UserSettlementPage,
)

V3 = "/swap-api/v3/"
Direct = Literal["prev", "next"]


def _params(fields: dict[str, object]) -> dict[str, str]:
    return {k: str(v) for k, v in drop_none(fields).items()}


def swap_funding_rate(contract_code: str) -> Op[FundingRate]:
    params = {"contract_code": contract_code}
    return Op("GET", SWAP + "swap_funding_rate", parse_as(FundingRate), private=False,
              params=params)  # fmt: skip


def swap_batch_funding_rate(contract_code: str | None) -> Op[list[FundingRate]]:
    params = _params({"contract_code": contract_code})
    return Op("GET", SWAP + "swap_batch_funding_rate", parse_list(FundingRate), private=False,
              params=params)  # fmt: skip


def swap_historical_funding_rate(
    contract_code: str, page_index: int | None, page_size: int | None
) -> Op[FundingRatePage]:
    params = _params(
        {"contract_code": contract_code, "page_index": page_index, "page_size": page_size}
    )
    return Op("GET", SWAP + "swap_historical_funding_rate", parse_as(FundingRatePage),
              private=False, params=params)  # fmt: skip


def swap_settlement_records(
    contract_code: str,
    start_time: int | None,
    end_time: int | None,
    page_index: int | None,
    page_size: int | None,
) -> Op[SettlementRecordsPage]:
    params = _params({
        "contract_code": contract_code, "start_time": start_time, "end_time": end_time,
        "page_index": page_index, "page_size": page_size,
    })  # fmt: skip
    return Op("GET", SWAP + "swap_settlement_records", parse_as(SettlementRecordsPage),
              private=False, params=params)  # fmt: skip


def swap_estimated_settlement_price(
    contract_code: str | None,
) -> Op[list[EstimatedSettlementPrice]]:
    params = _params({"contract_code": contract_code})
    return Op("GET", SWAP + "swap_estimated_settlement_price",
              parse_list(EstimatedSettlementPrice), private=False, params=params)  # fmt: skip


def swap_user_settlement_records(
    contract_code: str,
    start_time: int | None,
    end_time: int | None,
    page_index: int | None,
    page_size: int | None,
) -> Op[UserSettlementPage]:
    body = drop_none({
        "contract_code": contract_code, "start_time": start_time, "end_time": end_time,
        "page_index": page_index, "page_size": page_size,
    })  # fmt: skip
    return Op("POST", SWAP + "swap_user_settlement_records", parse_as(UserSettlementPage),
              body=body)  # fmt: skip


def swap_financial_record(
    contract: str,
    types: int | Sequence[int] | None,
    start_time: int | None,
    end_time: int | None,
    direct: Direct | None,
    from_id: int | None,
    *,
    exact: bool = False,
) -> Op[list[FinancialRecord]]:
    if types is None or isinstance(types, int):
        type_list = None if types is None else str(types)
    else:
        type_list = ",".join(str(t) for t in types)
    body = drop_none({
        "contract": contract, "type": type_list,
        "start_time": start_time, "end_time": end_time, "direct": direct, "from_id": from_id,
    })  # fmt: skip
    path = V3 + ("swap_financial_record_exact" if exact else "swap_financial_record")
    return Op("POST", path, parse_list(FinancialRecord), envelope="v3", body=body)


def funding_kline(series: Literal["premium_index", "estimated_rate"], contract_code: str,
                  period: str, size: int) -> Op[Klines]:  # fmt: skip
    """swap_premium_index_kline / swap_estimated_rate_kline: the mark price kline's shape."""
    params = {"contract_code": contract_code, "period": period, "size": str(size)}
    path = f"/index/market/history/swap_{series}_kline"
    return Op("GET", path, parse_as(Klines), "market", private=False, params=params)
