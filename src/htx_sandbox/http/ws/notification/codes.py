"""/swap-notification's err-codes and their texts, as HTX's appendix words them."""

from __future__ import annotations

OK = 0
INVALID_AUTHENTICATION = 2001
AUTHENTICATION_REQUIRED = 2002
AUTHENTICATION_FAILED = 2003
TOO_MANY_VISITS = 2004
AUTHENTICATED_ALREADY = 2005
TOPIC_ERROR = 2010
CONTRACT_NOT_EXIST = 2011
TOPIC_NOT_SUBSCRIBED = 2012
AUTHENTICATION_TYPE = 2013
REPEATED_SUBSCRIPTION = 2014
CONNECTION_LIMIT = 2030
MISSING_PARAMETER = 2040

TEXTS = {
    INVALID_AUTHENTICATION: "Invalid authentication.",
    AUTHENTICATION_REQUIRED: "Authentication required.",
    AUTHENTICATION_FAILED: "Authentication failed.",
    TOO_MANY_VISITS: "Number of visits exceeds limit.",
    AUTHENTICATED_ALREADY: "Connection has been authenticated.",
    TOPIC_ERROR: "Topic error.",
    CONTRACT_NOT_EXIST: "Contract doesn't exist.",
    TOPIC_NOT_SUBSCRIBED: "Topic not subscribed.",
    AUTHENTICATION_TYPE: "Authentication type doesn't exist.",
    REPEATED_SUBSCRIPTION: "Repeated subscription.",
    CONNECTION_LIMIT: "Exceeds connection limit of single user.",
    MISSING_PARAMETER: "Missing required parameter.",
}


class NotifyError(Exception):
    """A refusal with its err-code; str() is HTX's err-msg."""

    def __init__(self, code: int) -> None:
        super().__init__(TEXTS[code])
        self.code = code
