"""Watching the source tree for ``dossier serve``.

* Folders are watched, never single files, so editors that save by writing a
  temporary file and renaming it over the original (vim, JetBrains, gedit) keep
  being seen: a ``moved`` event counts for both its source and its destination.
* Editor debris (swap, backup and autosave files, ``4913``, ``.DS_Store``) is
  dropped with :func:`dossier.discover.is_ignored`, the same rule content
  discovery uses, for every path component below the watched folder.
* The output folder, its temporary siblings and any cache folder are excluded,
  so a build never triggers the next build.
* :class:`Batcher` turns a burst of events into one batch: a batch is handed
  out once no event arrived for ``quiet`` seconds (0.1 s; 0.5 s once the batch
  holds 20 paths or more, since a checkout or a busy machine pauses between
  files), or ``max_wait`` after the first one, so an endless stream still builds. Events that arrive while a
  batch is being built collect in the next batch ("dirty while building"):
  exactly one more rebuild, never a lost change.
* A save's batch goes sooner, after ``settled_quiet`` (0.03 s), when each of its
  files is settled: its last event says its bytes are final (closed after
  writing, or renamed within the project: a temporary file renamed over the
  original) and none of them was created in the batch (a new file may be the
  first of a checkout or an import; vim and Emacs first rename the original
  away, then write it anew). A file being written, truncated, deleted or
  renamed out of the project is not settled: ``quiet`` applies, so
  truncate-then-write, write-temp-then-rename and several files saved at once
  still give one batch with the final content.
* When inotify runs out of watches (``ENOSPC``) or instances (``EMFILE``), the
  watcher falls back to the polling observer and says so once.
"""
from __future__ import annotations

import errno
import os
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from ..config import CONFIG_FILE
from ..discover import CONTENT_DIR, is_ignored

