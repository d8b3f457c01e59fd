"""Stale and reproducible builds: the effective as-of date in the input hash, and byte-identical
PDF, HTML and XLSX from two builds with SOURCE_DATE_EPOCH set."""

from __future__ import annotations

import time

import pandas as pd

from analysis.build import fingerprint, runner
from analysis.build.jobs import plan_jobs
from analysis.data import tables


def test_input_hash_changes_when_a_future_fact_becomes_current(raw_copy, monkeypatch):
    # A coverage fact dated 2031-03-01 is in the data. Before that day a report speaks for the
    # newest earlier fact; from that day on it speaks for 2031-03-01, so its hash must change
    # and the report be rebuilt without --force.
    facts = raw_copy / "coverage_facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    future = dict(zip(header, lines[1].split(","), strict=False))
    future.update(fact_id="fx-future", date="2031-03-01", date_precision="day")
    lines.append(",".join(future.get(c, "") for c in header))
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(fingerprint, "inputs_digest", lambda: "pinned")
    job = plan_jobs(regencies=["12.14"])[0]

    def hash_on(day: str) -> tuple[str, str]:
        class Clock(pd.Timestamp):
            @classmethod
            def today(cls, tz=None):
                return pd.Timestamp(day)

        with monkeypatch.context() as m:
            m.setattr(tables.pd, "Timestamp", Clock)
            return fingerprint.effective_as_of(None), fingerprint.job_hash(job, "pinned")

    before_date, before = hash_on("2031-02-28")
    after_date, after = hash_on("2031-03-01")
    assert before_date < "2031-03-01" and after_date == "2031-03-01"
    assert before != after
    assert hash_on("2031-02-28")[1] == before  # same day, same hash


def test_two_builds_with_source_date_epoch_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01T00:00:00Z
    outs = []
    for name in ("first", "second"):
        out = tmp_path / name
        runner.build_reports(regencies=["12.14"], out=out, jobs=1, progress=False)
        outs.append(out)
        time.sleep(1.1)  # any clock time left in a file would now differ
    for fmt in ("pdf", "html", "xlsx"):
        first, second = (o / "id" / f"12.14_nias-selatan.{fmt}" for o in outs)
        assert first.read_bytes() == second.read_bytes(), fmt
    # The build date the reader sees is SOURCE_DATE_EPOCH's day (in words since the colophon
    # says dates in words), not the clock's.
    assert "pada 1 Januari 2025" in (outs[0] / "id" / "12.14_nias-selatan.html").read_text()
