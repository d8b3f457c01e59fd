"""One parser per kind of argument a user gives: dates, months, counts and rupiah amounts.

Every layer checks what a user typed (command line, notebook parameter, scenario file) the same
way, with the same message, so each kind of argument has exactly one parser here. A value that
cannot be read raises :class:`~analysis.core.errors.UserError`, which the command line prints as
one line and ends with exit code 2.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from numbers import Real

import pandas as pd

from analysis.core.errors import UserError


def as_date(on: date | str | None) -> date | None:
    """Read a date given as ``date``, ISO text ``YYYY-MM-DD`` or ``None`` (today).

    Parameters
    ----------
    on : date, str or None
        The date the rates are taken at.

    Returns
    -------
    date or None
        The date; ``None`` stays ``None`` (the parameters read it as today).

    Raises
    ------
    UserError
        For text that is not an ISO date.

    Examples
    --------
    >>> as_date("2024-01-31")
    datetime.date(2024, 1, 31)
    >>> as_date(None) is None
    True
    """
    if on is None or isinstance(on, date):
        return on
    try:
        return date.fromisoformat(str(on).strip())
    except ValueError:
        raise UserError(f"date must be written YYYY-MM-DD, got {on!r}") from None


def as_timestamp(as_of: date | str | None) -> pd.Timestamp:
    """``as_of`` as a normalised Timestamp; None means today.

    Parameters
    ----------
    as_of : date, str or None
        A date, a text pandas can read as one, or None for today.

    Returns
    -------
    pandas.Timestamp
        Midnight of that day.

    Examples
    --------
    >>> as_timestamp("2024-05-12")
    Timestamp('2024-05-12 00:00:00')
    """
    return pd.Timestamp(date.today() if as_of is None else as_of).normalize()


def month_start(value: date | str) -> date:
    """The first day of the month of ``value``; ``YYYY-MM`` is read as that month.

    Parameters
    ----------
    value : date or str
        A date, an ISO date ``YYYY-MM-DD`` or a month ``YYYY-MM``.

    Returns
    -------
    date
        Day 1 of the month.

    Raises
    ------
    UserError
        When the text is not a date, or ``value`` is None (a period needs both ends).

    Examples
    --------
    >>> month_start("2024-03")
    datetime.date(2024, 3, 1)
    >>> month_start("2024-03-17")
    datetime.date(2024, 3, 1)
    """
    if isinstance(value, str) and len(value.strip()) == 7:
        value = value.strip() + "-01"
    result = as_date(value)
    if result is None:
        raise UserError("a period needs both a start and an end date")
    return result.replace(day=1)


def positive_int(value: object, what: str, *, allow_zero: bool = False) -> int:
    """Check a count (workers, months) is a whole number above zero.

    Parameters
    ----------
    value : object
        The count as given (int, a whole float or Decimal; ``bool`` is refused).
    what : str
        Its name in the message ("workers", "months").
    allow_zero : bool, default False
        Accept zero too.

    Returns
    -------
    int
        The count.

    Raises
    ------
    UserError
        For a fraction, a non-number, or a count below the limit.

    Examples
    --------
    >>> positive_int(12.0, "months")
    12
    """
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise UserError(f"{what} must be a whole number, got {value!r}")
    if not math.isfinite(value) or value != int(value):
        raise UserError(f"{what} must be a whole number, got {value!r}")
    number = int(value)
    if number < 0 or (number == 0 and not allow_zero):
        limit = "zero or more" if allow_zero else "more than zero"
        raise UserError(f"{what} must be {limit}, got {number}")
    return number


def amount_rp(budget_rp: float) -> Decimal:
    """Check a budget is an amount of rupiah, zero or more, and return it exactly.

    Parameters
    ----------
    budget_rp : float, int or Decimal
        The amount in rupiah.

    Returns
    -------
    Decimal
        The amount, converted through its text so ``0.1`` stays ``0.1``.

    Raises
    ------
    UserError
        For a non-number, a negative amount, NaN or infinity.

    Examples
    --------
    >>> amount_rp(463060584)
    Decimal('463060584')
    """
    if isinstance(budget_rp, bool) or not isinstance(budget_rp, Real | Decimal):
        raise UserError(f"budget must be an amount of rupiah, got {budget_rp!r}")
    if not math.isfinite(budget_rp) or budget_rp < 0:
        raise UserError(f"budget must be zero or more, got {budget_rp}")
    return Decimal(str(budget_rp))
