"""One exchange per example for the HTTP fuzzer: a started Engine on a MemoryStore with a
ManualClock, the app in-process (httpx.ASGITransport, rate limits off, the admin API open with
``TOKEN``), the accounts and keys of tests/http/conftest.py, and a little liquidity.

``Harness.send(request)`` sends one ``Request`` (see ``requests.py``) and then checks, naming the
request in every failure:

- the HTTP answer is 200 (401 for a bad admin token) with the envelope of that path's family;
- no bug answer: no 1000 (system error), no 1004 (engine stopped), nothing logged at ERROR;
- the engine still runs (``engine.running`` and ``engine.failure is None``);
- the invariants of tests/invariants.py, read on the engine thread: ``check_state`` after every
  request, and a rejected request (an error envelope) changed nothing (invariant 7).

Deposits for coin conservation are counted from the engine's ``Deposited`` events; the order
ids invariant 9 expects are the ones the replies reported (setup's, swap_order's, the batch's,
the lightning close's) and the ones fired strategy orders name as their relation_order_id.
Strategy order ids (setup's trigger orders, swap_trigger_order's, swap_track_order's) are kept
apart, for the "$STRATEGY" placeholders of the strategy cancels.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from htx_sandbox.domain.commands import (
    Deposit,
    ListContract,
    OrderPlaced,
    Outcome,
    PlaceOrder,
    PlaceTriggerOrder,
    Tick,
)
from htx_sandbox.domain.contracts import Contract
from htx_sandbox.domain.errors import ERROR_MESSAGES, ErrorCode
from htx_sandbox.domain.events import Deposited, Event
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.strategy_orders import StrategyPriceType, TriggerType
from htx_sandbox.domain.types import UID, Direction, Offset, OrderId, OrderPriceType
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ExchangeClock, ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.market import MarketData
from htx_sandbox.storage.memory import MemoryStore
from tests.http.conftest import BASE_URL, KEYS, UID1, UID2, UID3, Key, SignedClient, seed
from tests.invariants import Fingerprint, check_state, fingerprint

from .requests import Request

TOKEN = "fuzz-admin-token"
START_MS = 1_764_000_000_000


def extra_contract() -> Contract:
    """Listed at setup, so that orders reach a contract the admin API made, with a small tick.
    A new one per exchange: the admin API changes the listed object in place."""
    return Contract("XRP-USD", "XRP", Decimal(10), Decimal("0.0001"), Decimal("0.5"))


BUG_CODES = frozenset({ErrorCode.SYSTEM_ERROR, ErrorCode.SYSTEM_BUSY})
KEYS_BY_NAME: dict[str, Key] = {name: getattr(KEYS, name) for name in KEYS.__slots__}

# Resting orders at setup, (uid, code, direction, offset, volume, price): UID2 quotes both sides
# of each contract, UID1 takes some (a long and a short position to close) and rests one more.
LIQUIDITY: tuple[tuple[UID, str, Direction, Offset, int, str], ...] = (
    (UID2, "BTC-USD", Direction.SELL, Offset.OPEN, 10, "60000"),
    (UID2, "BTC-USD", Direction.SELL, Offset.OPEN, 10, "60000.5"),
    (UID2, "BTC-USD", Direction.BUY, Offset.OPEN, 10, "59999.9"),
    (UID2, "BTC-USD", Direction.BUY, Offset.OPEN, 10, "59999"),
    (UID1, "BTC-USD", Direction.BUY, Offset.OPEN, 3, "60000"),
    (UID1, "BTC-USD", Direction.SELL, Offset.OPEN, 2, "59999.9"),
    (UID1, "BTC-USD", Direction.BUY, Offset.OPEN, 1, "59000"),
    (UID2, "ETH-USD", Direction.SELL, Offset.OPEN, 10, "3000"),
    (UID2, "ETH-USD", Direction.BUY, Offset.OPEN, 10, "2999.99"),
    (UID1, "ETH-USD", Direction.BUY, Offset.OPEN, 2, "3000"),
    (UID1, "ETH-USD", Direction.SELL, Offset.OPEN, 1, "3100"),
    (UID3, "XRP-USD", Direction.SELL, Offset.OPEN, 10, "0.5"),
    (UID3, "XRP-USD", Direction.BUY, Offset.OPEN, 10, "0.4999"),
    (UID1, "XRP-USD", Direction.BUY, Offset.OPEN, 2, "0.5"),
)
# Waiting trigger orders at setup, (code, trigger type, trigger price, direction, offset): far
# enough from the book that only a deliberate sweep fires them.
TRIGGERS: tuple[tuple[str, TriggerType, str, Direction, Offset], ...] = (
    ("BTC-USD", TriggerType.GE, "70000", Direction.BUY, Offset.OPEN),
    ("BTC-USD", TriggerType.LE, "50000", Direction.SELL, Offset.CLOSE),
    ("BTC-USD", TriggerType.GE, "60000.5", Direction.SELL, Offset.CLOSE),
    ("ETH-USD", TriggerType.LE, "2000", Direction.SELL, Offset.OPEN),
)


def _ok(outcome: Outcome) -> Any:
    assert outcome.error is None, outcome.error
    return outcome.reply


class Harness:
    def __init__(self) -> None:
        self.clock = ManualClock(START_MS)
        """The wall clock; the exchange's runs over it, live until the clock control moves it."""
        self.exchange_clock = ExchangeClock(self.clock)
        self.engine = Engine(MemoryStore(), self.exchange_clock)
        self.deposits: dict[str, Decimal] = {}
        self.created: list[OrderId] = []
        self.strategies: list[OrderId] = []
        self.access_keys: list[str] = [KEYS.second.access]
        self.logged: list[logging.LogRecord] = []
        self.sent = 0
        market = MarketData.for_engine(self.engine)
        self.engine.subscribe(self._on_events)
        self.engine.on_rebuild(self._on_rebuild)
        self.saved: dict[str, tuple[dict[str, Decimal], list[OrderId], list[OrderId]]] = {}
        """The books kept at each snapshot, for a restore of it."""
        self._restoring: str | None = None
        self._log_handler = _Collect(self.logged)
        logging.getLogger("htx_sandbox").addHandler(self._log_handler)
        self.engine.start()
        seed(self.engine, self.clock)
        _ok(self.engine.execute(ListContract(extra_contract())))
        for uid in (UID1, UID2, UID3):
            _ok(self.engine.execute(Deposit(uid, "XRP", Decimal(1000))))
        for uid, code, direction, offset, volume, price in LIQUIDITY:
            command = PlaceOrder(
                uid, code, direction, offset, volume, 10, OrderPriceType.LIMIT, Decimal(price)
            )
            placed = _ok(self.engine.execute(command))
            assert isinstance(placed, OrderPlaced)
            self.created.append(placed.order_id)
        for code, trigger_type, trigger, direction, offset in TRIGGERS:
            command = PlaceTriggerOrder(
                UID1, code, trigger_type, Decimal(trigger), direction, offset, 1,
                StrategyPriceType.OPTIMAL_5, lever_rate=10,
            )  # fmt: skip
            placed = _ok(self.engine.execute(command))
            assert isinstance(placed, OrderPlaced)
            self.strategies.append(placed.order_id)
        self.app = create_app(
            self.engine,
            self.exchange_clock,
            HttpSettings(rate_limit=False),
            market,
            admin_token=TOKEN,
        )
        transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 123))
        self.client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        self.check_invariants()

    async def aclose(self) -> None:
        await self.client.aclose()
        self.close()

    def close(self) -> None:
        logging.getLogger("htx_sandbox").removeHandler(self._log_handler)
        self.engine.stop()

    def _on_events(self, events: list[Event]) -> None:
        for event in events:  # on the engine thread, after the commit
            if isinstance(event, Deposited):
                self.deposits[event.symbol] = self.deposits.get(event.symbol, Decimal(0)) + (
                    event.amount
                )

    def _on_rebuild(self, kind: str) -> None:
        """A reset forgets what the harness counted; a restore brings back its count then."""
        if kind == "restore":
            kept = self.saved.get(self._restoring or "")
            if kept is None:  # a snapshot saved around the harness: its books are unknown
                return
        else:
            kept = ({}, [], [])
        deposits, created, strategies = kept
        self.deposits, self.created, self.strategies = dict(deposits), [*created], [*strategies]

    # -- checks ------------------------------------------------------------------------------

    def check_invariants(self) -> None:
        deposits, created = dict(self.deposits), list(self.created)

        def check(exchange: Exchange) -> None:
            check_state(exchange.state, deposits, sorted(created + _fired(exchange.state)))

        self.engine.query(check).result()

    def _fingerprint(self) -> Fingerprint:
        return self.engine.query(_fingerprint).result()

    def check_engine(self, what: str) -> None:
        failure = self.engine.failure
        assert self.engine.running and failure is None, f"{what}: the engine stopped: {failure!r}"
        if self.logged:
            record = self.logged[0]
            trace = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
            raise AssertionError(f"{what}: logged {record.getMessage()!r}\n{trace}")

    # -- sending -----------------------------------------------------------------------------

    async def send(self, request: Request) -> Any:
        """Send one request and check everything above; the decoded reply."""
        what = request.describe()
        if request.dt:
            self.clock.advance(request.dt)
            await self.engine.execute_async(Tick())  # timers run now, not inside the request
        before = self._fingerprint()
        if request.path.endswith("/restore"):
            self._restoring = request.segment
        try:
            response = await self._send(request)
        except Exception as error:
            raise AssertionError(f"{what}: the app raised {error!r}") from error
        self.sent += 1
        self.check_engine(what)
        reply = check_envelope(request, response)
        self.record(request, reply)
        try:
            self.check_invariants()
            if is_rejection(request, reply):
                after = self._fingerprint()
                if after != before:
                    diff = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
                    raise AssertionError(f"rejected ({reply}) but changed parts {diff}")
        except AssertionError as error:
            raise AssertionError(f"{what}: invariant broken: {error}") from error
        return reply

    async def _send(self, request: Request) -> httpx.Response:
        path = request.url_path(self.resolve)
        if request.family in ("v1", "v3"):
            key = KEYS_BY_NAME[request.key]
            signed = SignedClient(self.client, key.access, key.secret, clock=self.clock)
            if request.method == "GET":  # swap_api_trading_status: signed over the query
                return await signed.get(
                    path,
                    {**dict(request.params), **dict(request.signed_params)},
                    auth=dict(request.auth) or None,
                )
            return await signed.post(
                path,
                request.body_bytes(self.resolve),
                params=dict(request.signed_params),
                auth=dict(request.auth) or None,
            )
        headers = dict(request.headers)
        if request.method == "GET":
            return await self.client.get(path, params=request.params, headers=headers)
        if request.method == "DELETE":
            return await self.client.delete(path, headers=headers)
        return await self.client.post(
            path, content=request.body_bytes(self.resolve), headers=headers
        )

    def resolve(self, placeholder: str) -> str:
        """The live value a placeholder in a request stands for."""
        if placeholder == "$ORDER":
            return str(self.created[-1]) if self.created else "1"  # none after a reset
        if placeholder == "$ORDERS":
            return ",".join(str(i) for i in self.created[-3:])
        if placeholder == "$STRATEGY":
            return str(self.strategies[-1])
        if placeholder == "$STRATEGIES":
            return ",".join(str(i) for i in self.strategies[-3:])
        if placeholder == "$KEY":
            return self.access_keys[-1]
        return placeholder

    def record(self, request: Request, reply: Any) -> None:
        data = reply.get("data") if isinstance(reply, dict) else None
        if reply.get("status") != "ok" or not isinstance(data, dict | list):
            return
        placing = ("/swap_order", "/swap_lightning_close_position")
        if request.path.endswith(placing) and isinstance(data, dict):
            self.created.append(OrderId(data["order_id"]))
        elif request.path.endswith(STRATEGY_PLACING) and isinstance(data, dict):
            self.strategies.append(OrderId(data["order_id"]))
        elif request.path.endswith("/swap_batchorder") and isinstance(data, dict):
            self.created.extend(OrderId(item["order_id"]) for item in data["success"])
        elif request.path.endswith("/api-keys") and request.method == "POST":
            assert isinstance(data, dict)
            self.access_keys.append(data["access_key"])
        elif request.path.endswith("/snapshots") and request.method == "POST":
            assert isinstance(data, dict)
            self.saved[data["name"]] = (dict(self.deposits), [*self.created], [*self.strategies])


