"""The time-map in headless Chromium, on the example dossier, checked against /events.json."""
import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import SHOTS

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def events_data(build):
    return json.loads((build.out / "events.json").read_text(encoding="utf-8"))["events"]


def placed(events):
    return [e for e in events if e["place"] and e["place"]["coordinates"]]


def _last_day(iso: str, precision: str) -> dt.date:
    y = int(iso[:4])
    if precision == "year":
        return dt.date(y, 12, 31)
    m = int(iso[5:7])
    if precision == "month":
        return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(y, m, int(iso[8:10]))


def period(e) -> tuple[dt.date, dt.date]:
    """First and last day an event may fall on, from its date as exported (precision kept)."""
    d = e["date"]
    first = dt.date(int(d["iso"][:4]), int(d["iso"][5:7]) if d["precision"] != "year" else 1,
                    int(d["iso"][8:10]) if d["precision"] in ("day", "minute") else 1)
    end = e["end"] or d
    return first, _last_day(end["iso"], end["precision"])


def overlapping(events, first: dt.date, last: dt.date) -> set[str]:
    return {e["title"] for e in events if period(e)[0] <= last and period(e)[1] >= first}


class Watch:
    """Console errors and every request that does not go to 127.0.0.1 (aborted)."""

    def __init__(self, page):
        self.errors, self.offsite = [], []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def route(r):
            host = urlsplit(r.request.url).hostname
            if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                return r.continue_()
            self.offsite.append(r.request.url)
            return r.abort()

        page.route("**/*", route)


def open_map(browser, server, query="", viewport=VIEWPORTS["desktop"]):
    page = browser.new_page(viewport=viewport)
    watch = Watch(page)
    page.goto(server.url + "map/" + query)
    page.wait_for_selector("#timemap.is-ready", timeout=15000)
    return page, watch


def marker_total(page) -> int:
    return page.evaluate("""() => [...document.querySelectorAll('.tm-leaflet .tm-marker')]
        .reduce((n, m) => n + Number(m.getAttribute('data-count')), 0)""")


def shown_titles(page) -> set[str]:
    return set(page.evaluate("""() => [...document.querySelectorAll('#tm-list > li')]
        .filter(li => !li.hidden).map(li => li.querySelector('.tl-title').textContent.trim())"""))


def brushed(page) -> tuple[dt.date, dt.date]:
    return (dt.date.fromisoformat(page.input_value("#tm-from")), dt.date.fromisoformat(page.input_value("#tm-to")))


def drag(page, first: int, last: int):
    page.locator("#tm-hist").scroll_into_view_if_needed()
    bars = page.locator(".tm-bar")
    a, b = bars.nth(first).bounding_box(), bars.nth(last).bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=6)
    page.mouse.up()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_one_marker_count_per_placed_event_and_nothing_offsite(browser, example_build, example_server, device):
    events = placed(events_data(example_build))
    page, watch = open_map(browser, example_server, viewport=VIEWPORTS[device])
    assert marker_total(page) == len(events) == 10
    assert len(shown_titles(page)) == len(events)
    page.wait_for_selector("#timemap.has-basemap .leaflet-basemap-pane canvas")  # the vendored outlines are drawn
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"map-{device}.png"), full_page=True)
    page.goto(example_server.url + "places/kabul/")
    page.wait_for_selector(".minimap .tm-marker")
    assert marker_total(page) == 3  # Kabul's own events
    assert page.locator(".minimap .tm-svg").is_hidden()  # the static map stays for print and no-JS only
    page.screenshot(path=str(SHOTS / f"place-map-{device}.png"), full_page=True)
    assert watch.offsite == [] and watch.errors == []
    page.close()


