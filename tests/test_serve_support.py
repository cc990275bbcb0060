"""Helpers for the `dossier serve` tests (raw HTTP, an SSE reader, servers in-process and as
subprocesses), plus unit tests of the pieces that need no server: the batcher and the
request-path resolver."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dossier.build import BuildOptions  # noqa: E402
from dossier.serve import DevServer  # noqa: E402
from dossier.serve.server import resolve_request  # noqa: E402
from dossier.serve.watch import CREATED, RENAMED, WRITTEN, Batcher, Closed  # noqa: E402


# ------------------------------------------------------------------ waiting
def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def non_loopback_ipv4() -> str | None:
    """An IPv4 address of this machine that is not loopback (None if it has none)."""
    for probe in ("192.0.2.1", "10.255.255.255", "8.8.8.8"):  # UDP connect sends nothing
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.connect((probe, 9))
                ip = s.getsockname()[0]
            except OSError:
                continue
        if ip and not ip.startswith("127.") and ip != "0.0.0.0":
            return ip
    try:  # Linux: local host routes
        text = Path("/proc/net/fib_trie").read_text()
        for ip in re.findall(r"\|-- (\d+\.\d+\.\d+\.\d+)\n\s+/32 host LOCAL", text):
            if not ip.startswith("127."):
                return ip
    except OSError:
        pass
    return None


# ------------------------------------------------------------------ raw HTTP
@dataclass
class Raw:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def raw_request(port: int, target: str, host: str = "127.0.0.1", host_header: str | None = None,
                method: str = "GET", timeout: float = 5.0) -> Raw:
    """One request written byte for byte (no client-side normalisation of the path)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        head = f"{method} {target} HTTP/1.0\r\nHost: {host_header or f'127.0.0.1:{port}'}\r\n\r\n"
        sock.sendall(head.encode("utf-8", "surrogateescape"))
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return Raw(status, headers, body)


def get(port: int, path: str) -> Raw:
    return raw_request(port, path)


