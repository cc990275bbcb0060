"""A reader in headless Chromium opens a claim of the example dossier: status and sources are visible."""
import pytest

from conftest import SHOTS

pytestmark = pytest.mark.browser


def test_claim_page_shows_status_and_sources(browser, example_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(example_server.url + "claims/haqqani-massoud-is-leaving/")
    assert page.locator("h1").inner_text() == "Haqqani: Massoud is leaving"

    verdict = page.locator(".verdict")
    assert verdict.is_visible()
    status = verdict.locator(".verdict-label .status")
    assert status.is_visible() and status.inner_text().strip().lower() == "denied"
    assert "has denied it" in verdict.locator(".verdict-text").inner_text()
    box = verdict.bounding_box()
    assert box and box["y"] < 844 * 1.5  # near the top: a reader sees the status without hunting for it

    # what the statuses mean: closed, opens on click, works without JavaScript (<details>)
    scale = verdict.locator("details.status-scale")
    assert not scale.locator("dl").is_visible()
    scale.locator("summary").click()
    assert scale.locator("dl").is_visible()

    sources = page.locator("section.sources")
    sources.scroll_into_view_if_needed()
    assert sources.is_visible()
    cited = sources.get_by_role("link", name="The Panjshir interview: a summary")
    assert cited.is_visible()
    assert page.locator("dl.facts").get_by_role("link", name="Surrender rumours and a flat denial").is_visible()
    page.screenshot(path=str(SHOTS / "claim-phone.png"), full_page=True)

    # the cited article links back to the claim
    cited.click()
    page.wait_for_load_state()
    assert page.url.endswith("/articles/panjshir-interview-summary/")
    backlinks = page.locator("section.backlinks")
    assert backlinks.get_by_role("link", name="Haqqani: Massoud is leaving").count() == 1

    # and /sources/ lists the article's original with the pages citing it
    page.goto(example_server.url + "sources/")
    assert page.locator("h1").inner_text() == "Sources"
    assert page.get_by_role("heading", name="Wikipedia").is_visible()
    assert page.locator(".sources-internal").get_by_role("link", name="Haqqani: Massoud is leaving").count() == 1
    page.screenshot(path=str(SHOTS / "sources-phone.png"), full_page=True)
    assert errors == []
    page.close()


def test_sensitive_page_needs_a_click_to_show(browser, make_site):
    from conftest import StaticServer

    site = make_site({
        "content/events/attack.md": ("---\ntitle: An attack on a village\ndate: 2021-09\nsensitive: true\n---\n"
                                     "Graphic description of the wounded.\n"),
    })
    assert site.build().code == 0
    server = StaticServer(site.out)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server.url + "events/attack/")
        gate = page.locator("details.sensitive-gate")
        assert gate.locator("summary").is_visible()
        assert "Content warning" in gate.locator("summary").inner_text()
        body = page.locator(".prose", has_text="Graphic description of the wounded.")
        assert body.count() == 1 and not body.is_visible()
        gate.locator("summary").click()
        assert body.is_visible()
        page.close()
    finally:
        server.close()
