"""swap_position_limit: the most contracts one UID may hold long (`buy_limit`) and short
(`sell_limit`) on a contract, a setting of the contract (none by default).

HTX's 1042/1043 say what is counted: "order amount + open order amount + position amount
exceeded the single-user long (short) position limit". An opening order is refused when its
volume, the unfilled volume of the UID's opening orders of the same direction and the
position it opens onto together pass the limit. Closing orders only shrink a position: never
refused. The count walks the holding's own open orders, and only on a contract that has a
limit, so that an order on a contract without one costs nothing more.
"""

from __future__ import annotations

from . import bounds
from .commands import NO_POSITION_LIMIT, SetPositionLimits
from .errors import ErrorCode, HtxError
from .events import ContractChanged
from .positions import Holding, opened_side
from .state import ExchangeState
from .types import BUY, OPEN, Direction, Millis


def pending_open_volume(holding: Holding, direction: Direction) -> int:
    """The unfilled volume of the holding's open opening orders in `direction`."""
    return sum(
        order.volume - order.trade_volume
        for order in holding.open_orders.values()
        if order.offset is OPEN and order.direction is direction
    )


def check_position_limit(
    holding: Holding | None, direction: Direction, volume: int, limit: int
) -> None:
    """1042 (buy) / 1043 (sell), naming the limit, when opening `volume` more would pass it."""
    held = 0
    if holding is not None:
        held = holding.position(opened_side(direction)).volume
        held += pending_open_volume(holding, direction)
    if held + volume > limit:
        code = ErrorCode.LONG_POSITION_LIMIT if direction is BUY else ErrorCode.SHORT_POSITION_LIMIT
        raise HtxError(code, limit)


def set_position_limits(state: ExchangeState, cmd: SetPositionLimits, now: Millis) -> None:
    """Positions and orders already over a new limit stay; only later openings are refused."""
    contract = state.contracts.get(cmd.contract_code)
    for name, limit in (("buy_limit", cmd.buy_limit), ("sell_limit", cmd.sell_limit)):
        if limit is not None and not NO_POSITION_LIMIT <= limit <= bounds.MAX_POSITION_LIMIT:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    if cmd.buy_limit is not None:
        contract.buy_limit = cmd.buy_limit or None
    if cmd.sell_limit is not None:
        contract.sell_limit = cmd.sell_limit or None
    state.events.append(ContractChanged(contract.contract_code))
