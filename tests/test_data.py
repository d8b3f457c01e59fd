"""The data layer: raw sidecars, loaders and their dtypes, regency names, validation messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import data
from analysis.cli import main
from analysis.core import config
from analysis.core.errors import UserError, ValidationError
from analysis.validation import SCHEMAS, labels_for, validate

FIXTURES = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture
def fixture_data(monkeypatch, tmp_path):
    """Point the loaders at the hand-written fixture tables and an empty user folder."""
    monkeypatch.setattr(config, "RAW", FIXTURES)
    monkeypatch.setenv("PEKERJA_RENTAN_USER_DATA", str(tmp_path / "user"))
    return FIXTURES


@pytest.fixture
def raw_copy(monkeypatch, tmp_path):
    """A writable copy of the fixture tables as the raw folder."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw)
    monkeypatch.setattr(config, "RAW", raw)
    monkeypatch.setenv("PEKERJA_RENTAN_USER_DATA", str(tmp_path / "user"))
    return raw


# --- The shipped raw data -------------------------------------------------------------------------


def test_every_raw_csv_has_a_complete_sidecar_with_matching_sha256():
    files = data.raw_files()
    assert all(f.csv.parent == config.RAW for f in files)
    assert data.verify_checksums(fields=True) == []


def test_fixture_sidecars_are_complete_and_match():
    assert len(data.raw_files(FIXTURES)) == 14
    assert data.verify_checksums(FIXTURES, fields=True) == []


def test_changed_raw_file_fails_its_checksum(raw_copy):
    with open(raw_copy / "dbh_sawit.csv", "a", encoding="utf-8") as fh:
        fh.write("12.10,2023,5,fx-bps-labuhanbatu,,\n")
    problems = data.verify_checksums()
    assert len(problems) == 1
    assert "dbh_sawit.csv" in problems[0] and "does not match" in problems[0]


def test_missing_sidecar_and_field_are_reported(raw_copy):
    (raw_copy / "apbd.csv.meta.yml").unlink()
    meta_path = raw_copy / "claims.csv.meta.yml"
    meta = yaml.safe_load(meta_path.read_text())
    del meta["licence"]
    meta_path.write_text(yaml.safe_dump(meta))
    problems = data.verify_checksums(fields=True)
    assert any("apbd.csv: no sidecar" in p for p in problems)
    assert any("claims.csv.meta.yml: missing fields licence" in p for p in problems)


def test_shipped_names_resolve_to_their_codes():
    for row in data.load_table("regency_aliases").itertuples(index=False):
        assert data.resolve_regency(row.alias) == row.regency_code, row.alias
    sumut = data.regencies("12")
    assert len(sumut) == 33  # 25 kabupaten + 8 kota
    for row in sumut.itertuples(index=False):
        for name in (row.name, row.short_name, row.name.upper()):
            assert data.resolve_regency(name) == row.regency_code, name
    assert data.resolve_regency("Kab. Labusel") == "12.22"
    assert data.resolve_regency("LABUHAN BATU SELATAN") == "12.22"
    assert data.resolve_regency("Kabupaten Toba Samosir") == "12.12"


def test_shipped_dataset_is_valid():
    report = data.check_dataset(include_user=False)
    assert report.ok, "\n".join(report.problems[:20])


# --- Loaders --------------------------------------------------------------------------------------


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
    assert ids == {"fx-news-nisel", "fx-bps-labuhanbatu", "ref-npm-idn-area-data-3.1.2"}


def test_regencies_by_province(fixture_data):
    sumut = data.regencies()
    assert len(sumut) == 7
    assert sumut["regency_code"].tolist()[0] == "12.10"
    assert len(data.regencies(None)) == 9
    assert data.regencies("32")["name"].tolist() == ["Kabupaten Bekasi", "Kota Bekasi"]


def test_reading_is_cached_and_follows_changes(raw_copy):
    data.load_table("claims")
    misses = data._read_text_table.cache_info().misses
    for _ in range(5):
        data.load_table("claims")
    assert data._read_text_table.cache_info().misses == misses
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


