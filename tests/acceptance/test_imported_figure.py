"""A figure imported by a user reaches the coverage table and the regency brief.

The shipped catalogue (``data/raw``) with an empty temporary user folder: a branch's recap for
Labuhanbatu Selatan (3.250 pekerja rentan on 31 December 2024), then its correction (3.310), is
imported with the command line; the coverage table and the brief's coverage section must show
3.310, the newest figure of that segment, and neither 3.250 nor their sum 6.560.
"""

from __future__ import annotations

from pathlib import Path

from analysis.cli import main
from analysis.model.coverage import coverage_table, segment_table

SHAPES = Path(__file__).parents[1] / "fixtures" / "import"


def _source(url: str, when: str) -> list[str]:
    return ["--source-url", url, "--publisher", "BPJS Ketenagakerjaan Cabang Rantauprapat",
            "--date", when]


def test_imported_correction_shows_in_coverage_table_and_brief(monkeypatch, tmp_path, capsys):
    from analysis.briefs.regency import RegencyBrief

    monkeypatch.setenv("PEKERJA_RENTAN_USER_DATA", str(tmp_path / "user"))
    first = _source("https://example.org/rekap-labusel", "2025-01-06")
    second = _source("https://example.org/rekap-labusel-revisi", "2025-01-20")
    assert main(["data", "import", str(SHAPES / "peserta_labusel_v1.csv"), *first]) == 0
    assert main(["data", "import", str(SHAPES / "peserta_labusel_v2.csv"), *second]) == 0
    assert "1 replaced" in capsys.readouterr().out

    # The shipped facts of Labuhanbatu Selatan are from 2022, so 31/12/2024 is the newest.
    row = coverage_table(as_of="2025-01-31").set_index("regency_code").loc["12.22"]
    assert row["covered_pekerja_rentan"] == 3310

    facts = segment_table("12.22", "2025-01-31")
    rentan = facts[facts["segment"] == "pekerja_rentan"]
    assert rentan["workers"].tolist() == [3310]
    assert rentan["source_id"].iloc[0].startswith("user-bpjs-ketenagakerjaan-cabang-rantauprap")

    text = repr(RegencyBrief("12.22", lang="id", as_of="2025-01-31").coverage())
    assert "3.310" in text
    assert "3.250" not in text and "6.560" not in text
