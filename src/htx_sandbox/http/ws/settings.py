"""The WebSocket services' limits and timings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WsSettings:
    queue_limit: int = 1024
    """Frames a connection may be behind before it is closed as a slow consumer."""
    close_wait_s: float = 10.0
    """How long a connection closed by the server (slow consumer, lost heartbeat) may take to
    read its close frame before its TCP connection is dropped (uvicorn's own wait for the
    client's closing handshake is 10 s too)."""
    ping_interval_s: float = 5.0
    """HTX pings every 5 s."""
    ping_misses: int = 5
    """HTX closes after 5 pings without a pong."""
    req_quota: int = 50
    """`req` frames per second per connection (HTX: 50)."""
    sub_quota: int = 40
    """`sub` frames per second per connection (HTX: at most 40 per second)."""
    max_connections_per_ip: int = 64
    quiet_check_s: float = 1.0
    """How often the kline topics look for a new period that nothing has traded in yet (its
    flat bar is pushed once, as HTX pushes a quiet period's bar)."""
    step_depth_interval_s: float = 0.1
    """depth.stepN: the book is checked this often and pushed if it changed (HTX: 100 ms)."""
    high_freq_interval_s: float = 0.03
    """depth.size_N.high_freq: checked this often, pushed on change (HTX: 30 ms)."""
    step_depth_refresh_s: float = 1.0
    """depth.stepN: pushed again, unchanged, when nothing changed it for this long (HTX: at
    least once a second)."""
    max_connections_per_uid: int = 30
    """/swap-notification connections authenticated as one UID (HTX: 30; over it, 2030)."""
    snapshot_interval_s: float = 5.0
    """accounts and positions: a `snapshot` push to a subscription quiet that long (HTX: 5 s)."""
    funding_interval_s: float = 60.0
    """public.$contract_code.funding_rate: pushed this often (HTX: 60 s)."""
    contract_info_interval_s: float = 60.0
    """public.$contract_code.contract_info: a `snapshot` this often (HTX: 60 s)."""

    def __post_init__(self) -> None:
        if min(self.queue_limit, self.ping_misses) < 1:
            raise ValueError("WebSocket limits must be positive")
        intervals = (
            self.ping_interval_s, self.quiet_check_s, self.step_depth_interval_s,
            self.high_freq_interval_s, self.close_wait_s, self.step_depth_refresh_s,
        )  # fmt: skip
        if min(intervals) <= 0:
            raise ValueError("WebSocket intervals must be positive")
