"""Time of the unlinked-mentions pass of `dossier check` on generated dossiers.

    python bench/mentions_bench.py --sizes 1000 4000 10000
(10,000 articles come with 2,000 entities, each with aliases.)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import generate  # noqa: E402

from dossier.build import BuildOptions, load  # noqa: E402
from dossier.resolve.mentions import Matcher, unlinked_mentions  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 10000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/dossier-bench"))
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        src = args.work / f"dossier-{n}"
        if not (src / "content").is_dir():
            generate(src, n, seed=1)
        _c, site, _d, _t = load(BuildOptions(source=src, cache=True))
        entities = sum(1 for d in site.documents.values() if d.kind in ("person", "place", "organization"))
        t = time.perf_counter()
        Matcher(site)
        t_matcher = time.perf_counter() - t
        t = time.perf_counter()
        found = unlinked_mentions(site, src)
        seconds = time.perf_counter() - t
        pages = len(site.documents)
        rows.append((n, entities, pages, t_matcher, seconds, seconds / pages * 1e6, len(found)))
    print("| articles | entities | pages scanned | build matcher (s) | unlinked-mentions pass (s) | µs per page | mentions found |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.3f} | {r[4]:.2f} | {r[5]:.0f} | {r[6]} |")


if __name__ == "__main__":
    main()
