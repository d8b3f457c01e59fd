"""The build manifest: one entry per report (status, paths, sha256, input hash, timings).

``<out>/manifest.json`` is what readers and the next run trust: a report whose entry has the
same input hash and whose files still match their recorded sha256 is not rebuilt.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis.build.guard import now
from analysis.build.jobs import FORMATS, Job
from analysis.core.files import atomic_write, sha256_file

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = 1


def load_manifest(out: Path) -> dict[str, dict[str, Any]]:
    """Entries of ``<out>/manifest.json`` by report id (empty if missing or unreadable)."""
    try:
        content = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {entry["id"]: entry for entry in content.get("reports", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def checked_inputs(out: Path) -> str | None:
    """The ``inputs_checked`` key of ``<out>/manifest.json``: inputs that passed the pre-build
    checks in an earlier run (None when missing or unreadable)."""
    try:
        content = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        value = content.get("inputs_checked")
        return value if isinstance(value, str) else None
    except (OSError, ValueError, AttributeError):
        return None


def write_manifest(out: Path, entries: dict[str, dict[str, Any]], version: str,
                   inputs_checked: str | None = None) -> None:
    """Write ``manifest.json`` atomically, reports sorted by language, kind and code.

    ``inputs_checked`` (the key of inputs that passed the pre-build checks, see
    ``analysis.build.runner.build_reports``) is kept at the top level when given.
    """
    order = {"national": 0, "province": 1, "regency": 2}
    reports = sorted(
        entries.values(),
        key=lambda e: (e.get("language", ""), order.get(e.get("kind"), 3), e.get("code", "")),
    )
    content = {
        "schema": MANIFEST_SCHEMA,
        "updated": now(),
        "version": version,
        **({"inputs_checked": inputs_checked} if inputs_checked else {}),
        "reports": reports,
    }
    atomic_write(out / MANIFEST, json.dumps(content, indent=2, ensure_ascii=False) + "\n")


def is_unchanged(job: Job, entry: dict[str, Any] | None, out: Path) -> bool:
    """True when the last build of ``job`` used the same inputs and its files are intact."""
    if not entry or entry.get("status") not in ("built", "unchanged"):
        return False
    if entry.get("input_hash") != job.input_hash:
        return False
    hashes = entry.get("sha256") or {}
    for fmt in FORMATS:
        path = out / job.relpath(fmt)
        if entry.get("paths", {}).get(fmt) != job.relpath(fmt) or not path.is_file():
            return False
        if hashes.get(fmt) != sha256_file(path):
            return False
    return True
