"""Import of hostile and broken files: each refused with one message (exit 2) or, when another
import holds the data, exit 3; nothing written. Every fixture is made by hand in the test.

Populations used as limits (tests/fixtures/data/population_kemendagri.csv): Labuhanbatu
Selatan 12.22 has 332.459 people, Toba 12.12 has 220.508.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from analysis.cli import main
from analysis.core import config
from analysis.data import import_checks, importing, parameters
from analysis.data.provenance import check_dataset

SOURCE = ["--source-url", "https://example.org/x", "--publisher", "BPJS Cabang Rantauprapat",
          "--date", "2025-01-15"]
HEADER = "Kabupaten/Kota;Tanggal;Segmen;Jumlah Pekerja;Sumber Dana;Program;Catatan\n"


def _csv(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "f.csv",
         encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((header + "".join(r + "\n" for r in rows)).encode(encoding))
    return path


def _import(path: Path, *extra: str) -> int:
    return main(["data", "import", str(path), *SOURCE, *extra])


def _row(workers: str = "4.979", note: str = "") -> str:
    return f"Kab. Labusel;31/12/2024;Pekerja Rentan;{workers};APBD;JKK+JKM;{note}"


# --- One import at a time -----------------------------------------------------------------------


def test_second_import_waits_then_refuses_with_exit_3(user_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(import_checks, "IMPORT_WAIT_S", 0.2)
    lock = import_checks.lock_path()
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as held:  # another import holds the lock
        fcntl.flock(held, fcntl.LOCK_EX)
        assert _import(_csv(tmp_path, [_row()])) == 3
        assert "another `data import` is writing" in capsys.readouterr().err
    assert not user_dir.exists()
    assert _import(_csv(tmp_path, [_row()])) == 0  # released: the import goes through


def test_import_holds_the_lock_while_it_reads_and_writes(user_dir, tmp_path, monkeypatch):
    held = []
    real_commit = importing.commit_files

    def commit_and_probe(files):
        with open(import_checks.lock_path(), "a") as probe:
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(True)
        real_commit(files)

    monkeypatch.setattr(importing, "commit_files", commit_and_probe)
    assert _import(_csv(tmp_path, [_row()])) == 0
    assert held == [True]


# --- What cannot be read faithfully ---------------------------------------------------------------


def test_formula_cell_without_saved_value_is_refused(user_dir, tmp_path, capsys):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kabupaten/Kota", "Tanggal", "Segmen", "Jumlah Pekerja", "Sumber Dana"])
    sheet.append(["Kab. Labusel", "2024-12-31", "Pekerja Rentan", 4979, "APBD"])
    sheet.append(["Kabupaten Toba", "2024-12-31", "Nelayan", "=D2*2", "APBD"])  # never computed
    path = tmp_path / "formula.xlsx"
    book.save(path)
    assert _import(path) == 2
    err = capsys.readouterr().err
    assert "formula cells without a saved value: D3 (=D2*2)" in err
    assert not user_dir.exists()


def _two_sheets(path: Path, hide_first: bool) -> Path:
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Lama"
    hidden.append(["Kabupaten/Kota", "Tanggal", "Segmen", "Jumlah Pekerja", "Sumber Dana"])
    hidden.append(["Kab. Labusel", "2020-12-31", "Pekerja Rentan", 1, "APBD"])
    if hide_first:
        hidden.sheet_state = "hidden"
    shown = book.create_sheet("Data")
    shown.append(["Kabupaten/Kota", "Tanggal", "Segmen", "Jumlah Pekerja", "Sumber Dana"])
    shown.append(["Kab. Labusel", "2024-12-31", "Pekerja Rentan", 4979, "APBD"])
    book.save(path)
    return path


def test_visible_sheet_is_read_not_a_hidden_first_one(user_dir, tmp_path):
    result = importing.import_file(_two_sheets(tmp_path / "h.xlsx", True),
                                   source_url="https://e.org", publisher="P",
                                   date_published="2025-01-15", dry_run=True)
    assert result.frame["workers"].tolist() == ["4979"]


def test_hidden_sheet_is_read_when_named(user_dir, tmp_path):
    result = importing.import_file(_two_sheets(tmp_path / "h.xlsx", True), sheet="Lama",
                                   source_url="https://e.org", publisher="P",
                                   date_published="2025-01-15", dry_run=True)
    assert result.frame["workers"].tolist() == ["1"]  # the hidden sheet's one row


def test_several_visible_sheets_ask_for_sheet(user_dir, tmp_path, capsys):
    path = _two_sheets(tmp_path / "v.xlsx", False)
    assert _import(path) == 2
    assert "visible sheets 'Lama' and 'Data' both hold a table; choose one with --sheet" in (
        capsys.readouterr().err)
    assert _import(path, "--sheet", "Data") == 0


def test_duplicated_header_is_refused(user_dir, tmp_path, capsys):
    header = "Kabupaten/Kota;Tanggal;Segmen;Jumlah Pekerja;Sumber Dana;Jumlah Pekerja\n"
    path = _csv(tmp_path, ["Kab. Labusel;31/12/2024;Pekerja Rentan;4.979;APBD;5.000"], header)
    assert _import(path) == 2
    assert "'Jumlah Pekerja' appears twice (columns 4 and 6)" in capsys.readouterr().err


def test_utf8_file_with_one_stray_byte_is_refused(user_dir, tmp_path, capsys):
    # UTF-8 letters ("é" as C3 A9) on line 2, a lone 0xE9 on line 3: a damaged UTF-8 file.
    path = tmp_path / "stray.csv"
    path.write_bytes(HEADER.encode() + (_row(note="Catatan café") + "\n").encode("utf-8")
                     + _row(note="caf").encode() + b"\xe9\n")
    assert _import(path) == 2
    err = capsys.readouterr().err
    assert "line 3: byte 0xE9 is not UTF-8 text (the rest of the file is UTF-8" in err


def test_windows_1252_file_is_read_as_such(user_dir, tmp_path):
    path = _csv(tmp_path, [_row(note="Catatan café")], encoding="cp1252")
    result = importing.import_file(path, source_url="https://e.org", publisher="P",
                                   date_published="2025-01-15", dry_run=True)
    assert result.frame["note"].tolist() == ["Catatan café"]


@pytest.mark.parametrize("char", ["\x00", "\x08", "\x1b", "\u202e"],
                         ids=["nul", "backspace", "esc", "rlo"])
def test_control_characters_are_refused(user_dir, tmp_path, capsys, char):
    path = _csv(tmp_path, [_row(note=f"Catatan{char}x")])
    assert _import(path) == 2
    assert f"control character U+{ord(char):04X}" in capsys.readouterr().err
    assert not user_dir.exists()


def test_data_check_finds_control_characters_in_user_data(user_dir):
    assert _import(_csv(user_dir.parent, [_row(note="ok")])) == 0
    table = user_dir / "coverage_facts.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("ok", "o\x1bk"), encoding="utf-8")
    problems = check_dataset().problems
    assert any("control character U+001B" in p for p in problems)


@pytest.mark.parametrize("workers, population", [
    ("1.000.000.000.000.000", "332459"),  # 10^15
    ("332.460", "332459"),  # one more than Labuhanbatu Selatan's population
])
def test_count_above_the_population_is_refused(user_dir, tmp_path, capsys, workers, population):
    assert _import(_csv(tmp_path, [_row(workers=workers)])) == 2
    err = capsys.readouterr().err
    assert f"more than the population of 12.22 ({population} people, population_kemendagri" in err


def test_count_at_the_population_is_accepted(user_dir, tmp_path):
    assert _import(_csv(tmp_path, [_row(workers="332.459")])) == 0


# --- Limits and what is not a file ----------------------------------------------------------------


def test_file_over_the_size_limit_is_refused(user_dir, tmp_path, capsys):
    path = _csv(tmp_path, [_row()])
    assert _import(path, "--max-bytes", "100") == 2
    assert "over the limit of 100 bytes (raise it with --max-bytes)" in capsys.readouterr().err
    assert _import(path, "--max-bytes", "100000") == 0


def test_rows_over_the_limit_are_refused(user_dir, tmp_path, capsys):
    path = _csv(tmp_path, [_row(workers=str(n)) for n in range(1, 6)])
    assert _import(path, "--max-rows", "3") == 2
    assert "6 rows is over the limit of 3" in capsys.readouterr().err


def test_zip_bomb_is_refused_before_it_is_unpacked(user_dir, tmp_path, capsys):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 20_000_000)  # 20 MB of zeros
    assert path.stat().st_size < 100_000
    assert _import(path, "--max-unzipped", "1000000") == 2
    assert "unpacks to 20,000,000 bytes, over the limit" in capsys.readouterr().err


def test_a_200_kb_cell_is_refused_with_its_row(user_dir, tmp_path, capsys):
    path = _csv(tmp_path, [_row(note="x" * 200_000)])
    assert _import(path) == 2
    assert "row 2, column 7: a cell of 200,000 characters" in capsys.readouterr().err


def test_folder_device_and_fifo_are_refused(user_dir, tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path, words in ((tmp_path, "is a folder"), (Path("/dev/zero"), "not a regular file"),
                        (fifo, "not a regular file")):
        assert _import(path) == 2
        assert words in capsys.readouterr().err
        assert main(["data", "check", str(path)]) == 2
        capsys.readouterr()


# --- Ranges of the policy parameters ------------------------------------------------------------


def test_negative_jkm_rate_is_refused_by_cost_and_data_check(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "parameters"
    shutil.copytree(config.PARAMETERS, folder)
    rates = folder / "rates.yml"
    text = rates.read_text(encoding="utf-8")
    start = text.index("bpu.jkm.monthly_rp:")
    rates.write_text(text[:start] + text[start:].replace("value: 6800", "value: -6800", 1),
                     encoding="utf-8")
    monkeypatch.setattr(config, "PARAMETERS", folder)
    parameters.clear_caches()
    try:
        assert main(["cost", "--workers", "1", "--months", "1"]) == 2
        out, err = capsys.readouterr()
        assert "6.800" not in out and "bpu.jkm.monthly_rp" in err and "negative" in err
        assert main(["data", "check"]) == 2
        assert "value -6800 is negative" in capsys.readouterr().err
    finally:
        parameters.clear_caches()
