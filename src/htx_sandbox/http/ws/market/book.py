"""The order book topics of /swap-ws, from one image of each subscribed contract's book:

- `market.$contract_code.depth.stepN`: the whole top of the book (150 levels for step0-5, 14,
  15; 20 for step6-13; unmerged, as the REST depth answers), pushed whenever it changed, and
  once at subscription.
- `market.$contract_code.depth.size_20.high_freq` and `size_150`: with `"data_type":
  "incremental"`, a snapshot (`"event": "snapshot"`) then only the levels that changed
  (`"event": "update"`, a removed level as `[price, 0]`, `version` exactly one more than the
  last push); without it every push is the full book (`"event": "snapshot"`).
- `market.$contract_code.bbo`: the best bid and ask, pushed when either changes.

The engine thread captures the top 150 levels of each subscribed contract after every batch
that placed, filled or cancelled an order, and only when they differ from the last capture;
the loop keeps the last image and derives every channel's message from it. `version` counts
the updates of one contract's book on this server, so every subscriber of a channel gets the
same bytes (compressed once) and a new subscriber starts from a snapshot at the current version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ....domain.events import OrderAccepted, OrderCancelled, OrderTraded
from ....service.market import MarketData
from ....service.push import Batch, PushHub
from ...core.envelopes import MarketError
from ...core.wire import num
from ..feed import TopicFeed
from ..session import Session
from .topics import BAD_REQUEST, Topic

FULL = 150
DEPTH_150 = frozenset({0, 1, 2, 3, 4, 5, 14, 15})
DEPTH_20 = frozenset(range(6, 14))
SIZES = {"size_20": 20, "size_150": 150}
_BOOK_EVENTS = (OrderAccepted, OrderTraded, OrderCancelled)
Level = tuple[Decimal, int]


@dataclass(frozen=True, slots=True)
class Image:
    code: str
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    mrid: int
    ts: int


@dataclass(slots=True)
class _Book:
    """The loop's view of one contract: the last image and each incremental size's version."""

    image: Image
    versions: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SIZES.values(), 1))


def _levels(levels: tuple[Level, ...]) -> list[list[Any]]:
    return [[num(price), volume] for price, volume in levels]


def _changes(before: tuple[Level, ...], after: tuple[Level, ...]) -> list[list[Any]]:
    """What turns `before` into `after`: changed or new levels, and removed ones at 0."""
    old, new = dict(before), dict(after)
    out = [[num(p), v] for p, v in after if old.get(p) != v]
    out.extend([num(p), 0] for p, _ in before if p not in new)
    return out


class Book(TopicFeed):
    def __init__(self, hub: PushHub, market: MarketData) -> None:
        super().__init__(hub)
        self.market = market
        self._captured: dict[str, Image] = {}
        """The engine thread's last capture per contract (touched only there)."""
        self._books: dict[str, _Book] = {}
        self._waiting: dict[str, list[tuple[str, Session]]] = {}
        """Per contract, subscribers still owed their first message (channel, session)."""

    # -- the request side ------------------------------------------------------------------

    def match(self, rest: str) -> str | None:
        if rest == "bbo":
            return rest
        parts = rest.split(".")
        if parts[0] != "depth":
            return None
        if len(parts) == 2 and parts[1].startswith("step"):
            digits = parts[1][4:]
            if digits.isdigit() and len(digits) <= 2 and str(int(digits)) == digits:
                step = int(digits)
                if step in DEPTH_150 or step in DEPTH_20:
                    return rest
        if len(parts) == 3 and parts[1] in SIZES and parts[2] == "high_freq":
            return rest
        return None

    def check(self, topic: Topic, message: dict[str, Any]) -> None:
        if topic.rest.endswith("high_freq"):
            data_type = message.get("data_type", "snapshot")
            if data_type not in ("snapshot", "incremental"):
                raise MarketError(f"invalid data_type {str(data_type)[:20]}", BAD_REQUEST)

    def sub(self, session: Session, topic: Topic, message: dict[str, Any]) -> None:
        channel = topic.channel
        if channel.endswith("high_freq"):
            channel = f"{channel}#{message.get('data_type', 'snapshot')}"
        self.subscribe(channel, topic.code, session.sender)
        book = self._books.get(topic.code)
        if book is not None:
            self._first(channel, session, book)
            return
        waiting = self._waiting.setdefault(topic.code, [])
        waiting.append((channel, session))
        if len(waiting) == 1:
            self.prime(lambda batch: self._take(batch, topic.code))

    def unsub(self, session: Session, topic: Topic) -> None:
        channel = topic.channel
        for key in (channel, f"{channel}#snapshot", f"{channel}#incremental"):
            self.unsubscribe(key, session.sender)
        self._prune()

    def closed(self, session: Session) -> None:
        self.drop(session.sender)
        for waiting in self._waiting.values():
            waiting[:] = [w for w in waiting if w[1] is not session]
        self._prune()

    def _prune(self) -> None:
        """Forget the books nobody listens to: they are no longer kept up to date."""
        codes = self.codes
        for code in [c for c in self._books if c not in codes]:
            del self._books[code]

    async def req(self, session: Session, topic: Topic, message: dict[str, Any]) -> Any:
        raise MarketError(f"invalid topic {topic.channel}", BAD_REQUEST)

    def lost(self, reason: str) -> None:
        super().lost(reason)
        self._books.clear()
        self._waiting.clear()

    # -- the engine thread -----------------------------------------------------------------

    def _take(self, batch: Batch, code: str) -> Image:
        bids, asks = batch.reads.depth(code, FULL)
        image = Image(code, tuple(bids), tuple(asks), self.market.last_trade_id(code), batch.now)
        self._captured[code] = image
        return image

    def capture(self, batch: Batch) -> object | None:
        codes = self.codes
        for code in [c for c in self._captured if c not in codes]:
            del self._captured[code]
        if not any(isinstance(event, _BOOK_EVENTS) for event in batch.events):
            return None
        images = []
        for code in codes:
            last = self._captured.get(code)
            bids, asks = batch.reads.depth(code, FULL)
            if last is not None and tuple(bids) == last.bids and tuple(asks) == last.asks:
                continue
            images.append(self._take(batch, code))
        return images or None

    # -- the loop --------------------------------------------------------------------------

    def deliver(self, captured: object) -> None:
        for image in captured if isinstance(captured, list) else [captured]:
            assert isinstance(image, Image)
            self._apply(image)

    def _apply(self, image: Image) -> None:
        code = image.code
        book = self._books.get(code)
        if code not in self.codes:
            self._books.pop(code, None)
            return
        if book is None:
            book = self._books[code] = _Book(image)
        else:
            before, book.image = book.image, image
            self._push(before, book)
        for channel, session in self._waiting.pop(code, []):
            if self.channels.holds(channel, session.sender):
                self._first(channel, session, book)

    def _push(self, before: Image, book: _Book) -> None:
        after, code, channels = book.image, book.image.code, self.channels
        prefix = f"market.{code}."
        if (before.bids[:1], before.asks[:1]) != (after.bids[:1], after.asks[:1]):
            channel = prefix + "bbo"
            if channel in channels:
                channels.publish(channel, self._bbo(channel, after))
        for step in (*DEPTH_150, *DEPTH_20):
            channel = f"{prefix}depth.step{step}"
            if channel in channels:
                count = FULL if step in DEPTH_150 else 20
                if (before.bids[:count], before.asks[:count]) != (
                    after.bids[:count], after.asks[:count]
                ):  # fmt: skip
                    channels.publish(channel, self._step(channel, after, count))
        for name, size in SIZES.items():
            ch = f"{prefix}depth.{name}.high_freq"
            bids = _changes(before.bids[:size], after.bids[:size])
            asks = _changes(before.asks[:size], after.asks[:size])
            if not bids and not asks:
                continue
            book.versions[size] += 1
            incremental = f"{ch}#incremental"
            if incremental in channels:
                tick = self._tick(ch, after, "update", book.versions[size], bids, asks)
                channels.publish(incremental, {"ch": ch, "tick": tick, "ts": after.ts})
            snapshot = f"{ch}#snapshot"
            if snapshot in channels:
                channels.publish(snapshot, self._snapshot(ch, book, size))

    def _first(self, channel: str, session: Session, book: _Book) -> None:
        """A new subscriber's first message: the current state of what it subscribed to."""
        ch = channel.partition("#")[0]
        image = book.image
        if ch.endswith(".bbo"):
            session.send(self._bbo(ch, image))
        elif ch.endswith("high_freq"):
            size = SIZES[ch.split(".")[3]]
            session.send(self._snapshot(ch, book, size))
        else:
            step = int(ch.rsplit("step", 1)[1])
            session.send(self._step(ch, image, FULL if step in DEPTH_150 else 20))

    @staticmethod
    def _tick(
        ch: str, image: Image, event: str, version: int, bids: list[Any], asks: list[Any]
    ) -> dict[str, Any]:
        return {
            "asks": asks, "bids": bids, "ch": ch, "event": event, "id": image.mrid,
            "mrid": image.mrid, "ts": image.ts, "version": version,
        }  # fmt: skip

    def _snapshot(self, ch: str, book: _Book, size: int) -> dict[str, Any]:
        image = book.image
        tick = self._tick(
            ch, image, "snapshot", book.versions[size],
            _levels(image.bids[:size]), _levels(image.asks[:size]),
        )  # fmt: skip
        return {"ch": ch, "tick": tick, "ts": image.ts}

    @staticmethod
    def _step(ch: str, image: Image, count: int) -> dict[str, Any]:
        tick = {
            "mrid": image.mrid, "id": image.ts // 1000, "bids": _levels(image.bids[:count]),
            "asks": _levels(image.asks[:count]), "ts": image.ts, "version": image.ts // 1000,
            "ch": ch,
        }  # fmt: skip
        return {"ch": ch, "ts": image.ts, "tick": tick}

    @staticmethod
    def _bbo(ch: str, image: Image) -> dict[str, Any]:
        bid, ask = image.bids[:1], image.asks[:1]
        tick = {
            "mrid": image.mrid, "id": image.ts // 1000,
            "bid": [num(bid[0][0]), bid[0][1]] if bid else None,
            "ask": [num(ask[0][0]), ask[0][1]] if ask else None,
            "ts": image.ts, "version": image.mrid, "ch": ch,
        }  # fmt: skip
        return {"ch": ch, "ts": image.ts, "tick": tick}
