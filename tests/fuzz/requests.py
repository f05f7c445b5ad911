"""Requests for the HTTP fuzzer, as plain data (so that Hypothesis shrinks them well), and the
strategies that draw them: a plausible request for an endpoint (valid values, prices on the
contract's grid near its reference price, so that requests get deep into the domain) with a few
fields made hostile, keys duplicated in the raw JSON text, numbers sent as JSON numbers or as
strings, and now and then a hostile whole body, header or signature parameter.

Order ids and access keys that only exist at run time are placeholders ("$ORDER", "$ORDERS",
"$STRATEGY", "$STRATEGIES", "$KEY") that the harness resolves when it sends the request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

Resolve = Callable[[str], str]

# -- values ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Raw:
    """JSON text sent verbatim: a number token (1e-999999999), or not JSON at all (NaN)."""

    text: str


@dataclass(frozen=True, slots=True)
class J:
    """A JSON value; a string starting with "$" is a placeholder."""

    value: Any


@dataclass(frozen=True, slots=True)
class Obj:
    pairs: tuple[tuple[str, Value], ...]
    """In order, keys possibly repeated."""


@dataclass(frozen=True, slots=True)
class Arr:
    items: tuple[Value, ...]


Value = Raw | J | Obj | Arr


def to_json(value: Value, resolve: Resolve, ascii_only: bool = True) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, J):
        v = value.value
        if isinstance(v, str) and v.startswith("$"):
            v = resolve(v)
        return json.dumps(v, ensure_ascii=ascii_only)
    if isinstance(value, Obj):
        inner = ",".join(
            f"{json.dumps(k, ensure_ascii=ascii_only)}:{to_json(v, resolve, ascii_only)}"
            for k, v in value.pairs
        )
        return "{" + inner + "}"
    return "[" + ",".join(to_json(v, resolve, ascii_only) for v in value.items) + "]"


# -- requests --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class Request:
    family: str
    """v1 and v3: signed HTX endpoints; public, market: unsigned GETs; admin: /sandbox-api/v1."""
    envelope: str
    """The answer's shape: v1, v3, timestamp, market (see harness.CHECKS)."""
    method: str
    path: str
    """With "{}" where the path parameter `segment` goes."""
    segment: str | None = None
    body: Value | None = None
    params: tuple[tuple[str, str], ...] = ()
    """A GET's query (keys may repeat)."""
    key: str = "trader"
    """Which of tests/http/conftest.py's KEYS signs it."""
    signed_params: tuple[tuple[str, str], ...] = ()
    auth: tuple[tuple[str, str | None], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    ascii_body: bool = True
    dt: int = 0
    """Milliseconds the clock moves on before the request (timers run first)."""

    def url_path(self, resolve: Resolve) -> str:
        if self.segment is None:
            return self.path
        segment = resolve(self.segment) if self.segment.startswith("$") else self.segment
        return self.path.format(quote(segment, safe=""))

    def body_bytes(self, resolve: Resolve) -> bytes | None:
        if self.body is None:
            return None
        return to_json(self.body, resolve, self.ascii_body).encode("utf-8", "surrogatepass")

    def __repr__(self) -> str:  # what Hypothesis prints of a failing example: long values cut
        return f"<{self.describe()}>"

    def describe(self) -> str:
        """The request, for failure messages (long values cut)."""
        parts = [self.method, self.path if self.segment is None else self.path.format(
            repr(_cut(self.segment))
        )]  # fmt: skip
        if self.family in ("v1", "v3"):
            parts.append(f"signed by {self.key}")
        for name, values in (
            ("query", self.params),
            ("signed query", self.signed_params),
            ("auth", self.auth),
            ("headers", self.headers),
        ):
            if values:
                parts.append(f"{name} {[(k, _cut(v)) for k, v in values]}")
        if self.body is not None:
            parts.append(f"body {_cut(to_json(self.body, lambda s: s))}")
        if self.dt:
            parts.append(f"(after {self.dt} ms)")
        return " ".join(parts)


def _cut(text: str | None, limit: int = 300) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}...<{len(text)} chars>"


# -- hostile values --------------------------------------------------------------------------

NUMBER_TOKENS = (
    "1e-999999999", "1e999999999", "-1e999999999", "1E+999999999", "1e-1000100", "1e-999999",
    "1e-999", "0E-999999999", "0e999999999", "1e-19", "1e-18", "-0", "-0.0", "0", "0.0",
    "1" + "0" * 30, "-1" + "0" * 30, "9" * 4000, "0." + "0" * 3000 + "1", "1." + "0" * 3000 + "1",
    "9223372036854775808", "9223372036854775807", "-9223372036854775809", "18446744073709551616",
    "1e18", "1e19", "1.5", "-1", "0.5", "60000.05", "60000.1000000000000000000000001",
    "999999999999999.9", "1e15", "1e14", "4.9e-324", "1.7976931348623157e308", "2e308",
)  # fmt: skip
"""Valid JSON number tokens, sent bare or as strings."""
BAD_TOKENS = ("NaN", "-NaN", "Infinity", "-Infinity", "+1", ".5", "01", "0x10", "1e", "--1")
"""Not JSON: the body cannot be decoded."""
HOSTILE_TEXTS = (
    "NaN", "nan", "-NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "inf", "-inf", "Inf",
    " 1 ", "1_000", "0x10", "+5", "1e", "e1", "1,5", "١٢٣", "²", "５", "", " ", "\t", "\u0000",
    "日本語", "🚀", "\ud800", "\u202e", "null", "true", "[]", "{}", ",", ",,,", "1,,2",
    "1," * 200, "a" * 5000, "9" * 4500, "9" * 60000, "x" * 70000, "BTC-USD\u0000", " btc-usd ",
    "BTC_USD", "BTC-USDT", "-", "$ORDER", "step0", "step²", "STEP0", "buy", "open", "limit",
)  # fmt: skip
"""Strings that are not what any field wants (or are another field's valid value)."""
WRONG_TYPES: tuple[Value, ...] = (
    J([]), J([1]), J(["1"]), J({}), J({"a": 1}), J(True), J(False), J(None),
    Arr((Raw("1e-999999999"),)), Obj((("price", Raw("1e999999999")),)),
    Raw("[" * 3000 + "]" * 3000), Raw('{"a":' * 2000 + "1" + "}" * 2000),
)  # fmt: skip


