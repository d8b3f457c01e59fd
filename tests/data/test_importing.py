"""Import of user files: Indonesian formats, regency names, sources, and refusal of bad input."""

from __future__ import annotations

import hashlib
import os
import shlex
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import data
from analysis.cli import main
from analysis.core.errors import UserError, ValidationError
from analysis.data import importing, provenance

FIXTURES = Path(__file__).parents[1] / "fixtures"
GOOD = FIXTURES / "data" / "import"
BAD = FIXTURES / "bad"
SOURCE = [
    "--source-url",
    "https://example.org/peserta-2024",
    "--publisher",
    "BPJS Ketenagakerjaan Cabang Rantauprapat",
    "--date",
    "2025-01-15",
]


def _snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- Good files -----------------------------------------------------------------------------------


def test_semicolon_csv_with_indonesian_formats(user_dir, capsys):
    assert main(["data", "import", str(GOOD / "peserta_bpjs.csv"), *SOURCE]) == 0
    out = capsys.readouterr().out
    assert "imported 3 rows into coverage_facts" in out
    assert "Jumlah Pekerja → workers" in out

    table = data.load_table("coverage_facts")
    new = table.iloc[2:].reset_index(drop=True)  # the two fixture rows come first
    assert new["area_code"].tolist() == ["12.22", "12.22", "12.12"]  # Labusel ×2, Toba Samosir
    assert new["workers"].tolist() == [4979, 1500, 45900]  # "4.979", "1.500", "45.900"
    assert new["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-12-31",  # 31/12/2024, day first
        "2024-05-01",  # "Mei 2024": first day of the month ...
        "2024-06-30",
    ]
    assert new["date_precision"].tolist() == ["day", "month", "day"]  # ... with month precision
    assert new["segment"].tolist() == ["pekerja_rentan", "perangkat_desa", "fishers"]
    assert new["funding_source"].tolist() == ["apbd", "dana_desa", "csr"]
    assert new["source_id"].nunique() == 1
    assert len(data.load_table("coverage_facts", include_user=False)) == 2

    source_id = new["source_id"].iloc[0]
    sources = data.load_table("sources").set_index("source_id")
    assert sources.loc[source_id, "url"] == "https://example.org/peserta-2024"
    assert sources.loc[source_id, "publisher"] == "BPJS Ketenagakerjaan Cabang Rantauprapat"
    assert sources.loc[source_id, "grade"] == "USER"

    csv_path = user_dir / "coverage_facts.csv"
    meta = yaml.safe_load((user_dir / "coverage_facts.csv.meta.yml").read_text())
    assert meta["sha256"] == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert meta["imports"][0]["file"] == "peserta_bpjs.csv"
    assert meta["imports"][0]["rows"] == 3
    assert provenance.verify_checksums(user_dir) == []
    assert not list(user_dir.glob("*.tmp"))
    assert main(["data", "check"]) == 0


def test_rupiah_formats_and_province_names(user_dir):
    result = importing.import_file(
        GOOD / "dbh_sawit_2024.csv",
        source_url="https://example.org/dbh",
        publisher="Kemenkeu",
        date_published="2024-02-01",
    )
    assert result.table == "dbh_sawit"  # guessed from the headers
    table = data.load_table("dbh_sawit").iloc[1:]
    assert table["area_code"].tolist() == ["12.22", "12", "12.14"]
    assert table["amount_rp"].tolist() == [
        463_060_584,  # "Rp463.060.584"
        1_500_000_000,  # "1,5 miliar" = 1.5 × 10^9
        588_000_000,  # "Rp 588 juta" = 588 × 10^6
    ]


def _workbook(path: Path, rows: list[list[object]], percent_rows: tuple[int, ...] = ()) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Catatan"
    book.active["A1"] = "Sumber: BPS Provinsi Sumatera Utara"
    sheet = book.create_sheet("Data")
    sheet.append(["Tabel 3. Ketenagakerjaan Sumatera Utara"])  # a title row above the header
    for row in rows:
        sheet.append(row)
    for r in percent_rows:
        sheet.cell(row=r, column=4).number_format = "0.0%"
    book.save(path)
    return path


