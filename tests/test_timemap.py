"""dossier/render/timemap.py: periods, map data, the static SVG map, the map config; the vendored assets."""
import datetime as dt
import importlib.machinery
import importlib.util
import json
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO
from dossier.config import load_config
from dossier.dates import PartialDate
from dossier.render import timemap
from dossier.render.timemap import BASEMAP, Frame, fit, load_basemap, period, static_map

VENDOR = REPO / "themes" / "default" / "static" / "vendor"


class _Ev:
    def __init__(self, date, end=None):
        self.date, self.end = date, end


def day(y, m, d):
    return (dt.date(y, m, d) - dt.date(1970, 1, 1)).days


@pytest.mark.parametrize("date,end,first,after", [
    (PartialDate(2021, 8, 15), None, day(2021, 8, 15), day(2021, 8, 16)),
    (PartialDate(2021, 8), None, day(2021, 8, 1), day(2021, 9, 1)),          # a month covers the whole month
    (PartialDate(2020, 2), None, day(2020, 2, 1), day(2020, 3, 1)),          # leap February
    (PartialDate(1998, approximate=True), None, day(1998, 1, 1), day(1999, 1, 1)),
    (PartialDate(2021, 12), None, day(2021, 12, 1), day(2022, 1, 1)),
    (PartialDate(2017, 5), PartialDate(2021, 8, 21), day(2017, 5, 1), day(2021, 8, 22)),  # a span up to its end
    (PartialDate(2021, 8, 15, 21, 0), None, day(2021, 8, 15), day(2021, 8, 16)),
])
def test_period_spans_what_the_date_says(date, end, first, after):
    assert period(_Ev(date, end)) == (first, after)


def test_every_location_precision_of_the_model_is_drawn():
    from dossier.parse.fields import LOCATION_PRECISIONS

    assert set(LOCATION_PRECISIONS) | {None} == set(timemap.PRECISIONS)
    assert {p.shape for p in timemap.PRECISIONS.values()} == set(timemap.SHAPES)


def test_basemap_is_vendored_with_its_licence_and_parses():
    basemap = load_basemap(str(REPO / "themes" / "default" / BASEMAP))
    names = {name for name, _ in basemap}
    assert {"Afghanistan", "France", "Tajikistan", "United Kingdom"} <= names
    assert len(basemap) > 150
    notice = (VENDOR / "natural-earth" / "LICENSE").read_text(encoding="utf-8")
    assert "public domain" in notice and "world-atlas" in notice
    licence = (VENDOR / "leaflet" / "LICENSE").read_text(encoding="utf-8")
    assert "Redistribution and use in source and binary forms" in licence  # BSD-2-Clause text
    assert "sourceMappingURL" not in (VENDOR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")


def _vendor_script():
    path = REPO / "scripts" / "vendor-map-assets"
    loader = importlib.machinery.SourceFileLoader("vendor_map_assets", str(path))
    spec = importlib.util.spec_from_loader("vendor_map_assets", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_vendor_script_decodes_topojson_arcs():
    """Two squares sharing an edge (arc 1 used forwards and reversed), quantised and delta-encoded."""
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [[[0, 0], [0, 4], [2, 0]], [[2, 4], [0, -4]], [[2, 0], [-2, 0]], [[2, 4], [2, 0], [0, -4], [-2, 0]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1, 2]], "properties": {"name": "West"}},
            {"type": "Polygon", "arcs": [[3, ~1]], "properties": {"name": "East"}},
            {"type": "LineString", "arcs": [0]},
        ]}},
    }
    out = _vendor_script().to_geojson(topo)
    by_name = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in out["features"]}
    assert by_name["West"] == [[[[10, 20], [10, 21], [11, 21], [11, 20], [10, 20]]]]
    assert by_name["East"] == [[[[11, 21], [12, 21], [12, 20], [11, 20], [11, 21]]]]