def _utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


EXTREMES = (
    "1e-999999999", "1e999999999", "-1e999999999", "1e-1000100", "-1e-999999999", "1e-999999",
    "0E-999999999", "-0", "1" + "0" * 30, "9" * 4000, "0." + "0" * 3000 + "1",
)  # fmt: skip
"""The likeliest to break arithmetic: drawn as often as all the other numbers together."""
numbers = st.one_of(st.sampled_from(EXTREMES), st.sampled_from(NUMBER_TOKENS))
hostile_strings = st.one_of(numbers, st.sampled_from(HOSTILE_TEXTS))
query_hostile = st.one_of(
    numbers, st.sampled_from(tuple(t for t in HOSTILE_TEXTS if len(t) <= 5000 and _utf8(t)))
)
"""For query parameters and paths: httpx refuses a query over 64 KiB, or a lone surrogate (no
UTF-8 for it to percent-encode), before anything is sent."""
ascii_hostile = st.sampled_from(
    tuple(
        t for t in (*HOSTILE_TEXTS, *NUMBER_TOKENS)
        if t.isascii() and t.isprintable() and len(t) < 5000
    )
)  # fmt: skip
hostile_values: st.SearchStrategy[Value] = st.one_of(
    numbers.map(Raw),
    numbers.map(J),
    numbers.map(Raw),
    numbers.map(J),
    hostile_strings.map(J),
    st.sampled_from((*WRONG_TYPES, *(Raw(t) for t in BAD_TOKENS))),
)
"""Mostly numbers (as JSON numbers and as strings): that is where arithmetic can break. A body
that is not JSON at all stops at the decoder (1030), so those are drawn seldom here; the sweep
(test_sweep.py) sends each of them to every field anyway."""

# -- valid values ----------------------------------------------------------------------------

CONTRACTS = {  # code: (reference price, tick, digits)
    "BTC-USD": (60000, "0.1", 1),
    "ETH-USD": (3000, "0.01", 2),
    "XRP-USD": (0.5, "0.0001", 4),
}
CODE_SPELLINGS = ("BTC-USD", "ETH-USD", "XRP-USD", "btc-usd", "eth-usd")
PRICE_TYPES = (
    "limit", "limit", "limit", "post_only", "ioc", "fok", "opponent", "opponent_ioc",
    "opponent_fok", "optimal_5", "optimal_10_ioc", "optimal_20_fok",
)  # fmt: skip


def number(value: int | str) -> st.SearchStrategy[Value]:
    """A number as a JSON number or as a string, as HTX accepts both."""
    return st.sampled_from((Raw(str(value)), J(str(value))))


def integer(values: tuple[int, ...]) -> st.SearchStrategy[Value]:
    return st.sampled_from(values).flatmap(number)


def text(values: tuple[str, ...]) -> st.SearchStrategy[Value]:
    return st.sampled_from(values).map(J)


def price_near(code: str) -> st.SearchStrategy[Value]:
    reference, tick, digits = CONTRACTS[code.upper()]
    return st.integers(-4, 4).flatmap(lambda k: number(f"{reference + k * float(tick):.{digits}f}"))


codes = text(CODE_SPELLINGS)


@st.composite
def order_fields(draw: st.DrawFn) -> list[tuple[str, Value]]:
    code = draw(st.sampled_from(CODE_SPELLINGS))
    fields: list[tuple[str, Value]] = [
        ("contract_code", J(code)),
        ("volume", draw(integer((1, 1, 2, 3, 5)))),
        ("direction", draw(text(("buy", "sell")))),
        ("offset", draw(text(("open", "open", "open", "close")))),
        ("lever_rate", draw(integer((10, 10, 10, 10, 10, 5, 20)))),
        ("order_price_type", draw(text(PRICE_TYPES))),
        ("price", draw(price_near(code))),
    ]
    if draw(st.booleans()):
        fields.append(("client_order_id", draw(integer((1, 2, 3, 77)))))
    if draw(chance(4)):
        fields.append(("self_match_prevent", draw(integer((0, 1)))))
    if draw(chance(6)):
        fields.append(("reduce_only", draw(integer((0, 1)))))
    if draw(chance(5)):  # TP/SL legs attached: some on the wrong side of the price (1405/1407)
        fields.extend(tpsl_fields(draw, code))
    return fields


def tpsl_fields(draw: st.DrawFn, code: str) -> list[tuple[str, Value]]:
    """tp_* and/or sl_* fields priced near the contract's reference price."""
    fields: list[tuple[str, Value]] = []
    for prefix in draw(st.sampled_from((("tp",), ("sl",), ("tp", "sl")))):
        kind = draw(text(("limit", "limit", "optimal_5", "optimal_20")))
        fields += [(f"{prefix}_trigger_price", draw(price_near(code))),
                   (f"{prefix}_order_price", draw(price_near(code))),
                   (f"{prefix}_order_price_type", kind)]  # fmt: skip
    return fields


@st.composite
def tpsl_order_fields(draw: st.DrawFn) -> list[tuple[str, Value]]:
    code = draw(st.sampled_from(CODE_SPELLINGS))
    return [
        ("contract_code", J(code)),
        ("direction", draw(text(("buy", "sell")))),
        ("volume", draw(integer((1, 1, 2, 3)))),
        *tpsl_fields(draw, code),
    ]