def test_xlsx_with_title_row_percent_cell_and_date_cells(user_dir, tmp_path):
    path = _workbook(
        tmp_path / "sakernas.xlsx",
        [
            ["Wilayah", "Periode", "Indikator", "Nilai", "ID Sumber"],
            [
                "Sumatera Utara",
                datetime(2024, 8, 1),
                "Persentase pekerja informal",
                0.605,
                "fx-bps-labuhanbatu",
            ],
            ["Provinsi Sumut", "Agustus 2024", "Penduduk Bekerja", 7012345, "fx-bps-labuhanbatu"],
        ],
        percent_rows=(3,),
    )
    assert main(["data", "import", str(path), "--sheet", "Data"]) == 0
    table = data.load_table("labour_force").iloc[2:]
    assert table["area_code"].tolist() == ["12", "12"]
    assert table["period"].tolist() == ["2024-08", "2024-08"]
    assert table["indicator"].tolist() == ["informal_share_pct", "employed"]
    # a cell holding 0.605 shown as 60,5% is 60.5 percentage points (a *_pct indicator)
    assert table["value"].tolist() == pytest.approx([60.5, 7_012_345])


def test_xlsx_errors_name_the_sheet_row(user_dir, tmp_path, capsys):
    path = _workbook(
        tmp_path / "bad.xlsx",
        [
            ["Wilayah", "Periode", "Indikator", "Nilai", "ID Sumber"],
            ["Sumatera Utara", "2024-08", "Penduduk Bekerja", 7012345, "fx-bps-labuhanbatu"],
            ["Sumatera Utara", "2024-08", "Angkatan Kerja", "dua ribu", "fx-bps-labuhanbatu"],
        ],
    )
    assert main(["data", "import", str(path), "--sheet", "Data"]) == 2
    # sheet rows: 1 title, 2 header, 3 first data row, 4 the bad one
    assert "bad.xlsx, row 4, column Nilai (value): not a number: 'dua ribu'" in (
        capsys.readouterr().err
    )
    assert main(["data", "import", str(path), "--sheet", "Nope"]) == 2
    assert "no sheet 'Nope'; sheets: Catatan, Data" in capsys.readouterr().err