def test_static_map_is_svg_with_outlines_and_one_marker_per_place():
    basemap = load_basemap(str(REPO / "themes" / "default" / BASEMAP))
    places = [{"lat": 34.5553, "lon": 69.2075, "t": "Kabul", "u": "/k/", "g": "point", "r": 0, "n": 3},
              {"lat": 35.31, "lon": 69.52, "t": "Panjshir <Valley>", "u": "/p/", "g": "area", "r": 25000, "n": 1},
              {"lat": 33.94, "lon": 67.71, "t": "Afghanistan", "u": "/a/", "g": "region", "r": 300000, "n": 2}]
    svg = str(static_map(basemap, places, "Map & key"))
    root = ET.fromstring(svg)  # well-formed, names escaped
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("aria-label") == "Map & key"
    markers = [g for g in root.iter("g")]
    assert [m.find("title").text for m in markers] == ["Afghanistan: 2 events", "Panjshir <Valley>: 1 event", "Kabul: 3 events"]
    assert len(root.findall("path")) + len(root.findall(f"{ns}path")) >= 3  # Afghanistan and its neighbours
    assert "tm-svg-region" in svg and "tm-svg-area" in svg and "Kabul (3)" in svg


def test_projection_puts_points_inside_the_frame():
    pts = [(34.5, 69.2), (48.85, 2.35), (-33.9, 151.2)]
    frame = fit(pts, 800, 450)
    for lat, lon in pts:
        x, y = frame.px(lat, lon)
        assert 0 < x < 800 and 0 < y < 450
    assert isinstance(frame, Frame)
    north = frame.px(60, 0)[1] < frame.px(0, 0)[1]
    assert north, "north is up"