@st.composite
def trigger_fields(draw: st.DrawFn) -> list[tuple[str, Value]]:
    """swap_trigger_order, its trigger near the price so that trades fire it."""
    code = draw(st.sampled_from(CODE_SPELLINGS))
    fields: list[tuple[str, Value]] = [
        ("contract_code", J(code)),
        ("trigger_type", draw(text(("ge", "le")))),
        ("trigger_price", draw(price_near(code))),
        ("volume", draw(integer((1, 1, 2, 5)))),
        ("direction", draw(text(("buy", "sell")))),
        ("offset", draw(text(("open", "open", "close")))),
        ("order_price_type", draw(text(("limit", "limit", "optimal_5", "optimal_20")))),
        ("order_price", draw(price_near(code))),
    ]
    if not draw(chance(5)):
        fields.append(("lever_rate", draw(integer((10, 10, 5, 20)))))
    return fields


@st.composite
def track_fields(draw: st.DrawFn) -> list[tuple[str, Value]]:
    """A trailing order whose active price is a few ticks from the reference price (on either
    side, so some answer 1426) and whose callback is small enough for XRP-USD's moves to fire."""
    code = draw(st.sampled_from(CODE_SPELLINGS))
    fields: list[tuple[str, Value]] = [
        ("contract_code", J(code)),
        ("direction", draw(text(("buy", "sell")))),
        ("offset", draw(text(("open", "open", "close")))),
        ("lever_rate", draw(integer((10, 10, 10, 5)))),
        ("volume", draw(integer((1, 1, 2, 5)))),
        ("callback_rate", draw(st.sampled_from(("0.001", "0.002", "0.01", "0.1")).flatmap(number))),
        ("active_price", draw(price_near(code))),
        ("order_price_type", draw(text(("formula_price", "formula_price", "optimal_5")))),
    ]
    if draw(chance(4)):
        fields.append(("channel_code", J("AA03022abc")))
    return fields


def chance(n: int) -> st.SearchStrategy[bool]:
    """True once in n draws. Not `integers(0, n - 1) == 0`: Hypothesis draws 0 far more often
    than 1 in n, and shrinks towards it; here False is the simple choice."""
    return st.sampled_from((False,) * (n - 1) + (True,))


# -- mutation --------------------------------------------------------------------------------

EXTRA_NAMES = (
    "price", "price", "volume", "contract_code", "order_id", "channel_code", "tp_trigger_price",
)  # fmt: skip
"""Names a mutation may add (a second price after the valid one is a duplicated key)."""


@st.composite
def mutated(
    draw: st.DrawFn,
    fields: list[tuple[str, Value]],
    hostile: st.SearchStrategy[Value] = hostile_values,
) -> tuple[tuple[str, Value], ...]:
    """A few fields made hostile (or dropped, or added), sometimes a key repeated."""
    pairs = list(fields)
    # Numbers are where arithmetic can break: their fields are picked more often, prices and
    # amounts (what the margin and the tick grid divide by) most.
    for _ in range(draw(st.sampled_from((1, 1, 1, 1, 0, 2, 2, 3)))):
        value = draw(hostile)
        weighted = [i for i, (n, v) in enumerate(pairs) for _ in range(_weight(n, v))]
        if pairs and not draw(chance(6)):
            index = draw(st.sampled_from(weighted))
            pairs[index] = (pairs[index][0], value)
        else:
            pairs.append((draw(st.sampled_from(EXTRA_NAMES)), value))
    if draw(chance(10)) and pairs:
        del pairs[draw(st.integers(0, len(pairs) - 1))]
    if draw(chance(7)) and pairs:  # a duplicated key in the JSON text
        index = draw(st.integers(0, len(pairs) - 1))
        name, value = pairs[index]
        other = draw(hostile)
        pairs.insert(index + draw(st.integers(0, 1)), (name, other))
    return tuple(pairs)


MONEY_NAMES = frozenset(
    {"price", "amount", "price_tick", "reference_price", "contract_size", "maker_fee_rate",
     "taker_fee_rate"}
)  # fmt: skip


def _weight(name: str, value: Value) -> int:
    return 6 if name in MONEY_NAMES else 2 if _numeric(value) else 1