def test_ambiguous_name_settled_by_the_province_of_the_other_rows(user_dir, tmp_path):
    path = tmp_path / "bekasi.csv"
    path.write_text(
        "Kabupaten/Kota,Tahun,Nilai (Rp),ID Sumber\n"
        "Kota Bekasi,2024,Rp 5 miliar,fx-news-nisel\n"
        "Bekasi,2023,Rp 4 miliar,fx-news-nisel\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError, match=r"row 3, column Kabupaten/Kota \(area_code\): 'Bekasi'"):
        importing.import_file(path, table="dbh_sawit", dry_run=True)
    path.write_text(
        path.read_text().replace("Kota Bekasi", "Medan").replace("Bekasi,", "Kota Bekasi,"),
        encoding="utf-8",
    )
    result = importing.import_file(path, table="dbh_sawit", dry_run=True)
    assert result.frame["area_code"].tolist() == ["12.71", "32.75"]


def test_percent_text_for_a_pct_indicator(user_dir, tmp_path):
    path = tmp_path / "tpt.csv"
    path.write_text(
        "Wilayah;Periode;Indikator;Nilai;ID Sumber\n"
        "Sumut;Agustus 2024;Tingkat Pengangguran Terbuka;12,5%;fx-bps-labuhanbatu\n"
        "Sumut;Agustus 2024;Angkatan Kerja;7,84 juta;fx-bps-labuhanbatu\n",
        encoding="utf-8",
    )
    frame = importing.import_file(path, dry_run=True).frame
    assert frame["indicator"].tolist() == ["unemployment_rate_pct", "labour_force"]
    assert frame["value"].tolist() == ["12.5", "7840000"]  # 12,5% stays in points; 7.84 × 10^6
    path.write_text(path.read_text().replace("Angkatan Kerja;7,84 juta", "Angkatan Kerja;7%"))
    with pytest.raises(UserError, match=r"row 3, column Nilai \(value\): '7%' is a percentage"):
        importing.import_file(path, dry_run=True)


# --- Sources --------------------------------------------------------------------------------------


def test_missing_source_says_which_options(user_dir, capsys):
    assert main(["data", "import", str(GOOD / "peserta_bpjs.csv")]) == 2
    err = capsys.readouterr().err
    assert "peserta_bpjs.csv: the file names no source" in err
    assert "--source-url URL --publisher NAME --date YYYY-MM-DD" in err
    assert main(["data", "import", str(GOOD / "peserta_bpjs.csv"), *SOURCE[:4]]) == 2
    assert "missing: --date" in capsys.readouterr().err
    assert main(["data", "import", str(GOOD / "peserta_bpjs.csv"), *SOURCE[:5], "15/01/2025"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert not user_dir.exists()


def test_same_source_is_reused(user_dir):
    importing.import_file(
        GOOD / "dbh_sawit_2024.csv",
        source_url="https://example.org/dbh",
        publisher="Kemenkeu",
        date_published="2024-02-01",
    )
    first = data.load_table("sources")
    before = _snapshot(user_dir)
    # The same file again: every row is already there, so nothing is added or written.
    again = importing.import_file(
        GOOD / "dbh_sawit_2024.csv",
        source_url="https://example.org/dbh",
        publisher="Kemenkeu",
        date_published="2024-02-01",
    )
    assert (again.added, again.replaced, len(again.unchanged)) == ([], [], 3)
    assert not again.written
    assert _snapshot(user_dir) == before
    assert len(data.load_table("sources")) == len(first)


# --- Bad files ------------------------------------------------------------------------------------

BAD_CASES = [
    (
        "unknown_regency.csv",
        [],
        "unknown_regency.csv, row 3, column Kabupaten/Kota (area_code): unknown kab/kota "
        "'Kab. Antah Berantah'",
    ),
    (
        "negative_count.csv",
        [],
        "negative_count.csv, row 3, column Jumlah Pekerja (workers): -5 is below the minimum 0",
    ),
    (
        "period_month_13.csv",
        [],
        "period_month_13.csv, row 3, column Periode (period): month 13 in '2024-13' is beyond 12",
    ),
    (
        "months_13.csv",
        [],
        "months_13.csv, row 2, column Jumlah Bulan (months): 13 is above the maximum 12",
    ),
    ("duplicate_rows.csv", [], "duplicate_rows.csv, row 4: duplicates row 2"),
    (
        "missing_column.csv",
        ["--table", "coverage_facts"],
        "missing_column.csv, row 1, column date: required column is missing",
    ),
    (
        "missing_column.csv",
        [],
        "missing_column.csv, row 1: cannot tell which table the columns belong to; name it "
        "with --table",
    ),
    (
        "text_in_number.csv",
        [],
        "text_in_number.csv, row 3, column Jumlah Pekerja (workers): not a number: 'dua ribu'",
    ),
    ("empty.csv", [], "empty.csv: the file is empty (0 bytes)"),
    ("header_only.csv", [], "header_only.csv: only a header (row 1), no data rows below it"),
]


@pytest.mark.parametrize(("name", "extra", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_file_gives_one_message_and_leaves_data_untouched(
    user_dir, capsys, name, extra, message
):
    assert main(["data", "import", str(GOOD / "peserta_bpjs.csv"), *SOURCE]) == 0
    before = _snapshot(user_dir)
    assert "coverage_facts.csv" in before
    capsys.readouterr()

    assert main(["data", "import", str(BAD / name), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err  # one message
    assert err.startswith("error: ")
    assert message in err
    assert _snapshot(user_dir) == before  # byte for byte, and no temporary files left


def test_bad_file_raises_user_error_from_the_function(user_dir):
    with pytest.raises(UserError) as err:
        importing.import_file(BAD / "negative_count.csv")
    assert isinstance(err.value, ValidationError)
    assert err.value.problems[0].row == 3


def test_failed_write_leaves_data_untouched(user_dir, monkeypatch):
    importing.import_file(
        GOOD / "dbh_sawit_2024.csv",
        source_url="https://example.org/dbh",
        publisher="Kemenkeu",
        date_published="2024-02-01",
    )
    before = _snapshot(user_dir)

    def refuse(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        importing.import_file(GOOD / "peserta_bpjs.csv", *[], **_source_kwargs())
    assert _snapshot(user_dir) == before


def _source_kwargs() -> dict[str, str]:
    return {
        "source_url": "https://example.org/peserta-2024",
        "publisher": "BPJS Ketenagakerjaan Cabang Rantauprapat",
        "date_published": "2025-01-15",
    }


# --- Dry run --------------------------------------------------------------------------------------


def test_check_file_is_a_dry_run(user_dir, capsys):
    assert main(["data", "check", str(GOOD / "peserta_bpjs.csv"), *SOURCE]) == 0
    assert "would import 3 rows into coverage_facts" in capsys.readouterr().out
    assert not user_dir.exists()


def test_check_file_lists_every_problem(user_dir, tmp_path, capsys):
    path = tmp_path / "two_bad.csv"
    path.write_text(
        (BAD / "negative_count.csv").read_text()
        + "Nisel;2024-02-30;Pekerja Rentan;7;fx-news-nisel\n",
        encoding="utf-8",
    )
    assert main(["data", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 3, column Jumlah Pekerja (workers): -5 is below the minimum 0" in err
    assert "row 4, column Tanggal (date): '2024-02-30' is not a calendar date" in err
    assert "(and 1 more problem" in err


def test_check_raw_file_validates_it_as_a_table(user_dir, capsys):
    assert main(["data", "check", str(FIXTURES / "data" / "claims.csv")]) == 0
    assert "1 rows, valid (claims)" in capsys.readouterr().out


# --- Pieces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-12", ("2024-05-12", "day")),
        ("12/05/2024", ("2024-05-12", "day")),  # day first, as written in Indonesia
        ("12-05-2024", ("2024-05-12", "day")),
        ("12 Mei 2024", ("2024-05-12", "day")),
        ("Mei 2024", ("2024-05-01", "month")),
        ("Agustus 2023", ("2023-08-01", "month")),
        ("2024-03", ("2024-03-01", "month")),
        ("03/2024", ("2024-03-01", "month")),
        ("2024", ("2024-01-01", "year")),
        (datetime(2024, 5, 12, 0, 0), ("2024-05-12", "day")),
    ],
)
def test_parse_date(text, expected):
    assert importing.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2024-13", "13/2024", "31/02/2024", "kemarin", "Mai 2024"])
def test_parse_date_rejects(text):
    with pytest.raises(ValueError):
        importing.parse_date(text)


@pytest.mark.parametrize(
    ("headers", "table"),
    [
        (["Kabupaten/Kota", "Jumlah Pekerja", "Tanggal", "Segmen"], "coverage_facts"),
        (["Kab/Kota", "Tanggal", "Segmen", "Target"], "declared_targets"),
        (["Daerah", "Tahun", "Tahap", "Uraian", "Nilai (Rp)"], "apbd"),
        (["Wilayah", "Periode", "Indikator", "Nilai"], "labour_force"),
        (["Kabupaten", "Tahun", "Indikator", "Nilai"], "population_poverty"),
    ],
)
def test_guess_table(headers, table):
    assert importing.guess_table(headers) == table


def test_header_mapping_is_data():
    mapping, ignored = importing.map_headers(
        ["No", "KABUPATEN / KOTA", "Jumlah Pekerja", "Tanggal", "Segmen", "Warna"],
        importing.SCHEMAS["coverage_facts"],
    )
    assert mapping == {"area_code": 1, "workers": 2, "date": 3, "segment": 4}
    assert ignored == ["Warna"]
    assert "kabupaten/kota" in importing.HEADERS["area"]


def test_frame_written_is_machine_readable(user_dir):
    importing.import_file(GOOD / "peserta_bpjs.csv", **_source_kwargs())
    text = (user_dir / "coverage_facts.csv").read_text(encoding="utf-8")
    assert text.startswith("fact_id,area_code,date,")
    assert ",4979," in text and ";" not in text
    frame = pd.read_csv(user_dir / "coverage_facts.csv", dtype=str)
    assert len(frame) == 3


def test_failed_import_suggests_a_check_command_that_works(user_dir, tmp_path, capsys):
    # The command the message suggests, run as written (a file name with a space, a file that
    # names no source_id), lists every problem instead of stopping on a missing option.
    path = tmp_path / "peserta bad.csv"
    text = (GOOD / "peserta_bpjs.csv").read_text(encoding="utf-8-sig")
    path.write_text(text.replace(";4.979;", ";-5;").replace(";1.500;", ";dua;"), encoding="utf-8")
    assert main(["data", "import", str(path), *SOURCE]) == 2
    command = capsys.readouterr().err.split("`")[1]
    words = shlex.split(command)
    assert words[:5] == ["python", "-m", "analysis", "data", "check"]
    assert main(words[3:]) == 2
    listed = capsys.readouterr().err
    assert "-5 is below the minimum 0" in listed
    assert "not a number: 'dua'" in listed
