"""A Python client of HTX's Coin-Margined Swap API, and of the sandbox's admin API.

    from htx_sandbox.client import HtxSwapClient

    with HtxSwapClient(access_key, secret_key, base_url="http://127.0.0.1:8080") as client:
        placed = client.swap_order("BTC-USD", direction="buy", offset="open", volume=1,
                                   lever_rate=5, price="59000")
        client.swap_cancelall("BTC-USD")

`AsyncHtxSwapClient` has the same methods as coroutines; `AdminClient` and `AsyncAdminClient`
drive the sandbox's admin API. Results are typed (see `models`), amounts are `Decimal`, and
errors raise `HtxApiError` (or a subclass) with `err_code`/`err_msg`.
"""

from ._async import AsyncAdminClient, AsyncHtxSwapClient
from ._sync import AdminClient, HtxSwapClient
from .auth import HtxAuth
from .errors import (
    AuthenticationFailed,
    ContractNotFound,
    CredentialsRequired,
    HtxApiError,
    HtxClientError,
    HtxHttpError,
    InsufficientMargin,
    InvalidParameter,
    NoOrdersToCancel,
    OrderNotFound,
    RateLimited,
    SystemBusy,
    UnexpectedResponse,
)
from .models import (
    Account,
    ApiKey,
    Balance,
    BatchError,
    BatchResult,
    BatchSuccess,
    CancelAfterResult,
    CancelError,
    CancelResult,
    Contract,
    Depth,
    Fill,
    Heartbeat,
    HistoryOrder,
    HistoryPage,
    Level,
    LeverRate,
    MarketTrade,
    MergedDetail,
    Order,
    OrderDetail,
    OrderPlaced,
    OrderRequest,
    OrdersPage,
    Position,
    RelationTpslOrder,
    SandboxContract,
    SandboxUser,
    TpslOrderInfo,
    TpslPlaced,
    Trades,
)

__all__ = [
    "Account",
    "AdminClient",
    "ApiKey",
    "AsyncAdminClient",
    "AsyncHtxSwapClient",
    "AuthenticationFailed",
    "Balance",
    "BatchError",
    "BatchResult",
    "BatchSuccess",
    "CancelAfterResult",
    "CancelError",
    "CancelResult",
    "Contract",
    "ContractNotFound",
    "CredentialsRequired",
    "Depth",
    "Fill",
    "Heartbeat",
    "HistoryOrder",
    "HistoryPage",
    "HtxApiError",
    "HtxAuth",
    "HtxClientError",
    "HtxHttpError",
    "HtxSwapClient",
    "InsufficientMargin",
    "InvalidParameter",
    "Level",
    "LeverRate",
    "MarketTrade",
    "MergedDetail",
    "NoOrdersToCancel",
    "Order",
    "OrderDetail",
    "OrderNotFound",
    "OrderPlaced",
    "OrderRequest",
    "OrdersPage",
    "Position",
    "RateLimited",
    "RelationTpslOrder",
    "SandboxContract",
    "SandboxUser",
    "SystemBusy",
    "TpslOrderInfo",
    "TpslPlaced",
    "Trades",
    "UnexpectedResponse",
]