def _numeric(value: Value) -> bool:
    if isinstance(value, Raw):
        return True
    return isinstance(value, J) and isinstance(value.value, str) and _is_number(value.value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def body(
    fields: st.SearchStrategy[list[tuple[str, Value]]], *, nested: bool = False
) -> st.SearchStrategy[Value]:
    """A mutated object of those fields, now and then a hostile whole body. `nested`: the fields
    carry their own mutations (a batch's orders), so the object itself is mutated rarely."""
    whole = st.sampled_from(
        (Raw("[]"), Raw("null"), Raw("1e999999999"), Raw('"x"'), Raw("{"), Raw("{}"), Raw(""),
         Raw("[" * 3000 + "]" * 3000), Raw("{" + '"a":1,' * 9000 + '"b":2}'))
    )  # fmt: skip
    plain = fields.map(tuple).map(Obj) if nested else fields.flatmap(mutated).map(Obj)
    return st.one_of(*(plain,) * 8, fields.flatmap(mutated).map(Obj), whole)


@st.composite
def _fixed(
    draw: st.DrawFn, pairs: tuple[tuple[str, st.SearchStrategy[Value]], ...]
) -> list[tuple[str, Value]]:
    drawn = [(name, draw(strategy)) for name, strategy in pairs]
    return [(n, v) for n, v in drawn if n in REQUIRED or draw(st.booleans())]


def fixed(
    *pairs: tuple[str, st.SearchStrategy[Value]],
) -> st.SearchStrategy[list[tuple[str, Value]]]:
    """Fields each drawn from its strategy; an optional one is left out now and then."""
    return _fixed(pairs)


REQUIRED = frozenset({"contract_code", "contract", "uid", "on_off", "trade_type", "type",
                      "status", "create_date", "order_id", "symbol", "amount", "permissions",
                      "contract_size", "price_tick", "reference_price", "lever_rate"})  # fmt: skip

# -- endpoints -------------------------------------------------------------------------------

dts = st.sampled_from((0, 0, 0, 0, 0, 0, 1, 50, 1000, 3001, 6000))
keys = st.sampled_from(
    ("trader",) * 60
    + ("second", "unfunded", "reader", "trade_only", "expired", "disabled", "whitelisted")
)
order_ids = st.one_of(text(("$ORDER", "$ORDER", "$ORDERS", "1", "123456789012345678")))
strategy_ids = text(("$STRATEGY", "$STRATEGY", "$STRATEGIES", "$ORDER", "1"))
page = (("page_index", integer((1, 2))), ("page_size", integer((1, 20, 50))))

TRADE = "/swap-api/v1/"
SIGNED: dict[str, tuple[str, st.SearchStrategy[list[tuple[str, Value]]]]] = {
    "swap_order": ("trade", order_fields()),
    "swap_batchorder": (
        "trade",
        st.lists(
            order_fields().flatmap(mutated).map(Obj) | order_fields().map(tuple).map(Obj),
            min_size=1,
            max_size=4,
        ).map(lambda orders: [("orders_data", Arr(tuple(orders)))]),
    ),
    "swap_cancel": (
        "trade",
        fixed(
            ("contract_code", codes),
            ("order_id", order_ids),
            ("client_order_id", integer((1, 2, 77))),
        ),
    ),
    "swap_cancelall": (
        "trade",
        fixed(
            ("contract_code", codes),
            ("direction", text(("buy", "sell"))),
            ("offset", text(("open", "close"))),
        ),
    ),
    "swap_lightning_close_position": (
        "trade",
        fixed(
            ("contract_code", codes),
            ("volume", integer((1, 2, 5))),
            ("direction", text(("buy", "sell"))),
            ("client_order_id", integer((3, 77))),
            ("order_price_type", text(("lightning", "lightning_ioc", "lightning_fok"))),
        ),
    ),
    "swap_switch_lever_rate": (
        "trade",
        fixed(("contract_code", codes), ("lever_rate", integer((5, 10, 20, 7)))),
    ),
    "swap_track_order": ("trade", track_fields()),
    "swap-cancel-after": (
        "trade",
        fixed(("on_off", integer((1, 1, 0))), ("time_out", integer((5000, 6000, 604800000)))),
    ),
    "swap_openorders": (
        "read",
        fixed(
            ("contract_code", codes),
            *page,
            ("sort_by", text(("created_at", "update_time"))),
            ("trade_type", integer((0, 1, 2, 3, 4))),
        ),
    ),
    "swap_order_info": (
        "read",
        fixed(
            ("contract_code", codes),
            ("order_id", order_ids),
            ("client_order_id", integer((1, 2, 77))),
        ),
    ),
    "swap_order_detail": (
        "read",
        fixed(
            ("contract_code", codes),
            ("order_id", order_ids),
            ("created_at", integer((1764000000000,))),
            ("order_type", integer((1, 22))),
            *page,
        ),
    ),
    "swap_hisorders": (
        "read",
        fixed(
            ("contract_code", codes),
            ("trade_type", integer((0, 1, 3, 5))),
            ("type", integer((1, 2))),
            ("status", text(("0", "3,4", "5,6,7"))),
            ("create_date", integer((1, 7, 90))),
            *page,
            ("sort_by", text(("create_date", "update_time"))),
        ),
    ),
    "swap_tpsl_order": ("trade", tpsl_order_fields()),
    "swap_relation_tpsl_order": (
        "read", fixed(("contract_code", codes), ("order_id", order_ids))
    ),
    "swap_account_info": ("read", fixed(("contract_code", codes))),
    "swap_position_info": ("read", fixed(("contract_code", codes))),
    "swap_account_position_info": ("read", fixed(("contract_code", codes))),
    "swap_available_level_rate": ("read", fixed(("contract_code", codes))),
    "swap_order_limit": (
        "read",
        fixed(
            ("contract_code", codes),
            ("order_price_type", text(("limit", "lightning_fok", "post_only", "optimal_5"))),
        ),
    ),
    "swap_fee": ("read", fixed(("contract_code", codes))),
    "swap_transfer_limit": ("read", fixed(("contract_code", codes))),
    "swap_position_limit": ("read", fixed(("contract_code", codes))),
    "swap_balance_valuation": (
        "read", fixed(("valuation_asset", text(("BTC", "USD", "usd", "CNY"))))
    ),
}
SIGNED["swap_trigger_order"] = ("trade", trigger_fields())
for _kind in ("trigger", "tpsl", "track"):
    SIGNED[f"swap_{_kind}_cancel"] = (
        "trade", fixed(("contract_code", codes), ("order_id", strategy_ids))
    )
    SIGNED[f"swap_{_kind}_cancelall"] = (
        "trade",
        fixed(
            ("contract_code", codes),
            ("direction", text(("buy", "sell"))),
            ("offset", text(("open", "close"))),
        ),
    )
    SIGNED[f"swap_{_kind}_openorders"] = (
        "read", fixed(("contract_code", codes), *page, ("trade_type", integer((0, 1, 3, 4))))
    )
    SIGNED[f"swap_{_kind}_hisorders"] = (
        "read",
        fixed(
            ("contract_code", codes),
            ("status", text(("0", "4,5", "6", "11"))),
            ("create_date", integer((1, 7, 90, 365))),
            ("trade_type", integer((0, 1, 4, 7))),
            *page,
            ("sort_by", text(("created_at", "update_time", "create_date"))),
        ),
    )
# The history family with HTX's query_id paging (v1 _exact and page_index paths).
_HISTORY_WINDOW = (
    ("start_time", integer((1763999000000, 1764000000000))),
    ("end_time", integer((1764000000000, 1764000100000))),
    ("direct", text(("prev", "next"))), ("from_id", integer((1, 5, 1000))),
)  # fmt: skip
SIGNED["swap_hisorders_exact"] = (
    "read",
    fixed(
        ("contract_code", codes), ("trade_type", integer((0, 1, 3, 5, 7))),
        ("type", integer((1, 2))), ("status", text(("0", "3,4", "5,6,7"))),
        ("order_price_type", text(("limit", "opponent", "post_only"))), *_HISTORY_WINDOW,
        ("size", integer((1, 20, 50))),
    ),
)
SIGNED["swap_matchresults_exact"] = (
    "read",
    fixed(
        ("contract_code", codes), ("trade_type", integer((0, 1, 4, 5))), *_HISTORY_WINDOW,
        ("size", integer((1, 20, 50))),
    ),
)
SIGNED["swap_matchresults"] = (
    "read",
    fixed(
        ("contract_code", codes), ("trade_type", integer((0, 1, 4, 6))),
        ("create_date", integer((1, 7, 90, 365))), *page,
    ),
)
SIGNED["swap_user_settlement_records"] = (
    "read",
    fixed(
        ("contract_code", codes),
        ("start_time", integer((1757000000000, 1763000000000, 1764000000000))),
        ("end_time", integer((1763500000000, 1764000000000, 1764000100000))),
        *page,
    ),
)
V3 = {
    "/swap-api/v1/swap-cancel-after": "swap-cancel-after",
    "/swap-api/v3/swap_matchresults_exact": "swap_matchresults_exact",
    "/swap-api/v3/swap_financial_record": "swap_financial_record",
    "/swap-api/v3/swap_financial_record_exact": "swap_financial_record_exact",
    "/swap-api/v3/swap_hisorders": "v3/swap_hisorders",
    "/swap-api/v3/swap_hisorders_exact": "v3/swap_hisorders_exact",
    "/swap-api/v3/swap_matchresults": "v3/swap_matchresults",
}
MATCHRESULTS = fixed(
    ("contract", codes), ("trade_type", integer((0, 1, 4, 5))),
    ("start_time", integer((1763999000000, 1764000000000))),
    ("end_time", integer((1764000000000, 1764000100000))), ("size", integer((1, 20, 100))),
)  # fmt: skip

FINANCIAL_RECORDS = fixed(
    ("contract", codes), ("type", text(("30,31", "5", "3,4,5,6,7,8", "14", "99"))),
    ("start_time", integer((1763827200000, 1763999000000, 1764000000000))),
    ("end_time", integer((1764000000000, 1764000100000))), ("direct", text(("prev", "next"))),
    ("from_id", integer((1, 5, 1000))),
)  # fmt: skip
V3_READS = {"swap_financial_record": FINANCIAL_RECORDS,
            "swap_financial_record_exact": FINANCIAL_RECORDS}  # fmt: skip
V3_ORDER_HISTORY = fixed(
    ("contract", codes), ("trade_type", integer((0, 1, 3, 5, 7))), ("type", integer((1, 2))),
    ("status", text(("0", "3,4", "5,6,7"))), ("price_type", text(("limit", "opponent"))),
    *_HISTORY_WINDOW, ("size", integer((1, 20, 100))),
)  # fmt: skip
V3_READS["v3/swap_matchresults_exact"] = MATCHRESULTS
V3_READS["v3/swap_hisorders"] = V3_ORDER_HISTORY
V3_READS["v3/swap_hisorders_exact"] = V3_ORDER_HISTORY
V3_READS["v3/swap_matchresults"] = fixed(
    ("contract", codes), ("trade_type", integer((0, 2, 3, 6))), *_HISTORY_WINDOW,
    ("size", integer((1, 20, 100))),
)  # fmt: skip

AUTH_NAMES = ("AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp")


@st.composite
def signed_request(draw: st.DrawFn, names: tuple[str, ...]) -> Request:
    name = draw(st.sampled_from(names))
    nested = False
    if name in V3_READS:
        path, fields = "/swap-api/v3/" + name.removeprefix("v3/"), V3_READS[name]
    else:
        path, fields = TRADE + name, SIGNED[name][1]
    nested = name == "swap_batchorder"
    auth: tuple[tuple[str, str | None], ...] = ()
    if draw(chance(20)):
        auth = ((draw(st.sampled_from(AUTH_NAMES)), draw(st.none() | ascii_hostile)),)
    signed_params: tuple[tuple[str, str], ...] = ()
    if draw(chance(20)):
        signed_params = ((draw(st.sampled_from(("contract_code", "x", "Signature"))),
                          draw(query_hostile)),)  # fmt: skip
    return Request(
        family="v3" if path in V3 else "v1",
        envelope="v3" if path in V3 else "v1",
        method="POST",
        path=path,
        body=draw(st.none() | body(fields, nested=nested))
        if draw(chance(30))
        else draw(body(fields, nested=nested)),
        key=draw(keys),
        signed_params=signed_params,
        auth=auth,
        headers=draw(language),
        ascii_body=draw(st.booleans()),
        dt=draw(dts),
    )


language = st.one_of(
    st.just(()),
    st.just(()),
    st.just(()),
    st.tuples(st.just("Accept-Language"), st.sampled_from(("zh-CN", "en", ""))).map(lambda h: (h,)),
    ascii_hostile.map(lambda v: (("Accept-Language", v),)),
)

TRADE_NAMES = ("swap_order",) * 4 + ("swap_batchorder",) * 2 + (
    "swap_cancel", "swap_cancelall", "swap_switch_lever_rate", "swap-cancel-after",
    "swap_lightning_close_position", "swap_tpsl_order", "swap_tpsl_order",
    "swap_track_order", "swap_track_order",
)  # fmt: skip
READ_NAMES = (
    "swap_openorders", "swap_order_info", "swap_order_detail", "swap_hisorders",
    "swap_account_info", "swap_position_info", "v3/swap_matchresults_exact",
    "swap_relation_tpsl_order", "swap_account_position_info", "swap_available_level_rate",
    "swap_order_limit", "swap_fee", "swap_transfer_limit", "swap_position_limit",
    "swap_balance_valuation",
    "swap_relation_tpsl_order", "swap_user_settlement_records", "swap_financial_record",
    "swap_financial_record_exact",
    "v3/swap_hisorders", "v3/swap_hisorders_exact", "v3/swap_matchresults",
    "swap_hisorders_exact", "swap_matchresults", "swap_matchresults_exact",
)  # fmt: skip
STRATEGY_NAMES = (
    ("swap_trigger_order",) * 6
    + ("swap_order",) * 4
    + ("swap_tpsl_order",) * 3
    + ("swap_track_order",) * 3
) + tuple(
    f"swap_{kind}_{action}"
    for kind in ("trigger", "trigger", "tpsl", "track")
    for action in ("cancel", "cancelall", "openorders", "hisorders")
)
"""Trigger, TP/SL and trailing orders, the orders whose trades fire them, and the twelve
cancels and queries."""
trade_requests = signed_request(TRADE_NAMES)
strategy_requests = signed_request(STRATEGY_NAMES)
read_requests = signed_request(READ_NAMES)

# -- unsigned GETs ---------------------------------------------------------------------------


def text_params(
    *pairs: tuple[str, tuple[str, ...]],
) -> st.SearchStrategy[tuple[tuple[str, str], ...]]:
    """Query parameters from valid choices, a few made hostile, sometimes repeated."""
    valid = fixed(*((name, st.sampled_from(choices).map(J)) for name, choices in pairs))
    return valid.flatmap(lambda f: mutated(f, query_hostile.map(J))).map(
        lambda drawn: tuple((k, _as_text(v)) for k, v in drawn)
    )


def _as_text(value: Value) -> str:
    assert isinstance(value, J) and isinstance(value.value, str)
    return value.value


MARKET_CODES = ("BTC-USD", "ETH-USD", "XRP-USD", "btc-usd")
KLINE_PERIODS = ("1min", "5min", "15min", "30min", "60min", "4hour", "1day", "1week", "1mon")
PUBLIC: dict[str, tuple[str, st.SearchStrategy[tuple[tuple[str, str], ...]]]] = {
    "/swap-api/v1/swap_contract_info": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_api_state": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_index": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_price_limit": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/api/v1/timestamp": ("timestamp", text_params()),
    "/heartbeat/": ("v1", text_params()),
    "/swap-ex/market/depth": (
        "market",
        text_params(("contract_code", MARKET_CODES), ("type", ("step0", "step6", "step15"))),
    ),
    "/swap-ex/market/detail/merged": ("market", text_params(("contract_code", MARKET_CODES))),
    "/swap-ex/market/bbo": ("market", text_params(("contract_code", MARKET_CODES))),
    "/swap-ex/market/trade": ("market", text_params(("contract_code", MARKET_CODES))),
    "/swap-ex/market/history/trade": (
        "market",
        text_params(("contract_code", MARKET_CODES), ("size", ("1", "10", "2000"))),
    ),
    "/swap-api/v1/swap_funding_rate": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_batch_funding_rate": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_estimated_settlement_price": (
        "v1", text_params(("contract_code", MARKET_CODES)),
    ),
    **{
        f"/index/market/history/swap_{series}_kline": (
            "market",
            text_params(
                ("contract_code", MARKET_CODES), ("period", KLINE_PERIODS), ("size", ("1", "150"))
            ),
        )
        for series in ("premium_index", "estimated_rate")
    },
    "/swap-api/v1/swap_historical_funding_rate": (
        "v1",
        text_params(("contract_code", MARKET_CODES), ("page_index", ("1", "2")),
                    ("page_size", ("1", "50"))),
    ),
    "/swap-api/v1/swap_settlement_records": (
        "v1",
        text_params(("contract_code", MARKET_CODES), ("start_time", ("1763000000000",)),
                    ("end_time", ("1764000000000",)), ("page_size", ("1", "50"))),
    ),
    "/swap-ex/market/history/kline": (  # size wins; dropped (1 in 10), from/to are read
        "market",
        text_params(
            ("contract_code", MARKET_CODES),
            ("period", (*KLINE_PERIODS, "1hour")),
            ("size", ("1", "150", "2000")),
            ("from", ("0", "1763990000", "1764000000")),
            ("to", ("1764000060", "1764003600", "99999999999")),
        ),
    ),
    "/index/market/history/swap_mark_price_kline": (
        "market",
        text_params(
            ("contract_code", MARKET_CODES), ("period", KLINE_PERIODS), ("size", ("1", "2000"))
        ),
    ),
    "/index/market/history/swap_basis": (
        "market",
        text_params(
            ("contract_code", MARKET_CODES), ("period", KLINE_PERIODS), ("size", ("1", "2000")),
            ("basis_price_type", ("open", "close", "high", "low", "average")),
        ),
    ),
    "/swap-ex/market/detail/batch_merged": (
        "market", text_params(("contract_code", MARKET_CODES))
    ),
    "/v2/swap-ex/market/detail/batch_merged": (
        "market", text_params(("contract_code", MARKET_CODES))
    ),
    "/swap-api/v1/swap_open_interest": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_his_open_interest": (
        "v1",
        text_params(
            ("contract_code", MARKET_CODES),
            ("period", ("60min", "4hour", "12hour", "1day")),
            ("size", ("1", "48", "200")),
            ("amount_type", ("1", "2")),
        ),
    ),
    "/swap-api/v1/swap_adjustfactor": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_risk_info": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_ladder_margin": ("v1", text_params(("contract_code", MARKET_CODES))),
    "/swap-api/v1/swap_insurance_fund": (
        "v1",
        text_params(("contract_code", MARKET_CODES), ("page_size", ("1", "100", "101"))),
    ),
    "/swap-api/v3/swap_liquidation_orders": (
        "v3",
        text_params(
            ("contract", MARKET_CODES), ("trade_type", ("0", "5", "6", "7")),
            ("direct", ("prev", "next")),
        ),
    ),
}


