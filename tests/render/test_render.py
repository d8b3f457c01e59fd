"""Tests of the report renderer (Markdown/Typst, display objects, PDF, HTML, XLSX) and the
in-process papermill engine, on small hand-written notebooks."""

from __future__ import annotations

import base64
import io
import json
import os
import pickle

import nbformat
import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from analysis.core import config
from analysis.core.files import atomic_write
from analysis.render.blocks import (
    META_KEY,
    MIME_TYPST,
    TEXT_WIDTH_CM,
    Callout,
    Column,
    Figure,
    ReportMeta,
    Table,
    format_value,
)
from analysis.render.charts import image_name
from analysis.render.html import to_html
from analysis.render.markup import markdown_to_html, markdown_to_typst, typst_escape
from analysis.render.notebook import MIME_META, report_items, report_meta
from analysis.render.pdf import to_pdf
from analysis.render.stamp import make_stamp
from analysis.render.xlsx import to_xlsx

STAMP = make_stamp(version="9.9.9+test")


def _nb(cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    nb.cells = cells
    return nb


def _md(text: str, *tags: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata.tags = list(tags)
    return cell


def _display(obj) -> nbformat.NotebookNode:
    """A code cell whose output is what ``display(obj)`` gives in a kernel."""
    data, metadata = obj._repr_mimebundle_()
    cell = nbformat.v4.new_code_cell("secret_code_input = 1  # never shown in a report")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    return cell


def _meta(lang: str = "id") -> ReportMeta:
    return ReportMeta(
        kind="regency", code="12.14", title="Judul uji", area="Kabupaten Nias Selatan",
        province="Sumatera Utara", as_of="2024-06-30", lang=lang,
    )


def _table(lang: str = "id") -> Table:
    frame = pd.DataFrame(
        {
            "name": ["Nias Selatan", "Medan"],
            "desa": [459, 0],
            "cost": [9_250_000_000, float("nan")],
            "rate": [0.4139, None],
        }
    )
    return Table(
        frame,
        [
            Column("name", "Kabupaten/Kota"),
            Column("desa", "Desa", "count"),
            Column("cost", "Biaya", "rupiah"),
            Column("rate", "Cakupan", "share"),
        ],
        title="Tabel uji",
        note="Sumber: uji.",
        lang=lang,
        sources=["src-a", "src-b"],
    )


def _report(lang: str = "id") -> nbformat.NotebookNode:
    return _nb(
        [
            _md("# Notebook instructions", "no-report"),
            _display(_meta(lang)),
            _md("## Bagian satu\n\nNaratif **tebal**.", "lang-id"),
            _md("## Part one\n\nNarrative in English.", "lang-en"),
            _md("Untagged text for both languages."),
            _display(_table(lang)),
            _display(Callout("Angka ini BELUM TERKONFIRMASI.", "warning")),
        ]
    )


# --- escaping and Markdown ------------------------------------------------------------------------


def test_typst_escape_makes_markup_literal():
    assert typst_escape("a*b_c#d") == r"a\*b\_c\#d"
    assert typst_escape("https://x") == r"https:\/\/x"
    # "2024. Tahun" at the start of a line would become a numbered list item.
    assert typst_escape("2024. Tahun") == r"2024\. Tahun"


def test_markdown_to_typst_headings_emphasis_lists_links():
    out = markdown_to_typst(
        "## Bagian\n\nTeks **tebal** dan *miring*, [tautan](https://a.id).\n\n- satu\n- dua\n"
    )
    # "##" is a level-1 section: "#" is the report title, on the cover.
    assert out.startswith("= Bagian\n")
    assert "#strong[tebal]" in out and "#emph[miring]" in out
    assert '#link("https://a.id")[tautan]' in out
    assert "- satu\n- dua" in out


def test_markdown_raw_html_is_dropped():
    assert "<script>" not in markdown_to_html("a <script>x</script> b")


# --- display objects ------------------------------------------------------------------------------


def test_table_formats_numbers_in_the_report_language():
    id_md = _table("id")._markdown()
    en_md = _table("en")._markdown()
    assert "| Nias Selatan | 459 | Rp9,25 miliar | 41,4% |" in id_md
    assert "| Nias Selatan | 459 | Rp9.25 billion | 41.4% |" in en_md
    assert "| Medan | 0 | – | – |" in id_md  # missing is a dash, never 0


@pytest.mark.parametrize(
    ("value", "kind", "lang", "expected"),
    [
        (2024.0, "text", "id", "2024"),  # a year from a float column
        (45900, "count", "id", "45.900"),
        (45900, "count", "en", "45,900"),
        (9_250_000_000, "rupiah", "id", "Rp9,25 miliar"),
        (0.4139, "share", "id", "41,4%"),
        (float("nan"), "count", "id", "–"),
    ],
)
def test_format_value(value, kind, lang, expected):
    assert format_value(value, kind, lang) == expected


def test_table_typst_right_aligns_numbers_and_repeats_header():
    markup = _table()._typst()
    assert "align: (left, right, right, right,)" in markup
    assert "header: ([Kabupaten\\/Kota], [Desa], [Biaya], [Cakupan], )" in markup
    assert "[Rp9,25 miliar]," in markup


def test_table_payload_keeps_raw_values_for_the_workbook():
    payload = _table().payload()
    assert payload["rows"][0] == ["Nias Selatan", 459, 9_250_000_000, 0.4139]
    assert payload["rows"][1][2:] == [None, None]
    assert payload["sources"] == ["src-a", "src-b"]
    json.dumps(payload)  # JSON-safe: it is stored in the notebook


def test_figure_is_an_svg_with_stable_file_name_and_an_img_for_untrusted_notebooks():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    figure = Figure(fig, "Grafik uji")
    data, metadata = figure._repr_mimebundle_()
    svg = data["image/svg+xml"].encode("utf-8")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert image_name(svg, "svg") in data[MIME_TYPST]
    # JupyterLab hides a bare SVG in a notebook it does not trust; an <img> it shows.
    assert data["text/html"].startswith('<img src="data:image/svg+xml;base64,')
    assert base64.b64decode(data["text/html"].split(",", 1)[1].split('"')[0]) == svg
    assert 'alt="Grafik uji"' in data["text/html"]
    assert metadata[META_KEY]["caption"] == "Grafik uji"
    assert not plt.get_fignums()  # closed, so the inline backend does not show it twice


# --- reading a notebook ---------------------------------------------------------------------------


def test_report_items_filter_language_and_instructions():
    items_id = report_items(_report("id"), "id")
    texts = [item for kind, item in items_id if kind == "markdown"]
    assert texts == ["## Bagian satu\n\nNaratif **tebal**.", "Untagged text for both languages."]
    items_en = report_items(_report("id"), "en")
    assert "## Part one\n\nNarrative in English." in [i for k, i in items_en if k == "markdown"]


def test_report_meta_is_plain_data_the_main_process_can_read_without_nbformat():
    # A worker sends this payload to the build's main process; a NotebookNode inside would make
    # unpickling it import nbformat and jsonschema there.
    cell = nbformat.v4.new_code_cell("")
    payload = {"area": "Kabupaten Dairi", "headline": {"rate": None, "gap": [1, 2]}}
    cell.outputs = [nbformat.v4.new_output("display_data", data={MIME_META: payload})]
    nb = nbformat.from_dict(_nb([cell]))  # as papermill returns it: NotebookNodes all the way
    meta = report_meta(nb)
    assert meta == payload
    assert type(meta) is dict and type(meta["headline"]) is dict
    assert b"nbformat" not in pickle.dumps(meta)


def test_report_meta_is_required():
    with pytest.raises(ValueError, match="ReportMeta"):
        report_meta(_nb([_md("text")]))


# --- outputs --------------------------------------------------------------------------------------


def test_pdf_has_no_cover_and_ends_with_a_colophon():
    pdf = to_pdf(_report("id"), STAMP)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    text = "\n".join(pages)
    assert "Rp9,25 miliar" in text and "41,4%" in text
    assert "Part one" not in text  # English-only cell
    assert "Notebook instructions" not in text and "secret_code_input" not in text
    # Every page footer: the area and the data date in words, then the page.
    assert "Kabupaten Nias Selatan · data terbaru 30 Juni 2024" in pages[0]
    assert "Halaman 1 dari" in pages[0]
    # No cover, no contents, no machine timestamp: version and build date close the report.
    assert "Daftar isi" not in text and "2024-06-30" not in text
    assert "9.9.9+test" in pages[-1] and "Bukan data resmi" in " ".join(pages[-1].split())


def test_html_is_offline_and_has_no_code():
    page = to_html(_report("en"), STAMP)
    assert "secret_code_input" not in page
    assert "<script" not in page and "src=\"http" not in page
    assert "Part one" in page and "Bagian satu" not in page
    assert "Rp9.25 billion" in page


def test_xlsx_has_tables_notes_and_about_sheets():
    book = load_workbook(io.BytesIO(to_xlsx(_report("id"), STAMP)))
    assert book.sheetnames == ["Tabel uji", "Catatan", "Tentang"]
    sheet = book["Tabel uji"]
    assert [c.value for c in sheet[1]] == ["Kabupaten/Kota", "Desa", "Biaya", "Cakupan"]
    assert sheet["A1"].font.bold
    assert sheet["C2"].value == 9_250_000_000 and sheet["C2"].number_format == "#,##0"
    assert sheet["D2"].number_format == "0.0%"
    # The note sits on its own sheet, not under the data where a filter or a sum would catch it.
    assert sheet.max_row == 3 and sheet.auto_filter.ref == "A1:D3" and sheet.freeze_panes == "A2"
    assert [c.value for c in book["Catatan"][2]] == ["Tabel uji", "Sumber: uji."]
    about = {r[0].value: r[1] for r in book["Tentang"].iter_rows(min_row=2)}
    newest = about["Data terbaru"]
    assert newest.is_date and newest.value.date().isoformat() == "2024-06-30"
    assert about["Versi kode"].value == "9.9.9+test"


def test_atomic_write_leaves_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "report.pdf"
    atomic_write(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new content")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temporary left over


# --- the in-process engine ------------------------------------------------------------------------


def _code(source: str, *tags: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata.tags = list(tags)
    return cell


def test_engine_runs_cells_in_process_with_parameters(tmp_path):
    from analysis.build import engine

    path = tmp_path / "nb.ipynb"
    nbformat.write(
        _nb(
            [
                _code("x = 1", "parameters"),
                _code("print('x is', x)\nfrom IPython.display import display, Markdown\n"
                      "display(Markdown('**md**'))\nx * 2"),
            ]
        ),
        path,
    )
    nb = engine.execute_notebook(path, {"x": 21})
    outputs = nb.cells[-1].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data", "execute_result"]
    assert outputs[0].text == "x is 21\n"
    assert outputs[1].data["text/markdown"] == "**md**"
    assert outputs[2].data["text/plain"] == "42"
    assert nb.metadata.papermill.parameters == {"x": 21}
    assert "injected-parameters" in nb.cells[1].metadata.tags


def test_engine_gives_each_notebook_a_fresh_namespace_and_reports_errors(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    from analysis.build import engine

    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    nbformat.write(_nb([_code("leftover = 1")]), first)
    nbformat.write(_nb([_code("y = 2"), _code("leftover + y")]), second)
    engine.execute_notebook(first)
    with pytest.raises(PapermillExecutionError) as caught:
        engine.execute_notebook(second)
    assert caught.value.ename == "NameError"
    assert "leftover" in caught.value.evalue
    assert caught.value.nb.cells[1].outputs[0].output_type == "error"


def test_text_width_matches_the_template():
    # A4 is 21 cm wide; the template's side margins are 2 cm each: 17 cm of text.
    template = (config.TEMPLATES / "report.typ").read_text(encoding="utf-8")
    assert 'paper: "a4"' in template and "margin: (x: 2.0cm" in template
    assert TEXT_WIDTH_CM == 21.0 - 2 * 2.0


@pytest.mark.parametrize(("size", "width", "height", "expected"), [
    # 8 x 2 in at 100% of 17 cm: 17 x 2/8 = 4,25 cm tall, under a 10 cm cap: sized by width.
    ((8.0, 2.0), "100%", "10cm", "width: 100%"),
    # 8 x 10 in at 85%: 14,45 x 10/8 = 18,06 cm, over an 11 cm cap: sized by height instead.
    ((8.0, 10.0), "85%", "11cm", "height: 11cm"),
    ((8.0, 10.0), "85%", None, "width: 85%"),
])
def test_chart_sized_by_width_or_by_its_height_cap_never_both(size, width, height, expected):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=size)
    fig.patches.append(matplotlib.patches.Rectangle((0, 0), 1, 1, transform=fig.transFigure,
                                                     figure=fig, facecolor="#0072B2"))
    data, _ = Figure(fig, "", width=width, height=height)._repr_mimebundle_()
    assert f'.svg", {expected})' in data[MIME_TYPST]
