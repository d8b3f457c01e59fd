"""Provenance: raw-file sidecars and their checksums, and the whole-dataset check."""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.core import config
from analysis.data import provenance

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data"


def test_every_raw_csv_has_a_complete_sidecar_with_matching_sha256():
    files = provenance.raw_files()
    assert all(f.csv.parent == config.RAW for f in files)
    assert provenance.verify_checksums(fields=True) == []


def test_fixture_sidecars_are_complete_and_match():
    assert len(provenance.raw_files(FIXTURES)) == 16  # one per table, sources in two files
    assert provenance.verify_checksums(FIXTURES, fields=True) == []


def test_changed_raw_file_fails_its_checksum(raw_copy):
    with open(raw_copy / "dbh_sawit.csv", "a", encoding="utf-8") as fh:
        fh.write("12.10,2023,5,fx-bps-labuhanbatu,,\n")
    problems = provenance.verify_checksums()
    assert len(problems) == 1
    assert "dbh_sawit.csv" in problems[0] and "does not match" in problems[0]


def test_missing_sidecar_and_field_are_reported(raw_copy):
    (raw_copy / "apbd.csv.meta.yml").unlink()
    meta_path = raw_copy / "claims.csv.meta.yml"
    meta = yaml.safe_load(meta_path.read_text())
    del meta["licence"]
    meta_path.write_text(yaml.safe_dump(meta))
    problems = provenance.verify_checksums(fields=True)
    assert any("apbd.csv: no sidecar" in p for p in problems)
    assert any("claims.csv.meta.yml: missing fields licence" in p for p in problems)


def test_shipped_dataset_is_valid():
    report = provenance.check_dataset(include_user=False)
    assert report.ok, "\n".join(report.problems[:20])


def test_check_dataset_on_fixtures(fixture_data):
    report = provenance.check_dataset()
    assert report.ok, report.problems
    assert report.rows["regencies"] == 9
    assert report.flags["CONFLICT"] == 2  # the two Labuhanbatu population rows
    # one population row, one coverage fact, and the 11 rows of the national population fixture
    # (9 regencies + provinces 12 and 32), UNCONFIRMED until matched against a publication
    assert report.flags["UNCONFIRMED"] == 13
