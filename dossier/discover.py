"""Stage 1: find the content files.

Walks ``content/`` without following symlinked folders (no loops), skips
editor debris (swap, backup, autosave files) and hidden files, refuses files
whose real path lies outside the source tree, and reads each file as UTF-8
(a BOM is accepted). Kind comes from the first folder under ``content/``.
"""
from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import diagnostics as dg
from .model import KINDS, SourceFile

CONTENT_DIR = "content"


def is_ignored(name: str) -> bool:
    """Editor swap/backup/autosave files and hidden files (shared with the watcher)."""
    return (
        name.startswith(".")
        or name.startswith("#")
        or name.endswith("~")
        or name.endswith((".swp", ".swx", ".swo", ".bak", ".tmp", ".orig"))
        or name == "4913"  # vim's write test file
    )


@dataclass
class Found:
    files: list[SourceFile] = field(default_factory=list)  # read (new or changed) files
    unchanged: list[str] = field(default_factory=list)  # paths skipped because their stat matched `known`
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (mtime_ns, size)
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)  # other files under content/ (published beside the pages)


def _asset(root: Path, full: Path, out: Found) -> None:
    """A file under content/ that is not Markdown: published, stat recorded so a change is noticed."""
    if full.is_symlink() and not full.resolve().is_relative_to(root):
        out.diagnostics.append(dg.warning("D100", "symlink points outside the source folder; not published",
                                          full.relative_to(root).as_posix()))
        return
    rel = unicodedata.normalize("NFC", full.relative_to(root).as_posix())
    try:
        st = full.stat()
    except OSError:
        return
    out.assets.append(rel)
    out.stats[rel] = (st.st_mtime_ns, st.st_size)


def discover(root: Path) -> tuple[list[SourceFile], list[dg.Diagnostic]]:
    """Every content file, read and hashed."""
    found = scan(root)
    return found.files, found.diagnostics


def scan(root: Path, known: dict[str, tuple[int, int]] | None = None, settled_before: float = 0.0) -> Found:
    """Walk content/; files whose (mtime, size) equal ``known`` are not read again.

    Like git's racy-clean rule, a file modified less than two seconds before
    ``settled_before`` (when ``known`` was recorded) is always re-read, since
    coarse file-system clocks can give an edited file its old mtime.
    """
    root = Path(root).resolve()
    content = root / CONTENT_DIR
    out = Found()
    files, diags = out.files, out.diagnostics
    known = known or {}
    seen: dict[str, str] = {}
    if not content.is_dir():
        return out
    base = len(str(root)) + 1
    for dirpath, dirnames, filenames in os.walk(content, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not is_ignored(d))
        rel_dir = dirpath[base:].replace(os.sep, "/") + "/"  # (strings, not Paths: 9,000 files at 4,000 articles)
        for name in sorted(filenames):
            if is_ignored(name):
                continue
            if not name.endswith((".md", ".markdown")):
                _asset(root, Path(dirpath) / name, out)
                continue
            raw = rel_dir + name
            rel = unicodedata.normalize("NFC", raw)
            if rel in seen:  # macOS-style NFD name beside its NFC twin: same path once normalised
                a, b = seen[rel], raw
                form = lambda n: "NFC" if unicodedata.is_normalized("NFC", n) else "NFD"  # noqa: E731
                diags.append(dg.error("D501", f"{a} ({form(a)}) and {b} ({form(b)}) are the same name in different "
                                      "Unicode normalisation forms; rename one", rel))
                continue
            seen[rel] = raw
            full = os.path.join(dirpath, name)
            st = _stat(root, full, rel, diags)
            if st is None:
                continue
            stamp = (st.st_mtime_ns, st.st_size)
            out.stats[rel] = stamp
            if known.get(rel) == stamp and st.st_mtime_ns < (settled_before - 2) * 1e9:
                out.unchanged.append(rel)
                continue
            source = _read(Path(full), rel, Path(raw), diags)
            if source is not None:
                files.append(source)
    return out


def _stat(root: Path, full: str, rel: str, diags: list) -> os.stat_result | None:
    """The stat of a content file (one ``lstat`` unless it is a symlink); None, with a diagnostic, when it
    cannot be read or is a symlink that points outside the source folder."""
    try:
        st = os.lstat(full)
        if not stat.S_ISLNK(st.st_mode):
            return st
        if not Path(full).resolve().is_relative_to(root):
            diags.append(dg.warning("D100", "symlink points outside the source folder; not published", rel))
            return None
        return os.stat(full)
    except OSError as exc:
        diags.append(dg.error("D100", f"could not read file: {exc.strerror or exc}", rel))
        return None


def scan_changed(root: Path, known: dict[str, tuple[int, int]], changed) -> Found | None:
    """Like :func:`scan` when only the files in ``changed`` (project-relative paths, from a file watcher)
    can differ from ``known``: only they are looked at. None when a whole walk must decide (a folder,
    a symlink, a name not in NFC)."""
    out = Found(stats=dict(known))
    failed = set()
    for rel in sorted(changed):
        parts = rel.split("/")
        if parts[0] != CONTENT_DIR or any(is_ignored(p) for p in parts) or not rel.endswith((".md", ".markdown")):
            continue  # not content (templates, config), or a file the walk skips too
        full = root / rel
        if not os.path.lexists(full):
            out.stats.pop(rel, None)
            continue
        if full.is_symlink() or not full.is_file() or not unicodedata.is_normalized("NFC", rel):
            return None
        if rel not in known and _has_twin(full):
            return None  # the walk reports the two spellings of one name
        st = full.stat()
        out.stats[rel] = (st.st_mtime_ns, st.st_size)
        source = _read(full, rel, Path(rel), out.diagnostics)
        if source is None:
            failed.add(rel)
        else:
            out.files.append(source)
    fresh = {f.path for f in out.files} | failed
    out.unchanged.extend(p for p in sorted(out.stats) if p not in fresh)
    return out


def _has_twin(full: Path) -> bool:
    """Another file in the same folder whose name is the same once NFC-normalised."""
    name = unicodedata.normalize("NFC", full.name)
    return sum(unicodedata.normalize("NFC", n) == name for n in os.listdir(full.parent)) > 1


def _read(full: Path, rel: str, rel_path: Path, diags: list) -> SourceFile | None:
    """The file as text with its kind and digest; None (and a diagnostic) when it cannot be read as UTF-8 text."""
    try:
        raw = full.read_bytes()
    except OSError as exc:
        diags.append(dg.error("D100", f"could not read file: {exc.strerror or exc}", rel))
        return None
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        diags.append(dg.error("D100", f"not UTF-8 text (invalid byte at offset {exc.start}); save the file as UTF-8", rel))
        return None
    if "\x00" in text:
        diags.append(dg.error("D100", "contains NUL bytes: binary file named .md?", rel))
        return None
    parts = rel_path.relative_to(CONTENT_DIR).parts
    kind = KINDS.get(parts[0], "page") if len(parts) > 1 else "page"
    return SourceFile(rel, kind, text, digest)
