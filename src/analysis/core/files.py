"""Writing output files safely, hashing files, and naming paths in messages.

Every file the project writes (imported user data and its sidecars, reports, the build manifest)
goes through :func:`atomic_write` or :func:`commit_files`, so a reader, or a run that fails half
way, never sees a partly written file. :func:`sha256_file` is the one checksum (sidecars, report
input hashes), and :func:`repo_label` the one way a path is shown to a user.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.core import config
from analysis.core.errors import UserError


def file_stamp(path: Path) -> tuple[str, int, int]:
    """Identity of a file's current content for the caches (path, mtime, size); also keys the
    name index of :mod:`analysis.data.names`."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


def stage_file(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to a temporary file beside ``path``, flushed to disk, not yet in place.

    The caller moves it into place with ``os.replace(staged, path)`` (what :func:`atomic_write`
    does at once); a report build stages every file of a report first and moves them together.

    Parameters
    ----------
    path : str or Path
        The file the data is for; its folder must exist.
    data : bytes or str
        Content (str is written as UTF-8).

    Returns
    -------
    Path
        The temporary file (``.<name>.<random>.tmp`` in the same folder, mode 0644).
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write a file so that readers see the old file or the new one, never a part.

    The bytes go to a temporary file in the same folder (:func:`stage_file`), are flushed to
    disk, then replace the target with ``os.replace`` (atomic on POSIX and Windows within one
    file system).

    Parameters
    ----------
    path : str or Path
        Target file; its folder must exist.
    data : bytes or str
        Content (str is written as UTF-8).

    Returns
    -------
    Path
        The target path.
    """
    target = Path(path)
    tmp = stage_file(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def commit_files(files: dict[Path, str]) -> None:
    """Write every file to a temporary file beside it, then move each into place.

    A failure while writing leaves the targets as they were and removes the temporary files.
    Used where several files must change together (a user table and its sidecar).

    Parameters
    ----------
    files : dict of Path to str
        Target path → text, written as UTF-8 with the line endings as given. Missing folders
        are created.
    """
    staged: list[tuple[str, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for target, text in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks so a large file is not held in memory.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes | str) -> str:
    """Hex SHA-256 of content not yet written (str is hashed as UTF-8).

    It equals :func:`sha256_file` of a file holding that content, so a sidecar can record the
    checksum of a file before :func:`commit_files` writes it.

    Parameters
    ----------
    data : bytes or str
        The content.

    Returns
    -------
    str
        64 lowercase hex digits.

    Examples
    --------
    >>> sha256_bytes("")
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def repo_label(path: Path) -> str:
    """Path as shown in messages: relative to the repository when inside it.

    Parameters
    ----------
    path : Path
        Any path.

    Returns
    -------
    str
        ``data/raw/x.csv`` for a file of the repository, otherwise the path as given.
    """
    try:
        return str(path.resolve().relative_to(config.ROOT))
    except ValueError:
        return str(path)


# Text files people edit (scenarios, parameters, sidecars) are small; anything larger is a mistake.
MAX_TEXT_BYTES = 5_000_000


def regular_file(path: str | Path, what: str = "file") -> Path:
    """``path`` if it is a regular file; UserError for a folder, a device, a FIFO or nothing.

    Reading ``/dev/zero`` or a FIFO would fill memory or wait for ever, and a folder gives a
    traceback: each is refused with one message instead.

    Parameters
    ----------
    path : str or Path
        The path the user gave.
    what : str
        What the file is, for the message ("scenario file", "file").

    Returns
    -------
    Path
    """
    import stat

    target = Path(path)
    try:
        mode = target.stat().st_mode
    except OSError as exc:
        raise UserError(f"{path}: no such {what} ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise UserError(f"{path}: is a folder, not a {what}")
    if not stat.S_ISREG(mode):
        raise UserError(f"{path}: not a regular file (a device, FIFO or socket); give a {what}")
    return target


def read_yaml_file(path: str | Path, what: str = "YAML file",
                   max_bytes: int = MAX_TEXT_BYTES) -> object:
    """Read a YAML file a person wrote: UTF-8 only, size-limited, safe loader.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the file is, for the messages.
    max_bytes : int
        Larger files are refused.

    Returns
    -------
    object
        The parsed document (:func:`parse_yaml`).

    Raises
    ------
    UserError
        A folder, device or FIFO; a file over ``max_bytes``; UTF-16 or other non-UTF-8 text;
        invalid YAML; nesting too deep to read.
    """
    import yaml

    target = regular_file(path, what)
    size = target.stat().st_size
    if size > max_bytes:
        raise UserError(f"{path}: {size:,} bytes is more than a {what} can be "
                        f"({max_bytes:,} bytes)")
    raw = target.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]:
        raise UserError(f"{path}: saved as UTF-16; save the {what} as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start}); save the {what} as "
                        "UTF-8") from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what_went_wrong = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "nesting depth" in what_went_wrong:  # libyaml's limit, as RecursionError below
            raise UserError(f"{path}: nested too deeply to be a {what} ({where.rstrip(': ')})"
                            ) from None
        raise UserError(f"{path}: not valid YAML ({where}{what_went_wrong})") from None
    except RecursionError:
        raise UserError(f"{path}: nested too deeply to be a {what}") from None


@lru_cache(maxsize=2)
def _yaml_loader(dates_as_text: bool) -> type:
    import yaml

    # libyaml's parser where PyYAML was built with it: about ten times faster than the pure
    # Python one on the parameter files and locales every report reads; the same safe
    # constructor either way (and libyaml refuses nesting deeper than 1.000 levels).
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if not dates_as_text:
        return base
    loader = type("TextDateLoader", (base,), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return loader


def parse_yaml(text: str, *, dates_as_text: bool = False) -> Any:
    """Parse YAML text with the safe loader: the one way the project reads YAML.

    Parameters
    ----------
    text : str
        The document.
    dates_as_text : bool
        Keep ``2026-01-01`` as the text it is instead of a ``datetime.date``, so a bad date is
        reported with the parameter it belongs to.

    Returns
    -------
    object
        The parsed document.

    Raises
    ------
    yaml.YAMLError
        When the text is not valid YAML (with ``problem_mark`` where the parser knows it).
    """
    import yaml

    return yaml.load(text, Loader=_yaml_loader(dates_as_text))
