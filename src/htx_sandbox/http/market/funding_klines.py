"""Klines of the funding series under `/index/market/history/`: `swap_premium_index_kline`
(`market.BTC-USD.premium_index.5min`) and `swap_estimated_rate_kline`
(`market.BTC-USD.estimated_rate.5min`), in the mark price kline's shape (string OHLC, zero
volumes; index_klines.py), from the series the funding clock's samples feed
(service/funding_series.py)."""

from __future__ import annotations

from starlette.routing import Route

from ...service.funding_series import ESTIMATED_RATE, PREMIUM_INDEX
from .index_klines import series_kline

swap_premium_index_kline = series_kline(PREMIUM_INDEX)
swap_estimated_rate_kline = series_kline(ESTIMATED_RATE)

routes = [
    Route(
        "/index/market/history/swap_premium_index_kline",
        swap_premium_index_kline,
        methods=["GET"],
    ),
    Route(
        "/index/market/history/swap_estimated_rate_kline",
        swap_estimated_rate_kline,
        methods=["GET"],
    ),
]
