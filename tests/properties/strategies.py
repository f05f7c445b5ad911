"""Hypothesis strategies for the exchange's property tests.

Everything drawn here is plain data (no order ids, no state), so that examples shrink well: an
order is drawn as an `OrderSpec` that the state machine turns into a `PlaceOrder` only when it runs,
and an order to cancel is drawn as an `OrderRef` that picks among the orders created so far.

Values are chosen so that interesting things happen often: prices sit within a few ticks of the
reference price, mostly on the passive side (orders both rest and cross), client order ids come
from a pool of four per UID (duplicates, 1050), lever rates from a small set (1349), and a few
values are invalid on purpose (1037, 1038, 1066, 1069, 1013). The first element of each
`sampled_from` is the "plain" choice that shrinking moves to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from hypothesis import strategies as st

from htx_sandbox.domain.contracts import ContractRegistry, default_contracts
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import StrategyKind, StrategyPriceType, TriggerType
from htx_sandbox.domain.types import (
    UID,
    ClientOrderId,
    ContractStatus,
    Direction,
    Offset,
    OrderPriceType,
    SelfMatchPrevent,
)

START_MS = 1_735_689_600_000
"""2025-01-01T00:00:00Z: order ids derived from it have 18 digits, as HTX's do."""

UIDS: tuple[UID, ...] = (UID(1), UID(2), UID(3), UID(4), UID(5))
FUNDING: dict[UID, dict[str, Decimal]] = {
    uid: {"BTC": Decimal("0.05"), "ETH": Decimal("0.5")} for uid in UIDS[:-1]
}
# The last UID is poor, so that opening orders run into 1047 (insufficient margin).
FUNDING[UIDS[-1]] = {"BTC": Decimal("0.004"), "ETH": Decimal("0.04")}

CODES = ("BTC-USD", "ETH-USD")
LEVER_RATES = (5, 10, 20)
INVALID_LEVER_RATE = 7
PASSIVE_TICKS = 4
AGGRESSIVE_TICKS = 2

PRICED_TYPES = tuple(t for t in OrderPriceType if t.needs_price)
BOOK_PRICED_TYPES = tuple(t for t in OrderPriceType if not t.needs_price)

PriceFlaw = Literal["off_grid", "zero", "missing"]


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """One order, as data. `lever_rate=None` means "the holding's current lever rate" (10 when
    it has none), which keeps most orders valid; a number may clash with it (1349). `clamp`
    makes a close order fit a position: it turns to the side that has volume available when its
    own has none, and shrinks to what is available, so that closes succeed often."""

    contract_code: str
    direction: Direction
    offset: Offset
    order_price_type: OrderPriceType
    passive_ticks: int
    """Ticks from the reference price away from the other side (a buy's price is below the
    reference, a sell's above); negative values reach across it."""
    price_flaw: PriceFlaw | None
    volume: int
    lever_rate: int | None
    client_order_id: ClientOrderId | None
    self_match_prevent: SelfMatchPrevent
    clamp: bool


@dataclass(frozen=True, slots=True)
class OrderRef:
    """An order id to cancel. With an int, `mine` picks the recent-th newest of the caller's open
    orders on the contract (so that cancels often hit), otherwise, or when the caller has none
    there, the recent-th newest order created so far (any UID's, any contract's, open or final).
    "unknown" is an id that was never issued, "garbage" an unparsable one."""

    recent: int | Literal["unknown", "garbage"]
    mine: bool


uids = st.sampled_from(UIDS)
codes = st.sampled_from((*CODES, "btc-usd", "eth-usd"))
directions = st.sampled_from((Direction.BUY, Direction.SELL))
offsets = st.sampled_from((Offset.OPEN, Offset.CLOSE))
lever_rates = st.sampled_from((*(None,) * 12, *LEVER_RATES, INVALID_LEVER_RATE))
explicit_lever_rates = st.sampled_from((*LEVER_RATES, INVALID_LEVER_RATE))
client_order_ids = st.sampled_from(
    (*(None,) * 20, ClientOrderId(1), ClientOrderId(2), ClientOrderId(3), ClientOrderId(4))
)
price_flaws: st.SearchStrategy[PriceFlaw | None] = st.sampled_from(
    (*(None,) * 20, "off_grid", "zero", "missing")
)
self_match_prevents = st.sampled_from((SelfMatchPrevent.CANCEL_TAKER, SelfMatchPrevent.ALLOW))
volumes = st.integers(min_value=1, max_value=20)
passive_ticks = st.integers(min_value=-AGGRESSIVE_TICKS, max_value=PASSIVE_TICKS)
"""A band of 7 prices per side, overlapping over 5: orders both rest and cross often."""