@st.composite
def public_request(draw: st.DrawFn) -> Request:
    path = draw(st.sampled_from(tuple(PUBLIC)))
    envelope, params = PUBLIC[path]
    return Request(
        family="market" if envelope == "market" else "public",
        envelope=envelope,
        method="GET",
        path=path,
        params=draw(params),
        headers=draw(language),
        dt=draw(dts),
    )


# -- the admin API ---------------------------------------------------------------------------

ADMIN = "/sandbox-api/v1"
uids = integer((1, 2, 4, 10000001, 9000001))
NEW_CODES = ("DOGE-USD", "SOL-USD", "XRP-USD")
contract_fields = st.sampled_from(NEW_CODES).flatmap(
    lambda code: fixed(
        ("contract_code", st.just(J(code))),
        ("symbol", st.just(J(code.split("-")[0]))),
        ("contract_size", number(10)),
        ("price_tick", number("0.0001")),
        ("reference_price", number("0.5")),
        ("contract_status", integer((1, 5))),
        ("create_date", text(("20250101",))),
        ("max_order_volume", integer((100,))),
        ("max_open_orders", integer((10,))),
        ("lever_rates", st.just(Arr((Raw("5"), Raw("10"))))),
        ("maker_fee_rate", number("0.0002")),
        ("taker_fee_rate", number("0.0005")),
        ("price_limit_rate", number("0.06") | number("0.5")),
        ("buy_limit", integer((0, 5, 1000))),
        ("sell_limit", integer((0, 3))),
    )
)
path_points = st.lists(
    st.tuples(integer((1764000000000, 1764000030000, 1764000090000)), number("61000") | number(1)),
    min_size=1,
    max_size=4,
).map(lambda points: Arr(tuple(Arr(point) for point in points)))
"""Often ascending (valid), sometimes not: the times repeat and come in any order."""
index_fields = st.sampled_from(("BTC-USD", "eth-usd", "XRP-USD")).flatmap(
    lambda code: st.one_of(
        fixed(("contract_code", st.just(J(code))), ("price", number("60000.5") | number("0.1"))),
        fixed(("contract_code", st.just(J(code))), ("path", path_points)),
        fixed(("contract_code", st.just(J(code))), ("walk", st.just(J(True)))),
    )
)
FAULTED_PATHS = (
    "/swap-api/v1/swap_order",
    "/swap-api/v1/swap_cancel",
    "/swap-api/v1/swap_cancelall",
    "/swap-api/v1/swap_account_info",
)
ADMIN_POSTS: dict[str, st.SearchStrategy[list[tuple[str, Value]]]] = {
    "/accounts": fixed(("uid", integer((10000001, 10000002, 5)))),
    "/deposits": fixed(
        ("uid", uids),
        ("symbol", text(("BTC", "eth", "XRP", "DOGE"))),
        ("amount", number("0.5") | number(3) | number("1e-18")),
    ),
    "/api-keys": fixed(
        ("uid", uids),
        ("permissions", st.just(Arr((J("read"), J("trade"))))),
        ("ip_whitelist", st.just(Arr((J("127.0.0.1"), J("10.0.0.0/8"))))),
        ("expires_at", integer((1764000060000, 1864000000000))),
    ),
    "/api-keys/{}/disable": fixed(),
    "/contracts": contract_fields,
    "/contracts/{}": fixed(
        ("contract_status", integer((1, 5))),
        ("reference_price", number("60000.1") | number("0.5")),
        ("price_limit_rate", number("0.01") | number("0.06")),
        ("buy_limit", integer((0, 2, 50))),
        ("sell_limit", integer((0, 1, 50))),
    ),
    "/index-prices": index_fields,
    "/cancel": fixed(
        ("uid", uids),
        ("contract_code", text(("BTC-USD", "eth-usd", "XRP-USD"))),
        ("order_id", text(("$ORDER", "$ORDERS", "1"))),
        ("client_order_id", text(("1", "2,3"))),
    ),
    "/cancel-all": fixed(
        ("uid", uids),
        ("contract_code", text(("BTC-USD", "eth-usd", "XRP-USD"))),
        ("direction", text(("buy", "sell"))),
        ("offset", text(("open", "close"))),
    ),
    "/strategy-cancel": fixed(
        ("uid", uids),
        ("kind", text(("trigger", "tpsl", "track", "other"))),
        ("contract_code", text(("BTC-USD", "eth-usd"))),
        ("order_id", text(("$STRATEGY", "$STRATEGIES", "1"))),
    ),
    "/strategy-cancel-all": fixed(
        ("uid", uids),
        ("kind", text(("trigger", "tpsl", "track", "other"))),
        ("contract_code", text(("BTC-USD", "eth-usd"))),
        ("direction", text(("buy", "sell"))),
        ("offset", text(("open", "close"))),
    ),
    # The test controls (docs/test-controls.md), between the trades: time jumps over funding
    # and switch timers, cancels delayed into status 11, injected errors, per-UID limits.
    "/clock": st.one_of(
        fixed(("advance_ms", integer((1000, 60000, 3600000, 28800000)))),
        fixed(("mode", text(("frozen", "live")))),
        fixed(("mode", st.just(J("scaled"))), ("speed", integer((2, 60)))),
    ),
    "/cancel-delay": fixed(("cancel_delay_ms", integer((0, 500, 3000)))),
    "/faults": fixed(
        ("path", text(FAULTED_PATHS)),
        ("err_code", integer((1032, 1048))),
        ("count", integer((1, 2))),
    ),
    "/rate-limits": fixed(("uid", uids), ("trade", integer((1, 72))), ("read", integer((2,)))),
    "/sessions/close": fixed(("uid", uids)),
}
ADMIN_GETS: dict[str, st.SearchStrategy[tuple[tuple[str, str], ...]]] = {
    "/accounts": text_params(),
    "/api-keys": text_params(("uid", ("1", "2", "10000001"))),
    "/contracts": text_params(),
    "/orders": text_params(("uid", ("1", "2")), ("contract_code", MARKET_CODES)),
    "/index-prices": text_params(("contract_code", MARKET_CODES)),
    "/positions": text_params(("uid", ("1", "2")), ("contract_code", MARKET_CODES)),
    "/strategy-orders": text_params(("uid", ("1", "2")), ("contract_code", MARKET_CODES)),
    "/order-history": text_params(
        ("uid", ("1", "2")), ("contract_code", MARKET_CODES), ("size", ("1", "100", "101"))
    ),
    "/fills": text_params(
        ("uid", ("1", "2")), ("contract_code", MARKET_CODES), ("size", ("1", "100", "0"))
    ),
    "/market": text_params(
        ("contract_code", MARKET_CODES), ("period", ("1min", "4hour", "1year")),
        ("size", ("1", "300", "301")),
    ),
    "/clock": text_params(),
    "/faults": text_params(),
    "/cancel-delay": text_params(),
    "/rate-limits": text_params(),
    "/faults/paths": text_params(),
}
SEGMENTS = {
    "/api-keys/{}/disable": ("$KEY", "$KEY", "ak-trader", "unknown"),
    "/contracts/{}": ("BTC-USD", "eth-usd", "XRP-USD", "DOGE-USD"),
}
TOKEN_HEADERS = (
    ("Authorization", "Bearer wrong"), ("Authorization", "Basic Zm9v"), ("Authorization", ""),
    ("Authorization", "Bearer"), ("X-Other", "1"),
)  # fmt: skip


