"""Timeline benchmark: what 5,000 events cost the build, the page and the reader.

Generates a dossier (deterministic for a seed) whose events mix every date form
(year, month, day, minute; approximate; day and month ranges), with places,
people, organisations, tags and casualties: event files plus inline events in
articles (and a few inline ``ref:``). It uses only the public interface: it
writes content files and runs ``python -m dossier build``; the per-step figures
call the engine's public functions (``dossier.build.load``, ``Views``,
``dossier.render.exports``).

It reports, as a Markdown table:
- build time with and without the events (same dossier otherwise), best of N runs;
- the timeline-specific steps inside one build (events, /timeline/, per-entity
  and per-tag timelines, the four exports);
- the size of /timeline/index.html (raw and gzip) and of the exports;
- in headless Chromium: how long /timeline/ takes to load, and how long one
  filter change takes (until the next frame is painted).

    .venv/bin/python bench/timeline_bench.py [--events 5000] [--runs 2] [--out bench/out/timeline]
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHROMIUM = os.environ.get("DOSSIER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

WORDS = ("convoy fighters commander resistance checkpoint bridge negotiations supplies clashes ceasefire "
         "airport border hospital market elders council agreement rumours broadcast interview").split()
FIRST = "Ahmad Mohammad Abdul Ali Hamid Karim Nasir Zahir Farid Jamil Rahim Wali Yusuf Omar Bashir Latif".split()
LAST = "Massoud Hayat Karimi Rahimi Noori Sadat Wardak Popal Safi Amin Naderi Hashimi Ludin Sultani".split()
PLACES = ("Panjshir Kabul Bazarak Rukha Anaba Dashtak Khenj Paryan Charikar Gulbahar Salang Mazar Kunduz "
          "Taloqan Herat Kandahar Jalalabad Bamyan Ghazni Khost").split()
ORGS = "Front Council Brigade Movement Alliance Committee Union Network Office Agency".split()
TAGS = ("resistance rumours displacement negotiations aid media weapons roads ceasefire casualties "
        "diplomacy detentions protests evacuations history").split()


# ------------------------------------------------------------------ generate

def _date(rng: random.Random) -> tuple[str, str, str]:
    """(date, end or "", approximate line) in a realistic mix of precisions."""
    y, m, d = rng.choice([1998, 2001, 2019, 2020, 2021, 2021, 2021, 2022]), rng.randint(1, 12), rng.randint(1, 28)
    r = rng.random()
    if r < 0.08:
        date, precision = f"{y}", "year"
    elif r < 0.30:
        date, precision = f"{y}-{m:02d}", "month"
    elif r < 0.85:
        date, precision = f"{y}-{m:02d}-{d:02d}", "day"
    else:
        date, precision = f"{y}-{m:02d}-{d:02d}T{rng.randint(0, 23):02d}:{rng.choice([0, 15, 30, 45]):02d}+04:30", "minute"
    end = ""
    if rng.random() < 0.15:
        if precision == "day":
            end = f"{y}-{m:02d}-{min(28, d + rng.randint(1, 9)):02d}" if rng.random() < 0.7 else f"{y + 1}-{m:02d}-{d:02d}"
        elif precision == "month":
            end = f"{y + rng.randint(0, 1)}-12"
        elif precision == "year":
            end = f"{y + rng.randint(1, 3)}"
    approx = "true" if rng.random() < 0.12 else ""
    return date, end, approx


def generate(out: Path, events: int, seed: int = 1, with_events: bool = True) -> dict:
    """A dossier with ``events`` events (about 92% event files, 8% inline in articles)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    for folder in ("articles", "people", "places", "organizations", "events"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (out / "dossier.yaml").write_text(f'title: "Timeline bench ({events} events)"\nbase_url: /\nlanguage: en\n', "utf-8")
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}" for i in range(120)]
    places = [f"{rng.choice(PLACES)} {i}" for i in range(60)]
    orgs = [f"{rng.choice(LAST)} {rng.choice(ORGS)} {i}" for i in range(25)]
    for i, p in enumerate(people):
        (content / "people" / f"person-{i}.md").write_text(f'---\ntitle: "{p}"\nroles: [commander]\n---\nA person.\n', "utf-8")
    for i, p in enumerate(places):
        coords = f"coordinates: [{rng.uniform(31, 37):.4f}, {rng.uniform(62, 71):.4f}]\n" if i % 6 else ""
        (content / "places" / f"place-{i}.md").write_text(f'---\ntitle: "{p}"\n{coords}---\nA place.\n', "utf-8")
    for i, o in enumerate(orgs):
        (content / "organizations" / f"org-{i}.md").write_text(f'---\ntitle: "{o}"\n---\nAn organisation.\n', "utf-8")

    n_articles = max(1, events // 50)
    inline_per_article = 4
    n_inline = n_articles * inline_per_article
    n_files = events - n_inline
    file_titles = []
    if with_events:
        for i in range(n_files):
            date, end, approx = _date(rng)
            title = f"Event {i}: {rng.choice(WORDS)} near {rng.choice(PLACES)}"
            file_titles.append(title)
            lines = [f'title: "{title}"', f"date: {date}"]
            if end:
                lines.append(f"end: {end}")
            if approx:
                lines.append("approximate: true")
            lines.append(f'place: "{rng.choice(places)}"')
            lines.append("location_precision: " + rng.choice(["exact", "town", "district", "province"]))
            lines.append("people: [" + ", ".join(f'"{p}"' for p in rng.sample(people, rng.randint(0, 3))) + "]")
            if rng.random() < 0.6:
                lines.append(f'organizations: ["{rng.choice(orgs)}"]')
            lines.append("tags: [" + ", ".join(rng.sample(TAGS, rng.randint(1, 2))) + "]")
            if rng.random() < 0.2:
                lo = rng.randint(0, 40)
                lines.append(f"casualties: {{killed: [{lo}, {lo + rng.randint(0, 20)}]}}")
            lines.append(f'sources: [{{url: "https://example.com/{i}", title: "Wire report {i}", publisher: Example Wire}}]')
            lines.append(f"summary: Synthetic event {i}, {rng.choice(WORDS)} and {rng.choice(WORDS)}.")
            (content / "events" / f"event-{i}.md").write_text("---\n" + "\n".join(lines) + "\n---\nWhat happened.\n", "utf-8")
    for a in range(n_articles):
        y, m, d = 2021, rng.randint(1, 12), rng.randint(1, 28)
        inline = ""
        if with_events:
            items = []
            for k in range(inline_per_article):
                date, end, approx = _date(rng)
                item = f'  - {{title: "Inline {a}.{k}: {rng.choice(WORDS)}", date: "{date}"'
                if end:
                    item += f', end: "{end}"'
                if approx:
                    item += ", approximate: true"
                item += f', place: "{rng.choice(places)}", people: ["{rng.choice(people)}"], tags: [{rng.choice(TAGS)}]}}'
                items.append(item)
            if file_titles and a % 3 == 0:
                items.append(f'  - {{ref: "{rng.choice(file_titles)}"}}')  # cites an event file, adds no event
            inline = "events:\n" + "\n".join(items) + "\n"
        (content / "articles" / f"article-{a}.md").write_text(
            f'---\ntitle: "Report {a}"\ndate: {y}-{m:02d}-{d:02d}\npeople: ["{rng.choice(people)}"]\n'
            f'places: ["{rng.choice(places)}"]\ntags: [{rng.choice(TAGS)}]\n{inline}---\n\nA report.\n', "utf-8")
    return {"events": events if with_events else 0, "event_files": n_files if with_events else 0,
            "inline_events": n_inline if with_events else 0, "articles": n_articles,
            "people": len(people), "places": len(places), "organizations": len(orgs)}


# ------------------------------------------------------------------ measure

def cli_build(source: Path, output: Path, *extra: str) -> float:
    t = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "dossier", "build", "--source", str(source), "--output", str(output), *extra],
                         cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if run.returncode != 0:
        raise SystemExit(f"build of {source} failed:\n{run.stderr[-3000:]}")
    return seconds


