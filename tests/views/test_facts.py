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
