"""What one article-body edit costs in the live builder (the one `dossier serve` uses), per stage.

Builds a dossier once with ``Builder(options, live=True)``, then edits one
article's body N times (a different sentence each time), calling
``rebuild(changed={path})`` after each save exactly as serve does, and prints
the median of each stage's seconds (``BuildResult.timings``) over the edits.
With ``--profile FILE`` the edits run under cProfile and the stats are saved
(``python -m pstats FILE``); ``--top N`` prints the N costliest functions.

    python bench/generate.py /tmp/d4k --articles 4000
    python bench/live_edit.py /tmp/d4k --edits 6
    python bench/live_edit.py /tmp/d4k --edits 6 --edit body link title
    python bench/live_edit.py /tmp/d4k --edits 3 --profile /tmp/edit.prof --top 25

``--new-process``: ``dossier build`` after each edit instead, each a new process
(``python -m dossier build`` from a neutral folder, this repository's package
first on ``PYTHONPATH``, bytecode caching on as for a user), the cache on disk
from the build before: the wall time of each, its stage lines and the load
average. ``--no-search`` sets ``search: false`` in the copy (Pagefind has no
incremental mode: with search on, every edit re-indexes the whole site).

    python bench/live_edit.py /tmp/d4k --new-process --edits 5 --no-search
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def pick_article(root: Path) -> Path:
    articles = sorted((root / "content" / "articles").rglob("*.md"))
    if not articles:
        raise SystemExit(f"{root}: no content/articles/*.md (generate one with bench/generate.py)")
    return articles[len(articles) // 2]


def edit_body(path: Path, n: int, kind: str = "body") -> None:
    """One save: a sentence added to the body ("body"), with a wiki link to a name ("link"), or the title changed."""
    text = path.read_text(encoding="utf-8")
    if kind == "title":
        head, sep, rest = text.partition("\ntitle: ")
        line, nl, tail = rest.partition("\n")
        quote = line[-1] if line[:1] in "'\"" and len(line) > 1 else ""
        base = (line[:-1] if quote else line).split(" (edit ")[0]
        text = head + sep + base + f" (edit {n})" + quote + nl + tail
    else:
        link = f" It names [[Missing name {n}]]." if kind == "link" else ""
        text = text.rstrip("\n") + f"\n\nEdit number {n} of the live-edit benchmark.{link}\n"
    path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dossier", type=Path, help="a dossier (bench/generate.py makes one); it is copied first")
    ap.add_argument("--edits", type=int, default=6)
    ap.add_argument("--edit", choices=("body", "link", "title"), nargs="+", default=["body"],
                    help="what each save changes: a body sentence, a body sentence with a new (unresolved) "
                    "[[link]], or the title")
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--profile", type=Path, help="run the edits under cProfile and save the stats here")
    ap.add_argument("--top", type=int, default=0, help="print the N functions with the most cumulative time")
    ap.add_argument("--work", type=Path, help="keep the copy and its build here (built once, with the cache on disk); "
                    "later runs start warm from it, and the first edit is reported apart")
    ap.add_argument("--new-process", action="store_true",
                    help="time `dossier build` in a new process after each edit (cache on disk) instead of the live builder")
    ap.add_argument("--no-search", action="store_true", help="set `search: false` in the copy's dossier.yaml")
    args = ap.parse_args(argv)

    from dossier.build import BuildOptions, Builder

    work = args.work or Path(tempfile.mkdtemp(prefix="live-edit-"))
    try:
        root = work / "site"
        if not root.exists():
            top = os.path.abspath(args.dossier)  # its cache and outputs are not copied
            shutil.copytree(args.dossier, root, ignore=lambda d, names: [n for n in names if os.path.abspath(d) == top
                                                                          and n in (".dossier-cache", "public", "build")])
            if args.no_search:
                config = root / "dossier.yaml"
                kept = [ln for ln in config.read_text(encoding="utf-8").splitlines() if not ln.startswith("search:")]
                config.write_text("\n".join(kept + ["search: false", ""]), encoding="utf-8")
        if args.new_process:
            return new_processes(root, work, args.edits, args.edit, args.jobs)
        builder = Builder(BuildOptions(source=root, output=work / "public", jobs=args.jobs), live=True)
        t = time.perf_counter()
        first = builder.rebuild()
        print(f"first build: {time.perf_counter() - t:.2f} s, ok={first.ok}, {first.pages} pages")
        article = pick_article(root)
        rel = article.relative_to(root).as_posix()
        profiler = cProfile.Profile() if args.profile else None
        if args.work:  # a warm start: the first edit pays for the first resolve; report it apart
            edit_body(article, -1, args.edit[0])
            result = builder.rebuild(changed={rel})
            print(f"first edit after a warm start: {result.seconds:.2f} s", _stages(result.timings))
        for kind in args.edit:
            rows = [_save(builder, article, rel, n, kind, profiler) for n in range(args.edits)]
            print(f"{args.edits} edits ({kind}) of {rel} (median seconds per stage):")
            for stage in rows[0]:
                values = [r.get(stage, 0.0) for r in rows]
                print(f"  {stage:14s} {statistics.median(values):8.3f}   (min {min(values):.3f}, max {max(values):.3f})")
        if profiler:
            profiler.dump_stats(str(args.profile))
            if args.top:
                pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(args.top)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def new_processes(root: Path, work: Path, edits: int, kinds: list[str], jobs: int) -> int:
    """``dossier build`` (a new process each time) after each edit; wall seconds, stage lines, load average."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    cmd = [sys.executable, "-m", "dossier", "build", "--source", str(root), "--output", str(work / "public")]
    cmd += ["--jobs", str(jobs)] if jobs else []
    neutral = work / "cwd"
    neutral.mkdir(exist_ok=True)

    def build() -> tuple[float, str]:
        t = time.perf_counter()
        done = subprocess.run(cmd, cwd=neutral, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t
        if done.returncode != 0:
            raise SystemExit(f"dossier build failed ({done.returncode}):\n{done.stderr[-3000:]}")
        lines = [ln for ln in done.stderr.splitlines() + done.stdout.splitlines() if ln and not ln.startswith("note:")]
        return seconds, "; ".join(lines)

    seconds, lines = build()  # a cold build, or an unchanged one on a kept --work folder
    print(f"first build: {seconds:.2f} s wall (load {_load()})\n  {lines}")
    article = pick_article(root)
    for kind in kinds:
        walls = []
        for n in range(edits):
            edit_body(article, n, kind)
            seconds, lines = build()
            walls.append(seconds)
            print(f"edit {n} ({kind}): {seconds:.2f} s wall (load {_load()})\n  {lines}")
        print(f"{edits} edits ({kind}) of {article.relative_to(root).as_posix()}, `dossier build` in a new process: "
              f"median {statistics.median(walls):.2f} s wall (min {min(walls):.2f}, max {max(walls):.2f})")
    return 0


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _save(builder, article: Path, rel: str, n: int, kind: str, profiler) -> dict:
    edit_body(article, n, kind)
    if profiler:
        profiler.enable()
    result = builder.rebuild(changed={rel})
    if profiler:
        profiler.disable()
    assert result.ok, result.diagnostics[:3]
    return {**result.timings, "total": result.seconds, "pages": result.pages}


def _stages(timings: dict) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in timings.items())


if __name__ == "__main__":
    raise SystemExit(main())
