"""Worker processes forked by parse and render: they must not inherit the command's signal handlers.

``serve`` turns SIGTERM into KeyboardInterrupt in its process; a forked pool worker inherits that
handler, so when the pool is torn down (``Pool.terminate`` sends SIGTERM) the worker raised at a random
point (even between taking and releasing the task queue's lock) and could survive waiting on that lock:
the rebuild thread then waited for it for ever (a template edit at 4,000 articles hung ``serve``).

The initializer resets them; workers are forked inside :func:`held_signals`, so a SIGTERM sent before the
initializer ran (a pool torn down at once, one worker slow to start) waits, blocked, and then ends the
worker: without that it reached the inherited handler's C half, the reset dropped it, and the worker
lived on, waiting on the queue's lock (seen: tests/test_parallel.py hung under load).
"""
from __future__ import annotations

import signal
from contextlib import contextmanager

_HELD = {signal.SIGTERM, signal.SIGINT}


@contextmanager
def held_signals():
    """SIGTERM and SIGINT blocked in this thread while workers are forked (they inherit the mask)."""
    if not hasattr(signal, "pthread_sigmask"):  # (Windows has no fork either)
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def forked_worker() -> None:
    """Pool initializer: SIGTERM ends the worker at once (the default) and Ctrl-C is the parent's to handle;
    then the signals held while it was forked are let through (a pending SIGTERM ends it here)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
