"""`dossier serve` in headless Chromium: live reload, the error overlay, CSS swaps, many tabs."""
from __future__ import annotations

import pytest

from conftest import SHOTS
from test_serve_support import REPO, copy_example, free_port, serve_process  # noqa: F401

pytestmark = pytest.mark.browser

ARTICLE_PATH = "articles/panjshir-interview-summary/"
ARTICLE_FILE = "content/articles/panjshir-interview-summary.md"
TIMEOUT = 15_000  # ms, for every wait in the page


@pytest.fixture
def live(tmp_path, serve_process):
    """`dossier serve` as a subprocess on a free port, on a copy of the example dossier."""
    site = copy_example(tmp_path / "site")
    proc = serve_process("--source", str(site), "--port", str(free_port()))
    url = proc.url()
    proc.site = site
    proc.base = url
    yield proc
    assert "Traceback" not in proc.stderr


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 900, "height": 600})
    context.set_default_timeout(TIMEOUT)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.errors = errors
    yield p
    context.close()


def _edit(site, rel: str, old: str, new: str) -> str:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def test_editing_markdown_updates_the_open_page_and_keeps_the_scroll_position(live, page):
    page.goto(live.base + ARTICLE_PATH)
    page.wait_for_function("window.__dossierLive === true")
    page.wait_for_timeout(300)  # the event stream is open
    height = page.evaluate("document.documentElement.scrollHeight - innerHeight")
    assert height > 500, "the article must be long enough to scroll"
    page.evaluate("window.scrollTo(0, 400)")
    page.wait_for_function("Math.abs(scrollY - 400) < 2")
    page.evaluate("window.__before = 'set before the edit'")

    _edit(live.site, ARTICLE_FILE, "six days after", "LIVE-EDIT-ONE six days after")
    page.wait_for_function("document.body.innerText.includes('LIVE-EDIT-ONE')")
    # it was a reload (the page is new), and the reader is where they were
    page.wait_for_function("Math.abs(scrollY - 400) < 3 && window.__before === undefined")
    assert page.url.endswith(ARTICLE_PATH)

    _edit(live.site, ARTICLE_FILE, "LIVE-EDIT-ONE", "LIVE-EDIT-TWO")
    page.wait_for_function("document.body.innerText.includes('LIVE-EDIT-TWO')")
    page.wait_for_function("Math.abs(scrollY - 400) < 3")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "serve-live-edit.png"))
    assert page.errors == []


def test_broken_front_matter_shows_the_overlay_and_fixing_it_clears_it(live, page):
    page.goto(live.base + ARTICLE_PATH)
    page.wait_for_function("window.__dossierLive === true")
    page.wait_for_timeout(300)
    title = page.locator("h1").inner_text()
    good = _edit(live.site, ARTICLE_FILE, "title: ", "title: [")
    overlay = page.locator("#dossier-error-overlay")
    overlay.wait_for(state="attached")
    panel = page.locator("#dossier-error-overlay .panel")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "panjshir-interview-summary.md:" in text  # file:line
    assert "D101" in text and "front matter" in text
    assert page.locator("#dossier-error-overlay .ln.mark").count() >= 1  # the offending source line
    assert page.locator("h1").inner_text() == title  # the last good build is still shown
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "serve-overlay.png"))

    # a page opened while the build is broken shows the overlay at once
    other = page.context.new_page()
    other.goto(live.base)
    other.locator("#dossier-error-overlay .panel").wait_for(state="visible")
    other.close()

    (live.site / ARTICLE_FILE).write_text(good, encoding="utf-8")
    overlay.wait_for(state="detached")
    assert page.locator("h1").inner_text() == title
    assert page.errors == []


def test_a_css_change_swaps_the_stylesheet_without_a_reload(live, page):
    page.goto(live.base + ARTICLE_PATH)
    page.wait_for_function("window.__dossierLive === true")
    page.wait_for_timeout(300)
    before = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.evaluate("window.__marker = 'survives'")
    css = (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")
    assert "--paper: #fbfaf7;" in css
    static = live.site / "static"
    static.mkdir()
    (static / "style.css").write_text(css.replace("--paper: #fbfaf7;", "--paper: #ffe4e1;", 1), encoding="utf-8")
    page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(255, 228, 225)'")
    assert before != "rgb(255, 228, 225)"
    assert page.evaluate("window.__marker") == "survives"  # no reload happened
    assert page.locator('link[rel="stylesheet"][href*="dossier-reload"]').count() >= 1
    assert page.errors == []


def test_many_tabs_follow_the_author_to_the_edited_page(live, page):
    """Eight tabs (more than the browser's six connections per host) all load and all follow an edit."""
    context = page.context
    paths = ["", "people/", "places/", "timeline/", "claims/", "events/", "organizations/", "tags/"]
    tabs = [page] + [context.new_page() for _ in paths[1:]]
    for tab, path in zip(tabs, paths):
        tab.goto(live.base + path)
        tab.wait_for_function("window.__dossierLive === true")
    tabs[0].wait_for_timeout(500)
    _edit(live.site, ARTICLE_FILE, "six days after", "MANY-TABS-EDIT six days after")
    for tab in tabs:
        tab.wait_for_url("**/" + ARTICLE_PATH)
        tab.wait_for_function("document.body.innerText.includes('MANY-TABS-EDIT')")