def test_brushing_leaves_only_the_events_in_the_range(browser, example_build, example_server):
    events = placed(events_data(example_build))
    page, watch = open_map(browser, example_server)
    years = [t.split(":")[0] for t in page.locator(".tm-bar").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")]
    assert years[0] == "1998" and years[-1] == "2021"
    drag(page, years.index("2017"), years.index("2020"))
    first, last = brushed(page)
    assert (first, last) == (dt.date(2017, 1, 1), dt.date(2020, 12, 31))
    expected = overlapping(events, first, last)
    assert expected == {"Ahmad Massoud meets Emmanuel Macron in Paris",
                        "Bernard-Henri Lévy visits Ahmad Massoud in the Panjshir Valley"}
    assert shown_titles(page) == expected
    assert marker_total(page) == len(expected)
    page.wait_for_url("**/map/?from=2017-01-01&to=2020-12-31")

    # zoom year -> month -> day, then brush 14-16 August 2021: the month-precision events span it
    page.locator(".tm-bar").nth(years.index("2021")).dblclick()
    page.wait_for_function("document.querySelectorAll('.tm-bar').length === 12")
    page.locator(".tm-bar").nth(7).dblclick()
    page.wait_for_function("document.querySelectorAll('.tm-bar').length === 31")
    drag(page, 13, 15)
    first, last = brushed(page)
    assert (first, last) == (dt.date(2021, 8, 14), dt.date(2021, 8, 16))
    expected = overlapping(events, first, last)
    assert "Ahmad Massoud appeals for resistance from the Panjshir Valley" in expected  # known to the month only
    assert "Fall of Kabul" in expected and "Ahmad Massoud's request for weapons is refused in Kabul" not in expected
    assert shown_titles(page) == expected
    hatched = page.locator(".tm-bar").nth(0).locator(".tm-span").count()
    assert hatched == 1, "a month-precision event is drawn across every day of its month"
    page.click("#tm-zoom-out")
    page.click("#tm-zoom-out")
    assert page.locator(".tm-bar").count() == len(years)
    page.click("#tm-clear")
    assert len(shown_titles(page)) == len(events)
    assert watch.offsite == [] and watch.errors == []
    page.close()


def test_keyboard_reaches_bars_and_markers(browser, example_build, example_server):
    events = placed(events_data(example_build))
    page, watch = open_map(browser, example_server)
    page.focus(".tm-bar[tabindex='0']")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    assert brushed(page) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert shown_titles(page) == overlapping(events, *brushed(page))
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith("2021: ") and "approximate" in label
    page.click("#tm-clear")
    markers = page.locator(".tm-leaflet .tm-marker")
    assert markers.count() >= 1
    for i in range(markers.count()):
        assert markers.nth(i).get_attribute("tabindex") == "0" and markers.nth(i).get_attribute("aria-label")
    paris = page.locator(".tm-leaflet .tm-marker[aria-label^='Paris']")
    paris.focus()
    page.keyboard.press("Enter")
    card = page.locator("#tm-card")
    assert card.is_visible() and "Ahmad Massoud meets Emmanuel Macron in Paris" in card.inner_text()
    assert watch.errors == []
    page.close()


def test_a_compact_list_still_gives_the_card_its_people_and_sources(browser, tmp_path):
    """Past timeline.compact_over the list leaves out chips and sources (load time at thousands of events);
    the card that opens from a marker still shows them (timemap.js reads them from #tm-more), no-JS readers
    still get every event in the list, and the card equals the one of a full list."""
    from conftest import StaticServer, copy_example

    cards = {}
    for name, extra in (("full", ""), ("compact", "timeline: {compact_over: 3}\n")):
        site = copy_example(tmp_path / name)
        site.write("dossier.yaml", (site.root / "dossier.yaml").read_text(encoding="utf-8") + extra)
        assert site.build("--strict").code == 0
        server = StaticServer(site.out)
        page, watch = open_map(browser, server)
        try:
            compact = page.locator(".tm-compact-note").count() == 1
            assert compact == bool(extra)
            assert (page.locator("#tm-list .chip-person").count() == 0) == compact
            paris = page.locator(".tm-leaflet .tm-marker[aria-label^='Paris']")
            paris.focus()
            page.keyboard.press("Enter")
            card = page.locator("#tm-card")
            assert card.is_visible()
            cards[name] = card.inner_html()
            assert card.locator(".chip-person", has_text="Emmanuel Macron").count() == 1
            assert card.locator(".tl-sources a", has_text="The Panjshir interview: a summary").count() == 1
            assert watch.offsite == [] and watch.errors == []
        finally:
            page.close()
            server.close()
    assert cards["compact"] == cards["full"]


def test_a_timeline_filter_carries_to_the_map(browser, example_build, example_server):
    events = placed(events_data(example_build))
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    watch = Watch(page)
    page.goto(example_server.url + "timeline/")
    page.select_option("select[data-facet='person']", "ahmad-shah-massoud")
    page.get_by_role("link", name="Map", exact=True).click()
    page.wait_for_selector("#timemap.is-ready")
    assert parse_qs(urlsplit(page.url).query) == {"person": ["ahmad-shah-massoud"]}
    assert page.input_value("select[data-facet='person']") == "ahmad-shah-massoud"
    expected = {e["title"] for e in events if any(p["id"] == "people/ahmad-shah-massoud" for p in e["people"])}
    assert len(expected) == 2 and shown_titles(page) == expected
    assert marker_total(page) == len(expected)
    page.select_option("select[data-facet='tag']", "history")
    page.get_by_role("link", name="Timeline", exact=True).click()
    page.wait_for_load_state()
    assert parse_qs(urlsplit(page.url).query) == {"person": ["ahmad-shah-massoud"], "tag": ["history"]}
    assert page.input_value("select[data-facet='tag']") == "history"
    assert watch.offsite == [] and watch.errors == []
    page.close()


def test_without_javascript_the_static_map_and_the_list_are_shown(browser, example_build, example_server):
    events = placed(events_data(example_build))
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(example_server.url + "map/")
    assert page.locator(".tm-svg").is_visible()
    assert page.locator(".tm-svg .tm-svg-marker").count() == 4  # Afghanistan, Paris, Panjshir Valley, Kabul
    assert page.locator("#tm-list > li").count() == len(events)
    assert all(page.locator("#tm-list > li").nth(i).is_visible() for i in range(len(events)))
    for hidden in ("#tl-filters", "#tm-axis", "#tm-card"):
        assert page.locator(hidden).is_hidden(), hidden
    page.screenshot(path=str(SHOTS / "map-nojs.png"), full_page=True)
    page.goto(example_server.url + "people/ahmad-massoud/")
    assert page.locator(".minimap .tm-svg").is_visible()
    context.close()


@pytest.mark.parametrize("device", list(VIEWPORTS))
@pytest.mark.parametrize("path", ["timeline/", "map/", "places/kabul/"])
def test_scripts_do_not_shift_the_layout(browser, example_server, device, path):
    """Cumulative layout shift: the filter bar is in place from the first paint (it used to appear with the script)."""
    page = browser.new_page(viewport=VIEWPORTS[device])
    page.add_init_script("""window.__cls = 0; new PerformanceObserver(list => { for (const e of list.getEntries())
        if (!e.hadRecentInput) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});""")
    page.goto(example_server.url + path)
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__cls") < 0.01
    page.close()


def test_a_dossier_without_placed_events_has_a_working_empty_map(browser, make_site, minimal_files):
    from conftest import StaticServer

    site = make_site(minimal_files)
    assert site.build().code == 0
    server = StaticServer(site.out)
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    watch = Watch(page)
    try:
        page.goto(server.url + "map/")
        page.wait_for_selector("#timemap.is-ready")
        assert page.locator("#tm-list > li").count() == 0 and marker_total(page) == 0
        assert page.locator("#tm-empty").is_visible()
        page.goto(server.url + "places/panjshir/")  # a place with coordinates and no events: its own point
        page.wait_for_selector(".minimap .tm-marker")
        assert page.locator(".minimap .tm-marker").get_attribute("aria-label").startswith("Panjshir Valley: 0 events")
    finally:
        page.close()
        server.close()
    assert watch.offsite == [] and watch.errors == []
