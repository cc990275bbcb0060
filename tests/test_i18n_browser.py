"""The Dari pages of the example dossier (fa-AF, calendar: persian, under /fa-af/): valid, accessible, right to left.

Screenshots go to $DOSSIER_SHOTS (default /tmp/dossier-shots) as rtl-<page>-<width>.png.
"""
import json
import shutil

import feedparser
import pytest

from conftest import SHOTS, StaticServer, build_example
from test_validate import AXE, SETUP, VNU, vnu_errors


@pytest.fixture(scope="module")
def dari(tmp_path_factory):
    return build_example(tmp_path_factory.mktemp("example-fa-af"), "--base-url", "https://example.org/")


@pytest.fixture(scope="module")
def server(dari):
    s = StaticServer(dari.out)
    yield s
    s.close()


def test_nu_html_checker_finds_no_errors_on_the_dari_site(dari):
    java = shutil.which("java")
    assert java, f"java not found: {SETUP}"
    assert VNU.is_file(), f"{VNU} missing: {SETUP}"
    files = sorted((dari.out / "fa-af").rglob("*.html"))
    assert len(files) >= 15
    errors, _proc = vnu_errors(java, files)
    assert errors == [], "\n".join(errors[:30])


def test_dari_feeds_parse_and_say_their_language(dari):
    atom = feedparser.parse((dari.out / "fa-af/feed.xml").read_bytes())
    assert not atom.bozo, atom.bozo_exception
    assert atom.feed.get("language") == "fa-AF" and [e.title for e in atom.entries] == ["گفت‌وگوی پنجشیر: خلاصه"]
    data = json.loads((dari.out / "fa-af/feed.json").read_text(encoding="utf-8"))
    assert data["language"] == "fa-AF" and len(data["items"]) == 1
    english = feedparser.parse((dari.out / "feed.xml").read_bytes())
    assert not english.bozo and len(english.entries) == 3


PAGES = {"home": "fa-af/", "person": "fa-af/people/ahmad-massoud/", "article": "fa-af/articles/panjshir-interview-summary/",
         "timeline": "fa-af/timeline/", "claim": "fa-af/claims/massoud-negotiating-surrender/", "search": "fa-af/search/?q=مسعود",
         "map": "fa-af/map/"}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_dari_pages_are_right_to_left_and_accessible(browser, server, name, width, height):
    assert AXE.is_file(), f"{AXE} missing: {SETUP}"
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(server.url + PAGES[name])
        if name == "search":
            page.wait_for_selector("#search-results li a", timeout=15000)
            status = page.text_content("#search-status")
            assert "مسعود" in status and "نتیجه‌ها" in status and "result" not in status
            found = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.getAttribute('href'))")
            assert found and all("/fa-af/" in href for href in found)  # Pagefind's Dari index: Dari pages
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"rtl-{name}-{width}.png"))
        layout = page.evaluate("""() => {
            const nav = [...document.querySelectorAll('.site-nav li')].map(li => li.getBoundingClientRect());
            return {dir: getComputedStyle(document.documentElement).direction,
                    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                    navRtl: nav.length > 1 && nav[0].right > nav[1].right,
                    skip: document.querySelector('.skip-link').textContent};
        }""")
        assert layout == {"dir": "rtl", "overflow": 0, "navRtl": True, "skip": "رفتن به محتوا"}
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 120))}));
        }""")
    finally:
        page.close()
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_dari_timeline_axis_markers_and_filters(browser, server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(server.url + "fa-af/timeline/")
        found = page.evaluate("""() => {
            const ev = document.querySelector('.tl-event');
            const box = ev.getBoundingClientRect();
            const marker = getComputedStyle(ev, '::before');
            const tag = document.querySelector('.tl-event .chip-tag');
            return {markerRight: parseFloat(marker.right), markerLeft: marker.left,
                    paddingRight: parseFloat(getComputedStyle(ev).paddingRight), paddingLeft: parseFloat(getComputedStyle(ev).paddingLeft),
                    tagDir: tag.getAttribute('dir'), count: document.getElementById('tl-count').textContent,
                    year: document.querySelector('.tl-year-label').textContent};
        }""")
        # the axis and its markers on the right, the text starting from it; a Latin tag reads "#history"
        assert found["paddingRight"] > found["paddingLeft"] and found["markerRight"] >= 0
        assert found["tagDir"] == "auto"
        assert found["count"] == "همهٔ 11 رویداد" and found["year"] == "1376–1377"
        page.select_option("select[data-facet=person]", index=1)
        assert "از 11 رویداد" in page.text_content("#tl-count")
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_dari_map_writes_its_labels_in_dari(browser, server, width, height):
    """What static/timemap.js writes (count, markers, bars, axis, attribution) comes from the page's catalog labels."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server.url + "fa-af/map/")
        page.wait_for_selector(".leaflet-marker-icon.tm-shape-cluster", timeout=15000)
        page.wait_for_selector(".tm-bar[aria-label]", timeout=15000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"rtl-map-js-{width}.png"), full_page=True)
        found = page.evaluate("""() => ({
            count: document.getElementById('tl-count').textContent,
            range: document.getElementById('tm-axis-range').textContent,
            cluster: document.querySelector('.leaflet-marker-icon.tm-shape-cluster').getAttribute('aria-label'),
            bar: document.querySelector('.tm-bar[aria-label]').getAttribute('aria-label'),
            attribution: document.querySelector('.leaflet-control-attribution').textContent,
            mapLabel: document.querySelector('#tm-canvas [aria-label]').getAttribute('aria-label'),
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            wrapped: [...document.querySelectorAll('.tm-axis-key li, .tm-key li, .tl-filters label')].every(
                el => el.getBoundingClientRect().right <= document.documentElement.clientWidth + 1
                      && el.getBoundingClientRect().left >= -1),
        })""")
        assert found["overflow"] == 0 and found["wrapped"], found  # long Dari labels wrap inside the page
        assert found["count"] == "همهٔ 10 رویداد", found
        assert found["range"].endswith("در سال"), found
        assert "رویداد در" in found["cluster"] and "zoom" not in found["cluster"] and "event" not in found["cluster"], found
        assert "رویداد" in found["bar"] and "event" not in found["bar"], found
        assert "مرزها" in found["attribution"] and "Outlines" not in found["attribution"], found
        assert "نقشه" in found["mapLabel"] and "arrow" not in found["mapLabel"], found
        page.select_option("select[data-facet=person]", index=1)
        assert " از 10 رویداد" in page.text_content("#tl-count")
        english = browser.new_page(viewport={"width": width, "height": height})
        try:  # the English map keeps its own words (its script has no labels to read)
            english.goto(server.url + "map/")
            english.wait_for_selector(".tm-bar[aria-label]", timeout=15000)
            assert english.text_content("#tl-count").startswith("All ")
            assert "Outlines" in english.text_content(".leaflet-control-attribution")
        finally:
            english.close()
    finally:
        page.close()
    assert errors == []
