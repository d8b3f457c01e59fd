"""Every label exists in both report languages."""

import pytest

from analysis.core import i18n


def test_every_key_has_both_languages():
    catalogue = i18n._catalogue()
    assert catalogue, "no locale files found"
    for key, texts in catalogue.items():
        for lang in i18n.LANGUAGES:
            assert texts[lang].strip(), f"{key} is empty in {lang}"


def test_translate_and_fill():
    assert i18n.t("common.no_data", "id") == "tidak ada data"
    assert i18n.t("common.no_data", "en") == "no data"


def test_unknown_key_and_language_fail_loudly():
    with pytest.raises(KeyError, match="locales"):
        i18n.t("common.does_not_exist")
    with pytest.raises(ValueError, match="language"):
        i18n.t("common.no_data", "fr")