def timeline_steps(source: Path) -> dict[str, float]:
    """Seconds spent in the timeline-specific steps of one build, measured in-process."""
    from dossier.build import BuildOptions, load
    from dossier.model import ENTITY_KINDS
    from dossier.render import PAGE_VIEWS, Theme, install_filters
    from dossier.render import exports
    from dossier.render.views import Views
    from dossier.resolve.timeline import build_events

    config, site, diags, _ = load(BuildOptions(source=source, output=None, jobs=0))
    steps: dict[str, float] = {}
    t = time.perf_counter()
    build_events(site.documents, site.resolved)
    steps["collect and sort events (resolve)"] = time.perf_counter() - t

    theme = Theme(source, config.theme)
    install_filters(theme, site)
    t = time.perf_counter()
    views = Views(site, PAGE_VIEWS)
    steps["index events by entity (Views)"] = time.perf_counter() - t
    route = site.routes["timeline/"]
    t = time.perf_counter()
    view = views.view(route)
    html = theme.env.get_template(view.template).render(view.context)
    steps["/timeline/ page (view + template)"] = time.perf_counter() - t

    t = time.perf_counter()
    n = 0
    for r in site.routes.values():
        if r.doc_id and site.documents[r.doc_id].kind in ENTITY_KINDS:
            views.timeline_groups(views._events_of.get(r.doc_id, []))
            n += 1
        elif r.template == "tag.html":
            views.tag_view(r)
            n += 1
    steps[f"per-entity and per-tag timelines ({n} pages, views only)"] = time.perf_counter() - t
    for name, func in (("timeline.json", exports.timeline_json), ("events.json", exports.events_json),
                       ("events.csv", exports.events_csv), ("places.geojson", exports.places_geojson)):
        t = time.perf_counter()
        func(site)
        steps[f"/{name}"] = time.perf_counter() - t
    steps["_html_bytes"] = len(html.encode())
    steps["_events"] = len(site.events)
    return steps


