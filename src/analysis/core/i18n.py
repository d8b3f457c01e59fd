"""Report language: labels and sentences in Bahasa Indonesia (default) and English.

Strings live in ``locales/<area>.yml`` (one file per module that needs text, e.g. ``figures.yml``,
``reports.yml``), each a mapping ``key → {id: ..., en: ...}``. A key is addressed as
``"<area>.<key>"``. Missing translations fail loudly instead of printing a key into a PDF.
"""

from __future__ import annotations

from functools import lru_cache

from analysis.core import config
from analysis.core.files import parse_yaml

LANGUAGES = ("id", "en")


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, str]]:
    strings: dict[str, dict[str, str]] = {}
    for path in sorted(config.LOCALES.glob("*.yml")):
        area = path.stem
        for key, texts in (parse_yaml(path.read_text(encoding="utf-8")) or {}).items():
            missing = [lang for lang in LANGUAGES if lang not in (texts or {})]
            if missing:
                raise ValueError(f"{path.name}: key {key!r} has no text for {', '.join(missing)}")
            strings[f"{area}.{key}"] = texts
    return strings


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported report language.

    Parameters
    ----------
    lang : str
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        The same code.

    Raises
    ------
    ValueError
        For any other code.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def t(key: str, lang: str = "id", **values: object) -> str:
    """Translate ``key`` and fill ``{placeholders}`` with ``values``.

    Parameters
    ----------
    key : str
        ``"<area>.<key>"``, e.g. ``"figures.coverage_rate"``.
    lang : {"id", "en"}
        Report language.
    **values
        Values for the placeholders, already formatted as text (see ``analysis.core.numbers``).

    Returns
    -------
    str
        The sentence in the requested language.
    """
    check_lang(lang)
    try:
        text = _catalogue()[key][lang]
    except KeyError:
        raise KeyError(f"no text for {key!r}; add it to src/analysis/locales/") from None
    return text.format(**values) if values else text
