"""The province's coverage table is computed once per process and data state, never served stale.

Fixture tables (tests/fixtures/data): Nias Selatan (12.14) has one coverage fact, F001: 1.200
pekerja rentan registered 2022-05-01, programme June to December 2022.
"""

from __future__ import annotations

import pandas as pd

from analysis.model.coverage import coverage_table, table


def test_same_inputs_are_computed_once(fixture_data, monkeypatch):
    calls = []
    original = table.build_coverage_table

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(table, "build_coverage_table", counted)
    table._CACHE.clear()
    first = coverage_table("12", "2025-06-30")
    second = coverage_table("12", "2025-06-30")
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, second)
    second.loc[0, "covered_total"] = -1  # a caller's change never reaches the cache
    assert coverage_table("12", "2025-06-30").loc[0, "covered_total"] != -1
    coverage_table("12", "2025-07-31")  # another date is another table
    assert len(calls) == 2


def test_an_edited_file_is_read_again(raw_copy):
    table._CACHE.clear()
    before = coverage_table("12", "2022-10-31").set_index("regency_code")
    assert before.loc["12.14", "covered_total"] == 1200  # F001, while its programme runs
    path = raw_copy / "coverage_facts.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    f001 = next(i for i, line in enumerate(rows) if line.startswith("F001,"))
    rows[f001] = rows[f001].replace(",1200,", ",2200,", 1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    after = coverage_table("12", "2022-10-31").set_index("regency_code")
    assert after.loc["12.14", "covered_total"] == 2200


def _edit_f001(raw_copy, workers: str) -> None:
    """Give fact F001 (Nias Selatan, 1.200 pekerja rentan) another count in the raw copy."""
    path = raw_copy / "coverage_facts.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    f001 = next(i for i, line in enumerate(rows) if line.startswith("F001,"))
    rows[f001] = rows[f001].replace(",1200,", f",{workers},", 1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_segment_table_is_computed_once_per_regency_and_date(fixture_data, monkeypatch):
    calls = []
    original = table._segment_table

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(table, "_segment_table", counted)
    table._SEGMENTS.clear()
    first = table.segment_table("12.14", "2022-10-31")
    history = table.history_table("12.14", "2022-10-31")  # reads the segment table too
    assert len(calls) == 1 and history.empty
    first.loc[0, "workers"] = -1  # a caller's change never reaches the cache
    again = table.segment_table("Nias Selatan", "2022-10-31")  # a name is the same regency
    assert len(calls) == 1
    assert again["workers"].tolist() == [1200]  # F001 while its programme runs (June–Dec 2022)
    table.segment_table("12.14", "2022-11-30")  # another date is another table
    assert len(calls) == 2


def test_segment_table_of_an_edited_file_is_read_again(raw_copy):
    table._SEGMENTS.clear()
    assert table.segment_table("12.14", "2022-10-31")["workers"].tolist() == [1200]
    _edit_f001(raw_copy, "12000")
    assert table.segment_table("12.14", "2022-10-31")["workers"].tolist() == [12000]
    # On 2023-06-30 the programme has ended (period_end 2022-12-31): history, with the new count.
    assert table.history_table("12.14", "2023-06-30")["workers_reported"].tolist() == [12000]
