"""Risk figures of a coin's margin account, all at the mark price: the margin ratio
(risk_rate), the adjust factor each contract applies, the estimated liquidation price, the
bankruptcy price, and the mark price at which the ratio reaches 0 (what the liquidation index
orders accounts by).

    risk_rate = margin_balance / (margin_position + margin_frozen) - adjust_factor

reproduces HTX's two example payloads to every printed digit, and

    liquidation_price = (net x size + factor x max(long, short) x size / lever) / A,
    A = margin_static + long cost value - short cost value

(the price where margin_balance = factor x margin_position, frozen margin left out) reproduces
both of HTX's estimated liquidation prices; docs/compatibility.md, "Risk and liquidation".
With several contracts of one coin (which HTX never lists, the sandbox's domain allows) the
account's factor is the position-margin-weighted mean of theirs, and each contract's prices
are solved with the others at their marks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Context, Decimal

from .accounts import Account
from .adjust_factors import tier
from .contracts import Contract
from .money import initial_margin
from .positions import Holding
from .state import ExchangeState
from .types import UID, ZERO

_WIDE = Context(prec=90)
"""Products and quotients of 1e-18-grid amounts (30 digits at most), exact before rounding."""
RATIO_QUANTUM = Decimal("1e-18")
DEFAULT_LEVER_RATE = 5
"""The lever rate swap_account_info shows for a contract the UID never traded: HTX answers 5
for every untouched contract of an account (a captured HTX payload, docs/compatibility.md)."""
INFINITY = Decimal("Infinity")


@dataclass(frozen=True, slots=True)
class Exposure:
    """One contract of the coin on which the account holds a position, at its mark."""

    contract: Contract
    holding: Holding
    mark: Decimal
    lever_rate: int
    net: int
    """long - short volume."""
    margin: Decimal
    """Position margin: the larger side's initial margin at the mark."""
    unreal: Decimal
    """Unrealized profit of both sides at the mark."""
    factor: Decimal
    """The adjust factor of the net position's tier at the holding's lever rate."""

    @property
    def cost(self) -> Decimal:
        """long cost value - short cost value."""
        return _WIDE.subtract(self.holding.long.cost_value, self.holding.short.cost_value)


def exposures(state: ExchangeState, uid: UID, symbol: str) -> list[Exposure]:
    """The account's positions on the coin's contracts, in contract-code order."""
    holdings = state.holdings_by_user.get(uid)
    if not holdings:
        return []
    found = []
    for code in sorted(holdings):
        holding = holdings[code]
        long, short = holding.long, holding.short
        lever_rate = holding.lever_rate
        if not (long.volume or short.volume) or lever_rate is None:
            continue
        contract = state.contracts.get(code)
        if contract.symbol != symbol:
            continue
        mark = state.mark_price(contract)
        size = contract.contract_size
        net = long.volume - short.volume
        found.append(
            Exposure(
                contract,
                holding,
                mark,
                lever_rate,
                net,
                initial_margin(max(long.volume, short.volume), size, mark, lever_rate),
                _WIDE.add(long.profit_unreal(size, mark), short.profit_unreal(size, mark)),
                tier(contract.ladders(lever_rate), abs(net)).adjust_factor,
            )
        )
    return found


def _sum(values: Iterable[Decimal]) -> Decimal:
    total = ZERO
    for value in values:
        total = _WIDE.add(total, value)
    return total


def _weighted(found: list[Exposure]) -> Decimal:
    """sum of factor x position margin: the account's factor times its position margin."""
    return _sum(_WIDE.multiply(e.factor, e.margin) for e in found)


def at_risk(state: ExchangeState, account: Account) -> bool:
    """Whether the account's margin ratio is at or below 0 at the marks, with a position to
    liquidate: margin_balance <= factor x (margin_position + margin_frozen), exactly."""
    found = exposures(state, account.uid, account.symbol)
    if not found:
        return False
    balance = _WIDE.add(account.margin_static, _sum(e.unreal for e in found))
    position = _sum(e.margin for e in found)
    if not position:
        return balance <= 0
    used = _WIDE.add(position, account.margin_frozen)
    return _WIDE.multiply(balance, position) <= _WIDE.multiply(_weighted(found), used)


# -- what the account endpoints show ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContractRisk:
    """A contract's row of swap_account_info: its lever rate, its factor, its estimated
    liquidation price."""

    lever_rate: int
    adjust_factor: Decimal
    liquidation_price: Decimal | None


@dataclass(frozen=True, slots=True)
class AccountRisk:
    risk_rate: Decimal | None
    """None while nothing uses margin (no position, no open order)."""
    contracts: Mapping[str, ContractRisk]


def default_lever_rate(contract: Contract) -> int:
    rates = contract.lever_rates
    return DEFAULT_LEVER_RATE if DEFAULT_LEVER_RATE in rates else min(rates)


def account_risk(state: ExchangeState, account: Account) -> AccountRisk:
    """The risk figures of the account, per contract of its coin."""
    found = exposures(state, account.uid, account.symbol)
    by_code = {e.contract.contract_code: e for e in found}
    holdings = state.holdings_by_user.get(account.uid, {})
    rows: dict[str, ContractRisk] = {}
    idle_factor = ZERO
    for contract in state.contracts:
        if contract.symbol != account.symbol:
            continue
        code = contract.contract_code
        exposure = by_code.get(code)
        if exposure is not None:
            rows[code] = ContractRisk(
                exposure.lever_rate, exposure.factor, liquidation_price(account, found, exposure)
            )
            continue
        holding = holdings.get(code)
        lever_rate = holding.lever_rate if holding and holding.lever_rate else None
        first = tier(contract.ladders(lever_rate or default_lever_rate(contract)), 0)
        if lever_rate is not None:
            idle_factor = max(idle_factor, first.adjust_factor)
        rows[code] = ContractRisk(
            lever_rate or default_lever_rate(contract), first.adjust_factor, None
        )
    balance = _WIDE.add(account.margin_static, _sum(e.unreal for e in found))
    position = _sum(e.margin for e in found)
    used = _WIDE.add(position, account.margin_frozen)
    risk_rate: Decimal | None = None
    if used:
        factor = _WIDE.divide(_weighted(found), position) if position else idle_factor
        risk_rate = margin_ratio(balance, position, account.margin_frozen, factor)
    return AccountRisk(risk_rate, rows)


