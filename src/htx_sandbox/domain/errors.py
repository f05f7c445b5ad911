# The catalogue keeps one HTX row per line, unsplit, so it can be diffed against HTX's table.
# ruff: noqa: E501
"""HTX's error codes and the exact texts it answers them with.

Clients match on ``err_code`` and often on ``err_msg`` too, so a compatible server must say what
HTX says: the catalogue below is HTX's documented table (English template from the official swap
reference, Chinese text from its zh-CN edition) carried over character for character, odd spacing,
stray braces and typographic apostrophes included. ``{0}``, ``{1}``, ... are filled in on the wire.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import IntEnum
from types import MappingProxyType


class ErrorCode(IntEnum):
    """Names for the codes the sandbox raises; ERROR_MESSAGES holds every documented code."""

    INVALID_ID = 403
    SYSTEM_ERROR = 1000
    SYSTEM_UNPREPARED = 1001
    QUERY_ERROR = 1002
    REDIS_ERROR = 1003
    SYSTEM_BUSY = 1004
    ACCOUNT_NOT_EXIST = 1010
    SESSION_NOT_EXIST = 1011
    USER_ACCOUNT_NOT_EXIST = 1012
    CONTRACT_SYMBOL_NOT_EXIST = 1013
    CONTRACT_NOT_EXIST = 1014
    INDEX_PRICE_NOT_EXIST = 1015
    BID_OFFER_NOT_EXIST = 1016
    ORDER_NOT_EXIST = 1017
    MAIN_ACCOUNT_NOT_EXIST = 1018
    INPUT_ERROR = 1030
    INCORRECT_FORM_SOURCE = 1031
    RATE_LIMITED = 1032
    INCORRECT_CONTRACT_PERIOD = 1033
    INCORRECT_ORDER_PRICE_TYPE = 1034
    INCORRECT_DIRECTION = 1035
    INCORRECT_OFFSET = 1036
    INVALID_LEVERAGE = 1037
    PRICE_PRECISION = 1038
    PRICE_OUT_OF_BAND = 1039
    INVALID_AMOUNT = 1040
    AMOUNT_EXCEEDS_LIMIT = 1041
    LONG_POSITION_LIMIT = 1042
    SHORT_POSITION_LIMIT = 1043
    PLATFORM_POSITION_LIMIT = 1044
    SWITCH_LEVERAGE_WITH_OPEN_ORDERS = 1045
    ABNORMAL_SERVICE = 1046
    INSUFFICIENT_MARGIN = 1047
    INSUFFICIENT_CLOSE_AMOUNT = 1048
    MARKET_OPEN_NOT_AVAILABLE = 1049
    CLIENT_ORDER_ID_REPEATED = 1050
    NO_ORDERS_TO_CANCEL = 1051
    BATCH_LIMIT_EXCEEDED = 1052
    NO_LATEST_PRICE_RANGE = 1053
    NO_LATEST_PRICE = 1054
    EQUITY_BELOW_ZERO_AFTER_ORDER = 1055
    IN_SETTLEMENT = 1056
    TRADING_HALT = 1057
    TRADE_SUSPENSION = 1058
    IN_DELIVERY = 1059
    NON_TRADING_CONTRACT_STATUS = 1060
    CANCEL_ORDER_NOT_EXIST = 1061
    CANCELLING = 1062
    ORDER_EXECUTED = 1063
    ORDER_KEY_CONFLICT = 1064
    CLIENT_ORDER_ID_NOT_INTEGER = 1065
    FIELD_EMPTY = 1066
    ILLEGAL_PARAMETER = 1067
    PRICE_NOT_REASONABLE = 1069
    REPEATED_CANCELLATION = 1071
    SELL_PRICE_OUT_OF_BAND = 1072
    POSITION_ABNORMAL = 1073
    ORDER_ABNORMAL = 1074
    MARGIN_RATE_BELOW_ZERO_AFTER_ORDER = 1075
    NO_ORDER_BOOK_DATA = 1076
    SETTLEMENT_ASSETS_UNAVAILABLE = 1077
    SETTLEMENT_SOME_ASSETS_UNAVAILABLE = 1078
    SETTLEMENT_POSITIONS_UNAVAILABLE = 1079
    SETTLEMENT_SOME_POSITIONS_UNAVAILABLE = 1080
    TRIGGER_ORDERS_LIMIT = 1081
    TRIGGER_TYPE_ERROR = 1082
    IN_LIQUIDATION = 1083
    API_DISABLED = 1084
    TRIGGER_ORDER_FAILED = 1085
    OPEN_RESTRICTED = 1086
    CLOSE_RESTRICTED = 1087
    CANCEL_RESTRICTED = 1088
    TRANSFER_RESTRICTED = 1089
    MARGIN_RATE_BELOW_ZERO = 1090
    EQUITY_BELOW_ZERO = 1091
    FLASH_CLOSE_EQUITY_BELOW_ZERO = 1092
    FLASH_CLOSE_MARGIN_RATE_BELOW_ZERO = 1093
    LEVERAGE_EMPTY = 1094
    SWITCH_LEVERAGE_NON_TRADING = 1095
    NO_OPEN_PERMISSION = 1100
    NO_CLOSE_PERMISSION = 1101
    TRADING_PROHIBITED = 1104
    CLOSE_ONLY = 1105
    SERVICE_CALL_ERROR = 1108
    CONTRACTS_NOT_OPENED = 1220
    OPEN_ORDERS_LIMIT = 1234
    CLOSE_ORDERS_LIMIT = 1235
    SIGNATURE_VERIFICATION_ERROR = 1253
    CROSS_MARGIN_NOT_SUPPORTED = 1348
    LEVERAGE_MISMATCH = 1349
    TPSL_ORDERS_LIMIT = 1403
    TPSL_OPENING_ONLY = 1404
    TAKE_PROFIT_PRICE = 1405
    STOP_LOSS_PRICE = 1407
    TPSL_NOT_ACTIVE = 1408
    NO_TPSL_ACCESS = 1409
    NO_TRAILING_ACCESS = 1413
    CALLBACK_RATE = 1425
    ACTIVATION_PRICE = 1426
    TRAILING_ORDERS_LIMIT = 1427
    SYSTEM_MAINTENANCE = 1431
    PLATFORM_TRIGGER_ORDERS_LIMIT = 1453
    PLATFORM_TPSL_ORDERS_LIMIT = 1454
    PLATFORM_TRAILING_ORDERS_LIMIT = 1455
    INVALID_SUBMISSION_TIME = 12001
    INCORRECT_SIGNATURE_VERSION = 12002
    INCORRECT_SIGNATURE_METHOD = 12003
    PRIVATE_KEY_EXPIRED = 12004
    INCORRECT_IP_ADDRESS = 12005
    SUBMISSION_TIME_EMPTY = 12006
    INCORRECT_PUBLIC_KEY = 12007
    VERIFICATION_FAILED = 12008
    USER_LOCKED_OR_NOT_EXIST = 12009


# code -> (English template, Chinese template), in the order of HTX's table. Do not "fix" the texts:
# duplicates (1042/1043, 1300/1302, 1327-1330), doubled spaces (1086-1088, 1110), the stray "}" of
# 1419 and the ".contracts" tail of 1049 are HTX's own.
# fmt: off
ERROR_MESSAGES: Mapping[int, tuple[str, str]] = MappingProxyType({
    403: ("invalid ID", "无效身份"),
    1000: ("System error.", "系统异常"),
    1001: ("System is unprepared.", "系统未准备就绪"),
    1002: ("Query error.", "查询异常"),
    1003: ("Abnormal redis operation.", "操作redis异常"),
    1004: ("System busy. Please try again later.", "系统繁忙,请稍后再试"),
    1010: ("Account doesn't exist.", "用户不存在"),
    1011: ("The user's session doesn't exist.", "用户会话不存在,请重试"),
    1012: ("The user's account doesn't exist.", "账户不存在"),
    1013: ("This contract symbol doesn't exist.", "合约品种不存在"),
    1014: ("This contract doesn't exist.", "合约不存在"),
    1015: ("The index price does not exist.", "指数价格不存在"),
    1016: ("The bid offer does not exist. Please input the price.", "对手价不存在"),
    1017: ("Order doesn't exist.", "查询订单不存在"),
    1018: ("Main account doesn't exist.", "主账号不存在"),
    1019: ("Main account doesn't exist in the sub-account white list.", "主账号不在开通子账号白名单里"),
    1020: ("The number of your sub-account exceeds the maximum. Please contact customer service.", "您的子账号数量已超出限制,请联系客服"),
    1021: ("Account open failed. Main account hasn’t opened contract trading account yet.", "开户失败。您的主账号尚未开通合约交易权限,请前往开通"),
    1030: ("Input error.", "输入错误"),
    1031: ("Incorrect form source.", "非法的请求来源"),
    1032: ("The number of access exceeded the limit.", "访问次数超出限制"),
    1033: ("Incorrect field of contract period.", "合约周期字段值错误"),
    1034: ("Incorrect field of order price type.", "报单价格类型字段值错误"),
    1035: ("Incorrect field of form direction.", "报单方向字段值错误"),
    1036: ("Incorrect field of open long form.", "报单开平字段值错误"),
    1037: ("The leverage is invalid. Please contact the customer service.", "倍数不符合要求,请联系客服"),
    1038: ("The order price exceeds the precision limit, please modify and order again.", "下单价格超出精度限制,请修改后下单"),
    1039: ("Buy price must be lower than {0}{1}. Sell price must exceed {2}{3}.", "买入价必须低于{0}{1},卖出价必须高于{2}{3}"),
    1040: ("Invalid amount, please modify and order again.", "下单数量不能为空或者不能小于0, 请修改后下单"),
    1041: ("The order amount exceeds the limit ({0}Cont), please modify and order again.", "下单数量超出限制 ({0}张),请修改后下单"),
    1042: ("Current positions have triggered position limits ({0}Cont). Please order after changing the amount.", "下单数量+挂单数量+持仓数量超过了单用户多仓持仓限制({0}张),请修改后下单"),
    1043: ("Current positions have triggered position limits ({0}Cont). Please order after changing the amount.", "下单数量+挂单数量+持仓数量超过了单用户空仓持仓限制({0}张), 请修改后下单"),
    1044: ("Current positions have triggered position limits of our platform. Please order after changing the amount.", "触发平台限仓,请修改后下单"),
    1045: ("Unable to switch leverage due to open orders.", "当前有挂单,无法切换倍数"),
    1046: ("Abnormal service. Please try again later.", "当前合约持仓不存在"),
    1047: ("Insufficient margin available.", "可用担保资产不足"),
    1048: ("Insufficient close amount available.", "可平量不足"),
    1049: ("Open a position with market price is not available.contracts", "暂不支持市价开仓"),
    1050: ("Customer's order number is repeated. Please try again later.", "客户报单号重复"),
    1051: ("No orders to cancel.", "没有可撤销的订单"),
    1052: ("The number exceeds the batch limit.", "批量撤单、下单的订单数量超过平台限制数量"),
    1053: ("Unable to get the latest price range.", "无法获取最新价格区间"),
    1054: ("Unable to get the latest price.", "无法获取最新价"),
    1055: ("The price is not reasonable, and the account equity will be less than 0 after placing this order. Please modify the price and place the order.", "价格不合理, 下单后将导致账户权益小于0 , 请修改价格后下单"),
    1056: ("In settlement. Your order can’t be placed/withdrew currently.", "结算中,暂时无法下单/撤单"),
    1057: ("Your order can’t be placed due to trading halt.", "暂停交易中,暂时无法下单"),
    1058: ("Your order can’t be placed due to trade suspension.", "停牌中,暂时无法下单"),
    1059: ("In delivery. Your order can’t be placed/withdrew currently.", "交割中,暂时无法下单/撤单"),
    1060: ("Your order can’t be placed currently due to abnormal contracts status.", "合约处于非交易状态,暂时无法下单"),
    1061: ("This order doesn't exist.", "订单不存在"),
    1062: ("Cancelling. Please be patient.", "撤单中,请耐心等待"),
    1063: ("The order has been executed.", "订单已成交"),
    1064: ("The main key of order conflicts.", "报单主键冲突"),
    1065: ("The form number of client isn't an integer.", "客户报单号不是整数"),
    1066: ("{0} cannot be empty.", "{0}字段不能为空"),
    1067: ("Illegal parameter {0}.", "{0}字段不合法"),
    1068: ("Export error.", "导出错误"),
    1069: ("The price is not reasonable.", "价格不合理"),
    1070: ("Empty data, cannot be exported.", "数据为空,无法导出"),
    1071: ("Repeated cancellation. Your order has been canceled.", "订单已撤,无法撤单"),
    1072: ("Sell price must be lower than {0}{1}.", "卖出价必须低于{0}{1}"),
    1073: ("Position abnormal. Please contact the customer service.", "仓位异常,请联系客服"),
    1074: ("Unable to order currently. Please contact the customer service.", "下单异常,请联系客服"),
    1075: ("The price is not reasonable, and the margin rate will be less than 0 after placing this order. Please modify the price and place the order.", "价格不合理, 下单后将导致担保资产率小于0 , 请修改价格后下单"),
    1076: ("No orders, please try again later.", "盘口无数据,请稍后再试"),
    1077: ("In settlement or delivery. Unable to get assets of current contract.", "交割结算中,当前品种资金查询失败"),
    1078: ("In settlement or delivery. Unable to get assets of some contracts.", "交割结算中,部分品种资金查询失败"),
    1079: ("In settlement or delivery. Unable to get positions of current contract.", "交割结算中,当前品种持仓查询失败"),
    1080: ("In settlement or delivery. Unable to get positions of some contracts.", "交割结算中,部分品种持仓查询失败"),
    1081: ("The number of your {0} contract trigger orders exceeds the limit {1}.", "{0}合约计划委托订单数量不得超过{1}"),
    1082: ("Trigger type parameter error.", "触发类型参数错误"),
    1083: ("Your position is in the process of forced liquidation. Unable to place order temporarily.", "您的仓位已进入强平接管,暂时无法下单"),
    1084: ("Your contract API is disabled, please try again after {0} (GMT+8).", "您的合约API挂单接口被禁用,请于{0} (GMT+8) 后再试"),
    1085: ("Trigger order failed, please modify the price and place the order again or contact the customer service.", "计划委托下单失败,请修改价格再次下单或联系客服"),
    1086: ("{0} contract is restricted of opening positions on {1}.  Please contact customer service.", "{0}合约暂时限制{1}端开仓,请联系客服"),
    1087: ("{0} contract is restricted of closing positions on {1}.  Please contact customer service.", "{0}合约暂时限制{1}端平仓,请联系客服"),
    1088: ("{0} contract is restricted of withdraw order on {1}.  Please contact customer service.", "{0}合约暂时限制{1}端撤单,请联系客服"),
    1089: ("Transfer is temporarily restricted for {0} account, please contact customer service support.", "{0}账户暂时限制划转,请联系客服"),
    1090: ("Margin rate is lower than 0. Order can’t be placed.", "担保资产率小于0, 无法下单"),
    1091: ("Equity is less than 0. Order can’t be placed.", "账户权益小于0, 无法下单"),
    1092: ("The Flash Closing Order takes the {0}th price at the order book. After placing an order, the account equity will be less than 0. Please manually enter the price or place an order with the counterparty price.", "闪电平仓取盘口第{0}档的价格, 下单后将导致账户权益小于0 , 请改为手动输入价格或使用对手价下单"),
    1093: ("The Flash Closing Order takes the {0}th price at the order book. The margin rate will be less than 0 after placing an order. Please manually enter the price or place an order with the counterparty price.", "闪电平仓取盘口第{0}档的价格, 下单后将导致担保资产率小于0 , 请改为手动输入价格或使用对手价下单"),
    1094: ("The leverage cannot be empty, please switch the leverage or contact customer service", "倍数不能为空, 请切换倍数或联系客服"),
    1095: ("Non-trading state, unable to switch the leverage temporarily", "合约处于非交易状态, 暂时无法切换倍数"),
    1100: ("Unable to open a position currently. Please contact the customer service.", "您没有开仓权限,请联系客服"),
    1101: ("Unable to close a position currently. Please contact the customer service.", "您没有平仓权限,请联系客服"),
    1102: ("Unable to transfer in currently. Please contact customer service.", "您没有转入权限,请联系客服"),
    1103: ("Unable to transfer out currently. Please contact customer service.", "您没有转出权限,请联系客服"),
    1104: ("Trading is prohibited due to contracts trading constraints.", "合约交易受限,当前禁止交易"),
    1105: ("Only Close is available due to contracts trading constraints.", "合约交易受限,当前只能平仓"),
    1106: ("Delivery or settlement in progress, unable to transfer.", "合约交割结算中,暂时无法划转"),
    1108: ("Abnormal service. Please try again later.", "Dubbo调用异常"),
    1109: ("Sub-account doesn't own the permissions to open positions. Please contact customer service.", "子账号没有开仓权限,请联系客服"),
    1110: ("Sub-account  doesn't own the permissions to close positions. Please contact customer service.", "子账号没有平仓权限,请联系客服"),
    1111: ("Sub-account doesn't own the permissions to transfer in. Please contact customer service.", "子账号没有入金权限,请联系客服"),
    1112: ("Sub-account doesn't own the permissions to transfer out. Please contact customer service.", "子账号没有出金权限,请联系客服"),
    1113: ("The sub-account does not have transaction permissions. Please login main account to authorize.", "子账号没有交易权限,请登录主账号授权"),
    1114: ("The sub-account does not have transfer permissions. Please login main account to authorize.", "子账号没有划转权限,请登录主账号授权"),
    1115: ("You have no access permissions of this sub-account.", "您没有访问此子账号的权限"),
    1200: ("Login error. Please try again.", "登录失败,请重试"),
    1220: ("You don’t have access permission as you have not opened contracts trading.", "您尚未开通合约交易,无访问权限"),
    1221: ("The total balances of Exchange Account can't meet the requirements for opening contracts.", "币币账户总资产不满足合约开通条件"),
    1222: ("The days of opening account can't meet the requirements for opening contracts.", "开户天数不满足合约开通条件"),
    1223: ("The VIP level can't meet the requirements for opening contracts.", "VIP等级不满足合约开通条件"),
    1224: ("Your country/region can't meet the requirements for opening contracts.", "您所在的国家/地区不满足合约开通条件"),
    1225: ("Failed to open contracts.", "开通合约失败"),
    1226: ("Repeated account.", "合约已开户,无法重复开户"),
    1227: ("Huobi Contract does not support sub-accounts. Please log out sub-account and log in again with primary account.", "火币合约暂不支持子账户,请返回退出子账户,切换主账户登录"),
    1228: ("You have not activated contract trading currently, please activate first.", "您尚未开通合约交易, 请先开通"),
    1229: ("Cannot agree twice.", "重复同意协议"),
    1230: ("You haven't finished the risk verification.", "您尚未做风险认证"),
    1231: ("You haven't finished the ID Verification.", "您尚未做身份认证"),
    1232: ("The format/size of the image you uploaded does not meet the requirements. Please re-upload.", "您上传的图片格式/大小不符合要求,请重新上传"),
    1233: ("High leverage is not enabled (Please sign in the APP or web with your main account to agree to the High-Leverage Agreement)", "您尚未开通高倍数协议 (使用高倍数请先使用主账号登录web或APP端同意高倍数协议)"),
    1234: ("For {0} contracts, the number of the position-opening orders which are not fully filled cannot exceed {1}.", "{0}合约未完成的开仓委托数量不得超过{1}笔"),
    1235: ("For {0} contracts, the number of the position-closing orders which are not fully filled cannot exceed {1}.", "{0}合约未完成的平仓委托数量不得超过{1}笔"),
    1250: ("Unable to get the HT_token.", "无法获取HT_token"),
    1251: ("Unable to get BTC assets. Please try again later.", "无法获取BTC净资产,请稍后再试"),
    1252: ("Unable to get currency account assets. Please try again later.", "无法获取币币账户资产,请稍后再试"),
    1253: ("Error in signature verification.", "签名验证错误"),
    1254: ("The sub-account has no permission to open futures, please go to the web side to log in the main account and open.", "子账号无权限开通合约，请前往web端登录主账号开通"),
    1300: ("Transfer failed.", "划转失败"),
    1301: ("Insufficient amount available.", "可划转余额不足"),
    1302: ("Transfer failed.", "系统划转错误"),
    1303: ("The single transfer-out amount must be no less than {0}{1}.", "单笔转出的数量不能低于{0}{1}"),
    1304: ("The single transfer-out amount must be no more than {0}{1}.", "单笔转出的数量不能高于{0}{1}"),
    1305: ("The single transfer-in amount must be no less than {0}{1}.", "单笔转入的数量不能低于{0}{1}"),
    1306: ("The single transfer-in amount must be no more than {0}{1}.", "单笔转入的数量不能高于{0}{1}"),
    1307: ("Your accumulative transfer-out amount is over the daily maximum, {0}{1}. You can't transfer out for the time being.", "您当日累计转出量超过{0}{1}, 暂无法转出"),
    1308: ("Your accumulative transfer-in amount is over the daily maximum, {0}{1}. You can't transfer in for the time being.", "您当日累计转入量超过{0}{1}, 暂无法转入"),
    1309: ("Your accumulative net transfer-out amount is over the daily maximum, {0}{1}. You can't transfer out for the time being.", "您当日累计净转出量超过{0}{1}, 暂无法转出"),
    1310: ("Your accumulative net transfer-in amount is over the daily maximum, {0}{1}. You can't transfer in for the time being.", "您当日累计净转入量超过{0}{1}, 暂无法转入"),
    1311: ("The platform's accumulative transfer-out amount is over the daily maximum. You can't transfer out for the time being.", "超过平台当日累计最大转出量限制, 暂无法转出"),
    1312: ("The platform's accumulative transfer-in amount is over the daily maximum. You can't transfer in for the time being.", "超过平台当日累计最大转入量限制, 暂无法转入"),
    1313: ("The platform's accumulative net transfer-out amount is over the daily maximum. You can't transfer out for the time being.", "超过平台当日累计最大净转出量限制, 暂无法转出"),
    1314: ("The platform's accumulative net transfer-in amount is over the daily maximum. You can't transfer in for the time being.", "超过平台当日累计最大净转入量限制, 暂无法转入"),
    1315: ("Wrong transfer type.", "划转类型错误"),
    1316: ("Failed to freeze the transfer.", "划转冻结失败"),
    1317: ("Failed to unfreeze the transfer.", "划转解冻失败"),
    1318: ("Failed to confirm the transfer.", "划转确认失败"),
    1319: ("Failed to acquire the available transfer amount.", "查询可划转金额失败"),
    1320: ("The contract status is abnormal. Transfer is unavailable temporarily.", "此合约在非交易状态中, 无法进行系统划转"),
    1321: ("Transfer failed. Please try again later or contact customer service.", "划转失败, 请稍后重试或联系客服"),
    1322: ("Invalid amount. Must be more than 0.", "划转金额必须大于0"),
    1323: ("Abnormal service, transfer failed. Please try again later.", "服务异常, 划转失败, 请稍后再试"),
    1325: ("Failed to set trading unit", "设置交易单位失败"),
    1326: ("Failed to obtain trading units", "获取交易单位失败"),
    1327: ("No transfer permission, transfer failed, please contact customer service", "无划转权限, 划转失败, 请联系客服"),
    1328: ("No transfer permission, transfer failed, please contact customer service", "无划转权限, 划转失败, 请联系客服"),
    1329: ("No transfer permission, transfer failed, please contact customer service", "无划转权限, 划转失败, 请联系客服"),
    1330: ("No transfer permission, transfer failed, please contact customer service", "无划转权限, 划转失败, 请联系客服"),
    1331: ("Exceeds limit of transfer accuracy (8 digits). Please modify it", "超出划转精度限制(8位), 请修改后操作"),
    1332: ("The contract doesn't exist.", "永续合约不存在"),
    1333: ("Failed to open the Maker&Taker agreement", "开通跟单吃单协议失败"),
    1334: ("Failed to check the Maker&Taker agreement", "查询跟单吃单协议失败"),
    1335: ("Failed to check the second confirmation setting of Maker&Taker", "查询跟单吃单二次确认设置失败"),
    1336: ("Failed to update the second confirmation setting of Maker&Taker", "更新跟单吃单二次确认设置失败"),
    1337: ("Failed to check the settings of Maker&Taker", "查询跟单吃单设置失败"),
    1338: ("Failed to update the settings of Maker&Taker", "更新跟单吃单设置失败"),
    1339: ("Nickname contains illegal words, please modify it", "昵称含有不合法词汇, 请修改"),
    1340: ("Nickname has been used, please modify it", "昵称已被使用, 请修改"),
    1341: ("The enrollment has ended", "报名阶段已结束"),
    1342: ("You cannot set nickname for sub-account", "子账号无法设置昵称"),
    1343: ("Invalid indicator, please reset", "指标失效, 请重新设置"),
    1344: ("Sorry, {0} contracts can add market reminders currently at most", "抱歉, 目前可最多对{0}个合约创建行情提醒"),
    1345: ("Sorry, currently {0} can set up to {1} reminders", "抱歉, {0}合约目前可最多创建{1}个提醒"),
    1346: ("The indicator already exists, please do not set it repeatedly", "该指标已存在, 请勿重复设置"),
    1347: ("{0} parameter is incorrect, please modify.", "{0}参数错误, 请修改"),
    1348: ("This contract does not support cross margin mode.", "该合约不支持全仓模式"),
    1349: ("The leverage of the order does not match the leverage of the current position, please switch the leverage first.", "委托单倍数与当前持仓的倍数不符, 请先切换倍数"),
    1401: ("order price shall be lower than the strike price.", "委托价必须小于行权价"),
    1403: ("The number of take-profit and stop-loss orders for {0} contract shall not exceed {1}", "{0}合约止盈止损订单的委托数量不得超过{1}"),
    1404: ("Take-profit and stop-loss orders can only be bound with orders for opening a position", "止盈止损订单仅支持与开仓订单绑定"),
    1405: ("The take-profit price shall not be {0}{1}{2}", "止盈价不得{0}{1}{2}"),
    1406: ("Your chances of lucky draw have been used up", "您的抽奖次数已用完"),
    1407: ("The stop-loss price shall not be {0}{1}{2}", "止损价不得{0}{1}{2}"),
    1408: ("Unable to cancel because the take-profit and stop-loss order does not take effect.", "该止盈止损委托单未生效, 无法撤销"),
    1409: ("You have no access to set a take-profit and stop-loss order, please contact our customer service.", "您没有止盈止损订单权限,请联系客服"),
    1410: ("The number of sub-accounts for batch operation cannot exceed {0}", "批量操作子账号的数量不能超过{0}个"),
    1411: ("Settlement in progress, unable to query order information.", "结算中, 暂时无法查询订单信息"),
    1412: ("{0} does not meet with the price precision limit {1}.", "{0}不符合价格精度限制{1}"),
    1413: ("You have no access to set a Trailing Stop order, please contact our customer service.", "您没有跟踪委托订单权限,请联系客服"),
    1414: ("You have not activated the grid trading. Please log in to the Web or APP with your main account, and agree with the protocol to activate the grid trading.", "您尚未开通网格交易协议(使用网格交易请先使用主账号登录web或APP端同意协议)"),
    1415: ("Terminate price (Take-profit/Stop-loss price) cannot be within the range of grid price, please modify!", "终止价不得在网格价格范围内,请修改!"),
    1416: ("Exceeds the maximum running time, which is{0} days and {1} hours, please modify!", "超出最大运行时长({0}天{1}时),请修改!"),
    1417: ("Exceeds the range of grid quantity, which is ({0} ~ {1}), please modify!", "超出网格数量范围({0}~{1}个),请修改!"),
    1418: ("At most {0} grids trading orders can be running at the same time, please cancel other grid trading orders first.", "最多同时运行{0}个网格, 请先终止其它网格"),
    1419: ("Exceeds the range of initial margin ({0} ~ {1}} {2}).", "超出初始化保证金范围({0}~{1}}{2})"),
    1420: ("You have no access to grid trading on Huobi Futures, please contact our customer service.", "您没有合约的网格交易权限, 请联系客服"),
    1421: ("There are open orders or positions of the current contract, please cancel these orders or close these positions first.", "当前合约有委托单或持仓, 请先撤销或平仓"),
    1422: ("The PnL per grid is expected to be less than 0, please modify!", "预计每格收益率小于0,请修改!"),
    1423: ("The spread between the lowest and the highest grid price is unreasonable, please modify!", "网格最低价和最高价的价差不合理,请修改!"),
    1424: ("This grid trading has been terminated for other reasons. Therefore, it cannot be modified or manually terminated now.", "该网格已因其它原因被终止, 无法修改或手动终止"),
    1425: ("The callback rate should be {0}{1}, please modify!", "回调比例必须{0}{1}, 请修改!"),
    1426: ("The activation price should be {0} the latest price.", "激活价必须{0}最新价"),
    1427: ("The number of your {0} contract trailing stop order orders exceeds the limit {1}.", "{0}合约跟踪委托订单数量不得超过{1}"),
    1428: ("The coupon for the same type of contract can only be collected once by each user.", "相同合约的优惠券只能领取1张"),
    1429: ("Already received; please do not collect again!", "已领取,请勿重复领取"),
    1430: ("Invalid coupon; please refresh!", "此优惠券已失效,请刷新"),
    1431: ("The system is in maintenance and is expected to resume at {0} (GMT+8).", "系统维护中,预计GMT+8 {0} 可恢复"),
    1432: ("A grid trading is being initialized or terminated; unable to place an order currently.", "存在初始化中的网格,暂时无法下单"),
    1433: ("The grid trading is terminated caused by placing/canceling order manually; please check “Order History” for details.", "您手动下撤单导致网格终止,请前往历史委托查看详情"),
    1434: ("Less than the minimum initial margin ({0}{1}), which causes the quantity per grid less than the minimum order quantity, please modify!", "小于最小初始担保资产({0}{1}), 导致每个网格的数量小于最小下单量, 请修改!"),
    1435: ("The grid has been terminated by you.", "该网格已被您手动终止"),
    1436: ("The grid trading exceeds the effective duration; terminated automatically.", "网格超时, 自动终止"),
    1437: ("The grid trading has been terminated for system reasons, please contact our customer service.", "系统原因导致网格终止, 请联系客服"),
    1438: ("The grid trading has been terminated due to the termination condition being triggered.", "网格触发终止条件, 已终止"),
    1439: ("The grid trading has been terminated due to a liquidation being triggered.", "网格触发强平, 已终止"),
    1440: ("{0} contracts fail to be cancelled.", "{0}合约撤销失败"),
    1441: ("The trigger price must be lower than the highest termination price and higher than the lowest termination price, please modify!", "触发价必须小于网格最高终止价, 大于网格最低终止价, 请修改!"),
    1442: ("The effective duration must be a minute longer than the running time, please modify!", "有效时长必须大于已运行时长1分钟以上, 请修改!"),
    1443: ("Delivery of {0} contract causes grid trading termination.", "合约{0}交割导致网格终止"),
    1450: ("The risk level you ranked does not support the use of current leverage.", "您所在的风险等级不支持使用当前倍数"),
    1451: ("The risk level you ranked does not support the use of current leverage, please log in the main account for checking.", "您所在的风险等级不支持使用当前倍数, 请登录主账号查看"),
    1452: ("The number of grid orders exceeds the order quantity limits; Unable to place any order temporarily.", "网格订单数量超出平台数量限制, 暂时无法下单"),
    1453: ("The number of all your trigger orders exceeds the limit set by the platform; Unable to place any orders temporarily.", "计划委托订单数量超出平台数量限制, 暂时无法下单"),
    1454: ("The number of all your take profit and stop loss orders exceeds the limit set by the platform; Unable to place any orders temporarily.", "止盈止损订单数量超出平台数量限制, 暂时无法下单"),
    1455: ("The number of all your trailing stop orders exceeds the limit set by the platform; Unable to place any orders temporarily.", "跟踪委托订单数量超出平台数量限制, 暂时无法下单"),
    12001: ("Invalid submission time.", "无效的提交时间"),
    12002: ("Incorrect signature version.", "错误的签名版本"),
    12003: ("Incorrect signature method.", "错误的签名方法"),
    12004: ("Private key is expired.", "密钥已经过期"),
    12005: ("Incorrect IP address.", "ip地址错误"),
    12006: ("The submission time can't be empty.", "提交时间不能为空"),
    12007: ("Incorrect public key.", "公钥错误"),
    12008: ("Verification failed.", "校验失败"),
    12009: ("The user is locked or doesn't exist.", "用户被锁定或不存在"),
})

# Texts the live service was captured answering where they differ from the table above (the
# table's template stays what HTX documents): 1066 and 1067 as ccxt's exception map quotes them
# ("The symbol field cannot be empty. Please re-enter.", "The client_order_id field is invalid.
# Please re-enter."; HTX's QA suite saw "volume字段不能为空,请重新输入", and 1067's Chinese as the
# table has it, "contract_code字段不合法", on the USDT-margined twin), 1061 as ccxt saw it in
# 2025 ("The order does not exist."), 1030 as HTX's own FAQ quotes the answer to a bad request
# parameter (both editions, in English; the Chinese text stays the table's).
LIVE_MESSAGES: Mapping[int, tuple[str, str]] = MappingProxyType({
    1030: ("Abnormal service. Please try again later.", "输入错误"),
    1061: ("The order does not exist.", "订单不存在"),
    1066: ("The {0} field cannot be empty. Please re-enter.", "{0}字段不能为空,请重新输入"),
    1067: ("The {0} field is invalid. Please re-enter.", "{0}字段不合法"),
})
# fmt: on

_PLACEHOLDER = re.compile(r"\{(\d+)\}")
# The live service drops ASCII apostrophes ("doesnt", "cant") but keeps typographic ones: ccxt
# quotes 1220 as "You don\u2019t have access permission ...".
_APOSTROPHES = str.maketrans("", "", "'")


_WIRE_MESSAGES: dict[tuple[int, tuple[str, ...], str], str] = {}


class HtxError(Exception):
    """A rejection with HTX's err_code; params fill the template's {0}, {1}, ... in order."""

    code: int
    params: tuple[str, ...]

    def __init__(self, code: int, *params: object) -> None:
        if code not in ERROR_MESSAGES:
            raise ValueError(f"unknown HTX error code: {code!r}")
        self.code = int(code)
        self.params = tuple(str(p) for p in params)
        super().__init__(self.code, *self.params)

    def message(self, lang: str = "en") -> str:
        """The template in ``lang`` ("en" or "zh", else English) with the params filled in: the
        live text where one was captured (LIVE_MESSAGES), else HTX's documented one."""
        english, chinese = LIVE_MESSAGES.get(self.code) or ERROR_MESSAGES[self.code]
        template = chinese if lang == "zh" else english
        return _PLACEHOLDER.sub(self._fill, template)

    def wire_message(self, lang: str = "en") -> str:
        """message() as the live service sends it, without ASCII apostrophes ("doesnt")."""
        key = (self.code, self.params, lang)
        found = _WIRE_MESSAGES.get(key)
        if found is None:  # the same few errors recur (1051 on every empty cancel-all)
            found = self.message(lang).translate(_APOSTROPHES)
            if len(_WIRE_MESSAGES) < 4096:
                _WIRE_MESSAGES[key] = found
        return found

    def _fill(self, match: re.Match[str]) -> str:
        index = int(match.group(1))
        return self.params[index] if index < len(self.params) else match.group(0)

    def __str__(self) -> str:
        return f"{self.code}: {self.message()}"

    def __repr__(self) -> str:
        args = "".join(f", {p!r}" for p in self.params)
        return f"{type(self).__name__}({self.code}{args})"


def language_for(accept_language: str | None) -> str:
    """The err_msg language for an Accept-Language header: "zh" for Chinese, else "en"."""
    if accept_language is not None and accept_language.lstrip().lower().startswith("zh"):
        return "zh"
    return "en"
