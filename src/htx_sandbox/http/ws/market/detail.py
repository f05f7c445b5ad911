"""`market.$contract_code.detail`: the rolling 24-hour figures, pushed after every batch that
traded on the contract, and once at subscription: `{"ch", "ts", "tick": {"id", "mrid", "open",
"close", "high", "low", "amount", "vol", "count", "bid", "ask"}}`, numbers as in HTX's example,
volumes counting both sides of each match as the REST overview does."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ....domain.events import OrderTraded
from ....domain.types import Millis, Role
from ....service.market import MarketData, Summary
from ....service.push import Batch, PushHub
from ...core.envelopes import MarketError
from ...core.wire import num
from ...market.fields import SIDES
from ..fanout import Fanout
from ..feed import TopicFeed
from ..sender import Sender
from ..session import Session
from .topics import BAD_REQUEST, Topic

_REST = "detail"
Level = tuple[Decimal, int]


@dataclass(frozen=True, slots=True)
class Figures:
    code: str
    summary: Summary
    bid: Level | None
    ask: Level | None
    mrid: int
    ts: int


@dataclass(frozen=True, slots=True)
class _Push:
    figures: list[Figures]
    session: Session | None
    """A new subscriber's first figures go to it alone; None: to every subscriber."""


class Detail(TopicFeed):
    def __init__(self, hub: PushHub, fanout: Fanout, market: MarketData) -> None:
        super().__init__(hub, fanout)
        self.market = market
        self._fresh: dict[str, set[Sender]] = {}
        """Per channel, subscribers not sent any figures yet (the prime's go to them alone,
        unless a push reached them first)."""

    def match(self, rest: str) -> str | None:
        return rest if rest == _REST else None

    def check(self, topic: Topic, message: dict[str, Any]) -> None:
        pass

    def sub(self, session: Session, topic: Topic, message: dict[str, Any]) -> None:
        if self.subscribe(topic.channel, topic.code, session.sender):
            self._fresh.setdefault(topic.channel, set()).add(session.sender)
            self.prime(lambda batch: _Push([self._figures(batch, topic.code)], session))

    def unsub(self, session: Session, topic: Topic) -> None:
        self.unsubscribe(topic.channel, session.sender)
        self._fresh.get(topic.channel, set()).discard(session.sender)

    def closed(self, session: Session) -> None:
        self.drop(session.sender)
        for fresh in self._fresh.values():
            fresh.discard(session.sender)

    async def req(self, session: Session, topic: Topic, message: dict[str, Any]) -> Any:
        raise MarketError(f"invalid topic {topic.channel}", BAD_REQUEST)

    # -- the engine thread -----------------------------------------------------------------

    def _figures(self, batch: Batch, code: str) -> Figures:
        reads = batch.reads
        summary = self.market.summary(code, Millis(batch.now))
        if summary is None:  # nothing traded in 24 h: flat at the latest price, as REST
            latest = reads.latest_price(reads.contract(code))
            summary = Summary(latest, latest, latest, latest, 0, Decimal(0), 0)
        bids, asks = reads.depth(code, 1)
        return Figures(
            code, summary, bids[0] if bids else None, asks[0] if asks else None,
            self.market.last_trade_id(code), batch.now,
        )  # fmt: skip

    def capture(self, batch: Batch) -> object | None:
        codes = self.codes
        traded: dict[str, None] = {}
        for event in batch.events:
            if type(event) is OrderTraded:
                trade = event.trade
                if trade.role is Role.TAKER and trade.contract_code in codes:
                    traded[trade.contract_code] = None
        if not traded:
            return None
        return _Push([self._figures(batch, code) for code in traded], None)

    # -- the loop --------------------------------------------------------------------------

    def deliver(self, captured: object) -> None:
        assert isinstance(captured, _Push)
        session = captured.session
        for f in captured.figures:
            channel = f"market.{f.code}.{_REST}"
            message = _message(channel, f)
            if session is None:
                self._fresh.pop(channel, None)
                self.channels.publish(channel, message)
                continue
            fresh = self._fresh.get(channel, set())
            if session.sender in fresh:
                fresh.discard(session.sender)
                session.send(message)


def _message(channel: str, f: Figures) -> dict[str, Any]:
    s = f.summary
    tick = {
        "id": f.ts // 1000,
        "mrid": f.mrid,
        "open": num(s.open),
        "close": num(s.close),
        "high": num(s.high),
        "low": num(s.low),
        "amount": num(s.value * SIDES),
        "vol": s.volume * SIDES,
        "count": s.count * SIDES,
        "bid": [num(f.bid[0]), f.bid[1]] if f.bid else [],
        "ask": [num(f.ask[0]), f.ask[1]] if f.ask else [],
    }
    return {"ch": channel, "ts": f.ts, "tick": tick}
