"""The scenarios of the 33 North Sumatra kab/kota, on the shipped data (issue "Numbers a regent
can rely on"): the chances of success are not all equal, and the article regencies' scenarios
carry their official 2023 DBH Sawit allocations.

Expected figures are the allocations of data/raw/dbh_sawit.csv (PMK 91/2023 annex, 2023):
Dairi Rp8.513.744.000, Labuhanbatu Selatan Rp15.642.224.000, as the briefs print them.
"""

from __future__ import annotations

import math

import pytest

from analysis.data.tables import newest_fact_date, regencies
from analysis.model import scenarios
from analysis.views import scenarios as views


@pytest.fixture(scope="module")
def as_of() -> str:
    return newest_fact_date(None)


def test_the_probabilities_of_success_are_not_all_equal(as_of):
    codes = list(regencies("12")["regency_code"])
    assert len(codes) == 33
    firsts = []
    for code in codes:
        s = scenarios.resolve(code, years=5, as_of=as_of)
        firsts.append(float(scenarios.simulate(s, draws=400, seed=1).probability_of_target()
                            .iloc[0]))
    known = [p for p in firsts if not math.isnan(p)]
    # A probability only where the APBD spent today is known; they differ.
    assert known and all(0 <= p <= 1 for p in known)
    assert len({round(p, 2) for p in firsts if not math.isnan(p)} | {
        "unknown" for p in firsts if math.isnan(p)}) > 1


@pytest.mark.parametrize(("code", "official"), [("12.11", "Rp8,51 miliar"),
                                                ("12.22", "Rp15,64 miliar")])
def test_article_scenarios_show_the_2023_allocation(as_of, code, official):
    an = scenarios.analyse(scenarios.resolve(code, years=5, as_of=as_of), draws=300, seed=0)
    text = views.narrative(an, "id")
    assert f"alokasi resmi 2023: {official}" in text
