"""Sentences about a projection: an unconfirmed amount reads as words and rupiah, not a formula."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.views.scenarios import messages


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "Memakai angka yang belum terkonfirmasi: alokasi DBH Sawit Rp3,67 miliar."),
    ("en", "Uses an unconfirmed figure: a DBH Sawit allocation of Rp3.67 billion."),
])
def test_unconfirmed_amount_is_said_in_words(lang, expected):
    table = pd.DataFrame({"year": [2026]})
    table.attrs["notes"] = [
        ("unconfirmed", None, {"path": "funding.dbh_sawit.allocation_rp", "value": 3_666_930_000}),
    ]
    # 3.666.930.000 = Rp3,67 miliar (two decimals of a billion, rounded).
    assert messages(table, lang) == [expected]
