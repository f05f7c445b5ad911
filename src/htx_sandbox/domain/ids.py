"""Order and trade identifiers."""

from __future__ import annotations

from .types import Millis, OrderId, TradeId

# 2015-01-01T00:00:00Z. Time-based ids from this epoch have 18 digits today and 19 digits from
# 2045 on, and stay below 2**63 for some 270 years: the shape of HTX's order ids.
ORDER_ID_EPOCH_MS = 1_420_070_400_000
_SEQUENCE_BITS = 20
TRADE_ID_START = 100_000_000_000
FILLS_PER_MATCH = 10_000
"""HTX's public per-fill trade id is the match id followed by four digits, the fill's number
within the match from 0 ("50951781561" -> 509517815610000, ...0001): a match of more fills
than this takes the next match ids too, so that no two fills ever share a public id."""


class OrderIdGenerator:
    """Unique, strictly increasing 64-bit order ids, derived from the command's time so that the
    same commands at the same times give the same ids; ids never repeat after a restart that
    resumes from `last`."""

    __slots__ = ("last",)

    def __init__(self, last: int = 0) -> None:
        self.last = last

    def next(self, now: Millis) -> OrderId:
        # Times before the epoch give a negative candidate, and so the next in sequence.
        candidate = (now - ORDER_ID_EPOCH_MS) << _SEQUENCE_BITS
        last = self.last = candidate if candidate > self.last else self.last + 1
        return OrderId(last)


class TradeIdGenerator:
    """Match ids, shared by the maker and taker sides of one match."""

    __slots__ = ("last",)

    def __init__(self, last: int = TRADE_ID_START) -> None:
        self.last = last

    def next(self) -> TradeId:
        self.last += 1
        return TradeId(self.last)

    def reserve(self, fills: int) -> None:
        """After a match of `fills` fills: skip the match ids their public ids took."""
        self.last += (fills - 1) // FILLS_PER_MATCH


def public_trade_id(trade_id: int, number: int) -> int:
    """The public tape's id of a match's fill `number` (1-based, the taker's fills in order)."""
    return trade_id * FILLS_PER_MATCH + number - 1
