"""The briefs of the five regencies of the source articles show the articles' facts and sources.

Expected strings are the figures as the articles print them (shared/sources/articles/000-004),
in Indonesian number format, and the source ids the dataset gives those articles.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from analysis.build import runner

ARTICLES = {
    # 000 Pakpak Bharat (9 July 2025): 4.979 THL, 498 perangkat desa, 890 palm workers in 2025.
    "12.15": ("12.15_pakpak-bharat", ["4.979", "498", "890",
                                      "analisadaily-2025-07-09-pakpak-bharat-rakor"]),
    # 001 Nias Selatan (June 2023): about 45.900 pekerja rentan, 459 desa, 2 kelurahan, 3T.
    "12.14": ("12.14_nias-selatan", ["45.900", "459", "3T", "antara-sumut-2023-06-11-nisel"]),
    # 002 Dairi (26 Feb 2024): APBD not enough; CSR and DBH Sawit; election officers, athletes.
    # Its DBH Sawit 2023 allocation (PMK 91/2023 annex) is shown with its year.
    "12.11": ("12.11_dairi", ["CSR", "Pilkada", "athletes", "tigasisinews-2024-02-26-dairi",
                              "2023 Rp8.513.744.000"]),
    # 003 Labuhanbatu Selatan (Oct 2022): 2.000 workers for 3 months, October-December 2022,
    # shown as history ("Oktober–Desember 2022"); its DBH Sawit 2023 allocation with its year.
    "12.22": ("12.22_labuhanbatu-selatan", ["2.000", "October-December 2022",
                                            "Oktober–Desember 2022",
                                            "article-2022-10-05-labusel-mou",
                                            "2023 Rp15.642.224.000"]),
    # 004 Labuhanbatu (17 Oct 2024): 5.897 pekerja rentan, 1.529 perangkat desa/BPD,
    # claims Rp588 juta and beasiswa Rp187.500.000, Perbup 3/2024.
    "12.10": ("12.10_labuhanbatu", ["5.897", "1.529", "Rp588 juta", "Rp187,5 juta",
                                    "Perbup 3/2024", "article-2024-10-17-labuhanbatu-hut78"]),
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
    # Table cells may wrap a long source id over two lines; compare without line breaks.
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    missing = [item for item in expected if item not in text]
    assert not missing, f"{stem}.pdf lacks {missing}"
