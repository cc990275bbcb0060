"""Time-map benchmark: /map/ with thousands of events in headless Chromium.

Generates the same synthetic dossier as bench/timeline_bench.py (events of every date form,
places with coordinates and location_precision, people, organisations, tags), builds it with
the CLI, serves it on 127.0.0.1 and measures, in Debian's Chromium:

- loading /map/: navigation start until the map, its markers, the time axis and the list are
  ready (``window.dossierTimemap.readyAt``), and the load event;
- a brush on the time axis (the selection of a range of bars, as a drag sets it): from the call
  until the next frame is painted, i.e. markers re-clustered, bars and list updated, layout done;
- a facet change (one person) the same way.

    .venv/bin/python bench/timemap_bench.py [--events 5000] [--brushes 20] [--out bench/out/timemap]
"""
from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timeline_bench import CHROMIUM, CHROMIUM_ARGS, REPO, _Server, cli_build, generate  # noqa: E402

BRUSH_JS = """async ([i, j]) => {
  const tm = window.dossierTimemap;
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await frame();
  const t0 = performance.now();
  tm.axis.brushBins(i, j);
  const script = performance.now() - t0;
  await frame();
  return {script, total: performance.now() - t0,
          shown: document.querySelectorAll('#tm-list > li:not([hidden])').length};
}"""

FACET_JS = """async (value) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await frame();
  const sel = document.querySelector('select[data-facet="person"]');
  const t0 = performance.now();
  sel.value = value;
  sel.dispatchEvent(new Event('change', {bubbles: true}));
  await frame();
  return {total: performance.now() - t0, shown: document.querySelectorAll('#tm-list > li:not([hidden])').length};
}"""


def measure(output: Path, loads: int, brushes: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = _Server(output)
    out: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            ready, load = [], []
            for _ in range(loads):
                page.goto(server.url + "map/", wait_until="load")
                page.wait_for_function("window.dossierTimemap && window.dossierTimemap.readyAt")
                ready.append(page.evaluate("window.dossierTimemap.readyAt"))
                load.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            out["ready_ms"], out["load_ms"] = statistics.median(ready), statistics.median(load)
            out["ready_max_ms"] = max(ready)
            out["events"] = page.evaluate("window.dossierTimemap.events.length")
            out["markers"] = page.locator(".tm-leaflet .tm-marker").count()
            bars = page.locator(".tm-bar").count()
            out["bars"] = bars
            runs = []
            for k in range(brushes):
                i = k % max(1, bars - 1)
                runs.append(page.evaluate(BRUSH_JS, [i, min(bars - 1, i + 1 + k % 3)]))
            out["brush_ms"] = statistics.median(r["total"] for r in runs)
            out["brush_max_ms"] = max(r["total"] for r in runs)
            out["brush_script_ms"] = statistics.median(r["script"] for r in runs)
            out["brush_shown"] = runs[0]["shown"]
            page.evaluate("window.dossierTimemap.state.setBrush(null)")
            people = page.eval_on_selector_all('select[data-facet="person"] option', "os => os.map(o => o.value).filter(Boolean)")
            facet = [page.evaluate(FACET_JS, people[k * 7 % len(people)]) for k in range(5)]
            out["facet_ms"] = statistics.median(r["total"] for r in facet)
            out["errors"] = errors
            browser.close()
    finally:
        server.close()
    return out


def give_every_place_coordinates(src: Path) -> int:
    """The generator leaves one place in six without coordinates; here every event must be on the map."""
    n = 0
    for i, path in enumerate(sorted((src / "content" / "places").glob("*.md"))):
        text = path.read_text(encoding="utf-8")
        if "coordinates:" not in text:
            path.write_text(text.replace("---\n", f"---\ncoordinates: [{33 + i % 5 * 0.7:.4f}, {63 + i % 9 * 0.8:.4f}]\n", 1),
                            encoding="utf-8")
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--loads", type=int, default=3)
    ap.add_argument("--brushes", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "timemap")
    ap.add_argument("--reuse", action="store_true", help="measure the dossier generated by the last run (rebuilt warm)")
    args = ap.parse_args()
    src, build = args.out / "src", args.out / "build"
    if not (args.reuse and src.is_dir()):
        print(f"generating {args.events} events in {src} ...", file=sys.stderr)
        generate(src, args.events, args.seed, with_events=True)
        placed = give_every_place_coordinates(src)
        print(f"{placed} places given coordinates, so every event is on the map", file=sys.stderr)
        shutil.rmtree(build, ignore_errors=True)
    seconds = cli_build(src, build, *(() if args.reuse else ("--no-cache",)))
    raw = (build / "map" / "index.html").read_bytes()
    f = measure(build, args.loads, args.brushes)
    print(f"\n### Time-map benchmark: {f['events']:,} events with a place on /map/\n")
    print("| measure | value |\n|---|---|")
    print(f"| {'warm' if args.reuse else 'cold'} build of the dossier (CLI) | {seconds:.1f} s |")
    print(f"| machine load average while measuring (2 cores shared) | {os.getloadavg()[0]:.1f} |")
    print(f"| `/map/index.html` size | {len(raw) / 1e6:.2f} MB ({len(gzip.compress(raw, 6)) / 1e6:.2f} MB gzipped) |")
    print(f"| **load: navigation → map, markers, axis and list ready** (median of {args.loads}; max) | "
          f"**{f['ready_ms']:,.0f} ms** ({f['ready_max_ms']:,.0f} ms) |")
    print(f"| load event | {f['load_ms']:,.0f} ms |")
    print(f"| markers after clustering / bars on the axis | {f['markers']} / {f['bars']} |")
    print(f"| **brush a range → next frame painted** (median of {args.brushes}; max) | "
          f"**{f['brush_ms']:,.1f} ms** ({f['brush_max_ms']:,.1f} ms; script {f['brush_script_ms']:,.1f} ms) |")
    print(f"| one person chosen in the filters → next frame | {f['facet_ms']:,.1f} ms |")
    if f["errors"]:
        print(f"| page errors | {f['errors'][:3]} |")
    print(f"\nCommand: `.venv/bin/python bench/timemap_bench.py --events {args.events}`")


if __name__ == "__main__":
    main()
