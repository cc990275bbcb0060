"""Build benchmarks on generated dossiers.

For each size: cold full build (no cache, no output), warm full build (nothing
changed), rebuild after one article body edit, after one template edit; peak
memory (max RSS of the build process) and files written. Each figure is the
median of --repeat runs of the real CLI in a fresh process.

    python bench/run.py --sizes 1000 4000 10000 [--repeat 3] [--json bench/out/results.json]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

DOSSIER = [sys.executable, "-m", "dossier"]


def run_build(src: Path, *extra: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([*DOSSIER, "build", "--source", str(src), "--output", str(src / "build"), *extra],
                          capture_output=True, text=True, cwd=HERE.parent)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-3000:]}")
    m = re.search(r"built (\d+) pages \((\d+) files\)", proc.stderr)
    return {"seconds": seconds, "pages": int(m.group(1)), "files": int(m.group(2)),
            "max_rss_mb": max(after.ru_maxrss, before.ru_maxrss) / 1024}


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench_size(n: int, work: Path, repeat: int, search: bool = True) -> dict:
    src = work / f"dossier-{n}"
    t = time.perf_counter()
    generate(src, n, seed=1)
    if not search:
        with open(src / "dossier.yaml", "a", encoding="utf-8") as fh:
            fh.write("search: false\n")
    gen = time.perf_counter() - t
    row: dict = {"articles": n, "search": search, "generate_s": round(gen, 2)}
    cold = []
    for _ in range(repeat):
        shutil.rmtree(src / "build", ignore_errors=True)
        shutil.rmtree(src / ".dossier-cache", ignore_errors=True)
        cold.append(run_build(src))
    row["cold_s"] = median(cold, "seconds")
    row["pages"] = cold[0]["pages"]
    row["files_written_cold"] = cold[0]["files"]
    # the peak RSS of the parent process; workers are separate processes
    row["peak_mb"] = max(r["max_rss_mb"] for r in cold)
    time.sleep(2.1)  # let the racy-clean window of the file stats pass, as in real use
    warm = [run_build(src) for _ in range(repeat)]
    row["warm_s"] = median(warm, "seconds")
    row["files_written_warm"] = warm[0]["files"]
    edits = []
    article = src / "content/articles/report-7.md"
    for i in range(repeat):
        with open(article, "a", encoding="utf-8") as fh:
            fh.write(f"\nAn added sentence, edit {i}.\n")
        edits.append(run_build(src))
    row["article_edit_s"] = median(edits, "seconds")
    row["files_written_article_edit"] = edits[0]["files"]
    tmpl = []
    templates = src / "templates"
    templates.mkdir(exist_ok=True)
    for i in range(repeat):
        (templates / "event.html").write_text(
            '{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>' + f"<!-- v{i} -->" + "{% endblock %}",
            encoding="utf-8")
        tmpl.append(run_build(src))
    row["template_edit_s"] = median(tmpl, "seconds")
    row["files_written_template_edit"] = tmpl[0]["files"]
    return row


def table(rows: list[dict]) -> str:
    cols = [("articles", "articles"), ("search", "search index"), ("pages", "pages"), ("cold_s", "cold build (s)"), ("warm_s", "warm, nothing changed (s)"),
            ("article_edit_s", "one article edited (s)"), ("template_edit_s", "one template edited (s)"),
            ("peak_mb", "peak RSS, main process (MB)"), ("files_written_cold", "files written cold"),
            ("files_written_warm", "written warm"), ("files_written_article_edit", "written after article edit")]
    out = ["| " + " | ".join(h for _, h in cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(f"{r[k]:.2f}" if isinstance(r[k], float) else str(r[k]) for k, _ in cols) + " |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/dossier-bench"))
    ap.add_argument("--json", type=Path, default=HERE / "out" / "results.json")
    ap.add_argument("--no-search", action="store_true", help="build without the Pagefind index (search: false)")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        rows.append(bench_size(n, args.work, args.repeat, search=not args.no_search))
        print(table(rows[-1:]), flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE.parent).stdout.strip()
    print(f"\ncommit {commit}, {os.cpu_count()} cores, median of {args.repeat}\n")
    print(table(rows))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"commit": commit, "cores": os.cpu_count(), "repeat": args.repeat, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
