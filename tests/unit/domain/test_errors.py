"""HTX's error catalogue: exact texts, substitution, wire form and language choice."""

from __future__ import annotations

import pickle

import pytest

from htx_sandbox.domain.errors import ERROR_MESSAGES, ErrorCode, HtxError, language_for

# Rows of the "Full table" in section 5 of the shared HTX reference notes (403, 1000-1455 with
# gaps, 12001-12009), counted when the catalogue was written.
REFERENCE_TABLE_ROWS = 227


def test_no_orders_to_cancel_in_both_languages() -> None:
    error = HtxError(ErrorCode.NO_ORDERS_TO_CANCEL)
    assert error.message() == "No orders to cancel."
    assert error.message("zh") == "没有可撤销的订单"
    assert error.wire_message() == "No orders to cancel."


def test_documented_apostrophe_is_dropped_on_the_wire() -> None:
    # "Order doesnt exist." is what ccxt captured for 1017 (its template says "doesn't").
    error = HtxError(ErrorCode.ORDER_NOT_EXIST)
    assert error.message() == "Order doesn't exist."
    assert error.wire_message() == "Order doesnt exist."
    assert error.wire_message("zh") == "查询订单不存在"


def test_typographic_apostrophe_is_kept_on_the_wire() -> None:
    # ccxt's capture of 1220 keeps the typographic apostrophe: "You don’t have access ...".
    assert HtxError(ErrorCode.CONTRACTS_NOT_OPENED).wire_message() == (
        "You don’t have access permission as you have not opened contracts trading."
    )
    error = HtxError(ErrorCode.IN_SETTLEMENT)
    assert error.wire_message() == "In settlement. Your order can’t be placed/withdrew currently."


@pytest.mark.parametrize(
    ("code", "params", "english", "chinese"),
    [
        # ccxt's captured bodies (2021-12, 2022-02); HTX's QA suite: "volume字段不能为空,...".
        (1066, ("symbol",), "The symbol field cannot be empty. Please re-enter.",
         "symbol字段不能为空,请重新输入"),
        (1067, ("client_order_id",), "The client_order_id field is invalid. Please re-enter.",
         "client_order_id字段不合法"),
        # ccxt's 2025 capture of a per-order cancel failure.
        (1061, (), "The order does not exist.", "订单不存在"),
        # HTX's FAQ quotes a 1030 answer to a bad request parameter (the Chinese: the table's).
        (1030, (), "Abnormal service. Please try again later.", "输入错误"),
    ],
)  # fmt: skip
def test_captured_live_texts_replace_the_documented_templates(
    code: int, params: tuple[str, ...], english: str, chinese: str
) -> None:
    error = HtxError(code, *params)
    assert (error.wire_message(), error.wire_message("zh")) == (english, chinese)
    assert ERROR_MESSAGES[code] != (english, chinese)  # the table keeps HTX's documented one


def test_amount_limit_fills_the_placeholder() -> None:
    error = HtxError(ErrorCode.AMOUNT_EXCEEDS_LIMIT, 170000)
    assert error.params == ("170000",)
    assert error.message() == (
        "The order amount exceeds the limit (170000Cont), please modify and order again."
    )
    assert error.message("zh") == "下单数量超出限制 (170000张),请修改后下单"


def test_open_orders_limit_fills_placeholders_in_order() -> None:
    error = HtxError(ErrorCode.OPEN_ORDERS_LIMIT, "BTC-USD", 200)
    assert error.message() == (
        "For BTC-USD contracts, the number of the position-opening orders which are not fully "
        "filled cannot exceed 200."
    )
    assert error.message("zh") == "BTC-USD合约未完成的开仓委托数量不得超过200笔"


def test_missing_param_leaves_the_placeholder() -> None:
    assert HtxError(1234, "BTC-USD").message().endswith("cannot exceed {1}.")
    assert HtxError(1066).message() == "The {0} field cannot be empty. Please re-enter."


