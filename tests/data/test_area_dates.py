"""A brief is dated by its own area's data; the national population table fills the gaps.

Fixture tables (tests/fixtures/data): coverage facts of 12.14 dated 2022-05-01 and 12.15 dated
2025-01-01, a declared target of 12.14 dated 2022-05-01; the national population table dated
2025-01-01 for every row; the curated population table has a population only for 12.10.
"""

from __future__ import annotations

import pandas as pd

from analysis.data import tables
from analysis.model.coverage import informal_estimates, province_informal_inputs


def test_brief_dated_by_its_own_facts(fixture_data):
    assert tables.newest_fact_date() == "2025-01-01"  # the newest fact of all (12.15)
    assert tables.newest_fact_date(None, "12.14") == "2022-05-01"  # its own newest fact
    assert tables.newest_fact_date(None, "12.15") == "2025-01-01"
    assert tables.newest_fact_date(None, "12") == "2025-01-01"  # a province: its kab/kota
    # 32.16 has no fact: the national population table's date, not 12.15's fact.
    assert tables.newest_fact_date(None, "32.16") == "2025-01-01"
    # With a cut-off, nothing after it; with nothing dated before it, the cut-off itself.
    assert tables.newest_fact_date("2024-06-30", "12.14") == "2022-05-01"
    assert tables.newest_fact_date("2024-06-30", "32.16") == "2024-06-30"
    assert tables.newest_fact_date("2024-06-30") == "2024-06-30"


def test_other_province_not_dated_by_a_newer_fact_elsewhere(raw_copy):
    path = raw_copy / "coverage_facts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2025-01-01", "2026-01-01"),
                    encoding="utf-8")
    assert tables.newest_fact_date() == "2026-01-01"
    assert tables.newest_fact_date(None, "32.16") == "2025-01-01"  # still its population date
    assert tables.newest_fact_date(None, "32") == "2025-01-01"


def test_national_population_where_the_curated_table_has_none(fixture_data):
    population = tables.population_with_national()
    rows = population[population["indicator"] == "population"]
    # 12.10 keeps only its two curated rows; 32.16 gets the national figure, flagged.
    assert sorted(rows.loc[rows["regency_code"] == "12.10", "value"]) == [511704, 520545]
    bekasi = rows[rows["regency_code"] == "32.16"]
    assert bekasi["value"].tolist() == [3387601]
    assert bekasi["flag"].tolist() == ["UNCONFIRMED"]
    assert bekasi["year"].tolist() == [2025]
    assert bekasi["source_id"].tolist() == ["ref-github-cahyadsn-wilayah"]
    assert "32" in set(rows["regency_code"])  # the province too (for the A01 ratio)


def test_a01_estimate_from_the_national_population_carries_its_flag(fixture_data):
    population = tables.population_with_national()
    # Hand-written labour force of Jawa Barat: employed = half the province's population in
    # the national table (51.316.378 / 2 = 25.658.189), informal share 60%.
    labour = pd.DataFrame({
        "area_code": ["32", "32"], "period": ["2025-08", "2025-08"],
        "indicator": ["employed", "informal_share_pct"], "value": [25_658_189.0, 60.0],
        "source_id": ["fx", "fx"], "flag": ["", ""], "note": ["", ""],
    })
    inputs = province_informal_inputs(labour, population, "32", "2026-01-01")
    regencies = tables.regencies("32")
    estimate = informal_estimates(regencies, population, labour, inputs, "2026-01-01")
    bekasi = estimate.set_index("regency_code").loc["32.16"]
    # 3.387.601 × 0,5 × 0,6 = 1.016.280,3
    assert abs(bekasi["target_informal"] - 1_016_280.3) < 0.01
    assert bekasi["informal_method"] == "A01"
    assert {"UNCONFIRMED", "ESTIMATE"} <= bekasi["informal_flags"]
