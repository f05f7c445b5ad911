"""HTX's field-error texts as its live service answers them (ccxt's captured 1066 and 1067
bodies), for tests that assert an err_msg: one place to change if HTX rewords them again."""

from __future__ import annotations


def empty(field: str) -> str:
    """1066: a required field is missing."""
    return f"The {field} field cannot be empty. Please re-enter."


def invalid(field: str) -> str:
    """1067: a field's value is not one HTX accepts."""
    return f"The {field} field is invalid. Please re-enter."
