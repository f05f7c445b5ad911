"""An endpoint call as data, and HTX's envelopes read back: the I/O-free half of every client
(sync and async, swap and admin). A client method builds an `Op`, sends it over its httpx
client, and hands the response to `Op.result`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

import httpx
import msgspec

from .errors import HtxHttpError, UnexpectedResponse, api_error

T = TypeVar("T")
Envelope = Literal["v1", "v1-ts", "v3", "market"]

DEFAULT_TIMEOUT = 10.0

# JSON numbers with a fraction become Decimal: a price or a balance never passes through float.
_decoder = msgspec.json.Decoder(float_hook=Decimal)
_encoder = msgspec.json.Encoder(decimal_format="number")
JSON_HEADERS = {"content-type": "application/json"}


@dataclass(frozen=True, slots=True)
class Op(Generic[T]):
    method: Literal["GET", "POST", "DELETE"]
    path: str
    parse: Callable[[Any], T]
    """Turns the envelope's payload (data; ts; the whole market body) into the result."""
    envelope: Envelope = "v1"
    private: bool = True
    """Signed with the API key (HTX's private endpoints); the admin API's are not."""
    params: Mapping[str, str] | None = None
    body: Any = None

    @property
    def content(self) -> bytes | None:
        if self.method != "POST":
            return None
        return _encoder.encode({} if self.body is None else self.body)

    @property
    def headers(self) -> dict[str, str]:
        return {} if self.method == "GET" else JSON_HEADERS

    def result(self, response: httpx.Response) -> T:
        return self.parse(payload(response, self.envelope))


def decode(response: httpx.Response) -> Any:
    try:
        return _decoder.decode(response.content)
    except msgspec.DecodeError:
        raise HtxHttpError(response.status_code, response.text) from None


def payload(response: httpx.Response, envelope: Envelope) -> Any:
    """The payload of an ok envelope; raises the typed error of an error envelope, or
    HtxHttpError when the answer is no envelope at all."""
    body = decode(response)
    if not isinstance(body, dict):
        raise HtxHttpError(response.status_code, response.text)
    if envelope == "v3":
        code = body.get("code")
        if code == 200:
            return body.get("data")
        if isinstance(code, int) and "msg" in body:
            raise api_error(code, str(body["msg"]))
        return _v1(response, body, envelope)
    return _v1(response, body, envelope)


def _v1(response: httpx.Response, body: dict[str, Any], envelope: Envelope) -> Any:
    status = body.get("status")
    if status == "ok":
        if envelope == "v1-ts":
            return body.get("ts")
        if envelope == "market":
            return body
        return body.get("data")
    if status == "error":
        if "err_code" in body:
            raise api_error(body["err_code"], str(body.get("err_msg", "")))
        if "err-code" in body:
            raise api_error(str(body["err-code"]), str(body.get("err-msg", "")))
    raise HtxHttpError(response.status_code, response.text)


def convert(data: Any, kind: type[T]) -> T:
    """Wire data into a result type; numeric strings become numbers where the type says so."""
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as error:
        raise UnexpectedResponse(f"unexpected answer: {error}") from None


def parse_as(kind: type[T]) -> Callable[[Any], T]:
    return lambda data: convert(data, kind)


def parse_list(kind: type[T]) -> Callable[[Any], list[T]]:
    return lambda data: convert(data, list[kind])  # type: ignore[valid-type]


def drop_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
