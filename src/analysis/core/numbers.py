"""Numbers as Indonesian officials write them, and back.

Formatting follows Indonesian usage when the report language is ``id`` ("45.900",
"Rp9,25 miliar", "41,4%") and English usage otherwise ("45,900", "Rp9.25 billion").
Parsing of user input ("4.979", "Rp 588 juta", "1,5 miliar", "Rp 1,2 M", "12,5%") lives here
too, so that one module owns both directions.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from analysis.core.i18n import check_lang, t

# Scale words, largest first. Indonesian budgets use juta/miliar/triliun; "ribu" is left out of
# formatting because officials write thousands of rupiah in full ("Rp16.800").
_SCALES = {
    "id": [(1e12, "triliun"), (1e9, "miliar"), (1e6, "juta")],
    "en": [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")],
}


def _group(digits: str, sep: str) -> str:
    """Insert ``sep`` every three digits from the right of a string of digits."""
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def format_number(value: float, lang: str = "id", decimals: int = 0) -> str:
    """Format a number with the thousands and decimal separators of the language.

    Parameters
    ----------
    value : float
        The number. NaN gives an en dash.
    lang : {"id", "en"}
        ``id`` uses "." for thousands and "," for decimals; ``en`` the reverse.
    decimals : int
        Digits after the decimal separator; trailing zeros are kept.

    Returns
    -------
    str
        e.g. ``format_number(45900)`` → ``"45.900"``.
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    thousands, point = (".", ",") if lang == "id" else (",", ".")
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    sign = "-" if value < 0 and float(text) != 0 else ""
    return sign + _group(whole, thousands) + (point + frac if frac else "")


