"""One writer per output folder.

``dossier build`` and ``dossier serve`` hold an exclusive lock on ``.<output>.lock`` beside the
output folder (``flock``: the kernel releases it when its process ends, however it ends), removed
when they finish. The file names the holder (pid, command, start time) so a second writer can say
who it waits for; a file left naming a process that no longer runs is the lock of a killed build,
taken over with a note.

Policy (:data:`WAITS`): a second writer waits for a ``build`` (it ends by itself), up to a bound,
and refuses at once when a ``serve`` holds the output (it runs until stopped).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; builds are not serialised there
    fcntl = None

WAITS = {"build": True, "serve": False}  # holder's command -> may a second writer wait for it?
POLL = 0.1


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str
    since: float

    def describe(self) -> str:
        return f"`dossier {self.command}` (process {self.pid}, since {time.strftime('%H:%M:%S', time.localtime(self.since))})"


class OutputBusy(Exception):
    """Another build or server holds the output; the message says who and what to do."""


def lock_path(output: Path) -> Path:
    output = Path(output).resolve()
    return output.parent / f".{output.name}.lock"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OutputLock:
    """``with OutputLock(output, "build", wait=300, say=print) as lock:`` ... ``lock.took_over`` names a dead holder."""

    def __init__(self, output: Path, command: str, wait: float = 300.0, say=lambda text: None):
        self.output = Path(output).resolve()
        self.path = lock_path(self.output)
        self.command = command
        self.wait = wait
        self.say = say
        self.took_over: Holder | None = None
        self._fd: int | None = None

    def _holder(self) -> Holder | None:
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
            return Holder(int(data["pid"]), str(data["command"]), float(data["since"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _open_and_try(self) -> bool:
        """Lock the file now at ``self.path``; False (file closed) when someone else holds it."""
        self._close()
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:  # the holder we waited for may have removed the file meanwhile: lock the current one
            same = os.stat(self.path).st_ino == os.fstat(self._fd).st_ino
        except FileNotFoundError:
            same = False
        return same or self._open_and_try()

    def acquire(self) -> "OutputLock":
        if fcntl is None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline, told = time.monotonic() + self.wait, False
        while not self._open_and_try():
            holder = self._holder()
            if holder is not None and not WAITS.get(holder.command, True):
                self._close()
                raise OutputBusy(f"{self.output} is in use by {holder.describe()}; stop it, or write to another "
                                 "folder with --output")
            if time.monotonic() >= deadline:
                self._close()
                raise OutputBusy(f"{self.output} is still in use by {holder.describe() if holder else 'another process'} "
                                 f"after {self.wait:.0f} s; try again when it has finished")
            if not told:
                self.say(f"waiting for {holder.describe() if holder else 'another process'} to finish writing {self.output}...")
                told = True
            self._close()
            time.sleep(POLL)
        previous = self._holder()
        if previous is not None and previous.pid != os.getpid() and not process_alive(previous.pid):
            self.took_over = previous  # its process died holding it (the kernel released the flock)
        record = json.dumps({"pid": os.getpid(), "command": self.command, "since": time.time()})
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, record.encode(), 0)
        return self

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.unlink(self.path)  # while still locked; waiters then lock the next file (see _open_and_try)
            except FileNotFoundError:
                pass
            self._close()

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor releases the flock
            self._fd = None

    def __enter__(self) -> "OutputLock":
        return self.acquire()

    def __exit__(self, *exc) -> bool:
        self.release()
        return False
