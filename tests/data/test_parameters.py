"""Parameters, assumptions log and reference tables: shape, dated lookup, arithmetic from law."""

from __future__ import annotations

import csv
import importlib.util
import os
from datetime import date
from pathlib import Path

import pytest
import yaml

from analysis.core import config
from analysis.core.errors import ParameterError, ParameterLookupError
from analysis.data.parameters import KNOWN_UNITS, load_assumptions, load_parameters
from analysis.data.tables import data_stamp

PARAMETER_FILES = sorted(config.PARAMETERS.glob("*.yml"))


def _csv(name: str) -> list[dict[str, str]]:
    with (config.RAW / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- Shipped parameter files ---------------------------------------------------------------------


def test_parameter_files_exist():
    names = {p.name for p in PARAMETER_FILES}
    assert {"rates.yml", "benefits.yml", "dbh_sawit.yml", "targets.yml"} <= names


@pytest.mark.parametrize("path", PARAMETER_FILES, ids=lambda p: p.name)
def test_every_value_has_unit_effective_from_and_reference(path):
    # Read the YAML directly, so this holds even if the loader's checks change.
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict) and doc
    for name, entries in doc.items():
        assert isinstance(entries, list) and entries, name
        for i, entry in enumerate(entries):
            where = f"{path.name}: {name}[{i}]"
            assert str(entry.get("unit") or "").strip(), f"{where}: no unit"
            assert entry.get("effective_from"), f"{where}: no effective_from"
            assert isinstance(entry["effective_from"], date), f"{where}: not an ISO date"
            assert str(entry.get("reference") or "").strip(), f"{where}: no reference"
            assert entry["unit"] in KNOWN_UNITS, f"{where}: unit {entry['unit']!r}"
            assert entry.get("source_id") or entry.get("assumption"), f"{where}: no source"


def test_shipped_parameters_load_with_the_agreed_names():
    params = load_parameters()
    for name in (
        "bpu.jkk.rate",
        "bpu.income.floor_rp",
        "bpu.jkm.monthly_rp",
        "bpu.jht.rate",
        "pu.jkk.rate",
        "pu.jkm.rate",
        "pu.jht.rate",
        "pu.jp.rate",
        "benefits.jkm.santunan_kematian_rp",
        "benefits.jkm.santunan_berkala_rp",
        "benefits.jkm.pemakaman_rp",
        "benefits.jkm.total_rp",
        "benefits.beasiswa.max_total_rp",
        "benefits.jkk.death_multiple",
        "benefits.jkk.disability_multiple",
        "dbh_sawit.roads.min_share",
        "dbh_sawit.other.max_share",
        "targets.workers_per_desa",
    ):
        assert name in params.names(), name


def test_parameter_sources_are_in_the_source_registers():
    known = {r["source_id"] for r in _csv("sources.csv")}
    known |= {r["source_id"] for r in _csv("sources_reference.csv")}
    assumptions = load_assumptions()
    params = load_parameters()
    for name in params.names():
        for entry in params.history(name):
            if entry["source_id"]:
                assert entry["source_id"] in known, (name, entry["source_id"])
            if entry["assumption"]:
                assert entry["assumption"] in assumptions, (name, entry["assumption"])


def test_package_jkk_jkm_at_the_floor_is_16800():
    params = load_parameters()
    # PP 44/2015 as reported: JKK 1% of the declared income, JKM flat Rp6.800.
    # 1% x Rp1.000.000 + Rp6.800 = 10.000 + 6.800 = 16.800 per worker per month.
    total = (
        params.get("bpu.jkk.rate") * params.get("bpu.income.floor_rp")
        + params.get("bpu.jkm.monthly_rp")
    )
    assert total == pytest.approx(16_800)
    # With JHT 2% of Rp1.000.000 = 20.000: 16.800 + 20.000 = 36.800.
    assert total + params.get("bpu.jht.rate") * params.get("bpu.income.floor_rp") == (
        pytest.approx(36_800)
    )


