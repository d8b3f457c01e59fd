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


# --- One DBH Sawit story: conflicts as the notes say, the series, the range --------------------

MADINA_2023 = pd.DataFrame(
    {
        "area_code": ["12.13", "12.13"],
        "year": [2023, 2023],
        "amount_rp": [9_543_279_000, 9_150_000_000],
        "source_id": ["ref-elaeis", "ref-waspada"],
        "flag": ["CONFLICT", "CONFLICT"],
        "note": ["USED: PMK 91/2023 annex as reproduced by elaeis.co; waspada.id gives "
                 "Rp9.150.000.000 (other row)",
                 "NOT USED: waspada.id gives Rp9.150.000.000, which differs from the PMK annex"],
    }
)


def test_conflict_resolved_as_the_notes_say_whatever_the_row_order():
    # The NOT USED row came last and used to win (Rp393.279.000 short).
    assert dbh_sawit.allocation_from_table(MADINA_2023, "12.13", 2023) == 9_543_279_000
    flipped = MADINA_2023.iloc[::-1]
    assert dbh_sawit.allocation_from_table(flipped, "12.13", 2023) == 9_543_279_000
    row, aside = dbh_sawit.resolve_rows(MADINA_2023)
    assert row["source_id"] == "ref-elaeis"
    assert list(aside["amount_rp"]) == [9_150_000_000]


def test_a_newer_source_wins_by_date_not_by_position():
    rows = pd.DataFrame({"area_code": ["12.10"] * 2, "year": [2026] * 2,
                         "amount_rp": [4_000_000_000, 3_666_930_000],
                         "source_id": ["user-2026-10", "tracker-2025"], "flag": ["", ""],
                         "note": ["", ""]})
    dates = {"user-2026-10": "2026-10-31", "tracker-2025": "2025-12-01"}
    assert dbh_sawit.allocation_from_table(rows, "12.10", 2026, dates) == 4_000_000_000


def test_summary_of_an_edited_table_is_read_again(raw_copy):
    # Fixture: Labuhanbatu (12.22) 2023, Rp1.000.000.000; the shipped 20% cap (PMK 91/2023).
    first = dbh_sawit.dbh_summary("12.22", "2024-06-30")
    assert (first["allocation"], first["envelope"]) == (1_000_000_000, 200_000_000)
    first["series"].clear()  # a caller's change never reaches the cache
    assert len(dbh_sawit.dbh_summary("12.22", "2024-06-30")["series"]) == 1
    path = raw_copy / "dbh_sawit.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",1000000000,", ",10000000000,"),
                    encoding="utf-8")
    after = dbh_sawit.dbh_summary("12.22", "2024-06-30")
    # Rp10.000.000.000 × 20% = Rp2.000.000.000.
    assert (after["allocation"], after["envelope"]) == (10_000_000_000, 2_000_000_000)


def test_shipped_mandailing_natal_2023_not_used_row_is_never_used():
    assert dbh_sawit.dbh_allocation("12.13", 2023) == 9_543_279_000
    summary = dbh_sawit.dbh_summary("12.13", "2023-12-31")
    assert summary["allocation"] == 9_543_279_000
    assert [e["allocation"] for e in summary["set_aside"]] == [9_150_000_000]
    later = dbh_sawit.dbh_summary("12.13", "2026-02-01")
    assert 9_150_000_000 not in [e["allocation"] for e in later["series"]]
    assert later["range_high"] == 9_543_279_000


def test_shipped_dairi_series_shows_2023_beside_2026():
    # Dairi: 2023 Rp8.513.744.000 (PMK 91/2023 annex) and 2026 Rp1.508.376.000 (third-party
    # tracker, UNCONFIRMED). As of 1 Feb 2026 the 2026 figure drives the envelope:
    # 1.508.376.000 × 20% = 301.675.200; / 201.600 = 1.496,4 → 1.496 workers. Range from the
    # series: 8.513.744.000 × 20% = 1.702.748.800; / 201.600 = 8.446,2 → 8.446 workers.
    dbh = dbh_sawit.dbh_summary("12.11", "2026-02-01")
    assert [(e["year"], e["allocation"], e["flag"]) for e in dbh["series"]] == [
        (2023, 8_513_744_000, ""), (2026, 1_508_376_000, "UNCONFIRMED")]
    assert (dbh["year"], dbh["basis"], dbh["flag"]) == (2026, "report_year", "UNCONFIRMED")
    assert dbh["envelope"] == 301_675_200 and dbh["workers"] == 1_496
    assert (dbh["range_low"], dbh["range_low_year"]) == (1_508_376_000, 2026)
    assert (dbh["range_high"], dbh["range_high_year"]) == (8_513_744_000, 2023)
    assert (dbh["workers_low"], dbh["workers_high"]) == (1_496, 8_446)
    assert not dbh["single_year"]


def test_shipped_dbh_before_the_next_figure_uses_the_latest_with_its_year():
    # As of mid-2025 the data hold only 2023 for Dairi: that drives the envelope, said so.
    dbh = dbh_sawit.dbh_summary("12.11", "2025-06-30")
    assert (dbh["year"], dbh["basis"], dbh["single_year"]) == (2023, "latest_before", True)
    assert dbh["range_low"] == dbh["range_high"] == 8_513_744_000


def test_shipped_every_dbh_figure_names_its_year():
    for code in ("12.10", "12.11", "12.14", "12.15", "12.22", "12.23"):
        dbh = dbh_sawit.dbh_summary(code, "2026-02-01")
        assert all(isinstance(e["year"], int) and 2000 < e["year"] <= 2026
                   for e in dbh["series"] + dbh["set_aside"])
        assert dbh["year"] == dbh["series"][-1]["year"]
    # Nias Selatan: only 2023, no invented later figure.
    nisel = dbh_sawit.dbh_summary("12.14", "2026-02-01")
    assert nisel["single_year"] and nisel["year"] == 2023
