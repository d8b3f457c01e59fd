"""What a regent's office reads: page 1 answers first, the text is in one language, the figures
on page 1 are the model's, and the workbook recomputes.

Built once for the module: Dairi, Nias Selatan and Kota Medan (a kota without desa) in
Indonesian and English, and the North Sumatra overview in both languages.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from analysis.briefs.regency import SCENARIO_DRAWS, SCENARIO_YEARS
from analysis.build import runner
from analysis.core.numbers import format_number, format_rupiah
from analysis.data.tables import newest_fact_date
from analysis.model.contributions import budget_for
from analysis.model.coverage import regency_summary
from analysis.model.dbh_sawit import dbh_envelope, dbh_summary, palm_workers_fundable
from analysis.model.scenarios import analyse, resolve

REGENCIES = {"12.11": "12.11_dairi", "12.14": "12.14_nias-selatan", "12.71": "12.71_medan"}
OVERVIEW = "12_sumatera-utara_overview"

# Words that mark English in Indonesian prose (matched as whole words, any case).
ENGLISH_MARKERS = ("the", "and", "which", "probably", "figure", "used", "of", "is", "not",
                   "with", "from", "per year", "workers")
# Words that mark Indonesian in English prose (outside quotations of the sources).
INDONESIAN_MARKERS = ("yang", "untuk", "tidak", "dengan", "belum", "sasaran")
# Machine text that must never reach a reader.
MACHINE = {
    "code identifier": r"\b[a-z]+(?:_[a-z]+)*\.[a-z_]+\.[a-z_]+",
    "snake_case name": r"\b[a-z]+_[a-z_]+\b",
    "case id": r"\b(?:ART|R3C)-[A-Z]+|\bS\d{1,2}\b",
    "hash": r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b|user-[0-9a-f]{6,}",
    "file path": r"file:|\b(?:data|shared|notebooks)/|\.(?:csv|ya?ml|ipynb|txt)\b",
    "flag code": r"\b(?:UNCONFIRMED|CONFLICT|ESTIMATE|PLANNED|DERIVED)\b",
    "ISO date": r"\b\d{4}-\d{2}-\d{2}\b",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("briefs")
    result = runner.build_reports(regencies=list(REGENCIES), langs=["id", "en"], out=out,
                                  jobs=1, progress=False, overview=True)
    assert result.exit_code == 0, result.failed
    return out


def _pages(path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def _prose(pages: list[str], lang: str) -> str:
    """The reader's text without the list of sources (their own titles, in their language) and
    the closing colophon (the one place the version string belongs)."""
    text = " ".join(pages)
    heading = "Sumber yang dikutip" if lang == "id" else "Sources cited"
    cut = text.rfind(heading)
    return text[:cut] if cut > 0 else text


def _stems() -> list[tuple[str, str]]:
    return [(lang, stem) for lang in ("id", "en") for stem in [*REGENCIES.values(), OVERVIEW]]


@pytest.mark.parametrize(("lang", "stem"), _stems())
def test_page_one_carries_key_messages_and_the_decision_box(built, lang, stem):
    first = _pages(built / lang / f"{stem}.pdf")[0]
    messages, box = (("Pesan kunci", "Kotak keputusan") if lang == "id"
                     else ("Key messages", "Decision box"))
    assert messages in first and box in first
    assert re.search(r"\b1\. .+\b2\. .+\b3\. ", first), "numbered key messages"
    assert "KUA-PPAS" in first and "RAPBD" in first  # who acts when in the APBD cycle
    # Page 1 is the answer, not a cover: no table of contents, no code version.
    assert "Daftar isi" not in first and "Contents" not in first
    assert "+" not in re.sub(r"\d\+\d", "", first) or "versi" not in first.lower()


@pytest.mark.parametrize("stem", [*REGENCIES.values(), OVERVIEW])
def test_indonesian_text_has_no_english_and_nothing_from_the_machine(built, stem):
    text = _prose(_pages(built / "id" / f"{stem}.pdf"), "id")
    english = [w for w in ENGLISH_MARKERS if re.search(rf"(?i)(?<![\w-]){w}(?![\w-])", text)]
    assert not english, f"English words in {stem}: {english}"
    found = {name: re.findall(pattern, text)[:3] for name, pattern in MACHINE.items()}
    assert not {k: v for k, v in found.items() if v}, f"machine text in {stem}"


@pytest.mark.parametrize("stem", [*REGENCIES.values(), OVERVIEW])
def test_english_text_has_no_indonesian_prose(built, stem):
    text = _prose(_pages(built / "en" / f"{stem}.pdf"), "en")
    text = re.sub(r"“[^”]*”", "", text)  # the sources' own words, quoted
    words = [w for w in INDONESIAN_MARKERS if re.search(rf"(?i)(?<!\w){w}(?!\w)", text)]
    assert not words, f"Indonesian words in the English {stem}: {words}"
    found = {name: re.findall(pattern, text)[:3] for name, pattern in MACHINE.items()}
    assert not {k: v for k, v in found.items() if v}, f"machine text in {stem}"


@pytest.mark.parametrize("code", ["12.11", "12.14"])
def test_page_one_figures_are_the_models(built, code):
    as_of = newest_fact_date(None)
    summary = regency_summary(code, as_of)
    # The brief's scenario: its horizon from the data date, its draws, the model's seed.
    an = analyse(resolve(code, None, years=SCENARIO_YEARS, as_of=as_of), draws=SCENARIO_DRAWS)
    # The first budget year still to plan, its APBD needed (the mix) and its target workers.
    year = an.mix["first_year"]
    first = {"apbd_rp": next(r["apbd_rp"] for r in an.mix["years"] if r["year"] == year),
             "target_workers": an.table.set_index("year").at[year, "target_workers"]}
    for lang in ("id", "en"):
        page = _pages(built / lang / f"{REGENCIES[code]}.pdf")[0]
        expected = [format_rupiah(first["apbd_rp"], lang),
                    format_number(first["target_workers"], lang)]
        target = summary["target_village"]
        expected.append(format_rupiah(budget_for(int(target), 12, "jkk-jkm", on=as_of), lang))
        if summary["gap_workers"] == summary["gap_workers"]:  # coverage measured
            expected.append(format_number(summary["gap_workers"], lang))
        dbh = dbh_summary(code, as_of)
        if dbh is not None:
            expected += [format_rupiah(dbh["allocation"], lang),
                         format_rupiah(dbh["envelope"], lang)]
        missing = [e for e in expected if e not in page]
        assert not missing, f"{code} {lang}: page 1 lacks {missing}"
        # The workbook's first sheet holds the same decision-box values, typed.
        book = load_workbook(built / lang / f"{REGENCIES[code]}.xlsx")
        values = [r[1].value for r in book.worksheets[0].iter_rows()]
        assert round(first["apbd_rp"]) in values


def test_workbook_calculator_recomputes_the_briefs_figures(built):
    formulas = pytest.importorskip("formulas")
    path = built / "id" / f"{REGENCIES['12.11']}.xlsx"
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    names = {k.split("!")[1]: v.value[0, 0] for k, v in solution.items()
             if k.split("!")[0].endswith("]'")}
    as_of = newest_fact_date(None)
    target = int(regency_summary("12.11", as_of)["target_village"])
    dbh = dbh_summary("12.11", as_of)
    envelope = dbh_envelope(dbh["allocation"], on=as_of)
    assert names["BIAYAPERTAHUN"] == budget_for(target, 12, "jkk-jkm", on=as_of)
    assert names["PAGUDBH"] == envelope
    assert names["PEKERJADBHMAKS"] == palm_workers_fundable(envelope, 12, on=as_of)
    # No count of unregistered palm workers: DBH Sawit pays nobody yet, the APBD all of it.
    assert names["PEKERJADBH"] == 0 and names["APBDDIBUTUHKAN"] == names["BIAYAPERTAHUN"]
    assert names["BIAYAPERDESA"] == budget_for(100, 12, "jkk-jkm", on=as_of)


def test_overview_page_one_is_about_the_province(built):
    first = _pages(built / "id" / f"{OVERVIEW}.pdf")[0]
    # The Pemprov's own programme (20.879 workers in 2025, case S16) and its DBH Sawit
    # (Rp74,86 miliar in 2023, PMK 91/2023 annex), both from the data.
    assert "20.879" in first and "Rp74,86 miliar" in first
    assert re.search(r"\d+ dari \d+ kabupaten/kota", first)  # ranks of N measurable


def test_an_apbd_figure_above_the_gap_says_why(built):
    # Medan's page 1: the APBD to budget pays for all informal workers, the 36.757 already
    # protected (17.851 paid by the APBD, 18.906 by the Empowering Kepling programme) included,
    # so it is above the cost of the gap in the title. Page 1 must say so and give the gap's
    # own cost: gap workers x Rp16.800 x 12 months.
    as_of = newest_fact_date(None)
    summary = regency_summary("12.71", as_of, target_basis="informal")
    covered, gap = summary["covered_informal"], summary["gap_workers_informal"]
    assert covered > 0 and gap > 0
    gap_cost = budget_for(int(gap), 12, "jkk-jkm", on=as_of)
    for lang, words in (("id", "juga menghitung"), ("en", "also counts")):
        page = _pages(built / lang / f"{REGENCIES['12.71']}.pdf")[0]
        sentence = page[page.index(words) - 120:]
        assert format_number(covered, lang) in sentence
        assert format_number(gap, lang) in sentence
        assert format_rupiah(gap_cost, lang) in sentence