STRATEGY_PLACING = ("/swap_trigger_order", "/swap_track_order")


def _fingerprint(exchange: Exchange) -> Fingerprint:
    return fingerprint(exchange)


def _fired(state: ExchangeState) -> list[OrderId]:
    """The ordinary orders that fired strategy orders placed, as their rows name them."""
    return [
        s.relation_order_id
        for s in state.strategies.orders.values()
        if s.relation_order_id is not None
    ]


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


# -- envelopes -------------------------------------------------------------------------------


def decode(response: httpx.Response) -> Any:
    assert response.headers.get("content-type", "").startswith("application/json"), (
        response.status_code,
        response.headers.get("content-type"),
        response.text[:300],
    )
    return json.loads(response.text, parse_float=Decimal)


def check_envelope(request: Request, response: httpx.Response) -> Any:
    """The decoded reply, after checking it is the envelope of the request's path family."""
    what = request.describe()
    try:
        reply = decode(response)
        status = response.status_code
        if status == 404 and request.segment is not None and _unroutable(request.segment):
            _check_not_found(reply)
            return reply
        if request.family == "admin" and status == 401:
            assert set(reply) == {"status", "err_code", "err_msg", "ts"}, reply
            assert reply["status"] == "error" and reply["err_code"] == 401, reply
            assert reply["err_msg"] == "invalid admin token" and isinstance(reply["ts"], int)
            assert response.headers.get("www-authenticate") == "Bearer"
            return reply
        assert status == 200, status
        CHECKS[request.envelope](reply)
    except AssertionError as error:
        raise AssertionError(
            f"{what}: wrong answer {response.status_code} {response.text[:500]!r}: {error}"
        ) from error
    return reply


