"""The report site: ``<out>/index.html``, one page to share every report of the output folder.

A map (inline SVG drawn from the shipped kab/kota boundaries) and a searchable, sortable table of
the kab/kota with their headline figures, linking each brief's PDF, HTML and XLSX; the province
and national overviews above it. One self-contained file: styles and a few lines of plain
JavaScript inline, no web font, no CDN, no request of any kind, so it works opened from a file
path (``file://``), from a USB stick, or from any static web server.

Everything comes from the manifest (the headline figures are those each report put in its
``ReportMeta``, copied by the runner) and from the data layer (names, boundaries), so writing
the site never imports the model or matplotlib.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from analysis.core import config, i18n, numbers
from analysis.core.files import atomic_write, sha256_file
from analysis.data.boundaries import boundary_path, shipped_features
from analysis.data.parameters import load_parameters
from analysis.data.tables import regencies

SITE_FILE = "index.html"
MAP_WIDTH = 960  # SVG user units; the map scales to the page width
# Coverage classes: upper bound of the rate and colour (cividis, as the report maps).
RATE_CLASSES = ((0.2, "#083370"), (0.4, "#4f576c"), (0.6, "#7d7c78"), (0.8, "#aea371"),
                (math.inf, "#e5cf52"))
NO_DATA_FILL = "url(#nodata)"
NO_RATE_FILL = "#f2f2f2"
NOT_BUILT_FILL = "#ffffff"
KINDS_ORDER = {"national": 0, "province": 1, "regency": 2}


def _t(key: str, lang: str, **values: Any) -> str:
    return i18n.t(f"site.{key}", lang, **values)


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fold(text: str) -> str:
    """Lower case without accents: what the search compares."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain.lower()


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# --- The map ----------------------------------------------------------------------------------


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


