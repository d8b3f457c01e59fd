"""Coverage metrics on hand-written fixture tables, and the headline checks on the shipped data.

Fixture province 99 (tests/fixtures/coverage/), as of 2024-12-31, 100 workers per desa,
JKK+JKM Rp16.800 per month (= 1% × Rp1.000.000 + Rp6.800), so Rp201.600 per worker per year.
A count without period_end stays current for 12 months after its date (A14,
coverage.staleness_months), so on 2024-12-31 a fact dated before 2023-12-31 is history:

- 99.01 Alpha (10 desa): pekerja_rentan 500 (F02; F01 older, F06 planned, F07 after as_of)
  + perangkat_desa_bpd 120 (F03 combined; F04/F05 same date are part of it) = 620 in total;
  counted on the village and informal bases (pekerja_rentan + palm + other): 500.
- 99.02 Beta (5 desa): perangkat_desa 40 + bpd 10 (newer than the combined F08) = 50,
  thl 50, palm 100 (UNCONFIRMED), other = kader 20 (fishers F13 of 2023-05-01 went stale on
  2024-05-01); total 50 + 50 + 100 + 20 = 220; informal basis: 100 + 20 = 120; village basis
  (pekerja_rentan only): none.
- 99.03 Gamma (8 desa): no coverage facts → "no data".
- 99.04 Epsilon (2 desa): two CONFLICT facts 250 and 300 for the same thing → 250.
- 99.71 Delta (kota, 0 desa, 20 kelurahan): 400 (ESTIMATE); village basis does not apply.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.model import coverage
from analysis.views import coverage as coverage_views

FIXTURES = Path(__file__).parents[1] / "fixtures" / "coverage"
AS_OF = "2024-12-31"
MONTHLY = 16_800  # 1% × 1.000.000 + 6.800
ANNUAL = 201_600  # 16.800 × 12


def _read(name: str) -> pd.DataFrame:
    codes = {"regency_code": str, "area_code": str, "province_code": str, "period": str,
             "year": str, "flag": str}
    return pd.read_csv(FIXTURES / f"{name}.csv", dtype=codes, keep_default_na=True)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {
        name: _read(name)
        for name in ("regencies", "coverage_facts", "declared_targets", "population_poverty",
                     "labour_force")
    }


@pytest.fixture(scope="module")
def informal(tables) -> pd.DataFrame:
    inputs = coverage.province_informal_inputs(
        tables["labour_force"], tables["population_poverty"], "99", AS_OF
    )
    return coverage.informal_estimates(
        tables["regencies"], tables["population_poverty"], tables["labour_force"], inputs, AS_OF
    )


def _table(tables, informal, basis="village", as_of=AS_OF) -> pd.DataFrame:
    return coverage.build_coverage_table(
        tables["regencies"], tables["coverage_facts"], tables["declared_targets"], informal,
        workers_per_desa=100, monthly_contribution_rp=MONTHLY, as_of=as_of, target_basis=basis,
    ).set_index("regency_code")


def test_segments_combine_without_double_counting(tables):
    cov = coverage.covered_by_segment(tables["coverage_facts"], AS_OF).set_index("area_code")
    alpha = cov.loc["99.01"]
    assert alpha["covered_pekerja_rentan"] == 500
    assert alpha["covered_perangkat_desa_bpd"] == 120  # combined F03, not 120 + 100 + 20
    assert alpha["covered_total"] == 620
    assert alpha["covered_rentan"] == 500  # officials not counted against targets
    assert math.isnan(alpha["covered_thl_non_asn"])  # unknown, not zero
    assert alpha["covered_village"] == 500
    beta = cov.loc["99.02"]
    assert beta["covered_perangkat_desa_bpd"] == 50  # 40 + 10, newer than combined 45
    assert beta["covered_other"] == 20  # kader 20; fishers 30 of 2023-05-01 stale (A14)
    assert beta["covered_total"] == 220  # 50 + 50 + 100 + 20
    assert beta["covered_rentan"] == 120  # palm 100 + other 20
    assert math.isnan(beta["covered_village"])  # no pekerja_rentan: nothing per desa
    assert cov.loc["99.04", "covered_total"] == 250  # CONFLICT 250 vs 300 → smaller
    assert cov.loc["99.71", "covered_total"] == 400  # all_workers 9000 not counted
    assert "99.03" not in cov.index


def test_as_of_cut_off(tables):
    cov = coverage.covered_by_segment(tables["coverage_facts"], "2023-06-30").set_index(
        "area_code"
    )
    assert cov.loc["99.01", "covered_total"] == 300  # only F01 by then
    later = coverage.covered_by_segment(tables["coverage_facts"], "2025-12-31")
    assert later.set_index("area_code").loc["99.01", "covered_pekerja_rentan"] == 900  # F07


def test_village_target_and_kota_without_desa(tables, informal):
    table = _table(tables, informal)
    assert table.loc["99.01", "target_village"] == 1000  # 100 × 10 desa
    assert table.loc["99.01", "rate_village"] == pytest.approx(0.5)  # 500 / 1000
    assert table.loc["99.01", "gap_workers_village"] == 500  # 1000 − 500
    assert table.loc["99.01", "gap_rp_year_village"] == 100_800_000  # 500 × 201.600
    delta = table.loc["99.71"]
    assert math.isnan(delta["target_village"]) and delta["target_village_reason"] == "A02"
    assert math.isnan(delta["rate_village"]) and math.isnan(delta["gap_workers_village"])
    assert delta["status"] == coverage.OK
    assert table.loc["99.04", "gap_workers_village"] == 0  # 250 covered > 200 target


def test_regency_without_data_is_no_data_never_zero(tables, informal):
    gamma = _table(tables, informal).loc["99.03"]
    assert gamma["status"] == coverage.NO_DATA
    assert gamma["target_village"] == 800  # the target is known
    for column in ("covered_total", "rate_village", "gap_workers", "gap_rp_year"):
        assert math.isnan(gamma[column]), column
    assert pd.isna(gamma["newest_input_date"])


def test_informal_own_figure_first_then_a01_estimate(tables, informal):
    inf = informal.set_index("regency_code")
    # Beta has a regency figure of its own.
    assert inf.loc["99.02", "informal_method"] == "data"
    assert inf.loc["99.02", "target_informal"] == 2000
    # Alpha: A01 = 50.000 (newest population, 2024) × (400.000 / 1.000.000) × 60% = 12.000
    assert inf.loc["99.01", "informal_method"] == "A01"
    assert inf.loc["99.01", "target_informal"] == pytest.approx(12_000)
    assert "ESTIMATE" in inf.loc["99.01", "informal_flags"]
    # Delta: 100.000 × 0,4 × 0,6 = 24.000; Epsilon has no population → NaN
    assert inf.loc["99.71", "target_informal"] == pytest.approx(24_000)
    assert math.isnan(inf.loc["99.04", "target_informal"])
    table = _table(tables, informal, basis="informal")
    assert table.loc["99.02", "rate"] == pytest.approx(0.06)  # 120 / 2.000
    assert table.loc["99.71", "rate"] == pytest.approx(400 / 24_000)
    assert bool(table.loc["99.01", "has_estimate"])  # A01 target is an estimate
    assert not bool(table.loc["99.02", "has_estimate"])


def test_declared_target_newest(tables, informal):
    table = _table(tables, informal, basis="declared")
    assert table.loc["99.01", "target_declared"] == 1500  # 2024 target replaces 2022 one
    assert table.loc["99.01", "rate"] == pytest.approx(500 / 1500)
    assert table.loc["99.01", "gap_rp_year"] == 1000 * ANNUAL  # (1500 − 500) × 201.600
    assert math.isnan(table.loc["99.02", "target_declared"])
    assert table.loc["99.01", "newest_input_date"] == pd.Timestamp("2024-06-01")


def test_rank_ties_min_and_no_rank_without_a_rate(tables, informal):
    table = _table(tables, informal)
    # village rates: Epsilon 250/200 = 1,25; Alpha 500/1000 = 0,5; Beta has no village count;
    # Gamma (no data) and Delta (no desa) NaN → no rank. Two measurable.
    ranks = table["rank"].to_dict()
    assert {k: v for k, v in ranks.items() if pd.notna(v)} == {"99.01": 2, "99.04": 1}
    assert pd.isna(ranks["99.02"]) and pd.isna(ranks["99.03"]) and pd.isna(ranks["99.71"])
    assert (table["rank_of"] == 2).all()
    ranks = coverage.rank_within(pd.Series([0.5, 0.5, np.nan, 0.7]))
    assert ranks.tolist()[:2] == [2, 2] and pd.isna(ranks.iloc[2]) and ranks.iloc[3] == 1


def test_change_since_previous_observation(tables, informal):
    table = _table(tables, informal)
    # Alpha: 620 on 2024-06-01, 300 on 2023-01-01 → +320
    assert table.loc["99.01", "previous_date"] == pd.Timestamp("2023-01-01")
    assert table.loc["99.01", "change_since_previous"] == 320
    # Beta: 220 on 2024-03-01; on 2024-02-01 officials 50 + fishers 30 (current until
    # 2024-05-01) + kader 20 = 100 → +120
    assert table.loc["99.02", "previous_covered_total"] == 100
    assert table.loc["99.02", "change_since_previous"] == 120
    assert math.isnan(table.loc["99.04", "change_since_previous"])  # one observation only


def test_flags_unconfirmed_and_estimate(tables, informal):
    table = _table(tables, informal, basis="informal")
    # Beta's informal count rests on the UNCONFIRMED palm workers: shown, but not ranked.
    assert bool(table.loc["99.02", "has_unconfirmed"])
    assert table.loc["99.02", "rate"] == pytest.approx(0.06) and pd.isna(table.loc["99.02", "rank"])
    assert not bool(table.loc["99.01", "has_unconfirmed"])
    assert bool(table.loc["99.71", "has_estimate"])  # "sekitar 400"
    assert table.loc["99.02", "newest_input_date"] == pd.Timestamp("2024-03-01")
    # informal rates: Alpha 500/12.000 = 0,042, Delta 400/24.000 = 0,017 → ranks 1 and 2 of 2
    assert table.loc["99.01", "rank"] == 1 and table.loc["99.71", "rank"] == 2
    assert (table["rank_of"] == 2).all()
    # On the village basis Beta counts nothing, so the palm workers' flag does not apply there.
    assert not bool(_table(tables, informal).loc["99.02", "has_unconfirmed"])


def test_unknown_basis_rejected(tables, informal):
    with pytest.raises(ValueError, match="target_basis"):
        _table(tables, informal, basis="population")


def test_conflict_uses_the_value_the_note_names():
    # As in population_poverty.csv for Labuhanbatu 2024: both rows CONFLICT, notes name 511,704.
    rows = pd.DataFrame(
        {
            "regency_code": ["99.01", "99.01", "99.01"],
            "indicator": ["population"] * 3,
            "year": ["2024", "2024", "2025"],
            "period": ["", "", ""],
            "value": [511_704.0, 520_545.0, 527_000.0],
            "flag": ["CONFLICT", "CONFLICT", "ESTIMATE"],
            "note": ["BPS gives 520,545 for 2024. Used: 511,704, the mid-year series",
                     "databoks gives 511,704 (mid-2024), which is the value used",
                     "projected 2025 population, about 527 thousand"],
        }
    )
    # The 2025 ESTIMATE is newer but a non-estimate figure exists, so 2024 is used.
    picked = coverage.newest_value(rows, pd.Timestamp("2026-01-01"))
    assert picked["value"] == 511_704
    # Without a named value the smaller one is used.
    plain = rows.iloc[:2].assign(note="")
    assert coverage.newest_value(plain, pd.Timestamp("2026-01-01"))["value"] == 511_704


def test_mixed_funding_total_replaces_single_source_facts():
    # As Labuhanbatu 2025: "14.300 informal workers (DBH Sawit + APBD)" is a total over sources;
    # the 7.500 village workers of the same year are part of it, so the count is 14.300, not
    # 14.300 + 7.500 = 21.800. Without the mixed row the two single-source facts are added.
    rows = pd.DataFrame(
        {
            "workers": [14_300, 7_500, 1_500],
            "funding_source": ["mixed", "unknown", "dbh_sawit"],
            "flag": ["", "", ""],
            "note": ["", "", ""],
        }
    )
    assert coverage.sum_facts(rows) == 14_300
    assert coverage.sum_facts(rows.iloc[1:]) == 7_500 + 1_500


def test_same_count_from_two_sources_is_counted_once():
    # Pakpak Bharat, 9 July 2025: 4.979 THL reported by two articles (payer unknown / APBD), and
    # 485 non-ASN separately: 4.979 + 485 = 5.464, not 4.979 × 2 + 485 = 10.443.
    rows = pd.DataFrame(
        {
            "workers": [4_979, 4_979, 485],
            "funding_source": ["unknown", "apbd", None],
            "flag": ["", "", ""],
            "note": ["", "", ""],
        }
    )
    assert coverage.sum_facts(rows) == 4_979 + 485


def test_village_officials_conflict_follows_the_note():
    # Dairi 2023: itemised 1.825 perangkat desa + 989 BPD = 2.814 (the note says it is used)
    # against a newer combined report of 2.453: the count is 2.814.
    rows = pd.DataFrame(
        {
            "segment": ["perangkat_desa", "bpd", "perangkat_desa_bpd"],
            "workers": [1_825, 989, 2_453],
            "_date": pd.to_datetime(["2023-01-01", "2023-01-01", "2023-02-09"]),
            "funding_source": ["apbd"] * 3,
            "flag": ["DERIVED;CONFLICT", "CONFLICT", "CONFLICT"],
            "note": ["with 989 BPD = 2,814; used: 2,814, itemised", "see above",
                     "mistar gives 2,814 (itemised), which is the value used"],
        }
    )
    chosen = coverage.village_officials(rows)
    assert chosen["workers"].sum() == 2_814
    # Without CONFLICT flags the newest reading wins.
    plain = rows.assign(flag="")
    assert coverage.village_officials(plain)["workers"].sum() == 2_453


def test_unconfirmed_share_skipped_when_a_confirmed_one_exists():
    lf = pd.DataFrame(
        {
            "area_code": ["99", "99", "99"],
            "period": ["2023-08", "2024-02", "2023-08"],
            "indicator": ["informal_share_pct", "informal_share_pct", "employed"],
            "value": [58.52, 42.42, 400_000.0],
            "flag": ["", "UNCONFIRMED", ""],
            "note": ["", "probably inverted", ""],
        }
    )
    pop = pd.DataFrame({"regency_code": ["99"], "indicator": ["population"], "year": ["2023"],
                        "period": [""], "value": [1_000_000.0], "flag": [""], "note": [""]})
    inputs = coverage.province_informal_inputs(lf, pop, "99", "2024-12-31")
    assert inputs["informal_share"] == pytest.approx(0.5852)
    assert inputs["employment_ratio"] == pytest.approx(0.4)  # 400.000 / 1.000.000


def test_league_table_indonesian_text(tables, informal):
    table = _table(tables, informal)
    league = coverage_views.league_table(table, "id")
    alpha = league[league["Kabupaten/Kota"] == "Kabupaten Alpha"].iloc[0]
    assert alpha["Peringkat"] == "2"
    assert alpha["Cakupan"] == "50,0%"
    assert alpha["Target (100 per desa)"] == "1.000"
    assert alpha["Biaya menutup kesenjangan per tahun"] == "Rp100,8 juta"  # 100.800.000
    assert alpha["Perubahan sejak data sebelumnya"] == "+320"
    gamma = league[league["Kabupaten/Kota"] == "Kabupaten Gamma"].iloc[0]
    assert gamma["Pekerja rentan terlindungi"] == "–" and "tidak ada data" in gamma["Catatan"]
    assert alpha["Semua kelompok terlindungi"] == "620"
    delta = league[league["Kabupaten/Kota"] == "Kota Delta"].iloc[0]
    assert "A02" in delta["Catatan"] and "perkiraan" in delta["Catatan"]
    assert list(league["Peringkat"])[-1] == "–"  # no rank without a rate; no-data rows last


def test_narrative_numbers_are_computed(tables, informal):
    table = _table(tables, informal)
    table.attrs.update(as_of=pd.Timestamp(AS_OF), monthly_contribution_rp=MONTHLY)
    text = coverage_views.narrative(table, "id")
    # 4 of 5 with current data; covered 620 + 220 + 250 + 400 = 1.490
    assert "4 dari 5 kabupaten/kota" in text and "**1.490**" in text
    # village rates ranked for Epsilon (125%) and Alpha (50%): 1 of 2 measurable reached;
    # gap 500 + 0 = 500 → 500 × 201.600 = 100.800.000
    assert "1 dari 2 kabupaten/kota yang terukur" in text
    assert "Kabupaten Epsilon (125,0%)" in text
    assert "**500 pekerja**" in text and "Rp100,8 juta" in text
    # the rate above 100% comes with its reason: 250 registered against a floor of 100 × 2 desa
    assert "250 pekerja rentan terdaftar melebihi target minimum 200" in text
    assert "Rp16.800" in text
    assert "A02" in text
    english = coverage_views.narrative(table, "en")
    assert "4 of 5 regencies/cities" in english and "**1,490**" in english


# --- the shipped data ---------------------------------------------------------------------------


def _shipped() -> pd.DataFrame:
    try:
        return coverage.coverage_table("12")
    except ImportError as exc:  # pragma: no cover - only while the data layer is being written
        pytest.skip(f"data loader not importable yet: {exc}")


def test_shipped_north_sumatra_has_33_regencies():
    table = _shipped()
    assert len(table) == 33
    assert table["regency_code"].is_unique
    assert set(table["status"]) <= {coverage.OK, coverage.PAST, coverage.NO_DATA}
    # no-data rows never show zero coverage
    no_data = table[table["status"] != coverage.OK]
    assert no_data["covered_total"].isna().all() and no_data["rate"].isna().all()


def test_shipped_nias_selatan_village_target():
    table = _shipped().set_index("regency_code")
    nisel = table.loc["12.14"]
    assert nisel["desa"] == 459
    assert nisel["target_village"] == 45_900  # 100 × 459 desa
    assert nisel["target_declared"] == 45_900  # the Bupati's own figure
    assert math.isnan(table.loc["12.71", "target_village"])  # Kota Medan: kelurahan only
    assert table.loc["12.20", "target_declared"] == 88_506  # Padang Lawas Utara


def test_shipped_regency_summary_and_segments():
    _shipped()
    nisel = coverage.regency_summary("Nias Selatan")
    assert nisel["regency_code"] == "12.14"
    assert nisel["target_village"] == 45_900
    assert nisel["regencies_total"] == 33
    assert nisel["regencies_ranked"] == int(_shipped()["rank"].notna().sum()) < 33
    if nisel["status"] == coverage.NO_DATA:
        assert math.isnan(nisel["covered_total"])
    segments = coverage.segment_table("12.10")  # Labuhanbatu
    assert set(segments["group"]) <= set(coverage.SEGMENTS)
    assert not segments["segment"].isin(["all_workers"]).any()
    assert segments["status"].isin(["registered", "funded"]).all()
    assert segments["in_total"].any() and segments["in_village"].any()


def test_informal_explanation_in_both_languages():
    # A01 by hand: 100.000 people × 50% employed × 60% informal = 30.000 informal workers.
    row = {"informal_method": "A01", "informal_population": 100_000.0,
           "informal_population_year": "2024", "informal_employment_ratio": 0.5,
           "informal_share": 0.6, "informal_period": "2025-08-01", "target_informal": 30_000.0}
    text_id = coverage_views.informal_explanation(row, "id")
    assert "penduduk 100.000 (2024)" in text_id and "= 30.000 pekerja" in text_id
    assert "50,0%" in text_id and "60,0%" in text_id
    assert "= 30,000 workers" in coverage_views.informal_explanation(row, "en")
    assert coverage_views.informal_explanation({"informal_method": ""}, "id") == ""


def test_informal_figure_from_data_cites_by_number_and_dates_in_words():
    # Kota Medan's 214.555 comes from a source dated February 2025: the reader sees the month in
    # words and the endnote number, never "2025-02" or the source key.
    row = {"informal_method": "data", "informal_period": "2025-02",
           "informal_source": "analisasumut-25498"}
    text = coverage_views.informal_explanation(row, "id", cite=lambda sid: "[4]")
    assert text == "jumlah pekerja informal menurut sumber, Februari 2025 [4]"
    bare = coverage_views.informal_explanation(row, "en")
    assert bare == "number of informal workers as given by the source, February 2025"
    assert "analisasumut" not in bare and "2025-02" not in bare


def test_facts_used_table_agrees_with_the_count():
    # Labuhanbatu 2025 in miniature on 2025-06-01: a mixed total of 14.300 (DBH Sawit + APBD),
    # the 7.500 village workers of the same year, and 1.500 DBH palm workers of 2024-09-11
    # reported twice. The total contains the palm workers, so the "all groups" count is 14.300
    # alone; the village basis counts the 7.500 only.
    facts = pd.DataFrame(
        {
            "fact_id": ["a", "b", "c", "d"],
            "area_code": ["99.01"] * 4,
            "date": pd.to_datetime(["2025-01-01", "2025-01-01", "2024-09-11", "2024-09-11"]),
            "segment": ["pekerja_rentan", "pekerja_rentan", "palm_workers", "palm_workers"],
            "workers": [14_300, 7_500, 1_500, 1_500],
            "funding_source": ["mixed", "unknown", "dbh_sawit", "unknown"],
            "status": ["registered"] * 4,
            "source_id": ["s1", "s2", "s3", "s4"],
            "flag": [""] * 4,
            "note": [""] * 4,
        }
    )
    used = coverage.segment_facts(facts, "2025-06-01", 12)
    assert sorted(used["fact_id"]) == ["a"]
    covered = coverage.covered_by_segment(facts, "2025-06-01", 12).iloc[0]
    assert covered["covered_rentan"] == 14_300 == used["workers"].sum()
    assert covered["covered_village"] == 7_500