class _Server:
    def __init__(self, folder: Path):
        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


_FILTER_JS = """async ([facet, value]) => {
  const sel = document.querySelector(`select[data-facet="${facet}"]`);
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await frame();
  const t0 = performance.now();
  sel.value = value;
  sel.dispatchEvent(new Event("change", {bubbles: true}));
  const script = performance.now() - t0;
  await frame();                       // style, layout and paint of the filtered page
  const total = performance.now() - t0;
  const visible = [...document.querySelectorAll(".tl-event")].filter(e => e.offsetParent !== null).length;
  return {script, total, visible};
}"""


def browser_figures(output: Path, loads: int = 3, changes: int = 5) -> dict:
    from playwright.sync_api import sync_playwright

    script = (REPO / "themes" / "default" / "static" / "timeline.js").read_text(encoding="utf-8").strip()
    has_filters = len(script) > 50
    server = _Server(output)
    figures: dict = {"filters": has_filters}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            dcl, load = [], []
            for _ in range(loads):
                page.goto(server.url + "timeline/", wait_until="load")
                nav = page.evaluate("JSON.parse(JSON.stringify(performance.getEntriesByType('navigation')[0]))")
                dcl.append(nav["domContentLoadedEventEnd"])
                load.append(nav["loadEventEnd"])
            figures["dom_content_loaded_ms"] = statistics.median(dcl)
            figures["load_ms"] = statistics.median(load)
            figures["events_on_page"] = page.locator(".tl-event").count()
            if has_filters:
                people = page.eval_on_selector_all('select[data-facet="person"] option', "os => os.map(o => o.value).filter(Boolean)")
                tags = page.eval_on_selector_all('select[data-facet="tag"] option', "os => os.map(o => o.value).filter(Boolean)")
                runs = []
                for i in range(changes):
                    runs.append(page.evaluate(_FILTER_JS, ["person", people[i * 7 % len(people)]]))
                    runs.append(page.evaluate(_FILTER_JS, ["person", ""]))  # back to everything
                narrow = [r for r in runs[::2]]
                widen = [r for r in runs[1::2]]
                figures["filter_person_ms"] = statistics.median(r["total"] for r in narrow)
                figures["filter_person_script_ms"] = statistics.median(r["script"] for r in narrow)
                figures["filter_clear_ms"] = statistics.median(r["total"] for r in widen)
                figures["filter_person_visible"] = narrow[0]["visible"]
                tag_run = page.evaluate(_FILTER_JS, ["tag", tags[0]])
                figures["filter_tag_ms"] = tag_run["total"]
                figures["filter_tag_visible"] = tag_run["visible"]
            figures["errors"] = errors
            browser.close()
    finally:
        server.close()
    return figures


