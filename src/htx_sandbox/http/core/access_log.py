"""One log line per HTTP request: method, path, UID, err_code, status and latency.

The app leaves the signed request's UID in scope["htx.uid"], an HTX error code in
scope["htx.err_code"] and, for an answer a test control injected (http/core/faults.py), what it
injected in scope["htx.injected"] (the line then ends in `injected=...`, JSON adds "injected");
this wrapper reads them after the app has answered. With an
AccessLogWriter (what `serve` uses) the event loop only queues the request's fields: a thread
of its own formats the lines and writes them in batches, one write and flush per batch,
because a `logging` call and a flush per request cost the loop a fifth of its throughput.
Without one, lines go through the `logging` module (logger "htx_sandbox.access"). Both print
the same lines, in text or JSON, as the formatters below do.
"""

from __future__ import annotations

import json
import json.encoder
import logging
import queue
import threading
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "htx_sandbox.access"
access_log = logging.getLogger(ACCESS_LOGGER)

_encode_string = json.encoder.encode_basestring_ascii  # what json.dumps quotes strings with
_FIELDS = ("method", "path", "uid", "err_code", "status", "latency_ms")
Entry = tuple[float, str, str, Any, Any, int, float, str | None]
"""What a request leaves: time.time() at its end, method, path, uid, err_code, status, its
latency in seconds and the fault injected into it (None for nearly all)."""


class AccessLog:
    """An ASGI wrapper that logs each HTTP request once it has been answered."""

    def __init__(
        self,
        app: ASGIApp,
        writer: AccessLogWriter | None = None,
        logger: logging.Logger = access_log,
    ) -> None:
        self.app = app
        self.writer = writer
        self.logger = logger
        # Anything the wrapped app exposes (e.g. `.state`) stays reachable through the wrapper.
        self.state = getattr(app, "state", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            self.writer is None and not self.logger.isEnabledFor(logging.INFO)
        ):
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
            entry: Entry = (
                time.time(),
                scope["method"],
                scope["path"],
                scope.get("htx.uid"),
                scope.get("htx.err_code"),
                status or 500,
                time.perf_counter() - started,
                scope.get("htx.injected"),
            )
            if self.writer is not None:
                self.writer.submit(entry)
            else:
                fields = _fields(entry)
                self.logger.info(_text_line(fields), extra={"access": fields})


def _fields(entry: Entry) -> dict[str, Any]:
    _, method, path, uid, err_code, status, seconds, injected = entry
    fields = {
        "method": method,
        "path": path,
        "uid": uid,
        "err_code": err_code,
        "status": status,
        "latency_ms": round(seconds * 1000, 3),
    }
    if injected is not None:
        fields["injected"] = injected
    return fields


def _text_line(fields: dict[str, Any]) -> str:
    uid = fields["uid"] if fields["uid"] is not None else "-"
    err_code = fields["err_code"] if fields["err_code"] is not None else "-"
    return (
        f"{fields['method']} {fields['path']} uid={uid} err_code={err_code} "
        f"status={fields['status']} latency_ms={fields['latency_ms']:.3f}"
        + ("" if "injected" not in fields else f" injected={fields['injected']}")
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
            if "injected" in access:
                out["injected"] = access["injected"]
        else:
            out["message"] = record.getMessage()
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, separators=(",", ":"), default=str)


def configure_logging(log_format: str, stream: Any = None) -> logging.StreamHandler[Any]:
    """Send the sandbox's log lines (access lines included) to stderr in the given format."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("htx_sandbox").setLevel(logging.INFO)
    return handler


class LineFormat:
    """An entry as the line TextFormatter or JsonFormatter prints for it, built without a
    LogRecord or a dict (a third of the cost): the text format's date is made once a second,
    JSON values are encoded as json.dumps encodes them."""

    def __init__(self, log_format: str) -> None:
        self.json = log_format == "json"
        self._second = -1
        self._date = ""

    def __call__(self, entry: Entry) -> str:
        created, method, path, uid, err_code, status, seconds, injected = entry
        if self.json:
            return (
                f'{{"ts":{round(created * 1000)},"level":"info","logger":"{ACCESS_LOGGER}",'
                f'"method":{_json(method)},"path":{_json(path)},"uid":{_json(uid)},'
                f'"err_code":{_json(err_code)},"status":{_json(status)},'
                f'"latency_ms":{round(seconds * 1000, 3)!r}'
                + ("" if injected is None else f',"injected":{_json(injected)}')
                + "}\n"
            )
        second = int(created)
        if second != self._second:
            self._second = second
            self._date = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(created))
        msecs = int((created - second) * 1000)  # as LogRecord computes its msecs
        return (
            f"{self._date},{msecs:03d} INFO {ACCESS_LOGGER} {method} {path} "
            f"uid={'-' if uid is None else uid} err_code={'-' if err_code is None else err_code} "
            f"status={status} latency_ms={seconds * 1000:.3f}"
            + ("" if injected is None else f" injected={injected}")
            + "\n"
        )


def _json(value: object) -> str:
    if value is None:
        return "null"
    if type(value) is str:
        return _encode_string(value)
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, default=str)


class AccessLogWriter:
    """Formats and writes access lines on a thread of its own, into a handler's stream (under
    the handler's lock, so lines never interleave with other log records).

    At most `bound` lines wait: when the stream is stuck, the loop drops later lines instead of
    growing memory, counts them in `dropped`, and a warning reports the count once the stream
    takes lines again, and at close. close() writes what is queued and stops the thread."""

    BATCH_INTERVAL_S = 0.02
    """Pause after each batch, so that a busy server wakes the writer (and hands it the GIL)
    50 times a second rather than once per request."""

    def __init__(
        self, handler: logging.StreamHandler[Any], log_format: str, bound: int = 20_000
    ) -> None:
        self.handler = handler
        self.format = LineFormat(log_format)
        self.bound = bound
        self._full = 0  # lines the loop found no room for (only the loop adds to it)
        self._lost = 0  # lines a failing stream refused (only the writer adds to it)
        self._reported = 0
        self._queue: queue.SimpleQueue[Entry | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)

    @property
    def dropped(self) -> int:
        return self._full + self._lost

    def start(self) -> None:
        self._thread.start()

    def submit(self, entry: Entry) -> None:
        """Called on the event loop: queue the entry, or count it dropped when the queue is
        full (only the loop adds, so the size it sees never exceeds the bound)."""
        if self._queue.qsize() >= self.bound:
            self._full += 1
        else:
            self._queue.put(entry)

    def close(self, timeout_s: float = 10.0) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout_s)
        self._report_drops()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while batch[-1] is not None and len(batch) < self.bound:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            entries = [entry for entry in batch if entry is not None]
            if entries:
                try:
                    text = "".join([self.format(entry) for entry in entries])
                except Exception:  # a bug here must not end the thread and with it the log
                    access_log.exception("cannot format %d access log lines", len(entries))
                    self._lost += len(entries)
                else:
                    self._write(text, len(entries))
            self._report_drops()
            if batch[-1] is None:
                return
            time.sleep(self.BATCH_INTERVAL_S)

    def _write(self, text: str, lines: int) -> None:
        self.handler.acquire()
        try:
            self.handler.stream.write(text)
            self.handler.stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: those lines are lost
            self._lost += lines
        finally:
            self.handler.release()

    def _report_drops(self) -> None:
        dropped = self.dropped  # read once: the loop may add to it meanwhile
        if dropped > self._reported:
            access_log.warning(
                "dropped %d access log lines: the log stream did not keep up (%d in all)",
                dropped - self._reported,
                dropped,
            )
            self._reported = dropped
