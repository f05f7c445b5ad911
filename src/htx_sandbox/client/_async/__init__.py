"""The clients, one module per endpoint family over a shared session. The blocking package is
generated from the asyncio one by scripts/unasync.py, so a change is made once for both."""

from .admin import AsyncAdminClient
from .feeds import AsyncIndexFeed, AsyncMarketFeed, AsyncNotificationFeed
from .swap import AsyncHtxSwapClient

__all__ = [
    "AsyncAdminClient",
    "AsyncHtxSwapClient",
    "AsyncIndexFeed",
    "AsyncMarketFeed",
    "AsyncNotificationFeed",
]