def _trim(value: float, max_decimals: int, lang: str) -> str:
    """Format with at most ``max_decimals`` decimals, dropping trailing zeros."""
    text = format_number(value, lang, max_decimals)
    point = "," if lang == "id" else "."
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def format_rupiah(value: float, lang: str = "id", exact: bool = False, decimals: int = 2) -> str:
    """Format rupiah the way budgets are quoted.

    Parameters
    ----------
    value : float
        Amount in rupiah. NaN gives an en dash.
    lang : {"id", "en"}
        Report language.
    exact : bool
        Write every digit ("Rp463.060.584") instead of a scale word ("Rp463 juta").
    decimals : int
        Maximum decimals before the scale word; trailing zeros are dropped.

    Returns
    -------
    str
        e.g. ``format_rupiah(9_250_000_000)`` → ``"Rp9,25 miliar"``;
        ``format_rupiah(16_800)`` → ``"Rp16.800"``.
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if not exact:
        for size, word in _SCALES[lang]:
            if amount >= size:
                return f"{sign}Rp{_trim(amount / size, decimals, lang)} {word}"
    return f"{sign}Rp{format_number(round(amount), lang)}"


def format_percent(share: float, lang: str = "id", decimals: int = 1) -> str:
    """Format a share (0–1) as a percentage.

    Parameters
    ----------
    share : float
        A fraction; 0.4139 means 41,39%. NaN gives an en dash.
    lang : {"id", "en"}
        Report language.
    decimals : int
        Digits after the decimal separator.

    Returns
    -------
    str
        e.g. ``format_percent(0.4139)`` → ``"41,4%"``.
    """
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return format_number(share * 100, lang, decimals) + "%"


def format_date(value: object, lang: str = "id", precision: str = "day") -> str:
    """A date as a reader writes it: "9 Juli 2025" / "9 July 2025", "Juli 2025", "2025".

    Parameters
    ----------
    value : date, datetime, pandas.Timestamp or str
        The date; an ISO string ("2025-07-09") is read. Missing values give an en dash.
    lang : {"id", "en"}
        Report language (month names from ``common.months``).
    precision : {"day", "month", "year"}
        How much of the date the source gives: a year-only fact stored as 1 January is shown
        as its year, never as "1 Januari".

    Returns
    -------
    str
        The date in words; the input unchanged when it is not a date.
    """
    if value is None or value != value or str(value) in ("", "NaT", "nan", "None"):
        return "–"
    if hasattr(value, "year") and hasattr(value, "month") and hasattr(value, "day"):
        day = dt.date(value.year, value.month, value.day)
    else:
        try:
            day = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if precision == "year":
        return str(day.year)
    month = t("common.months", check_lang(lang)).split(",")[day.month - 1].strip()
    if precision == "month":
        return f"{month} {day.year}"
    return f"{day.day} {month} {day.year}"


# --- Parsing -------------------------------------------------------------------------------------
#
# Rule for separators (documented in parse_number): Indonesian usage first. "." groups thousands
# and "," marks decimals, so "1.500" is one thousand five hundred and "7,84" is seven point
# eighty-four. English input is recognised only where it cannot be Indonesian.

# Scale words as written in budgets and news, mapped to powers of ten (exact, no float error).
_PARSE_SCALES = {
    "ribu": 3,
    "rb": 3,
    "juta": 6,
    "jt": 6,
    "miliar": 9,
    "milyar": 9,
    "triliun": 12,
    "thousand": 3,
    "million": 6,
    "billion": 9,
    "trillion": 12,
}
# Abbreviations written in capitals only. In Indonesian budgets "M" is miliar (10⁹), not
# million, and "T" triliun; a lower-case "m" is refused rather than guessed (million? miliar?).
_PARSE_CAPITALS = {"M": 9, "T": 12}
_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_PERCENT = re.compile(r"\s*(?:%|persen|percent)$", re.IGNORECASE)
_CORE = re.compile(r"^\d[\d.,]*$")


def _split_groups(core: str, sep: str, text: str) -> str:
    """Remove thousands separators after checking the groups have three digits."""
    head, *groups = core.split(sep)
    if not head or len(head) > 3 or any(len(g) != 3 for g in groups):
        raise ValueError(f"not a number: {text!r} (misplaced {sep!r} thousands separator)")
    return head + "".join(groups)


def _plain_digits(core: str, text: str) -> str:
    """Turn a digit string with separators into a plain decimal string ("1.234,5" → "1234.5")."""
    dots, commas = core.count("."), core.count(",")
    if dots and commas:
        point = "," if core.rfind(",") > core.rfind(".") else "."
        thousands = "." if point == "," else ","
        whole, _, frac = core.rpartition(point)
        if point in whole or not frac:
            raise ValueError(f"not a number: {text!r}")
        return _split_groups(whole, thousands, text) + "." + frac
    if commas:
        if commas > 1:
            return _split_groups(core, ",", text)
        whole, _, frac = core.partition(",")
        if not frac:
            raise ValueError(f"not a number: {text!r}")
        return whole + "." + frac
    if dots:
        whole, _, frac = core.partition(".")
        if dots > 1 or (len(frac) == 3 and whole != "0"):
            return _split_groups(core, ".", text)
        if not frac:
            raise ValueError(f"not a number: {text!r}")
        return whole + "." + frac
    return core


def _scale_power(word: str, raw: str) -> int:
    """Power of ten of a scale word ("juta" 6, "M" 9), or ValueError naming ``raw``."""
    if word in _PARSE_CAPITALS:
        return _PARSE_CAPITALS[word]
    if word.lower() in _PARSE_SCALES:
        return _PARSE_SCALES[word.lower()]
    if word.lower() in ("m", "t"):
        raise ValueError(
            f"{raw!r}: a lower-case {word!r} is ambiguous; write M for miliar, jt for juta, "
            "T for triliun"
        )
    raise ValueError(f"not a number: {raw!r}")


def _parse_decimal(text: object) -> Decimal:
    """Parse a number as officials write it into an exact Decimal; see ``parse_number``."""
    if isinstance(text, bool):
        raise ValueError(f"not a number: {text!r}")
    if isinstance(text, int | float | Decimal):
        value = Decimal(str(text))
        if not value.is_finite():
            raise ValueError(f"not a number: {text!r}")
        return value
    raw = str(text)
    work = raw.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2212", "-").strip()
    if not work:
        raise ValueError("empty value")
    sign = 1
    if work.startswith("-"):
        sign, work = -1, work[1:].strip()
    work = _CURRENCY.sub("", work)
    if work.startswith("-"):  # "Rp -5.000"
        sign, work = -sign, work[1:].strip()
    if work.endswith((",-", ".-")):  # "Rp5.000,-" closes an amount in letters and receipts
        work = work[:-2].strip()
    number, _, word = work.partition(" ")
    if not word:
        # "588juta", "1,5M" without a space: split trailing letters off the digits.
        match = re.match(r"^([\d.,]+)([a-z]+\.?)$", number, re.IGNORECASE)
        if match:
            number, word = match.group(1), match.group(2)
    power = _scale_power(word.strip().rstrip("."), raw) if word.strip() else 0
    if not _CORE.match(number):
        raise ValueError(f"not a number: {raw!r}")
    try:
        value = Decimal(_plain_digits(number, raw))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {raw!r}") from exc
    return sign * value.scaleb(power)


def parse_number(text: object) -> float:
    """Read a number written the Indonesian way (or unambiguously the English way).

    Parameters
    ----------
    text : str or number
        e.g. ``"4.979"``, ``"7,84"``, ``"1,5 juta"``, ``"2.138.817"``. Numbers pass through.

    Returns
    -------
    float
        The value.

    Raises
    ------
    ValueError
        For text that is not a number (``"dua ribu"``), an empty string or a percentage.

    Notes
    -----
    Separator rule, Indonesian first:

    - ``.`` and ``,`` both present: the right-most one is the decimal mark (``"1.234,5"`` and
      ``"1,234.5"`` are both 1234.5).
    - only ``,``: once is a decimal comma (``"7,84"`` → 7.84); several are English thousands.
    - only ``.``: several are thousands; once followed by exactly three digits is thousands too
      (``"1.500"`` → 1500, ``"4.979"`` → 4979), unless the whole part is 0 (``"0.125"``);
      otherwise it is a decimal point (``"7.84"``).
    - a scale word multiplies: ribu/rb 10³, juta/jt 10⁶, miliar/milyar/M 10⁹, triliun/T 10¹²
      (and thousand, million, billion, trillion). "M" is miliar, as in Indonesian budgets
      ("Rp 1,2 M"), and is read in capitals only: a lower-case "m" is refused. "Rp", "IDR"
      and a closing ",-" are ignored.
    """
    if isinstance(text, str) and _PERCENT.search(text.strip()):
        raise ValueError(f"{text!r} is a percentage, not a plain number")
    return float(_parse_decimal(text))


def parse_rupiah(text: object) -> int:
    """Read an amount of rupiah ("Rp 588 juta", "1,5 miliar", "Rp 1,2 M", "Rp463.060.584").

    Parameters
    ----------
    text : str or number
        The amount, with or without "Rp" and a scale word; separators as in ``parse_number``.

    Returns
    -------
    int
        Whole rupiah, rounded half up.
    """
    if isinstance(text, str) and _PERCENT.search(text.strip()):
        raise ValueError(f"{text!r} is a percentage, not an amount of rupiah")
    return int(_parse_decimal(text).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_percent(text: object) -> float:
    """Read a percentage ("12,5%", "41,39 persen") as a share 0–1.

    Parameters
    ----------
    text : str or number
        Percentage points with or without the "%" sign: ``"12,5"`` and ``12.5`` both mean
        12.5% (a share already between 0 and 1 must not be passed here).

    Returns
    -------
    float
        The share, e.g. ``parse_percent("12,5%")`` → 0.125.
    """
    if isinstance(text, str):
        text = _PERCENT.sub("", text.strip())
    return float(_parse_decimal(text) / 100)
