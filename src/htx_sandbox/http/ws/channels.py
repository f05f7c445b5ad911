"""Who listens to what: channel -> subscribers, and per subscriber its channels.

`publish` packs a message once (gzip, `frames.pack`) and hands it to the round (`Fanout`) for
every subscriber of its channel, so a public message costs one compression and one append
whatever the audience. A subscriber is a connection's `Sender`; its session drops it from
everything it held when it ends. A change of a channel's subscribers first flushes the round,
so that a frame published before a subscription never reaches it, nor one after it ended.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..core import frames
from .fanout import Fanout
from .sender import Sender


class Channels:
    def __init__(self, fanout: Fanout) -> None:
        self.fanout = fanout
        self._subscribers: dict[str, dict[Sender, None]] = {}
        self._held: dict[Sender, dict[str, None]] = {}

    def add(self, channel: str, sender: Sender) -> bool:
        """Subscribe; False if `sender` already holds `channel`."""
        self._settle()
        subscribers = self._subscribers.setdefault(channel, {})
        if sender in subscribers:
            return False
        subscribers[sender] = None
        self._held.setdefault(sender, {})[channel] = None
        return True

    def remove(self, channel: str, sender: Sender) -> bool:
        """Unsubscribe; False if `sender` did not hold `channel`."""
        self._settle()
        subscribers = self._subscribers.get(channel)
        if subscribers is None or sender not in subscribers:
            return False
        del subscribers[sender]
        if not subscribers:
            del self._subscribers[channel]
        held = self._held[sender]
        del held[channel]
        if not held:
            del self._held[sender]
        return True

    def drop(self, sender: Sender) -> list[str]:
        """Everything `sender` held, unsubscribed; the channels it held."""
        self._settle()
        held = list(self._held.pop(sender, ()))
        for channel in held:
            subscribers = self._subscribers[channel]
            del subscribers[sender]
            if not subscribers:
                del self._subscribers[channel]
        return held

    def holds(self, channel: str, sender: Sender) -> bool:
        return sender in self._subscribers.get(channel, ())

    def channels(self) -> Iterator[str]:
        """Every channel with a subscriber."""
        return iter(list(self._subscribers))

    def subscribers(self, channel: str) -> list[Sender]:
        return list(self._subscribers.get(channel, ()))

    def __contains__(self, channel: str) -> bool:
        return channel in self._subscribers

    def __bool__(self) -> bool:
        return bool(self._subscribers)

    def publish(self, channel: str, message: Any) -> None:
        """Send `message` to every subscriber of `channel`, packed once."""
        subscribers = self._subscribers.get(channel)
        if subscribers:
            frame = frames.pack(message, shared=len(subscribers) > 1)
            self.fanout.publish((subscribers,), frame)

    def publish_any(self, channels: Sequence[str], message: Any) -> None:
        """Send `message` once to every subscriber of any of `channels`, packed once."""
        found = [s for s in map(self._subscribers.get, channels) if s]
        if found:
            # Two channels may be one connection's: packed as shared, it costs time, not bytes.
            shared = len(found) > 1 or len(found[0]) > 1
            self.fanout.publish(found, frames.pack(message, shared=shared))

    def _settle(self) -> None:
        if self.fanout.pending:
            self.fanout.flush()

    def close_all(self, code: int, reason: str) -> None:
        """Close every subscriber (a gap in what they would be sent)."""
        for sender in list(self._held):
            sender.close(code, reason)
            self.drop(sender)
