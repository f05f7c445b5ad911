"""What every push feed shares: its channels, the contracts someone listens to (read by the
engine thread: a frozenset replaced on every change, never mutated), and closing everyone
when the hub reports a gap."""

from __future__ import annotations

from collections.abc import Callable

from ...service.push import Batch, PushHub
from .channels import Channels
from .fanout import Fanout
from .sender import SLOW_CONSUMER, Sender


class TopicFeed:
    each_command = False
    """Captured once per committed batch (market data: sampled, or its batch's trades); a
    feed that pushes every change of an order or an account sets it (PushHub's Feed)."""

    def __init__(self, hub: PushHub, fanout: Fanout) -> None:
        self.hub = hub
        self.channels = Channels(fanout)
        self.codes: frozenset[str] = frozenset()
        """Contracts with a subscriber on any of the feed's channels."""
        self._code_of: dict[str, str] = {}
        hub.attach(self)

    def wanted(self) -> bool:
        return bool(self.codes)

    def subscribe(self, channel: str, code: str, sender: Sender) -> bool:
        self._code_of[channel] = code
        added = self.channels.add(channel, sender)
        self._refresh()
        return added

    def unsubscribe(self, channel: str, sender: Sender) -> bool:
        removed = self.channels.remove(channel, sender)
        self._refresh()
        return removed

    def drop(self, sender: Sender) -> None:
        if self.channels.drop(sender):
            self._refresh()

    def lost(self, reason: str) -> None:
        self.channels.close_all(SLOW_CONSUMER, reason)
        self._refresh()

    def prime(self, capture: Callable[[Batch], object | None]) -> bool:
        return self.hub.prime(self, capture)

    def _refresh(self) -> None:
        live = set(self.channels.channels())
        for channel in [c for c in self._code_of if c not in live]:
            del self._code_of[channel]
        self.codes = frozenset(self._code_of.values())

    # What a feed defines:

    def capture(self, batch: Batch) -> object | None:
        raise NotImplementedError

    def deliver(self, captured: object) -> None:
        raise NotImplementedError
