"""Benefit side: expected deaths, accidents and payouts, and observed claims set beside them.

Rates come from the fixtures tests/fixtures/parameters (benefit amounts as in the facts file)
and tests/fixtures/benefits_assumptions.yml (A03 = the Toba rate, 40 deaths / (7.000 × 2)
worker-years; the other values are round test numbers). Expected values are worked by hand.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import UserError
from analysis.data.parameters import load_assumptions, load_parameters
from analysis.model import benefits

FIXTURES = Path(__file__).parents[1] / "fixtures"
ON = "2024-01-01"


@pytest.fixture(scope="module")
def params():
    return load_parameters(FIXTURES / "parameters")


@pytest.fixture(scope="module")
def log():
    return load_assumptions(FIXTURES / "benefits_assumptions.yml")


@pytest.fixture(scope="module")
def toba(params, log):
    # 7.000 workers covered for 2 years = 14.000 worker-years
    return benefits.expected_benefits(7_000, 2, on=ON, params=params, assumptions=log)


def test_toba_calibration_gives_back_40_deaths(toba):
    # 14.000 worker-years × 40/14.000 = 40 deaths (by construction of A03)
    assert toba["jkm"]["deaths"] == pytest.approx(40)
    assert toba["jkm"]["assumptions"] == ["A03"]


def test_jkm_payout_is_42_juta_per_death(toba):
    # 40 × Rp42.000.000 = Rp1.680.000.000
    assert toba["jkm"]["payout_rp"] == pytest.approx(1_680_000_000)


def test_jkk_accidents_and_deaths(toba):
    # accidents 14.000 × 0,002 = 28; paid 28 × 3.500.000 = 98.000.000
    assert toba["jkk"]["accidents"] == pytest.approx(28)
    assert toba["jkk"]["other_payout_rp"] == pytest.approx(98_000_000)
    # deaths 14.000 × 0,0001 = 1,4; each 48 × 1.000.000 + 12.000.000 + 10.000.000 = 70.000.000
    # (the "Rp70 juta" quoted for a work-accident death at the Rp1 juta basis)
    assert toba["jkk"]["deaths"] == pytest.approx(1.4)
    assert toba["jkk"]["death_payout_rp"] == pytest.approx(98_000_000)


def test_no_jkm_scholarships_before_three_years(toba):
    # years 1–2 of a new programme: JKM deaths carry no scholarship; only the 1,4 JKK deaths do:
    # 1,4 × 0,5 uptake × 20.000.000 = 14.000.000
    assert toba["beasiswa"]["eligible_deaths"] == pytest.approx(1.4)
    assert toba["beasiswa"]["payout_rp"] == pytest.approx(14_000_000)


def test_scholarships_after_three_prior_years(params, log):
    # 3 prior years: both programme years eligible → 40 JKM + 1,4 JKK = 41,4 deaths;
    # 41,4 × 0,5 × 20.000.000 = 414.000.000
    result = benefits.expected_benefits(
        7_000, 2, on=ON, prior_contribution_years=3, params=params, assumptions=log
    )
    assert result["beasiswa"]["eligible_deaths"] == pytest.approx(41.4)
    assert result["beasiswa"]["payout_rp"] == pytest.approx(414_000_000)


def test_eligible_years():
    # years 4 and 5 of a 5-year programme have 3 full years behind them
    assert benefits.eligible_worker_years(5, 0, 3) == 2
    assert benefits.eligible_worker_years(2, 0, 3) == 0
    assert benefits.eligible_worker_years(2, 5, 3) == 2


def test_total_and_ratio(toba):
    # 1.680.000.000 + 98.000.000 + 98.000.000 + 14.000.000 = 1.890.000.000
    # contributions 14.000 × 12 × 16.800 = 2.822.400.000; ratio 1,89 / 2,8224 = 0,6696
    assert toba["contributions_rp"] == 2_822_400_000
    assert toba["total_rp"] == pytest.approx(1_890_000_000)
    assert toba["benefit_contribution_ratio"] == pytest.approx(1_890_000_000 / 2_822_400_000)
    # A10: the lowest income basis is used because no income was given
    assert toba["assumptions"] == ["A03", "A04", "A05", "A06", "A10", "A11", "A12"]
    assert toba["missing"] == []


def test_low_central_high(params, log):
    table = benefits.benefit_range(7_000, 2, on=ON, params=params, assumptions=log)
    deaths = table.set_index("metric").loc["jkm_deaths"]
    # 14.000 × 0,002 = 28; × 40/14.000 = 40; × 0,004 = 56
    assert (deaths["low"], deaths["central"], deaths["high"]) == pytest.approx((28, 40, 56))
    assert deaths["assumptions"] == "A03"


def test_missing_assumption_is_reported_not_invented(params, log):
    partial = {k: v for k, v in log.items() if k != "A11"}
    result = benefits.expected_benefits(7_000, 1, on=ON, params=params, assumptions=partial)
    assert result["jkk"]["other_payout_rp"] is None
    assert result["missing"] == ["jkk_claim_cost_rp (A11)"]
    assert benefits.check_assumptions(partial) == ["jkk_claim_cost_rp (A11)"]


def test_pu_packages_are_refused(params, log):
    with pytest.raises(UserError, match="BPU"):
        benefits.expected_benefits(
            10, 1, package="pu-jkk-jkm", on=ON, params=params, assumptions=log
        )


def _claims() -> pd.DataFrame:
    # Hand-written rows in the shape of the claims table (values from the facts file).
    return pd.DataFrame(
        {
            "area_code": ["12.12", "12.12", "12.10"],
            "period_start": pd.to_datetime(["2023-01-01", "2024-01-01", "2024-01-01"]),
            "period_end": pd.to_datetime(["2024-12-31", "2024-12-31", "2024-12-31"]),
            "benefit": ["jkm", "jkm", "jkm"],
            "cases": pd.array([40, 113, pd.NA], dtype="Int64"),
            "amount_rp": pd.array([pd.NA, 4_700_000_000, 405_000_000], dtype="Int64"),
            "covered_context": ["7.000 APBD workers", "all Toba participants", "aparatur desa"],
            "source_id": ["s-a", "s-b", "s-c"],
            "flag": ["", "ESTIMATE", ""],
            "note": ["", "", ""],
        }
    )


def test_observed_claims_filters_the_area():
    rows = benefits.observed_claims("12.12", _claims())
    assert list(rows["cases"]) == [40, 113]
    assert benefits.observed_claims("12.99", _claims()).empty


def test_compare_shows_model_and_observed_side_by_side(params, log):
    table = benefits.compare_with_observed(
        "12.12", 7_000, 2, claims=_claims(), on=ON, params=params, assumptions=log
    )
    model = table[table["kind"] == "model"].iloc[0]
    # model: 40 deaths, 40 × 42.000.000 = 1.680.000.000; range 28–56 deaths
    assert model["cases"] == pytest.approx(40)
    assert model["amount_rp"] == pytest.approx(1_680_000_000)
    assert (model["cases_low"], model["cases_high"]) == pytest.approx((28, 56))
    observed = table[table["kind"] == "observed"]
    # both Toba rows are kept as published, including the branch-wide 113 that does not agree
    assert sorted(observed["cases"]) == [40, 113]
    assert set(observed["covered_context"]) == {"7.000 APBD workers", "all Toba participants"}


def test_shipped_death_rate_reproduces_toba():
    # the calibration check on the shipped log: 7.000 × 2 worker-years × A03 ≈ 40 deaths
    rate = float(load_assumptions()[benefits.ASSUMPTION_IDS["jkm_death_rate"]]["value"])
    assert 7_000 * 2 * rate == pytest.approx(40, rel=0.01)


def _claim_periods(rows):
    return pd.DataFrame(rows, columns=["period_start", "period_end", "source_id"])


def test_overlapping_sources_are_those_whose_periods_share_days():
    # Labuhanbatu's shape: a calendar-year JKM total (X), a count "up to 17 October 2024" with
    # no start date (Y), an older row (Z) that only the open start of Y can reach, and a second
    # row of X itself (rows of one source never count against each other).
    claims = _claim_periods([
        ("2024-01-01", "2024-12-31", "X"),
        (None, "2024-10-17", "Y"),
        ("2023-01-01", "2023-06-30", "Z"),
        ("2024-01-01", "2024-12-31", "X"),
    ])
    assert benefits.overlapping_sources(claims) == ["X", "Y", "Z"]


def test_claims_of_separate_periods_do_not_overlap():
    claims = _claim_periods([
        ("2023-01-01", "2023-12-31", "X"),
        ("2024-01-01", "2024-12-31", "Y"),
        ("2023-03-01", "2023-09-30", "X"),
    ])
    assert benefits.overlapping_sources(claims) == []