def test_jkm_components_sum_to_42_juta():
    params = load_parameters()
    # PP 82/2019: 20 jt + 12 jt + 10 jt = 42 jt.
    parts = sum(
        params.get(f"benefits.jkm.{p}_rp") for p in ("santunan_kematian", "santunan_berkala",
                                                      "pemakaman")
    )
    assert parts == 42_000_000 == params.get("benefits.jkm.total_rp")


def test_jkm_santunan_kept_before_and_after_pp_82_2019():
    params = load_parameters()
    history = params.history("benefits.jkm.santunan_kematian_rp")
    assert [e["value"] for e in history] == [16_200_000, 20_000_000]
    # Before PP 82/2019 the three parts were 16,2 + 6 + 3 = 25,2 jt.
    day = date(2018, 6, 1)
    old = sum(
        params.get(f"benefits.jkm.{p}_rp", day)
        for p in ("santunan_kematian", "santunan_berkala", "pemakaman")
    )
    assert old == 25_200_000 == params.get("benefits.jkm.total_rp", day)


def test_scholarship_cap_matches_the_amounts_per_level():
    params = load_parameters()
    per_child = sum(
        params.get(f"benefits.beasiswa.{level}.per_year_rp")
        * params.get(f"benefits.beasiswa.{level}.max_years")
        for level in ("tk_sd", "smp", "sma", "pt")
    )
    # 1,5 jt x 8 + 2 jt x 3 + 3 jt x 3 + 12 jt x 5 = 12 + 6 + 9 + 60 = 87 jt per child; x 2.
    assert per_child == 87_000_000
    assert per_child * params.get("benefits.beasiswa.max_children") == params.get(
        "benefits.beasiswa.max_total_rp"
    )


def test_dbh_sawit_shares_sum_to_one():
    params = load_parameters()
    # PMK 91/2023: at least 80% roads, at most 20% other activities.
    assert params.get("dbh_sawit.roads.min_share") + params.get(
        "dbh_sawit.other.max_share"
    ) == pytest.approx(1.0)
    # PP 38/2023: 20% province + 60% producing + 20% bordering.
    split = sum(
        params.get(f"dbh_sawit.split.{p}_share") for p in ("province", "producing", "bordering")
    )
    assert split == pytest.approx(1.0)


def test_pp_50_2025_discount_is_flagged_and_excludes_apbd():
    params = load_parameters()
    entry = params.entry("bpu.discount.pp50_2025.share", date(2026, 1, 1))
    assert entry["value"] == 0.5 and "UNCONFIRMED" in entry["flag"]
    assert params.get("bpu.discount.pp50_2025.applies_to_apbd", date(2026, 1, 1)) is False


def test_village_target_is_100_per_desa():
    assert load_parameters().get("targets.workers_per_desa", date(2023, 6, 11)) == 100


# --- Loader behaviour on hand-written fixtures ----------------------------------------------------

ENTRY = """    unit: rupiah per death
    reference: "PP test"
    source_id: ref-test
"""


def test_dated_lookup_returns_the_value_in_force(tmp_path):
    folder = tmp_path / "dated"
    _write(
        folder,
        "benefits.yml",
        "benefits.test_rp:\n"
        "  - value: 100\n    effective_from: 2015-07-01\n" + ENTRY
        + "  - value: 200\n    effective_from: 2019-12-02\n" + ENTRY,
    )
    params = load_parameters(folder)
    assert params.get("benefits.test_rp", date(2017, 1, 1)) == 100  # between the two dates
    assert params.get("benefits.test_rp", "2019-12-01") == 100
    assert params.get("benefits.test_rp", "2019-12-02") == 200  # from its first day
    assert params.get("benefits.test_rp") == 200  # today
    assert params.entry("benefits.test_rp", date(2017, 1, 1))["reference"] == "PP test"
    assert params.names() == ["benefits.test_rp"]
    with pytest.raises(ParameterLookupError, match="benefits.test_rp.*2015-06-30"):
        params.get("benefits.test_rp", date(2015, 6, 30))


