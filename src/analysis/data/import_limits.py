"""What a handed-over file must be before the importer reads it, and the limits that bound it.

A file handed over for import is refused, with the reason, when it cannot be read faithfully or
would exhaust the machine: not a regular file (a folder, ``/dev/zero``, a FIFO), larger than
:attr:`Limits.max_bytes`, an XLSX whose parts unpack to more than :attr:`Limits.max_unzipped`
(a zip bomb), or CSV bytes that are not text. A CSV is read as strict UTF-8 (BOM allowed).
Only when that fails *and* the file holds no valid UTF-8 multi-byte sequence *and* it is valid
Windows-1252 as a whole is it read as cp1252 (Excel's "CSV" on Windows). A UTF-8 file with one
stray byte (it has UTF-8 letters elsewhere) is refused with the line of the bad byte: decoding
it as cp1252 would garble every ``é`` of the file (:func:`decode_text`).

The limits in force are set for one import by :func:`use_limits` (``data import --max-bytes``
etc.); :mod:`analysis.data.import_formats` applies the row and cell limits to the grid it reads.
"""

from __future__ import annotations

import contextvars
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from analysis.core.errors import UserError
from analysis.core.files import regular_file


@dataclass(frozen=True)
class Limits:
    """How big a handed-over file may be (``data import --max-bytes`` etc. raise them)."""

    max_bytes: int = 50_000_000  # the file itself
    max_rows: int = 200_000  # rows with any content
    max_unzipped: int = 200_000_000  # all parts of an XLSX, unpacked
    max_cell_chars: int = 10_000  # one cell (Excel itself stops at 32.767)


_LIMITS: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("limits", default=None)


def limits() -> Limits:
    """The limits in force (set by :func:`use_limits`; the defaults otherwise)."""
    return _LIMITS.get() or Limits()


@contextmanager
def use_limits(given: Limits | None) -> Iterator[Limits]:
    """Apply ``given`` to the files read inside the ``with`` block (default limits if None)."""
    token = _LIMITS.set(given)
    try:
        yield _LIMITS.get() or Limits()
    finally:
        _LIMITS.reset(token)


def check_input_file(path: Path, label: str) -> None:
    """Refuse a path that is not a regular file, or a file over the size limit."""
    if not path.exists():
        raise UserError(f"{label}: no such file")
    regular_file(path)
    size, limit = path.stat().st_size, limits().max_bytes
    if size > limit:
        raise UserError(f"{label}: {size:,} bytes is over the limit of {limit:,} bytes "
                        "(raise it with --max-bytes)")


def decode_text(raw: bytes, label: str) -> tuple[str, str]:
    """Decode a CSV: strict UTF-8, or Windows-1252 only when the bytes are plainly that.

    Returns
    -------
    (str, str)
        The text and the encoding used (``utf-8`` or ``cp1252``).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{label}: saved as UTF-16; save it as CSV UTF-8")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    # Valid UTF-8 letters elsewhere mean a UTF-8 file with a damaged byte, not a cp1252 file.
    utf8_letters = re.search(rb"[\xc2-\xf4][\x80-\xbf]+", raw)
    if utf8_letters is None:
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    line = raw[:bad].count(b"\n") + 1
    raise UserError(
        f"{label}, line {line}: byte 0x{raw[bad]:02X} is not UTF-8 text"
        + (" (the rest of the file is UTF-8: the byte is damaged)" if utf8_letters else "")
        + "; save the file as CSV UTF-8"
    )


def check_unzipped_size(path: Path, label: str) -> None:
    """Refuse an XLSX whose parts unpack to more than the limit (a zip bomb), before opening it."""
    limit = limits().max_unzipped
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(f"{label}: cannot be read as an XLSX workbook ({exc})") from None
    if total > limit:
        raise UserError(f"{label}: the workbook unpacks to {total:,} bytes, over the limit of "
                        f"{limit:,} (raise it with --max-unzipped)")