close_price_types = st.sampled_from((*(OrderPriceType.LIMIT,) * 8, *OrderPriceType))
"""Close orders of every kind, limit ones most: resting close orders are what cancels and
cancel-all must unfreeze position volume for."""

small_dt = st.sampled_from((0, 0, 0, 1, 10, 25, 49, 50, 51, 120))
"""Time between two commands, in ms: often none, so that orders in status 11 (cancel delay
50 ms) meet more commands and get filled while cancelling; sometimes around the delay."""
large_dt = st.sampled_from((1, 49, 50, 51, 1_000, 4_999, 5_000, 5_001, 12_000))
"""A Tick's step in time: long enough, sometimes, for the dead man's switch to fire."""
time_outs = st.sampled_from((5_000, 6_000, 10_000, 4_999))


def order_specs(
    *,
    offset: st.SearchStrategy[Offset] = offsets,
    order_price_type: st.SearchStrategy[OrderPriceType] | None = None,
) -> st.SearchStrategy[OrderSpec]:
    return st.builds(
        OrderSpec,
        contract_code=codes,
        direction=directions,
        offset=offset,
        order_price_type=(
            order_price_type
            if order_price_type is not None
            else st.sampled_from(tuple(OrderPriceType))
        ),
        passive_ticks=passive_ticks,
        price_flaw=price_flaws,
        volume=volumes,
        lever_rate=lever_rates,
        client_order_id=client_order_ids,
        self_match_prevent=self_match_prevents,
        clamp=st.booleans(),
    )


order_refs = st.builds(
    OrderRef,
    st.one_of(st.integers(min_value=0, max_value=15), st.sampled_from(("unknown", "garbage"))),
    st.booleans(),
)
cancel_client_ids = st.sampled_from(("1", "2", "3", "4", "x"))
filter_directions = st.sampled_from((None, None, Direction.BUY, Direction.SELL))
filter_offsets = st.sampled_from((None, None, Offset.OPEN, Offset.CLOSE))
contract_statuses = st.sampled_from(
    (
        ContractStatus.SUSPENSION,
        ContractStatus.IN_SETTLEMENT,
        ContractStatus.DELIVERING,
        ContractStatus.PENDING_LISTING,
        ContractStatus.SETTLEMENT_COMPLETED,
    )
)
"""Statuses a contract does not trade in: suspended (cancels allowed), settling or delivering
(cancels refused too), not yet listed."""
deposit_symbols = st.sampled_from(("BTC", "ETH", "eth", "XRP"))
deposit_amounts = st.sampled_from(
    (Decimal("0.01"), Decimal("0.001"), Decimal(0), Decimal(-1), Decimal("1e-19"))
)


# -- strategy orders -------------------------------------------------------------------------

TRIGGER_ORDER_PRICE_TYPES = (
    StrategyPriceType.LIMIT,
    StrategyPriceType.OPTIMAL_5,
    StrategyPriceType.OPTIMAL_10,
    StrategyPriceType.OPTIMAL_20,
)
TRIGGER_AWAY_TICKS = 3

TriggerFlaw = Literal["off_grid", "zero", "no_order_price", "no_volume", "no_lever_rate"]


@dataclass(frozen=True, slots=True)
class TriggerSpec:
    """One trigger order, as data. Its trigger price sits `away_ticks` from the contract's last
    price (above it for ge, below for le; negative values start on the other side, so that the
    next trade fires it), and a limit one's order price `passive_ticks` from its trigger price
    the way OrderSpec's sit from the reference price; formula_price is a trailing order's
    type only (1034). `lever_rate=None` means "the holding's
    current lever rate" (10 when it has none), as for OrderSpec. Flaws: a trigger price off the
    grid (1038) or zero (1069), a limit without order price (1069), no volume (1040), no lever
    rate sent at all (an open without a holding's lever rate: 1094; a close takes the
    holding's when it fires)."""

    contract_code: str
    trigger_type: TriggerType
    away_ticks: int
    direction: Direction
    offset: Offset
    order_price_type: StrategyPriceType
    passive_ticks: int
    volume: int
    lever_rate: int | None
    flaw: TriggerFlaw | None