def test_unknown_parameter_names_it_and_suggests(tmp_path):
    folder = tmp_path / "one"
    _write(folder, "a.yml", "bpu.jkk.rate:\n  - value: 0.01\n    effective_from: 2015-01-01\n"
           "    unit: share of declared monthly income\n    reference: PP 44/2015\n"
           "    source_id: ref-x\n")
    params = load_parameters(folder)
    with pytest.raises(ParameterLookupError, match="bpu.jkk.rat'.*bpu.jkk.rate"):
        params.get("bpu.jkk.rat")
    with pytest.raises(LookupError):  # callers may catch it as a lookup failure
        params.get("nothing.here")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "    unit: rupiah per death\n    source_id: s\n",
            "x.yml: a.b\\[0\\]: missing 'reference'",
        ),
        (
            "    unit: rupiah per death\n    reference: r\n    source_id: s\n"
            "    effective_from: 2019-13-45\n",
            "x.yml: a.b\\[0\\]: effective_from '2019-13-45' is not an ISO date",
        ),
        (
            "    unit: rupiah per wroker\n    reference: r\n    source_id: s\n",
            "x.yml: a.b\\[0\\]: unknown unit 'rupiah per wroker'",
        ),
        ("    unit: rupiah per death\n    reference: r\n", "a.b\\[0\\]: needs a source_id"),
        (
            "    unit: rupiah per death\n    reference: r\n    source_id: s\n    flag: MAYBE\n",
            "a.b\\[0\\]: flag 'MAYBE'",
        ),
    ],
)
def test_invalid_entries_name_file_and_parameter(tmp_path, body, message):
    folder = tmp_path / "bad"
    text = "a.b:\n  - value: 5\n" + body
    if "effective_from" not in body:
        text += "    effective_from: 2020-01-01\n"
    _write(folder, "x.yml", text)
    with pytest.raises(ParameterError, match=message):
        load_parameters(folder)


def test_share_outside_zero_one_is_rejected(tmp_path):
    folder = tmp_path / "share"
    _write(folder, "x.yml", "a.share:\n  - value: 80\n    effective_from: 2023-01-01\n"
           "    unit: share of the allocation\n    reference: r\n    source_id: s\n")
    with pytest.raises(ParameterError, match="a.share.*0-1"):
        load_parameters(folder)


def test_same_name_in_two_files_is_rejected(tmp_path):
    folder = tmp_path / "dup"
    body = ("x.y:\n  - value: 1\n    effective_from: 2020-01-01\n    unit: years\n"
            "    reference: r\n    source_id: s\n")
    _write(folder, "a.yml", body)
    _write(folder, "b.yml", body)
    with pytest.raises(ParameterError, match="b.yml: parameter 'x.y' is also in"):
        load_parameters(folder)


# --- Assumptions log ------------------------------------------------------------------------------


def test_every_assumption_has_id_statement_rationale_uncertainty():
    raw = yaml.safe_load(config.ASSUMPTIONS.read_text(encoding="utf-8"))
    assert isinstance(raw, list)
    for item in raw:
        for key in ("id", "title", "statement", "rationale", "source", "uncertainty", "used_by"):
            assert item.get(key), (item.get("id"), key)
        assert item["uncertainty"] in ("low", "medium", "high")


def test_assumptions_log_has_the_agreed_ids_and_consistent_ranges():
    log = load_assumptions()
    assert {f"A{i:02d}" for i in range(1, 11)} <= set(log)
    for aid, entry in log.items():
        if "low" in entry and "high" in entry:
            assert entry["low"] <= entry["value"] <= entry["high"], aid
    # A03 from Toba: 40 deaths over 2 years among ~7.000 workers = 40 / 14.000.
    assert log["A03"]["value"] == pytest.approx(40 / (2 * 7000), rel=1e-3)
    # A01 from Sakernas Aug 2023 and the 2022 province population: 7,55 jt / 15.305.230 x 0,5852.
    assert log["A01"]["value"] == pytest.approx(7_550_000 / 15_305_230 * 0.5852, abs=1e-4)
    # A09 is the value pu.jp.rate carries.
    assert load_parameters().get("pu.jp.rate") == log["A09"]["value"]
    # A10: the declared income of pemda-paid BPU workers is the floor.
    assert load_parameters().get("bpu.income.floor_rp") == log["A10"]["value"]


