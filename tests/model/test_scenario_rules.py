"""Scenarios that answer the regent's question: each rule of guide sections 2.3, 3 and 4.

Today's APBD from the payment cases (3.1), palm workers not counted as None (2.3), what-ifs kept
out of the central scenario (2.3), the horizon moved to the as-of year, one APBD figure per year
(3.3), sensitivity over uncertain inputs only (3.2), A13 as the DBH share with its range (5.4),
benefits as a range with the programme's age (4). Fixture scenarios are in
tests/fixtures/scenarios (each states its arithmetic at the top); rates come from
tests/fixtures/parameters: Rp16.800 a worker-month, Rp201.600 a worker-year, in every test.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core import config
from analysis.data.parameters import load_assumptions, load_parameters
from analysis.model import scenarios
from analysis.views import scenarios as views

FIXTURES = Path(__file__).parents[1] / "fixtures"
SCEN = FIXTURES / "scenarios"
YEAR_RP = 201_600  # 16.800 × 12
AS_OF = "2026-02-01"
# Assumptions the fixture scenarios read, round values so the arithmetic is easy to follow.
LOG = {
    "A07": {"value": 0.5, "low": 0.1, "high": 1.0},
    "A08": {"value": 1.0, "low": 0.5, "high": 1.0},
    "A13": {"value": 0.05, "low": 0.02, "high": 0.2},
}


@pytest.fixture(scope="module")
def params():
    return load_parameters(FIXTURES / "parameters")


def load(name: str, params, **kw) -> scenarios.Scenario:
    return scenarios.load_scenario(SCEN / f"{name}.yml", params=params, assumptions=LOG, **kw)


def _cases(*rows: dict) -> pd.DataFrame:
    """A payment_cases table with the columns the rule reads."""
    columns = ["case_id", "area_code", "year", "segment", "workers", "months", "budget_rp",
               "package", "funding_source", "source_id", "flag"]
    defaults = {"area_code": "12.22", "segment": "pekerja_rentan", "workers": np.nan,
                "months": np.nan, "budget_rp": np.nan, "package": "jkk-jkm",
                "funding_source": "apbd", "source_id": "fx", "flag": ""}
    return pd.DataFrame([{**defaults, **r} for r in rows], columns=columns)


# --- today's APBD from the payment cases (guide 3.1) -------------------------------------------


def test_current_apbd_takes_the_newest_current_year_and_sums_its_cases(params):
    cases = _cases(
        {"case_id": "A", "year": 2025, "workers": 1000, "months": 12, "budget_rp": 201_600_000},
        # no rupiah: 500 × 3 × 16.800 = 25.200.000 (DERIVED)
        {"case_id": "B", "year": 2025, "workers": 500, "months": 3},
        # no rupiah, no months: a full year assumed, 800 × 12 × 16.800 = 161.280.000
        {"case_id": "C", "year": 2025, "workers": 800},
        {"case_id": "D", "year": 2026, "budget_rp": 999, "flag": "PLANNED"},  # a plan
        {"case_id": "E", "year": 2026, "budget_rp": 1e8, "flag": "UNCONFIRMED"},
        {"case_id": "F", "year": 2025, "budget_rp": 5e8, "segment": "thl_non_asn"},
        {"case_id": "G", "year": 2025, "budget_rp": 7e8, "funding_source": "apbd_province"},
        {"case_id": "H", "year": 2023, "budget_rp": 9e8},  # history by 2026
        {"case_id": "I", "year": 2025, "budget_rp": 3e8, "area_code": "12.10"},
    )
    spent = scenarios.current_apbd("12.22", AS_OF, cases, params)
    # 201.600.000 + 25.200.000 + 161.280.000 = 388.080.000
    assert spent["budget_rp"] == 388_080_000
    assert spent["year"] == 2025
    assert spent["case_ids"] == ["A", "B", "C"]
    assert spent["workers"] == 1000 + 500 + 800
    assert spent["derived"] and spent["months_assumed"]
    assert spent["flags"] == "DERIVED"
    # In mid-2024 the window is 2023–2024: only H (Rp900 juta) is current then.
    assert scenarios.current_apbd("12.22", "2024-06-01", cases, params)["budget_rp"] == 9e8


def test_no_current_case_means_unknown_not_zero(params):
    cases = _cases({"case_id": "H", "year": 2022, "budget_rp": 9e8})
    assert scenarios.current_apbd("12.22", AS_OF, cases, params) is None
    s = scenarios.with_current_apbd(load("budgeted", params), AS_OF, cases, params)
    assert s.apbd_budget_rp == [None, None]
    an = scenarios.analyse(s, draws=500, seed=1)
    # No probability where the budget is unknown: a 100% made by an open APBD says nothing.
    assert an.probability.isna().all()
    text = views.narrative(an, "id")
    assert "belum ada data" in text
    assert "peluang mencapai target 100%" not in text


@pytest.mark.parametrize(("workers", "expected"), [(900, 0.125), (1000, 0.5), (1100, 0.875)])
def test_probability_at_todays_budget_differs_with_the_budget(params, workers, expected):
    # budgeted.yml: target 1.000 × m, m triangular(0,8; 1; 1,2). The APBD spent in 2025 pays
    # for `workers` a year (workers × 201.600); P(1.000 × m ≤ workers) as worked in the file.
    cases = _cases({"case_id": "S", "year": 2025, "budget_rp": workers * YEAR_RP})
    s = scenarios.with_current_apbd(load("budgeted", params), AS_OF, cases, params)
    assert s.apbd_budget_rp == [workers * YEAR_RP] * 2
    assert s.apbd_basis["case_ids"] == ["S"]
    prob = scenarios.simulate(s, draws=20_000, seed=3).probability_of_target()
    assert prob.iloc[0] == pytest.approx(expected, abs=0.015)


def test_a_budget_in_the_file_is_kept(params):
    s = load("benefits", params)
    cases = _cases({"case_id": "S", "year": 2025, "budget_rp": 1})
    assert scenarios.with_current_apbd(s, AS_OF, cases, params).apbd_budget_rp == [
        201_600_000] * 4


# --- palm workers not counted, what-ifs, A13 (guide 2.3, 5.4) ----------------------------------


def test_uncounted_palm_workers_are_a_condition_not_zero(params, fixture_data):
    s = load("what_if", params, as_of=AS_OF)
    assert s.dbh_eligible == [None, None]
    table = scenarios.project(s)
    # A13 (test log) 0,05 of Rp1.000.000.000 = Rp50.000.000 → 248 workers if counted, but none
    # is paid in the central scenario: the APBD needs 1.000 × 201.600 = Rp201.600.000.
    assert list(table["dbh_envelope_rp"]) == [50_000_000] * 2
    assert list(table["dbh_fundable_workers"]) == [248] * 2
    assert list(table["dbh_workers"]) == [0, 0]
    assert list(table["apbd_needed_rp"]) == [201_600_000] * 2
    assert table["eligible_palm_workers"].isna().all()
    text = " ".join(views.messages(table, "id"))
    assert "menunggu jumlah pekerja sawit" in text and "hingga 248 pekerja" in text
    assert "hanya 0 pekerja" not in text


def test_a13_is_the_share_of_the_allocation_with_its_range(params, fixture_data):
    s = load("what_if", params, as_of=AS_OF)
    # other share at the legal cap 0,2 × social share 0,25 = 0,05 (A13); range 0,02/0,05 = 0,4
    # to 0,20/0,05 = 4 times the central share.
    assert s.dbh_other_share == pytest.approx(0.2)
    assert s.dbh_share == pytest.approx(0.05)
    assert s.dbh_share_range == pytest.approx((0.4, 4.0))
    # The DBH allocation came from the data (fixture 2023 row) with the A08 range (0,5–1,0).
    assert s.dbh_basis["year"] == 2023 and s.dbh_basis["allocation"] == 1_000_000_000
    assert s.dbh_uncertainty == {"distribution": "triangular", "low": 0.5, "high": 1.0}


def test_what_ifs_stay_out_of_the_central_scenario(params, fixture_data):
    s = load("what_if", params, as_of=AS_OF)
    assert scenarios.variants_for(s) == ["central", "csr_what_if", "dbh_what_if"]
    assert list(scenarios.project(s)["csr_workers"]) == [0, 0]
    # If the company paid for its 100 workers: (1.000 − 100) × 201.600 = 181.440.000.
    csr = scenarios.project(scenarios.variant(s, "csr_what_if"))
    assert list(csr["csr_workers"]) == [100, 100]
    assert list(csr["apbd_needed_rp"]) == [181_440_000] * 2
    # If the palm workers were counted: (1.000 − 248) × 201.600 = 151.603.200.
    dbh = scenarios.project(scenarios.variant(s, "dbh_what_if"))
    assert list(dbh["apbd_needed_rp"]) == [151_603_200] * 2


@pytest.mark.parametrize("path", sorted(config.SCENARIOS.glob("*.yml")), ids=lambda p: p.name)
def test_a_shipped_option_without_a_pledge_is_a_what_if(path):
    # Guide 2.3: CSR and Dana Desa enter only as sourced pledges or as labelled what-ifs. A
    # pledge or a Dana Desa figure the file marks as a scenario choice must be a what-if.
    s = scenarios.load_scenario(path)
    chosen = {p["path"] for p in s.provenance if p["choice"]}
    for i, pledge in enumerate(s.csr):
        if f"funding.csr[{i}]" in chosen:
            assert pledge.what_if, f"{path.name}: funding.csr[{i}] is a choice, not a pledge"
    if any(c.startswith("funding.dana_desa") for c in chosen):
        assert s.dana_desa_what_if, f"{path.name}: funding.dana_desa is a choice"


# --- the horizon starts at the as-of year ------------------------------------------------------


def test_a_file_is_read_by_year_from_a_later_start(params):
    s = load("rebase", params, start_year=2026)
    assert s.year_list == [2026, 2027, 2028]
    # months {2024: 3, 2025: 12}: 12 carried; segment a {…, 2026: 300} carried; segment b is
    # 1.000 × [0,2; 0,5; 1,0] read by year: 2026 is the third value, later years keep it.
    assert s.months == [12, 12, 12]
    assert s.target_segments == {"a": [300, 300, 300], "b": [1000, 1000, 1000]}
    # The pledge years 2024 and 2025 are before the horizon: only 2026 is kept.
    assert [p.year for p in s.csr] == [2026]
    # Read as written, nothing moves.
    s = load("rebase", params)
    assert s.months == [3, 12, 12] and s.target_segments["b"] == [200, 500, 1000]


def test_the_brief_scenario_starts_at_the_as_of_year():
    for code in ("12.10", "12.11", "12.22"):
        assert scenarios.resolve(code, as_of="2027-03-01", years=5).start_year == 2027


# --- one APBD figure per year (guide 3.3) -----------------------------------------------------


def test_one_apbd_needed_figure_used_everywhere(params, fixture_data):
    s = load("what_if", params, as_of=AS_OF)
    an = scenarios.analyse(s, draws=500, seed=0)
    table = views.year_table(an)
    needed = [r["apbd_rp"] for r in an.mix["years"]]
    # No uncertainty in the central scenario: the P90 need is 1.000 × 201.600 each year.
    assert needed == [201_600_000] * 2
    assert list(table["apbd_needed_rp"]) == needed
    central = an.variants[an.variants["variant"] == "central"]
    assert list(central["apbd_needed_rp"]) == needed
    # Budgeted and needed are two named columns, never two values of one "APBD" column.
    assert [c for c in table.columns if c.startswith("apbd")] == [
        "apbd_workers", "apbd_budget_rp", "apbd_needed_rp"]
    assert table["apbd_budget_rp"].isna().all()


def test_chart_and_table_show_the_same_apbd_needed_under_uncertainty(params):
    # "mixed" draws the CSR pledge (probability 0,5) and its realised share: the P90 need is a
    # Monte Carlo quantile. The chart (variants) and the table (mix) must print one figure per
    # year; with 2.000 draws for the chart and 5.000 for the table they differed by one worker
    # (Rp159.667.200 vs Rp159.465.600 = 201.600 apart in 2026), as Pakpak Bharat's chart title
    # said Rp367,72 juta over a table saying Rp372,56 juta.
    s = load("mixed", params)
    an = scenarios.analyse(s, draws=5_000, seed=0)
    central = an.variants[an.variants["variant"] == "central"]
    needed = [r["apbd_rp"] for r in an.mix["years"]]
    assert list(central["apbd_needed_rp"]) == needed
    assert list(views.year_table(an)["apbd_needed_rp"]) == needed


def test_mix_shares_come_from_the_printed_rupiah(params):
    s = load("mixed_open", params)
    mix = scenarios.recommend_mix(s, prob=0.9, draws=500, seed=0)
    # 500 − (40 + 50) = 410 and 1.000 − (40 + 50 + 60) = 850 workers; × 50.400 and × 201.600.
    assert [r["apbd_workers"] for r in mix["years"]] == [410, 850]
    assert [r["apbd_rp"] for r in mix["years"]] == [20_664_000, 171_360_000]
    central = scenarios.project(s)
    for t, row in enumerate(mix["years"]):
        printed = {n: central[f"{n}_rp"].iloc[t] for n in ("dbh", "province", "dana_desa")}
        printed["apbd"] = row["apbd_rp"]
        assert row["share"]["apbd"] == pytest.approx(printed["apbd"] / sum(printed.values()))


def test_nothing_is_recommended_before_the_next_budget_year(params, fixture_data):
    # As of February 2026 the 2026 budget is set: the APBD needed is recommended from 2027.
    s = load("what_if", params, as_of=AS_OF)
    mix = scenarios.recommend_mix(s, draws=200)
    assert mix["first_year"] == 2027
    assert [r["recommended"] for r in mix["years"]] == [False, True]
    assert mix["total_apbd_rp"] == 201_600_000  # 2027 only


def test_no_narrative_range_has_equal_ends(params, fixture_data):
    s = load("what_if", params, as_of=AS_OF)
    text = views.narrative(scenarios.analyse(s, draws=500, seed=0), "id")
    for a, b in re.findall(r"(Rp[\d.,]+(?: \w+)?)–(Rp[\d.,]+(?: \w+)?)", text):
        assert a != b, text
    assert not re.search(r"antara (\S+) dan \1", text)


# --- sensitivity: uncertain inputs only (guide 3.2) --------------------------------------------


def test_sensitivity_never_ranks_the_target_level(params):
    s = scenarios.load_scenario(SCEN / "eligible.yml", params=params)
    sens = scenarios.sensitivity(s)
    # The count uncertainty 0,8–1,2 moves the APBD needed in 2027 from (800 − 50) × 201.600 =
    # 151.200.000 to (1.200 − 50) × 201.600 = 231.840.000. The DBH allocation never binds
    # (50 eligible of 9.920 fundable), so its zero swing is left out.
    assert list(sens["parameter"]) == ["target_count"]
    assert (sens["value_low"].iloc[0], sens["value_high"].iloc[0]) == (151_200_000,
                                                                       231_840_000)
    assert sens.attrs["metric"] == "apbd_needed_rp"


def test_sensitivity_is_empty_when_nothing_uncertain_moves(params, fixture_data):
    assert scenarios.sensitivity(load("what_if", params, as_of=AS_OF)).empty


def test_target_level_is_a_separate_what_if(params):
    s = scenarios.load_scenario(SCEN / "apbd_only.yml", params=params)
    levels = scenarios.target_what_if(s)
    # 300 workers × 60% / 80% / 100% = 180 / 240 / 300, × 201.600.
    assert list(levels["target_workers"]) == [180, 240, 300]
    assert list(levels["apbd_needed_rp"]) == [36_288_000, 48_384_000, 60_480_000]


# --- benefits as a range, with the programme's age (guide 4) -----------------------------------


def test_benefits_range_and_scholarships_after_three_years(params):
    log = load_assumptions(FIXTURES / "benefits_assumptions.yml")
    s = load("benefits", params)
    out = scenarios.benefits_table(s, scenarios.project(s), params=params, assumptions=log)
    # Per worker-year, central (fixture log): JKM 0,002857 × 42.000.000 = 120.000; JKK claims
    # 0,002 × 3.500.000 = 7.000; JKK deaths 0,0001 × 70.000.000 = 7.000; scholarships after a
    # JKK death 0,0001 × 0,5 × 20.000.000 = 1.000 → 135.000; × 1.000 workers = 135.000.000.
    assert list(out["benefits_rp"][:3]) == pytest.approx([135_000_000] * 3)
    # Year 4: the 1.000 covered since year 1 have 3 years of contributions, so JKM deaths carry
    # scholarships too: (0,002857 + 0,0001) × 0,5 × 20.000.000 = 29.571,4 → 163.571,4 a worker.
    assert out["benefits_rp"].iloc[3] == pytest.approx(163_571_428.6, rel=1e-6)
    # Low ends: 0,002 × 42 jt + 0,001 × 2 jt + 0,00005 × 70 jt + 0,00005 × 0,25 × 10 jt
    # = 84.000 + 2.000 + 3.500 + 125 = 89.625 a worker-year.
    assert out["benefits_low_rp"].iloc[0] == pytest.approx(89_625_000)
    # High ends: 0,004 × 42 jt + 0,003 × 5 jt + 0,0002 × 70 jt + 0,0002 × 0,75 × 174 jt
    # = 168.000 + 15.000 + 14.000 + 26.100 = 223.100 a worker-year.
    assert out["benefits_high_rp"].iloc[0] == pytest.approx(223_100_000)
    assert (out["benefits_low_rp"] <= out["benefits_rp"]).all()
    assert (out["benefits_rp"] <= out["benefits_high_rp"]).all()
    assert list(out["contributions_rp"]) == [201_600_000] * 4


def test_benefit_ratio_is_printed_as_a_range(params):
    log = load_assumptions(FIXTURES / "benefits_assumptions.yml")
    s = load("benefits", params)
    table = scenarios.benefits_table(s, scenarios.project(s), params=params, assumptions=log)
    per_1000 = pd.DataFrame({"metric": ["jkm_deaths", "total_rp"], "low": [2.0, 89_625_000],
                             "central": [2.857, 135_000_000], "high": [4.0, 223_100_000]})
    first, model = views.benefit_sentences(per_1000, table, "id")
    assert "2,00–4,00 (perkiraan utama 2,86) kematian JKM" in first
    # Four years of 201.600.000 = Rp806,4 juta of contributions. In year 4 JKM deaths carry
    # scholarships too. Low: 3 × 89.625.000 + 1.000 × (89.625 + 0,002 × 0,25 × 10.000.000 =
    # 94.625) = 363.500.000 → 0,45 per rupiah; central 3 × 135.000.000 + 163.571.428,6 =
    # 568.571.428,6 → 0,71; high 3 × 223.100.000 + 1.000 × (223.100 + 0,004 × 0,75 ×
    # 174.000.000 = 745.100) = 1.414.400.000 → 1,75.
    assert "Rp0,45–1,75 (perkiraan utama 0,71) per rupiah iuran" in model
    # A range whose ends print the same is one figure.
    assert views.span(5, 5, 5, "id") == "5"


def test_from_data_without_an_allocation_pays_nobody(params, fixture_data):
    # The fixture dbh_sawit table has a row for 12.22 only: a file reading DBH Sawit for 12.10
    # from the data gets no DBH money (allocation 0 every year), not an error.
    doc = {"regency": "12.10", "start_year": 2026, "years": 2,
           "target": {"segments": {"x": 100}},
           "funding": {"dbh_sawit": {"allocation_rp": "from_data",
                                     "share_of_allocation": {"assumption": "A13"},
                                     "eligible_workers": None}}}
    s = scenarios.scenario_from_dict(doc, params=params, assumptions=LOG, as_of=AS_OF)
    assert s.dbh_allocation_rp == [0.0, 0.0] and s.dbh_basis == {}
    assert list(scenarios.project(s)["dbh_workers"]) == [0, 0]
