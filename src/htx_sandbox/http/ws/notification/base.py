"""What every /swap-notification topic shares: who subscribed what, HTX's subscribe and
unsubscribe rules, and the fan-out.

A channel is one topic of one owner: `<uid>|orders.BTC-USD` for a private topic,
`public.BTC-USD.funding_rate` for a public one, `*` standing for every contract. A push names
its owner and contract; it goes to the subscribers of that contract's channel and of the `*`
one, packed once and sent once to each connection however many of them it holds.

Rules (HTX's tables): a topic already held is refused (2014); `X.*` unsubscribes every `X` topic
of the connection, `X.code` only that one, and a topic not held is refused (2012), so `X.*`
cannot be taken back contract by contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ....domain.types import UID
from ....service.push import Batch
from ...core import frames
from ...shapes.pushes import Deferred
from ..feed import TopicFeed
from ..sender import Sender
from ..session import Session
from .codes import REPEATED_SUBSCRIPTION, TOPIC_NOT_SUBSCRIBED, NotifyError
from .topics import ALL, Topic

Owner = UID | None
"""The UID of a private topic; None for a public one."""


@dataclass(frozen=True, slots=True)
class Push:
    owner: Owner
    code: str
    message: dict[str, Any] | Deferred


@dataclass(frozen=True, slots=True)
class Pushes:
    """What a capture hands to the loop: pushes to the subscribers, in engine order."""

    pushes: Sequence[Push]


@dataclass(frozen=True, slots=True)
class Direct:
    """Pushes for one connection alone (what a new subscription starts from)."""

    sender: Sender
    channel: str
    messages: Sequence[dict[str, Any]]


class NotifyFeed(TopicFeed):
    kind: str = ""
    """The topic's prefix (private) or name (public)."""

    # -- names -----------------------------------------------------------------------------

    def channel(self, owner: Owner, code: str) -> str:
        if owner is None:
            return f"public.{code}.{self.kind}"
        return f"{owner}|{self.kind}.{code}"

    @staticmethod
    def key(owner: Owner, code: str) -> str:
        return code if owner is None else f"{owner}|{code}"

    def listens(self, owner: Owner, code: str) -> bool:
        """Whether anyone subscribed the contract or `*` (read on the engine thread)."""
        codes = self.codes
        return self.key(owner, code) in codes or self.key(owner, ALL) in codes

    # -- sub / unsub -----------------------------------------------------------------------

    def sub(self, session: Session, owner: Owner, topic: Topic) -> None:
        """Subscribe, or NotifyError 2014."""
        sender = session.sender
        channel = self.channel(owner, topic.code)
        if self.channels.holds(channel, sender) or self.covered(sender, owner, topic):
            raise NotifyError(REPEATED_SUBSCRIPTION)
        self.subscribe(channel, self.key(owner, topic.code), sender)

    def covered(self, sender: Sender, owner: Owner, topic: Topic) -> bool:
        """Whether a topic not yet held counts as held already (trigger_order's rule)."""
        return False

    def started(self, session: Session, owner: Owner, topic: Topic) -> None:
        """After the `sub` reply: what the subscription starts with (nothing by default)."""

    def unsub(self, session: Session, owner: Owner, topic: Topic) -> None:
        """Unsubscribe, or NotifyError 2012."""
        sender = session.sender
        if topic.code != ALL:
            if not self.unsubscribe(self.channel(owner, topic.code), sender):
                raise NotifyError(TOPIC_NOT_SUBSCRIBED)
            return
        start = self.channel(owner, "")
        held = [
            c
            for c in self.channels.channels()
            if self._same_kind(c, start) and self.channels.holds(c, sender)
        ]
        if not held:
            raise NotifyError(TOPIC_NOT_SUBSCRIBED)
        for channel in held:
            self.unsubscribe(channel, sender)

    def _same_kind(self, channel: str, start: str) -> bool:
        if start.startswith("public."):  # public.<code>.<kind>
            return channel.startswith("public.") and channel.endswith(f".{self.kind}")
        return channel.startswith(start)

    def closed(self, session: Session) -> None:
        self.drop(session.sender)

    # -- pushes ----------------------------------------------------------------------------

    def deliver(self, captured: object) -> None:
        if isinstance(captured, Direct):
            sender = captured.sender
            if self.channels.holds(captured.channel, sender):
                for message in captured.messages:
                    if not sender.offer(frames.pack(message, shared=False)):
                        self.drop(sender)
                        return
            return
        assert isinstance(captured, Pushes)
        for push in captured.pushes:
            self.publish(push.owner, push.code, push.message)

    def publish(self, owner: Owner, code: str, message: dict[str, Any] | Deferred) -> None:
        """To every subscriber of the contract or of `*`, packed once, once per connection."""
        self.channels.publish_any((self.channel(owner, code), self.channel(owner, ALL)), message)

    def capture(self, batch: Batch) -> object | None:
        raise NotImplementedError

