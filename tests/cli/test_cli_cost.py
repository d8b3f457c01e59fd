"""``python -m analysis cost``: the three budget questions, output formats and bad arguments.

The command is run in-process through ``analysis.cli.main`` with the rates of the hand-written
fixture (tests/fixtures/parameters), so answers do not depend on the shipped parameters.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.core import config

FIXTURE = Path(__file__).parents[1] / "fixtures" / "parameters"


@pytest.fixture(autouse=True)
def fixture_rates(monkeypatch):
    monkeypatch.setattr(config, "PARAMETERS", FIXTURE)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["cost", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_budget_in_indonesian(capsys):
    # 2.500 × 7 × 16.800 = 294.000.000
    code, out, _ = run(capsys, "--workers", "2.500", "--months", "7", "--on", "2023-06-15")
    assert code == 0
    assert out.splitlines()[0] == (
        "Anggaran: Rp294.000.000 (Rp294 juta) untuk 2.500 pekerja × 7 bulan, "
        "paket JKK+JKM Rp16.800/pekerja/bulan"
    )


def test_budget_in_english(capsys):
    code, out, _ = run(capsys, "--workers", "2500", "--months", "7", "--lang", "en")
    assert code == 0
    assert out.startswith("Budget: Rp294,000,000 (Rp294 million) for 2,500 workers × 7 months")


def test_months_from_an_indonesian_budget(capsys):
    # "Rp 294 juta" / (2.500 × 16.800) = 7
    code, out, _ = run(capsys, "--budget", "Rp 294 juta", "--workers", "2500", "--json")
    assert code == 0
    assert json.loads(out)["months"] == 7


def test_workers_from_budget_and_months(capsys):
    # 294.000.000 / (7 × 16.800) = 2.500
    code, out, _ = run(capsys, "--budget", "294.000.000", "--months", "7", "--json")
    assert code == 0
    assert json.loads(out)["workers"] == 2_500


def test_json_keys_and_rounding_down(capsys):
    # 1.000.000 / 16.800 = 59,5 → 59 workers
    code, out, _ = run(capsys, "--budget", "1.000.000", "--months", "1", "--json")
    assert code == 0
    answer = json.loads(out)
    documented = {"mode", "label", "cost_rp", "remainder_rp", "basis_rp", "on", "shortfall_rp",
                  "near_whole"}
    required = {"budget_rp", "workers", "months", "package", "per_worker_month_rp",
                "months_exact", "workers_exact"}
    assert required <= set(answer) <= required | documented
    assert (answer["budget_rp"], answer["workers"], answer["months"]) == (1_000_000, 59, 1)
    assert (answer["package"], answer["per_worker_month_rp"]) == ("jkk-jkm", 16_800)


def test_a_fraction_of_a_month_is_said_in_words(capsys):
    # Kotawaringin Timur 2024: 4.400 × 16.800 = 73.920.000 a month; 739.122.000 / 73.920.000
    # = 9,99894 months: 9 whole months, and 10 × 73.920.000 = 739.200.000 is Rp78.000 more than
    # the budget. 78.000 / 73.920.000 = 0,11% of a month, under the 1% tolerance.
    code, out, _ = run(capsys, "--budget", "739122000", "--workers", "4400", "--on",
                       "2024-06-01")
    assert code == 0
    lines = out.splitlines()
    assert "membiayai 9 bulan penuh untuk 4.400 pekerja" in lines[0]
    # Rounded down to two decimals: 9,99, never "10,00".
    assert lines[1] == "Tepatnya 9,99 bulan; kurang Rp78.000 untuk 10 bulan penuh"
    assert "dihitung untuk 10 bulan" in lines[2]


def test_json_gives_the_exact_fraction_beside_the_whole_numbers(capsys):
    # Same budget: months_exact = 739.122.000 / 73.920.000 = 9,998944805...
    code, out, _ = run(capsys, "--budget", "739122000", "--workers", "4400", "--on",
                       "2024-06-01", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["months"] == 9
    assert answer["months_exact"] == pytest.approx(739_122_000 / 73_920_000)
    assert answer["workers_exact"] == 4_400
    assert answer["shortfall_rp"] == 78_000
    assert answer["near_whole"] is True
    # Medan S4: Rp2,3 miliar for 11.797 workers: 11.797 × 16.800 = 198.189.600 a month;
    # 2.300.000.000 / 198.189.600 = 11,605 months; 12 × 198.189.600 = 2.378.275.200, so
    # Rp78.275.200 short of 12 months (39% of a month: not a rounding).
    code, out, _ = run(capsys, "--budget", "2300000000", "--workers", "11797", "--on",
                       "2023-06-01", "--json")
    answer = json.loads(out)
    assert (answer["months"], answer["shortfall_rp"], answer["near_whole"]) == (
        11, 78_275_200, False)
    assert answer["months_exact"] == pytest.approx(11.605, abs=5e-4)


def test_a_fraction_of_a_worker(capsys):
    # 1.000.000 / 16.800 = 59,52 workers for 1 month; 60 × 16.800 = 1.008.000: Rp8.000 short.
    code, out, _ = run(capsys, "--budget", "1.000.000", "--months", "1", "--json")
    answer = json.loads(out)
    assert answer["workers"] == 59
    assert answer["workers_exact"] == pytest.approx(1_000_000 / 16_800)
    assert answer["shortfall_rp"] == 8_000
    code, out, _ = run(capsys, "--budget", "1.000.000", "--months", "1", "--lang", "en")
    assert "Exactly 59.52 workers; Rp8,000 short of 60 workers" in out


def test_an_exact_budget_has_no_fraction(capsys):
    # 294.000.000 / (2.500 × 16.800) = 7 exactly: nothing short, no fraction sentence.
    code, out, _ = run(capsys, "--budget", "Rp 294 juta", "--workers", "2500")
    assert "Tepatnya" not in out
    code, out, _ = run(capsys, "--budget", "Rp 294 juta", "--workers", "2500", "--json")
    answer = json.loads(out)
    assert (answer["months_exact"], answer["shortfall_rp"]) == (7.0, 0)


def test_billions_with_a_decimal_comma(capsys):
    # "Rp 1,5 miliar" / (12 × 16.800 = 201.600) = 7.440,5 → 7.440
    code, out, _ = run(capsys, "--budget", "Rp 1,5 miliar", "--months", "12", "--json")
    assert code == 0
    assert json.loads(out)["workers"] == 7_440


@pytest.mark.parametrize("budget", ["Rp 1,2 M", "1,2 M", "Rp1,2M", "1,2 miliar", "1.200 jt"])
def test_miliar_shorthand_m(capsys, budget):
    # "M" in Indonesian budgets is miliar: Rp1,2 miliar / (12 × 16.800 = 201.600) = 5.952,38
    # → 5.952 workers. "1.200 jt" is the same amount in juta (1.200 × 10^6).
    code, out, _ = run(capsys, "--budget", budget, "--months", "12", "--json")
    assert code == 0
    assert json.loads(out)["workers"] == 5_952


def test_lower_case_m_is_refused_with_the_spelling_to_use(capsys):
    code, out, err = run(capsys, "--budget", "Rp 1,2 m", "--months", "12")
    assert code == 2 and out == ""
    assert "write M for miliar, jt for juta" in err


def test_pu_package_with_a_wage(capsys):
    # Dairi 2023: 2.814 × 12 × (0,54% × 2.539.444 = 13.713) = 463.060.584
    code, out, _ = run(
        capsys, "--workers", "2814", "--months", "12", "--package", "pu-jkk-jkm",
        "--wage", "2.539.444", "--json",
    )
    assert code == 0
    assert json.loads(out)["budget_rp"] == 463_060_584


@pytest.mark.parametrize(
    "args",
    [
        ["--workers", "100"],
        ["--budget", "1 juta"],
        ["--budget", "1 juta", "--workers", "5", "--months", "2"],
        ["--workers", "0", "--months", "3"],
        ["--workers", "-5", "--months", "3"],
        ["--workers", "10", "--months", "0"],
        ["--budget", "-1000", "--months", "3"],
        ["--budget", "banyak", "--months", "3"],
        ["--workers", "10", "--months", "3", "--package", "jkn"],
        ["--workers", "10", "--months", "3", "--package", "pu-jkk-jkm"],
        ["--workers", "10", "--months", "3", "--on", "kemarin"],
    ],
)
def test_bad_arguments_exit_2_with_one_message(capsys, args):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error:")


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["cost", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "--budget" in text and "Rp 1,5 miliar" in text
