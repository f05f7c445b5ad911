"""HTX's rate limits: fixed 3-second windows per UID (trade and read counted apart) and per IP
for public endpoints, reported in ratelimit-* headers on every response they govern."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    interval_ms: int = 3000


@dataclass(slots=True)
class Window:
    start: int
    used: int = 0


@dataclass(slots=True)
class RateLimiter:
    """One counter per key per window. A window starts at the key's first request after the
    previous one ended, so `ratelimit-reset` is that window's end (ms since epoch).

    `overrides` holds a limit per key set at run time (the admin API's /rate-limits): it
    replaces the quota's limit for that key, and applies even when the limiter is disabled
    (a test that turns limits off for everyone can still limit the UID it tests)."""

    quota: Quota
    enabled: bool = True
    overrides: dict[object, int] = field(default_factory=dict)
    _windows: dict[object, Window] = field(default_factory=dict)
    _limit_bytes: bytes = b""
    _interval_bytes: bytes = b""

    def __post_init__(self) -> None:
        self._limit_bytes = str(self.quota.limit).encode()
        self._interval_bytes = str(self.quota.interval_ms).encode()

    def take(self, key: object, now_ms: int) -> tuple[bool, dict[str, str]]:
        """Count one request; returns whether it is allowed and the headers to send."""
        allowed, window = self._count(key, now_ms)
        limit = self.overrides.get(key, self.quota.limit) if self.overrides else self.quota.limit
        headers = {
            "ratelimit-limit": str(limit),
            "ratelimit-interval": str(self.quota.interval_ms),
            "ratelimit-remaining": str(max(0, limit - window.used)),
            "ratelimit-reset": str(window.start + self.quota.interval_ms),
        }
        return allowed, headers

    def take_raw(self, key: object, now_ms: int) -> tuple[bool, list[tuple[bytes, bytes]]]:
        """take(), with the headers as ASGI wants them (the signed endpoints' hot path)."""
        allowed, window = self._count(key, now_ms)
        if self.overrides and key in self.overrides:
            limit = self.overrides[key]
            remaining = max(0, limit - window.used)
            limit_bytes = b"%d" % limit
        else:
            remaining = max(0, self.quota.limit - window.used)
            limit_bytes = self._limit_bytes
        return allowed, [
            (b"ratelimit-limit", limit_bytes),
            (b"ratelimit-interval", self._interval_bytes),
            (b"ratelimit-remaining", b"%d" % remaining),
            (b"ratelimit-reset", b"%d" % (window.start + self.quota.interval_ms)),
        ]

    def allow(self, key: object, now_ms: int) -> bool:
        """Count one request; whether it is allowed (for limits that send no headers)."""
        return self._count(key, now_ms)[0]

    def _count(self, key: object, now_ms: int) -> tuple[bool, Window]:
        window = self._windows.get(key)
        if window is None or now_ms >= window.start + self.quota.interval_ms:
            window = self._windows[key] = Window(now_ms)
            if len(self._windows) > 100_000:
                self._forget_ended(now_ms)
        if self.overrides and key in self.overrides:
            allowed = window.used < self.overrides[key]
        else:
            allowed = not self.enabled or window.used < self.quota.limit
        if allowed:
            window.used += 1
        return allowed, window

    def _forget_ended(self, now_ms: int) -> None:
        interval = self.quota.interval_ms
        for key in [k for k, w in self._windows.items() if now_ms >= w.start + interval]:
            del self._windows[key]