def _kb(n: float) -> str:
    return f"{n / 1000:,.0f} kB" if n < 1_000_000 else f"{n / 1_000_000:,.2f} MB"  # decimal units


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=2, help="CLI builds of each variant (the best counts)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "timeline")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    with_src, without_src = args.out / "with-events", args.out / "without-events"
    print(f"generating {args.events} events in {with_src} ...", file=sys.stderr)
    counts = generate(with_src, args.events, args.seed, with_events=True)
    generate(without_src, args.events, args.seed, with_events=False)

    times = {"with": [], "without": []}
    for i in range(args.runs):
        for variant, src in (("without", without_src), ("with", with_src)):
            out = args.out / f"build-{variant}"
            print(f"build {variant} events, run {i + 1} ...", file=sys.stderr)
            shutil.rmtree(out, ignore_errors=True)
            times[variant].append(cli_build(src, out, "--no-cache"))  # cold: no incremental cache
    best_with, best_without = min(times["with"]), min(times["without"])
    out = args.out / "build-with"
    print("warm rebuilds (incremental cache, nothing changed) ...", file=sys.stderr)
    shutil.rmtree(with_src / ".dossier-cache", ignore_errors=True)
    cli_build(with_src, out)  # fills the cache
    warm = min(cli_build(with_src, out) for _ in range(args.runs))
    page = out / "timeline" / "index.html"
    raw = page.read_bytes()
    pages_with = sum(1 for _ in out.rglob("index.html"))
    pages_without = sum(1 for _ in (args.out / "build-without").rglob("index.html"))

    print("timing the timeline steps in-process ...", file=sys.stderr)
    steps = timeline_steps(with_src)
    figures = {} if args.no_browser else browser_figures(out)

    print(f"\n### Timeline benchmark: {counts['events']:,} events "
          f"({counts['event_files']:,} event files + {counts['inline_events']:,} inline in {counts['articles']} articles; "
          f"{counts['people']} people, {counts['places']} places, {counts['organizations']} organisations), "
          f"{os.cpu_count()} cores\n")
    print("| measure | value |\n|---|---|")
    print(f"| cold build without events (CLI `--no-cache`, best of {args.runs}) | {best_without:.2f} s ({pages_without:,} pages) |")
    print(f"| cold build with {steps['_events']:,} events (CLI `--no-cache`, best of {args.runs}) | {best_with:.2f} s ({pages_with:,} pages) |")
    print(f"| **time added by the events** (their pages, timelines and exports) | **{best_with - best_without:+.2f} s** |")
    print(f"| rebuild with {steps['_events']:,} events, incremental cache warm, nothing changed | {warm:.2f} s |")
    timeline_total = sum(v for k, v in steps.items() if not k.startswith("_"))
    for name, seconds in steps.items():
        if not name.startswith("_"):
            print(f"| &nbsp;&nbsp;{name} | {seconds * 1000:,.0f} ms |")
    print(f"| **timeline-specific steps, total** | **{timeline_total:.2f} s** |")
    print(f"| `/timeline/index.html` size | {_kb(len(raw))} ({_kb(len(gzip.compress(raw, 6)))} gzipped), "
          f"{len(raw) / max(1, steps['_events']):,.0f} bytes per event |")
    for name in ("timeline.json", "events.json", "events.csv", "places.geojson"):
        print(f"| `/{name}` size | {_kb((out / name).stat().st_size)} |")
    if figures:
        print(f"| `/timeline/` load in Chromium (DOMContentLoaded / load, median of 3) | "
              f"{figures['dom_content_loaded_ms']:,.0f} ms / {figures['load_ms']:,.0f} ms ({figures['events_on_page']:,} events) |")
        if figures["filters"]:
            print(f"| filter by one person (change → next frame painted, median of 5) | {figures['filter_person_ms']:,.0f} ms "
                  f"(script {figures['filter_person_script_ms']:,.0f} ms; {figures['filter_person_visible']} events left) |")
            print(f"| clear that filter (all events shown again) | {figures['filter_clear_ms']:,.0f} ms |")
            print(f"| filter by one tag | {figures['filter_tag_ms']:,.0f} ms ({figures['filter_tag_visible']:,} events left) |")
        else:
            print("| filter change | not measured: themes/default/static/timeline.js is still empty |")
        if figures["errors"]:
            print(f"| page errors | {figures['errors'][:3]} |")
    print(f"\nCommand: `.venv/bin/python bench/timeline_bench.py --events {args.events} --runs {args.runs}`")


if __name__ == "__main__":
    main()
