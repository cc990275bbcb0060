"""The timeline exports: /timeline.json (TimelineJS 3), /events.json, /events.csv, /places.geojson.

Golden files for timeline.json and events.csv live in tests/golden/; refresh them with
``pytest tests/test_exports.py --update-golden`` and review the diff (never edit them by hand).
"""
from __future__ import annotations

import csv
import io
import json
import math

import pytest

from cldr_spacing import loose
from timeline_fixture import build_fixture

BASE = "https://example.org/dossier/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("exports") / "site")


def load(site, name):
    return json.loads(site.read(name))


def csv_rows(site) -> list[dict]:
    text = (site.out / "events.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# ------------------------------------------------------------------ timeline.json

def test_timeline_json_title_slide_comes_from_the_site(site):
    data = load(site, "timeline.json")
    assert data["title"]["text"]["headline"] == "Timeline fixture: Kabul &amp; Panjshir"
    assert data["title"]["text"]["text"] == "<p>A small dossier whose events use every date form.</p>"
    assert "start_date" not in data["title"]
    assert data["scale"] == "human"


def test_timeline_json_dates_carry_only_the_known_precision(site):
    slides = {s["unique_id"]: s for s in load(site, "timeline.json")["events"]}
    assert len(slides) == 8
    assert slides["events-first-meeting"]["start_date"] == {"year": 1998}
    assert slides["events-appeal-for-resistance"]["start_date"] == {"year": 2021, "month": 8}
    assert slides["events-fall-of-kabul"]["start_date"] == {"year": 2021, "month": 8, "day": 15}
    assert slides["events-evening-broadcast"]["start_date"] == {"year": 2021, "month": 8, "day": 15, "hour": 21, "minute": 0}
    assert slides["events-siege-of-the-valley"]["end_date"] == {"year": 2022, "month": 3}
    assert slides["events-week-of-talks"]["end_date"] == {"year": 2021, "month": 8, "day": 21}
    assert "end_date" not in slides["events-fall-of-kabul"]


def test_timeline_json_display_date_for_approximate_dates_and_ranges_only(site):
    slides = {s["unique_id"]: s for s in load(site, "timeline.json")["events"]}
    assert slides["events-first-meeting"]["display_date"] == "c. 1998"
    assert loose(slides["events-week-of-talks"]["display_date"]) == "15–21 August 2021"
    assert loose(slides["events-siege-of-the-valley"]["display_date"]) == "August 2021–March 2022"
    for uid in ("events-fall-of-kabul", "events-appeal-for-resistance", "events-the-year-of-exile"):
        assert "display_date" not in slides[uid]


def test_timeline_json_text_is_escaped_html_with_links(site):
    slides = {s["unique_id"]: s for s in load(site, "timeline.json")["events"]}
    rumours = slides["articles-panjshir-report-event-3"]
    assert rumours["text"]["headline"] == "Rumours &lt;b&gt;&amp;&lt;/b&gt; denials"
    fall = slides["events-fall-of-kabul"]["text"]["text"]
    assert "<p>The Taliban enter Kabul &amp; the republic collapses.</p>" in fall
    assert f'<a href="{BASE}places/kabul/">Kabul</a>' in fall
    assert f'<a href="{BASE}articles/panjshir-report/">Report from the Panjshir</a>' in fall
    assert '<a href="https://example.com/fall">The fall, hour by hour</a>' in fall
    assert f'<a href="{BASE}events/fall-of-kabul/">' in fall


def test_timeline_json_groups_and_unique_ids(site):
    events = load(site, "timeline.json")["events"]
    ids = [s["unique_id"] for s in events]
    assert len(set(ids)) == len(ids) and all(i.replace("-", "").isalnum() for i in ids)
    groups = {s["unique_id"]: s.get("group") for s in events}
    assert groups["events-fall-of-kabul"] == "kabul"  # first tag
    assert groups["events-the-year-of-exile"] is None  # no tag, no place: no group
    assert groups["events-first-meeting"] == "history"


def test_timeline_json_group_falls_back_to_the_place(make_site):
    site = make_site({
        "content/places/kabul.md": "---\ntitle: Kabul\n---\n",
        "content/events/e.md": "---\ntitle: E\ndate: 2021\nplace: Kabul\n---\n",
    })
    assert site.build().code == 0
    assert load(site, "timeline.json")["events"][0]["group"] == "Kabul"


def test_timeline_json_keeps_a_sensitive_summary_behind_the_warning(make_site):
    site = make_site({
        "content/events/e.md": "---\ntitle: Strike on the market\ndate: 2021-09-01\nsensitive: true\n"
                               "summary: Graphic details.\n---\n",
    })
    assert site.build().code == 0
    text = load(site, "timeline.json")["events"][0]["text"]["text"]
    assert "Graphic details" not in text and "Content warning" in text
    ev = load(site, "events.json")["events"][0]
    assert ev["sensitive"] is True and ev["summary"] == "Graphic details."  # data users decide; the flag says why


# ------------------------------------------------------------------ events.json

def test_events_json_full_schema(site):
    data = load(site, "events.json")
    assert data["version"] == 1 and data["generated_from"] == "Timeline fixture: Kabul & Panjshir"
    assert data["language"] == "en"
    by_id = {e["id"]: e for e in data["events"]}
    assert list(by_id) == [e["id"] for e in data["events"]] and len(by_id) == 8
    fall = by_id["events/fall-of-kabul"]
    assert fall == {
        "id": "events/fall-of-kabul",
        "title": "Fall of Kabul",
        "summary": "The Taliban enter Kabul & the republic collapses.",
        "date": {"iso": "2021-08-15", "precision": "day", "approximate": False},
        "end": None,
        "date_text": "15 August 2021",
        "place": {"id": "places/kabul", "title": "Kabul", "url": f"{BASE}places/kabul/",
                  "coordinates": {"lat": 34.5553, "lon": 69.2075}},
        "location_precision": "town",
        "people": [{"id": "people/ahmad-massoud", "title": "Ahmad Massoud", "url": f"{BASE}people/ahmad-massoud/"}],
        "organizations": [{"id": "organizations/taliban", "title": "Taliban", "url": f"{BASE}organizations/taliban/"}],
        "tags": ["kabul", "taliban"],
        "sources": [
            {"type": "article", "id": "articles/panjshir-report", "title": "Report from the Panjshir",
             "url": f"{BASE}articles/panjshir-report/"},
            {"type": "external", "title": "The fall, hour by hour", "publisher": "Example News",
             "url": "https://example.com/fall", "archived_url": None, "date": "2021-08-16", "language": None},
        ],
        "casualties": {"killed": {"min": 10, "max": 20}, "injured": {"min": 5, "max": 5}},
        "sensitive": False,
        "defined_in": "content/events/fall-of-kabul.md",
        "url": f"{BASE}events/fall-of-kabul/",
    }
    first = by_id["events/first-meeting"]
    assert first["date"] == {"iso": "1998", "precision": "year", "approximate": True}
    assert first["casualties"] is None
    siege = by_id["events/siege-of-the-valley"]
    assert siege["end"] == {"iso": "2022-03", "precision": "month", "approximate": False}
    assert by_id["events/week-of-talks"]["place"]["coordinates"] is None  # a place without coordinates
    inline = by_id["articles/panjshir-report#event-3"]
    assert inline["url"] == f"{BASE}articles/panjshir-report/"
    assert inline["defined_in"] == "content/articles/panjshir-report.md"
    assert [s["id"] for s in inline["sources"]] == ["articles/panjshir-report"]


def test_urls_are_prefixed_paths_without_a_host(tmp_path):
    site = build_fixture(tmp_path / "site", config="title: T\nbase_url: /sub/\n")
    ev = next(e for e in load(site, "events.json")["events"] if e["id"] == "events/fall-of-kabul")
    assert ev["url"] == "/sub/events/fall-of-kabul/" and ev["place"]["url"] == "/sub/places/kabul/"
    assert next(r for r in csv_rows(site) if r["id"] == "events/fall-of-kabul")["url"] == "/sub/events/fall-of-kabul/"
    geo = load(site, "places.geojson")
    assert {f["properties"]["url"] for f in geo["features"]} >= {"/sub/places/kabul/"}
    assert '"/sub/places/kabul/"' in site.read("timeline.json").replace('\\"', '"')


# ------------------------------------------------------------------ events.csv

def test_events_csv_round_trips_through_dictreader(site):
    rows = csv_rows(site)
    events = load(site, "events.json")["events"]
    assert list(rows[0]) == ["id", "title", "date", "precision", "approximate", "end", "place", "latitude", "longitude",
                             "location_precision", "people", "organizations", "tags", "killed_min", "killed_max",
                             "injured_min", "injured_max", "sources", "url"]
    assert len(rows) == len(events)
    for row, ev in zip(rows, events):
        assert row["id"] == ev["id"] and row["title"] == ev["title"]
        assert row["date"] == ev["date"]["iso"] and row["precision"] == ev["date"]["precision"]
        assert row["approximate"] == ("true" if ev["date"]["approximate"] else "false")
        assert row["end"] == (ev["end"]["iso"] if ev["end"] else "")
        assert row["people"].split("; ") == [p["title"] for p in ev["people"]] or (row["people"] == "" and not ev["people"])
        assert row["url"] == ev["url"]
        place = ev["place"]
        assert row["place"] == (place["title"] if place else "")
        if place and place["coordinates"]:
            assert float(row["latitude"]) == place["coordinates"]["lat"]
            assert float(row["longitude"]) == place["coordinates"]["lon"]
        else:
            assert row["latitude"] == row["longitude"] == ""
    fall = next(r for r in rows if r["id"] == "events/fall-of-kabul")
    assert (fall["killed_min"], fall["killed_max"], fall["injured_min"], fall["injured_max"]) == ("10", "20", "5", "5")
    assert fall["sources"].split("; ") == [f"{BASE}articles/panjshir-report/", "https://example.com/fall"]
    assert fall["tags"] == "kabul; taliban" and fall["location_precision"] == "town"
    talks = next(r for r in rows if r["id"] == "events/week-of-talks")
    assert talks["people"] == "Ahmad Massoud; Bernard-Henri Lévy"
    rumours = next(r for r in rows if r["id"] == "articles/panjshir-report#event-3")
    assert rumours["title"] == "Rumours <b>&</b> denials"  # CSV is plain text: no HTML escaping


def test_events_csv_opens_cleanly_in_spreadsheets(site):
    data = (site.out / "events.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,title,")  # UTF-8 BOM: Excel reads "Lévy" as UTF-8
    assert data.count(b"\r\n") == len(csv_rows(site)) + 1  # RFC 4180 line ends, one row per event
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_events_csv_never_starts_a_cell_with_a_formula(make_site):
    site = make_site({
        "content/people/p.md": "---\ntitle: \"@handle\"\n---\n",
        "content/events/e.md": "---\ntitle: \"=HYPERLINK(\\\"http://x\\\")\"\ndate: 2021\npeople: [\"@handle\"]\n"
                               "tags: [\"+1\", \"-x\"]\n---\n",
    })
    assert site.build().code == 0
    row = csv_rows(site)[0]
    assert row["title"] == "'=HYPERLINK(\"http://x\")"
    assert row["people"] == "'@handle"
    assert row["tags"] == "'+1; -x"
    assert load(site, "events.json")["events"][0]["title"] == '=HYPERLINK("http://x")'  # JSON keeps the real text


# ------------------------------------------------------------------ places.geojson

def test_places_geojson_is_valid_geojson(site):
    import geojson

    text = site.read("places.geojson")
    obj = geojson.loads(text)
    assert isinstance(obj, geojson.FeatureCollection)
    assert obj.is_valid, obj.errors()
    data = json.loads(text)
    assert set(data) == {"type", "features"} and data["type"] == "FeatureCollection"
    for f in data["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert all(isinstance(v, float) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert set(f["properties"]) == {"id", "title", "aliases", "url", "events", "within"}


def test_places_geojson_content(site):
    features = load(site, "places.geojson")["features"]
    # every place with coordinates, sorted by id; "Somewhere north" has none
    assert [f["id"] for f in features] == ["places/afghanistan", "places/kabul", "places/panjshir-valley"]
    kabul = features[1]
    assert kabul["geometry"]["coordinates"] == [69.2075, 34.5553]  # [lon, lat], not the front matter's [lat, lon]
    assert kabul["properties"] == {"id": "places/kabul", "title": "Kabul", "aliases": ["Kaboul"],
                                   "url": f"{BASE}places/kabul/", "events": 2, "within": "places/afghanistan"}
    counts = {f["id"]: f["properties"]["events"] for f in features}
    assert counts == {"places/afghanistan": 1, "places/kabul": 2, "places/panjshir-valley": 3}


# ------------------------------------------------------------------ every export

EXPORTS = ("timeline.json", "events.json", "events.csv", "places.geojson")


def test_exports_are_deterministic(site, tmp_path):
    again = build_fixture(tmp_path / "again")
    for name in EXPORTS:
        assert (site.out / name).read_bytes() == (again.out / name).read_bytes(), name


def test_exports_of_an_empty_dossier(make_site):
    site = make_site({})
    assert site.build().code == 0
    assert load(site, "timeline.json")["events"] == []
    assert load(site, "events.json")["events"] == []
    assert (site.out / "events.csv").read_bytes().count(b"\r\n") == 1  # the header only
    assert load(site, "places.geojson") == {"type": "FeatureCollection", "features": []}


def test_example_dossier_exports(example_build):
    events = load(example_build, "events.json")["events"]
    slides = load(example_build, "timeline.json")["events"]
    assert len(events) == len(slides) == len(csv_rows(example_build)) >= 10
    assert any(s.get("display_date", "").startswith("c. ") for s in slides)


def test_golden_timeline_json(site, golden):
    golden("timeline.json", (site.out / "timeline.json").read_bytes())


def test_golden_events_csv(site, golden):
    golden("events.csv", (site.out / "events.csv").read_bytes())


@pytest.mark.parametrize("spacing", ["tight", "narrow"])
def test_golden_files_hold_whatever_the_cldr_spacing(tmp_path, monkeypatch, spacing):
    """Another CLDR release spaces ranges differently: the bytes change, the golden test still holds."""
    from cldr_spacing import use_spacing
    from conftest import REPO

    use_spacing(monkeypatch, spacing)
    built = (build_fixture(tmp_path / "site").out / "timeline.json").read_bytes()
    expected = (REPO / "tests" / "golden" / "timeline.json").read_bytes()
    assert built != expected  # the respaced data did reach the output
    assert loose(built.decode()) == loose(expected.decode())


def test_the_locked_set_gives_the_golden_bytes_exactly(site):
    """With the locked babel (requirements/test.txt, as setup-test-env installs) the bytes are the golden ones."""
    from conftest import REPO, babel_is_locked

    if not babel_is_locked():
        pytest.skip("babel is not the locked version: run scripts/setup-test-env (the golden test compares up to CLDR spacing)")
    assert (site.out / "timeline.json").read_bytes() == (REPO / "tests" / "golden" / "timeline.json").read_bytes()
