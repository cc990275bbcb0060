"""Save-to-reload latency of `dossier serve`.

For each size, generate a dossier (bench/generate.py), start the dev server,
then time, for each kind of change, the moment a file is written to the moment
the `reload` event arrives on the server-sent-event stream (what a browser tab
would act on). Kinds: an article body edit, a template edit (a site-level
`templates/article.html`) and a config edit (`description:` in dossier.yaml).

    python bench/serve_latency.py                       # 1,000, 4,000 and 10,000 articles, 10 edits each
    python bench/serve_latency.py --sizes 1000 --edits 5
    python bench/serve_latency.py --subprocess          # run `python -m dossier serve` instead of in-process
    python bench/serve_latency.py --warm-start --sizes 1000 4000   # `dossier build` first, then serve, then edit

With ``--warm-start`` the dossier is built with ``dossier build`` (cache on
disk) before the server starts, the way authors usually work, and the first
article save is reported apart from the median of the later ones.

Prints a Markdown table per kind: the first save's latency apart (it may pay
for warming up), then the median, min and max of the following saves, and the
median server-side build time carried in the event (the rest is watcher,
debounce and delivery). ``--warm-start`` is the usual day: the dossier was
built before (``dossier build``, cache on disk), then ``dossier serve`` starts
and the author edits. In-process runs do not watch the built-in theme, so edits other
people make to this repository's theme do not end up in the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


# ------------------------------------------------------------------ the dossier
def make_dossier(root: Path, articles: int) -> None:
    try:
        from generate import generate  # bench/generate.py
    except ImportError:
        generate = None
    if generate is not None:
        generate(root, articles)
    else:  # a small stand-in, should bench/generate.py go away
        if root.exists():
            shutil.rmtree(root)
        (root / "content" / "articles").mkdir(parents=True)
        (root / "dossier.yaml").write_text(f"title: Bench ({articles})\n", encoding="utf-8")
        for i in range(articles):
            (root / "content" / "articles" / f"report-{i}.md").write_text(
                f"---\ntitle: Report {i}\ndate: 2021-08-{1 + i % 28:02d}\ntags: [t{i % 10}]\n---\n\n"
                + "Words of the report. " * 120 + "\n", encoding="utf-8")
    from dossier.render.theme import packaged_theme_dir

    (root / "templates").mkdir(exist_ok=True)
    shutil.copy(packaged_theme_dir("default") / "templates" / "article.html", root / "templates" / "article.html")


# ------------------------------------------------------------------ the event stream
class Stream:
    def __init__(self, port: int):
        self.events: list[tuple[float, str, dict]] = []
        self.cond = threading.Condition()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=600)
        self.sock.sendall(f"GET /__dossier/events HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            buf += data
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                kind = re.search(rb"^event: (\w+)", block, re.M)
                payload = re.search(rb"^data: (.*)$", block, re.M)
                if kind and payload:
                    with self.cond:
                        self.events.append((now, kind.group(1).decode(), json.loads(payload.group(1))))
                        self.cond.notify_all()

    def wait(self, kind: str, after: int, predicate, timeout: float) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, k, d in self.events[after:]:
                    if k == "error":
                        raise RuntimeError(f"the rebuild failed: {d['errors'][0]['text']}")
                    if k == kind and predicate(d):
                        return t, d
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {kind} event within {timeout} s")
                self.cond.wait(left)

    def mark(self) -> int:
        with self.cond:
            return len(self.events)

    def close(self) -> None:
        self.sock.close()


# ------------------------------------------------------------------ servers
class InProcess:
    def __init__(self, root: Path, jobs: int):
        from dossier.build import BuildOptions
        from dossier.render.theme import packaged_theme_dir
        from dossier.serve import DevServer

        t = time.perf_counter()
        self.dev = DevServer(BuildOptions(source=root, jobs=jobs), "127.0.0.1", 0,
                             unwatched=(packaged_theme_dir("default"),)).start()
        self.startup = time.perf_counter() - t
        self.port = self.dev.port

    def stop(self) -> None:
        self.dev.stop()


class Subprocess:
    def __init__(self, root: Path, jobs: int):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        t = time.perf_counter()
        env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "dossier", "serve", "--source", str(root), "--port",
                                      str(self.port), "--jobs", str(jobs)], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        for line in self.proc.stdout:
            if line.startswith("serving "):
                break
        else:
            raise RuntimeError("serve exited before serving")
        self.startup = time.perf_counter() - t
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# ------------------------------------------------------------------ edits
def article_edit(root: Path, i: int):
    path = root / "content" / "articles" / f"report-{(i * 37) % 50}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nAn added sentence, edit {i}.\n", encoding="utf-8")
    url = f"/articles/report-{(i * 37) % 50}/"
    return lambda d: url in d.get("changed", ())


def template_edit(root: Path, i: int):
    path = root / "templates" / "article.html"
    text = re.sub(r"<!-- bench edit \d+ -->", "", path.read_text(encoding="utf-8"))
    assert "{% block main %}" in text
    path.write_text(text.replace("{% block main %}", f"{{% block main %}}<!-- bench edit {i} -->", 1), encoding="utf-8")
    return lambda d: any("/articles/" in u for u in d.get("changed", ()))


def config_edit(root: Path, i: int):
    path = root / "dossier.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("description:")]
    path.write_text("\n".join(lines + [f"description: Bench description, edit {i}."]) + "\n", encoding="utf-8")
    return lambda d: "/" in d.get("changed", ())


KINDS = [("article body edit", article_edit), ("template edit (article.html)", template_edit),
         ("config edit (dossier.yaml)", config_edit)]


def measure(root: Path, stream: Stream, edit, n: int, timeout: float) -> tuple[list[float], list[float]]:
    latencies, builds = [], []
    for i in range(n):
        time.sleep(0.4)  # let the previous change settle
        mark = stream.mark()
        t0 = time.perf_counter()
        predicate = edit(root, i + 1)
        t1, data = stream.wait("reload", mark, predicate, timeout)
        latencies.append(t1 - t0)
        builds.append(float(data.get("seconds", 0.0)))
    return latencies, builds


def warm_start(root: Path, size: int, args) -> tuple:
    """`dossier build`, then serve on the warm cache, then article edits: (size, build s, start s, first, median, n)."""
    t = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "dossier", "build", "--source", str(root), "--jobs", str(args.jobs)],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    built = time.perf_counter() - t
    server = (Subprocess if args.subprocess else InProcess)(root, args.jobs)
    print(f"[{size}] dossier build {built:.1f} s; serve started in {server.startup:.2f} s", file=sys.stderr, flush=True)
    stream = Stream(server.port)
    try:
        stream.wait("hello", 0, lambda d: True, 30)
        lat, _builds = measure(root, stream, article_edit, max(2, args.edits), args.timeout)
    finally:
        stream.close()
        server.stop()
    print(f"[{size}] warm start: first save {lat[0] * 1000:.0f} ms, later median {statistics.median(lat[1:]) * 1000:.0f} ms",
          file=sys.stderr, flush=True)
    return size, built, server.startup, lat[0], statistics.median(lat[1:]), len(lat) - 1


def print_warm(rows: list, mode: str) -> None:
    print(f"\nWarm start ({mode}: `dossier build`, then serve, then article body edits; {os.cpu_count()} CPUs)\n")
    print("| articles | dossier build | serve start | first save | later saves (median) | later edits |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, built, start, first, median, n in rows:
        print(f"| {size:,} | {built:.1f} s | {start:.2f} s | {first * 1000:.0f} ms | {median * 1000:.0f} ms | {n} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 10000])
    ap.add_argument("--edits", type=int, default=10, help="edits per kind (the median is reported)")
    ap.add_argument("--jobs", type=int, default=0, help="passed to the build (0: all cores)")
    ap.add_argument("--subprocess", action="store_true", help="measure `python -m dossier serve` in a subprocess")
    ap.add_argument("--workdir", type=Path, help="where to generate the dossiers (default: a temporary folder)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for one reload")
    ap.add_argument("--warm-start", action="store_true", help="`dossier build` first, then serve: first save apart")
    args = ap.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="dossier-serve-bench-"))
    rows = []
    try:
        for size in args.sizes:
            root = work / f"dossier-{size}"
            t = time.perf_counter()
            make_dossier(root, size)
            print(f"[{size}] generated in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
            if args.warm_start:
                rows.append(warm_start(root, size, args))
                continue
            server = (Subprocess if args.subprocess else InProcess)(root, args.jobs)
            print(f"[{size}] first build and start: {server.startup:.1f} s", file=sys.stderr, flush=True)
            stream = Stream(server.port)
            try:
                stream.wait("hello", 0, lambda d: True, 30)
                for name, edit in KINDS:
                    lat, builds = measure(root, stream, edit, args.edits, args.timeout)
                    rest = lat[1:] or lat  # the first save apart: it may pay for warming up
                    row = (size, server.startup, name, lat[0], statistics.median(rest), min(rest), max(rest),
                           statistics.median(builds), len(lat))
                    rows.append(row)
                    print(f"[{size}] {name}: first {lat[0] * 1000:.0f} ms, then median {row[4] * 1000:.0f} ms",
                          file=sys.stderr, flush=True)
            finally:
                stream.close()
                server.stop()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)

    mode = "subprocess" if args.subprocess else "in-process"
    if args.warm_start:
        print_warm(rows, mode)
        return
    print(f"\nSave-to-reload latency ({mode}, {args.edits} edits per kind, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]})\n")
    print("| articles | serve start | change | first save | median (later saves) | min | max | build (server, median) | edits |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for size, startup, name, first, med, lo, hi, build, n in rows:
        print(f"| {size:,} | {startup:.1f} s | {name} | {first * 1000:.0f} ms | {med * 1000:.0f} ms | {lo * 1000:.0f} ms | "
              f"{hi * 1000:.0f} ms | {build * 1000:.0f} ms | {n} |")


if __name__ == "__main__":
    main()
