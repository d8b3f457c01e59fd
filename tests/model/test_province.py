"""The province's own programme: one figure per year and group, conflicts as a range."""

from __future__ import annotations

import pandas as pd

from analysis.model.province import programme_totals, province_programme


def _cases() -> pd.DataFrame:
    # Hand-written: a province "12" paying itself (area 12), and a share named for one regency.
    rows = [
        # year, area, segment, workers, funding, source, flag, note
        (2022, "12", "pekerja_rentan", 10_000, "apbd_province", "s1", "", ""),
        (2023, "12", "pekerja_rentan", 20_400, "apbd_province", "s2", "CONFLICT", "other"),
        (2023, "12", "pekerja_rentan", 31_570, "apbd_province", "s1", "CONFLICT", "other"),
        (2024, "12", "pekerja_rentan", 12_000, "apbd_province", "s1", "PLANNED", ""),
        (2024, "12", "palm_workers", 38_785, "dbh_sawit", "s3", "PLANNED", ""),
        (2025, "12", "pekerja_rentan", 20_879, "mixed", "s4", "", ""),
        (2025, "12.09", "pekerja_rentan", 2_000, "apbd_province", "s5", "", ""),  # a share
    ]
    return pd.DataFrame(
        [{"case_id": "S16", "payer_code": "12", "area_code": a, "year": y, "segment": seg,
          "workers": w, "funding_source": f, "source_id": s, "flag": fl, "note": n}
         for y, a, seg, w, f, s, fl, n in rows])


def test_programme_keeps_one_figure_a_year_and_shows_a_conflict_as_a_range():
    programme = province_programme("12", "2026-02-01", cases=_cases())
    by_year = programme.set_index(["year", "segment"])
    # 2023: two sources disagree and no note names one: the smaller is picked, the range kept.
    row = by_year.loc[(2023, "pekerja_rentan")]
    assert (row["workers"], row["workers_low"], row["workers_high"]) == (20_400, 20_400, 31_570)
    # The regency's share (12.09) is part of the province total, not added to it.
    assert by_year.loc[(2025, "pekerja_rentan")]["workers"] == 20_879
    totals = programme_totals(programme).set_index("year")
    # 2024 plan: 12.000 (APBD) + 38.785 (DBH Sawit) = 50.785, planned.
    assert totals.loc[2024, "workers"] == 50_785 and bool(totals.loc[2024, "planned"])
    assert not bool(totals.loc[2025, "planned"])


def test_programme_stops_at_the_as_of_year():
    programme = province_programme("12", "2023-06-30", cases=_cases())
    assert sorted(programme["year"].unique()) == [2022, 2023]
    assert province_programme("13", cases=_cases()).empty
