"""Parsing numbers as Indonesian offices write them; expected values worked out by hand."""

import pytest

from analysis.core.numbers import parse_number, parse_percent, parse_rupiah


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.979", 4979),  # "." groups thousands: 4 × 1000 + 979
        ("45.900", 45900),
        ("1.500", 1500),  # ambiguous in English, thousands in Indonesian: the rule picks 1500
        ("2.138.817", 2138817),
        ("7,84", 7.84),  # decimal comma
        ("7.84", 7.84),  # one "." followed by two digits cannot be thousands
        ("0.125", 0.125),  # a whole part of 0 cannot be followed by thousands
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),  # English, recognised because "." comes last
        ("1,234,567", 1234567),
        ("-1.500", -1500),
        ("1,5 juta", 1_500_000),  # 1.5 × 10^6
        ("  4979 ", 4979),
        (4979, 4979),
        (12.5, 12.5),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rp 588 juta", 588_000_000),  # 588 × 10^6
        ("1,5 miliar", 1_500_000_000),  # 1.5 × 10^9
        ("Rp463.060.584", 463_060_584),
        ("Rp. 16.800", 16_800),
        ("Rp5.000,-", 5_000),  # ",-" closes an amount on receipts
        ("IDR 2 triliun", 2_000_000_000_000),
        ("Rp 9,25 miliar", 9_250_000_000),  # 9.25 × 10^9
        ("588juta", 588_000_000),
        ("201.600", 201_600),  # 12 months × Rp16.800
        ("Rp 1,2 M", 1_200_000_000),  # M = miliar in Indonesian budgets: 1.2 × 10^9
        ("1,2 M", 1_200_000_000),
        ("Rp1,2M", 1_200_000_000),
        ("1,2 miliar", 1_200_000_000),
        ("Rp 2 T", 2_000_000_000_000),  # T = triliun: 2 × 10^12
        ("294 jt", 294_000_000),  # jt = juta: 294 × 10^6
        ("294jt.", 294_000_000),
        ("250 rb", 250_000),  # rb = ribu: 250 × 10^3
        ("250 ribu", 250_000),
        (1_500_000_000.0, 1_500_000_000),
    ],
)
def test_parse_rupiah(text, expected):
    value = parse_rupiah(text)
    assert isinstance(value, int)
    assert value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5%", 0.125),  # 12.5 / 100
        ("41,39 persen", 0.4139),
        ("7.84%", 0.0784),
        ("100%", 1.0),
        ("12,5", 0.125),  # percentage points without the sign
    ],
)
def test_parse_percent(text, expected):
    assert parse_percent(text) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    "text", ["dua ribu", "", "  ", "abc", "1.50.000", "12,5%", "1,5 X", "M", True]
)
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text", ["1,5 m", "Rp 1,2m", "3 t"])
def test_lower_case_m_and_t_are_refused_not_guessed(text):
    # "m" could be million (English) or miliar: a thousandfold error is worse than a question.
    with pytest.raises(ValueError, match="write M for miliar"):
        parse_rupiah(text)


def test_parse_rupiah_rejects_percent():
    with pytest.raises(ValueError, match="percentage"):
        parse_rupiah("12,5%")