# --- Regency names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Labuhanbatu Selatan", "12.22"),
        ("LABUHAN BATU SELATAN", "12.22"),
        ("Kab. Labusel", "12.22"),
        ("Kabupaten Labuhanbatu Selatan", "12.22"),
        ("Kabupaten Toba Samosir", "12.12"),  # former name, via the alias list
        ("Toba", "12.12"),
        ("Pemkab Nisel", "12.14"),
        ("Kota Medan", "12.71"),
        ("medan", "12.71"),
        ("Medan City", "12.71"),
        ("12.14", "12.14"),
        ("1214", "12.14"),
        ("Kota Bekasi", "32.75"),
        ("Kab. Bekasi", "32.16"),
    ],
)
def test_resolve_regency(fixture_data, name, code):
    assert data.resolve_regency(name) == code


def test_resolve_regency_failures(fixture_data):
    with pytest.raises(data.AmbiguousRegency, match="32.16 Kabupaten Bekasi, 32.75 Kota Bekasi"):
        data.resolve_regency("Bekasi")
    with pytest.raises(data.UnknownRegency, match="did you mean .*Kabupaten Labuhanbatu Selatan"):
        data.resolve_regency("Labuhanbatu Selatn")
    with pytest.raises(data.UnknownRegency, match="in province 32"):
        data.resolve_regency("Medan", province="32")
    assert issubclass(data.UnknownRegency, UserError)


def test_resolve_regency_by_province_filter(fixture_data):
    assert data.resolve_regency("Dairi", province="12") == "12.11"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Sumatera Utara", "12"),
        ("Provinsi Sumut", "12"),
        ("12", "12"),
        ("Indonesia", "ID"),
        ("ID", "ID"),
        ("Kab. Dairi", "12.11"),
    ],
)
def test_resolve_area(fixture_data, name, code):
    assert data.resolve_area(name) == code


# --- Validation messages --------------------------------------------------------------------------


def _frame(csv: str) -> pd.DataFrame:
    from io import StringIO

    return pd.read_csv(StringIO(csv), dtype=str, keep_default_na=False)


def _problems(name: str, csv: str) -> list[str]:
    frame = _frame(csv)
    refs = data.references()
    labels = labels_for("x.csv", len(frame))
    return [str(p) for p in validate(frame, SCHEMAS[name], labels, refs, file="x.csv")]


HEAD = "fact_id,area_code,date,date_precision,segment,workers,programmes,funding_source,"
HEAD += "period_start,period_end,status,source_id,flag,note\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "F9,12.14,2024-01-01,day,pekerja_rentan,-5,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column workers: -5 is below the minimum 0",
        ),
        (
            "F9,12.99,2024-01-01,day,pekerja_rentan,5,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column area_code: area code '12.99' is neither a regency",
        ),
        (
            "F9,12.14,2024-02-30,day,pekerja_rentan,5,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column date: '2024-02-30' is not a calendar date",
        ),
        (
            "F9,12.14,01/02/2024,day,pekerja_rentan,5,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column date: '01/02/2024' is not an ISO date YYYY-MM-DD",
        ),
        (
            "F9,12.14,2024-01-01,day,nelayan,5,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column segment: 'nelayan' is not one of: pekerja_rentan",
        ),
        (
            "F9,12.14,2024-01-01,day,fishers,5,,,,,,nowhere,,",
            "x.csv, row 3, column source_id: source_id 'nowhere' is not in sources.csv",
        ),
        (
            "F9,12.14,2024-01-01,day,fishers,5,,,,,,fx-news-nisel,MAYBE,",
            "x.csv, row 3, column flag: unknown flag 'MAYBE'",
        ),
        (
            "F9,12.14,2024-01-01,day,fishers,4.979,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column workers: '4.979' is not a whole number",
        ),
        (
            "F9,12.14,2024-01-01,day,fishers,5,,,2024-12-01,2024-01-31,,fx-news-nisel,,",
            "x.csv, row 3, column period_end: 2024-01-31 is before period_start 2024-12-01",
        ),
        (
            "F1,12.14,2024-01-01,day,fishers,5,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column fact_id: same fact_id='F1' as row 2",
        ),
        (
            "F9,12.14,2024-05-12,month,fishers,5,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column date: precision month: write 2024-05-01, not 2024-05-12",
        ),
        (
            "F9,,2024-01-01,day,fishers,5,,,,,,fx-news-nisel,,",
            "x.csv, row 3, column area_code: a value is required",
        ),
    ],
)
def test_validation_messages(fixture_data, row, message):
    good = "F1,12.14,2024-01-01,day,pekerja_rentan,5,,,,,,fx-news-nisel,,\n"
    problems = _problems("coverage_facts", HEAD + good + row + "\n")
    assert len(problems) == 1, problems
    assert problems[0].startswith(message)


