"""Reports for any province and the whole country, and the report site, end to end.

Kalimantan Utara (65) is built end to end: 5 kab/kota (idn-area-data 3.1.2: Bulungan 74 desa,
Malinau 109, Nunukan 232, Tana Tidung 32, Kota Tarakan 0 desa and 20 kelurahan) and the province
overview with its map. None of them has a coverage fact, so every brief is dated by the national
population table (data/raw/population_kemendagri.csv: 2025-01-01 for every row), not by the
newest North Sumatra fact. The report site is then opened in headless Chromium (skipped where
Chromium is not installed): a search for "malinau" leaves one row, whose HTML link opens the brief.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis import cli
from analysis.build import jobs as plan
from analysis.build import runner
from analysis.core.errors import UserError

KALTARA = ["65.01", "65.02", "65.03", "65.04", "65.71"]


def _pdf_text(path: Path) -> str:
    return " ".join("\n".join(page.extract_text() for page in PdfReader(path).pages).split())


# --- the plan -------------------------------------------------------------------------------------


def test_plan_for_the_whole_country():
    jobs = plan.plan_jobs(province="all")
    kinds = [job.kind for job in jobs]
    # 1 national overview + 38 province overviews + 514 kab/kota (regencies.csv).
    assert kinds.count("national") == 1 and kinds.count("province") == 38
    assert kinds.count("regency") == 514 and len(jobs) == 553
    assert jobs[0].kind == "national" and jobs[0].stem == "ID_indonesia_overview"
    assert all(job.kind == "province" for job in jobs[1:39])  # the long ones first
    assert len({job.stem for job in jobs}) == 553 and len({job.id for job in jobs}) == 553
    assert not any(job.error for job in jobs)


def test_plan_for_any_province_and_unknown_codes():
    east_java = plan.plan_jobs(province="35")
    assert [j.kind for j in east_java].count("regency") == 38
    assert east_java[0].stem == "35_jawa-timur_overview"
    kaltara = plan.plan_jobs(province="65", langs=("id", "en"))
    assert [j.id for j in kaltara][:6] == ["id/65", *(f"id/{c}" for c in KALTARA)]
    assert len(kaltara) == 12
    # A code names its kab/kota from any province; a name is looked up in the province.
    named = plan.plan_jobs(regencies=["65.02", "Medan"])
    assert [(j.code, j.error) for j in named] == [("65.02", None), ("12.71", None)]
    with pytest.raises(UserError, match="--province '99': no such province.*65 Kalimantan Utara"):
        plan.plan_jobs(province="99")


def test_cli_refuses_an_unknown_province(tmp_path, capsys):
    assert cli.main(["reports", "--province", "99", "--out", str(tmp_path)]) == 2
    assert "--province '99': no such province code" in capsys.readouterr().err


# --- Kalimantan Utara end to end ----------------------------------------------------------------


@pytest.fixture(scope="module")
def kaltara(tmp_path_factory):
    out = tmp_path_factory.mktemp("kaltara")
    result = runner.build_reports(province="65", out=out, jobs=1, progress=False)
    return out, result


def test_every_brief_and_the_overview_are_built(kaltara):
    out, result = kaltara
    assert result.exit_code == 0, result.failed
    assert sorted(result.built) == sorted(["id/65", *(f"id/{c}" for c in KALTARA)])
    for stem in ("65_kalimantan-utara_overview", "65.02_malinau", "65.71_tarakan"):
        for fmt in ("pdf", "html", "xlsx", "ipynb"):
            assert (out / "id" / f"{stem}.{fmt}").stat().st_size > 0


def test_overview_has_the_boundary_map(kaltara):
    out, _ = kaltara
    text = _pdf_text(out / "id" / "65_kalimantan-utara_overview.pdf")
    assert "Provinsi Kalimantan Utara" in text
    assert "Peta cakupan terhadap target desa, menurut batas kabupaten/kota" in text
    nb = json.loads((out / "id" / "65_kalimantan-utara_overview.ipynb").read_text("utf-8"))
    map_cell = next(c for c in nb["cells"] if "report.coverage_map()" in "".join(c["source"]))
    assert any("image/svg+xml" in o.get("data", {}) for o in map_cell["outputs"])
    # No kab/kota has data: no "0 workers covered", no empty gap chart.
    assert ("belum ada data cakupan BPJS Ketenagakerjaan yang masih berlaku untuk satu pun "
            "dari 5") in text
    assert "Biaya menutup kesenjangan tidak dapat dihitung" in text


def test_briefs_are_dated_by_their_own_data(kaltara):
    out, _ = kaltara
    text = _pdf_text(out / "id" / "65.02_malinau.pdf")
    assert "Kabupaten Malinau" in text
    # Malinau has no coverage fact: dated by the national population table (2025-01-01),
    # not by the newest North Sumatra fact (2026-02-01).
    assert "data terbaru 1 Januari 2025" in text  # page 1 and every footer
    assert "1 Februari 2026" not in text and "2026-02-01" not in text
    assert "10.900" in text  # village target: 100 per desa × 109 desa


def test_manifest_carries_the_headline_figures(kaltara):
    out, _ = kaltara
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["id"]: e for e in manifest["reports"]}
    malinau = entries["id/65.02"]["meta"]
    assert malinau["as_of"] == "2025-01-01"
    assert malinau["headline"]["status"] == "no data"
    assert malinau["headline"]["target_village"] == 10_900  # 100 × 109 desa
    assert malinau["headline"]["covered_rentan"] is None  # no data, never 0
    assert entries["id/65.71"]["meta"]["headline"]["target_village"] is None  # kota: 0 desa
    province = entries["id/65"]["meta"]["headline"]
    assert province == {"regencies": 5, "with_data": 0, "covered_rentan": None,
                        "target_village": 44_700}  # 100 × (74 + 109 + 232 + 32) desa


def test_site_is_written_self_contained(kaltara):
    out, _ = kaltara
    page = (out / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-code="([\d.]+)"', page)
    assert rows == KALTARA
    assert len(re.findall(r'<path d="M', page)) == 5  # one map shape per kab/kota
    links = re.findall(r'href="([^"]+)"', page)
    assert "id/65.02_malinau.pdf" in links and "id/65_kalimantan-utara_overview.html" in links
    for link in links:
        assert (out / link).is_file(), link  # relative links to files that exist
    # Offline: nothing is fetched from anywhere (no CDN, no web font, no external script).
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert "10.900" in page  # Malinau's village target in Indonesian format


def test_unchanged_rebuild_keeps_the_site(kaltara):
    out, _ = kaltara
    page = out / "index.html"
    before = page.stat().st_mtime_ns
    result = runner.build_reports(province="65", out=out, jobs=1, progress=False)
    assert result.built == [] and len(result.unchanged) == 6
    assert page.stat().st_mtime_ns == before  # same inputs: the page is not drawn again
    assert 'data-code="65.02"' in page.read_text(encoding="utf-8")


# --- the site in a real browser ----------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class _Browser:
    """Headless Chromium driven through the DevTools protocol over a pipe (no websocket, no
    package): Chromium reads commands from fd 3 and writes answers and events to fd 4, each a
    JSON message ended by a NUL byte."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # A small Python launcher puts the two pipe ends on fds 3 and 4, then becomes Chromium.
        launcher = ("import os, sys; os.dup2(int(sys.argv[1]), 3); "
                    "os.dup2(int(sys.argv[2]), 4); os.execv(sys.argv[3], sys.argv[3:])")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", launcher, str(to_browser_r), str(from_browser_w), binary,
             "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(to_browser_r, from_browser_w),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer, self._id, self.events = b"", 0, []

    def _message(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer")
            if select.select([self._from_browser], [], [], left)[0]:
                chunk = os.read(self._from_browser, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._message(timeout)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait(self, method: str, session: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._message(max(deadline - time.monotonic(), 0.01)))

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_browser)
        os.close(self._from_browser)


def test_site_in_a_real_browser_searches_and_follows_a_link(kaltara, tmp_path):
    binary = _chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); the report "
                    "site's browser test needs it")
    out, _ = kaltara
    browser = _Browser(binary, tmp_path / "profile")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Page.enable", session=session)
        browser.send("Network.enable", session=session)
        browser.send("Page.navigate", {"url": (out / "index.html").as_uri()}, session=session)
        browser.wait("Page.loadEventFired", session)

        def js(expression: str):
            result = browser.send("Runtime.evaluate",
                                  {"expression": expression, "returnByValue": True},
                                  session=session)
            assert "exceptionDetails" not in result, result
            return result["result"].get("value")

        assert js("document.querySelectorAll('#regencies tbody tr:not([hidden])').length") == 5
        visible = js("""(() => {
            const q = document.getElementById('search');
            q.value = 'MALINAU';
            q.dispatchEvent(new Event('input'));
            return [...document.querySelectorAll('#regencies tbody tr')]
                .filter(r => !r.hidden).map(r => r.dataset.code);
        })()""")
        assert visible == ["65.02"]
        assert js("document.querySelectorAll('#map path.dim').length") == 4  # the others fade
        js("document.querySelector('#regencies tr[data-code=\"65.02\"] a.html').click()")
        browser.wait("Page.loadEventFired", session)
        assert js("location.href").endswith("/id/65.02_malinau.html")
        assert "Kabupaten Malinau" in js("document.title")
        requested = [e["params"]["request"]["url"] for e in browser.events
                     if e.get("method") == "Network.requestWillBeSent"]
        assert requested and all(url.startswith(("file:", "data:")) for url in requested)
    finally:
        browser.close()


def test_workers_are_replaced_without_hanging(tmp_path):
    # A national build retires every worker several times (TASKS_PER_WORKER); here every 2
    # reports, 5 reports on 2 workers. In a child process with a time limit, so that a pool
    # that stopped replacing its workers fails the test instead of hanging the suite.
    code = (
        "import sys; from analysis.build import runner, workers; "
        "workers.TASKS_PER_WORKER = 2; "
        "r = runner.build_reports(province='65', overview=False, out=sys.argv[1], jobs=2, "
        "progress=False, site=False); print(sorted(r.built))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str([f"id/{code}" for code in KALTARA])
