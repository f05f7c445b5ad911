"""One log line per HTTP request: method, path, UID, err_code, status and latency.

The app leaves the signed request's UID in scope["htx.uid"] and an HTX error code in
scope["htx.err_code"]; this wrapper reads them after the app has answered. Lines go through
the `logging` module (logger "htx_sandbox.access"), in text or JSON as the formatters below
print them.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "htx_sandbox.access"
access_log = logging.getLogger(ACCESS_LOGGER)

_FIELDS = ("method", "path", "uid", "err_code", "status", "latency_ms")


class AccessLog:
    """An ASGI wrapper that logs each HTTP request once it has been answered."""

    def __init__(self, app: ASGIApp, logger: logging.Logger = access_log) -> None:
        self.app = app
        self.logger = logger
        # Anything the wrapped app exposes (e.g. `.state`) stays reachable through the wrapper.
        self.state = getattr(app, "state", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            latency_ms = round((time.perf_counter() - started) * 1000, 3)
            fields: dict[str, Any] = {
                "method": scope["method"],
                "path": scope["path"],
                "uid": scope.get("htx.uid"),
                "err_code": scope.get("htx.err_code"),
                "status": status or 500,
                "latency_ms": latency_ms,
            }
            self.logger.info(_text_line(fields), extra={"access": fields})


def _text_line(fields: dict[str, Any]) -> str:
    uid = fields["uid"] if fields["uid"] is not None else "-"
    err_code = fields["err_code"] if fields["err_code"] is not None else "-"
    return (
        f"{fields['method']} {fields['path']} uid={uid} err_code={err_code} "
        f"status={fields['status']} latency_ms={fields['latency_ms']:.3f}"
    )


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")


class JsonFormatter(logging.Formatter):
    """One JSON object per line; an access line carries its fields at the top level."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": round(record.created * 1000),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        access = getattr(record, "access", None)
        if isinstance(access, dict):
            out.update((name, access[name]) for name in _FIELDS)
        else:
            out["message"] = record.getMessage()
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, separators=(",", ":"), default=str)


def configure_logging(log_format: str, stream: Any = None) -> logging.Handler:
    """Send the sandbox's log lines (access lines included) to stderr in the given format."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("htx_sandbox").setLevel(logging.INFO)
    return handler
