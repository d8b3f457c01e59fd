"""Regency names: every shipped name and alias, the variants offices write, and failures."""

from __future__ import annotations

import pytest

from analysis import data
from analysis.core.errors import AmbiguousRegency, UnknownRegency, UserError


def test_shipped_names_resolve_to_their_codes():
    for row in data.load_table("regency_aliases").itertuples(index=False):
        assert data.resolve_regency(row.alias) == row.regency_code, row.alias
    sumut = data.regencies("12")
    assert len(sumut) == 33  # 25 kabupaten + 8 kota
    for row in sumut.itertuples(index=False):
        for name in (row.name, row.short_name, row.name.upper()):
            assert data.resolve_regency(name) == row.regency_code, name
    assert data.resolve_regency("Kab. Labusel") == "12.22"
    assert data.resolve_regency("LABUHAN BATU SELATAN") == "12.22"
    assert data.resolve_regency("Kabupaten Toba Samosir") == "12.12"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Labuhanbatu Selatan", "12.22"),
        ("LABUHAN BATU SELATAN", "12.22"),
        ("Kab. Labusel", "12.22"),
        ("Kabupaten Labuhanbatu Selatan", "12.22"),
        ("Kabupaten Toba Samosir", "12.12"),  # former name, via the alias list
        ("Toba", "12.12"),
        ("Pemkab Nisel", "12.14"),
        ("Kota Medan", "12.71"),
        ("medan", "12.71"),
        ("Medan City", "12.71"),
        ("12.14", "12.14"),
        ("1214", "12.14"),
        ("Kota Bekasi", "32.75"),
        ("Kab. Bekasi", "32.16"),
    ],
)
def test_resolve_regency(fixture_data, name, code):
    assert data.resolve_regency(name) == code


def test_resolve_regency_failures(fixture_data):
    with pytest.raises(AmbiguousRegency, match="32.16 Kabupaten Bekasi, 32.75 Kota Bekasi"):
        data.resolve_regency("Bekasi")
    with pytest.raises(UnknownRegency, match="did you mean .*Kabupaten Labuhanbatu Selatan"):
        data.resolve_regency("Labuhanbatu Selatn")
    with pytest.raises(UnknownRegency, match="in province 32"):
        data.resolve_regency("Medan", province="32")
    assert issubclass(UnknownRegency, UserError)


def test_resolve_regency_by_province_filter(fixture_data):
    assert data.resolve_regency("Dairi", province="12") == "12.11"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Sumatera Utara", "12"),
        ("Provinsi Sumut", "12"),
        ("12", "12"),
        ("Indonesia", "ID"),
        ("ID", "ID"),
        ("Kab. Dairi", "12.11"),
    ],
)
def test_resolve_area(fixture_data, name, code):
    assert data.resolve_area(name) == code
