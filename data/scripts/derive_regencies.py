"""Derive ``data/raw/regencies.csv`` from the npm package ``idn-area-data`` (pinned version).

One row per kabupaten/kota of all Indonesia with its province and the number of kecamatan,
desa and kelurahan. The package data are Kemendagri administrative codes (see
``data/raw/LICENSES.md``); the derived table stays under the Open Database License.

Run from the repository root (needs Node.js/npm only for the download)::

    .venv/bin/python data/scripts/derive_regencies.py
    .venv/bin/python data/scripts/derive_regencies.py --package-dir /path/to/package

The first form runs ``npm pack idn-area-data@3.1.2`` into a temporary folder and checks the
tarball's SHA-1 against the one npm published; the second reads an already unpacked copy. The
output is sorted by ``regency_code`` and written with ``\\n`` line endings, so reruns give the
same bytes. The sidecar ``regencies.csv.meta.yml`` gets the new sha256 written into it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

PACKAGE = "idn-area-data"
VERSION = "3.1.2"
# SHA-1 "shasum" npm publishes for idn-area-data-3.1.2.tgz (`npm view idn-area-data@3.1.2 dist`).
TARBALL_SHA1 = "3b6c3d725d14f1e2ac7acf3b191c57410d6727bd"
SOURCE_ID = "ref-npm-idn-area-data-3.1.2"

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "data" / "raw" / "regencies.csv"
SIDECAR = ROOT / "data" / "raw" / "regencies.csv.meta.yml"

COLUMNS = [
    "regency_code",
    "name",
    "short_name",
    "type",
    "province_code",
    "province_name",
    "kecamatan",
    "desa",
    "kelurahan",
    "source_id",
]

# Kemendagri village codes: the 4th segment starts with 1 for a kelurahan, 2 for a desa and
# 3 for a desa adat (14 of them, all in Kabupaten Jayapura); a desa adat is a desa (UU 6/2014).
VILLAGE_KIND = {"1": "kelurahan", "2": "desa", "3": "desa"}

# Words kept in lower or upper case when the package's UPPER CASE names are title-cased.
LOWER_WORDS = {"dan"}
UPPER_WORDS = {"dki"}

PREFIXES = (
    ("KABUPATEN ADMINISTRASI ", "kabupaten"),
    ("KOTA ADMINISTRASI ", "kota"),
    ("KABUPATEN ", "kabupaten"),
    ("KOTA ", "kota"),
)


def title_case(text: str) -> str:
    """Title-case an UPPER CASE Kemendagri name ("KOTA TANJUNG BALAI" -> "Kota Tanjung Balai").

    Parameters
    ----------
    text : str
        Name as written in the package.

    Returns
    -------
    str
        The name with each word capitalised, "dan" in lower case and "DKI" kept upper case.
    """
    words = []
    for i, word in enumerate(text.strip().split()):
        low = word.lower()
        if low in UPPER_WORDS:
            words.append(word.upper())
        elif low in LOWER_WORDS and i > 0:
            words.append(low)
        else:
            words.append("-".join(part.capitalize() for part in low.split("-")))
    return " ".join(words)


def split_name(name: str) -> tuple[str, str]:
    """Split a package regency name into its type and its short name.

    Parameters
    ----------
    name : str
        E.g. "KABUPATEN NIAS SELATAN" or "KOTA ADMINISTRASI JAKARTA PUSAT".

    Returns
    -------
    tuple[str, str]
        ``("kabupaten", "Nias Selatan")``.

    Raises
    ------
    ValueError
        If the name starts with neither KABUPATEN nor KOTA.
    """
    upper = name.strip().upper()
    for prefix, kind in PREFIXES:
        if upper.startswith(prefix):
            return kind, title_case(upper[len(prefix) :])
    raise ValueError(f"regency name without KABUPATEN/KOTA prefix: {name!r}")


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read one package CSV into a list of rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def derive(data_dir: Path) -> list[dict[str, str]]:
    """Build the regency rows from the package's ``data`` folder.

    Parameters
    ----------
    data_dir : Path
        Folder with provinces.csv, regencies.csv, districts.csv and villages.csv.

    Returns
    -------
    list[dict[str, str]]
        One row per regency, sorted by code, with the columns of ``COLUMNS``.
    """
    provinces = {r["code"]: title_case(r["name"]) for r in read_csv(data_dir / "provinces.csv")}
    regencies = read_csv(data_dir / "regencies.csv")
    kecamatan = Counter(r["regency_code"] for r in read_csv(data_dir / "districts.csv"))
    villages: Counter[tuple[str, str]] = Counter()
    for row in read_csv(data_dir / "villages.csv"):
        code = row["code"]
        parts = code.split(".")
        kind = VILLAGE_KIND.get(parts[3][:1]) if len(parts) == 4 else None
        if kind is None:
            raise ValueError(f"villages.csv: code {code!r} is not a desa/kelurahan code")
        villages[(".".join(parts[:2]), kind)] += 1

    rows = []
    for reg in regencies:
        code = reg["code"]
        kind, short = split_name(reg["name"])
        rows.append(
            {
                "regency_code": code,
                "name": title_case(reg["name"]),
                "short_name": short,
                "type": kind,
                "province_code": reg["province_code"],
                "province_name": provinces[reg["province_code"]],
                "kecamatan": str(kecamatan[code]),
                "desa": str(villages[(code, "desa")]),
                "kelurahan": str(villages[(code, "kelurahan")]),
                "source_id": SOURCE_ID,
            }
        )
    return sorted(rows, key=lambda r: r["regency_code"])


def to_csv_bytes(rows: list[dict[str, str]]) -> bytes:
    """Serialise rows deterministically (UTF-8, ``\\n`` line ends, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def fetch_package(workdir: Path) -> Path:
    """Download the pinned tarball with ``npm pack``, verify it and unpack it.

    Parameters
    ----------
    workdir : Path
        Temporary folder.

    Returns
    -------
    Path
        The unpacked ``package/data`` folder.
    """
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tarball = workdir / f"{PACKAGE}-{VERSION}.tgz"
    sha1 = hashlib.sha1(tarball.read_bytes()).hexdigest()
    if sha1 != TARBALL_SHA1:
        raise SystemExit(f"{tarball.name}: SHA-1 {sha1} differs from the pinned {TARBALL_SHA1}")
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package" / "data"


def update_sidecar(sha256: str) -> None:
    """Write the new checksum into the sidecar's ``sha256:`` line (if the sidecar exists)."""
    if not SIDECAR.exists():
        return
    text = SIDECAR.read_text(encoding="utf-8")
    new, count = re.subn(r"(?m)^sha256:.*$", f"sha256: {sha256}", text)
    if count != 1:
        raise SystemExit(f"{SIDECAR}: expected exactly one 'sha256:' line")
    SIDECAR.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package-dir", type=Path, help="unpacked package folder (no download)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    if args.package_dir:
        rows = derive(args.package_dir / "data")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = derive(fetch_package(Path(tmp)))
    payload = to_csv_bytes(rows)
    args.output.write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    if args.output.resolve() == OUTPUT.resolve():
        update_sidecar(digest)
    print(f"{args.output}: {len(rows)} regencies, sha256 {digest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
