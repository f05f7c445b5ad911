"""Helpers of the /swap-notification tests, written from HTX's documentation with the standard
library only (not the project's signing code): the `auth` frame, logging in, subscribing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import uvicorn

from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.frames import MAX_CLIENT_FRAME
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.http.core.guard import guarded_protocol
from htx_sandbox.http.relay.link import SocketRelay, start_relay
from htx_sandbox.http.ws import PushProtocol, WsSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, Key
from tests.ws.conftest import HtxSocket

PATH = "/swap-notification"


def stamp(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def auth_frame(
    key: Key,
    now_ms: int,
    *,
    host: str = "api.hbdm.com",
    path: str = PATH,
    extra: dict[str, str] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """HTX's auth request, signed over GET, `host`, `path` and every field but op, type, cid
    and Signature; `overrides` replace fields after signing (None removes one)."""
    params = {
        "AccessKeyId": key.access,
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": stamp(now_ms),
        **(extra or {}),
    }
    query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(params.items())
    )
    text = f"GET\n{host}\n{path}\n{query}"
    digest = hmac.new(key.secret.encode(), text.encode(), hashlib.sha256).digest()
    frame: dict[str, Any] = {"op": "auth", "type": "api", **params}
    frame["Signature"] = base64.b64encode(digest).decode()
    for name, value in overrides.items():
        if value is None:
            frame.pop(name, None)
        else:
            frame[name] = value
    return frame


WAIT_S = 10.0


async def until(ws: HtxSocket, predicate: Callable[[Any], bool]) -> Any:
    """The first frame `predicate` takes, in arrival order. Frames it passes over are kept
    for later calls (heartbeats excepted), so an answer looked for first never hides a push
    that came before it. Fails after WAIT_S, naming what came meanwhile."""
    unread: list[Any] = _UNREAD.setdefault(id(ws), [])
    for i, message in enumerate(unread):
        if predicate(message):
            del unread[i]
            return message

    async def scan() -> Any:
        while True:
            message = await ws.recv()
            if predicate(message):
                return message
            if message.get("op") != "ping":
                unread.append(message)

    try:
        return await asyncio.wait_for(scan(), WAIT_S)
    except TimeoutError:
        raise AssertionError(f"not received; meanwhile: {unread}") from None


_UNREAD: dict[int, list[Any]] = {}


async def reply_to(ws: HtxSocket, op: str) -> Any:
    """The next frame answering `op` (heartbeats and pushes skipped)."""
    return await until(ws, lambda m: m.get("op") == op)


async def login(ws: HtxSocket, now_ms: int, key: Key = KEYS.trader) -> Any:
    await ws.send(auth_frame(key, now_ms, cid="login"))
    reply = await reply_to(ws, "auth")
    assert reply["err-code"] == 0, reply
    return reply


async def sub(ws: HtxSocket, topic: str, cid: str = "s") -> Any:
    await ws.send({"op": "sub", "topic": topic, "cid": cid})
    return await until(ws, lambda m: m.get("op") == "sub" and m.get("cid") == cid)


async def unsub(ws: HtxSocket, topic: str, cid: str = "u") -> Any:
    await ws.send({"op": "unsub", "topic": topic, "cid": cid})
    return await until(ws, lambda m: m.get("op") == "unsub" and m.get("cid") == cid)


async def push(ws: HtxSocket, topic_start: str) -> Any:
    """The next `notify` whose topic starts with `topic_start`."""
    return await until(
        ws, lambda m: m.get("op") == "notify" and m.get("topic", "").startswith(topic_start)
    )


# -- a server of the test's own (restarts, socket options) -----------------------------------


@dataclass
class Running:
    server: uvicorn.Server
    thread: threading.Thread
    relay: SocketRelay | None

    def stop(self) -> None:
        """Shut the server down (its connections closed) and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(10)
        if self.relay is not None:
            self.relay.stop()
        assert not self.thread.is_alive(), "uvicorn did not stop"


def serve(
    engine: Engine,
    clock: ManualClock,
    sock: socket.socket,
    settings: WsSettings | None = None,
    *,
    relay: bool = True,
) -> Running:
    """The app served by uvicorn on `sock` (the serve command's protocols, the socket relay
    too unless `relay` is False), on a thread."""
    app = create_app(engine, clock, HttpSettings(rate_limit=False), ws_settings=settings)
    relayed = start_relay(relay)
    config = uvicorn.Config(
        app, http=guarded_protocol(), ws=PushProtocol.relaying(relayed),
        ws_per_message_deflate=False,
        ws_max_size=MAX_CLIENT_FRAME, lifespan="off", log_level="warning", log_config=None,
    )  # fmt: skip
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: uv.run(sockets=[sock]), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    return Running(uv, thread, relayed)


def listening(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock
