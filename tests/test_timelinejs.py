"""Proof that /timeline.json is real TimelineJS 3 data: the example dossier's export, loaded into the
actual @knight-lab/timelinejs library from the npm registry, renders in headless Chromium.

The library is installed by scripts/setup-test-env into tests/.npm/ (git-ignored) and served from
127.0.0.1 with the export; no request may leave the machine (no CDN, no web fonts). A missing
package is a failure, not a skip.
"""
from __future__ import annotations

import html
import json
import os

import pytest

from conftest import REPO, SHOTS, StaticServer

pytestmark = pytest.mark.browser

TIMELINEJS = REPO / "tests" / ".npm" / "node_modules" / "@knight-lab" / "timelinejs"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TimelineJS proof</title>
<link rel="stylesheet" href="tl/css/timeline.css">
<script src="tl/js/timeline.js"></script>
</head>
<body style="margin:0">
<div id="timeline-embed" style="width:1200px;height:680px"></div>
<script>
window.tlState = "loading";
fetch("site/timeline.json")
  .then(function (r) { if (!r.ok) throw new Error("timeline.json: HTTP " + r.status); return r.json(); })
  .then(function (data) {
    window.tlData = data;
    var timeline = new TL.Timeline("timeline-embed", data, {
      script_path: new URL("tl/js/", location.href).href,  // locale files from here, never the CDN
      font: null,                                          // the default font CSS pulls Google Fonts
      language: "en",
      hash_bookmark: false
    });
    window.timeline = timeline;
    timeline.on("ready", function () { window.tlState = "ready"; });
  })
  .catch(function (e) { window.tlState = "failed: " + e; console.error(String(e)); });
</script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def proof_server(example_build, tmp_path_factory):
    dist = TIMELINEJS / "dist"
    assert (dist / "js" / "timeline.js").is_file() and (dist / "css" / "timeline.css").is_file(), (
        f"TimelineJS is not installed in {TIMELINEJS}: run scripts/setup-test-env "
        "(npm install --prefix tests/.npm @knight-lab/timelinejs)")
    root = tmp_path_factory.mktemp("timelinejs-proof")
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    os.symlink(dist, root / "tl", target_is_directory=True)
    os.symlink(example_build.out, root / "site", target_is_directory=True)
    server = StaticServer(root)
    yield server
    server.close()


def test_timelinejs_renders_the_example_timeline(browser, proof_server, example_build):
    expected = json.loads(example_build.read("timeline.json"))
    events = expected["events"]
    assert len(events) >= 10

    page = browser.new_page(viewport={"width": 1200, "height": 680})
    problems: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}")
            if m.type in ("error", "warning") or "rror" in m.text else None)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

    def only_local(route):
        if route.request.url.startswith(proof_server.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(proof_server.url)
    page.wait_for_function("window.tlState !== 'loading'", timeout=30_000)
    assert page.evaluate("window.tlState") == "ready"
    page.wait_for_selector(".tl-timemarker", state="attached", timeout=30_000)

    # the library accepted every slide: no config errors, one marker per event, one slide per event + the title
    assert page.evaluate("window.timeline.config.getErrors()") == []
    assert page.evaluate("window.timeline.config.events.length") == len(events)
    assert page.locator(".tl-timemarker").count() == len(events)
    assert page.locator(".tl-slide").count() == len(events) + 1
    assert page.locator(".tl-message-full").filter(has_text="Error").count() == 0

    # the title slide shows the site's title; the markers carry the events' headlines
    title = page.locator(".tl-slide-titleslide .tl-headline").first
    assert title.is_visible() and title.inner_text().strip() == "Panjshir, August 2021"
    marker_text = " ".join(page.locator(".tl-timemarker .tl-headline").all_inner_texts())
    for slide in events:
        plain = html.unescape(slide["text"]["headline"])
        assert plain in marker_text, plain

    # the first event (approximate year) shows our display date, not a made-up day
    first = events[0]
    page.evaluate("window.timeline.goTo(1)")
    current = page.locator(".tl-slide", has=page.locator(".tl-headline", has_text=html.unescape(first["text"]["headline"])))
    current.locator(".tl-headline").first.wait_for(state="visible", timeout=10_000)
    assert page.evaluate("window.timeline.current_id") == first["unique_id"]
    if "display_date" in first:
        assert first["display_date"] in current.locator(".tl-headline-date").first.inner_text()
    active = page.locator(".tl-timemarker.tl-timemarker-active .tl-headline").inner_text().strip()
    assert active == html.unescape(first["text"]["headline"])

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1500)  # the slide animation (1 s) before the picture
    page.screenshot(path=str(SHOTS / "timelinejs-example.png"))
    page.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert problems == []