# Names directly under the source root that matter (the root itself is watched non-recursively).
ROOT_NAMES = {CONFIG_FILE, CONTENT_DIR, "templates", "static", "themes"}
# Event kinds that mean "bytes changed"; opened / closed-without-write (the build reading files) are not.
CHANGE_EVENTS = {"created", "deleted", "moved", "modified", "closed"}
EVENT_FILTER = [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent,
                DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
POLL_INTERVAL = 0.5

INOTIFY_HINT = ("to watch without polling, raise the limit: "
                "sudo sysctl fs.inotify.max_user_watches=524288 "
                "(add it to /etc/sysctl.conf to keep it)")

FULL = None  # a batch of None means "rebuild everything"
# How a path changed (Batcher.add): only WRITTEN and RENAMED say its bytes are final.
CHANGED, CREATED, WRITTEN, RENAMED = "changed", "created", "written", "renamed"


class Closed(Exception):
    """The batcher was closed: the rebuild loop should end."""


class Batcher:
    """Collects changed paths and hands them out as debounced batches."""

    def __init__(self, quiet: float = 0.1, max_wait: float = 3.0, storm: int = 20, storm_quiet: float = 0.5,
                 clock: Callable[[], float] = time.monotonic, settled_quiet: float = 0.03):
        self.quiet = quiet  # a save: wait this long after its last event
        self.settled_quiet = min(settled_quiet, quiet)  # ...or this long when every file of the batch is settled
        self.storm = storm  # this many paths in one batch is a storm (git checkout, a theme's build tool)...
        self.storm_quiet = storm_quiet  # ...which may pause between files: wait longer before building
        self.max_wait = max_wait
        self._clock = clock
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._unsettled: set[str] = set()  # paths whose last event does not say their bytes are final
        self._created: set[str] = set()  # paths created in this batch
        self._full = False
        self._dirty = False
        self._first = 0.0
        self._last = 0.0
        self._closed = False
        self.first_event_at: float | None = None  # time.perf_counter() of the first event of the batch being built

    def add(self, paths: Iterable[str] | None, how: str = CHANGED) -> None:
        """Record changed project paths (``None``: something changed that needs a full rebuild). ``how``:
        ``CHANGED`` (written to, truncated, deleted: maybe not final), ``CREATED``, ``WRITTEN`` (closed after
        writing: final) or ``RENAMED`` (either end of a rename within the project: final, no longer new)."""
        with self._cond:
            now = self._clock()
            if not self._dirty:
                self._dirty = True
                self._first = now
                self._first_perf = time.perf_counter()
            self._last = now
            if paths is None:
                self._full = True
            else:
                self._note(set(paths), how)
            self._cond.notify_all()

    def _note(self, paths: set[str], how: str) -> None:
        self._pending |= paths
        if how in (WRITTEN, RENAMED):
            self._unsettled -= paths
        else:
            self._unsettled |= paths
        if how == CREATED:
            self._created |= paths
        elif how == RENAMED:
            self._created -= paths

    def _quiet(self) -> float:
        if len(self._pending) >= self.storm:
            return self.storm_quiet
        if self._full or self._unsettled or self._created:
            return self.quiet
        return self.settled_quiet

    def next_batch(self) -> set[str] | None:
        """Block until a batch is ready; return its paths (``None``: rebuild everything). Raises Closed."""
        with self._cond:
            while True:
                if self._closed:
                    raise Closed
                if not self._dirty:
                    self._cond.wait()
                    continue
                now = self._clock()
                wait = min(self._last + self._quiet(), self._first + self.max_wait) - now
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                batch = None if self._full else set(self._pending)
                self.first_event_at = self._first_perf
                self._pending.clear()
                self._unsettled.clear()
                self._created.clear()
                self._full = False
                self._dirty = False
                return batch

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


@dataclass
class WatchPlan:
    """What to watch: folders watched recursively, the root (non-recursively) and what to leave out."""

    root: Path
    folders: list[Path] = field(default_factory=list)
    exclude: list[Path] = field(default_factory=list)

    def key(self) -> tuple:
        return tuple(str(p) for p in self.folders)


def plan_watch(root: Path, theme_dirs: Iterable[Path], exclude: Iterable[Path]) -> WatchPlan:
    """Folders to watch: content/, the site's templates/ and static/, the theme folders, minus nesting."""
    root = Path(os.path.abspath(root))
    candidates = [root / CONTENT_DIR, root / "templates", root / "static"]
    candidates += [Path(os.path.abspath(d)) for d in theme_dirs]
    excluded = [Path(os.path.abspath(p)) for p in exclude]
    folders: list[Path] = []
    for folder in candidates:
        if not folder.is_dir() or folder == root:
            continue
        if any(_within(folder, e) for e in excluded):
            continue
        if any(_within(folder, f) for f in folders):
            continue
        folders = [f for f in folders if not _within(f, folder)] + [folder]
    return WatchPlan(root, sorted(folders), excluded)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: "Watcher", base: Path, recursive: bool):
        self.watcher = watcher
        self.base = base
        self.recursive = recursive

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return
        paths = [event.src_path]
        if event.event_type == "moved" and getattr(event, "dest_path", None):
            paths.append(event.dest_path)
        self.watcher._paths_changed(self.base, self.recursive, event, [os.fsdecode(p) for p in paths])


def _how(event: FileSystemEvent, relevant: list) -> str:
    """What an event says of its paths (see :meth:`Batcher.add`); ``relevant``: the project path of each of
    its paths, False (ignored) or None (outside the project). A rename onto a project file is final for both
    ends (a temporary file, ignored or not, renamed over the original); a rename to an ignored name is not:
    vim and Emacs rename the original to a backup before writing it anew."""
    kind = event.event_type
    if kind == "closed":
        return WRITTEN
    if kind == "created":
        return CREATED
    if kind == "moved" and len(relevant) == 2 and relevant[1]:
        return RENAMED
    return CHANGED


