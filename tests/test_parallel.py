"""--jobs N gives byte-identical output to --jobs 1 (parse and render both run in worker processes)."""
import sys

from conftest import REPO, SiteDir

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402


def test_parallel_build_equals_serial(tmp_path):
    generate(tmp_path / "d", 250, seed=3)  # 555 documents: above both parallel thresholds
    site = SiteDir(tmp_path / "d")
    serial = site.run("build", "--source", str(site.root), "--output", str(tmp_path / "serial"), "--jobs", "1", "--no-cache")
    parallel = site.run("build", "--source", str(site.root), "--output", str(tmp_path / "parallel"), "--jobs", "2", "--no-cache")
    assert serial.code == 0 and parallel.code == 0, serial.err + parallel.err
    a, b = site.snapshot(tmp_path / "serial"), site.snapshot(tmp_path / "parallel")
    assert len(a) > 500
    assert a == b


def _sigterm_handler(_):
    import signal

    return signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)


def test_forked_workers_do_not_inherit_serves_sigterm_handler():
    """serve turns SIGTERM into KeyboardInterrupt; a render worker that inherited it survived Pool.terminate
    while waiting on the task queue's lock, and the rebuild waited for it for ever. Workers get the defaults."""
    import signal

    from dossier.build import worker_pool
    from dossier.serve import _raise_interrupt

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with worker_pool(2) as pool:
            got = pool.map(_sigterm_handler, range(4))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert set(got) == {(signal.SIG_DFL, signal.SIG_IGN)}


def test_a_parallel_full_build_has_its_workers_write_the_pages(tmp_path, monkeypatch):
    """The parent's writes were a serial tail of every parallel build: the workers write their pages."""
    import os

    from dossier import write

    generate(tmp_path / "d", 200, seed=4)
    parent, by_parent = os.getpid(), []
    real = write._store

    def counted(target, data, mode="xb"):
        if os.getpid() == parent:
            by_parent.append(str(target))
        return real(target, data, mode)

    monkeypatch.setattr(write, "_store", counted)
    site = SiteDir(tmp_path / "d")
    run = site.run("build", "--source", str(site.root), "--jobs", "2", "--no-cache")
    assert run.code == 0, run.err
    pages = [p for p in site.snapshot() if p.endswith(".html")]
    assert len(pages) > 400
    assert sum(p.endswith("index.html") for p in by_parent) < len(pages) // 10, len(by_parent)


def test_a_sigterm_sent_before_the_worker_initializer_ran_still_ends_the_worker():
    """Workers are forked with SIGTERM held (workers.held_signals): one sent before the initializer reset the
    inherited handler waits, then ends the worker. Not held, serve's handler would get it (here: exit 3),
    or, between its two halves, the reset would drop it and the worker would live on (a hung Pool.terminate)."""
    import os
    import signal
    import time

    from dossier.serve import _raise_interrupt
    from dossier.workers import forked_worker, held_signals

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with held_signals():
            pid = os.fork()
            if pid == 0:  # the worker
                try:
                    time.sleep(1)  # the SIGTERM comes now, before the initializer
                    forked_worker()
                    time.sleep(10)
                finally:
                    os._exit(3)
        assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # the parent's mask is back
        os.kill(pid, signal.SIGTERM)
        _, status = os.waitpid(pid, 0)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM, status
