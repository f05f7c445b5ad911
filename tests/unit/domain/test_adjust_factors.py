"""Adjust-factor ladders: the defaults around HTX's examples, tiers by net position, the checks
a contract's own ladders pass, and their stored text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.adjust_factors import (
    Ladder,
    check_ladders,
    default_ladders,
    ladders_from_text,
    ladders_text,
    tier,
)
from htx_sandbox.domain.contracts import Contract, ContractRegistry

D = Decimal


def test_btc_at_125x_is_htx_s_published_ladder() -> None:
    btc = ContractRegistry.with_defaults().get("BTC-USD")
    assert btc.ladders(125) == (
        Ladder(0, 0, 1999, D("0.65")),
        Ladder(1, 2000, 9999, D("0.8")),
        Ladder(2, 10000, None, D("0.85")),
    )


def test_htx_s_help_page_example_net_1800_at_10x_is_10_percent() -> None:
    """Long 1200 and short 3000 BTC contracts at 10x: net 1800, factor 10 %."""
    btc = ContractRegistry.with_defaults().get("BTC-USD")
    assert tier(btc.ladders(10), abs(1200 - 3000)).adjust_factor == D("0.1")


def test_a_contract_of_another_face_value_gets_the_same_notionals() -> None:
    """ETH-USD contracts are worth 10 USD: ten times as many of them make a tier."""
    eth = ContractRegistry.with_defaults().get("ETH-USD")
    assert [(t.min_size, t.max_size) for t in eth.ladders(20)] == [
        (0, 19999), (20000, 99999), (100000, None)
    ]  # fmt: skip


def test_a_lever_rate_between_the_listed_ones_gets_the_next_higher_one_s_factors() -> None:
    assert [t.adjust_factor for t in default_ladders(D(100), 7)] == [
        t.adjust_factor for t in default_ladders(D(100), 10)
    ]
    assert default_ladders(D(100), 200)[0].adjust_factor == D("0.65")


def test_tiers_include_both_ends() -> None:
    ladders = default_ladders(D(100), 125)
    assert [tier(ladders, n).ladder for n in (0, 1999, 2000, 9999, 10000, 10**9)] == [
        0, 0, 1, 1, 2, 2
    ]  # fmt: skip


def test_a_contract_s_own_ladder_replaces_the_default_at_its_lever_rate_only() -> None:
    own = (Ladder(0, 0, None, D("0.4")),)
    contract = Contract("THETA-USD", "THETA", D(10), D("0.00001"), D("0.6"),
                        adjust_factors={20: own})  # fmt: skip
    assert contract.ladders(20) == own
    assert contract.ladders(10) == default_ladders(D(10), 10)


@pytest.mark.parametrize(
    "ladders",
    [
        (),
        (Ladder(0, 1, None, D("0.4")),),  # not from 0
        (Ladder(0, 0, 9, D("0.4")),),  # the last is not open-ended
        (Ladder(0, 0, None, D("0.4")), Ladder(1, 10, None, D("0.5"))),  # open-ended early
        (Ladder(0, 0, 9, D("0.4")), Ladder(1, 11, None, D("0.5"))),  # a gap
        (Ladder(0, 0, 9, D("0.5")), Ladder(1, 10, None, D("0.4"))),  # a lower factor above
        (Ladder(0, 0, None, D("1")),),
        (Ladder(0, 0, None, D("0")),),
        (Ladder(0, 0, None, D("0.1234567890123456789")),),  # 19 places
    ],
)
def test_an_unusable_ladder_is_refused(ladders: tuple[Ladder, ...]) -> None:
    with pytest.raises(ValueError):
        check_ladders(ladders)
    with pytest.raises(ValueError):
        Contract("X-USD", "X", D(10), D("0.01"), D(1), adjust_factors={5: ladders})


def test_stored_text_reads_back_the_same_ladders() -> None:
    own = {
        20: (Ladder(0, 0, 99, D("0.4")), Ladder(1, 100, None, D("0.45"))),
        125: default_ladders(D(100), 125),
    }
    text = ladders_text(own)
    assert text == "20:0-99=0.4|100-=0.45;125:0-1999=0.65|2000-9999=0.8|10000-=0.85"
    assert ladders_from_text(text) == own
    assert ladders_from_text("") == {} and ladders_text({}) == ""
    with pytest.raises(ValueError):
        ladders_from_text("20:0-=1.5")