def test_params_are_not_substituted_twice() -> None:
    assert HtxError(1067, "{1}", "x").message() == "The {1} field is invalid. Please re-enter."


def test_only_numbered_placeholders_are_replaced() -> None:
    # 1419 carries a stray "}" in HTX's own table; it must survive untouched.
    error = HtxError(1419, 1, 2, "BTC")
    assert error.message() == "Exceeds the range of initial margin (1 ~ 2} BTC)."
    assert error.message("zh") == "超出初始化保证金范围(1~2}BTC)"


def test_unknown_language_falls_back_to_english() -> None:
    assert HtxError(1051).message("fr") == "No orders to cancel."
    assert HtxError(1051).wire_message("") == "No orders to cancel."


def test_str_and_repr() -> None:
    error = HtxError(ErrorCode.AMOUNT_EXCEEDS_LIMIT, 170000)
    assert str(error) == (
        "1041: The order amount exceeds the limit (170000Cont), please modify and order again."
    )
    assert repr(error) == "HtxError(1041, '170000')"
    assert repr(HtxError(1051)) == "HtxError(1051)"


def test_is_an_exception_that_survives_pickling() -> None:
    error = HtxError(1234, "BTC-USD", 200)
    with pytest.raises(HtxError) as caught:
        raise error
    assert caught.value.code == 1234
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.params) == (1234, ("BTC-USD", "200"))


def test_unknown_code_raises_value_error() -> None:
    with pytest.raises(ValueError):
        HtxError(1005)
    with pytest.raises(ValueError):
        HtxError(0)


@pytest.mark.parametrize("member", list(ErrorCode))
def test_every_named_code_has_a_catalogue_entry(member: ErrorCode) -> None:
    assert member.value in ERROR_MESSAGES


def test_required_names() -> None:
    assert ErrorCode.INVALID_ID.value == 403
    assert ErrorCode.SYSTEM_BUSY.value == 1004
    assert ErrorCode.CANCEL_ORDER_NOT_EXIST.value == 1061
    assert ErrorCode.LEVERAGE_MISMATCH.value == 1349


def test_catalogue_covers_the_reference_table() -> None:
    assert len(ERROR_MESSAGES) >= REFERENCE_TABLE_ROWS
    for code in (403, 1000, 1021, 1110, 1254, 1332, 1419, 1433, 1455, 12001, 12009):
        assert code in ERROR_MESSAGES


def test_catalogue_spot_checks_of_htx_text() -> None:
    assert ERROR_MESSAGES[403] == ("invalid ID", "无效身份")
    assert ERROR_MESSAGES[1004] == ("System busy. Please try again later.", "系统繁忙,请稍后再试")
    assert ERROR_MESSAGES[1045] == (
        "Unable to switch leverage due to open orders.",
        "当前有挂单,无法切换倍数",
    )
    assert ERROR_MESSAGES[1088][0] == (
        "{0} contract is restricted of withdraw order on {1}.  Please contact customer service."
    )
    assert ERROR_MESSAGES[1220][0] == (
        "You don\u2019t have access permission as you have not opened contracts trading."
    )
    assert ERROR_MESSAGES[1433][0].endswith("please check \u201cOrder History\u201d for details.")
    assert ERROR_MESSAGES[12008] == ("Verification failed.", "校验失败")


def test_catalogue_shape() -> None:
    for code, (english, chinese) in ERROR_MESSAGES.items():
        assert isinstance(code, int)
        assert english and english == english.strip()
        assert chinese and chinese == chinese.strip()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("zh-CN", "zh"),
        ("ZH-cn,zh;q=0.9", "zh"),
        ("  zh", "zh"),
        ("Zh-Hant-TW", "zh"),
        ("en-US", "en"),
        ("en-US,zh-CN;q=0.8", "en"),
        ("fr", "en"),
        ("*", "en"),
    ],
)
def test_language_for(header: str | None, expected: str) -> None:
    assert language_for(header) == expected
