"""The workbook officials reuse: typed cells, the page-1 sheet, and a calculator that recomputes.

The calculator's formulas are evaluated with the ``formulas`` package (an Excel formula engine),
so the test checks what Excel would show, not what this code meant to write.
"""

from __future__ import annotations

import datetime as dt
import io

import nbformat
import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.render.blocks import Column, ReportMeta, Table, format_value
from analysis.render.pdf import to_pdf
from analysis.render.stamp import make_stamp
from analysis.render.summary import Calculator, Cell, Figure1, Summary
from analysis.render.xlsx import to_xlsx

STAMP = make_stamp(version="9.9.9+test", now=dt.datetime(2026, 2, 3, 10, 0, tzinfo=dt.UTC))


def _cell(obj) -> nbformat.NotebookNode:
    data, metadata = obj._repr_mimebundle_()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    return cell


def _summary() -> Summary:
    return Summary(
        kicker="Ringkasan kebijakan · Kabupaten Uji",
        title="Kabupaten Uji: 100 pekerja belum terlindungi",
        lead="Data per 1 Februari 2026.",
        figures=[Figure1("pekerja belum terlindungi", "100", 100, "count"),
                 Figure1("biaya per tahun", "Rp20,16 juta", 20_160_000, "rupiah"),
                 Figure1("cakupan", "41,4%", 0.414, "share")],
        messages=["Satu pesan dengan angka **100**."],
        decision=[Figure1("Instrumen", "Perbup tentang perlindungan pekerja rentan"),
                  Figure1("APBD 2027", "Rp20,16 juta", 20_160_000, "rupiah"),
                  Figure1("Mulai", "1 Januari 2027", "2027-01-01", "date")],
        actions=["Anggarkan di KUA-PPAS."],
        labels={"messages": "Pesan kunci", "decision": "Kotak keputusan",
                "actions": "Rekomendasi", "figures": "Angka kunci", "sheet": "Ringkasan",
                "item": "Butir", "value": "Nilai", "text": "Teks"},
    )


def _calculator() -> Calculator:
    # Defaults of a regency with 161 desa: 100 workers per desa = 16.100 workers.
    return Calculator(
        sheet="Kalkulator", title="Kalkulator biaya",
        inputs=[Cell("Pekerja", "Pekerja sasaran", 16_100, "count"),
                Cell("PorsiSasaran", "Porsi sasaran", 1.0, "share"),
                Cell("Bulan", "Bulan", 12, "number"),
                # JKK 1% of the Rp1.000.000 income basis + JKM Rp6.800 (PP 44/2015, PP 82/2019).
                Cell("Iuran", "Iuran per bulan", "=1%*1000000+6800", "rupiah"),
                Cell("PaguAPBD", "Pagu APBD", None, "rupiah")],
        outputs=[Cell("BiayaPerTahun", "Biaya", "=Pekerja*PorsiSasaran*Bulan*Iuran", "rupiah"),
                 Cell("PekerjaTerbiayai", "Pekerja terbiayai",
                      '=IF(PaguAPBD="","",ROUNDDOWN(PaguAPBD/(Iuran*Bulan),0))', "count")],
        labels={"inputs": "Masukan", "outputs": "Hasil", "item": "Butir", "value": "Nilai",
                "unit": "Satuan", "note": "Keterangan"},
    )


def _table() -> Table:
    frame = pd.DataFrame({
        "name": ["A", "B", "C"],
        "rank": [1, 2, None],                       # "not ranked" is an empty cell
        "workers": [98_324.144, 10.6, None],        # a model's fractional count
        "date": ["2025-07-09", 2023, "2024-10"],    # a day, a year-only fact, a month
    })
    return Table(frame, [Column("name", "Nama"), Column("rank", "Peringkat", "count"),
                         Column("workers", "Pekerja", "count"), Column("date", "Tanggal", "date")],
                 title="Uji", note="Catatan tabel.", lang="id", sheet="Uji")


def _notebook(lang: str = "id") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    meta = ReportMeta(kind="regency", code="12.99", title="Uji", area="Kabupaten Uji",
                      province="Sumatera Utara", as_of="2026-02-01", lang=lang)
    nb.cells = [_cell(meta), _cell(_summary()), _cell(_table()), _cell(_calculator())]
    return nb


@pytest.fixture(scope="module")
def xlsx_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("workbook") / "uji.xlsx"
    path.write_bytes(to_xlsx(_notebook(), STAMP))
    return path


