"""Worker processes forked by parse and render: they must not inherit the command's signal handlers.

``serve`` turns SIGTERM into KeyboardInterrupt in its process; a forked pool worker inherits that
handler, so when the pool is torn down (``Pool.terminate`` sends SIGTERM) the worker raised at a random
point (even between taking and releasing the task queue's lock) and could survive waiting on that lock:
the rebuild thread then waited for it for ever (a template edit at 4,000 articles hung ``serve``).
"""
from __future__ import annotations

import signal


def forked_worker() -> None:
    """Pool initializer: SIGTERM ends the worker at once (the default) and Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