@dataclass(frozen=True, slots=True)
class StrategyRef:
    """A strategy order id to cancel: as OrderRef, among the caller's open orders of the
    cancel's kind on the contract (`mine`) or every strategy order created so far, of any kind
    (another kind's is unknown: 1061); "ordinary" names an ordinary order (1061 too)."""

    recent: int | Literal["unknown", "garbage", "ordinary"]
    mine: bool


trigger_types = st.sampled_from((TriggerType.GE, TriggerType.LE))
trigger_order_price_types = st.sampled_from(
    (*(StrategyPriceType.LIMIT,) * 3, *TRIGGER_ORDER_PRICE_TYPES, StrategyPriceType.FORMULA_PRICE)
)
trigger_volumes = st.one_of(volumes, st.just(100_000))
"""100,000 contracts is more margin than any UID has: accepted, then 1047 when it fires."""
trigger_flaws: st.SearchStrategy[TriggerFlaw | None] = st.sampled_from(
    (*(None,) * 20, "off_grid", "zero", "no_order_price", "no_volume", *("no_lever_rate",) * 3)
)

trigger_specs = st.builds(
    TriggerSpec,
    contract_code=codes,
    trigger_type=trigger_types,
    away_ticks=st.integers(min_value=-1, max_value=TRIGGER_AWAY_TICKS),
    direction=directions,
    offset=offsets,
    order_price_type=trigger_order_price_types,
    passive_ticks=passive_ticks,
    volume=trigger_volumes,
    lever_rate=lever_rates,
    flaw=trigger_flaws,
)
strategy_refs = st.builds(
    StrategyRef,
    st.one_of(
        st.integers(min_value=0, max_value=15),
        st.sampled_from(("unknown", "garbage", "ordinary")),
    ),
    st.booleans(),
)
strategy_ref_lists = st.one_of(
    st.lists(strategy_refs, min_size=1, max_size=4),
    st.lists(strategy_refs, min_size=0, max_size=11),
)
"""Mostly a few ids; sometimes none (1066) or more than ten (1052)."""


# -- index prices ----------------------------------------------------------------------------

index_factors = st.sampled_from(
    tuple(Decimal(f) for f in ("1", "0.98", "1.02", "0.95", "1.05", "0.9", "1.1", "0.8",
                               "1.25", "0.6", "1.5"))
)  # fmt: skip
"""Where an index move takes a contract, as a multiple of its reference price: mostly near it,
sometimes far enough (a 10 % fall takes the poorest UID's 20x long) to liquidate."""


# -- the machine's contracts -----------------------------------------------------------------


def machine_contracts() -> ContractRegistry:
    """The default contracts, BTC-USD with a coarse tick: 300 at 60,000 (0.5 % a tick), so that
    the callback rates of trailing orders (0.1 % to 2 %: a fifth of a tick to 4 ticks) and the
    TP/SL near the last price are within the few ticks the machine trades across, and they fire
    often. Its contract size and price stay the default's, so margins are the same. ETH-USD
    keeps its fine tick (0.01 at 3,000), where trailing orders activate and follow but seldom
    fire."""
    registry = ContractRegistry()
    btc, eth = default_contracts()
    btc.price_tick = COARSE_TICK
    registry.add(btc)
    registry.add(eth)
    return registry


COARSE_TICK = Decimal(300)


# -- take-profit / stop-loss -----------------------------------------------------------------

TPSL_LEG_TYPES = TRIGGER_ORDER_PRICE_TYPES
TpslFlaw = Literal["wrong_side", "no_order_price", "off_grid", "formula_price", "too_much", "close"]


@dataclass(frozen=True, slots=True)
class LegSpec:
    """One TP or SL leg, as data: its trigger price `away_ticks` beyond its reference (the
    latest price for a TP/SL on a position, the opening order's price for an attached leg), on
    the side it waits for; a limit leg's order price `passive_ticks` from its trigger price the
    way OrderSpec's sit from the reference price (a closing sell above it rests)."""

    away_ticks: int
    order_price_type: StrategyPriceType
    passive_ticks: int


@dataclass(frozen=True, slots=True)
class TpslSpec:
    """A TP, an SL or both, as data. Flaws, each on the TP when there is one: its trigger price
    at or beyond the reference (1405/1407), a limit without an order price (1069), off the grid
    (1038), formula_price (1034); on a position, a volume above it (1048); on an order, a close
    order carrying legs (1404)."""

    tp: LegSpec | None
    sl: LegSpec | None
    flaw: TpslFlaw | None


