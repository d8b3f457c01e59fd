"""Figures of the five source articles, read straight from the raw CSVs with their sources.

Expected values are the numbers printed in the articles (shared/sources/articles/000-004); the
arithmetic that ties them together is worked by hand in the comments.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core import config


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(config.RAW / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return _raw("sources").set_index("source_id")


def _one(frame: pd.DataFrame, **where: str) -> pd.Series:
    """The single row matching every column=value pair."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    rows = frame[mask]
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    return rows.iloc[0]


def _check_source(row: pd.Series, sources: pd.DataFrame, article_file: str) -> None:
    """The row names a source that exists and points at the stored article (or its URL)."""
    assert row["source_id"], "empty source_id"
    assert row["source_id"] in sources.index
    source = sources.loc[row["source_id"]]
    assert source["publisher"] and source["date_published"]
    assert source["url"] == f"file:shared/sources/articles/{article_file}"


def test_labuhanbatu_registered_2024_10_17(sources):
    cov = _raw("coverage_facts")
    for segment, workers in (("pekerja_rentan", "5897"), ("perangkat_desa_bpd", "1529")):
        row = _one(cov, area_code="12.10", date="2024-10-17", segment=segment)
        assert row["workers"] == workers
        assert row["status"] == "registered"
        _check_source(row, sources, "004_f484f5e38beec389.txt")


def test_labuhanbatu_claims_to_october_2024(sources):
    claims = _raw("claims")
    jkm = _one(claims, area_code="12.10", period_end="2024-10-17", benefit="jkm")
    # 8 non-ASN + 4 perangkat desa + 1 BPD + 1 pekerja rentan desa = 14 JKM claims;
    # 14 × Rp42,000,000 (JKM death benefit) = Rp588,000,000, the "Rp 588 juta" of the article.
    assert jkm["cases"] == "14"
    assert int(jkm["amount_rp"]) == 588_000_000 == 14 * 42_000_000
    _check_source(jkm, sources, "004_f484f5e38beec389.txt")
    beasiswa = _one(claims, area_code="12.10", period_end="2024-10-17", benefit="beasiswa")
    assert beasiswa["cases"] == "3"
    assert int(beasiswa["amount_rp"]) == 187_500_000
    _check_source(beasiswa, sources, "004_f484f5e38beec389.txt")


def test_nias_selatan_target(sources):
    targets = _raw("declared_targets")
    row = _one(targets, area_code="12.14", date="2023-06-11")
    # 100 pekerja rentan per desa × 459 desa = 45,900 ("sekitar 45.900", hence ESTIMATE).
    assert int(row["target_workers"]) == 45_900 == 100 * 459
    assert "ESTIMATE" in row["flag"].split(";")
    _check_source(row, sources, "001_80174f63e9d03e19.txt")


def test_pakpak_bharat_2025_07_09(sources):
    cov = _raw("coverage_facts")
    article = cov[cov["source_id"] == "analisadaily-2025-07-09-pakpak-bharat-rakor"]
    expected = {
        "thl_non_asn": ("4979", "registered"),
        "perangkat_desa": ("498", "registered"),
        "palm_workers": ("890", "funded"),
    }
    for segment, (workers, status) in expected.items():
        row = _one(article, area_code="12.15", date="2025-07-09", segment=segment)
        assert (row["workers"], row["status"]) == (workers, status)
        _check_source(row, sources, "000_97d8eba54723400f.txt")
    assert _one(article, segment="palm_workers")["funding_source"] == "dbh_sawit"


def test_labuhanbatu_selatan_three_months_2022(sources):
    cases = _raw("payment_cases")
    row = _one(
        cases, case_id="ART-LABUSEL", year="2022", source_id="article-2022-10-05-labusel-mou"
    )
    assert row["workers"] == "2000"
    # October, November and December 2022 = 3 months.
    assert row["months"] == "3"
    assert (row["period_start"], row["period_end"]) == ("2022-10-01", "2022-12-31")
    assert row["package"] == "jkk-jkm"
    _check_source(row, sources, "003_b71622925eff07e0.txt")


def test_every_article_has_a_payment_case_id():
    ids = set(_raw("payment_cases")["case_id"])
    expected = {"ART-PAKPAK", "ART-NISEL", "ART-DAIRI", "ART-LABUSEL", "ART-LABUHANBATU"}
    assert expected <= ids
    assert {f"S{i}" for i in range(1, 31)} <= ids
