"""DBH Sawit: the at-most-20% envelope, palm workers it funds, allocations from the table.

Rates come from the hand-written fixture tests/fixtures/parameters/*.yml (the same values as
the facts file, section 1): Rp16.800 per worker-month (1% × Rp1.000.000 + Rp6.800). Each
expected value is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import UserError
from analysis.data.parameters import load_parameters
from analysis.model import dbh_sawit

FIXTURE = Path(__file__).parents[1] / "fixtures" / "parameters"
ON = "2024-01-01"


@pytest.fixture(scope="module")
def params():
    return load_parameters(FIXTURE)


# --- DBH Sawit --------------------------------------------------------------------------------


def test_dbh_envelope_is_at_most_20_percent(params):
    # Labuhanbatu 2023 allocation Rp10.579.839.000 × 20% = 2.115.967.800
    assert dbh_sawit.dbh_envelope(10_579_839_000, on=ON, params=params) == 2_115_967_800
    # half of the "other activities" share for social protection: 1.057.983.900
    assert dbh_sawit.dbh_envelope(10_579_839_000, 0.5, on=ON, params=params) == 1_057_983_900


def test_dbh_envelope_rejects_a_share_above_one(params):
    with pytest.raises(UserError, match="social_share"):
        dbh_sawit.dbh_envelope(1_000_000, 1.5, params=params)


def test_palm_workers_fundable(params):
    # 2.115.967.800 / (16.800 × 12 = 201.600) = 10.495,9 → 10.495 workers
    fundable = dbh_sawit.palm_workers_fundable(2_115_967_800, 12, on=ON, params=params)
    assert fundable == 10_495
    # never more than the unregistered palm workers (PMK 91/2023 Pasal 16(5)e): 1.500
    capped = dbh_sawit.palm_workers_fundable(2_115_967_800, 12, 1_500, on=ON, params=params)
    assert capped == 1_500


def test_allocation_from_a_table():
    table = pd.DataFrame(
        {
            "area_code": ["12.10", "12.10", "12.11"],
            "year": [2023, 2026, 2023],
            "amount_rp": [10_579_839_000, 3_666_930_000, 8_513_744_000],
        }
    )
    assert dbh_sawit.allocation_from_table(table, "12.10", 2023) == 10_579_839_000
    assert dbh_sawit.allocation_from_table(table, "12.22", 2023) is None


def test_dbh_allocation_from_the_shipped_table():
    # Kab. Labuhanbatu, DBH Sawit 2023: Rp10.579.839.000 (PMK 91/2023 annex via elaeis.co)
    assert dbh_sawit.dbh_allocation("12.10", 2023) == 10_579_839_000
    assert dbh_sawit.dbh_allocation("12.10", 1999) is None
