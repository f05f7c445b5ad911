"""A WebSocket connection's sub/req window: `quota` frames in the second that opens with the
first one counted, on the wall clock under the exchange's, so a frozen exchange clock still
ends it (as REST's rate limits)."""

from __future__ import annotations

from typing import Any, cast

from htx_sandbox.http.ws import WsSettings
from htx_sandbox.http.ws.session import Session
from htx_sandbox.service.clock import ExchangeClock, ManualClock

T0 = 1_796_000_000_000


def session(exchange: ExchangeClock, wall: ManualClock) -> Session:
    none = cast(Any, None)  # within() touches neither the socket nor the sender
    return Session(none, none, exchange, WsSettings(), wall)


def test_the_window_ends_with_the_wall_clock_while_the_exchange_clock_is_frozen() -> None:
    wall = ManualClock(T0)
    exchange = ExchangeClock(wall)
    exchange.freeze()
    one = session(exchange, wall)
    assert [one.within("sub", 3) for _ in range(4)] == [True, True, True, False]
    wall.advance(999)
    assert not one.within("sub", 3)  # still the first frame's second
    wall.advance(1)
    assert exchange.now() == T0  # frozen
    assert one.within("sub", 3)  # a new window opens with this frame


def test_kinds_have_their_own_windows() -> None:
    wall = ManualClock(T0)
    one = session(ExchangeClock(wall), wall)
    assert one.within("sub", 1) and not one.within("sub", 1)
    assert one.within("req", 1)