leg_specs = st.builds(
    LegSpec,
    away_ticks=st.integers(min_value=1, max_value=4),
    order_price_type=st.sampled_from((*(StrategyPriceType.LIMIT,) * 3, *TPSL_LEG_TYPES)),
    passive_ticks=passive_ticks,
)
tpsl_flaws: st.SearchStrategy[TpslFlaw | None] = st.sampled_from(
    (*(None,) * 16, "wrong_side", "no_order_price", "off_grid", "formula_price", "too_much",
     "close")
)  # fmt: skip
tpsl_specs = st.one_of(
    st.builds(TpslSpec, tp=leg_specs, sl=leg_specs, flaw=tpsl_flaws),
    st.builds(TpslSpec, tp=leg_specs, sl=st.none(), flaw=tpsl_flaws),
    st.builds(TpslSpec, tp=st.none(), sl=leg_specs, flaw=tpsl_flaws),
)
"""Both legs as often as one of them: pairs are what OCO works on."""
tpsl_volumes = st.sampled_from(("all", "all", "part", "one"))
"""How much of the position a TP/SL on it covers."""
attached_price_types = st.sampled_from(
    (*(OrderPriceType.LIMIT,) * 6, OrderPriceType.OPPONENT, OrderPriceType.OPTIMAL_5,
     OrderPriceType.IOC, OrderPriceType.FOK, OrderPriceType.POST_ONLY)
)  # fmt: skip
"""Opening orders that carry legs: mostly limits, which rest or cross by their passive ticks
(and are later filled or cancelled); some priced off the book, some that end at once."""


# -- trailing orders -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrackSpec:
    """One trailing order, as data: its active price `distance` ticks from the latest price on
    the side it activates from (a buy below), or with `wrong_side` at it or beyond (1426).
    `lever_rate` "holding" is the holding's lever rate (10 without one); None sends none (1094
    to open without an exposed holding), 5 clashes with an exposed holding at 10 (1349), 7 is
    not offered (1037)."""

    contract_code: str
    direction: Direction
    offset: Offset
    volume: int
    callback_rate: Decimal
    distance: int
    wrong_side: bool
    order_price_type: StrategyPriceType
    lever_rate: int | Literal["holding"] | None


TRACK_ORDER_PRICE_TYPES = (
    *(StrategyPriceType.FORMULA_PRICE,) * 4,
    *(StrategyPriceType.OPTIMAL_5,) * 2,
    StrategyPriceType.OPTIMAL_10,
    StrategyPriceType.OPTIMAL_20,
    StrategyPriceType.LIMIT,
)
track_codes = st.sampled_from(("BTC-USD",) * 4 + ("btc-usd", "ETH-USD"))
"""Mostly BTC-USD, whose coarse tick lets trailing orders fire."""
callback_rates = st.sampled_from(
    tuple(
        Decimal(rate)
        for rate in ("0.005", "0.01", "0.001", "0.02", "0.01", "0.003", "0.015", "0.0009", "0.2")
    )
)
"""Mostly valid: a fifth of a BTC-USD tick (which fires on the first tick back) to 4 ticks
(which follows the price a while first); 0.0009 and 0.2 are 1425."""
track_specs = st.builds(
    TrackSpec,
    contract_code=track_codes,
    direction=directions,
    offset=offsets,
    volume=st.sampled_from((1, 1, 1, 2, 3, 1, 2, 0, 100_000)),
    callback_rate=callback_rates,
    distance=st.integers(min_value=1, max_value=6),
    wrong_side=st.sampled_from((False,) * 9 + (True,)),
    order_price_type=st.sampled_from(TRACK_ORDER_PRICE_TYPES),
    lever_rate=st.sampled_from(("holding",) * 10 + (None, 5, 7)),
)
"""Volume 0 is 1040, 100,000 contracts 1047 when it fires; limit is not a trailing type
(1034)."""
strategy_kinds = st.sampled_from(tuple(StrategyKind))
SMALL_LIMITS = StrategyLimits(per_contract=2, platform=3)
exchange_setups = st.sampled_from(((0, None), (50, None), (0, SMALL_LIMITS), (50, SMALL_LIMITS)))
"""(cancel delay in ms, strategy order limits): the default limits (100 a contract, 500 in all)
or small ones that the rules reach."""
price_walks = st.lists(st.integers(min_value=-4, max_value=4), min_size=1, max_size=4)
"""Steps of a walk of the price, in ticks from the latest price."""
