"""What the headers of a handed-over table mean: catalogue columns, units, years and indicators.

A header is matched to a catalogue column ignoring case, punctuation and spacing, first as
written ("Kabupaten/Kota", ``area_code``), then without its parenthesised unit ("Jumlah
Peserta (Orang)", "Alokasi DBH Sawit (Rp)"), then by the patterns in ``HEADER_PATTERNS``
("Alokasi …", "Jumlah Peserta …"). A unit that scales the numbers ("(ribu jiwa)", "(Rp juta)")
becomes a factor applied to every value of the column.

Headers that are not columns may still carry data: a year or month ("2023", "Agustus 2024") or
an indicator, segment or budget item ("Persentase Penduduk Miskin", "Nelayan") above a column
of figures. :mod:`analysis.data.import_shape` reshapes such wide tables with
:func:`when_of`, :func:`pivot_value` and the per-table ``PIVOT``, ``WHEN`` and ``VALUE``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from analysis.data.import_formats import VALUES, blank, cell_text, norm, parse_date
from analysis.data.schemas import IMPORTABLE, SCHEMAS, Schema

# Column names as they appear in handed-over files, per catalogue column ("area" stands for the
# table's area column: area_code, or regency_code in population_poverty). Matching ignores case,
# punctuation and spacing. A name listed under several columns goes to the first one the table
# has.
HEADERS: dict[str, tuple[str, ...]] = {
    "area": (
        "kabupaten/kota", "kab/kota", "kabupaten", "kota", "kabkota", "wilayah", "daerah",
        "nama wilayah", "nama kabupaten/kota", "kode wilayah", "regency", "district", "area",
        "region", "area_code", "regency_code", "provinsi/kabupaten/kota", "provinsi/kab/kota",
        "prov/kab/kota", "kabupaten/kota/provinsi", "pemerintah daerah", "pemda", "nama daerah",
        "kode daerah", "kode kabupaten/kota", "kode kab/kota", "kode bps",
    ),
    "payer_code": ("pembayar", "pemberi iuran", "pemda pembayar", "payer"),
    "fact_id": ("id fakta", "fact id"),
    "case_id": ("id kasus", "kode kasus", "case id"),
    "date": (
        "tanggal", "tgl", "per tanggal", "tanggal data", "date", "posisi", "posisi data",
        "keadaan", "data per", "tanggal laporan",
    ),
    "date_precision": ("ketelitian tanggal", "presisi tanggal"),
    "segment": (
        "segmen", "kelompok", "kelompok pekerja", "jenis pekerja", "kategori", "segment",
        "segmen peserta", "jenis kepesertaan", "kategori pekerja",
    ),
    "workers": (
        "jumlah pekerja", "pekerja", "jumlah peserta", "peserta", "jumlah tenaga kerja",
        "tenaga kerja", "workers", "participants", "jumlah", "jumlah peserta terdaftar",
        "peserta terdaftar", "jumlah peserta aktif", "peserta aktif", "jumlah tk",
    ),
    "target_workers": ("target", "target pekerja", "target peserta", "sasaran", "target workers"),
    "basis": ("dasar", "dasar perhitungan", "basis"),
    "programmes": ("program", "program bpjs", "programmes", "programs"),
    "funding_source": (
        "sumber dana", "sumber pendanaan", "pendanaan", "funding", "funding source",
        "sumber anggaran", "sumber pembiayaan",
    ),
    "status": ("status", "status kepesertaan"),
    "year": ("tahun", "tahun anggaran", "ta", "year"),
    "period": ("periode", "bulan", "period", "month"),
    "period_start": ("awal periode", "mulai", "tanggal mulai", "periode awal", "start"),
    "period_end": ("akhir periode", "selesai", "tanggal selesai", "periode akhir", "end"),
    "indicator": ("indikator", "indicator", "variabel"),
    "value": ("nilai", "angka", "value", "jumlah"),
    "months": ("jumlah bulan", "lama bulan", "lama", "durasi", "bulan", "months"),
    "budget_rp": ("anggaran", "anggaran rp", "pagu", "pagu anggaran", "nilai rp", "budget"),
    "per_worker_month_rp": ("iuran per pekerja per bulan", "iuran per bulan", "iuran"),
    "package": ("paket", "paket program", "package"),
    "benefit": ("manfaat", "jenis manfaat", "jenis klaim", "program klaim", "benefit"),
    "cases": ("jumlah kasus", "kasus", "jumlah klaim", "klaim", "cases", "jumlah"),
    "amount_rp": (
        "jumlah rp", "nilai rp", "nominal", "jumlah dana", "besaran", "anggaran", "nilai", "amount",
        "alokasi", "pagu alokasi", "dbh sawit", "alokasi dbh sawit", "jumlah alokasi",
    ),
    "covered_context": ("keterangan peserta", "konteks", "covered context"),
    "stage": ("tahap", "tahapan", "stage"),
    "item": ("uraian", "pos", "akun", "item"),
    "source_id": ("id sumber", "kode sumber", "source id"),
    "flag": ("tanda", "flag"),
    "note": ("catatan", "keterangan", "note", "notes", "ket"),
}  # fmt: skip
IGNORED_HEADERS = ("no", "nomor", "no urut", "#", "nomor urut")

# Headers matched by their beginning once the exact names failed (on the normalised text,
# without units): "Alokasi DBH Sawit TA 2024", "Jumlah Peserta BPJS Ketenagakerjaan".
HEADER_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^(alokasi|pagu alokasi|dana bagi hasil|dbh)\b", "amount_rp"),
    (r"^(jumlah )?(peserta|pekerja|tenaga kerja)\b", "workers"),
    (r"^(provinsi|prov|kabupaten|kab|kota|nama)\b.*\b(kabupaten|kab|kota)\b", "area"),
    (r"^(posisi|tanggal data|keadaan)\b", "date"),
    (r"^(target|sasaran)\b", "target_workers"),
    (r"^(sumber dana|sumber pendanaan|sumber anggaran)\b", "funding_source"),
)

# Units in headers ("(ribu jiwa)", "(Rp juta)", "(000)") that scale every number of the column.
_SCALES = {
    "ribu": 10**3, "ribuan": 10**3, "rb": 10**3, "000": 10**3, "thousand": 10**3,
    "thousands": 10**3, "juta": 10**6, "jutaan": 10**6, "jt": 10**6, "million": 10**6,
    "millions": 10**6, "miliar": 10**9, "milyar": 10**9, "billion": 10**9,
}  # fmt: skip

# Per table: the column a wide table's cells fill (VALUE), the choice column whose values may
# head columns (PIVOT: indicators, segments, budget items) and the time column years or months
# may head (WHEN). Tables absent from VALUE are read in long form only.
VALUE = {
    "population_poverty": "value",
    "labour_force": "value",
    "coverage_facts": "workers",
    "declared_targets": "target_workers",
    "dbh_sawit": "amount_rp",
    "apbd": "amount_rp",
}
PIVOT = {
    "population_poverty": "indicator",
    "labour_force": "indicator",
    "coverage_facts": "segment",
    "declared_targets": "segment",
    "apbd": "item",
}
WHEN = {
    "population_poverty": "year",
    "labour_force": "period",
    "coverage_facts": "date",
    "declared_targets": "date",
    "dbh_sawit": "year",
    "apbd": "year",
}


def _index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for column, variants in HEADERS.items():
        for variant in (*variants, column):
            index.setdefault(norm(variant), []).append(column)
    return index


_HEADER_INDEX = _index()
_IGNORED = {norm(h) for h in IGNORED_HEADERS}


def header_key(header: object) -> tuple[str, int]:
    """A header without its unit, and the factor the unit gives its numbers.

    Parameters
    ----------
    header : object
        e.g. ``"Jumlah Penduduk Miskin (Ribu Jiwa)"``.

    Returns
    -------
    (str, int)
        ``("jumlah penduduk miskin", 1000)``; a header without a scaling unit has factor 1.
    """
    text = cell_text(header)
    factor = 1
    # Only a unit in brackets or after "dalam" scales: "Program 1.000 Desa" is a name.
    units = re.findall(r"\(([^)]*)\)", text) + re.findall(r"\bdalam\s+(\w+)", text, re.I)
    for word in norm(" ".join(units)).split():
        if factor == 1 and word in _SCALES:
            factor = _SCALES[word]
    bare = norm(re.sub(r"\([^)]*\)", " ", text)) or norm(text)
    return bare, factor


def area_column(schema: Schema) -> str:
    """The table's area column: ``regency_code`` in population_poverty, else ``area_code``."""
    return "regency_code" if "regency_code" in schema.names else "area_code"


