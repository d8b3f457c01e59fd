"""The input hash covers the whole package, so a change to the model or the briefs rebuilds."""

from __future__ import annotations

import shutil

from analysis.build import fingerprint


def test_hashed_code_spans_every_stage():
    hashed = {p.relative_to(fingerprint._PACKAGE).as_posix()
              for p in fingerprint._tree_files(fingerprint._PACKAGE, fingerprint._CODE_PATTERNS)}
    for expected in ("model/coverage/rules.py", "model/scenarios/allocation.py",
                     "views/coverage.py", "briefs/regency.py", "data/tables.py",
                     "render/templates/report.typ", "core/locales/reports.yml"):
        assert expected in hashed


def test_a_change_to_a_model_module_changes_the_digest(tmp_path, monkeypatch):
    package = tmp_path / "analysis"
    shutil.copytree(fingerprint._PACKAGE, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "_PACKAGE", package)
    before = fingerprint.inputs_digest()
    rules = package / "model" / "coverage" / "rules.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert fingerprint.inputs_digest() != before
