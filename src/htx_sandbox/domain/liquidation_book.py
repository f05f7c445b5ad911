"""The accounts that a move of the mark price can bring to liquidation, ordered by the mark at
which they would be: what makes a check after a price move cost O(log n) per account found
and O(1) when none is, however many positions are open.

Per contract, two heaps: accounts liquidated when the mark falls to their price (longs, by
descending price) and when it rises to it (shorts, by ascending price). An account holding a
position on one contract only is in that contract's heaps; one holding positions on several
contracts of its coin (which HTX never lists, but the domain allows) depends on several marks
and is kept aside, in `multi`, and checked whenever the index is. Removal is lazy, as in the
trigger books: a replaced entry is skipped when it surfaces, and the heaps are rebuilt once
dead entries outnumber the live ones.
"""

from __future__ import annotations

import heapq
from decimal import Decimal

from .types import UID

Key = tuple[UID, str]
"""(uid, symbol): one margin account."""
_Entry = tuple[Decimal, int, UID]
"""(sort key, sequence number, uid): the price negated in the falls heap."""


class _Heaps:
    __slots__ = ("falls", "rises")

    def __init__(self) -> None:
        self.falls: list[_Entry] = []
        self.rises: list[_Entry] = []

    def __len__(self) -> int:
        return len(self.falls) + len(self.rises)


class LiquidationIndex:
    __slots__ = ("_dead", "_heaps", "_next", "multi", "placed", "unreachable")

    def __init__(self) -> None:
        self.placed: dict[Key, tuple[str, str, Decimal, int]] = {}
        """Each indexed account's (contract code, side, price, sequence number)."""
        self.multi: dict[str, set[UID]] = {}
        """Per coin: the UIDs holding positions on several of its contracts."""
        self.unreachable: set[Key] = set()
        """Accounts holding a position that no mark can liquidate as they stand (a short its
        balance covers at any price): not in the heaps, but known, so that a change of the
        account (an order's frozen margin) puts it back where it belongs."""
        self._heaps: dict[str, _Heaps] = {}
        self._next = 0
        self._dead = 0

    def __len__(self) -> int:
        """Accounts a mark can reach: in the heaps or aside (not the unreachable ones)."""
        return len(self.placed) + sum(len(uids) for uids in self.multi.values())

    def __bool__(self) -> bool:
        return bool(self.placed) or bool(self.multi)

    def knows(self, key: Key) -> bool:
        """Whether the account is indexed in any way (heaps, aside, unreachable)."""
        if key in self.placed or key in self.unreachable:
            return True
        uids = self.multi.get(key[1])
        return uids is not None and key[0] in uids

    @property
    def entries(self) -> int:
        """Heap entries held, live and dead (what memory is proportional to)."""
        return sum(len(heaps) for heaps in self._heaps.values())

    def contracts(self) -> list[str]:
        """The contracts whose heaps hold an entry (live or not yet skipped)."""
        return [code for code, heaps in self._heaps.items() if heaps.falls or heaps.rises]

    def set(self, key: Key, contract_code: str, side: str, price: Decimal) -> None:
        """Index the account at `price` on `contract_code` (side "falls" or "rises")."""
        current = self.placed.get(key)
        if current is not None:
            if current[:3] == (contract_code, side, price):
                return
            self._dead += 1
        self._drop_multi(key)
        self.unreachable.discard(key)
        self._next += 1
        seq = self._next
        self.placed[key] = (contract_code, side, price, seq)
        heaps = self._heaps.get(contract_code)
        if heaps is None:
            heaps = self._heaps[contract_code] = _Heaps()
        if side == "falls":
            heapq.heappush(heaps.falls, (-price, seq, key[0]))
        else:
            heapq.heappush(heaps.rises, (price, seq, key[0]))
        self._compact_if_sparse()

    def set_multi(self, key: Key) -> None:
        self.remove(key)
        self.multi.setdefault(key[1], set()).add(key[0])

    def set_unreachable(self, key: Key) -> None:
        self.remove(key)
        self.unreachable.add(key)

    def remove(self, key: Key) -> None:
        if self.placed.pop(key, None) is not None:
            self._dead += 1
            self._compact_if_sparse()
        self._drop_multi(key)
        self.unreachable.discard(key)

    def _drop_multi(self, key: Key) -> None:
        uids = self.multi.get(key[1])
        if uids is not None and key[0] in uids:
            uids.discard(key[0])
            if not uids:
                del self.multi[key[1]]

    def crossed(self, contract_code: str, symbol: str, mark: Decimal) -> list[UID]:
        """Take out the accounts of `contract_code` that the mark reaches: those liquidated at
        or above it (falls) and at or below it (rises). They leave the index: whoever keeps
        one (not yet at risk, on an exact check) sets it again."""
        heaps = self._heaps.get(contract_code)
        if heaps is None:
            return []
        out: list[UID] = []
        placed = self.placed
        falls, rises = heaps.falls, heaps.rises
        while falls and -falls[0][0] >= mark:
            _, seq, uid = heapq.heappop(falls)
            if self._live(placed, (uid, symbol), seq):
                del placed[(uid, symbol)]
                out.append(uid)
            else:
                self._dead -= 1
        while rises and rises[0][0] <= mark:
            _, seq, uid = heapq.heappop(rises)
            if self._live(placed, (uid, symbol), seq):
                del placed[(uid, symbol)]
                out.append(uid)
            else:
                self._dead -= 1
        return out

    @staticmethod
    def _live(placed: dict[Key, tuple[str, str, Decimal, int]], key: Key, seq: int) -> bool:
        current = placed.get(key)
        return current is not None and current[3] == seq

    def _compact_if_sparse(self) -> None:
        if self._dead > 64 and self._dead > len(self.placed):
            self._compact()

    def _compact(self) -> None:
        live = {(code, seq) for code, _, _, seq in self.placed.values()}
        for code, heaps in self._heaps.items():
            heaps.falls = [e for e in heaps.falls if (code, e[1]) in live]
            heaps.rises = [e for e in heaps.rises if (code, e[1]) in live]
            heapq.heapify(heaps.falls)
            heapq.heapify(heaps.rises)
        self._dead = 0