def _generic(header: object, patterns: bool = True) -> list[str]:
    """Generic column names ("area" for any area column) a header may stand for."""
    full = norm(header)
    bare, _ = header_key(header)
    names = list(_HEADER_INDEX.get(full, []))
    names += [n for n in _HEADER_INDEX.get(bare, []) if n not in names]
    if not names and patterns:
        names = [column for pattern, column in HEADER_PATTERNS if re.search(pattern, bare)]
    return names


def header_columns(header: object, schema: Schema) -> list[str]:
    """Catalogue columns of ``schema`` that ``header`` may name, best first.

    A header naming an indicator or segment of the table ("Pekerja Rentan") is a column of
    figures of that kind, not a column of the same name: patterns do not apply to it.
    """
    if blank(header):
        return []
    patterns = pivot_value(header, schema) is None
    names = []
    for column in _generic(header, patterns):
        column = area_column(schema) if column == "area" else column
        if column in schema.names and column not in names:
            names.append(column)
    return names


def ignored_header(header: object) -> bool:
    """Headers read as no column at all: the row number ("No", "Nomor", "#")."""
    return not blank(header) and norm(header) in _IGNORED


def known_header(header: object) -> bool:
    """True when some importable table has a column of that name."""
    return not blank(header) and bool(_generic(header))


