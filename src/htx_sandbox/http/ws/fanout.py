"""The round: what the three services publish between two turns of the event loop, written to
each connection in one go, and the same bytes to every connection that listens to the same
channels.

`publish` costs one list append per channel the frame goes to, whatever the audience: the
trade tape with 100 subscribers costs what it costs with one. At the end of the loop's turn
(`flush`, one `call_soon` per round) each connection that holds a channel with frames this
round gets them, in publish order, as one write: the frames of its channels joined once per
distinct set of channels (a `Share`: 100 subscribers of the same topic share one join and each
make one transport write). The hub delivers every batch that is waiting in one callback, so a busy
second costs a subscriber a write per round, not one per message.

Order per connection is exact: a frame a connection is sent alone (`Sender.offer`: a reply, a
subscription's snapshot) and every change of a channel's membership first flush the round, so
nothing published before it comes after it, and no subscriber gets a frame published before
it subscribed or after it left.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..core.frames import Frame

if TYPE_CHECKING:
    from .sender import Sender

log = logging.getLogger(__name__)
Subscribers = dict["Sender", None]
"""A channel's subscribers (an ordered set): the dict `Channels` keeps for it."""


class Share:
    """The frames a connection is sent at once, in order, and the same joined into one write
    on first use: once for all the connections of a round that get the same frames."""

    __slots__ = ("_deferred", "_wire", "frames")

    def __init__(self, frames: Sequence[Frame]) -> None:
        self.frames = frames
        self._wire: bytes | None = None
        self._deferred: bool | None = None

    @property
    def wire(self) -> bytes:
        joined = self._wire
        if joined is None:
            joined = self._wire = b"".join([f.wire for f in self.frames])
        return joined

    @property
    def deferred(self) -> bool:
        """Whether a frame is still to be packed (a deferred push): the socket relay's
        process packs it for a connection it writes. Found once for all the round's
        connections: a frame packed here since only stops being deferred, and the relay's
        way writes a packed frame as it is."""
        found = self._deferred
        if found is None:
            found = self._deferred = any(f.deferred is not None for f in self.frames)
        return found


class Fanout:
    __slots__ = ("_audiences", "_due", "_frames")

    def __init__(self) -> None:
        self._frames: list[Frame] = []
        """This round's frames, in publish order."""
        self._audiences: dict[int, tuple[Subscribers, list[int]]] = {}
        """Per channel with frames this round (by its subscribers' dict): the indices of its
        frames in `_frames`."""
        self._due = False

    @property
    def pending(self) -> bool:
        return bool(self._frames)

    def publish(self, audiences: Iterable[Subscribers], frame: Frame) -> None:
        """`frame` to every subscriber of each of `audiences` (once to a connection that holds
        several of them), at the end of the round."""
        index = len(self._frames)
        self._frames.append(frame)
        rounds = self._audiences
        for subscribers in audiences:
            entry = rounds.get(id(subscribers))
            if entry is None:
                rounds[id(subscribers)] = (subscribers, [index])
            elif entry[1][-1] != index:  # the same channel twice: once
                entry[1].append(index)
        if not self._due:
            self._due = True
            asyncio.get_running_loop().call_soon(self._end_of_round)

    def _end_of_round(self) -> None:
        self._due = False
        self.flush()

    def flush(self) -> None:
        """Hand this round's frames to their connections now."""
        frames, rounds = self._frames, self._audiences
        if not frames:
            return
        self._frames, self._audiences = [], {}
        held: dict[Sender, list[list[int]]] = {}
        for subscribers, indices in rounds.values():
            for sender in subscribers:
                lists = held.get(sender)
                if lists is None:
                    held[sender] = [indices]
                else:
                    lists.append(indices)
        built: dict[object, Share] = {}
        for sender, lists in held.items():
            key: object = id(lists[0]) if len(lists) == 1 else tuple(sorted(map(id, lists)))
            share = built.get(key)
            if share is None:
                indices = lists[0] if len(lists) == 1 else sorted({i for p in lists for i in p})
                share = built[key] = Share([frames[i] for i in indices])
            try:
                sender.take(share)  # a closed one refuses: its session drops its channels
            except Exception:  # a bug costs this connection, never the round's others
                log.exception("%s: push failed", sender.name)
                sender.close(1011, "internal error")