def test_assumptions_loader_rejects_missing_rationale_and_bad_level(tmp_path):
    path = _write(tmp_path, "a.yml", "- id: A01\n  title: t\n  statement: s\n  source: [x]\n"
                  "  uncertainty: low\n  used_by: [m]\n")
    with pytest.raises(ParameterError, match="a.yml: entry 1: missing 'rationale'"):
        load_assumptions(path)
    path = _write(tmp_path, "b.yml", "- id: A02\n  title: t\n  statement: s\n  rationale: r\n"
                  "  source: [x]\n  uncertainty: huge\n  used_by: [m]\n")
    with pytest.raises(ParameterError, match="A02.*uncertainty 'huge'"):
        load_assumptions(path)


def test_assumptions_are_returned_as_copies():
    first = load_assumptions()
    first["A01"]["value"] = -1
    assert load_assumptions()["A01"]["value"] != -1


# --- Reference tables -----------------------------------------------------------------------------


def _regency(code: str) -> dict[str, str]:
    return next(r for r in _csv("regencies.csv") if r["regency_code"] == code)


def test_nias_selatan_and_labuhanbatu_counts():
    # Bupati of Nias Selatan (Antara Sumut, 11 Jun 2023): 35 kecamatan, 2 kelurahan, 459 desa.
    nisel = _regency("12.14")
    assert (nisel["short_name"], nisel["kecamatan"], nisel["desa"], nisel["kelurahan"]) == (
        "Nias Selatan", "35", "459", "2",
    )
    assert nisel["name"] == "Kabupaten Nias Selatan" and nisel["type"] == "kabupaten"
    # Labuhanbatu: "100 x 75 desa = 7.500".
    assert _regency("12.10")["desa"] == "75"
    assert (_regency("12.71")["name"], _regency("12.71")["short_name"]) == ("Kota Medan", "Medan")


def test_north_sumatra_has_33_regencies_and_indonesia_38_provinces():
    rows = _csv("regencies.csv")
    sumut = [r for r in rows if r["province_code"] == "12"]
    assert len(sumut) == 33
    assert sum(r["type"] == "kabupaten" for r in sumut) == 25
    assert sum(r["type"] == "kota" for r in sumut) == 8
    assert {r["province_name"] for r in sumut} == {"Sumatera Utara"}
    assert len({r["province_code"] for r in rows}) == 38
    assert [r["regency_code"] for r in rows] == sorted(r["regency_code"] for r in rows)


def test_aliases_point_to_north_sumatra_regencies():
    codes = {r["regency_code"] for r in _csv("regencies.csv")}
    aliases = _csv("regency_aliases.csv")
    by_alias = {a["alias"]: a["regency_code"] for a in aliases}
    assert all(code in codes and code.startswith("12.") for code in by_alias.values())
    assert all(a["note"] for a in aliases)
    assert by_alias["Labusel"] == "12.22" and by_alias["Toba Samosir"] == "12.12"
    assert by_alias["Madina"] == "12.13" and by_alias["Psp"] == "12.77"


def test_dbh_sawit_keeps_the_mandailing_natal_conflict():
    rows = [r for r in _csv("dbh_sawit.csv") if r["area_code"] == "12.13" and r["year"] == "2023"]
    assert sorted(int(r["amount_rp"]) for r in rows) == [9_150_000_000, 9_543_279_000]
    assert all("CONFLICT" in r["flag"] for r in rows)
    used = [r for r in rows if r["note"].startswith("USED:")]
    assert [int(r["amount_rp"]) for r in used] == [9_543_279_000]
    later = [r for r in _csv("dbh_sawit.csv") if r["year"] == "2026"]
    assert later and all("UNCONFIRMED" in r["flag"] for r in later)


