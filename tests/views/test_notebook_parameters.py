"""``notebook_parameters``: what papermill makes of ``-p NAME VALUE``, turned back into codes and
dates; what cannot be meant is refused with one message naming the parameter."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from analysis.core import config
from analysis.core.errors import UserError
from analysis.views.parameters import notebook_parameters


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (12.1, "12.10"),  # -p regency_code 12.10 → float 12.1 → two digits after the point
        (12.14, "12.14"),
        (12.7, "12.70"),
        (12.01, "12.01"),
        (1210, "1210"),  # a code without its point; resolve_regency reads it
        ("12.10", "12.10"),
        (" Labuhanbatu ", "Labuhanbatu"),
    ],
)
def test_regency_codes_arrive_as_text(given, expected):
    assert notebook_parameters(regency_code=given) == (expected,)
    assert notebook_parameters(regency=given) == (expected,)


@pytest.mark.parametrize(("given", "expected"), [(12, "12"), (12.0, "12"), ("12", "12")])
def test_province_codes_arrive_as_text(given, expected):
    assert notebook_parameters(province_code=given) == (expected,)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, None),
        ("2024-06-30", "2024-06-30"),
        (date(2024, 6, 30), "2024-06-30"),  # papermill -y "as_of: 2024-06-30" gives a date
        (datetime(2024, 6, 30, 8, 15), "2024-06-30"),
    ],
)
def test_dates_arrive_as_iso_text(given, expected):
    assert notebook_parameters(as_of=given) == (expected,)


def test_values_come_back_in_the_order_given():
    assert notebook_parameters(lang="en", draws=2000.0, seed=None, horizon=5) == (
        "en", 2000, None, 5,
    )


def test_a_relative_file_is_found_in_the_project_folder(tmp_path, monkeypatch):
    # JupyterLab runs a notebook in notebooks/: "data/scenarios/..." is the project's file.
    monkeypatch.chdir(tmp_path)
    (path,) = notebook_parameters(scenario_file="data/scenarios/12.10-labuhanbatu.yml")
    assert path == str(config.ROOT / "data" / "scenarios" / "12.10-labuhanbatu.yml")
    assert notebook_parameters(boundary_file=None) == (None,)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"regency_code": 12.105}, "regency_code: 12.105 is not a code; write it as text"),
        ({"regency_code": True}, "regency_code must be a code or a name"),
        ({"regency": ["12.10"]}, "regency must be a code or a name"),
        ({"regency_code": ""}, "regency_code must be a code or a name"),
        ({"as_of": 20240630}, "-r as_of 2024-06-30"),  # -p as_of 20240630 is a number
        ({"as_of": "30/06/2024"}, "as_of must be a date written YYYY-MM-DD"),
        ({"lang": "fr"}, "lang must be one of id, en"),
        ({"draws": 0}, "draws must be more than zero"),
        ({"horizon": "lima"}, "horizon must be a whole number"),
        ({"seed": -1}, "seed must be zero or more"),
        ({"scenario_file": "no/such.yml"}, "scenario_file: no such file"),
        ({"target_basis": 3}, "target_basis must be text"),
    ],
)
def test_what_cannot_be_meant_is_refused_naming_the_parameter(given, message):
    with pytest.raises(UserError, match="notebook parameter") as info:
        notebook_parameters(**given)
    assert message in str(info.value)


def test_an_unknown_name_is_a_programming_error():
    with pytest.raises(ValueError, match="no rule"):
        notebook_parameters(colour="red")
