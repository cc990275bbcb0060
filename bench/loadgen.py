"""A small HTTP load generator for `dossier serve`, on 127.0.0.1 only, with bounded counts.

Raw sockets (HTTP/1.0, one request per connection, as the dev server speaks) so the client costs
little next to the server. Used by bench/serve_load.py and tests/test_serve_load.py.
"""
from __future__ import annotations

import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

HOST = "127.0.0.1"  # never anything else: this is a local tool
MAX_REQUESTS = 50_000
MAX_CONNECTIONS = 1_000


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer (connection refused, reset or timed out)
    seconds: float


def get(port: int, path: str, timeout: float = 30.0) -> Answer:
    start = time.perf_counter()
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.0\r\nHost: {HOST}:{port}\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
    except OSError:
        return Answer(0, time.perf_counter() - start)
    head = data.split(b"\r\n", 1)[0].split()
    status = int(head[1]) if len(head) > 1 and head[1].isdigit() else 0
    return Answer(status, time.perf_counter() - start)


def burst(port: int, paths: list[str], count: int, concurrency: int, timeout: float = 30.0) -> list[Answer]:
    """``count`` GETs cycling through ``paths``, ``concurrency`` at a time."""
    count, concurrency = min(count, MAX_REQUESTS), max(1, min(concurrency, MAX_CONNECTIONS))
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda i: get(port, paths[i % len(paths)], timeout), range(count)))


def summary(answers: list[Answer], seconds: float) -> dict:
    times = sorted(a.seconds for a in answers)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] if times else 0.0
    return {"requests": len(answers), "answered": sum(a.status == 200 for a in answers),
            "failed": sum(a.status == 0 for a in answers), "seconds": round(seconds, 2),
            "per_second": round(len(answers) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(statistics.median(times) * 1000, 1) if times else 0.0, "p99_ms": round(p99 * 1000, 1)}


class Streams:
    """``n`` open live-reload streams (server-sent events), each read by its own thread."""

    def __init__(self, port: int, n: int, path: str = "/__dossier/events"):
        self.socks: list[socket.socket] = []
        self.received: list[bytes] = []
        self._lock = threading.Lock()
        self._threads = []
        for _ in range(min(n, MAX_CONNECTIONS)):
            s = socket.create_connection((HOST, port), timeout=30)
            s.sendall(f"GET {path} HTTP/1.0\r\nHost: {HOST}:{port}\r\n\r\n".encode())
            self.socks.append(s)
            self.received.append(b"")
            t = threading.Thread(target=self._read, args=(len(self.socks) - 1,), daemon=True)
            t.start()
            self._threads.append(t)

    def _read(self, i: int) -> None:
        s = self.socks[i]
        try:
            while chunk := s.recv(4096):
                with self._lock:
                    self.received[i] += chunk
        except OSError:
            pass

    def count(self, needle: bytes) -> int:
        with self._lock:
            return sum(needle in r for r in self.received)

    def close(self) -> None:
        for s in self.socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for t in self._threads:
            t.join(timeout=5)


class Tricklers:
    """``n`` clients that send a request head one byte every ``interval`` seconds (slowloris);
    ``cut`` records how long each lasted before the server closed it."""

    def __init__(self, port: int, n: int, interval: float = 0.5, limit: float = 60.0):
        self.cut: list[float] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(port, interval, limit), daemon=True)
                         for _ in range(min(n, MAX_CONNECTIONS))]
        for t in self._threads:
            t.start()

    def _run(self, port: int, interval: float, limit: float) -> None:
        start = time.monotonic()
        head = f"GET / HTTP/1.0\r\nHost: {HOST}:{port}\r\nX-Slow: " + "a" * 10_000
        try:
            with socket.create_connection((HOST, port), timeout=limit) as s:
                for byte in head.encode():
                    if self._stop.is_set() or time.monotonic() - start > limit:
                        return
                    s.sendall(bytes([byte]))
                    if self._stop.wait(interval):
                        return
                    if _closed(s):
                        break
        except OSError:
            pass
        with self._lock:
            self.cut.append(time.monotonic() - start)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)


def _closed(s: socket.socket) -> bool:
    import select

    readable, _, _ = select.select([s], [], [], 0)
    if not readable:
        return False
    try:
        return s.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
