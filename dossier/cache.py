"""What one build remembers for the next: parsed documents, the link graph,
what each page showed, and the digest of every output file.

In memory for ``serve``; on disk in ``.dossier-cache/state.pickle`` for
``build`` (git-ignored, safe to delete at any time: a missing or unreadable
cache only means a cold build). Keyed by everything a result is a pure
function of: engine and library versions, and the parse settings.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .model import Document, DocId, Failed
from .plan import DocGraph

CACHE_DIR = ".dossier-cache"
STATE_FILE = "state.pickle"


_ENGINE: str | None = None


def engine_version() -> str:
    """Library versions plus a digest of the engine's own code: any change to the code
    that produces cached values invalidates the cache (no version number to forget)."""
    global _ENGINE
    if _ENGINE is None:
        import jinja2
        import markdown
        import nh3
        import yaml

        from .parse import PARSER_VERSION

        h = hashlib.blake2b(digest_size=8)
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            h.update(path.read_bytes())
        _ENGINE = "/".join([__version__, PARSER_VERSION, markdown.__version__, getattr(nh3, "__version__", "?"),
                            jinja2.__version__, yaml.__version__, h.hexdigest()])
    return _ENGINE


@dataclass(frozen=True)
class State:
    """The record of one complete build, made once at its end (``build.record``)."""

    version: str
    parse_key: str
    parsed: dict[str, Document | Failed] = field(default_factory=dict)  # by source path
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (mtime_ns, size)
    graph: dict[DocId, DocGraph] = field(default_factory=dict)
    globals_digest: str = ""
    # route url -> ids the page showed; -> ids whose linkers it listed. Tuples, not sets (only ever scanned for a
    # changed id): a quarter of the memory of frozensets (46 MB -> 8 MB at 4,000 articles), faster to load and save
    shows: dict[str, tuple] = field(default_factory=dict)
    lists: dict[str, tuple] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)  # output path -> content digest
    output_dir: str = ""
    ok: bool = False  # the state describes a complete, successful build
    recorded_at: float = 0.0  # when (time.time()) the file stats were recorded
    hook_outputs: frozenset = frozenset()  # files the POST_WRITE steps made (the search index)
    hooks_ok: bool = True  # the hooks succeeded (else the next build runs them again)
    config_digest: str = ""
    theme_digest: str = ""
    templates: dict = field(default_factory=dict)  # route url -> digest of its template closure
    derived: dict = field(default_factory=dict)  # extra output (registry.OUTPUTS) name -> the files it made
    parts: dict = field(default_factory=dict)  # output of registry.PARTS -> part name -> (key, reads, its files)
    diagnostics: tuple = ()  # every warning the build reported: an unchanged rebuild reports them again
    closures_key: str = ""  # Theme.closures_key() when the closure digests below were computed
    closures: dict = field(default_factory=dict)  # template name -> Theme.closure_digest (a new process parses no template for it)


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def state_path(root: Path) -> Path:
    return Path(root) / CACHE_DIR / STATE_FILE


def load_state(root: Path) -> State | None:
    path = state_path(root)
    try:
        with open(path, "rb") as fh, paused_gc():
            state = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(state, State) or state.version != engine_version():
        return None
    return state


@contextmanager
def paused_gc(freeze: bool = True):
    """No cyclic garbage collection while many long-lived objects are made (the documents unpickled from the
    store, the resolve): CPython's collector would traverse the growing heap again and again, half the time of
    both at 4,000 articles. ``freeze``: the objects alive at the end are moved out of the collector's sight
    (``gc.freeze``), so later collections skip them too; they hold no reference cycles (a ``gc.collect()``
    after a store load and a whole resolve frees nothing), and reference counting still frees them."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        gc.enable()


DOCS_FILE = "docs.sqlite"


class DocStore:
    """Parsed documents on disk, one row per source file (``.dossier-cache/docs.sqlite``).

    A row holds the document without its HTML body (small, loaded for every
    build) and the body separately, read only when a page that shows it is
    rendered. Rows are written only for files parsed in this build, so a
    one-file edit writes one row. Safe to use after ``fork`` (a connection per
    process) and safe to delete.
    """

    def __init__(self, root: Path):
        self.path = Path(root) / CACHE_DIR / DOCS_FILE
        self._conn = None
        self._pid = None

    def _db(self):
        import sqlite3

        if self._conn is None or self._pid != os.getpid():
            self.path.parent.mkdir(exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS docs (path TEXT PRIMARY KEY, key TEXT, digest TEXT, meta BLOB, body TEXT)")
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def load(self, key: str) -> dict:
        """{path: Document | Failed} for rows made with this engine and parse settings (bodies left out)."""
        import sqlite3

        out = {}
        try:
            with paused_gc():
                for path, meta in self._db().execute("SELECT path, meta FROM docs WHERE key = ?", (key,)):
                    out[path] = pickle.loads(meta)
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return {}
        return out

    def body(self, path: str) -> str:
        import sqlite3

        try:
            row = self._db().execute("SELECT body FROM docs WHERE path = ?", (path,)).fetchone()
        except sqlite3.Error:
            row = None
        return row[0] if row and row[0] is not None else ""

    def save(self, key: str, fresh: dict, present: set[str]) -> None:
        """Store the documents parsed in this build; forget files that are gone."""
        import dataclasses
        import sqlite3

        try:
            db = self._db()
            db.execute("BEGIN")

            def rows():  # one at a time: a cold build's 9,000 pickled rows are never all in memory at once
                for path, item in fresh.items():
                    body = getattr(item, "body_html", None)
                    meta = dataclasses.replace(item, body_html=None) if isinstance(item, Document) else item
                    yield path, key, item.digest, pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL), body

            db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?)", rows())
            known = {r[0] for r in db.execute("SELECT path FROM docs")}
            gone = [(p,) for p in known - present]
            if gone:
                db.executemany("DELETE FROM docs WHERE path = ?", gone)
            db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self._db().execute("ROLLBACK")
            except sqlite3.Error:
                pass


JINJA_DIR = "jinja"


def bytecode_cache(root: Path):
    """Jinja's compiled templates in ``.dossier-cache/jinja/`` (keyed by Jinja on each template's source;
    emptied when the engine changes, since the environment's options are not in Jinja's key)."""
    import shutil

    import jinja2

    folder = Path(root) / CACHE_DIR / JINJA_DIR
    stamp = folder / "engine"
    try:
        if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == engine_version()):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            _ignore(folder.parent)
            stamp.write_text(engine_version(), encoding="utf-8")
    except OSError:
        return None  # no cache: templates are compiled in memory
    return jinja2.FileSystemBytecodeCache(str(folder))


def _ignore(folder: Path) -> None:
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")


def save_state(root: Path, state: State) -> None:
    """Atomically: a killed build never leaves a half-written cache. (Documents live in DocStore.)"""
    import dataclasses

    state = dataclasses.replace(state, parsed={})
    folder = Path(root) / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        _ignore(folder)
        tmp = folder / f"{STATE_FILE}.tmp-{os.getpid()}"
        with open(tmp, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / STATE_FILE)
    except OSError:
        pass  # a cache that cannot be written only costs speed next time