def map_headers(headers: list[object], schema: Schema) -> tuple[dict[str, int], list[str]]:
    """Catalogue column → position for each header a table understands.

    Parameters
    ----------
    headers : list
        Header cells of the file.
    schema : Schema
        The target table.

    Returns
    -------
    (dict, list of str)
        Mapping column name → index into the row, and the headers left out (not understood).
    """
    mapping: dict[str, int] = {}
    ignored = []
    for i, header in enumerate(headers):
        if blank(header) or ignored_header(header):
            continue
        names = [n for n in header_columns(header, schema) if n not in mapping]
        if names:
            mapping[names[0]] = i
        else:
            ignored.append(str(header))
    return mapping, ignored


def required(schema: Schema, auto: tuple[str, ...]) -> list[str]:
    """Required columns of ``schema`` that a file must provide (``auto`` ones are filled)."""
    return [c.name for c in schema.columns if c.required and c.name not in auto]


# --- Headers that carry data ---------------------------------------------------------------------


def when_of(header: object) -> tuple[str, str] | None:
    """A year, month or day written as a header ("2024", "Tahun 2024", "Agustus 2024").

    Returns
    -------
    (str, str) or None
        The header as a date cell (``"2024"``, ``"Agustus 2024"``) and its precision ``year``,
        ``month`` or ``day``; None when the header is not a time.
    """
    if isinstance(header, datetime | date):
        return header.isoformat()[:10], "day"
    if isinstance(header, float) and header.is_integer():
        header = int(header)
    if isinstance(header, int) and not isinstance(header, bool):
        return (str(header), "year") if 1900 <= header <= 2100 else None
    text = re.sub(r"\([^)]*\)", " ", cell_text(header)).strip()
    text = re.sub(r"^(tahun anggaran|tahun|ta|year)\b\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*[*¹²³]+\)?$", "", text).strip()  # "2024*)": provisional figure
    if not re.search(r"\b(19|20)\d{2}\b", text) or len(text) > 30:
        return None
    try:
        iso, precision = parse_date(text)
    except ValueError:
        return None
    if not 1900 <= int(iso[:4]) <= 2100:
        return None
    return text, precision


@lru_cache(maxsize=16)
def _phrases(column: str) -> list[tuple[str, str]]:
    """(phrase, value) pairs of a choice column, longest phrase first."""
    pairs = {norm(k): v for k, v in VALUES.get(column, {}).items()}
    for name in IMPORTABLE:
        for spec in SCHEMAS[name].columns:
            if spec.name == column:
                pairs.update({norm(v.replace("_", " ")): v for v in spec.allowed})
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def pivot_value(text: object, schema: Schema) -> str | None:
    """The indicator, segment or item a header or title names for ``schema``, if any.

    The longest known phrase contained in the text decides ("Jumlah Penduduk Miskin (Ribu
    Jiwa)" is ``poor_people``, not ``population``); a phrase naming a value of another table
    (``employed`` in a population table) gives None.
    """
    column = PIVOT.get(schema.name)
    if column is None or blank(text):
        return None
    bare = header_key(text)[0]
    allowed = schema.column(column).allowed
    for phrase, value in _phrases(column):
        # A one-word phrase ("rentan", "lainnya") names a value only as the whole header.
        if phrase == bare or (" " in phrase and f" {phrase} " in f" {bare} "):
            return value if value in allowed else None
    return None


def names_value(text: object, schema: Schema) -> bool:
    """True when ``text`` names the column a wide table's cells fill ("Alokasi DBH Sawit")."""
    value = VALUE.get(schema.name)
    return value is not None and value in header_columns(text, schema)


def header_score(cells: list[object]) -> int:
    """How much a row looks like a header: cells naming a column, a time or an indicator.

    A merged cell counts once, and a row of one value (a title) is no header at all.
    """
    runs = [c for i, c in enumerate(cells) if not blank(c) and (i == 0 or c != cells[i - 1])]
    if len({cell_text(c) for c in runs}) < 2:
        return 0
    score = 0
    for cell in runs:
        if known_header(cell) or when_of(cell) is not None:
            score += 1
        elif any(pivot_value(cell, SCHEMAS[name]) for name in PIVOT):
            score += 1
    return score