def _config(tmp_path, text):
    (tmp_path / "dossier.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def test_map_config_tiles_without_attribution_warns(tmp_path):
    config, diags = _config(tmp_path, "title: t\nmap:\n  tiles: https://tile.example.org/{z}/{x}/{y}.png\n")
    assert config.map["tiles"] == "https://tile.example.org/{z}/{x}/{y}.png"
    assert [(d.code, d.line) for d in diags] == [("D112", 2)]
    config, diags = _config(tmp_path, 'map: {tiles: "https://t.example.org/{z}/{x}/{y}.png", attribution: "© OSM"}\n')
    assert diags == [] and config.map["attribution"] == "© OSM"


def test_map_config_bad_tiles_fall_back_to_the_basemap(tmp_path):
    config, diags = _config(tmp_path, "map: {tiles: 'ftp://x/{z}', attribution: a, colour: red}\n")
    assert "tiles" not in config.map
    assert sorted(d.code for d in diags) == ["D105", "D108"]


def test_check_warns_about_tiles_without_attribution(make_site, minimal_files):
    site = make_site(minimal_files, "title: T\nmap: {tiles: 'https://t.example.org/{z}/{x}/{y}.png'}\n")
    run = site.run("check", "--source", str(site.root), "--format", "json")
    report = json.loads(run.out)
    assert any(d["code"] == "D112" and d["path"] == "dossier.yaml" for d in report["diagnostics"]), run.out
    strict = site.run("check", "--source", str(site.root), "--strict")
    assert strict.code == 1 and "D112" in strict.out + strict.err


def test_tiles_setting_reaches_the_page(make_site, minimal_files):
    site = make_site(minimal_files, "title: T\nmap: {tiles: 'https://t.example.org/{z}/{x}/{y}.png', attribution: 'Tiles © Example'}\n")
    assert site.build().code == 0
    html = (site.out / "map" / "index.html").read_text(encoding="utf-8")
    assert 'data-tiles="https://t.example.org/{z}/{x}/{y}.png"' in html and 'data-attribution="Tiles © Example"' in html


def test_example_map_page_lists_every_placed_event(example_build):
    out = example_build.out
    events = json.loads((out / "events.json").read_text(encoding="utf-8"))["events"]
    placed = [e for e in events if e["place"] and e["place"]["coordinates"]]
    html = (out / "map" / "index.html").read_text(encoding="utf-8")
    assert html.count('<li class="tm-item') == len(placed) > 0
    start = html.index('<script type="application/json" id="tm-data">') + len('<script type="application/json" id="tm-data">')
    data = json.loads(html[start:html.index("</script>", start)])
    assert len(data["events"]) == len(placed)
    assert sum(p["n"] for p in data["places"]) == len(placed)
    assert f"{len(events) - len(placed)} more" in html or len(events) == len(placed)
    assert "<svg" in html and 'class="tm-land"' in html
    for e, rec in zip(placed, data["events"]):  # same order as the exports
        assert rec["s"] == period(_Ev(PartialDate(*map(int, e["date"]["iso"][:10].split("-"))), None))[0]


def test_place_and_person_pages_have_mini_maps_with_svg_fallback(example_build):
    out = example_build.out
    kabul = (out / "places" / "kabul" / "index.html").read_text(encoding="utf-8")
    assert 'data-mode="mini"' in kabul and "<svg" in kabul and 'class="locator"' not in kabul
    assert "/map/?place=kabul" in kabul
    person = (out / "people" / "ahmad-massoud" / "index.html").read_text(encoding="utf-8")
    assert 'data-mode="mini"' in person and "/map/?person=ahmad-massoud" in person


def _map_places(site):
    html = site.read("map/index.html")
    start = html.index('id="tm-data">') + len('id="tm-data">')
    return {p["t"]: p for p in json.loads(html[start:html.index("</script>", start)])["places"]}


def test_incremental_build_redraws_the_map_when_a_place_moves_or_an_event_changes(tmp_path):
    from conftest import build_example

    site = build_example(tmp_path / "site")
    assert _map_places(site)["Kabul"]["lat"] == 34.5553
    kabul = site.root / "content/places/kabul.md"
    kabul.write_text(kabul.read_text(encoding="utf-8").replace("34.5553", "34.6001"), encoding="utf-8")
    assert site.build("--strict").code == 0
    assert _map_places(site)["Kabul"]["lat"] == 34.6001  # only the coordinates changed: the card digest covers them
    assert "34.60" in site.read("places/kabul/index.html")
    event = site.root / "content/events/fall-of-kabul.md"
    event.write_text(event.read_text(encoding="utf-8").replace("place: Kabul\n", "place: Kabul\nlocation_precision: town\n"),
                     encoding="utf-8")
    assert site.build("--strict").code == 0
    kabul_town = [p for p in json.loads(site.read("map/index.html").split('id="tm-data">')[1].split("</script>")[0])["places"]
                  if p["t"] == "Kabul" and p["g"] == "area"]
    assert len(kabul_town) == 1 and kabul_town[0]["n"] == 1 and kabul_town[0]["r"] == 5000


def _map_items(html: str) -> list[str]:
    listing = html.split('<ol class="tm-list', 1)[1].split("</ol>", 1)[0]
    return listing.split('<li class="tm-item')[1:]


def test_a_long_map_list_is_compact_but_lists_every_placed_event(tmp_path):
    """Past timeline.compact_over events the list of /map/ (the no-JavaScript representation) keeps each
    event's date, title and place but leaves people, organisations and sources to its page and card: at
    5,000 events the full list was 3.4 MB of HTML and most of the page's load time."""
    from timeline_fixture import build_fixture

    full = build_fixture(tmp_path / "full").read("map/index.html")
    compact = build_fixture(tmp_path / "compact", config="title: T\nbase_url: https://example.org/dossier/\n"
                            "timeline: {compact_over: 3}\n").read("map/index.html")
    long_items, short_items = _map_items(full), _map_items(compact)
    assert len(long_items) == len(short_items) > 3
    assert "tm-compact-note" in compact and "tm-compact-note" not in full
    assert any("chip-person" in i for i in long_items) and any("tl-sources" in i for i in long_items)
    assert not any("chip-person" in i or "chip-organization" in i or "tl-sources" in i for i in short_items)
    for a, b in zip(long_items, short_items):  # same order (timemap.js pairs items with the data by index)
        for part in ('<p class="tl-date">', '<h3 class="tl-title">', '<p class="tm-where">'):
            assert a.split(part, 1)[1].split("</", 1)[0] == b.split(part, 1)[1].split("</", 1)[0]
    data = compact.split('id="tm-data">', 1)[1].split("</script>", 1)[0]
    assert len(json.loads(data)["events"]) == len(short_items)  # the card still has every event's people and sources
