"""``python -m analysis data check``: the dataset check printed, and its exit code."""

from __future__ import annotations

from analysis.cli import main


def test_data_check_cli_on_fixtures(fixture_data, capsys):
    assert main(["data", "check"]) == 0
    out = capsys.readouterr().out
    # 2 fixture facts + 11 rows of the population fixture (all UNCONFIRMED until matched)
    assert "UNCONFIRMED: 13" in out and "CONFLICT: 2" in out
    assert "coverage_facts" in out


def test_data_check_cli_fails_on_broken_raw_table(raw_copy, capsys):
    path = raw_copy / "claims.csv"
    path.write_text(path.read_text().replace(",jkm,", ",jkx,"), encoding="utf-8")
    assert main(["data", "check"]) == 2
    err = capsys.readouterr().err
    assert "claims.csv, row 2, column benefit: 'jkx' is not one of" in err
    assert "sha256" in err  # the sidecar no longer matches either
