"""The data layer every analysis reads from: validated tables, regency names, raw-file checksums.

Tables are read from ``data/raw`` (read-only; nothing here writes there) and, unless
``include_user=False``, user rows imported into ``config.user_data_dir()`` are appended as newer
figures. Every table is validated against its schema in :mod:`analysis.validation` before it is
returned, so a broken CSV stops the analysis with a message naming file, row and column.

Reading is cached per file modification time, so building many reports in one process reads
each CSV once, while an edited or newly imported file is picked up at once.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis.core import config
from analysis.core.errors import AmbiguousRegency, UnknownRegency, UserError, ValidationError
from analysis.validation import (
    NATIONAL,
    SCHEMAS,
    Label,
    Problem,
    References,
    coerce,
    labels_for,
    validate,
)

SIDECAR_FIELDS = (
    "title",
    "publisher",
    "source_urls",
    "date_published",
    "date_accessed",
    "licence",
    "units",
    "manual_steps",
    "sha256",
)

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


# --- Reading -------------------------------------------------------------------------------------


def _label(path: Path) -> str:
    """Path as shown in messages: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(config.ROOT))
    except ValueError:
        return str(path)


def _stamp(path: Path) -> tuple[str, int, int]:
    """Identity of a file's current content for the caches (path, mtime, size)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=128)
def _read_text_table(stamp: tuple[str, int, int]) -> pd.DataFrame:
    path = Path(stamp[0])
    try:
        return pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=True
        )
    except pd.errors.EmptyDataError as exc:
        raise UserError(f"{_label(path)}: the file is empty") from exc
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UserError(f"{_label(path)}: cannot be read as a UTF-8 CSV ({exc})") from exc


def read_text_table(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as text ("" when blank), cached on modification time.

    Parameters
    ----------
    path : Path

    Returns
    -------
    DataFrame
        A copy; the cached frame is never handed out.
    """
    return _read_text_table(_stamp(path)).copy()


def _table_files(name: str, include_user: bool) -> list[tuple[Path, bool]]:
    """Files of a table as (path, is raw), raw first, then the user file."""
    schema = SCHEMAS[name]
    files = [(config.RAW / f, True) for f in schema.files]
    if include_user and (name == "sources" or schema.importable):
        files.append((config.user_data_dir() / f"{name}.csv", False))
    return files


def table_text(name: str, *, include_user: bool = True) -> tuple[pd.DataFrame, list[Label]]:
    """A table as text with the spreadsheet label (file, row) of every row, not validated.

    Parameters
    ----------
    name : str
        Table name from ``analysis.validation.SCHEMAS``.
    include_user : bool
        Append the rows imported into the user data folder.

    Returns
    -------
    (DataFrame, list of (str, int))
    """
    files = _table_files(name, include_user)
    if not any(path.exists() for path, raw in files if raw):
        raise UserError(f"{_label(files[0][0])}: the file is missing")
    frames, labels = [], []
    for path, _ in files:
        if not path.exists():
            continue
        frame = read_text_table(path)
        frames.append(frame)
        labels += labels_for(_label(path), len(frame))
    if not frames:
        return pd.DataFrame(columns=SCHEMAS[name].names, dtype=str), []
    return pd.concat(frames, ignore_index=True).fillna(""), labels


def _known_table(name: str) -> None:
    if name not in SCHEMAS:
        raise UserError(f"unknown table {name!r}; tables: {', '.join(SCHEMAS)}")


def _refs_stamp(include_user: bool) -> tuple:
    files = [p for p, _ in _table_files("sources", include_user)]
    files += [p for p, _ in _table_files("regencies", False)]
    return tuple(_stamp(p) for p in files)


@lru_cache(maxsize=4)
def _references(include_user: bool, stamp: tuple) -> References:
    sources = load_table("sources", include_user=include_user)
    reg = load_table("regencies", include_user=False)
    return References(
        sources=frozenset(sources["source_id"]),
        regencies=frozenset(reg["regency_code"]),
        provinces=frozenset(reg["province_code"]),
    )


def references(*, include_user: bool = True) -> References:
    """Targets of foreign keys: source ids, regency codes and province codes.

    Parameters
    ----------
    include_user : bool
        Count sources created by user imports.
    """
    return _references(include_user, _refs_stamp(include_user))


@lru_cache(maxsize=64)
def _load(name: str, include_user: bool, stamp: tuple) -> pd.DataFrame:
    schema = SCHEMAS[name]
    frame, labels = table_text(name, include_user=include_user)
    # sources and regencies are the targets of references; they are checked without them
    # (regencies' own source_id is checked below once the sources are known).
    refs = None if name in ("sources", "regencies") else references(include_user=include_user)
    first = next(p for p, raw in _table_files(name, include_user) if raw and p.exists())
    problems = validate(frame, schema, labels, refs, file=_label(first))
    if name == "regencies" and not problems:
        known = set(load_table("sources", include_user=False)["source_id"])
        problems = [
            Problem(f, r, "source_id", f"source_id {s!r} is not in the sources")
            for s, (f, r) in zip(frame["source_id"], labels, strict=True)
            if s not in known
        ]
    if problems:
        raise ValidationError(problems, hint="; `python -m analysis data check` lists them")
    return coerce(frame, schema)


