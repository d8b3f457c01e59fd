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
from pathlib import Path

from analysis.core import config


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
