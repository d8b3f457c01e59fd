"""Text that reaches a report is data, never markup or formula (hand-made hostile texts).

The workbook writes every text as a string cell (a formula start also gets Excel's quote prefix),
rendered Markdown makes live links only of http/https addresses and never loads an image, data
text put into Markdown is escaped, and control characters are dropped. With SOURCE_DATE_EPOCH
the workbook is byte-identical from one build to the next.
"""

from __future__ import annotations

import io
import time

import openpyxl
import pandas as pd

from analysis.render.blocks import Callout, Column, ReportMeta, Table, Text
from analysis.render.markup import (
    clean_text,
    markdown_escape,
    markdown_to_html,
    markdown_to_typst,
    typst_escape,
    typst_string,
)
from analysis.render.stamp import make_stamp
from analysis.render.xlsx import to_xlsx

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/x","klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
LINK_NOTE = "Lihat [bukti](http://evil.example/x) ![logo](http://evil.example/pixel.png)"


def _notebook(*objects) -> dict:
    meta = ReportMeta(kind="regency", code="12.14", title="=Judul", area="Kab", province="Prov",
                      as_of="2024-01-01", lang="id")
    outputs = [{"output_type": "display_data", "data": o._bundle()[0], "metadata": {}}
               for o in (meta, *objects)]
    return {"cells": [{"cell_type": "code", "metadata": {}, "outputs": outputs}]}


def _table() -> Table:
    frame = pd.DataFrame({
        "text": HOSTILE,
        "url": ["javascript:alert(1)", "https://ok.example/a", "file:///etc/passwd",
                "data:text/html,x", "http://ok.example/b", "", "ftp://x"],
    })
    return Table(frame, [Column("text", "Catatan"), Column("url", "URL", "link")],
                 title="Sumber", note="=1+1")


def test_xlsx_writes_formula_like_text_as_string_cells(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_notebook(_table()), make_stamp("v"))))
    sheet = book.worksheets[0]
    texts = [row[0] for row in sheet.iter_rows(min_row=2, max_row=len(HOSTILE) + 1)]
    # The value is exactly the source's text, stored as a string, quote-prefixed: no formula
    # (XML reads a carriage return back as a line feed).
    assert [c.value for c in texts] == [h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    # The note under the table and the title on the "Tentang" sheet are strings too.
    every = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in every if c.data_type == "f"]
    assert any(c.value == "=1+1" and c.data_type == "s" for c in every)
    assert any(c.value == "=Judul" and c.data_type == "s" for c in book["Tentang"]["B"])
    # Only http(s) addresses of the link column are hyperlinks.
    links = [c.hyperlink.target for c in every if c.hyperlink is not None]
    assert links == ["https://ok.example/a", "http://ok.example/b"]


def test_table_links_only_web_addresses_in_pdf_and_html():
    bundle = _table()._bundle()[0]
    typst, page = bundle["application/vnd.pekerja-rentan.typst"], bundle["text/html"]
    assert typst.count("#link(") == 2 and "javascript" not in typst.split("#link(")[1][:30]
    assert page.count("<a href=") == 2
    assert 'href="javascript' not in page and 'href="file' not in page


def test_markdown_link_or_image_in_a_flagged_note_stays_text():
    # As the regency brief shows a flagged DBH Sawit note (reports.flagged with the note escaped).
    callout = Callout(f"**UNCONFIRMED**: {markdown_escape(LINK_NOTE)}", "warning")
    bundle = callout._bundle()[0]
    typst, page = bundle["application/vnd.pekerja-rentan.typst"], bundle["text/html"]
    assert "#link(" not in typst and "#image(" not in typst
    assert "<a " not in page and "<img" not in page
    # The reader still sees the words of the note.
    assert "bukti" in page and "evil.example/pixel.png" in page


def test_rendered_markdown_loads_no_image_and_links_only_the_web():
    text = ("![x](http://evil.example/p.png) [js](javascript:alert(1)) [rel](foo.html) "
            "[file](file:///etc/passwd) [ok](https://example.org/a)")
    page = markdown_to_html(text)
    assert "<img" not in page
    assert page.count("<a ") == 1 and 'href="https://example.org/a"' in page
    typst = markdown_to_typst(text)
    assert typst.count("#link(") == 1 and '#link("https://example.org/a")' in typst


def test_markdown_escape_renders_back_to_the_same_text():
    nasty = "# Judul *tebal* _miring_ `kode` <b>x</b> &amp; 1. [a](b) | c \\ d ~e~"
    html = markdown_to_html(markdown_escape(nasty))
    assert html == "<p># Judul *tebal* _miring_ `kode` &lt;b&gt;x&lt;/b&gt; &amp;amp; 1. [a](b) " \
                   "| c \\ d ~e~</p>\n"
    assert "#strong" not in markdown_to_typst(markdown_escape(nasty))


def test_typst_text_and_strings_drop_control_characters():
    nasty = "Nias\x00 Sel\x08atan\x1b[31m \u202eabc\u202c"
    assert clean_text(nasty) == "Nias Selatan[31m abc"
    assert "\x00" not in typst_escape(nasty) and "\\u0000" not in typst_string(nasty)
    assert "\u202e" not in typst_string(nasty)
    # A Typst string may not hold a \u0000-style escape: none is produced.
    assert typst_string("a\x1bb") == '"ab"'
    assert "\x00" not in Text(nasty)._bundle()[0]["application/vnd.pekerja-rentan.typst"]


def test_workbook_is_byte_identical_with_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    nb = _notebook(_table())
    first = to_xlsx(nb, make_stamp("0.1.0+test"))
    time.sleep(1.1)  # zip entries and document properties would carry the next second
    second = to_xlsx(nb, make_stamp("0.1.0+test"))
    assert first == second
    assert make_stamp("v").generated == "2023-11-14T22:13:20+00:00"