@st.composite
def admin_request(draw: st.DrawFn, token: str) -> Request:
    segment: str | None = None
    if draw(chance(4)):
        suffix = draw(st.sampled_from(tuple(ADMIN_GETS)))
        method, params, payload = "GET", draw(ADMIN_GETS[suffix]), None
    else:
        suffix = draw(st.sampled_from(tuple(ADMIN_POSTS)))
        method, params, payload = "POST", (), draw(body(ADMIN_POSTS[suffix]))
        if suffix in SEGMENTS:
            segment = draw(st.sampled_from(SEGMENTS[suffix]) | query_hostile)
    headers: tuple[tuple[str, str], ...] = (("Authorization", f"Bearer {token}"),)
    choice = draw(st.sampled_from((3,) * 22 + (0, 1, 2)))
    if choice == 0:
        headers = (draw(st.sampled_from(TOKEN_HEADERS)),)
    elif choice == 1:
        headers = (("Authorization", f"bearer  {token} "),)
    elif choice == 2:
        headers = (("Authorization", draw(ascii_hostile)),)
    return Request(
        family="admin",
        envelope="v1",
        method=method,
        path=ADMIN + suffix,
        segment=segment,
        body=payload,
        params=params,
        headers=headers + draw(language),
        ascii_body=draw(st.booleans()),
        dt=draw(dts),
    )


