"""Topic names of the market services: `market.$contract_code.<kind>`, the contract code
case-insensitive, the channel printed with it in upper case (as HTX's `ch` and `subbed` do)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ...core.envelopes import MarketError
from ..session import Session

MAX_TOPIC = 128
"""Longer topic strings are refused unread (HTX's longest is under 60 characters)."""
BAD_REQUEST = "bad-request"


@dataclass(frozen=True, slots=True)
class Topic:
    code: str
    """Upper case, known to the exchange."""
    rest: str
    """What follows the contract code (`depth.step0`), as the kind names it."""

    @property
    def channel(self) -> str:
        return f"market.{self.code}.{self.rest}"


class Kind(Protocol):
    """One kind of topic (klines, depth, trades ...): what `sub`, `unsub` and `req` do."""

    def match(self, rest: str) -> str | None:
        """`rest` in the kind's canonical spelling, or None if it is not this kind's."""
        ...

    def check(self, topic: Topic, message: dict[str, Any]) -> None:
        """Refuse a `sub` with MarketError before anything is answered."""
        ...

    def sub(self, session: Session, topic: Topic, message: dict[str, Any]) -> None:
        """Subscribe, after the `subbed` reply went out (a first push follows it)."""
        ...

    def unsub(self, session: Session, topic: Topic) -> None: ...

    async def req(self, session: Session, topic: Topic, message: dict[str, Any]) -> Any:
        """The `data` of the `rep` reply; MarketError refuses."""
        ...

    def closed(self, session: Session) -> None: ...


def invalid_topic(topic: str) -> MarketError:
    return MarketError(f"invalid topic {topic}", BAD_REQUEST)


def parse(text: Any, known: Any, kinds: list[Kind]) -> tuple[Topic, Kind]:
    """The topic a client named, and its kind; MarketError("invalid topic ...") otherwise.
    `known(code)` says whether a contract is listed."""
    if not isinstance(text, str) or not text:
        raise MarketError("topic cannot be empty", BAD_REQUEST)
    if len(text) > MAX_TOPIC:
        raise invalid_topic(text[:MAX_TOPIC])
    parts = text.split(".", 2)
    if len(parts) != 3 or parts[0] != "market" or not known(parts[1]):
        raise invalid_topic(text)
    for kind in kinds:
        rest = kind.match(parts[2])
        if rest is not None:
            return Topic(parts[1].upper(), rest), kind
    raise invalid_topic(text)
