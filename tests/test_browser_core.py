"""A reader in headless Chromium: home -> article -> person, phone and desktop."""
import pytest

from conftest import SHOTS

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_reader_follows_home_to_article_to_person(browser, example_server, device):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=VIEWPORTS[device])
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(example_server.url)
    assert page.title() == "Panjshir, August 2021"
    nav = page.locator("nav.site-nav a")
    assert [t.strip() for t in nav.all_inner_texts()] == [
        "Articles", "People", "Places", "Organisations", "Events", "Timeline", "Map", "Claims", "Search"]
    page.screenshot(path=str(SHOTS / f"home-{device}.png"), full_page=True)

    page.get_by_role("link", name="The Panjshir interview: a summary").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/articles/panjshir-interview-summary/")
    assert page.locator("h1").inner_text() == "The Panjshir interview: a summary"
    assert page.locator(".byline time").inner_text() == "22 August 2021"  # day precision, as written
    assert page.locator(".source-box").is_visible()
    assert page.locator(".prose a.wikilink").count() >= 3
    page.screenshot(path=str(SHOTS / f"article-{device}.png"), full_page=True)

    page.locator(".chips-row", has_text="People").get_by_role("link", name="Ahmad Massoud", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/people/ahmad-massoud/")
    assert "Masood" in page.locator(".aliases").inner_text()
    # a month-precision event keeps its precision on the person's timeline
    assert page.locator(".tl-event time", has_text="September 2020").count() == 1
    page.screenshot(path=str(SHOTS / f"person-{device}.png"), full_page=True)

    page.get_by_role("link", name="Timeline", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/timeline/")
    assert page.locator(".tl-event").count() >= 6
    assert errors == []
    page.close()


def test_phone_layout_has_no_horizontal_scroll(browser, example_server):
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    for path in ["", "articles/panjshir-interview-summary/", "people/ahmad-massoud/", "timeline/", "places/panjshir-valley/"]:
        page.goto(example_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
    page.close()
