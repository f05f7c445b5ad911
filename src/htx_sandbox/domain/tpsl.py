"""swap_tpsl_order: a take-profit and/or a stop-loss on an existing position.

`direction` is the closing side (sell protects a long, buy a short). The legs wait (status 2)
freezing nothing, as HTX's pending TP/SL occupy no closable volume; when one fires it closes
what can be closed then, up to its volume, and a placed leg ends its sibling (domain/firing.py).
"""

from __future__ import annotations

from .commands import PlaceTpsl, TpslPlaced
from .errors import ErrorCode, HtxError
from .placement import require_tradable
from .positions import closed_side
from .state import ExchangeState
from .strategy_checks import require_volume
from .tpsl_legs import TP, Reference, add_legs, check_legs
from .types import Millis

NO_LEG = "tp_trigger_price or sl_trigger_price"
"""What 1066 names when neither leg is asked for."""


def place_tpsl(state: ExchangeState, cmd: PlaceTpsl, now: Millis) -> TpslPlaced:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    require_tradable(contract)
    if cmd.tp is None and cmd.sl is None:
        raise HtxError(ErrorCode.FIELD_EMPTY, NO_LEG)
    require_volume(contract, cmd.volume)
    # A position to protect, at least as large as the legs: their volume is what they close.
    holding = state.holdings.get((cmd.uid, contract.contract_code))
    position = holding.position(closed_side(cmd.direction)).volume if holding else 0
    if cmd.volume > position:
        raise HtxError(ErrorCode.INSUFFICIENT_CLOSE_AMOUNT)
    checked = check_legs(
        state, cmd.uid, contract, cmd.direction, cmd.tp, cmd.sl,
        Reference.LATEST_PRICE, state.latest_price(contract),
    )  # fmt: skip
    legs = add_legs(
        state, checked, uid=cmd.uid, contract=contract, closing=cmd.direction,
        volume=cmd.volume, now=now,
    )  # fmt: skip
    tp = next((leg.order_id for leg in legs if leg.tpsl_order_type is TP), None)
    sl = next((leg.order_id for leg in legs if leg.tpsl_order_type is not TP), None)
    return TpslPlaced(tp, sl)
