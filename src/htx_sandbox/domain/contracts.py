"""Perpetual swap contracts: HTX's contract_info fields plus the sandbox's own settings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import bounds
from .bounds import MAX_PRICE_DECIMALS, MAX_PRICE_DIGITS
from .errors import ErrorCode, HtxError
from .types import ContractStatus, Millis

FUNDING_INTERVAL_MS = 8 * 3_600_000
# Funding settles every 8 hours from 00:00 UTC: HTX's own contract_info example answers at 02:23 UTC
# with settlement_date 08:00 UTC (see docs/compatibility.md).
FUNDING_PHASE_MS = 0
DEFAULT_LEVER_RATES = (1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 125)
DEFAULT_PRICE_LIMIT_RATE = Decimal("0.06")
"""HTX's hard price limit for its BTC swaps: buys at most 6 % above the index, sells at most 6 %
below it (domain/price_limits.py)."""


@dataclass(slots=True)
class Contract:
    contract_code: str
    symbol: str
    contract_size: Decimal
    """Face value of one contract in USD."""
    price_tick: Decimal
    reference_price: Decimal
    """Mark price used until the contract's first trade."""
    contract_status: ContractStatus = ContractStatus.LISTING
    create_date: str = "20200325"
    max_order_volume: int = 1_000_000
    """Per-order volume cap (1041 above it)."""
    max_open_orders: int = 10_000
    """Cap on an account's unfinished opening orders, and separately closing orders (1234/1235)."""
    lever_rates: tuple[int, ...] = DEFAULT_LEVER_RATES
    maker_fee_rate: Decimal = Decimal("0.0002")
    taker_fee_rate: Decimal = Decimal("0.0005")
    price_limit_rate: Decimal = DEFAULT_PRICE_LIMIT_RATE
    """The price band's half-width around the index, as a fraction (swap_price_limit)."""
    buy_limit: int | None = None
    """The most contracts one UID may hold long, its unfilled opening buys counted (1042 above
    it); None: no limit (domain/position_limits.py)."""
    sell_limit: int | None = None
    """The same for short positions and opening sells (1043)."""

    def __post_init__(self) -> None:
        self.contract_code = self.contract_code.upper()
        self.symbol = self.symbol.upper()
        # The bounds every figure computed from a contract relies on (domain/bounds.py): a
        # contract outside them is refused whole, whoever lists it.
        if self.contract_size <= 0 or not bounds.within(
            self.contract_size,
            digits=bounds.MAX_CONTRACT_SIZE_DIGITS,
            places=bounds.MAX_CONTRACT_SIZE_DECIMALS,
        ):
            raise ValueError("contract_size must be positive, below 10^9, with 3 decimals at most")
        if self.price_tick <= 0 or not bounds.within(
            self.price_tick, digits=MAX_PRICE_DIGITS, places=MAX_PRICE_DECIMALS
        ):
            raise ValueError("price_tick must be positive, below 10^15, at least 10^-12")
        if (
            self.reference_price <= 0
            or not bounds.within(
                self.reference_price, digits=MAX_PRICE_DIGITS, places=MAX_PRICE_DECIMALS
            )
            or self.reference_price % self.price_tick
            or self.reference_price / self.price_tick > bounds.MAX_TICKS
        ):
            raise ValueError(
                "reference_price must be a positive multiple of price_tick, at most 2^63 - 1 ticks"
            )
        if not 1 <= self.max_order_volume <= bounds.MAX_ORDER_VOLUME:
            raise ValueError(f"max_order_volume must be 1 to {bounds.MAX_ORDER_VOLUME}")
        if not 1 <= self.max_open_orders <= bounds.MAX_OPEN_ORDERS:
            raise ValueError(f"max_open_orders must be 1 to {bounds.MAX_OPEN_ORDERS}")
        if not valid_price_limit_rate(self.price_limit_rate):
            raise ValueError("price_limit_rate must be above 0, below 1, with 6 decimals at most")
        for limit in (self.buy_limit, self.sell_limit):
            if limit is not None and not 1 <= limit <= bounds.MAX_POSITION_LIMIT:
                raise ValueError(f"position limits must be 1 to {bounds.MAX_POSITION_LIMIT}")

    def ticks(self, price: Decimal) -> int:
        """The price as a whole number of ticks; 1069 if not positive, 1038 if off the grid.
        A price finer than the finest tick is refused before the division: its remainder
        could underflow to zero and make a price of 0 ticks."""
        if not price.is_finite() or price <= 0 or price.adjusted() >= MAX_PRICE_DIGITS:
            raise HtxError(ErrorCode.PRICE_NOT_REASONABLE)
        if price.adjusted() < -MAX_PRICE_DECIMALS:
            raise HtxError(ErrorCode.PRICE_PRECISION)
        try:
            whole, rest = divmod(price, self.price_tick)
        except InvalidOperation:  # more ticks than Decimal's precision can count
            raise HtxError(ErrorCode.PRICE_PRECISION) from None
        if rest or whole <= 0:
            raise HtxError(ErrorCode.PRICE_PRECISION)
        if whole > bounds.MAX_TICKS:
            raise HtxError(ErrorCode.PRICE_NOT_REASONABLE)
        return int(whole)

    def price(self, ticks: int) -> Decimal:
        return ticks * self.price_tick

    def settlement_date(self, now: Millis) -> Millis:
        """The next funding settlement after now, as HTX's contract_info reports it."""
        elapsed = (now - FUNDING_PHASE_MS) % FUNDING_INTERVAL_MS
        return Millis(now - elapsed + FUNDING_INTERVAL_MS)


def valid_price_limit_rate(rate: Decimal) -> bool:
    """Above 0, below 1, at most 6 decimals: the band's bounds stay exact and positive."""
    return (
        rate.is_finite()
        and 0 < rate < 1
        and bounds.within(rate, digits=1, places=bounds.MAX_PRICE_LIMIT_RATE_DECIMALS)
    )


def default_contracts() -> list[Contract]:
    return [
        Contract("BTC-USD", "BTC", Decimal(100), Decimal("0.1"), Decimal(60000)),
        Contract("ETH-USD", "ETH", Decimal(10), Decimal("0.01"), Decimal(3000)),
    ]


@dataclass(slots=True)
class ContractRegistry:
    """Contracts by upper-case code; lookups are case-insensitive as HTX's are."""

    _by_code: dict[str, Contract] = field(default_factory=dict)

    @classmethod
    def with_defaults(cls) -> ContractRegistry:
        registry = cls()
        for contract in default_contracts():
            registry.add(contract)
        return registry

    def add(self, contract: Contract) -> None:
        if contract.contract_code in self._by_code:
            raise ValueError(f"contract {contract.contract_code} is already listed")
        self._by_code[contract.contract_code] = contract

    def get(self, contract_code: str) -> Contract:
        # Most callers already spell the code in upper case: try it as given first.
        contract = self._by_code.get(contract_code) or self._by_code.get(contract_code.upper())
        if contract is None:
            raise HtxError(ErrorCode.CONTRACT_NOT_EXIST)
        return contract

    def __contains__(self, contract_code: str) -> bool:
        return contract_code.upper() in self._by_code

    def __iter__(self) -> Iterator[Contract]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)
