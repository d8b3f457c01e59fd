"""The loaders: contract columns and dtypes, caching, copies, user rows, unknown tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import data
from analysis.core.errors import UserError, ValidationError
from analysis.data import tables
from analysis.data.schemas import SCHEMAS


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes()) for p in files}


def test_every_table_loads_with_contract_columns(fixture_data):
    before = _snapshot(fixture_data)
    for name, schema in SCHEMAS.items():
        table = data.load_table(name)
        assert list(table.columns) == schema.names, name
        assert len(table) > 0, name
    assert _snapshot(fixture_data) == before  # loaders never write into the raw folder


def test_dtypes(fixture_data):
    cov = data.load_table("coverage_facts")
    assert cov["area_code"].tolist() == ["12.14", "12.15"]  # codes stay text, "12.10" ≠ 12.1
    assert str(cov["workers"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(cov["date"])
    assert cov.loc[1, "period_start"] is pd.NaT
    assert cov["flag"].tolist() == ["UNCONFIRMED", ""]
    cases = data.load_table("payment_cases")
    assert str(cases["budget_rp"].dtype) == "Int64"
    assert cases.loc[0, "budget_rp"] == 1_003_766_400  # 4979 × 12 × 16800
    assert cases["per_worker_month_rp"].dtype == float
    pop = data.load_table("population_poverty")
    assert pop["regency_code"].iloc[0] == "12.10"
    assert pop["value"].iloc[0] == pytest.approx(7.84)
    assert pop["year"].dtype == "Int64"


def test_sources_join_both_files(fixture_data):
    ids = set(data.load_table("sources")["source_id"])
    assert ids == {"fx-news-nisel", "fx-bps-labuhanbatu", "ref-npm-idn-area-data-3.1.2",
                   "ref-github-cahyadsn-wilayah"}


def test_regencies_by_province(fixture_data):
    sumut = data.regencies()
    assert len(sumut) == 7
    assert sumut["regency_code"].tolist()[0] == "12.10"
    assert len(data.regencies(None)) == 9
    assert data.regencies("32")["name"].tolist() == ["Kabupaten Bekasi", "Kota Bekasi"]


def test_reading_is_cached_and_follows_changes(raw_copy):
    data.load_table("claims")
    misses = tables._read_text_table.cache_info().misses
    for _ in range(5):
        data.load_table("claims")
    assert tables._read_text_table.cache_info().misses == misses
    claims = raw_copy / "claims.csv"
    text = claims.read_text(encoding="utf-8").replace(",3,126000000,", ",4,168000000,")
    claims.write_text(text, encoding="utf-8")
    assert data.load_table("claims").loc[0, "cases"] == 4


def test_returned_tables_are_copies(fixture_data):
    table = data.load_table("dbh_sawit")
    table.loc[0, "amount_rp"] = 0
    assert data.load_table("dbh_sawit").loc[0, "amount_rp"] == 1_000_000_000


def test_user_rows_are_appended(fixture_data, tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    (user / "dbh_sawit.csv").write_text(
        "area_code,year,amount_rp,source_id,flag,note\n12.22,2024,2000000000,fx-news-nisel,,\n",
        encoding="utf-8",
    )
    assert len(data.load_table("dbh_sawit")) == 2
    assert data.load_table("dbh_sawit")["year"].tolist() == [2023, 2024]
    assert len(data.load_table("dbh_sawit", include_user=False)) == 1


def test_broken_user_table_names_its_file(fixture_data, tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    (user / "dbh_sawit.csv").write_text(
        "area_code,year,amount_rp,source_id,flag,note\n12.22,2024,-5,fx-news-nisel,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        data.load_table("dbh_sawit")
    expected = "user/dbh_sawit.csv, row 2, column amount_rp: -5 is below the minimum 0"
    assert expected in str(err.value)


def test_unknown_table(fixture_data):
    with pytest.raises(UserError, match="unknown table 'nope'"):
        data.load_table("nope")
