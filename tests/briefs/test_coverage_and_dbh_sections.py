"""The coverage and DBH Sawit sections of the briefs, read as text (no PDF build).

Each test names the figure a regent's staff must see, worked out from the data rows in the
comment; the section's Markdown/plain representation is what the PDF, HTML and XLSX show.
"""

from __future__ import annotations

import pytest

from analysis.briefs import ProvinceBrief, RegencyBrief
from analysis.briefs.regency import _trend_key
from analysis.model.coverage import coverage_table

AS_OF = "2026-02-01"


def _text(section) -> str:
    return repr(section).replace("\n", " ")


@pytest.fixture(scope="module")
def measurable() -> int:
    return int(coverage_table("12", AS_OF)["rank"].notna().sum())


def test_labuhanbatu_coverage_is_100_percent_and_ranked_of_n_measurable(measurable):
    text = _text(RegencyBrief("12.10", as_of=AS_OF).coverage())
    # 7.500 village workers / (100 × 75 desa) = 100,0%; 210,7% appears nowhere.
    assert "100,0%" in text and "210,7%" not in text
    assert f"peringkat 1 dari {measurable} yang terukur" in text
    assert f"1 dari {measurable}" in text
    # The 2024 counts are history with their reason, not coverage.
    assert "5.897" in text and "status sesudahnya tidak diketahui" in text


def test_tapanuli_tengah_misprint_is_named_and_not_ranked():
    text = _text(RegencyBrief("12.01", as_of=AS_OF).coverage())
    assert "17.589" in text and "salah cetak" in text
    assert "110,6%" not in text and "tanpa peringkat" in text


def test_medan_declared_basis_and_one_month_payers():
    text = _text(RegencyBrief("12.71", as_of=AS_OF).coverage())
    # (37.058 − 18.152) / 50.025 = 18.906 / 50.025 = 37,8%; 109,8% appears nowhere.
    assert "37,8%" in text and "109,8%" not in text
    assert "18.152" in text and "18.906" in text


@pytest.mark.parametrize(("code", "period"), [("12.22", "Oktober–Desember 2022"),
                                              ("12.03", "Juni 2022"), ("12.07", "Juli 2022")])
def test_2022_programmes_are_history(code, period):
    text = _text(RegencyBrief(code, as_of=AS_OF).coverage())
    assert "riwayat" in text and period in text
    assert "tanpa peringkat" in text


def test_dairi_dbh_2023_shown_with_its_year_beside_2026():
    text = _text(RegencyBrief("12.11", as_of=AS_OF).dbh())
    assert "| 2023 | Rp8.513.744.000 |" in text
    assert "| 2026 | Rp1.508.376.000 |" in text and "belum terkonfirmasi" in text  # in words
    # 1.496 (2026 × 20% / 201.600) to 8.446 (2023 × 20% / 201.600) palm workers a year.
    assert "1.496 sampai 8.446 pekerja sawit" in text


def test_mandailing_natal_not_used_row_is_only_named_as_not_used():
    text = _text(RegencyBrief("12.13", as_of=AS_OF).dbh())
    assert "| 2023 | Rp9.543.279.000 |" in text
    assert "Rp9.150.000.000" in text and "tidak dipakai" in text
    assert "| 2023 | Rp9.150.000.000 |" not in text


def test_province_dbh_table_has_a_column_per_year():
    text = _text(ProvinceBrief("12", as_of=AS_OF).dbh())
    assert "DBH 2023" in text and "DBH 2026" in text
    # Dairi's 2023 allocation stays beside the unconfirmed 2026 one (marked *).
    assert "Rp8,51 miliar" in text and "Rp1,51 miliar*" in text


@pytest.mark.parametrize(("start", "end", "key"), [
    # Labuhanbatu: Rp2,60 miliar to Rp2,61 miliar is +0,4%, a rounding apart: not a rise.
    (2_600_000_000, 2_610_000_000, "variants_finding_flat"),
    (2_000_000_000, 3_000_000_000, "variants_finding"),
    (3_000_000_000, 2_000_000_000, "variants_finding_down"),
])
def test_variants_title_says_rise_fall_or_flat(start, end, key):
    assert _trend_key(start, end) == key


def test_overview_key_figure_leads_with_the_newest_dbh_and_keeps_the_official_one():
    # North Sumatra's own DBH Sawit: 2023 Rp74.861.392.000 (PMK 91/2023 annex) → "Rp74,86
    # miliar"; 2026 Rp15.226.554.000 (third-party tracker, UNCONFIRMED) → "Rp15,23 miliar".
    # The key figure shows 2026 with its flag and 2023 beside it, never 2023 alone.
    page = ProvinceBrief("12", as_of=AS_OF).summary()
    dbh = next(f for f in page.figures if "DBH Sawit" in f.label)
    assert dbh.label.startswith("DBH Sawit provinsi 2026 (belum terkonfirmasi); 2023: Rp74,86")
    assert dbh.text == "Rp15,23 miliar"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_brief_explains_its_abbreviations(lang):
    # Staff reading page 1 meet BUD, THL, P3KE/DTSEN, TJSL, KUA-PPAS: each is spelt out once.
    text = _text(RegencyBrief("12.10", lang=lang, as_of=AS_OF).sources())
    heading = "Singkatan" if lang == "id" else "Abbreviations"
    assert heading in text
    for abbreviation in ("APBD", "BUD", "THL", "P3KE", "DTSEN", "TJSL", "KUA-PPAS", "Perwal"):
        assert f"{abbreviation}" in text.split(heading, 1)[1], abbreviation


def test_no_empty_column_of_quotations():
    # Labuhanbatu's four flagged facts (1.500 palm workers, 1.030 kader, 2.353 THL, the 2026
    # DBH allocation) quote no source sentence: the table has no quotation column to leave blank.
    text = _text(RegencyBrief("12.10", as_of=AS_OF).uncertain())
    assert "Fakta yang belum pasti" in text and "Pekerja sawit: 1.500" in text
    assert "Kata-kata sumber" not in text