def _unroutable(segment: str) -> bool:
    """A path parameter that cannot name a route: empty, a dot segment, or with a slash."""
    return segment.strip() in ("", ".", "..") or "/" in segment


def _check_not_found(reply: Any) -> None:
    assert set(reply) == {"timestamp", "status", "error", "path"}, reply
    assert reply["status"] in (404, 405), reply


def _check_code(code: Any) -> None:
    assert isinstance(code, int) and not isinstance(code, bool), code
    assert code in ERROR_MESSAGES, f"undocumented error code {code}"
    assert code not in BUG_CODES, f"error code {code}: a bug's answer"


def _check_v1(reply: Any) -> None:
    assert isinstance(reply, dict), reply
    assert isinstance(reply.get("ts"), int), reply
    if reply.get("status") == "ok":
        assert set(reply) == {"status", "data", "ts"}, reply
        return
    assert set(reply) == {"status", "err_code", "err_msg", "ts"}, reply
    assert reply["status"] == "error", reply
    _check_code(reply["err_code"])
    assert isinstance(reply["err_msg"], str) and reply["err_msg"], reply


def _check_v3(reply: Any) -> None:
    assert isinstance(reply, dict), reply
    if "status" in reply:  # the gateway's own rejection (authentication) is v1-shaped
        _check_v1(reply)
        assert reply["status"] == "error" and reply["err_code"] == 403, reply
        return
    assert set(reply) == {"code", "msg", "data", "ts"}, reply
    assert isinstance(reply["ts"], int), reply
    if reply["code"] == 200:
        assert reply["msg"] == "", reply
        return
    _check_code(reply["code"])
    assert reply["data"] is None and isinstance(reply["msg"], str) and reply["msg"], reply