@st.composite
def listed_then_traded(draw: st.DrawFn, token: str) -> Request:
    """An order on a contract the admin API may just have listed (DOGE-USD, SOL-USD)."""
    code = draw(st.sampled_from(("DOGE-USD", "SOL-USD")))
    fields = draw(order_fields())
    fields[0] = ("contract_code", J(code))
    fields[6] = ("price", draw(number("0.5")))
    return Request(
        family="v1",
        envelope="v1",
        method="POST",
        path=TRADE + "swap_order",
        body=Obj(draw(mutated(fields))),
        dt=draw(dts),
    )


@st.composite
def plain_trigger_order(draw: st.DrawFn) -> Request:
    """A valid swap_trigger_order (rare among mutated bodies), for crossing orders to fire."""
    return Request(
        family="v1",
        envelope="v1",
        method="POST",
        path=TRADE + "swap_trigger_order",
        body=Obj(tuple(draw(trigger_fields()))),
        key=draw(st.sampled_from(("trader", "trader", "second"))),
        dt=draw(dts),
    )


@st.composite
def crossing_order(draw: st.DrawFn) -> Request:
    """A valid swap_order that trades through the best level: what fires trigger orders."""
    code = draw(st.sampled_from(("BTC-USD", "ETH-USD")))
    reference, tick, digits = CONTRACTS[code]
    side = draw(st.sampled_from(("buy", "sell")))
    offset = draw(st.sampled_from(("open", "open", "open", "close")))
    ticks = draw(st.integers(0, 6)) * (1 if side == "buy" else -1)
    fields: tuple[tuple[str, Value], ...] = (
        ("contract_code", J(code)), ("volume", draw(integer((1, 3, 12)))),
        ("direction", J(side)), ("offset", J(offset)),
        ("lever_rate", J(10)), ("order_price_type", J("limit")),
        ("price", J(f"{reference + ticks * float(tick):.{digits}f}")),
    )  # fmt: skip
    return Request(
        family="v1",
        envelope="v1",
        method="POST",
        path=TRADE + "swap_order",
        body=Obj(fields),
        key=draw(st.sampled_from(("trader", "third"))),  # not second: it quotes the book
        dt=draw(dts),
    )
