"""Numbers as Indonesian officials write them, and back.

Formatting follows Indonesian usage when the report language is ``id`` ("45.900",
"Rp9,25 miliar", "41,4%") and English usage otherwise ("45,900", "Rp9.25 billion").
Parsing of user input ("4.979", "Rp 588 juta", "1,5 miliar", "12,5%") lives here too, so that
one module owns both directions.
"""

from __future__ import annotations

import math

# Scale words, largest first. Indonesian budgets use juta/miliar/triliun; "ribu" is left out of
# formatting because officials write thousands of rupiah in full ("Rp16.800").
_SCALES = {
    "id": [(1e12, "triliun"), (1e9, "miliar"), (1e6, "juta")],
    "en": [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")],
}


def _check_lang(lang: str) -> str:
    if lang not in _SCALES:
        raise ValueError(f"language must be 'id' or 'en', got {lang!r}")
    return lang


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
    _check_lang(lang)
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
    _check_lang(lang)
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