def test_first_sheets_are_the_summary_and_the_calculator(xlsx_path):
    book = load_workbook(xlsx_path)
    assert book.sheetnames[:2] == ["Ringkasan", "Kalkulator"]
    rows = {r[0].value: r for r in book["Ringkasan"].iter_rows() if r[0].value}
    assert rows["biaya per tahun"][1].value == 20_160_000
    assert rows["biaya per tahun"][1].data_type == "n"
    assert rows["cakupan"][1].value == pytest.approx(0.414)
    assert rows["cakupan"][1].number_format == "0.0%"
    assert rows["Instrumen"][2].value.startswith("Perbup")
    assert rows["Mulai"][1].is_date and rows["Mulai"][1].value.date() == dt.date(2027, 1, 1)
    # Markdown emphasis does not reach a cell.
    assert any("angka 100" in str(r[2].value) for r in book["Ringkasan"].iter_rows())


def test_table_cells_are_typed_whole_and_dated(xlsx_path):
    sheet = load_workbook(xlsx_path)["Uji"]
    assert [c.value for c in sheet["B"][1:]] == [1, 2, None]  # ranks are integers, gaps empty
    assert sheet["C2"].value == 98_324 and sheet["C3"].value == 11  # whole workers
    assert sheet["C2"].data_type == "n"
    assert sheet["D2"].is_date and sheet["D2"].value.date() == dt.date(2025, 7, 9)
    assert sheet["D2"].number_format == "[$-421]d mmmm yyyy"
    assert sheet["D3"].value == 2023 and not sheet["D3"].is_date  # a year-only fact
    assert sheet["D4"].is_date and sheet["D4"].number_format == "[$-421]mmmm yyyy"
    assert sheet.auto_filter.ref == "A1:D4" and sheet.freeze_panes == "A2"


def test_pdf_shows_dates_in_words_at_their_precision():
    assert format_value("2025-07-09", "date", "id") == "9 Juli 2025"
    assert format_value(2023, "date", "id") == "2023"
    assert format_value("2024-10", "date", "en") == "October 2024"
    pdf = to_pdf(_notebook(), STAMP)
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "9 Juli 2025" in text and "Oktober 2024" in text
    assert "Pesan kunci" in text and "Kotak keputusan" in text


def _evaluate(path, inputs=None) -> dict[str, object]:
    """Values of the workbook's defined names after recomputing, with some inputs changed."""
    formulas = pytest.importorskip("formulas")
    model = formulas.ExcelModel().loads(str(path)).finish()
    changed = {f"'[{path.name}]KALKULATOR'!{ref}": v for ref, v in (inputs or {}).items()}
    solution = model.calculate(inputs=changed) if changed else model.calculate()
    # Defined names are keyed "'[book.xlsx]'!NAME" (the book without a sheet).
    return {key.split("!")[1]: value.value[0, 0] for key, value in solution.items()
            if key.split("!")[0].endswith("]'")}


def _input_cell(path, name: str) -> str:
    book = load_workbook(path)
    return book.defined_names[name].attr_text.split("!")[1].replace("$", "")


def test_calculator_formulas_recompute_from_the_inputs(xlsx_path):
    values = _evaluate(xlsx_path)
    # 16.100 workers × 100% × 12 months × Rp16.800 (1% × Rp1.000.000 + Rp6.800) = 3.245.760.000
    assert values["IURAN"] == 16_800
    assert values["BIAYAPERTAHUN"] == 3_245_760_000
    assert values["PEKERJATERBIAYAI"] == ""  # no budget given: nothing to divide
    # An official tries 9 months, 60% of the target and a budget of Rp294 juta:
    # 16.100 × 60% × 9 × 16.800 = 1.460.592.000; 294.000.000 / (16.800 × 9) = 1.944,4 → 1.944.
    months, share, budget = (_input_cell(xlsx_path, n) for n in ("Bulan", "PorsiSasaran",
                                                                  "PaguAPBD"))
    values = _evaluate(xlsx_path, {months: 9, share: 0.6, budget: 294_000_000})
    assert values["BIAYAPERTAHUN"] == pytest.approx(1_460_592_000)
    assert values["PEKERJATERBIAYAI"] == 1_944


def test_calculator_inputs_are_unlocked_and_formulas_locked(xlsx_path):
    sheet = load_workbook(xlsx_path)["Kalkulator"]
    assert sheet.protection.sheet
    cells = {c.value: c for c in sheet["A"]}
    row_in, row_out = cells["Pekerja sasaran"].row, cells["Biaya"].row
    assert not sheet.cell(row=row_in, column=2).protection.locked
    assert sheet.cell(row=row_out, column=2).protection.locked
    assert str(sheet.cell(row=row_out, column=2).value).startswith("=")
