"""Markdown CPU time: Python-Markdown's stock smarty pass against ours (which skips text it cannot change).

Renders the bodies of every ``.md`` file under each folder given with both
renderers (best of --repeat, CPU time) and checks that the output is the same.

    python bench/markdown_bench.py /tmp/d/content/articles ../shared/corpus [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from markdown.treeprocessors import InlineProcessor

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dossier.parse.frontmatter import split_front_matter  # noqa: E402
from dossier.parse.markdown import Renderer  # noqa: E402


def stock() -> Renderer:
    r = Renderer()
    plain = InlineProcessor(r.md)
    plain.inlinePatterns = r.md.treeprocessors["smarty"].inlinePatterns
    r.md.treeprocessors.register(plain, "smarty", 6)
    return r


def bodies(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*.md")):
        try:
            out.append(split_front_matter(path.read_text(encoding="utf-8")).body)
        except Exception:
            continue
    return out


def cpu(renderer: Renderer, texts: list[str], repeat: int) -> tuple[float, list[str]]:
    best, html = float("inf"), []
    for _ in range(repeat):
        t = time.process_time()
        html = [renderer.render(text, "content/x.md", 5, 0).html for text in texts]
        best = min(best, time.process_time() - t)
    return best, html


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", type=Path, nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print("| files | stock smarty (s CPU) | quick smarty (s CPU) | saved | same output |")
    print("|---|---:|---:|---:|---|")
    for folder in args.folders:
        texts = bodies(folder)
        a, html_a = cpu(stock(), texts, args.repeat)
        b, html_b = cpu(Renderer(), texts, args.repeat)
        print(f"| {folder} ({len(texts)}) | {a:.2f} | {b:.2f} | {(1 - b / a) * 100:.0f}% | {html_a == html_b} |")


if __name__ == "__main__":
    main()
