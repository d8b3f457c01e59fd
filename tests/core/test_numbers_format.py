"""Indonesian and English number formats, checked against how officials write them."""

import math

import pytest

from analysis.core.numbers import format_number, format_percent, format_rupiah


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (45900, "id", 0, "45.900"),
        (45900, "en", 0, "45,900"),
        (4979, "id", 0, "4.979"),
        (999, "id", 0, "999"),
        (2138817, "id", 0, "2.138.817"),
        (12.5, "id", 1, "12,5"),
        (-1500, "id", 0, "-1.500"),
        (math.nan, "id", 0, "–"),
    ],
)
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected


@pytest.mark.parametrize(
    ("value", "lang", "exact", "expected"),
    [
        (9_250_000_000, "id", False, "Rp9,25 miliar"),
        (9_250_000_000, "en", False, "Rp9.25 billion"),
        (294_000_000, "id", False, "Rp294 juta"),
        (11_309_760_000, "id", False, "Rp11,31 miliar"),
        (16_800, "id", False, "Rp16.800"),
        (463_060_584, "id", True, "Rp463.060.584"),
        (3_400_000_000_000, "id", False, "Rp3,4 triliun"),
        (1_000_000, "id", False, "Rp1 juta"),
    ],
)
def test_format_rupiah(value, lang, exact, expected):
    assert format_rupiah(value, lang, exact=exact) == expected


def test_format_percent():
    assert format_percent(0.4139) == "41,4%"
    assert format_percent(0.4139, "en", 2) == "41.39%"
    assert format_percent(math.nan) == "–"


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="language"):
        format_number(1, "fr")
