"""Lighthouse over the example dossier: the four category scores of the home page, an article,
/timeline/ and /map/, as a real client sees them.

Lighthouse comes from the npm registry into a bench-only prefix (bench/.npm, git-ignored; the
tests never need it) and drives Debian's Chromium (/usr/bin/chromium). The example is built into
a temporary folder and served on 127.0.0.1; nothing else is contacted.

    .venv/bin/python bench/lighthouse.py                 # mobile (Lighthouse's default: throttled Moto G)
    .venv/bin/python bench/lighthouse.py --desktop       # desktop preset
    .venv/bin/python bench/lighthouse.py --pages map/    # some pages only

Prints a Markdown table (performance, accessibility, best practices, SEO, and the layout shift)
and writes each full report to bench/out/lighthouse/<page>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timeline_bench import CHROMIUM, CHROMIUM_ARGS, REPO, _Server  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"  # 13.x needs Node 22; Debian 12's Node is 20
PREFIX = REPO / "bench" / ".npm"
CLI = PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = {"home": "", "article": "articles/panjshir-interview-summary/", "timeline": "timeline/", "map": "map/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def ensure_lighthouse() -> Path:
    """Install the pinned Lighthouse into bench/.npm with the ordinary npm client, once."""
    package = PREFIX / "node_modules" / "lighthouse" / "package.json"
    if package.is_file() and json.loads(package.read_text(encoding="utf-8"))["version"] == LIGHTHOUSE_VERSION:
        return CLI
    if not shutil.which("npm"):
        raise SystemExit("npm is needed to install Lighthouse (apt-get install npm)")
    print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {PREFIX} ...", file=sys.stderr)
    subprocess.run(["npm", "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", "--silent",
                    "--save-exact", f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return CLI


def build_example(dest: Path, out: Path, base_url: str) -> Path:
    """The example, built with the address it is served at (so canonical links match, as when published)."""
    shutil.copytree(REPO / "content", dest / "content")
    shutil.copy(REPO / "dossier.yaml", dest / "dossier.yaml")
    run = subprocess.run([sys.executable, "-m", "dossier", "build", "--source", str(dest), "--output", str(out),
                          "--base-url", base_url],
                         cwd=REPO, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"build failed:\n{run.stderr[-2000:]}")
    return out


def audit(cli: Path, url: str, report: Path, desktop: bool) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    cmd = ["node", str(cli), url, f"--chrome-path={CHROMIUM}", f"--chrome-flags={flags}", "--output=json",
           f"--output-path={report}", "--quiet", "--only-categories=" + ",".join(CATEGORIES)]
    if desktop:
        cmd.append("--preset=desktop")
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**os.environ, "CHROME_PATH": CHROMIUM})
    if run.returncode != 0 or not report.is_file():
        return {"error": (run.stderr or run.stdout)[-600:]}
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {c: round(data["categories"][c]["score"] * 100) if data["categories"][c]["score"] is not None else None
              for c in CATEGORIES}
    audits = data["audits"]
    scores["cls"] = audits.get("cumulative-layout-shift", {}).get("displayValue", "")
    scores["lcp"] = audits.get("largest-contentful-paint", {}).get("displayValue", "")
    weighted = {ref["id"] for c in CATEGORIES for ref in data["categories"][c]["auditRefs"] if ref.get("weight")}
    scores["failed"] = sorted(i for i in weighted if audits[i].get("score") is not None and audits[i]["score"] < 0.9)
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset (default: mobile)")
    ap.add_argument("--pages", nargs="*", default=list(PAGES), help=f"among {', '.join(PAGES)}")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "lighthouse")
    args = ap.parse_args()
    cli = ensure_lighthouse()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        out.mkdir()
        server = _Server(out)  # files are read per request: start it first, to know its address
        build_example(Path(tmp) / "src", out, server.url)
        try:
            rows = {name: audit(cli, server.url + PAGES[name], args.out / f"{name}.json", args.desktop) for name in args.pages}
        finally:
            server.close()
    form = "desktop" if args.desktop else "mobile"
    print(f"\n### Lighthouse {LIGHTHOUSE_VERSION} ({form}), example dossier, Debian Chromium\n")
    print("| page | performance | accessibility | best practices | SEO | CLS | LCP | scored audits below 90 |\n|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        if "error" in r:
            print(f"| {name} | error: {r['error'].strip().splitlines()[-1] if r['error'].strip() else '?'} | | | | | | |")
            continue
        print(f"| {name} (`/{PAGES[name]}`) | {r['performance']} | {r['accessibility']} | {r['best-practices']} | {r['seo']} | "
              f"{r['cls']} | {r['lcp']} | {', '.join(r['failed']) or '—'} |")
    print(f"\nCommand: `.venv/bin/python bench/lighthouse.py{' --desktop' if args.desktop else ''}`")


if __name__ == "__main__":
    main()
