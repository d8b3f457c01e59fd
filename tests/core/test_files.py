"""Output files: atomic writes, several files committed together, checksums, paths in messages."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from analysis.core import config
from analysis.core.files import atomic_write, commit_files, repo_label, sha256_bytes, sha256_file


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    assert atomic_write(target, "néw") == target
    assert target.read_bytes() == "néw".encode()  # str is written as UTF-8
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_commit_files_writes_all_or_nothing(tmp_path, monkeypatch):
    a, b = tmp_path / "a.csv", tmp_path / "sub" / "b.csv.meta.yml"
    commit_files({a: "x,y\r\n1,2\n", b: "sha256: 0\n"})
    assert a.read_bytes() == b"x,y\r\n1,2\n"  # line endings kept as given
    assert b.read_text(encoding="utf-8") == "sha256: 0\n"  # missing folder created

    real_fdopen, calls = os.fdopen, []

    def second_fails(fd, *args, **kwargs):
        calls.append(fd)
        if len(calls) == 2:
            os.close(fd)
            raise OSError("disk full")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", second_fails)
    with pytest.raises(OSError, match="disk full"):
        commit_files({a: "new a", b: "new b"})
    assert a.read_bytes() == b"x,y\r\n1,2\n"  # a failed write moves no file into place
    assert b.read_text(encoding="utf-8") == "sha256: 0\n"
    assert not [p for p in tmp_path.rglob(".*.tmp")]  # temporary files removed


def test_sha256_of_a_file_and_of_its_content_agree(tmp_path):
    path = tmp_path / "data.csv"
    text = "area_code,year\n12.10,2024\n"
    path.write_text(text, encoding="utf-8")
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert sha256_file(path) == sha256_bytes(text) == sha256_bytes(text.encode()) == expected


def test_repo_label_is_relative_inside_the_repository(tmp_path):
    assert repo_label(config.RAW / "claims.csv") == "data/raw/claims.csv"
    assert repo_label(tmp_path / "x.csv") == str(tmp_path / "x.csv")
