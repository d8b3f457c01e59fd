"""Page 1's coverage message says what page 2 shows: the rate of the target it names, the count
that rate counts, workers on record without a rate, ended programmes, and the date at the
precision the source gives (no page-1 "no data" beside a page-2 count).

Expected values are worked out by hand from the data rows in the comments.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.briefs import RegencyBrief
from analysis.model.coverage.counted import date_precision

AS_OF = "2026-02-01"


@pytest.fixture(scope="module")
def pages() -> dict:
    return {code: RegencyBrief(code, as_of=AS_OF).summary()
            for code in ("12.71", "12.15", "12.10", "12.22", "12.01")}


def test_kota_without_desa_shows_its_informal_rate_on_page_one(pages):
    page = pages["12.71"]
    # Kota Medan has no desa: page 1 names the informal estimate (214.555). Counted there:
    # 17.851 APBD-paid (2025) + 18.906 Empowering Kepling paying more than one month = 36.757;
    # 36.757 / 214.555 = 17,13% → "17,1%"; gap 214.555 − 36.757 = 177.798 workers;
    # 177.798 × Rp16.800 × 12 = Rp35.844.076.800 → "Rp35,84 miliar" (page 2's own row).
    assert page.figures[0].text == "17,1%"
    assert "177.798" in page.title and "Rp35,84 miliar" in page.title
    assert "36.757" in page.messages[0] and "17,1%" in page.messages[0]
    assert "belum ada data" not in page.messages[0] and "belum terukur" not in page.title


def test_workers_on_record_without_a_rate_are_not_called_no_data(pages):
    page = pages["12.15"]
    # Pakpak Bharat, 9 Juli 2025: 77 BPD + 498 perangkat desa + 4.979 + 485 THL = 6.039
    # protected, none of them in the village target's groups: no rate, but not "no data".
    assert "6.039" in page.messages[0] and "9 Juli 2025" in page.messages[0]
    assert "belum ada data" not in page.messages[0]
    assert page.figures[0].text == "belum terukur"


def test_the_rate_comes_with_the_count_it_counts_and_the_year_only_date(pages):
    message = pages["12.10"].messages[0]
    # Labuhanbatu: 7.500 village workers / (100 × 75 desa) = 100,0%; the 14.300 total (all
    # groups, a year-only 2025 fact) is said apart, and no day is invented for it.
    assert "**100,0%** dari sasaran desa 7.500" in message
    assert "7.500 pekerja rentan terlindungi (2025)" in message
    assert "Seluruhnya 14.300" in message
    assert "1 Januari 2025" not in message


def test_ended_programmes_are_history_on_page_one(pages):
    message = pages["12.22"].messages[0]
    # Labuhanbatu Selatan: 2.000 workers Oktober–Desember 2022 only; ended, not "no data".
    assert "sudah berakhir" in message and "Desember 2022" in message
    assert "belum ada data" not in message


def test_a_misprint_set_aside_is_named_on_page_one(pages):
    # Tapanuli Tengah: the 17.589 the data call a probable misprint is not a count, but said.
    message = pages["12.01"].messages[0]
    assert "17.589" in message and "salah cetak" in message


def test_a_flat_plan_is_not_said_to_rise():
    page = RegencyBrief("12.71", as_of=AS_OF).summary()
    # Medan's target is the informal estimate every year: the same APBD each year.
    assert "naik bertahap" not in page.messages[2]
    assert "jumlah yang sama setiap tahun" in page.messages[2]


def test_page_two_tile_keeps_a_year_only_date():
    text = repr(RegencyBrief("12.10", as_of=AS_OF).coverage())
    # The 14.300 of 2025 is a year-only fact: "(2025)", never "1 Januari 2025".
    assert "pekerja terlindungi (2025)" in text and "1 Januari 2025" not in text
    # The 100,0% tile beside 14.300 says it counts the 7.500 village-programme workers.
    assert "7.500 pekerja program desa dihitung" in text


def test_date_precision_finest_on_the_newest_date():
    day = pd.Timestamp("2025-01-01")
    rows = pd.DataFrame({"_date": [day, day, pd.Timestamp("2024-10-17")],
                         "date_precision": ["year", "year", ""]})
    assert date_precision(rows, day) == "year"
    rows.loc[1, "date_precision"] = "month"
    assert date_precision(rows, day) == "month"
    rows.loc[0, "date_precision"] = ""  # empty is read as a day
    assert date_precision(rows, day) == "day"
    assert date_precision(rows.drop(columns="date_precision"), day) == "day"


def test_the_chance_names_the_budget_year_it_rests_on():
    page = RegencyBrief("12.12", as_of=AS_OF).summary()
    chance = next(m for m in page.messages if m.startswith("**Peluang:**"))
    # Toba: case S7 pays 7.000 workers × Rp200.000 = Rp1.400.000.000 in TA 2024 and again in TA
    # 2025 (period ending 31 Desember 2025). On 1 Februari 2026 the newest recorded APBD year is
    # 2025, a closed year: the chance says "TA 2025", never "spent today".
    assert "TA 2025" in chance and "Rp1,4 miliar" in chance
    assert "saat ini" not in chance


def test_a_scenario_target_other_than_page_ones_is_said_beside_the_apbd(pages):
    apbd = next(m for m in pages["12.15"].messages if m.startswith("**APBD:**"))
    # Pakpak Bharat: the scenario file aims at 890 palm workers + 7.157 unprotected = 8.047 by
    # 2030, while page 1's target is the village one, 52 desa × 100 = 5.200: both named.
    assert "8.047 pekerja pada 2030" in apbd and "bukan sasaran desa 5.200" in apbd


def test_no_target_note_when_the_scenario_aims_at_page_ones_target():
    page = RegencyBrief("12.11", as_of=AS_OF).summary()
    apbd = next(m for m in page.messages if m.startswith("**APBD:**"))
    # Dairi: the default scenario reaches the village target, 161 desa × 100 = 16.100, in 2030.
    assert "16.100 pekerja pada 2030" in apbd and "berkas skenario" not in apbd


def test_a_village_target_reached_still_shows_the_informal_gap(pages):
    message = pages["12.10"].messages[0]
    # Labuhanbatu: the village target is reached, but against the A01 estimate of 147.717
    # informal workers the 14.300 protected are 14.300 / 147.717 = 9,68% → "9,7%"; the gap
    # 147.717 − 14.300 = 133.417 workers × Rp16.800 × 12 = Rp26.900.467.200 → "Rp26,9 miliar".
    assert "147.717 pekerja informal" in message and "9,7%" in message
    assert "133.417" in message and "Rp26,9 miliar" in message


def test_a_kota_gets_a_mayor_a_perwal_and_no_dana_desa(pages):
    # Kota Medan: 0 desa, 151 kelurahan. Its head is the Wali Kota, its regulation a Perwal, and
    # Dana Desa does not exist there (not "Rp0 ... per desa").
    page = pages["12.71"]
    assert page.kicker.startswith("Ringkasan untuk Wali Kota")
    texts = {f.label: f.text for f in page.decision}
    assert texts["Instrumen"].startswith("Perwal")
    assert texts["Dana Desa 2027"] == "tidak berlaku: kota tanpa desa."
    assert page.actions[1].startswith("Wali Kota: terbitkan Perwal")
    # Kabupaten Labuhanbatu (75 desa): the Bupati, a Perbup, and Dana Desa per desa.
    other = pages["12.10"]
    assert other.kicker.startswith("Ringkasan untuk Bupati")
    assert {f.label: f.text for f in other.decision}["Instrumen"].startswith("Perbup")


def test_dbh_message_names_the_counted_palm_workers_where_there_are_some(pages):
    # Pakpak Bharat's scenario pays 890 counted palm workers from DBH Sawit: page 1 must not
    # say that nobody has counted them. Dairi has no count: there it still says so.
    pakpak = next(m for m in pages["12.15"].messages if m.startswith("**DBH Sawit"))
    assert "890" in pakpak and "belum didata" not in pakpak
    dairi = next(m for m in RegencyBrief("12.11", as_of=AS_OF).summary().messages
                 if m.startswith("**DBH Sawit"))
    assert "belum didata" in dairi