def load_table(name: str, *, include_user: bool = True) -> pd.DataFrame:
    """Load one table of the data catalogue, validated and with proper dtypes.

    Parameters
    ----------
    name : str
        ``sources``, ``regencies``, ``regency_aliases``, ``population_poverty``,
        ``labour_force``, ``coverage_facts``, ``declared_targets``, ``payment_cases``,
        ``claims``, ``dbh_sawit``, ``apbd`` or ``tile_grid``. ``sources`` joins
        ``sources.csv`` and ``sources_reference.csv``.
    include_user : bool
        Append rows imported by the user (newer figures) after the raw rows.

    Returns
    -------
    DataFrame
        Columns as in ``data/README.md``: codes and text as ``str`` ("" when blank), counts
        and money ``Int64``, other numbers ``float64``, dates ``datetime64[ns]``. A copy, free
        to modify.

    Raises
    ------
    UserError
        Unknown table, missing file, or a row that breaks the schema (``ValidationError``).
    """
    _known_table(name)
    stamp = tuple(_stamp(p) for p, _ in _table_files(name, include_user))
    if name != "sources":
        stamp += _refs_stamp(include_user)
    return _load(name, include_user, stamp).copy()


def regencies(province: str | None = "12") -> pd.DataFrame:
    """Kabupaten and kota of a province (North Sumatra by default).

    Parameters
    ----------
    province : str or None
        Kemendagri province code (``"12"`` Sumatera Utara); None for all of Indonesia.

    Returns
    -------
    DataFrame
        One row per kab/kota, ordered by ``regency_code``.
    """
    table = load_table("regencies", include_user=False)
    if province is not None:
        table = table[table["province_code"] == str(province)]
    return table.sort_values("regency_code").reset_index(drop=True)


# --- Names of regencies --------------------------------------------------------------------------


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
    return _name_index(tuple(_stamp(p) for p in files) + _refs_stamp(False))


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


# --- Raw files and their sidecars ----------------------------------------------------------------


@dataclass(frozen=True)
class RawFile:
    """A raw CSV and its metadata sidecar (None when it has none)."""

    csv: Path
    sidecar: Path | None


def sidecar_of(csv: Path) -> Path | None:
    """The sidecar of a CSV, ``<name>.csv.meta.yml``, if it exists."""
    candidate = csv.with_name(csv.name + ".meta.yml")
    return candidate if candidate.exists() else None


def raw_files(directory: Path | None = None) -> list[RawFile]:
    """Every raw CSV with its sidecar.

    Parameters
    ----------
    directory : Path, optional
        Defaults to ``config.RAW``.

    Returns
    -------
    list of RawFile
        Sorted by file name.
    """
    directory = config.RAW if directory is None else directory
    return [RawFile(p, sidecar_of(p)) for p in sorted(directory.glob("*.csv"))]


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_sidecar(path: Path) -> dict:
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise UserError(f"{_label(path)}: not valid YAML ({exc})") from exc
    return meta if isinstance(meta, dict) else {}


def verify_checksums(directory: Path | None = None, *, fields: bool = False) -> list[str]:
    """Check that every raw CSV has a sidecar whose sha256 matches the file.

    Parameters
    ----------
    directory : Path, optional
        Defaults to ``config.RAW``.
    fields : bool
        Also require every field of ``SIDECAR_FIELDS`` in each sidecar.

    Returns
    -------
    list of str
        One message per problem; empty when all is well.
    """
    problems = []
    for raw in raw_files(directory):
        label = _label(raw.csv)
        if raw.sidecar is None:
            problems.append(f"{label}: no sidecar {raw.csv.name}.meta.yml")
            continue
        meta = _read_sidecar(raw.sidecar)
        if fields:
            missing = [f for f in SIDECAR_FIELDS if f not in meta]
            if missing:
                problems.append(f"{_label(raw.sidecar)}: missing fields {', '.join(missing)}")
        expected = str(meta.get("sha256") or "").strip().lower()
        actual = sha256_of(raw.csv)
        if not expected:
            problems.append(f"{_label(raw.sidecar)}: no sha256")
        elif expected != actual:
            problems.append(
                f"{_label(raw.sidecar)}: sha256 {expected[:12]}… does not match "
                f"{raw.csv.name} ({actual[:12]}…); the file changed after its sidecar was written"
            )
    return problems


# --- Whole-dataset check -------------------------------------------------------------------------


@dataclass
class DatasetReport:
    """Outcome of :func:`check_dataset`."""

    rows: dict[str, int] = field(default_factory=dict)
    user_rows: dict[str, int] = field(default_factory=dict)
    flags: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found (warnings allowed)."""
        return not self.problems


def check_dataset(*, include_user: bool = True) -> DatasetReport:
    """Validate every table, the raw sidecars and the user data folder.

    Parameters
    ----------
    include_user : bool
        Also validate the tables in ``config.user_data_dir()``.

    Returns
    -------
    DatasetReport
        Rows per table, flag counts, problems (make the dataset invalid) and warnings.
    """
    report = DatasetReport()
    for name in SCHEMAS:
        try:
            table = load_table(name, include_user=include_user)
        except ValidationError as exc:
            report.problems += [str(p) for p in exc.problems]
            continue
        except UserError as exc:
            report.problems.append(str(exc))
            continue
        report.rows[name] = len(table)
        if include_user:
            user_file = config.user_data_dir() / f"{name}.csv"
            if user_file.exists() and (name == "sources" or SCHEMAS[name].importable):
                report.user_rows[name] = len(read_text_table(user_file))
        if "flag" in table:
            for text in table["flag"]:
                report.flags.update(f for f in text.split(";") if f)
    catalogue = {f for s in SCHEMAS.values() for f in s.files}
    extra = sorted({p.name for p in config.RAW.glob("*.csv")} - catalogue)
    report.warnings += [f"{_label(config.RAW / f)}: not a table of the catalogue" for f in extra]
    report.problems += verify_checksums(fields=True)
    if include_user and config.user_data_dir().exists():
        report.warnings += verify_checksums(config.user_data_dir())
    return report
