"""The same build on a Dask cluster (``reports --scheduler``) gives the same manifest entries.

Two kab/kota of Kalimantan Utara (Malinau, Kota Tarakan) and one name that matches nothing are
built twice with one fixed stamp (version and generation time): by the local process pool and
on a ``distributed.LocalCluster`` of two worker processes. The entries must agree field by field,
with the same PDF and HTML bytes (the workbook and the executed notebook record the moment they
were written, so their hashes differ between any two runs); the unknown name fails alone on
both; a second run on the cluster finds nothing to do. Skipped where ``distributed`` (an
optional dependency) is not installed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

import pytest

pytest.importorskip("distributed", reason="the optional dependency 'distributed' is missing "
                    "(pip install \"pekerja-rentan[distributed]\")")

from analysis import cli  # noqa: E402
from analysis.build import executors, runner  # noqa: E402
from analysis.render.stamp import make_stamp  # noqa: E402

CODES = ["65.02", "65.71", "Atlantis"]
COMPARED = ("id", "kind", "code", "name", "language", "parameters", "input_hash", "status",
            "error", "paths", "meta", "version")
SAME_BYTES = ("pdf", "html")
STAMP = make_stamp(version="0.1.0+test", now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with pytest.MonkeyPatch.context() as patch:
        # A build earlier in this test process ran notebooks in-process: IPython then leaves a
        # __main__ without __spec__, which multiprocessing's spawn needs to start the workers.
        main = sys.modules["__main__"]
        if not hasattr(main, "__spec__"):
            patch.setattr(main, "__spec__", None, raising=False)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster:
            yield cluster.scheduler_address


def _entries(out) -> dict:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        e["id"]: {**{k: e.get(k) for k in COMPARED},
                  "sha256": {f: (e.get("sha256") or {}).get(f) for f in SAME_BYTES}}
        for e in manifest["reports"]
    }


def test_cluster_build_matches_the_local_pool(scheduler, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "make_stamp", lambda: STAMP)
    local = runner.build_reports(regencies=CODES, out=tmp_path / "local", jobs=2,
                                 progress=False)
    cluster = runner.build_reports(regencies=CODES, out=tmp_path / "cluster",
                                   scheduler=scheduler, progress=False)
    for result in (local, cluster):
        assert sorted(result.built) == ["id/65.02", "id/65.71"]
        assert list(result.failed) == ["id/Atlantis"]  # fails alone, the others are built
        assert result.exit_code == 1
    assert _entries(tmp_path / "cluster") == _entries(tmp_path / "local")
    for name in ("65.02_malinau.pdf", "65.71_tarakan.html"):
        assert (tmp_path / "cluster" / "id" / name).read_bytes() == \
            (tmp_path / "local" / "id" / name).read_bytes()
    assert not list((tmp_path / "cluster").rglob("*.tmp*"))  # atomic writes leave no debris
    assert (tmp_path / "cluster" / "index.html").is_file()

    again = runner.build_reports(regencies=CODES[:2], out=tmp_path / "cluster",
                                 scheduler=scheduler, progress=False)
    assert again.built == [] and sorted(again.unchanged) == ["id/65.02", "id/65.71"]


def test_unreachable_scheduler_is_a_user_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "2s")
    code = cli.main(["reports", "--regency", "65.02", "--out", str(tmp_path),
                     "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