def test_validation_of_periods_months_and_percentages(fixture_data):
    head = "area_code,period,indicator,value,source_id,flag,note\n"
    problems = _problems(
        "labour_force",
        head + "12,2024-13,employed,5,fx-news-nisel,,\n"
        "12,2024-01,informal_share_pct,140,fx-news-nisel,,\n",
    )
    assert problems == [
        "x.csv, row 2, column period: month 13 in '2024-13' is outside 1–12",
        "x.csv, row 3, column value: 140 is above 100 for informal_share_pct",
    ]
    head = ",".join(SCHEMAS["payment_cases"].names) + "\n"
    problems = _problems("payment_cases", head + "S1,12,12.14,2024,,10,13,,,,,,,fx-news-nisel,,\n")
    assert problems == ["x.csv, row 2, column months: 13 is above the maximum 12"]


def test_validation_of_columns_and_duplicates(fixture_data):
    head = "area_code,year,amount_rp,source_id,flag\n"
    assert _problems("dbh_sawit", head + "12,2023,5,fx-news-nisel,\n") == [
        "x.csv, column note: required column is missing"
    ]
    head = "area_code,year,amount_rp,source_id,flag,note\n"
    row = "12,2023,5,fx-news-nisel,,\n"
    assert _problems("dbh_sawit", head + row + row) == [
        "x.csv, row 3: duplicates row 2 (every column equal)"
    ]
    assert _problems("dbh_sawit", head) == ["x.csv: no data rows below the header"]


def test_validation_error_gives_one_message_and_keeps_all():
    from analysis.validation import Problem

    err = ValidationError([Problem("a.csv", 2, "x", "bad"), Problem("a.csv", 3, "y", "bad")])
    assert str(err) == "a.csv, row 2, column x: bad (and 1 more problem)"
    assert len(err.problems) == 2


# --- The dataset check ----------------------------------------------------------------------------


def test_check_dataset_on_fixtures(fixture_data):
    report = data.check_dataset()
    assert report.ok, report.problems
    assert report.rows["regencies"] == 9
    assert report.flags["CONFLICT"] == 2  # the two Labuhanbatu population rows
    assert report.flags["UNCONFIRMED"] == 2  # one population row, one coverage fact


def test_data_check_cli_on_fixtures(fixture_data, capsys):
    assert main(["data", "check"]) == 0
    out = capsys.readouterr().out
    assert "UNCONFIRMED: 2" in out and "CONFLICT: 2" in out
    assert "coverage_facts" in out


def test_data_check_cli_fails_on_broken_raw_table(raw_copy, capsys):
    path = raw_copy / "claims.csv"
    path.write_text(path.read_text().replace(",jkm,", ",jkx,"), encoding="utf-8")
    assert main(["data", "check"]) == 2
    err = capsys.readouterr().err
    assert "claims.csv, row 2, column benefit: 'jkx' is not one of" in err
    assert "sha256" in err  # the sidecar no longer matches either