class Watcher:
    """A watchdog observer over a :class:`WatchPlan`, feeding a :class:`Batcher`."""

    def __init__(self, plan: WatchPlan, batcher: Batcher, report: Callable[[str, str], None] | None = None,
                 on_root_change: Callable[[], None] | None = None):
        self.plan = plan
        self.batcher = batcher
        self.report = report if report is not None else (lambda level, text: None)
        self.on_root_change = on_root_change
        self.polling = False
        self._lock = threading.RLock()
        self._observer = None
        self._watches: dict[str, object] = {}
        self.events_seen = 0  # relevant events (for tests and the bench)

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        with self._lock:
            try:
                self._start(Observer)
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EMFILE):
                    raise
                self._stop_observer()
                self._fallback(exc)

    def _start(self, observer_class) -> None:
        observer = observer_class(timeout=POLL_INTERVAL) if observer_class is PollingObserver else observer_class()
        self._observer = observer
        self._watches = {}
        self._schedule(self.plan.root, recursive=False)
        for folder in self.plan.folders:
            self._schedule(folder, recursive=True)
        observer.start()

    def _fallback(self, exc: OSError) -> None:
        self.polling = True
        what = "watches" if exc.errno == errno.ENOSPC else "instances"
        self.report("warning", f"the inotify limit of {what} is reached ({exc.strerror or exc}); "
                               f"watching by polling every {POLL_INTERVAL} s instead, which is slower. {INOTIFY_HINT}")
        self._start(PollingObserver)

    def _schedule(self, folder: Path, recursive: bool) -> None:
        handler = _Handler(self, folder, recursive)
        watch = self._observer.schedule(handler, str(folder), recursive=recursive, event_filter=EVENT_FILTER)
        self._watches[str(folder)] = watch

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        if observer is None:
            return
        try:
            observer.stop()
            if observer.is_alive():
                observer.join(timeout=5)
        except Exception:  # a half-started observer: nothing more to release
            pass

    def stop(self) -> None:
        with self._lock:
            self._stop_observer()

    def update(self, plan: WatchPlan) -> None:
        """Watch a new set of folders (the theme changed, templates/ appeared, ...)."""
        with self._lock:
            old = set(self.plan.folders)
            self.plan = plan
            if self._observer is None:
                return
            new = set(plan.folders)
            for folder in old - new:
                watch = self._watches.pop(str(folder), None)
                if watch is not None:
                    try:
                        self._observer.unschedule(watch)
                    except (KeyError, OSError):
                        pass
            for folder in sorted(new - old):
                try:
                    self._schedule(folder, recursive=True)
                except OSError as exc:
                    if exc.errno not in (errno.ENOSPC, errno.EMFILE) or self.polling:
                        self.report("warning", f"cannot watch {folder}: {exc.strerror or exc}")
                        continue
                    self._stop_observer()
                    self._fallback(exc)
                    return

    # ------------------------------------------------------------ events
    def relevant(self, base: Path, recursive: bool, path: str) -> str | None | bool:
        """The project path a filesystem path stands for, ``None`` for "outside the project"
        (needs a full rebuild) or ``False`` when the event is to be ignored."""
        full = Path(os.path.abspath(path))
        if any(_within(full, e) for e in self.plan.exclude):
            return False
        try:
            below = full.relative_to(base)
        except ValueError:
            return False
        parts = below.parts
        if not parts or any(is_ignored(p) for p in parts):
            return False
        if not recursive and (len(parts) != 1 or parts[0] not in ROOT_NAMES):
            return False
        try:
            rel = full.relative_to(self.plan.root)
        except ValueError:
            return None
        return unicodedata.normalize("NFC", rel.as_posix())

    def _paths_changed(self, base: Path, recursive: bool, event: FileSystemEvent, paths: list[str]) -> None:
        changed: list[str] = []
        full = False
        relevant = [self.relevant(base, recursive, path) for path in paths]
        for rel in relevant:
            if rel is False:
                continue
            if rel is None or event.is_directory:
                full = True  # a folder appeared, vanished or moved, or a file outside the project (a theme)
            if rel:
                changed.append(rel)
        if not changed and not full:
            return
        self.events_seen += 1
        if not recursive and event.is_directory and self.on_root_change is not None:
            # content/, templates/, static/ or themes/ appeared or went: the folders to watch change.
            # (Only flagged here: rescheduling from the observer's own dispatch thread could deadlock.)
            self.on_root_change()
        self.batcher.add(None if full else changed, _how(event, relevant))