class _Projection:
    """Longitude/latitude to SVG units: equirectangular, scaled by cos(mean latitude)."""

    def __init__(self, features: list[dict], width: float = MAP_WIDTH) -> None:
        xs = [p[0] for f in features for r in _rings(f["geometry"]) for p in r]
        ys = [p[1] for f in features for r in _rings(f["geometry"]) for p in r]
        self.x0, self.y1 = min(xs), max(ys)
        self.k_x = math.cos(math.radians((min(ys) + max(ys)) / 2))
        span = max((max(xs) - self.x0) * self.k_x, 1e-9)
        self.scale = width / span
        self.width = width
        self.height = math.ceil((self.y1 - min(ys)) * self.scale) + 1

    def path(self, geometry: Mapping[str, Any], tolerance: float = 0.6) -> str:
        """SVG path data of a geometry's outer rings, points closer than ``tolerance`` dropped."""
        parts = []
        for ring in _rings(geometry):
            points: list[tuple[float, float]] = []
            for lng, lat, *_ in ring:
                x = (lng - self.x0) * self.k_x * self.scale
                y = (self.y1 - lat) * self.scale
                if points and abs(x - points[-1][0]) + abs(y - points[-1][1]) < tolerance:
                    continue
                points.append((x, y))
            if len(points) < 3:
                continue
            # Whole SVG units (about 1/1000 of the map's width) are finer than the boundaries.
            parts.append("M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in points) + "Z")
        return "".join(parts)

    def point(self, lng: float, lat: float) -> tuple[float, float]:
        """A longitude and latitude in SVG units."""
        return (lng - self.x0) * self.k_x * self.scale, (self.y1 - lat) * self.scale


def _fill(headline: Mapping[str, Any] | None, built: bool) -> str:
    if not built:
        return NOT_BUILT_FILL
    headline = headline or {}
    if headline.get("status") != "ok":  # no data, or only programmes that have ended
        return NO_DATA_FILL
    rate = _finite(headline.get("rate"))
    if rate is None:
        return NO_RATE_FILL
    return next(colour for bound, colour in RATE_CLASSES if rate < bound)


def svg_map(rows: list[dict[str, Any]], lang: str) -> str:
    """Inline SVG of the kab/kota of the provinces in ``rows``, coloured by coverage rate.

    Parameters
    ----------
    rows : list of dict
        Site rows of kab/kota (``code``, ``name``, ``headline``, ``built``).
    lang : {"id", "en"}
        Language of the tooltips.

    Returns
    -------
    str
        An ``<svg>`` element; every kab/kota is a ``<path data-code=...>`` with a ``<title>``.
    """
    by_code = {row["code"]: row for row in rows}
    provinces = sorted({code.split(".")[0] for code in by_code})
    features = [f for p in provinces for f in shipped_features(p)]
    if not features:
        return ""
    projection = _Projection(features)
    paths = []
    for feature in features:
        code = str(feature["properties"].get("area_code"))
        row = by_code.get(code)
        data = projection.path(feature["geometry"])
        if not data:  # smaller than a unit at this scale (a kota on the national map): a dot
            props = feature["properties"]
            if props.get("lng") is None or props.get("lat") is None:
                continue
            x, y = projection.point(float(props["lng"]), float(props["lat"]))
            data = f"M{x - 2:.1f} {y:.1f}a2 2 0 1 0 4 0a2 2 0 1 0 -4 0Z"
        name = row["name"] if row else str(feature["properties"].get("name", code))
        tip = f"{name} ({code})"
        if row and row.get("rate_text"):
            tip += f": {row['rate_text']}"
        fill = _fill(row.get("headline") if row else None, bool(row and row.get("built")))
        paths.append(
            f'<path d="{data}" fill="{fill}" data-code="{_esc(code)}">'
            f"<title>{_esc(tip)}</title></path>"
        )
    return (
        f'<svg id="map" viewBox="0 0 {projection.width} {projection.height}" role="img" '
        f'aria-label="{_esc(_t("map_label", lang))}">'
        '<defs><pattern id="nodata" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#dddddd"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#999999" stroke-width="1.5"/></pattern>'
        "</defs>" + "".join(paths) + "</svg>"
    )


def _legend(lang: str) -> str:
    items = []
    low = 0
    for bound, colour in RATE_CLASSES:
        label = f"≥ {low}%" if math.isinf(bound) else f"{low}–{round(bound * 100)}%"
        items.append(f'<span><i style="background:{colour}"></i>{label}</span>')
        low = 0 if math.isinf(bound) else round(bound * 100)
    items.append(f'<span><i class="nodata"></i>{_esc(_t("no_data", lang))}</span>')
    items.append(f'<span><i style="background:{NO_RATE_FILL}"></i>'
                 f'{_esc(_t("no_rate", lang))}</span>')
    return '<p class="legend">' + "".join(items) + "</p>"


# --- The rows -----------------------------------------------------------------------------------


def _links(entries: Iterable[Mapping[str, Any]], many_langs: bool) -> str:
    """Links to the files of a report, per language ("ID: PDF HTML XLSX")."""
    groups = []
    for entry in entries:
        paths = entry.get("paths") or {}
        links = " ".join(
            f'<a href="{_esc(paths[fmt])}" class="{fmt}">{fmt.upper()}</a>'
            for fmt in ("pdf", "html", "xlsx") if paths.get(fmt)
        )
        if not links:
            continue
        prefix = f'<b>{_esc(str(entry.get("language", "")).upper())}</b> ' if many_langs else ""
        stale = ' <span class="stale">*</span>' if entry.get("stale") else ""
        groups.append(f'<span class="files">{prefix}{links}{stale}</span>')
    return " ".join(groups)


def site_rows(manifest: Mapping[str, Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One row per report area (kab/kota, province, country) from the manifest entries.

    Parameters
    ----------
    manifest : mapping
        Manifest entries by report id (``analysis.build.manifest.load_manifest``).
    lang : {"id", "en"}
        Language of the formatted figures.

    Returns
    -------
    list of dict
        ``kind, code, name, province, headline, as_of, built, failed, entries`` and the
        formatted ``covered_text``, ``target_text``, ``rate_text``; national first, then
        provinces, then kab/kota, by code.
    """
    known = regencies(None).set_index("regency_code")
    province_names = dict(zip(known["province_code"], known["province_name"], strict=False))
    grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for entry in manifest.values():
        if entry.get("kind") not in KINDS_ORDER:
            continue
        grouped.setdefault((entry["kind"], str(entry.get("code"))), []).append(entry)
    rows = []
    for (kind, code), entries in grouped.items():
        entries = sorted(entries, key=lambda e: (e.get("language") != lang, e.get("language")))
        with_meta = next((e for e in entries if e.get("meta")), entries[0])
        meta = with_meta.get("meta") or {}
        headline = meta.get("headline") or {}
        if kind == "regency" and code in known.index:
            name = str(known.loc[code, "name"])
            province = str(known.loc[code, "province_name"])
        else:
            name = str(meta.get("area") or entries[0].get("name") or code)
            province = province_names.get(code, "") if kind == "province" else ""
        built = any(e.get("status") in ("built", "unchanged") or e.get("paths") for e in entries)
        covered = _finite(headline.get("covered_rentan"))
        target = _finite(headline.get("target_village"))
        rate = _finite(headline.get("rate"))
        rows.append({
            "kind": kind, "code": code, "name": name, "province": province,
            "headline": headline, "as_of": meta.get("as_of") or "", "built": built,
            "failed": all(e.get("status") == "failed" for e in entries),
            "entries": entries,
            "covered": covered, "target": target, "rate": rate,
            "covered_text": numbers.format_number(covered, lang) if covered is not None
            else _missing_text(kind, headline.get("status"), lang),
            "target_text": numbers.format_number(target, lang) if target is not None else "–",
            "rate_text": numbers.format_percent(rate, lang) if rate is not None else "–",
        })
    rows.sort(key=lambda r: (KINDS_ORDER[r["kind"]], r["code"]))
    return rows


def _missing_text(kind: str, status: Any, lang: str) -> str:
    """What the table says where a kab/kota has no figure: no data, or programme ended."""
    if kind == "regency" and status == "no data":
        return _t("no_data", lang)
    if kind == "regency" and status == "past":
        return _t("past", lang)
    return "–"


def _row_html(row: dict[str, Any], many_langs: bool, lang: str) -> str:
    search = _fold(f"{row['code']} {row['name']} {row['province']}")
    status = ""
    if row["failed"]:
        status = f' <span class="failed">{_esc(_t("failed", lang))}</span>'

    def num(value: float | None, text: str) -> str:
        sort = "" if value is None else f"{value:.6g}"
        return f'<td class="num" data-v="{sort}">{_esc(text)}</td>'

    return (
        f'<tr data-code="{_esc(row["code"])}" data-search="{_esc(search)}">'
        f'<td>{_esc(row["code"])}</td><td>{_esc(row["name"])}{status}</td>'
        f'<td>{_esc(row["province"])}</td>'
        + num(row["covered"], row["covered_text"])
        + num(row["target"], row["target_text"])
        + num(row["rate"], row["rate_text"])
        + f'<td class="date">{_esc(row["as_of"])}</td>'
        f'<td class="files">{_links(row["entries"], many_langs)}</td></tr>'
    )


def _overview_html(row: dict[str, Any], many_langs: bool, lang: str) -> str:
    headline = row["headline"]
    detail = ""
    if headline.get("regencies") is not None:
        detail = _t("overview_detail", lang,
                    with_data=numbers.format_number(float(headline.get("with_data") or 0), lang),
                    regencies=numbers.format_number(float(headline["regencies"]), lang))
    search = _fold(f"{row['code']} {row['name']}")
    return (
        f'<li data-search="{_esc(search)}"><span class="ov-name">{_esc(row["name"])}</span> '
        f'<span class="ov-detail">{_esc(detail)}</span> {_links(row["entries"], many_langs)}'
        "</li>"
    )


# --- The page -----------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
header{border-top:6px solid #0072B2;padding-top:12px}
h1{font-size:1.5rem;margin:.4em 0}h2{font-size:1.15rem;margin:1.2em 0 .4em}
#map{display:block;width:100%;height:auto;max-height:520px;background:#fafafa;
border:1px solid #eee}
#map path{stroke:#fff;stroke-width:.5;cursor:pointer}
#map path:hover{stroke:#000;stroke-width:1.2}#map path.dim{opacity:.25}
.legend{font-size:.85rem;display:flex;flex-wrap:wrap;gap:.8em}
.legend i{display:inline-block;width:1em;height:1em;margin-right:.3em;vertical-align:-.15em;
border:1px solid #999}
.legend i.nodata{background:repeating-linear-gradient(45deg,#ddd 0 3px,#999 3px 4px)}
#search{font-size:1rem;padding:.4em .6em;width:min(420px,100%);margin:.4em 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:.3em .5em;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top}
th{background:#e8f1f8;cursor:pointer;user-select:none}
td.num,td.date,td.files{text-align:right;white-space:nowrap}td.files{text-align:left}
tr.hit{background:#fff7d6}.files a{margin-right:.35em}.files b{font-weight:600;margin-right:.2em}
.failed{color:#D55E00;font-weight:600}.stale{color:#D55E00}
ul.overviews{padding-left:1.2em}ul.overviews li{margin:.2em 0}
details ul.overviews{columns:2 30em}summary{cursor:pointer}
.ov-detail{color:#555}
footer{font-size:.8rem;color:#555;margin:2em auto 1em}#count{color:#555;margin-left:.6em}
"""

# Plain JavaScript, no library: search (accents and case ignored), map and table together,
# sorting by a column (numbers by their raw value in data-v).
_JS = """
(function () {
  var q = document.getElementById('search');
  var count = document.getElementById('count');
  var rows = [].slice.call(document.querySelectorAll('#regencies tbody tr'));
  var overviews = [].slice.call(document.querySelectorAll('ul.overviews li'));
  var paths = [].slice.call(document.querySelectorAll('#map path'));
  function fold(s) {
    return s.normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase().trim();
  }
  function apply() {
    var t = fold(q.value), shown = {}, n = 0;
    rows.forEach(function (r) {
      var ok = !t || r.dataset.search.indexOf(t) >= 0 || r.dataset.code === t;
      r.hidden = !ok;
      r.classList.toggle('hit', !!t && ok);
      if (ok) { shown[r.dataset.code] = 1; n++; }
    });
    overviews.forEach(function (li) {
      li.hidden = !!t && li.dataset.search.indexOf(t) < 0;
    });
    paths.forEach(function (p) { p.classList.toggle('dim', !!t && !shown[p.dataset.code]); });
    count.textContent = n + ' / ' + rows.length;
  }
  q.addEventListener('input', apply);
  paths.forEach(function (p) {
    p.addEventListener('click', function () {
      q.value = p.dataset.code;
      apply();
      var r = document.querySelector('#regencies tr[data-code="' + p.dataset.code + '"]');
      if (r) { r.scrollIntoView({block: 'center'}); }
    });
  });
  var wanted = new URLSearchParams(location.search).get('q');
  if (wanted) { q.value = wanted; }
  document.querySelectorAll('#regencies th').forEach(function (th, i) {
    var ascending = true;
    th.addEventListener('click', function () {
      var body = th.closest('table').tBodies[0], list = [].slice.call(body.rows);
      list.sort(function (a, b) {
        var x = a.cells[i], y = b.cells[i], u = x.dataset.v, v = y.dataset.v, c;
        if (u !== undefined && v !== undefined) {
          c = (u === '' ? -1e300 : +u) - (v === '' ? -1e300 : +v);
        } else {
          c = x.textContent.localeCompare(y.textContent);
        }
        return ascending ? c : -c;
      });
      ascending = !ascending;
      list.forEach(function (r) { body.appendChild(r); });
    });
  });
  apply();
})();
"""


def site_html(manifest: Mapping[str, Mapping[str, Any]], lang: str = "id",
              version: str = "", generated: str = "") -> str:
    """The whole ``index.html`` page.

    Parameters
    ----------
    manifest : mapping
        Manifest entries by report id.
    lang : {"id", "en"}
        Language of the page.
    version, generated : str
        Code version and build time for the footer.

    Returns
    -------
    str
        A self-contained HTML document.
    """
    i18n.check_lang(lang)
    rows = site_rows(manifest, lang)
    langs = {str(e.get("language")) for e in manifest.values()}
    many = len(langs) > 1
    regency_rows = [r for r in rows if r["kind"] == "regency"]
    overviews = [r for r in rows if r["kind"] != "regency"]
    columns = ["col_code", "col_name", "col_province", "col_covered", "col_target", "col_rate",
               "col_as_of", "col_files"]
    head = "".join(f"<th>{_esc(_t(c, lang))}</th>" for c in columns)
    body = "".join(_row_html(r, many, lang) for r in regency_rows)
    national = "".join(_overview_html(r, many, lang) for r in overviews
                       if r["kind"] == "national")
    provinces = "".join(_overview_html(r, many, lang) for r in overviews
                        if r["kind"] == "province")
    count = sum(r["kind"] == "province" for r in overviews)
    if count > 5:  # a national build: the 38 province overviews folded under one line
        provinces = (f"<li><details><summary>{_esc(_t('province_overviews', lang, n=count))}"
                     f'</summary><ul class="overviews">{provinces}</ul></details></li>')
    overview_block = (f"<h2>{_esc(_t('overviews', lang))}</h2>"
                      f'<ul class="overviews">{national}{provinces}</ul>'
                      if overviews else "")
    svg = svg_map(regency_rows, lang) if regency_rows else ""
    map_block = (f"<h2>{_esc(_t('map_title', lang))}</h2>{svg}{_legend(lang)}"
                 f"<p class=\"note\">{_esc(_t('map_note', lang))}</p>" if svg else "")
    per_desa = numbers.format_number(
        float(load_parameters().get("targets.workers_per_desa")), lang)
    title = _t("title", lang)
    footer = _t("footer", lang, version=version or "–", generated=generated or "–")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_esc(title)}</h1><p>{_esc(_t('intro', lang))}</p></header>\n<main>\n"
        f"{overview_block}{map_block}"
        f"<h2>{_esc(_t('table_title', lang))}</h2>"
        f'<label for="search">{_esc(_t("search_label", lang))}</label><br>'
        f'<input id="search" type="search" autocomplete="off" '
        f'placeholder="{_esc(_t("search_placeholder", lang))}"><span id="count"></span>'
        f'<table id="regencies"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n'
        f'<p class="note">{_esc(_t("table_note", lang, per_desa=per_desa))}</p>\n</main>\n'
        f"<footer>{_esc(footer)}</footer>\n<script>{_JS}</script>\n</body>\n</html>\n"
    )


# The fields of a manifest entry the page shows; other fields (timings, "built" or
# "unchanged") do not change it.
_SHOWN = ("kind", "code", "name", "language", "paths", "stale", "meta")


def site_digest(manifest: Mapping[str, Mapping[str, Any]], lang: str, version: str) -> str:
    """Hash of everything the page is made from: the shown manifest fields, the language, the
    code version, this module, its texts and the boundaries file."""
    digest = hashlib.sha256(f"{lang}\0{version}\0".encode())
    shown = [{**{k: e.get(k) for k in _SHOWN}, "failed": e.get("status") == "failed"}
             for _, e in sorted(manifest.items())]
    digest.update(json.dumps(shown, sort_keys=True, default=str).encode())
    for path in (Path(__file__), config.LOCALES / "site.yml", boundary_path()):
        digest.update(sha256_file(path).encode() if path.is_file() else b"-")
    return digest.hexdigest()


def prefetch() -> None:
    """Read what the site draws (the kab/kota boundaries, the regency table) into their caches.

    The build calls this in a thread while the reports are built, so that writing the site at
    the end does not start with reading a country's boundaries. Errors are left for
    :func:`write_site` to report.
    """
    try:
        shipped_features()
        regencies(None)
    except Exception:  # noqa: BLE001  (reported, with context, when the site is written)
        pass


def write_site(out: Path, manifest: Mapping[str, Mapping[str, Any]], lang: str = "id",
               version: str = "", generated: str = "") -> Path:
    """Write ``<out>/index.html`` atomically (unless it is already up to date); return its path.

    The page carries the digest of its inputs (``site_digest``) in its first line; when the
    page on disk has the same digest it is left as it is, so a run with nothing to do does not
    redraw the map.

    Parameters
    ----------
    out : Path
        The output folder (the links are relative to it).
    manifest : mapping
        Manifest entries by report id.
    lang : {"id", "en"}
        Language of the page.
    version, generated : str
        Code version and build time for the footer.

    Returns
    -------
    Path
        The page.
    """
    path = Path(out) / SITE_FILE
    marker = f"<!-- site-input {site_digest(manifest, lang, version)} -->\n"
    try:
        with path.open(encoding="utf-8") as page:
            if page.readline() == marker:
                return path
    except (OSError, UnicodeDecodeError):
        pass
    atomic_write(path, marker + site_html(manifest, lang, version, generated))
    return path


def site_language(manifest: Mapping[str, Mapping[str, Any]], preferred: Iterable[str]) -> str:
    """The page's language: the first of ``preferred`` the manifest has reports in, else "id"."""
    have = {str(e.get("language")) for e in manifest.values()}
    for lang in preferred:
        if lang in have and lang in i18n.LANGUAGES:
            return lang
    return "id"

