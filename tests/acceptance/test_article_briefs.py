"""The briefs of the five regencies of the source articles show the articles' facts and sources.

Expected strings are the figures as the articles print them (shared/sources/articles/000-004),
in Indonesian number format, and the source ids the dataset gives those articles.
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from analysis.build import runner

ARTICLES = {
    # Sources are cited as the reader can find them: the article's title and its date in words
    # (no internal source keys, no file paths).
    # 000 Pakpak Bharat (9 July 2025): 4.979 THL, 498 perangkat desa, 890 palm workers in 2025.
    "12.15": ("12.15_pakpak-bharat", ["4.979", "498", "890", "9 Juli 2025",
                                      "Bupati Pakpak Bharat kunjungi BPJS Ketenagakerjaan"]),
    # 001 Nias Selatan (June 2023): about 45.900 pekerja rentan, 459 desa, 2 kelurahan.
    "12.14": ("12.14_nias-selatan", ["45.900", "459", "11 Juni 2023",
                                     "BPJamsostek dan Bupati Nias Selatan bahas sekitar"]),
    # 002 Dairi (26 Feb 2024): APBD not enough; CSR and DBH Sawit.
    # Its DBH Sawit 2023 allocation (PMK 91/2023 annex) is shown with its year.
    "12.11": ("12.11_dairi", ["CSR", "26 Februari 2024",
                              "Dorong perlindungan sosial bagi THL dan perangkat desa",
                              "2023 Rp8.513.744.000"]),
    # 003 Labuhanbatu Selatan (Oct 2022): 2.000 workers for 3 months, shown as history
    # ("Oktober–Desember 2022"); its DBH Sawit 2023 allocation with its year.
    "12.22": ("12.22_labuhanbatu-selatan", ["2.000", "Oktober–Desember 2022", "5 Oktober 2022",
                                            "Pemkab Labuhanbatu Selatan teken nota",
                                            "2023 Rp15.642.224.000"]),
    # 004 Labuhanbatu (17 Oct 2024): 5.897 pekerja rentan, 1.529 perangkat desa/BPD,
    # claims Rp588 juta and beasiswa Rp187.500.000.
    "12.10": ("12.10_labuhanbatu", ["5.897", "1.529", "Rp588 juta", "Rp187,5 juta",
                                    "17 Oktober 2024",
                                    "diserahkan secara simbolis kartu pekerja rentan"]),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("article-briefs")
    result = runner.build_reports(regencies=list(ARTICLES), out=out, jobs=1, progress=False,
                                   overview=False)
    assert result.exit_code == 0, result.failed
    return out


@pytest.mark.parametrize("code", list(ARTICLES))
def test_brief_shows_article_facts_with_sources(built, code):
    stem, expected = ARTICLES[code]
    reader = PdfReader(built / "id" / f"{stem}.pdf")
    # Lines wrap (and hyphenate) a long title; compare with single spaces, hyphens rejoined.
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = " ".join(re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text).split())
    missing = [item for item in expected if item not in text]
    assert not missing, f"{stem}.pdf lacks {missing}"
