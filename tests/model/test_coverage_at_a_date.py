"""Coverage at a date: the rules behind the cases the briefs got wrong, each with hand arithmetic.

Every fixture below copies the rows of ``data/raw/coverage_facts.csv`` (and
``declared_targets.csv``) that made a brief wrong, with the same counts, dates, periods, flags
and notes; the expected values are worked out by hand in the comments. The last tests check the
same cases on the shipped data. Contribution JKK+JKM Rp16.800 a month (1% × Rp1.000.000 +
Rp6.800), Rp201.600 a year; 100 workers per desa; a count without period_end stays current for
12 months after the last day its date stands for (A14).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.data.parameters import load_assumptions, load_parameters
from analysis.data.tables import load_table
from analysis.model import coverage
from analysis.views import coverage as coverage_views

MONTHLY = 16_800
COLUMNS = ["fact_id", "area_code", "date", "date_precision", "segment", "workers", "programmes",
           "funding_source", "period_start", "period_end", "status", "source_id", "flag", "note"]


def _facts(*rows: dict) -> pd.DataFrame:
    base = dict.fromkeys(COLUMNS, "")
    frame = pd.DataFrame([{**base, **r} for r in rows], columns=COLUMNS)
    frame["workers"] = pd.to_numeric(frame["workers"]).astype(float)
    return frame


def _regencies(*rows: tuple[str, str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"regency_code": c, "name": n, "short_name": n, "type": "kabupaten" if d else "kota",
          "desa": d, "kelurahan": k} for c, n, d, k in rows])


def _table(regencies, facts, targets=None, as_of="2026-02-01", basis="village"):
    targets = targets if targets is not None else pd.DataFrame(
        columns=["area_code", "date", "segment", "target_workers", "basis", "source_id", "flag",
                 "note"])
    informal = pd.DataFrame({"regency_code": regencies["regency_code"],
                             "target_informal": float("nan")})
    return coverage.build_coverage_table(
        regencies, facts, targets, informal, workers_per_desa=100,
        monthly_contribution_rp=MONTHLY, as_of=as_of, target_basis=basis, staleness_months=12,
    ).set_index("regency_code")


# --- Labuhanbatu: no 210,7% ---------------------------------------------------------------------

LABUHANBATU = _facts(
    {"fact_id": "lb-5897", "area_code": "12.10", "date": "2024-10-17", "date_precision": "day",
     "segment": "pekerja_rentan", "workers": 5897, "funding_source": "unknown",
     "status": "registered", "source_id": "article"},
    {"fact_id": "lb-1500", "area_code": "12.10", "date": "2024-09-11", "date_precision": "day",
     "segment": "palm_workers", "workers": 1500, "funding_source": "dbh_sawit",
     "status": "registered", "source_id": "lensa"},
    {"fact_id": "lb-14300", "area_code": "12.10", "date": "2025-01-01", "date_precision": "year",
     "segment": "pekerja_rentan", "workers": 14300, "funding_source": "mixed",
     "status": "registered", "source_id": "wahana",
     "note": "14,300 informal workers in 2025 (DBH Sawit + APBD)"},
    {"fact_id": "lb-7500", "area_code": "12.10", "date": "2025-01-01", "date_precision": "year",
     "segment": "pekerja_rentan", "workers": 7500, "funding_source": "unknown",
     "status": "registered", "source_id": "sinata",
     "note": "100 pekerja rentan per desa x 75 desa"},
)
LB_REGENCY = _regencies(("12.10", "Kabupaten Labuhanbatu", 75, 23))


def test_labuhanbatu_village_basis_counts_the_village_programme_only():
    # 29 Nov 2026 (the date of the review): village target 100 × 75 desa = 7.500. The village
    # basis counts the single-source 7.500 → 7.500 / 7.500 = 100,0%; never 15.800 / 7.500 =
    # 210,7% (14.300 total + 1.500 palm workers it already contains) nor 14.300 / 7.500 = 190,7%.
    row = _table(LB_REGENCY, LABUHANBATU, as_of="2026-11-29").loc["12.10"]
    assert row["covered_village"] == 7_500
    assert row["rate_village"] == pytest.approx(1.0)
    assert row["rate_village"] != pytest.approx(15_800 / 7_500)
    # The informal basis counts the mixed total once: 14.300, the 1.500 palm workers inside it.
    assert row["covered_informal"] == 14_300


def test_labuhanbatu_in_october_2024():
    # 31 Oct 2024: 5.897 village workers (17 Oct) → 5.897 / 7.500 = 0,78627 → 78,6%. The 1.500
    # DBH palm workers are another programme: counted on the informal basis (5.897 + 1.500 =
    # 7.397), not on the village basis.
    row = _table(LB_REGENCY, LABUHANBATU, as_of="2024-10-31").loc["12.10"]
    assert row["rate_village"] == pytest.approx(5_897 / 7_500)
    assert round(row["rate_village"] * 100, 1) == 78.6
    assert row["covered_informal"] == 5_897 + 1_500


def test_a_mixed_total_replaces_older_facts_of_every_vulnerable_segment():
    # 1 Jun 2025: the 1.500 palm workers (11 Sep 2024) are still current (stale after 11 Sep
    # 2025), but the 2025 mixed total contains them: informal count 14.300, not 15.800.
    current = coverage.current_facts(LABUHANBATU, "2025-06-01", 12)
    assert "lb-1500" in set(current["fact_id"])
    chosen = coverage.basis_facts(current, "informal")
    assert list(chosen["fact_id"]) == ["lb-14300"]


# --- Tapanuli Tengah: the probable misprint ------------------------------------------------------

TAPTENG = _facts(
    {"fact_id": "tt-17589", "area_code": "12.01", "date": "2025-01-01", "date_precision": "year",
     "segment": "pekerja_rentan", "workers": 17589, "programmes": "JKK+JKM",
     "funding_source": "mixed", "status": "registered", "source_id": "s18",
     "flag": "UNCONFIRMED",
     "note": "Pemprov Sumut -> Tapanuli Tengah; almost as large as the 20,879 province total, "
             "probably a province total or a misprint. Case S18"},
)


def test_tapanuli_tengah_misprint_enters_no_rate_and_no_rank():
    # 17.589 against 100 × 159 desa = 15.900 gave 110,6% and rank 2. Set aside: no rate, no rank.
    regencies = _regencies(("12.01", "Kabupaten Tapanuli Tengah", 159, 56),
                           ("12.10", "Kabupaten Labuhanbatu", 75, 23))
    table = _table(regencies, pd.concat([TAPTENG, LABUHANBATU]), as_of="2026-02-01")
    tapteng = table.loc["12.01"]
    assert math.isnan(tapteng["rate_village"]) and pd.isna(tapteng["rank"])
    assert tapteng["set_aside_workers"] == 17_589 and tapteng["set_aside_reason"] == "misprint"
    # Labuhanbatu is the only one measured: rank 1 of 1.
    assert table.loc["12.10", "rank"] == 1 and (table["rank_of"] == 1).all()
    note = coverage_views.row_notes(table.reset_index(), "id").iloc[0]
    assert "17.589 tidak dipakai" in note and "salah cetak" in note


def test_set_aside_reason_needs_the_rows_own_doubt():
    assert coverage.set_aside_reason("UNCONFIRMED", "probably a province total or a misprint") \
        == "misprint"
    assert coverage.set_aside_reason("", "see the misprint in the other row") == ""
    assert coverage.set_aside_reason("CONFLICT", "NOT USED: waspada.id gives Rp9.150.000.000") \
        == "not_used"
    assert coverage.set_aside_reason("CONFLICT", "mistar gives 2,814, which is the value used") \
        == ""
    assert coverage.set_aside_reason("CONFLICT", "USED: PMK 91/2023 annex") == ""


# --- Medan: the declared target and its own programme; one-month payers -----------------------

MEDAN = _facts(
    {"fact_id": "md-17851", "area_code": "12.71", "date": "2025-01-01", "date_precision": "year",
     "segment": "pekerja_rentan", "workers": 17851, "programmes": "JKK+JKM",
     "funding_source": "apbd", "status": "registered", "source_id": "mistar-medan-33m",
     "note": "informal workers; Rp3.3 miliar. Case S6"},
    {"fact_id": "md-37058", "area_code": "12.71", "date": "2025-10-29", "date_precision": "day",
     "segment": "other", "workers": 37058, "funding_source": "unknown", "status": "registered",
     "source_id": "atapkota", "flag": "UNCONFIRMED",
     "note": "'Empowering Kepling' programme without APBD: 37,058 registered of a 50,025 target "
             "by October 2025. 18,152 of the 37,058 paid one month only"},
    {"fact_id": "md-18152", "area_code": "12.71", "date": "2025-10-29", "date_precision": "day",
     "segment": "other", "workers": 18152, "funding_source": "unknown", "status": "uncovered",
     "source_id": "atapkota", "flag": "UNCONFIRMED",
     "note": "Empowering Kepling participants who paid one month only: 18,152 of the 37,058 "
             "registered by October 2025 (atapkota). A part of the 37,058 row, not more "
             "workers."},
)
MEDAN_TARGET = pd.DataFrame([{
    "area_code": "12.71", "date": "2025-10-29", "segment": "other", "target_workers": 50025.0,
    "basis": "Empowering Kepling (non-APBD) programme target", "source_id": "atapkota",
    "flag": "", "note": "37,058 reached by October 2025 (case S6)"}])


def test_medan_declared_target_only_against_its_own_programme():
    # Before: (17.851 APBD + 37.058 Empowering Kepling) / 50.025 = 54.909 / 50.025 = 109,8%.
    # Now: the target belongs to Empowering Kepling (segment other, same source); of its 37.058,
    # 18.152 paid one month only, so 37.058 − 18.152 = 18.906 count: 18.906 / 50.025 = 0,37793.
    regencies = _regencies(("12.71", "Kota Medan", 0, 151))
    row = _table(regencies, MEDAN, MEDAN_TARGET, basis="declared").loc["12.71"]
    assert row["covered_declared"] == 18_906
    assert row["rate_declared"] == pytest.approx(18_906 / 50_025)
    assert round(row["rate_declared"] * 100, 1) == 37.8
    assert row["declared_uncovered_part"] == 18_152
    # The 37.058 is UNCONFIRMED as current coverage: the rate is shown, never ranked.
    assert bool(row["unconfirmed_declared"]) and pd.isna(row["rank"])
    # The informal basis adds the two programmes, one-month payers out: 17.851 + 18.906.
    assert row["covered_informal"] == 17_851 + 18_906


def test_an_uncovered_complement_is_not_subtracted():
    # Pakpak Bharat 9 Jul 2025: 77 BPD registered and 203 "not yet registered": a complement,
    # not a part, so the count stays 77.
    facts = _facts(
        {"fact_id": "pb-77", "area_code": "12.15", "date": "2025-07-09", "segment": "bpd",
         "workers": 77, "status": "registered", "source_id": "s22",
         "note": "77 BPD members registered. Case S22"},
        {"fact_id": "pb-203", "area_code": "12.15", "date": "2025-07-09", "segment": "bpd",
         "workers": 203, "status": "uncovered", "source_id": "s22",
         "note": "203 BPD members not yet registered. Case S22"},
    )
    states = coverage.fact_states(facts, "2025-12-31", 12)
    assert states.set_index("fact_id").loc["pb-77", "workers"] == 77


# --- Ended programmes are history: Labuhanbatu Selatan, Tapanuli Selatan, Deli Serdang --------

ENDED = _facts(
    {"fact_id": "ls-2000", "area_code": "12.22", "date": "2022-10-04", "date_precision": "day",
     "segment": "pekerja_rentan", "workers": 2000, "programmes": "JKK+JKM",
     "funding_source": "unknown", "period_start": "2022-10-01", "period_end": "2022-12-31",
     "status": "registered", "source_id": "labusel-mou"},
    {"fact_id": "ts-15328", "area_code": "12.03", "date": "2022-06-01", "date_precision": "month",
     "segment": "pekerja_rentan", "workers": 15328, "programmes": "JKK+JKM",
     "funding_source": "apbd", "period_start": "2022-06-01", "status": "registered",
     "source_id": "tapsel"},
    {"fact_id": "ds-10500", "area_code": "12.07", "date": "2022-07-27", "date_precision": "day",
     "segment": "pekerja_rentan", "workers": 10500, "programmes": "JKK+JKM",
     "funding_source": "csr", "status": "registered", "source_id": "deliserdang"},
)


@pytest.mark.parametrize(
    ("fact_id", "last_current", "first_history", "state"),
    [
        # Labusel: October–December 2022 only → current on 31 Dec 2022, ended on 1 Jan 2023.
        ("ls-2000", "2022-12-31", "2023-01-01", "ended"),
        # Tapsel: "since June 2022" (month precision) → stands for June 2022 up to 30 Jun 2022,
        # current 12 months more, to 30 Jun 2023; stale on 1 Jul 2023.
        ("ts-15328", "2023-06-30", "2023-07-01", "stale"),
        # Deli Serdang: 27 Jul 2022 (1–2 months of CSR) → current to 27 Jul 2023; stale after.
        ("ds-10500", "2023-07-27", "2023-07-28", "stale"),
    ],
)
def test_programmes_count_only_while_they_run(fact_id, last_current, first_history, state):
    before = coverage.fact_states(ENDED, last_current, 12).set_index("fact_id")
    after = coverage.fact_states(ENDED, first_history, 12).set_index("fact_id")
    assert before.loc[fact_id, "state"] == "current"
    assert after.loc[fact_id, "state"] == state


def test_ended_programmes_are_history_not_coverage():
    # On 1 Feb 2026 none of the three counts: no rate, no rank, status "past", and the history
    # lists each with the last day it counted.
    regencies = _regencies(("12.22", "Kabupaten Labuhanbatu Selatan", 52, 2),
                           ("12.03", "Kabupaten Tapanuli Selatan", 212, 36),
                           ("12.07", "Kabupaten Deli Serdang", 380, 14))
    table = _table(regencies, ENDED)
    assert (table["status"] == coverage.PAST).all()
    assert table["rate_village"].isna().all() and table["rank"].isna().all()
    assert table.loc["12.22", "past_until"] == pd.Timestamp("2022-12-31")
    history = coverage.coverage_history(ENDED, "2026-02-01", 12).set_index("fact_id")
    assert history.loc["ls-2000", "state"] == "ended"
    assert history.loc["ts-15328", "stale_after"] == pd.Timestamp("2023-06-30")
    assert "program berakhir" in coverage_views.row_notes(table.reset_index(), "id").iloc[0]


def test_one_programme_reported_twice_shares_its_period():
    # Pakpak Bharat: 890 palm workers for budget year 2025, in two articles; only one gives the
    # period (2025-01-01 – 2025-12-31). Both end with it: history on 1 Feb 2026.
    facts = _facts(
        {"fact_id": "pp-a", "area_code": "12.15", "date": "2025-07-09", "date_precision": "day",
         "segment": "palm_workers", "workers": 890, "funding_source": "dbh_sawit",
         "period_start": "2025-01-01", "period_end": "2025-12-31", "status": "funded",
         "source_id": "analisadaily"},
        {"fact_id": "pp-b", "area_code": "12.15", "date": "2025-07-09", "date_precision": "day",
         "segment": "palm_workers", "workers": 890, "funding_source": "dbh_sawit",
         "status": "funded", "source_id": "sibayak"},
    )
    states = coverage.fact_states(facts, "2026-02-01", 12)
    assert set(states["state"]) == {"ended"}


def test_known_until_follows_the_date_precision():
    when = pd.Timestamp("2025-01-01")
    assert coverage.known_until(when, "year") == pd.Timestamp("2025-12-31")
    assert coverage.known_until(when, "month") == pd.Timestamp("2025-01-31")
    assert coverage.known_until(when, "day") == when


def test_staleness_is_a_logged_parameter():
    assert load_parameters().get("coverage.staleness_months") == 12
    assert load_parameters().entry("coverage.staleness_months")["assumption"] == "A14"
    assert load_assumptions()["A14"]["value"] == 12
    assert coverage.staleness_months("2026-02-01") == 12


# --- Ranks of N measurable; above 100% only with a reason ---------------------------------------


def test_rank_text_names_the_number_measurable():
    assert coverage_views.rank_text(3, 11, "id") == "peringkat 3 dari 11 yang terukur"
    assert coverage_views.rank_text(3, 11, "en") == "3 of 11 measurable"
    assert coverage_views.rank_text(pd.NA, 11, "id") == "tanpa peringkat"


def test_rate_above_100_percent_carries_its_reason():
    # 250 pekerja rentan in a 2-desa regency: 250 / (100 × 2) = 125%, with the reason in words.
    facts = _facts({"fact_id": "e", "area_code": "99.04", "date": "2025-06-01",
                    "segment": "pekerja_rentan", "workers": 250, "funding_source": "apbd",
                    "status": "registered", "source_id": "x"})
    table = _table(_regencies(("99.04", "Kabupaten Epsilon", 2, 0)), facts, as_of="2025-12-31")
    row = table.loc["99.04"]
    assert row["rate_village"] == pytest.approx(1.25) and bool(row["over_target_village"])
    reason = coverage_views.over_target_reason(row, "village", "id")
    assert "250 pekerja rentan terdaftar melebihi target minimum 200" in reason
    assert reason in coverage_views.row_notes(table.reset_index(), "id").iloc[0]
    assert coverage_views.over_target_reason(row, "informal", "id") == ""


# --- A01 at the log's reference date ------------------------------------------------------------


def test_a01_inputs_are_taken_at_one_reference_date():
    # Employment of Aug 2023 and Aug 2025, share of Aug 2023 and Aug 2025, one population
    # (June 2022). At the reference date 2023-08-31: 7.550.000 / 15.305.230 = 0,49329;
    # × 0,5852 = 0,28867 (the log's 0,2887). Without it the 2025 inputs would be taken:
    # 7.980.000 / 15.305.230 × 0,5726 = 0,29855.
    lf = pd.DataFrame({
        "area_code": ["12"] * 4,
        "period": ["2023-08", "2025-08", "2023-08", "2025-08"],
        "indicator": ["employed", "employed", "informal_share_pct", "informal_share_pct"],
        "value": [7_550_000.0, 7_980_000.0, 58.52, 57.26],
        "flag": [""] * 4, "note": [""] * 4, "source_id": ["s"] * 4,
    })
    pop = pd.DataFrame({"regency_code": ["12"], "indicator": ["population"], "year": ["2022"],
                        "period": ["2022-06"], "value": [15_305_230.0], "flag": [""],
                        "note": [""]})
    at_ref = coverage.province_informal_inputs(lf, pop, "12", "2026-02-01", "2023-08-31")
    assert at_ref["employment_ratio"] * at_ref["informal_share"] == pytest.approx(0.28867,
                                                                                 abs=5e-5)
    newest = coverage.province_informal_inputs(lf, pop, "12", "2026-02-01")
    assert newest["employment_ratio"] * newest["informal_share"] == pytest.approx(0.29855,
                                                                                 abs=5e-5)


def test_a01_from_the_shipped_data_equals_the_logged_value():
    log = load_assumptions()["A01"]
    inputs = coverage.province_informal_inputs(
        load_table("labour_force"), load_table("population_poverty"), "12", "2026-02-01",
        log["reference_date"])
    assert inputs["employment_ratio"] * inputs["informal_share"] == pytest.approx(
        log["value"], abs=1e-4)


# --- the shipped data ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return coverage.coverage_table("12", "2026-02-01").set_index("regency_code")


def test_shipped_labuhanbatu_is_100_not_210_percent(shipped):
    row = shipped.loc["12.10"]
    assert row["covered_village"] == 7_500 and row["rate_village"] == pytest.approx(1.0)


def test_shipped_tapanuli_tengah_misprint_not_ranked(shipped):
    row = shipped.loc["12.01"]
    assert pd.isna(row["rank"]) and math.isnan(row["rate_village"])
    assert row["set_aside_workers"] == 17_589


def test_shipped_medan_declared_basis(shipped):
    row = shipped.loc["12.71"]
    # (37.058 − 18.152) / 50.025 = 18.906 / 50.025
    assert row["rate_declared"] == pytest.approx(18_906 / 50_025)


@pytest.mark.parametrize("code", ["12.22", "12.03", "12.07"])
def test_shipped_2022_programmes_are_history(shipped, code):
    assert shipped.loc[code, "status"] == coverage.PAST
    assert pd.isna(shipped.loc[code, "rank"])


def test_shipped_ranks_are_of_the_measurable_only(shipped):
    ranked = shipped["rank"].notna()
    assert (shipped["rank_of"] == int(ranked.sum())).all()
    # No rank rests on an ended programme, a set-aside figure or an UNCONFIRMED fact.
    assert (shipped.loc[ranked, "status"] == coverage.OK).all()
    assert not shipped.loc[ranked, "unconfirmed_village"].any()
    # No rate above 100% without its reason.
    for _, row in shipped[shipped["rate_village"] > 1].iterrows():
        assert coverage_views.over_target_reason(row, "village", "id")