# --- The regency derivation script on a tiny package ----------------------------------------------


def _derive_module():
    spec = importlib.util.spec_from_file_location(
        "derive_regencies", config.DATA / "scripts" / "derive_regencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_derive_counts_desa_kelurahan_and_title_cases(tmp_path):
    derive = _derive_module()
    data = tmp_path / "data"
    _write(data, "provinces.csv", "code,name\n31,DKI JAKARTA\n91,PAPUA\n")
    _write(data, "regencies.csv", "code,province_code,name\n"
           "91.03,91,KABUPATEN JAYAPURA\n31.71,31,KOTA ADMINISTRASI JAKARTA PUSAT\n")
    _write(data, "districts.csv", "code,regency_code,name\n"
           "91.03.01,91.03,A\n91.03.02,91.03,B\n31.71.01,31.71,C\n")
    _write(data, "villages.csv", "code,district_code,name\n"
           "91.03.01.1001,91.03.01,K\n91.03.01.2002,91.03.01,D\n91.03.02.3003,91.03.02,Adat\n"
           "31.71.01.1001,31.71.01,K2\n")
    rows = derive.derive(data)
    assert [r["regency_code"] for r in rows] == ["31.71", "91.03"]
    jakpus, jayapura = rows
    assert (jakpus["name"], jakpus["short_name"], jakpus["type"]) == (
        "Kota Administrasi Jakarta Pusat", "Jakarta Pusat", "kota",
    )
    assert jakpus["province_name"] == "DKI Jakarta"
    # 2001-type code = desa, 3xxx desa adat counts as desa, 1xxx = kelurahan.
    assert (jayapura["kecamatan"], jayapura["desa"], jayapura["kelurahan"]) == ("2", "2", "1")
    text = derive.to_csv_bytes(rows).decode("utf-8")
    assert text.startswith(",".join(derive.COLUMNS) + "\n") and "\r" not in text
    assert derive.title_case("KABUPATEN PANGKAJENE DAN KEPULAUAN") == (
        "Kabupaten Pangkajene dan Kepulauan"
    )


def test_every_shipped_assumption_has_an_indonesian_title():
    # Reports in Bahasa Indonesia list the assumptions they use by their Indonesian title.
    for key, entry in load_assumptions().items():
        assert str(entry.get("title_id", "")).strip(), f"{key} has no title_id"


def _bump(path: Path) -> None:
    """Make an edit visible to a stamp (path, mtime, size) even within one clock tick."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_an_edited_parameter_file_is_read_again(tmp_path):
    # A researcher edits a rate in JupyterLab and re-runs the cell: no restart, no clear_caches.
    folder = tmp_path / "edited"
    _write(folder, "rates.yml",
           "rates.test_rp:\n  - value: 100\n    effective_from: 2015-07-01\n" + ENTRY)
    assert load_parameters(folder).get("rates.test_rp", "2020-01-01") == 100
    path = folder / "rates.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 100", "value: 250"),
                    encoding="utf-8")
    _bump(path)
    assert load_parameters(folder).get("rates.test_rp", "2020-01-01") == 250


def test_an_edited_assumptions_log_is_read_again_and_changes_the_data_stamp(tmp_path,
                                                                             monkeypatch):
    log = tmp_path / "assumptions.yml"
    shipped = yaml.safe_load(config.ASSUMPTIONS.read_text(encoding="utf-8"))
    log.write_text(yaml.safe_dump(shipped, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(config, "ASSUMPTIONS", log)
    first_stamp = data_stamp(["regencies"])
    entry = next(iter(load_assumptions().values()))
    items = shipped["assumptions"] if isinstance(shipped, dict) else shipped
    items[0]["title"] = entry["title"] + " (edited)"
    log.write_text(yaml.safe_dump(shipped, allow_unicode=True), encoding="utf-8")
    _bump(log)
    assert next(iter(load_assumptions().values()))["title"].endswith("(edited)")
    # Caches of model results keyed by data_stamp (the coverage table reads A01) move too.
    assert data_stamp(["regencies"]) != first_stamp
