"""Topic names of /swap-notification.

Private: `<prefix>.<contract_code>` (orders, matchOrders, accounts, positions, trigger_order);
public: `public.<contract_code>.<name>` (liquidation_orders, funding_rate, contract_info). The
prefix and the name are case-sensitive, the contract code is not; `*` means every contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .codes import CONTRACT_NOT_EXIST, MISSING_PARAMETER, TOPIC_ERROR, NotifyError

MAX_TOPIC = 128
"""Longer topic strings are refused unread (HTX's longest is under 50 characters)."""
ALL = "*"
PRIVATE = ("orders", "matchOrders", "accounts", "positions", "trigger_order", "positions_cross")
"""HTX's private topics, and `positions_cross`: the sandbox's alias of `positions` for ccxt.pro
(notification/accounts.py `CrossPositions`)."""
PUBLIC = ("liquidation_orders", "funding_rate", "contract_info")


@dataclass(frozen=True, slots=True)
class Topic:
    kind: str
    """The prefix of a private topic, the name of a public one."""
    code: str
    """Upper case, or `*`."""
    public: bool


def parse(text: Any, known: Callable[[str], bool]) -> Topic:
    """The topic a client named; NotifyError 2040 (none), 2010 (malformed) or 2011 (a contract
    that is not listed) otherwise."""
    if not isinstance(text, str) or not text:
        raise NotifyError(MISSING_PARAMETER)
    if len(text) > MAX_TOPIC:
        raise NotifyError(TOPIC_ERROR)
    parts = text.split(".")
    if len(parts) == 3 and parts[0] == "public" and parts[2] in PUBLIC:
        kind, code, public = parts[2], parts[1], True
    elif len(parts) == 2 and parts[0] in PRIVATE:
        kind, code, public = parts[0], parts[1], False
    else:
        raise NotifyError(TOPIC_ERROR)
    if code != ALL and not known(code):
        raise NotifyError(CONTRACT_NOT_EXIST if code else TOPIC_ERROR)
    return Topic(kind, code.upper(), public)
