"""Cross-links in the browser: a person page's backlinks and timeline lead to the right pages."""
import pytest

from conftest import SHOTS

pytestmark = pytest.mark.browser


def test_person_page_backlink_and_timeline_entry(browser, example_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(example_server.url + "people/ahmad-massoud/")
    backlinks = page.locator("section.backlinks")
    assert backlinks.is_visible()
    assert "articles" in backlinks.text_content().lower()
    link = backlinks.get_by_role("link", name="Surrender rumours and a flat denial")
    link.first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/articles/surrender-rumours-denied/")
    assert page.locator("h1").inner_text() == "Surrender rumours and a flat denial"

    page.goto(example_server.url + "people/ahmad-massoud/")
    entry = page.locator(".tl-event").filter(has=page.locator(".tl-title").get_by_role("link", name="Fall of Kabul", exact=True))
    assert entry.locator("time").inner_text() == "15 August 2021"
    entry.locator(".tl-title").get_by_role("link", name="Fall of Kabul", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/events/fall-of-kabul/")
    assert page.locator("h1").inner_text() == "Fall of Kabul"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "event-desktop.png"), full_page=True)
    page.close()


def test_aliases_resolve_to_one_person_in_the_browser(browser, example_server):
    page = browser.new_page()
    page.goto(example_server.url + "articles/panjshir-interview-summary/")
    hrefs = page.eval_on_selector_all(".prose a.wikilink", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith("/") for h in hrefs)
    assert page.locator(".prose .broken-link").count() == 0
    page.close()
