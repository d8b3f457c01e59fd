"""Facts said in words: flags as words, the sources' Indonesian words quoted, English notes not."""

from __future__ import annotations

from analysis.views.facts import flag_codes, flag_words, quotations, quoted


def test_flags_are_words_in_a_fixed_order():
    assert flag_codes("CONFLICT;DERIVED") == ["CONFLICT", "DERIVED"]
    assert flag_codes("UNCONFIRMED;PLANNED") == ["PLANNED", "UNCONFIRMED"]
    assert flag_codes(float("nan")) == [] and flag_words("", "id") == ""
    assert flag_words("PLANNED;UNCONFIRMED", "id") == (
        "rencana, belum terlaksana; belum terkonfirmasi")
    assert flag_words("CONFLICT", "en") == "sources give different figures"


def test_only_the_sources_indonesian_words_are_quoted():
    # A note as the researchers write it: English, with the source quoted in single quotes.
    note = ("'telah mengalokasikan anggaran untuk perlindungan Jamsostek bagi 890 pekerja'; "
            "a Perkada 'akan diterbitkan'. The Bupati's words; 'almost 8,000' (English) and "
            "'more than Rp400 juta' are the researchers' own.")
    assert quotations(note) == [
        "telah mengalokasikan anggaran untuk perlindungan Jamsostek bagi 890 pekerja"]
    assert quoted(note, "id").startswith("“telah mengalokasikan") and quoted(note).endswith("”")
    assert quotations(None) == [] and quotations("no quotation at all") == []


def test_a_source_silent_on_funding_is_not_a_second_payment():
    import pandas as pd

    from analysis.views.facts import known_funding

    # Pakpak Bharat 2025 in miniature: Analisadaily gives 4.979 THL without saying who pays,
    # Sibayak News gives the same 4.979 THL paid by the APBD, and 485 THL (another payment).
    # The first takes "apbd" (one payment told twice); 485 and the BPD row are untouched; a
    # 2023 plan with no match stays unknown; a match naming two sources stays unknown.
    cases = pd.DataFrame({
        "year": [2025, 2025, 2025, 2023, 2024, 2024, 2024],
        "segment": ["thl_non_asn", "thl_non_asn", "thl_non_asn", "pekerja_rentan",
                    "bpd", "bpd", "bpd"],
        "workers": [4979, 4979, 485, None, 77, 77, 77],
        "budget_rp": [None] * 7,
        "flag": ["", "", "", "PLANNED", "", "", ""],
        "funding_source": ["unknown", "apbd", "apbd", "unknown", "unknown", "apbd", "csr"],
    })
    out = known_funding(cases)
    assert list(out["funding_source"]) == ["apbd", "apbd", "apbd", "unknown", "unknown",
                                           "apbd", "csr"]
    assert list(cases["funding_source"])[0] == "unknown"  # the input is not changed