def margin_ratio(
    margin_balance: Decimal, margin_position: Decimal, margin_frozen: Decimal, factor: Decimal
) -> Decimal:
    """HTX's risk_rate: margin_balance / (margin_position + margin_frozen) - adjust_factor,
    truncated to 18 places as HTX prints it (margin_position + margin_frozen > 0)."""
    used = _WIDE.add(margin_position, margin_frozen)
    ratio = _WIDE.subtract(_WIDE.divide(margin_balance, used), factor)
    return ratio.quantize(RATIO_QUANTUM, rounding=ROUND_DOWN, context=_WIDE)


def liquidation_price(
    account: Account, found: list[Exposure], exposure: Exposure
) -> Decimal | None:
    """HTX's estimated liquidation price of one contract: the mark at which margin_balance
    falls to factor x margin_position, frozen margin left out, other contracts at their marks;
    truncated to 18 places, as HTX prints it. None when no positive price does it."""
    others = [e for e in found if e is not exposure]
    base = _WIDE.add(
        _WIDE.add(account.margin_static, exposure.cost), _sum(e.unreal for e in others)
    )
    denominator = _WIDE.subtract(base, _weighted(others))
    if not denominator:
        return None
    contract = exposure.contract
    size = contract.contract_size
    holding = exposure.holding
    larger = max(holding.long.volume, holding.short.volume)
    numerator = _WIDE.add(
        _WIDE.multiply(exposure.net, size),
        _WIDE.divide(_WIDE.multiply(exposure.factor, _WIDE.multiply(larger, size)),
                     exposure.lever_rate),
    )  # fmt: skip
    price = _WIDE.divide(numerator, denominator)
    if price <= 0:
        return None
    return price.quantize(RATIO_QUANTUM, rounding=ROUND_DOWN, context=_WIDE)


def bankruptcy_price(
    state: ExchangeState, account: Account, contract: Contract
) -> Decimal | None:
    """The mark of `contract` at which the account's margin_balance is 0 (its other contracts
    at their marks): what liquidation orders are priced at. None when its position there has
    no such price (a short whose balance cannot run out, or nothing held)."""
    found = exposures(state, account.uid, account.symbol)
    exposure = next((e for e in found if e.contract is contract), None)
    if exposure is None or not exposure.net:
        return None
    others = _sum(e.unreal for e in found if e is not exposure)
    base = _WIDE.add(_WIDE.add(account.margin_static, exposure.cost), others)
    if not base or (base > 0) != (exposure.net > 0):
        return None
    return _WIDE.divide(_WIDE.multiply(exposure.net, contract.contract_size), base)


# -- the liquidation index's key -------------------------------------------------------------

FALLS = "falls"
"""Liquidated once the mark is at or below the key."""
RISES = "rises"
"""Liquidated once the mark is at or above the key."""
WIDEN = Decimal("1e-9")
_UP, _DOWN = 1 + WIDEN, 1 - WIDEN
_TRIGGER = Context(prec=40)
"""The trigger is a filter (an exact check follows), widened far beyond 40 digits' error."""
"""Keys are moved this fraction towards the current side: the exact ratio, computed from
amounts rounded to 1e-18, may reach 0 a hair before the closed form says; an account the
index reports early is checked exactly and kept when it is not yet at risk."""


@dataclass(frozen=True, slots=True)
class Trigger:
    contract_code: str
    side: str
    """FALLS or RISES."""
    price: Decimal
    """The mark at which the ratio reaches 0 (widened); Infinity: at any mark."""


def trigger(state: ExchangeState, account: Account, holding: Holding) -> Trigger | None:
    """Where the ratio of an account holding a position on one contract only reaches 0, as
    the mark P moves: margin_balance <= factor x (margin_position + margin_frozen) is
    A' x P <= N with A' = A - factor x margin_frozen and N = net x size + factor x
    max(long, short) x size / lever. None when no mark does it (a short whose balance covers
    any rise). On the path of every fill of a position holder: locals, no helpers."""
    contract = state.contracts.get(holding.contract_code)
    lever_rate = holding.lever_rate
    assert lever_rate is not None, "a position has a lever rate"
    size = contract.contract_size
    long, short = holding.long, holding.short
    net = long.volume - short.volume
    factor = tier(contract.ladders(lever_rate), net if net >= 0 else -net).adjust_factor
    add, sub, mul, div = _TRIGGER.add, _TRIGGER.subtract, _TRIGGER.multiply, _TRIGGER.divide
    base = sub(
        add(account.margin_static, sub(long.cost_value, short.cost_value)),
        mul(factor, account.margin_frozen),
    )
    larger = long.volume if long.volume > short.volume else short.volume
    target = add(mul(net, size), div(mul(factor, mul(larger, size)), lever_rate))
    code = contract.contract_code
    if base > 0:
        if target <= 0:
            return None
        return Trigger(code, FALLS, mul(div(target, base), _UP))
    if base < 0 and target < 0:
        return Trigger(code, RISES, mul(div(target, base), _DOWN))
    if target >= 0:  # A' <= 0 <= N: at risk at every mark
        return Trigger(code, FALLS, INFINITY)
    return None
