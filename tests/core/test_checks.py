"""Argument parsers shared by every layer: the value read, and the message for a bad one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from analysis.core.checks import amount_rp, as_date, as_timestamp, month_start, positive_int
from analysis.core.errors import UserError


def test_as_date():
    assert as_date("2024-01-31") == date(2024, 1, 31)
    assert as_date(" 2024-01-31 ") == date(2024, 1, 31)
    assert as_date(date(2024, 2, 1)) == date(2024, 2, 1)
    assert as_date(None) is None  # the parameters read None as today
    with pytest.raises(UserError, match=r"^date must be written YYYY-MM-DD, got '1/1/2024'$"):
        as_date("1/1/2024")


def test_as_timestamp():
    assert as_timestamp("2024-05-12") == pd.Timestamp("2024-05-12")
    assert as_timestamp(None) == pd.Timestamp(date.today())


def test_month_start():
    assert month_start("2024-03") == date(2024, 3, 1)
    assert month_start("2024-03-17") == date(2024, 3, 1)
    with pytest.raises(UserError, match="needs both a start and an end date"):
        month_start(None)


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (2.5, {}, "workers must be a whole number, got 2.5"),
        ("3", {}, "workers must be a whole number, got '3'"),
        (True, {}, "workers must be a whole number, got True"),
        (0, {}, "workers must be more than zero, got 0"),
        (-1, {"allow_zero": True}, "workers must be zero or more, got -1"),
    ],
)
def test_positive_int_refuses(value, kwargs, message):
    with pytest.raises(UserError) as err:
        positive_int(value, "workers", **kwargs)
    assert str(err.value) == message


def test_positive_int_and_amount_rp_accept():
    assert positive_int(12.0, "months") == 12
    assert positive_int(0, "months", allow_zero=True) == 0
    assert amount_rp(0.1) == Decimal("0.1")  # through its text, not the binary float
    with pytest.raises(UserError, match="budget must be zero or more, got -5"):
        amount_rp(-5)
    with pytest.raises(UserError, match="budget must be an amount of rupiah, got '5'"):
        amount_rp("5")
