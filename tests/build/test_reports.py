"""Tests of the report pipeline: PDFs with the right figures, manifest, failures that do not stop
the run, atomic writes, skipping unchanged reports, and the lock against concurrent runs.

Few reports are built (Nias Selatan, Kota Medan) with ``jobs=1`` so the file stays fast.
"""

from __future__ import annotations

import hashlib
import io
import json
import os

import nbformat
import pytest
from pypdf import PdfReader

from analysis import cli
from analysis.build import fingerprint, guard, runner
from analysis.core import config
from analysis.core.config import NOTEBOOKS

NISEL, MEDAN = "12.14", "12.71"


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _build(out, regencies=(NISEL,), **kwargs) -> runner.BuildResult:
    kwargs.setdefault("jobs", 1)
    kwargs.setdefault("progress", False)
    return runner.build_reports(regencies=list(regencies), out=out, **kwargs)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Nias Selatan and Kota Medan in Indonesian, Nias Selatan in English."""
    out = tmp_path_factory.mktemp("reports")
    first = _build(out, (NISEL, MEDAN))
    english = _build(out, (NISEL,), langs=("en",))
    return out, first, english


def test_indonesian_pdf_shows_desa_and_village_target(built):
    out, result, _ = built
    assert result.exit_code == 0 and sorted(result.built) == ["id/12.14", "id/12.71"]
    text = _pdf_text(out / "id" / "12.14_nias-selatan.pdf")
    # Nias Selatan has 459 desa (idn-area-data 3.1.2); 100 workers per desa × 459 = 45.900.
    assert "459 desa" in text
    assert "45.900" in text
    assert "Kabupaten Nias Selatan" in text and "Sumatera Utara" in text


def test_english_pdf_uses_english_number_format(built):
    out, _, english = built
    assert english.built == ["en/12.14"]
    text = _pdf_text(out / "en" / "12.14_nias-selatan.pdf")
    # The computed sentence uses English separators (source quotes in notes keep their own).
    assert "village target is 45,900 workers" in " ".join(text.split())
    assert "Page 1 of" in text


def test_kota_without_desa_has_no_village_target(built):
    out, _, _ = built
    text = _pdf_text(out / "id" / "12.71_medan.pdf")
    # Kota Medan: 0 desa, 151 kelurahan; the village target does not apply (assumption A02).
    # A zero is said in words ("tidak memiliki desa"), never shown as "0 desa".
    text = " ".join(text.split())
    assert "151 kelurahan" in text and "tidak memiliki desa" in text
    assert "0 desa" not in text
    assert "A02" in text


def test_manifest_lists_every_report_with_hashes(built):
    out, _, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["id"]: e for e in manifest["reports"]}
    assert set(entries) == {"id/12.14", "id/12.71", "en/12.14"}
    entry = entries["id/12.14"]
    for key in ("kind", "code", "name", "language", "paths", "sha256", "parameters",
                "input_hash", "status", "error", "started", "finished"):
        assert key in entry, key
    assert entry["kind"] == "regency" and entry["name"] == "Kabupaten Nias Selatan"
    assert entry["status"] == "built" and entry["error"] is None
    assert entry["parameters"]["regency_code"] == NISEL and entry["parameters"]["lang"] == "id"
    for fmt in ("pdf", "html", "xlsx", "ipynb"):
        content = (out / entry["paths"][fmt]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"][fmt]
    executed = nbformat.reads((out / entry["paths"]["ipynb"]).read_text(), as_version=4)
    assert executed.metadata.papermill.parameters["regency_code"] == NISEL
    assert "INFO" in (out / "build.log").read_text(encoding="utf-8")


def test_unchanged_inputs_are_not_rebuilt(tmp_path, monkeypatch):
    # The shared-input digest is pinned: other edits to the working tree during the test must not
    # count as a change. test_inputs_digest_follows_data_files checks the digest itself.
    monkeypatch.setattr(fingerprint, "inputs_digest", lambda: "pinned")
    _build(tmp_path)
    files = sorted((tmp_path / "id").iterdir())
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    again = _build(tmp_path)
    assert again.built == [] and again.unchanged == ["id/12.14"]
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files} == before
    entry = json.loads((tmp_path / "manifest.json").read_text())["reports"][0]
    assert entry["status"] == "unchanged"
    # A changed output file (or a forced run) is rebuilt.
    (tmp_path / "id" / "12.14_nias-selatan.html").write_text("edited")
    assert _build(tmp_path).built == ["id/12.14"]
    assert _build(tmp_path, force=True).built == ["id/12.14"]


def test_inputs_are_checked_once_per_state_and_day(tmp_path, monkeypatch):
    # The command line's checks (preflight) run when there is something to build and these
    # inputs have not passed them today; their key (digest and date) is kept in the manifest.
    digest = {"value": "state-1"}
    monkeypatch.setattr(fingerprint, "inputs_digest", lambda: digest["value"])
    calls = []
    first = _build(tmp_path, preflight=lambda: calls.append("checked"))
    assert first.built == ["id/12.14"] and calls == ["checked"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["inputs_checked"].startswith("state-1:")
    # Same inputs, forced rebuild: not checked again.
    assert _build(tmp_path, force=True, preflight=lambda: calls.append("x")).built
    assert calls == ["checked"]
    # Other inputs: checked again before building.
    digest["value"] = "state-2"
    assert _build(tmp_path, preflight=lambda: calls.append("again")).built == ["id/12.14"]
    assert calls == ["checked", "again"]


def test_refused_inputs_leave_the_folder_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr(fingerprint, "inputs_digest", lambda: "state-1")
    _build(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*")
              if p.is_file() and p.name not in ("build.log", ".lock")}

    def refuse() -> None:
        raise runner.UserError("claims.csv: sha256 does not match its sidecar")

    with pytest.raises(runner.UserError, match="claims.csv"):
        _build(tmp_path, force=True, preflight=refuse)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*")
             if p.is_file() and p.name not in ("build.log", ".lock")}
    assert after == before  # no report, manifest or site rewritten


def test_inputs_digest_follows_data_files(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "table.csv").write_text("a\n1\n")
    monkeypatch.setattr(config, "DATA", data)
    monkeypatch.setenv("PEKERJA_RENTAN_USER_DATA", str(tmp_path / "user"))
    first = fingerprint.inputs_digest()
    assert fingerprint.inputs_digest() == first
    (data / "table.csv").write_text("a\n2\n")
    second = fingerprint.inputs_digest()
    assert second != first
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "import.csv").write_text("b\n3\n")
    assert fingerprint.inputs_digest() != second


def test_inputs_digest_follows_library_versions(monkeypatch):
    # An upgraded renderer (e.g. typst) may change the PDF layout: reports must be rebuilt.
    first = fingerprint.inputs_digest()
    versions = fingerprint.library_versions()
    assert set(versions) == set(fingerprint.REPORT_LIBRARIES) and versions["typst"] != "missing"
    monkeypatch.setattr(fingerprint, "library_versions", lambda: {**versions, "typst": "99.0"})
    assert fingerprint.inputs_digest() != first


def test_unknown_regency_is_refused_up_front_with_exit_2(tmp_path, capsys):
    code = cli.main(["reports", "--regency", NISEL, "Atlantis", "--jobs", "1",
                     "--out", str(tmp_path)])
    assert code == 2
    assert "--regency 'Atlantis'" in capsys.readouterr().err
    assert not (tmp_path / "manifest.json").exists() and not (tmp_path / "id").exists()


def test_unknown_regency_fails_alone_in_the_library_call(tmp_path):
    result = _build(tmp_path, (NISEL, "Atlantis"))
    assert result.exit_code == runner.EXIT_FAILED and result.built == ["id/12.14"]
    entries = {e["id"]: e for e in
               json.loads((tmp_path / "manifest.json").read_text())["reports"]}
    assert entries["id/Atlantis"]["status"] == "failed"
    assert "Atlantis" in entries["id/Atlantis"]["error"]
    assert "1 built, 0 unchanged, 1 failed" in result.summary()
    assert "Atlantis" in (tmp_path / "build.log").read_text()


def test_notebook_that_raises_is_recorded_and_others_built(tmp_path):
    source = nbformat.read(NOTEBOOKS / "03_regency_report.ipynb", as_version=4)
    broken = nbformat.v4.new_code_cell(
        'if regency_code == "12.71":\n    raise ValueError("no data for this test")'
    )
    source.cells.insert(2, broken)
    notebook = tmp_path / "broken.ipynb"
    nbformat.write(source, notebook)
    out = tmp_path / "out"
    result = _build(out, (NISEL, MEDAN), regency_notebook=notebook)
    assert result.built == ["id/12.14"]
    assert result.exit_code == runner.EXIT_FAILED
    assert "ValueError: no data for this test" in result.failed["id/12.71"]
    entry = {e["id"]: e for e in json.loads((out / "manifest.json").read_text())["reports"]}
    assert entry["id/12.71"]["status"] == "failed"
    assert (out / entry["id/12.71"]["failed_notebook"]).is_file()
    assert not (out / "id" / "12.71_medan.pdf").exists()


def test_notebook_over_its_time_limit_fails_and_the_run_goes_on(tmp_path):
    # A notebook that never ends (it waits in a loop) is stopped by a 1 s limit; the run ends
    # with exit code 1. The limit is a watchdog thread, the same on every system.
    source = nbformat.read(NOTEBOOKS / "03_regency_report.ipynb", as_version=4)
    forever = "import time\nwhile True:\n    time.sleep(0.05)"
    source.cells.insert(2, nbformat.v4.new_code_cell(forever))
    notebook = tmp_path / "slow.ipynb"
    nbformat.write(source, notebook)
    result = _build(tmp_path / "out", (NISEL,), regency_notebook=notebook, timeout_s=1)
    assert result.exit_code == runner.EXIT_FAILED
    assert "time limit" in result.failed["id/12.14"]


def test_failed_pdf_write_keeps_previous_file(tmp_path, monkeypatch):
    monkeypatch.setattr(fingerprint, "inputs_digest", lambda: "pinned")
    _build(tmp_path)
    pdf = tmp_path / "id" / "12.14_nias-selatan.pdf"
    previous = pdf.read_bytes()
    real_replace = os.replace

    def replace_failing_on_pdf(src, dst):
        if str(dst).endswith(".pdf"):
            raise OSError("simulated crash while writing the PDF")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_failing_on_pdf)
    result = _build(tmp_path, force=True)
    assert "simulated crash" in result.failed["id/12.14"]
    assert pdf.read_bytes() == previous
    assert PdfReader(io.BytesIO(pdf.read_bytes())).pages  # still a whole PDF
    assert not [p for p in (tmp_path / "id").iterdir() if p.name.endswith(".tmp")]


def test_second_concurrent_run_is_refused(tmp_path, capsys):
    with guard.build_lock(tmp_path):
        code = cli.main(["reports", "--regency", NISEL, "--out", str(tmp_path)])
    assert code == runner.EXIT_LOCKED
    assert "another report build is running" in capsys.readouterr().err
    assert not (tmp_path / "manifest.json").exists()
