"""`dossier serve` under load, on 127.0.0.1 only, with bounded counts.

Starts `python -m dossier serve` on a copy of the example dossier (or a generated one with
--articles N), then:

1. opens 50 live-reload streams and, while a rebuild runs (a dossier.yaml edit), sends 200
   concurrent requests: every one must be answered, every stream must get the reload;
2. sends 10,000 requests (32 at a time) and samples the server's memory (RSS) and threads;
3. 30 clients trickle a request head one byte at a time while 500 normal requests run.

Prints a Markdown table (throughput, p50/p99 latency, RSS and threads) and writes
bench/out/serve_load.json.

    .venv/bin/python bench/serve_load.py
    .venv/bin/python bench/serve_load.py --articles 2000 --requests 10000
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from loadgen import HOST, MAX_REQUESTS, Streams, Tricklers, burst, summary  # noqa: E402

PAGES = ["/", "/articles/", "/timeline/", "/people/", "/places/", "/timeline.json", "/search/", "/no-such-page/"]


def _wait(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def _dossier(root: Path, articles: int) -> Path:
    if articles:
        from generate import generate

        generate(root, articles)
    else:
        root.mkdir(parents=True)
        shutil.copytree(REPO / "content", root / "content")
        shutil.copy(REPO / "dossier.yaml", root / "dossier.yaml")
    return root


def _server(site: Path) -> tuple[subprocess.Popen, int, list[str]]:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1", NO_COLOR="1")
    log = open(site / "serve.log", "w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "dossier", "serve", "--source", str(site), "--host", HOST,
                             "--port", "0", "--no-navigate"], stdout=log, stderr=subprocess.STDOUT, env=env)
    text = lambda: (site / "serve.log").read_text(encoding="utf-8")  # noqa: E731
    match = _wait(lambda: re.search(r"serving http://127\.0\.0\.1:(\d+)(/\S*)", text()), 300, "the server to start")
    port, prefix = int(match.group(1)), match.group(2).rstrip("/")
    return proc, port, [prefix + p for p in PAGES]


def _rss_mb(p: psutil.Process) -> float:
    return round(p.memory_info().rss / 2**20, 1)


def run(articles: int, requests: int) -> dict:
    requests = min(requests, MAX_REQUESTS)
    with tempfile.TemporaryDirectory() as tmp:
        site = _dossier(Path(tmp) / "site", articles)
        proc, port, paths = _server(site)
        server = psutil.Process(proc.pid)
        out: dict = {"articles": articles or "example", "threads_idle": server.num_threads(), "rss_start_mb": _rss_mb(server)}
        try:
            # 1. a burst and open streams during a rebuild
            streams = Streams(port, 50)
            _wait(lambda: streams.count(b"event: hello") == 50, 30, "50 streams")
            config = site / "dossier.yaml"
            config.write_text(config.read_text(encoding="utf-8") + "\ndescription: Under load.\n", encoding="utf-8")
            _wait(lambda: "rebuil" in (site / "serve.log").read_text(encoding="utf-8") or server.cpu_percent(0.05) > 50,
                  30, "the rebuild to start")
            start = time.perf_counter()
            answers = burst(port, paths, 200, 200)
            out["burst_200"] = summary(answers, time.perf_counter() - start)
            out["burst_200"]["unanswered"] = sum(a.status not in (200, 404) for a in answers)
            out["threads_with_50_streams"] = server.num_threads()
            _wait(lambda: streams.count(b"event: reload") == 50, 120, "the reload on every stream")
            streams.close()
            time.sleep(2.0)
            out["threads_after_streams_closed"] = server.num_threads()
            # 2. many requests: throughput, latency, memory
            samples = []
            start = time.perf_counter()
            answers = []
            for _ in range(10):
                answers += burst(port, paths, requests // 10, 32)
                samples.append(_rss_mb(server))
            out["requests"] = summary(answers, time.perf_counter() - start)
            out["rss_mb_every_tenth"] = samples
            out["threads_after_requests"] = server.num_threads()
            # 3. slow clients while others are served
            slow = Tricklers(port, 30, interval=0.2, limit=60)
            time.sleep(0.5)
            start = time.perf_counter()
            answers = burst(port, paths, 500, 10)
            out["with_30_trickling_clients"] = summary(answers, time.perf_counter() - start)
            _wait(lambda: len(slow.cut) == 30, 60, "the server to cut the trickling clients")
            slow.stop()
            out["trickling_cut_after_s"] = round(max(slow.cut), 1)
            time.sleep(1.0)
            out["threads_end"] = server.num_threads()
            out["rss_end_mb"] = _rss_mb(server)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=0, help="a generated dossier of N articles (default: the example)")
    ap.add_argument("--requests", type=int, default=10_000, help=f"requests in phase 2 (at most {MAX_REQUESTS})")
    args = ap.parse_args()
    result = run(args.articles, args.requests)
    out_dir = REPO / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "serve_load.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    r, b, s = result["requests"], result["burst_200"], result["with_30_trickling_clients"]
    print("| phase | requests | answered (200/404) | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|")
    print(f"| 200 at once + 50 streams, during a rebuild | {b['requests']} | {b['requests'] - b['unanswered']} | "
          f"{b['per_second']} | {b['p50_ms']} | {b['p99_ms']} |")
    print(f"| {r['requests']} requests, 32 at a time | {r['requests']} | {r['requests'] - r['failed']} | "
          f"{r['per_second']} | {r['p50_ms']} | {r['p99_ms']} |")
    print(f"| 500 requests beside 30 trickling clients | {s['requests']} | {s['requests'] - s['failed']} | "
          f"{s['per_second']} | {s['p50_ms']} | {s['p99_ms']} |")
    print(f"\nserver threads: idle {result['threads_idle']}, with 50 streams {result['threads_with_50_streams']}, "
          f"after they closed {result['threads_after_streams_closed']}, after the requests {result['threads_after_requests']}, "
          f"end {result['threads_end']}")
    print(f"server RSS (MB) after each tenth of the requests: {result['rss_mb_every_tenth']}; "
          f"trickling clients cut after {result['trickling_cut_after_s']} s")


if __name__ == "__main__":
    main()
