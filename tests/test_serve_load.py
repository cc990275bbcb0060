"""The dev server under load (issue 15, point 8): 200 concurrent requests and 50 open live-reload
streams while a rebuild runs are all answered; threads come back down; memory stays flat over
10,000 requests; clients that trickle bytes are cut off and do not block others. 127.0.0.1 only,
bounded counts (bench/loadgen.py; figures: bench/serve_load.py)."""
from __future__ import annotations

import gc
import threading
import time

import psutil
import pytest

from conftest import REPO
from test_serve_support import copy_example, running, wait_until

import sys

sys.path.insert(0, str(REPO / "bench"))
from loadgen import Streams, Tricklers, burst, get  # noqa: E402

from dossier.serve import server  # noqa: E402

PAGES = ["/", "/articles/", "/timeline/", "/people/", "/places/", "/timeline.json", "/search/", "/no-such-page/"]


def _paths(dev) -> list[str]:
    prefix = dev.state.prefix.rstrip("/")
    return [prefix + p for p in PAGES]


def _threads_settle(baseline: int, timeout: float = 10.0) -> int:
    wait_until(lambda: threading.active_count() <= baseline, timeout, interval=0.1,
               message=f"threads back to {baseline} (now {threading.active_count()})")
    return threading.active_count()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return copy_example(tmp_path_factory.mktemp("load") / "site")


def test_200_requests_and_50_streams_during_a_rebuild(site):
    with running(site) as dev:
        baseline = threading.active_count()
        streams = Streams(dev.port, 50)
        wait_until(lambda: streams.count(b"event: hello") == 50, 20, message="50 streams said hello")
        assert dev.state.hub.count == 50
        config = (site / "dossier.yaml").read_text(encoding="utf-8")
        (site / "dossier.yaml").write_text(config + "\ndescription: Under load.\n", encoding="utf-8")
        wait_until(lambda: dev._building or dev.rebuilds > 0, 20, interval=0.005, message="the rebuild started")
        during = dev._building
        answers = burst(dev.port, _paths(dev), count=200, concurrency=200)
        assert all(a.status in (200, 404) for a in answers), sorted({a.status for a in answers})
        assert sum(a.status == 404 for a in answers) == 200 // len(PAGES)  # only /no-such-page/
        wait_until(lambda: dev.rebuilds >= 1, 60, message="the rebuild finished")
        wait_until(lambda: streams.count(b"event: reload") == 50, 20, message="every stream got the reload")
        streams.close()
        wait_until(lambda: dev.state.hub.count == 0, 10, message="every stream unsubscribed")
        _threads_settle(baseline)
        assert during or dev.rebuilds >= 1  # (the burst started while the rebuild ran, save on a very fast machine)
        (site / "dossier.yaml").write_text(config, encoding="utf-8")


def test_slow_clients_are_cut_off_and_block_nobody(site, monkeypatch):
    monkeypatch.setattr(server, "HEADER_DEADLINE", 1.5)
    with running(site, watch=False) as dev:
        baseline = threading.active_count()
        slow = Tricklers(dev.port, 30, interval=0.2, limit=20)
        time.sleep(0.3)
        answers = burst(dev.port, _paths(dev), count=100, concurrency=10, timeout=10)
        assert all(a.status in (200, 404) for a in answers)
        assert max(a.seconds for a in answers) < 1.5  # nobody waited for the tricklers
        wait_until(lambda: len(slow.cut) == 30, 15, message="the server closed every trickling client")
        slow.stop()
        assert max(slow.cut) < 5, slow.cut  # cut at the deadline, not at the client's own 20 s limit
        _threads_settle(baseline)


def test_memory_and_threads_stay_flat_over_10000_requests(site):
    with running(site, watch=False) as dev:
        paths = _paths(dev)
        # warm-up: caches, and the allocator's per-thread arenas, which grow over the first ~10,000 requests by
        # 12-18 MB depending on the machine's load and then stay flat (measured over four rounds of 10,000);
        # after it a leak of 800 bytes a request shows as 8 MB.
        burst(dev.port, paths, count=10_000, concurrency=16)
        gc.collect()
        baseline_threads = threading.active_count()
        before = psutil.Process().memory_info().rss
        answers = burst(dev.port, paths, count=10_000, concurrency=16)
        assert sum(a.status == 0 for a in answers) == 0
        gc.collect()
        grown = psutil.Process().memory_info().rss - before
        assert grown < 8 * 2**20, f"RSS grew by {grown / 2**20:.1f} MB over 10,000 requests"
        _threads_settle(baseline_threads)
        assert get(dev.port, paths[0]).status == 200