# ------------------------------------------------------------------ SSE
class SSE:
    """Reads /__dossier/events in a thread; ``events`` is a list of (monotonic time, type, data)."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.events: list[tuple[float, str, dict]] = []
        self._sock = socket.create_connection((host, port), timeout=30)
        self._sock.sendall(f"GET /__dossier/events HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        self.wait_for("hello")

    def _read(self):
        buf = b""
        try:
            while True:
                data = self._sock.recv(65536)
                if not data:
                    return
                buf += data
                while b"\n\n" in buf:
                    block, buf = buf.split(b"\n\n", 1)
                    event, payload = None, []
                    for line in block.decode("utf-8").split("\n"):
                        if line.startswith("event: "):
                            event = line[7:]
                        elif line.startswith("data: "):
                            payload.append(line[6:])
                    if event:
                        with self._cond:
                            self.events.append((time.monotonic(), event, json.loads("\n".join(payload))))
                            self._cond.notify_all()
        except OSError:
            return

    def of(self, kind: str) -> list[dict]:
        with self._cond:
            return [d for _, e, d in self.events if e == kind]

    def wait_for(self, kind: str, predicate=lambda d: True, timeout: float = 10.0, start: int = 0) -> dict:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for _, e, d in self.events[start:]:
                    if e == kind and predicate(d):
                        return d
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {kind!r} event within {timeout} s; got {[e for _, e, _ in self.events]}")
                self._cond.wait(left)

    def mark(self) -> int:
        with self._cond:
            return len(self.events)

    def close(self):
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


# ------------------------------------------------------------------ servers
class Messages(list):
    """The report callback of an in-process server: a list of (level, text)."""

    def __call__(self, level: str, text: str) -> None:
        self.append((level, text))

    def count(self, needle: str) -> int:  # type: ignore[override]
        return sum(needle in text for _, text in self)


def builtin_theme() -> Path:
    from dossier.render.theme import packaged_theme_dir

    return packaged_theme_dir("default")


@contextmanager
def running(root: Path, *, watch: bool = True, navigate: bool = True, output: Path | None = None,
            watch_builtin_theme: bool = False, **kw):
    """An in-process dev server on a free port. The built-in theme is not watched unless asked: in this
    repository other people edit it while the tests run, and its events would be counted as rebuilds."""
    messages = Messages()
    unwatched = () if watch_builtin_theme else (builtin_theme(),)
    dev = DevServer(BuildOptions(source=root, output=output, jobs=1), "127.0.0.1", 0, navigate=navigate,
                    report=messages, watch=watch, unwatched=unwatched, **kw)
    dev.messages = messages
    dev.start()
    try:
        yield dev
    finally:
        dev.stop()


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "content", dest / "content")
    shutil.copy(REPO / "dossier.yaml", dest / "dossier.yaml")
    return dest


def atomic_write(path: Path, text: str) -> None:
    """Save the way vim (backupcopy=no), JetBrains and gedit do: a temporary file renamed over the original."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class ServeProcess:
    """`python -m dossier serve ...` as a subprocess, its output collected by reader threads."""

    def __init__(self, *args: str, cwd: Path | None = None, code: str | None = None):
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(REPO), COLUMNS="200", NO_COLOR="1")
        cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "dossier", "serve", *args]
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", errors="replace")
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.out), daemon=True),
                         threading.Thread(target=self._pump, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self._threads:
            t.start()

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink.append(line)

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    def wait_for(self, pattern: str, stream: str = "out", timeout: float = 30.0) -> re.Match:
        rx = re.compile(pattern)

        def found():
            text = self.stdout if stream == "out" else self.stderr
            return rx.search(text) or (self.proc.poll() is not None and rx.search(text) is None and "exited")

        result = wait_until(found, timeout, message=f"{pattern!r} in std{stream}")
        if result == "exited":
            raise AssertionError(f"serve exited with {self.proc.returncode}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}")
        return result

    def url(self, timeout: float = 30.0) -> str:
        return self.wait_for(r"serving (http://\S+)", timeout=timeout).group(1)

    def interrupt(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=timeout)
        for t in self._threads:
            t.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


@pytest.fixture
def serve_process():
    """Factory for `dossier serve` subprocesses; every one is killed at teardown."""
    made: list[ServeProcess] = []

    def factory(*args: str, **kw) -> ServeProcess:
        proc = ServeProcess(*args, **kw)
        made.append(proc)
        return proc

    yield factory
    for proc in made:
        proc.kill()


# ------------------------------------------------------------------ unit tests: batcher
def test_batcher_merges_a_burst_into_one_batch():
    b = Batcher(quiet=0.05)
    for i in range(500):
        b.add([f"content/a{i}.md"])
    t = time.monotonic()
    batch = b.next_batch()
    assert len(batch) == 500
    assert time.monotonic() - t < 1.0


def test_batcher_waits_for_a_quiet_period_but_not_forever():
    b = Batcher(quiet=0.2, max_wait=0.5)
    stop = time.monotonic() + 1.5
    got = []

    def feed():
        while time.monotonic() < stop:
            b.add(["content/x.md"])
            time.sleep(0.02)

    t = time.monotonic()
    feeder = threading.Thread(target=feed)
    feeder.start()
    got.append(b.next_batch())
    first = time.monotonic() - t  # (from before the first event: the feeder may run before this thread)
    feeder.join()
    assert got == [{"content/x.md"}]
    # about max_wait (0.5 s), not the end of the stream (1.5 s). On a starved machine the process may sleep
    # past the quiet period between two events: the batch then comes sooner, but never before 0.2 s.
    assert 0.2 <= first < 1.2


def _batch_after(b: Batcher) -> float:
    t = time.monotonic()
    b.next_batch()
    return time.monotonic() - t


def test_batcher_hands_out_a_settled_save_sooner():
    """A file closed after writing, or renamed onto a project file, is final: its batch goes after
    settled_quiet; a path last written to without a close, deleted, or created in the batch waits quiet."""
    b = Batcher(quiet=0.6, settled_quiet=0.02)
    b.add(["content/a.md"])  # truncated...
    b.add(["content/a.md"], WRITTEN)  # ...and closed
    assert _batch_after(b) < 0.4
    b.add(["content/a.md"], RENAMED)  # a temporary file renamed over it
    assert _batch_after(b) < 0.4
    b.add(["content/a.md"], WRITTEN)
    b.add(["content/b.md"])  # another file still being written: not settled
    assert _batch_after(b) >= 0.55
    b.add(["content/new.md"], CREATED)
    b.add(["content/new.md"], WRITTEN)  # new: may be the first file of a checkout
    assert _batch_after(b) >= 0.55
    b.add(["content/a.md"])  # vim: renamed away to a backup (not a project file)...
    b.add(["content/a.md"], CREATED)  # ...then written anew
    b.add(["content/a.md"], WRITTEN)
    assert _batch_after(b) >= 0.55
    b.add(["content/a.md"], WRITTEN)
    b.add(None)  # a full rebuild
    assert _batch_after(b) >= 0.55


def test_batcher_none_means_full_and_close_ends_the_loop():
    b = Batcher(quiet=0.01)
    b.add(["content/a.md"])
    b.add(None)
    assert b.next_batch() is None
    b.close()
    with pytest.raises(Closed):
        b.next_batch()


def test_batcher_keeps_changes_made_while_a_batch_is_built():
    b = Batcher(quiet=0.01)
    b.add(["content/a.md"])
    assert b.next_batch() == {"content/a.md"}
    b.add(["content/b.md"])  # "during the build"
    b.add(["content/c.md"])
    assert b.next_batch() == {"content/b.md", "content/c.md"}


# ------------------------------------------------------------------ unit tests: request paths
def test_resolve_request_maps_urls_and_refuses_the_rest(tmp_path):
    out = tmp_path / "out"
    (out / "articles" / "x").mkdir(parents=True)
    (out / "articles" / "x" / "index.html").write_text("x")
    (out / "index.html").write_text("home")
    assert resolve_request("/p/", "/p/", out).file == (out / "index.html").resolve()
    assert resolve_request("/p/articles/x/?q=1#f", "/p/", out).file == (out / "articles/x/index.html").resolve()
    r = resolve_request("/p/articles/x", "/p/", out)
    assert (r.kind, r.location) == ("redirect", "/p/articles/x/")
    assert resolve_request("/", "/p/", out).location == "/p/"
    for bad in ("/p/../out/index.html", "/p/%2e%2e/out/index.html", "/p/articles/x/index.html/",
                "/p/articles%2fx/", "/p/articles%5cx/", "/p/%252e%252e/", "/index.html", "/p//articles/x/",
                "//p/articles/x/", "/p/articles/x/%00", "/p/.dossier-build", "/p/c:/x"):
        assert resolve_request(bad, "/p/", out).kind in ("notfound", "bad"), bad
    assert resolve_request("p/index.html", "/p/", out).kind == "bad"
    assert resolve_request("/p/%ff/", "/p/", out).kind == "bad"


def test_host_checks_and_script_injection():
    from dossier.serve.server import host_header_allowed, inject_client, is_loopback_host

    assert is_loopback_host("127.0.0.1") and is_loopback_host("::1") and is_loopback_host("localhost")
    assert not is_loopback_host("0.0.0.0") and not is_loopback_host("::") and not is_loopback_host("192.0.2.7")
    for ok in ("127.0.0.1:8000", "localhost", "LOCALHOST:1", "[::1]:8000", "site.localhost", "10.0.0.5:80", None):
        assert host_header_allowed(ok), ok
    for bad in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example"):
        assert not host_header_allowed(bad), bad
    tag = b'<script src="/__dossier/client.js" data-token="a&amp;&quot;b"></script>'
    assert inject_client(b"<p>x</p></BODY></html>", {"token": 'a&"b'}) == b"<p>x</p>" + tag + b"</BODY></html>"
    assert inject_client(b"<p>no body end</p>", {"token": 'a&"b'}) == b"<p>no body end</p>" + tag
    # only the last </body> counts (an earlier one may sit in a code sample)
    assert inject_client(b"<pre>&lt;/body&gt;</body></pre></body>", {}).endswith(b"</script></body>")
