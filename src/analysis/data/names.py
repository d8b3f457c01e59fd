"""Regency names as people write them → Kemendagri codes of kab/kota, provinces and the country.

``"Kab. Labusel"``, ``"LABUHAN BATU SELATAN"`` and ``"Kabupaten Toba Samosir"`` all name one
kab/kota. Matching ignores case, punctuation, spacing and the usual prefixes; aliases come from
``data/raw/regency_aliases.csv``. The name index is built from the catalogue and cached on the
files it was built from.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.core import config
from analysis.core.errors import AmbiguousRegency, UnknownRegency
from analysis.core.files import file_stamp
from analysis.data.schemas import NATIONAL
from analysis.data.tables import load_table, references_stamp

# Prefixes stripped before matching a regency name (data/README.md, regency_aliases); the value
# says which type of kab/kota the prefix points to.
_PREFIXES = {
    "pemerintah kabupaten": "kabupaten",
    "pemerintah kota": "kota",
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "pemkab": "kabupaten",
    "kota": "kota",
    "pemko": "kota",
    "pemkot": "kota",
    "kotamadya": "kota",
    "kodya": "kota",
}
_SUFFIXES = {"regency": "kabupaten", "city": "kota"}
# Short province names used in news (full names come from regencies.csv).
_PROVINCE_ALIASES = {"sumut": "12", "sumatrautara": "12", "northsumatra": "12"}
_NATIONAL_NAMES = {"id", "indonesia", "nasional", "national"}


def normalise_name(name: str) -> tuple[str, str | None]:
    """Matching key of a regency name, and the type its prefix points to.

    Parameters
    ----------
    name : str
        e.g. ``"Kab. Labuhan Batu Selatan"``.

    Returns
    -------
    (str, str or None)
        The key: lower case letters and digits only, prefixes like Kab./Kabupaten/Kota/Pemkab/
        Pemko removed (``"labuhanbatuselatan"``); and ``"kabupaten"``, ``"kota"`` or None.
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    kind = None
    changed = True
    while changed:
        changed = False
        for prefix, prefix_kind in _PREFIXES.items():
            if text == prefix or text.startswith(prefix + " "):
                text, kind, changed = text[len(prefix) :].strip(), prefix_kind, True
                break
        for suffix, suffix_kind in _SUFFIXES.items():
            if text.endswith(" " + suffix):
                text, kind, changed = text[: -len(suffix)].strip(), suffix_kind, True
    return text.replace(" ", ""), kind


@dataclass(frozen=True)
class _NameIndex:
    keys: dict[str, frozenset[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    provinces: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=4)
def _name_index(stamp: tuple) -> _NameIndex:
    reg = load_table("regencies", include_user=False)
    keys: dict[str, set[str]] = {}
    for row in reg.itertuples(index=False):
        for name in (row.name, row.short_name, row.regency_code.replace(".", "")):
            keys.setdefault(normalise_name(name)[0], set()).add(row.regency_code)
    if (config.RAW / "regency_aliases.csv").exists():
        for row in load_table("regency_aliases").itertuples(index=False):
            keys.setdefault(normalise_name(row.alias)[0], set()).add(row.regency_code)
    provinces = {
        normalise_name(n)[0]: c for c, n in zip(reg.province_code, reg.province_name, strict=True)
    }
    provinces.update(_PROVINCE_ALIASES)
    return _NameIndex(
        keys={k: frozenset(v) for k, v in keys.items()},
        types=dict(zip(reg.regency_code, reg.type, strict=True)),
        provinces={k: v for k, v in provinces.items() if v in set(reg.province_code)},
        names=dict(zip(reg.regency_code, reg.name, strict=True)),
    )


def _index() -> _NameIndex:
    files = [config.RAW / "regencies.csv", config.RAW / "regency_aliases.csv"]
    return _name_index(tuple(file_stamp(p) for p in files) + references_stamp(False))


def resolve_regency(name: str, province: str | None = None) -> str:
    """Kemendagri code of a kab/kota written in any common variant.

    Parameters
    ----------
    name : str
        ``"Kab. Labusel"``, ``"LABUHAN BATU SELATAN"``, ``"Kabupaten Toba Samosir"``, ``"Medan"``,
        or a code (``"12.22"``, ``"1222"``). Matching ignores case, punctuation, spaces and the
        prefixes Kab./Kabupaten/Kota/Pemkab/Pemko; aliases come from
        ``data/raw/regency_aliases.csv``.
    province : str, optional
        Restrict the match to one province (e.g. ``"12"``).

    Returns
    -------
    str
        The code ``PP.RR``.

    Raises
    ------
    UnknownRegency
        No kab/kota has that name (the message suggests close names).
    AmbiguousRegency
        Several do (e.g. Kabupaten and Kota Bekasi) and neither prefix nor province decides.
    """
    index = _index()
    key, kind = normalise_name(name)
    codes = set(index.keys.get(key, ()))
    if province is not None:
        codes = {c for c in codes if c.startswith(f"{province}.")}
    if len(codes) > 1 and kind:
        codes = {c for c in codes if index.types[c] == kind} or codes
    if len(codes) == 1:
        return codes.pop()
    where = f" in province {province}" if province else ""
    if codes:
        options = ", ".join(f"{c} {index.names[c]}" for c in sorted(codes))
        raise AmbiguousRegency(
            f"{name!r} could be several kab/kota{where} ({options}); write 'Kabupaten' or "
            "'Kota' before the name, or use the code"
        )
    close = difflib.get_close_matches(key, list(index.keys), n=3, cutoff=0.75)
    hint = ""
    if close:
        codes_close = sorted({c for k in close for c in index.keys[k]})
        hint = "; did you mean " + " or ".join(index.names[c] for c in codes_close[:3]) + "?"
    raise UnknownRegency(f"unknown kab/kota {name!r}{where}{hint}")


def resolve_area(name: str, province: str | None = None) -> str:
    """Area code of a kab/kota, a province or the whole country.

    Parameters
    ----------
    name : str
        A regency name or code (see :func:`resolve_regency`), a province name or code
        (``"Sumatera Utara"``, ``"Provinsi Sumut"``, ``"12"``), or ``"Indonesia"``/``"ID"``.
    province : str, optional
        Restrict regency names to one province.

    Returns
    -------
    str
        ``PP.RR``, ``PP`` or ``ID``.
    """
    text = str(name).strip()
    index = _index()
    if text.upper() == NATIONAL or normalise_name(text)[0] in _NATIONAL_NAMES:
        return NATIONAL
    if re.fullmatch(r"\d{2}", text) and text in set(index.provinces.values()):
        return text
    key = normalise_name(text)[0]
    bare = re.sub(r"^(provinsi|propinsi|province|prov)", "", key)
    if bare in index.provinces and (bare != key or key not in index.keys):
        # A bare name that is also a kab/kota (Bengkulu, Gorontalo) means the kab/kota;
        # "Provinsi ..." always means the province.
        return index.provinces[bare]
    return resolve_regency(text, province)
