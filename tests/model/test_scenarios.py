"""Funding scenarios: allocation rules, legal caps, messages, reproducibility, validation.

Fixture scenario files live in tests/fixtures/scenarios (each states its hand arithmetic at the
top); rates come from the hand-written tests/fixtures/parameters, so Rp16.800 per worker-month
(1% × Rp1.000.000 + Rp6.800) and Rp201.600 per worker-year (× 12) hold in every test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analysis.cli import main
from analysis.core import config
from analysis.data.parameters import load_parameters
from analysis.model import dbh_sawit, scenarios
from analysis.views import scenarios as scenario_views

FIXTURES = Path(__file__).parents[1] / "fixtures"
SCEN = FIXTURES / "scenarios"
YEAR_RP = 201_600  # 16.800 × 12


@pytest.fixture(scope="module")
def params():
    return load_parameters(FIXTURES / "parameters")


def load(name: str, params) -> scenarios.Scenario:
    return scenarios.load_scenario(SCEN / f"{name}.yml", params=params)


# --- DBH Sawit: envelope and eligibility -----------------------------------------------------


def test_dbh_never_spends_more_than_the_envelope(params):
    s = load("envelope", params)
    table = scenarios.project(s)
    # Rp10.000.000 × 20% × 50% = Rp1.000.000; floor(1.000.000 / 201.600) = floor(4,96) = 4
    assert list(table["dbh_envelope_rp"]) == [1_000_000, 1_000_000]
    assert list(table["dbh_workers"]) == [4, 4]
    # 4 × 201.600 = 806.400 ≤ 1.000.000
    assert list(table["dbh_rp"]) == [806_400, 806_400]
    assert (table["dbh_rp"] <= table["dbh_envelope_rp"]).all()
    # The same envelope as the cost engine computes (other share at the legal cap).
    assert dbh_sawit.dbh_envelope(10_000_000, 0.5, "2025-01-01", params) == 1_000_000


def test_dbh_never_funds_more_palm_workers_than_eligible(params):
    s = load("eligible", params)
    table = scenarios.project(s)
    # Envelope 10.000.000.000 × 20% = 2.000.000.000 → 9.920 possible, but only 50 eligible.
    assert list(table["dbh_workers"]) == [50, 50, 50]
    sim = scenarios.simulate(s, draws=2_000, seed=1)
    # Lognormal allocation and target draws: never above the 50 eligible in any draw.
    assert sim.workers["dbh"].max() == 50
    assert (sim.workers["dbh"] <= sim.workers["target"]).all()


def test_dbh_in_simulation_stays_within_each_drawn_envelope(params):
    s = load("envelope", params)
    sim = scenarios.simulate(s, draws=500, seed=3)
    # No uncertainty on this allocation: the envelope is Rp1.000.000 in every draw → 4 workers.
    assert (sim.workers["dbh"] * YEAR_RP <= 1_000_000).all()
    assert (sim.workers["dbh"] == 4).all()


# --- messages when the target cannot be met --------------------------------------------------


def test_says_so_when_target_cannot_be_met(params):
    s = load("eligible", params)
    table = scenarios.project(s)
    # 1.000 target − 50 DBH − 100 APBD (20.160.000 / 201.600) = 850 short, × 201.600 = 171.360.000
    assert list(table["apbd_workers"]) == [100, 100, 100]
    assert list(table["gap_workers"]) == [850, 850, 850]
    assert table["gap_rp"].iloc[0] == 171_360_000
    messages = scenario_views.messages(table, "en")
    assert any(m.startswith("2025–2027: with the budgeted APBD the target of 1,000 workers is "
                            "not met; 850 workers short")
               for m in messages)
    assert any("only 50 palm workers are recorded as eligible" in m for m in messages)


# --- allocation order, partial first year, every source --------------------------------------


def test_allocation_order_and_partial_first_year(params):
    s = load("mixed", params)
    # 2025: 3 months → 16.800 × 3 = 50.400; 2026: 12 months → 201.600
    assert s.cost_per_worker_rp == [50_400, YEAR_RP]
    table = scenarios.project(s)
    # Target 1.000 × 0,5 = 500 (2025) and 1.000 (2026).
    assert list(table["target_workers"]) == [500, 1_000]
    # DBH: envelope 2025 = 1.000.000.000 × 0,2 × 0,5 = 100.000.000 (1.984 possible), 2026 =
    # 50.000.000 (248 possible): 40 eligible both years.
    assert list(table["dbh_workers"]) == [40, 40]
    # Province only named in 2026 (60), 0 in 2025; Dana Desa 10 villages × 5 = 50.
    assert list(table["province_workers"]) == [0, 60]
    assert list(table["dana_desa_workers"]) == [50, 50]
    # CSR expected: 2025 100 workers × 0,5 = 50; 2026 50 + 20.160.000 × 0,75 / 201.600 = 50 + 75.
    assert list(table["csr_workers"]) == [50, 125]
    # APBD fills the rest: 500 − 140 = 360; 1.000 − 275 = 725.
    assert list(table["apbd_workers"]) == [360, 725]
    assert list(table["gap_workers"]) == [0, 0]
    # Burden: 725 × 201.600 = 146.160.000 of Rp1 triliun = 0,014616%
    assert table["apbd_share_of_belanja"].iloc[1] == pytest.approx(146_160_000 / 1e12)


def test_apbd_only_with_enough_budget_reaches_target(params):
    s = load("apbd_only", params)
    table = scenarios.project(s)
    # 300 × 201.600 = 60.480.000 ≤ 100.000.000: every year fully covered.
    assert list(table["coverage"]) == [1.0, 1.0, 1.0]
    assert list(table["apbd_rp"]) == [60_480_000] * 3
    assert scenario_views.messages(table, "id") == []
    sim = scenarios.simulate(s, draws=200, seed=0)
    assert list(sim.probability_of_target()) == [1.0, 1.0, 1.0]


def test_variants_drop_the_sources(params):
    s = load("mixed", params)
    apbd_only = scenarios.variant(s, "apbd_only")
    table = scenarios.project(apbd_only)
    # Without the other sources the APBD pays for everyone: 500 and 1.000 workers.
    assert list(table["apbd_workers"]) == [500, 1_000]
    assert table[["dbh_workers", "csr_workers", "province_workers"]].to_numpy().sum() == 0


# --- recommended mix -------------------------------------------------------------------------


def test_recommended_mix_without_uncertainty(params):
    s = load("envelope", params)
    mix = scenarios.recommend_mix(s, prob=0.9, draws=300, seed=0)
    # DBH pays 4 of 100; APBD pays the other 96: 96 × 201.600 = 19.353.600 per year.
    assert [r["apbd_workers"] for r in mix["years"]] == [96, 96]
    assert [r["apbd_rp"] for r in mix["years"]] == [19_353_600, 19_353_600]
    assert [r["achieved_probability"] for r in mix["years"]] == [1.0, 1.0]
    # Headroom: social share 50% → 100% would add another Rp1.000.000 each year.
    assert mix["dbh_headroom_rp"] == [1_000_000, 1_000_000]


def test_recommended_mix_reaches_the_chosen_probability(params):
    s = load("mixed", params)
    mix = scenarios.recommend_mix(s, prob=0.9, draws=4_000, seed=5)
    for row in mix["years"]:
        assert row["achieved_probability"] >= 0.9
        assert sum(row["share"].values()) == pytest.approx(1.0)


# --- reproducibility -------------------------------------------------------------------------


def test_same_file_and_seed_give_identical_numbers(params):
    first = scenarios.simulate(load("mixed", params), draws=3_000, seed=42)
    second = scenarios.simulate(load("mixed", params), draws=3_000, seed=42)
    for key in first.workers:
        assert np.array_equal(first.workers[key], second.workers[key])
    # To the rupiah: the APBD spent in every draw and year.
    assert np.array_equal(first.metric("apbd_rp"), second.metric("apbd_rp"))


def test_different_seed_changes_the_draws(params):
    a = scenarios.simulate(load("eligible", params), draws=3_000, seed=1)
    b = scenarios.simulate(load("eligible", params), draws=3_000, seed=2)
    assert not np.array_equal(a.workers["target"], b.workers["target"])


def test_batch_equals_stacked_shapes(params):
    batch = [load("envelope", params), load("mixed", params)]
    result = scenarios.simulate_batch(batch, draws=100, seed=0)
    assert result.workers["covered"].shape == (2, 100, 2)
    assert result.regencies == ["12.10", "12.22"]


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "where", "words"),
    [
        ("bad_negative_budget", "funding.apbd.budget_rp", "must be 0 or more, got -5000000"),
        ("bad_probability", "funding.csr[1].probability", "must be at most 1, got 1.5"),
        ("bad_regency", "regency", "Atlantis"),
        ("bad_dbh_share", "funding.dbh_sawit.other_share", "above the legal cap"),
        ("bad_missing_years", "years", "missing"),
    ],
)
def test_bad_files_give_one_clear_message(params, name, where, words):
    with pytest.raises(scenarios.ScenarioError) as info:
        load(name, params)
    message = str(info.value)
    assert message.startswith(str(SCEN / f"{name}.yml") + f": {where}: ")
    assert words in message


def test_cli_bad_file_exits_2(capsys):
    code = main(["scenario", str(SCEN / "bad_probability.yml")])
    assert code == 2
    err = capsys.readouterr().err
    assert "funding.csr[1].probability" in err
    assert "Traceback" not in err


# --- shipped scenario files ------------------------------------------------------------------

SHIPPED = sorted(config.SCENARIOS.glob("*.yml"))


def test_the_five_article_regencies_have_files():
    codes = {p.name.split("-")[0] for p in SHIPPED}
    assert {"12.10", "12.11", "12.14", "12.15", "12.22"} <= codes


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_load_and_project(path):
    s = scenarios.load_scenario(path)
    table = scenarios.project(s)
    assert len(table) == s.years
    # Palm workers nobody counted (NaN) are not eligible: DBH Sawit pays nobody then.
    assert (table["dbh_workers"] <= table["eligible_palm_workers"].fillna(0)).all()
    assert (table["dbh_rp"] <= table["dbh_envelope_rp"]).all()
    sim = scenarios.simulate(s, draws=200, seed=0)
    assert sim.workers["covered"].shape == (1, 200, s.years)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_numbers_carry_a_source_assumption_or_choice(path):
    s = scenarios.load_scenario(path)
    for p in s.provenance:
        if p["value"] is None:
            # A named placeholder (no figure exists): it must say what is missing.
            assert p["note"], f"{path.name}: {p['path']} is None without a note"
            continue
        assert p["source"] or p["assumption"] or p["choice"], f"{path.name}: {p['path']}"


def test_cli_json_and_text(capsys):
    path = scenarios.scenario_file_for("12.10")
    assert main(["scenario", str(path), "--json", "--draws", "300", "--seed", "7"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["regency_code"] == "12.10"
    assert len(out["years"]) == len(out["simulation"]["probability_of_target"])
    assert main(["scenario", str(path), "--draws", "300", "--lang", "en"]) == 0
    assert "APBD needed from budget year" in capsys.readouterr().out


def test_default_scenario_for_a_regency_without_a_file(params):
    s = scenarios.default_scenario("12.14", 2027, 3, params=params)
    # Nias Selatan: 459 desa × 100 = 45.900 (regencies table × targets.workers_per_desa).
    assert s.target == [45_900] * 3
    assert s.solve_apbd
    table = scenarios.project(s)
    assert (table["gap_workers"] == 0).all()


def test_messages_repeated_in_consecutive_years_are_merged():
    values = (("gap", "10"),)
    items = [(2024, "k", values), (2025, "k", values), (2026, "k", values),
             (2028, "k", values), (2025, "other", ())]
    merged = scenario_views._merge_years(items)
    assert merged == [("2024–2026", "k", values), ("2025", "other", ()), ("2028", "k", values)]


def test_fan_metric_follows_an_open_apbd(params):
    # With the APBD left open it fills every gap, so coverage is 100% by construction and the
    # fan chart shows the APBD needed instead.
    s = load("eligible", params)
    assert scenarios.fan_metric(s) == ("apbd_rp" if s.solve_apbd else "coverage")
    assert scenarios.fan_metric(scenarios.default_scenario("12.14", 2027, 3)) == "apbd_rp"
