"""The files people actually receive: office recaps, BPS tables, allocation annexes, corrections.

Each fixture in ``tests/fixtures/import`` is hand-made in the shape an office hands it over
(XLSX workbooks are written by ``make_xlsx.py`` with real merged ranges). The expected rows
below are written out by hand from the fixture, with the arithmetic in comments.
"""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path

import pytest

from analysis import data
from analysis.cli import main
from analysis.core.errors import UserError
from analysis.data import importing
from analysis.data.import_formats import parse_date
from analysis.data.import_headers import header_key, pivot_value, when_of
from analysis.data.import_layout import find_table
from analysis.data.schemas import SCHEMAS
from analysis.model.coverage import covered_by_segment

SHAPES = Path(__file__).parents[1] / "fixtures" / "import"
SOURCE = ["--source-url", "https://example.org/rekap-2024", "--publisher",
          "BPJS Ketenagakerjaan Cabang Rantauprapat", "--date", "2025-01-06"]
COVERAGE = ["area_code", "date", "date_precision", "segment", "workers", "funding_source",
            "status"]


def _xlsx(tmp_path: Path, name: str) -> Path:
    spec = importlib.util.spec_from_file_location("make_xlsx", SHAPES / "make_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WORKBOOKS[name](tmp_path / name)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def _user(table: str, columns: list[str]) -> list[tuple]:
    frame = data.load_table(table).reset_index(drop=True)
    shipped = len(data.load_table(table, include_user=False))
    rows = frame.iloc[shipped:][columns].astype(str)
    return [tuple(r) for r in rows.itertuples(index=False)]


# --- Office recap: title block, merged two-row header, totals, footnotes, signature ------------


def test_office_recap_finds_the_table_and_says_what_it_left_out(user_dir, tmp_path, capsys):
    path = _xlsx(tmp_path, "rekap_kepesertaan.xlsx")
    assert main(["data", "import", str(path), *SOURCE]) == 0
    out = capsys.readouterr().out
    assert _user("coverage_facts", COVERAGE) == [
        ("12.22", "2024-12-31", "day", "pekerja_rentan", "3250", "apbd", "registered"),
        # "Kab. Labuhanbatu Selatan" is merged over rows 8-9: it names row 9 too
        ("12.22", "2024-12-31", "day", "palm_workers", "1200", "dbh_sawit", "registered"),
        ("12.10", "2024-12-31", "day", "fishers", "410", "apbd", "registered"),
        # 45657 is an Excel serial: 45292 = 2024-01-01, + 365 days = 2024-12-31
        ("12.14", "2024-12-31", "day", "pekerja_rentan", "5897", "apbd", "registered"),
        ("12.15", "2024-12-31", "day", "thl_non_asn", "4500", "apbd", "registered"),
    ]
    assert "sheet 'Rekap': imported 5 rows into coverage_facts (5 added" in out
    assert "header row 5-6" in out  # "Kepesertaan" over "Segmen | Jumlah Peserta (Orang) | …"
    assert "Jumlah Peserta (Orang) → workers" in out
    for line in [
        "rows 1–3: title above the table",
        "row 7: column numbers under the header",
        "row 13: total row ('JUMLAH')",
        "row 15: footnote ('Sumber: BPJS",
        "row 16: footnote ('*) Data sementara')",
        "rows 18–19: signature block",
        "rows 22–23: below the end of the table",
    ]:
        assert line in out, line
    # The fixture catalogue has Pakpak Bharat's THL at 2025-01-01 (4.979): 2024-12-31 is older.
    assert "warning: row 12 (12.15, 2024-12-31, thl_non_asn, apbd) is older than the shipped " \
           "figure of 2025-01-01" in out


def test_sheet_chosen_by_content_or_named(user_dir, tmp_path, capsys):
    path = _xlsx(tmp_path, "rekap_kepesertaan.xlsx")
    result = importing.import_file(path, dry_run=True, **_source())
    assert result.sheet == "Rekap" and len(result.added) == 5
    assert main(["data", "import", str(path), "--sheet", "Petunjuk", *SOURCE]) == 2
    assert "rekap_kepesertaan.xlsx, sheet 'Petunjuk': only a header (row 1), no data rows" in (
        capsys.readouterr().err)
    assert not user_dir.exists()


def test_two_sheets_with_tables_ask_for_one(user_dir, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    for i, name in enumerate(("2023", "2024")):
        ws = book.active if i == 0 else book.create_sheet()
        ws.title = name
        ws.append(["Kabupaten/Kota", "Tanggal", "Segmen", "Jumlah Peserta"])
        ws.append(["Dairi", f"31/12/{name}", "Pekerja Rentan", 100 + i])
    book.save(tmp_path / "two.xlsx")
    with pytest.raises(UserError, match="sheets '2023' and '2024' both hold a table; choose one "
                                        "with --sheet"):
        importing.import_file(tmp_path / "two.xlsx", dry_run=True, **_source())
    result = importing.import_file(tmp_path / "two.xlsx", sheet="2024", dry_run=True, **_source())
    assert result.frame["workers"].tolist() == ["101"]


# --- BPS: years as columns, figures in thousands, province total ---------------------------------


def test_bps_wide_table_is_read_as_one_row_per_figure(user_dir, tmp_path, capsys):
    path = _xlsx(tmp_path, "bps_penduduk_miskin.xlsx")
    assert main(["data", "import", str(path), *SOURCE]) == 0
    out = capsys.readouterr().out
    # "(Ribu Jiwa)": 43,12 thousand = 43 120 people, and so on.
    assert _user("population_poverty", ["regency_code", "indicator", "year", "period",
                                        "value"]) == [
        ("12.10", "poor_people", "2023", "", "43120.0"),
        ("12.10", "poor_people", "2024", "", "42450.0"),
        ("12.11", "poor_people", "2023", "", "25800.0"),
        ("12.11", "poor_people", "2024", "", "24900.0"),
        ("12.14", "poor_people", "2023", "", "79010.0"),
        ("12.14", "poor_people", "2024", "", "76500.0"),
        ("12.12", "poor_people", "2024", "", "10300.0"),  # 2023 is "…": no figure
    ]
    # Sumatera Utara 147,93 = 43,12 + 25,80 + 79,01 and 154,15 = 42,45 + 24,90 + 76,50 + 10,30:
    # the sum of its kab/kota rows, a subtotal.
    assert "row 9: total of its kab/kota ('Sumatera Utara', the sum of their rows)" in out
    assert "1 empty cell" in out
    assert "year 2023, 2024; indicator poor_people from the column headers" in out


def test_province_row_that_is_not_the_sum_is_the_provinces_own_figure(user_dir, tmp_path):
    path = tmp_path / "p0.csv"
    path.write_text(
        "Persentase Penduduk Miskin (P0) Menurut Kabupaten/Kota (Persen), 2024\n"
        "Kabupaten/Kota;Persentase Penduduk Miskin (Persen)\n"
        "Dairi;7,50\nToba;8,10\nSumatera Utara;7,99\n", encoding="utf-8")
    frame = importing.import_file(path, dry_run=True, **_source()).frame
    # A rate is no sum: the province row (7,99 ≠ 7,50 + 8,10) is the province's own rate.
    assert frame[["regency_code", "indicator", "year", "value"]].values.tolist() == [
        ["12.11", "poverty_rate_pct", "2024", "7.5"],
        ["12.12", "poverty_rate_pct", "2024", "8.1"],
        ["12", "poverty_rate_pct", "2024", "7.99"],
    ]


def test_segments_as_columns_with_the_date_in_the_title(user_dir, tmp_path):
    path = tmp_path / "segmen.csv"
    path.write_text("Posisi 30 Juni 2024\n"
                    "Kabupaten/Kota;Pekerja Rentan;Nelayan;Buruh Sawit\n"
                    "Dairi;1.250;85;-\nToba;400;;12\n", encoding="utf-8")
    # Counts or targets? Nothing in the file says which: the table must be named.
    with pytest.raises(UserError, match="fit both declared_targets and coverage_facts; choose "
                                        "one with --table"):
        importing.import_file(path, dry_run=True, **_source())
    result = importing.import_file(path, table="coverage_facts", dry_run=True, **_source())
    assert result.frame[["area_code", "date", "segment", "workers"]].values.tolist() == [
        ["12.11", "2024-06-30", "pekerja_rentan", "1250"],
        ["12.11", "2024-06-30", "fishers", "85"],
        ["12.12", "2024-06-30", "pekerja_rentan", "400"],
        ["12.12", "2024-06-30", "palm_workers", "12"],  # "-" and the blank give no figure
    ]
    assert result.from_title == {"date": "30 Juni 2024 (title, row 1)"}


def test_months_as_columns_and_indicator_values_pick_labour_force(user_dir, tmp_path):
    path = tmp_path / "sakernas.csv"
    path.write_text("Wilayah;Indikator;Agustus 2023;Agustus 2024\n"
                    "Sumatera Utara;Penduduk Bekerja;7.100.000;7.250.000\n"
                    "Sumatera Utara;TPT;5,9%;5,6%\n", encoding="utf-8")
    result = importing.import_file(path, dry_run=True, **_source())
    assert result.table == "labour_force"  # "Penduduk Bekerja" is no population indicator
    assert result.frame[["area_code", "period", "indicator", "value"]].values.tolist() == [
        ["12", "2023-08", "employed", "7100000"],
        ["12", "2024-08", "employed", "7250000"],
        ["12", "2023-08", "unemployment_rate_pct", "5.9"],  # percentage points as written
        ["12", "2024-08", "unemployment_rate_pct", "5.6"],
    ]


def test_wide_table_that_names_nothing_is_refused_saying_what_is_read(user_dir, tmp_path,
                                                                      capsys):
    path = tmp_path / "angka.csv"
    path.write_text("Kabupaten/Kota;2023;2024\nDairi;1.200;1.300\n", encoding="utf-8")
    assert main(["data", "import", str(path), *SOURCE]) == 2
    err = capsys.readouterr().err
    assert "angka.csv, row 1: columns 2023, 2024 look like a wide table, but nothing says" in err
    assert "Read are: long tables" in err and "wide tables whose column headers" in err
    path.write_text("Kabupaten/Kota;Indikator;2023;2024\nDairi;Penduduk Bekerja;1.200;1.300\n",
                    encoding="utf-8")
    assert main(["data", "import", str(path), "--table", "labour_force", *SOURCE]) == 2
    assert "give years, but labour_force needs a month" in capsys.readouterr().err
    assert not user_dir.exists()


# --- Allocation annex ----------------------------------------------------------------------------


def test_allocation_annex_headers(user_dir, tmp_path, capsys):
    path = _xlsx(tmp_path, "lampiran_dbh_sawit.xlsx")
    assert main(["data", "import", str(path), *SOURCE]) == 0
    out = capsys.readouterr().out
    assert _user("dbh_sawit", ["area_code", "year", "amount_rp"]) == [
        # The province's own allocation, not a subtotal: 12.500.000.000 is not
        # 10.579.839.000 + 9.876.543.000 = 20.456.382.000.
        ("12", "2024", "12500000000"),
        ("12.10", "2024", "10579839000"),
        ("12.22", "2024", "9876543000"),
    ]
    assert "Provinsi/Kabupaten/Kota → area_code" in out
    assert "Alokasi DBH Sawit (Rp) → amount_rp" in out
    assert "row 8: total row ('JUMLAH')" in out


def test_budget_year_and_unit_from_the_title_and_header(user_dir, tmp_path):
    path = tmp_path / "alokasi.csv"
    path.write_text(
        "LAMPIRAN PERATURAN MENTERI KEUANGAN NOMOR 91 TAHUN 2023\n"
        "ALOKASI DANA BAGI HASIL SAWIT TAHUN ANGGARAN 2024\n\n"
        "No;Kabupaten/Kota;Alokasi (Rp juta)\n1;Dairi;1.234,5\n2;Toba;987\n", encoding="utf-8")
    result = importing.import_file(path, dry_run=True, **_source())
    # The budget year, not the regulation's; "(Rp juta)": 1.234,5 × 10^6 = 1.234.500.000.
    assert result.frame[["area_code", "year", "amount_rp"]].values.tolist() == [
        ["12.11", "2024", "1234500000"], ["12.12", "2024", "987000000"]]
    assert result.from_title == {"year": "2024 (title, row 2)"}


# --- The catalogue's own format, encodings ---------------------------------------------------


def test_catalogue_format_headers(user_dir):
    importing.import_file(SHAPES / "catalogue_coverage.csv")
    importing.import_file(SHAPES / "catalogue_population.csv")
    assert _user("coverage_facts", ["fact_id", *COVERAGE, "flag"]) == [
        ("U001", "12.11", "2024-06-30", "day", "pekerja_rentan", "2100", "apbd", "funded",
         "UNCONFIRMED"),
        ("U002", "12.71", "2024-06-01", "month", "other", "35", "csr", "registered", ""),
    ]
    assert _user("population_poverty", ["regency_code", "indicator", "year", "period", "value",
                                        "flag"]) == [
        ("12.11", "poverty_rate_pct", "2024", "2024-03", "7.5", ""),
        ("12.14", "population", "2024", "", "373000.0", "ESTIMATE"),
    ]


def test_bom_crlf_semicolons_and_a_date_in_the_title(user_dir, capsys):
    assert main(["data", "import", str(SHAPES / "rekap_bom_crlf.csv"), *SOURCE]) == 0
    out = capsys.readouterr().out
    assert _user("coverage_facts", COVERAGE[:-1]) == [
        ("12.11", "2024-06-30", "day", "pekerja_rentan", "1250", "apbd"),  # "APBD Kab."
        ("12.71", "2024-06-30", "day", "kader", "310", "apbd"),  # "Kader Posyandu", "APBD Kota"
    ]
    assert "date from the title: 30 Juni 2024 (title, row 2)" in out
    assert "row 7: total row ('JUMLAH')" in out


def test_windows_1252_text(user_dir):
    importing.import_file(SHAPES / "target_cp1252.csv", **_source())
    assert _user("declared_targets", ["area_code", "date", "segment", "target_workers", "basis",
                                      "note"]) == [
        ("12.14", "2024-07-01", "pekerja_rentan", "45900", "100 pekerja × 459 desa",
         "target Perbup – 2024"),
        ("12.11", "2024-07-01", "pekerja_rentan", "16100", "100 pekerja × 161 desa", ""),
    ]


# --- Corrections replace, never add ----------------------------------------------------------


def test_corrected_redelivery_replaces_the_figure(user_dir, capsys):
    first = SHAPES / "peserta_labusel_v1.csv"
    second = SHAPES / "peserta_labusel_v2.csv"
    assert main(["data", "import", str(first), *SOURCE]) == 0
    before = _snapshot(user_dir)
    capsys.readouterr()
    corrected = [*SOURCE[:-1], "2025-01-20"]
    corrected[1] = "https://example.org/rekap-2024-revisi"
    assert main(["data", "import", str(second), "--dry-run", *corrected]) == 0
    out = capsys.readouterr().out
    assert "would import 1 rows into coverage_facts (0 added, 1 replaced, 1 unchanged)" in out
    assert "row 2 (12.22, 2024-12-31, pekerja_rentan, apbd): workers 3250 → 3310" in out
    assert "unchanged (already there): rows 3" in out
    assert _snapshot(user_dir) == before  # a dry run writes nothing
    assert main(["data", "import", str(second), *corrected]) == 0
    assert sorted(_user("coverage_facts", ["segment", "workers"])) == [
        ("fishers", "120"), ("pekerja_rentan", "3310")]
    # The coverage rules add facts of one segment, date and funding source: had the correction
    # been added, Labuhanbatu Selatan would count 3.250 + 3.310 = 6.560.
    # Counted on a date while the 2024-12-31 recap is current (facts without an end go stale).
    covered = covered_by_segment(data.load_table("coverage_facts"), as_of="2025-01-31")
    covered = covered.set_index("area_code")
    assert covered.loc["12.22", "covered_pekerja_rentan"] == 3310
    sources = _user("coverage_facts", ["segment", "source_id"])
    assert dict(sources)["fishers"] != dict(sources)["pekerja_rentan"]  # 120 keeps its source
    assert main(["data", "check"]) == 0


def test_a_user_row_overrides_the_shipped_row_with_its_key(user_dir, tmp_path, capsys):
    path = tmp_path / "nisel.csv"
    # F001 of the fixture catalogue: 12.14, 2022-05-01, pekerja_rentan, apbd, 1.200 workers.
    path.write_text("Kabupaten/Kota;Tanggal;Segmen;Jumlah Peserta;Sumber Dana;Status\n"
                    "Nisel;Mei 2022;Pekerja Rentan;1.300;APBD;Terdaftar\n", encoding="utf-8")
    assert main(["data", "import", str(path), *SOURCE]) == 0
    assert "tests/fixtures/data/coverage_facts.csv, row 2" in capsys.readouterr().out
    table = data.load_table("coverage_facts")
    rows = table[(table["area_code"] == "12.14") & (table["segment"] == "pekerja_rentan")]
    assert rows["workers"].tolist() == [1300]  # the shipped 1.200 is set aside, not added
    assert len(data.load_table("coverage_facts", include_user=False)) == 2


def test_same_key_twice_in_one_file_is_refused(user_dir, tmp_path, capsys):
    path = tmp_path / "twice.csv"
    path.write_text((SHAPES / "peserta_labusel_v1.csv").read_text()
                    + "Labuhanbatu Selatan;31/12/2024;Pekerja Rentan;3.310;APBD;Aktif\n",
                    encoding="utf-8")
    assert main(["data", "import", str(path), *SOURCE]) == 2
    assert ("twice.csv, row 4, column area_code, date, segment, funding_source: same "
            "area_code, date, segment, funding_source as row 2") in capsys.readouterr().err
    assert not user_dir.exists()


def test_refusal_leaves_data_untouched_and_its_suggestion_works(user_dir, tmp_path, capsys):
    assert main(["data", "import", str(SHAPES / "peserta_labusel_v1.csv"), *SOURCE]) == 0
    before = _snapshot(user_dir)
    path = tmp_path / "rekap.csv"
    path.write_text("Judul rekap\n"
                    "Kabupaten/Kota;Tanggal;Segmen;Jumlah Peserta;Sumber Dana\n"
                    "Dairi;31/12/2024;Pekerja Rentan;dua ribu;APBD\n"
                    "Toba;31/13/2024;Nelayan;15;APBD\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["data", "import", str(path), *SOURCE]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "rekap.csv, row 3, column Jumlah Peserta (workers): not a number: 'dua ribu'" in err
    assert _snapshot(user_dir) == before
    command = err.split("`")[1]  # "python -m analysis data check FILE --table coverage_facts"
    assert command.startswith("python -m analysis data check ")
    assert main(shlex.split(command)[3:]) == 2  # runs without the source options ...
    listed = capsys.readouterr().err
    assert "row 3, column Jumlah Peserta (workers)" in listed  # ... and lists every problem
    assert "row 4, column Tanggal (date): month 13" in listed
    assert "names no source" not in listed
    assert _snapshot(user_dir) == before


def test_dry_run_without_a_source_checks_the_rest(user_dir, capsys):
    assert main(["data", "import", str(SHAPES / "peserta_labusel_v1.csv"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would import 2 rows" in out and "the import needs --source-url URL" in out
    assert not user_dir.exists()


# --- Pieces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (45657, ("2024-12-31", "day")),  # Excel serial: 45292 = 2024-01-01, + 365
        ("45657", ("2024-12-31", "day")),
        ("Posisi: 31 Desember 2024", ("2024-12-31", "day")),
        ("Selasa, 31 Desember 2024", ("2024-12-31", "day")),
        ("31-Des-2024", ("2024-12-31", "day")),
        ("31/12/24", ("2024-12-31", "day")),
        ("s.d. Juni 2024", ("2024-06-01", "month")),
        (2024, ("2024-01-01", "year")),
    ],
)
def test_parse_date_office_forms(cell, expected):
    assert parse_date(cell) == expected


def test_header_units_times_and_indicators():
    pop = SCHEMAS["population_poverty"]
    assert header_key("Jumlah Penduduk Miskin (Ribu Jiwa)") == ("jumlah penduduk miskin", 1000)
    assert header_key("Alokasi (Rp juta)") == ("alokasi", 10**6)
    assert header_key("Program 1.000 Desa")[1] == 1  # a number in a name is no unit
    assert when_of("Tahun 2023") == ("2023", "year")
    assert when_of("Agustus 2024") == ("Agustus 2024", "month")
    assert when_of("Kabupaten/Kota") is None
    # the longest phrase decides: poor people, not population
    assert pivot_value("Jumlah Penduduk Miskin (Ribu Jiwa)", pop) == "poor_people"
    assert pivot_value("Penduduk Bekerja", pop) is None  # a labour-force indicator
    assert pivot_value("Keterangan Lainnya", SCHEMAS["coverage_facts"]) is None


def test_two_row_header_without_merged_cells():
    grid = [
        (1, ["Kabupaten/Kota", "Kepesertaan", "", ""]),
        (2, ["", "Segmen", "Jumlah Peserta", "Sumber Dana"]),
        (3, ["Dairi", "Nelayan", "12", "APBD"]),
    ]
    block = find_table(grid, "x.csv")
    assert block.header_rows == (1, 2)
    # the group header written once is carried over the columns it stands above
    assert [h.text for h in block.headers] == [
        "Kabupaten/Kota", "Kepesertaan / Segmen", "Kepesertaan / Jumlah Peserta",
        "Kepesertaan / Sumber Dana"]


def _source() -> dict[str, str]:
    return {"source_url": "https://example.org/rekap-2024",
            "publisher": "BPJS Ketenagakerjaan Cabang Rantauprapat",
            "date_published": "2025-01-06"}
