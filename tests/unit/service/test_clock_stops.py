"""Where an advance of the exchange clock stops on its way through an index path: at the
path's points, and 1 ms before each premium sample up to the path's end, at most a day's
worth of them (every n-th beyond); nowhere for an index that walks or stands still."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from htx_sandbox.domain.types import Millis
from htx_sandbox.service.clock_control import MAX_SAMPLE_STOPS, ClockControl
from htx_sandbox.service.price_source import FeedState

MINUTE = 60_000
START = 1_764_572_400_000  # on a minute


class Feeds:
    def __init__(self, feeds: dict[str, FeedState]) -> None:
        self._feeds = feeds

    def feeds(self) -> dict[str, FeedState]:
        return self._feeds


def stops(feeds: dict[str, FeedState], start: int, target: int) -> list[int]:
    control: Any = ClockControl.__new__(ClockControl)
    control.prices = Feeds(feeds)
    result: list[int] = control._stops(start, target)
    return result


def test_no_path_no_stops() -> None:
    walking = {"BTC-USD": FeedState("walk", []), "ETH-USD": FeedState("fixed", [])}
    assert stops(walking, START, START + 8 * 60 * MINUTE) == []


def test_a_path_stops_before_each_sample_and_at_its_points_until_its_end() -> None:
    path = FeedState("path", [(Millis(START + 90_000), Decimal(1)),
                              (Millis(START + 3 * MINUTE), Decimal(2))])  # fmt: skip
    assert stops({"BTC-USD": path}, START, START + 10 * MINUTE) == [
        START + MINUTE - 1, START + 90_000, START + 2 * MINUTE - 1, START + 3 * MINUTE - 1,
        START + 3 * MINUTE,
    ]  # fmt: skip


def test_a_long_path_stops_before_every_nth_sample() -> None:
    days = 3 * 1440 * MINUTE
    path = FeedState("path", [(Millis(START + days), Decimal(1))])
    found = stops({"BTC-USD": path}, START, START + days + MINUTE)
    assert len(found) <= MAX_SAMPLE_STOPS + 1
    samples = found[:-1]  # the path's point ends the list
    gaps = {b - a for a, b in pairwise(samples)}
    assert gaps == {3 * MINUTE}
    assert found[0] == START + MINUTE - 1 and found[-1] == START + days