def _check_timestamp(reply: Any) -> None:
    assert isinstance(reply, dict) and set(reply) == {"status", "ts"}, reply
    assert reply["status"] == "ok" and isinstance(reply["ts"], int), reply


def _check_market(reply: Any) -> None:
    assert isinstance(reply, dict) and isinstance(reply.get("ts"), int), reply
    if reply.get("status") == "ok":
        if set(reply) == {"status", "ticks", "ts"}:  # bbo: no channel, a tick per contract
            assert isinstance(reply["ticks"], list), reply
            return
        assert set(reply) in ({"ch", "status", "tick", "ts"}, {"ch", "status", "data", "ts"})
        assert isinstance(reply["ch"], str) and reply["ch"].startswith("market."), reply
        return
    assert set(reply) == {"ts", "status", "err-code", "err-msg"}, reply
    assert reply["status"] == "error", reply
    assert isinstance(reply["err-code"], str) and reply["err-code"], reply
    assert reply["err-code"] != "system-busy", reply
    assert isinstance(reply["err-msg"], str) and reply["err-msg"], reply


CHECKS: dict[str, Callable[[Any], None]] = {
    "v1": _check_v1,
    "v3": _check_v3,
    "timestamp": _check_timestamp,
    "market": _check_market,
}


def is_rejection(request: Request, reply: Any) -> bool:
    """An error answer: the request must then have changed nothing."""
    if not isinstance(reply, dict):
        return False
    if "code" in reply and "status" not in reply:
        return bool(reply["code"] != 200)
    return reply.get("status") == "error"
