"""The liquidation index: accounts by the mark that liquidates them, taken out exactly when a
mark reaches them, replaced entries never reported, memory bounded by what is indexed."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.liquidation_book import LiquidationIndex
from htx_sandbox.domain.types import UID

D = Decimal
BTC = "BTC-USD"


def test_a_falling_mark_reaches_longs_from_the_highest_trigger_down() -> None:
    index = LiquidationIndex()
    for uid, price in ((1, "50000"), (2, "55000"), (3, "58000")):
        index.set((UID(uid), "BTC"), BTC, "falls", D(price))
    assert index.crossed(BTC, "BTC", D(58001)) == []
    assert index.crossed(BTC, "BTC", D(55000)) == [UID(3), UID(2)]  # ends included
    assert list(index.placed) == [(UID(1), "BTC")]


def test_a_rising_mark_reaches_shorts_from_the_lowest_trigger_up() -> None:
    index = LiquidationIndex()
    index.set((UID(1), "BTC"), BTC, "rises", D(70000))
    index.set((UID(2), "BTC"), BTC, "rises", D(65000))
    index.set((UID(3), "BTC"), BTC, "falls", D(50000))
    assert index.crossed(BTC, "BTC", D(66000)) == [UID(2)]
    assert len(index) == 2


def test_a_replaced_or_removed_entry_is_never_reported() -> None:
    index = LiquidationIndex()
    key = (UID(1), "BTC")
    index.set(key, BTC, "falls", D(59000))
    index.set(key, BTC, "falls", D(40000))  # moved away
    assert index.crossed(BTC, "BTC", D(50000)) == []
    index.set((UID(2), "BTC"), BTC, "falls", D(58000))
    index.remove((UID(2), "BTC"))
    assert index.crossed(BTC, "BTC", D(1)) == [UID(1)]
    assert not index


def test_an_account_on_several_contracts_is_kept_aside() -> None:
    index = LiquidationIndex()
    key = (UID(1), "BTC")
    index.set(key, BTC, "falls", D(59000))
    index.set_multi(key)
    assert index.multi == {"BTC": {UID(1)}} and key not in index.placed
    assert index.crossed(BTC, "BTC", D(1)) == []
    index.set(key, BTC, "falls", D(59000))
    assert index.multi == {} and index.crossed(BTC, "BTC", D(59000)) == [UID(1)]


def test_dead_entries_stay_within_the_live_ones() -> None:
    index = LiquidationIndex()
    for uid in range(100):
        index.set((UID(uid), "BTC"), BTC, "falls", D(50000))
    for round_ in range(1, 50):  # every account's trigger moves 49 times
        for uid in range(100):
            index.set((UID(uid), "BTC"), BTC, "falls", D(50000 - round_))
    assert index.entries <= 2 * len(index) + 65
    assert sorted(index.crossed(BTC, "BTC", D(49951))) == [UID(u) for u in range(100)]
