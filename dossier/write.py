"""Stage 5: all writes go through here, atomically, and never outside the output folder.

A full build renders into ``.<name>.tmp-<pid>`` beside the output and swaps it
in only on success; a failed or killed build leaves the previous output
whole. The output carries a marker file, so ``dossier`` only ever replaces a
folder it created itself.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from . import diagnostics as dg
from .lock import process_alive
from .record import MARKER, clash_error, entries, read_record, record_text, theirs, under


class WriteError(Exception):
    def __init__(self, diagnostic: dg.Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _store(target: Path, data: "bytes | Path", mode: str = "xb") -> None:
    """The one place output bytes reach the disk (tests inject disk-full and permission faults here)."""
    if isinstance(data, Path):
        shutil.copyfile(data, target)
        return
    with open(target, mode) as fh:
        fh.write(data)


def write_failed(path: Path, exc: OSError) -> WriteError:
    """One line naming the path the user knows (not a temporary name) and the system's reason."""
    reason = exc.strerror or str(exc)
    return WriteError(dg.error("D504", f"could not write {path}: {reason}"))


def safe_join(root: Path, rel: str) -> Path:
    """``root/rel``, refusing anything that would land outside ``root``."""
    p = PurePosixPath(rel)
    if p.is_absolute() or any(part in ("..", "") for part in p.parts) or "\\" in rel or "\x00" in rel:
        raise WriteError(dg.error("D503", f'refused to write "{rel}": outside the output folder'))
    full = root.joinpath(*p.parts)
    return full


def check_output_dir(source: Path, output: Path) -> dg.Diagnostic | None:
    """Refuse output folders whose replacement could destroy user data."""
    source, output = source.resolve(), output.resolve()
    home = Path.home().resolve()
    if output == Path(output.anchor) or output == home:
        return dg.error("D502", f"refusing to use {output} as the output folder (it is the filesystem root or your home)")
    if output == source:
        return dg.error("D502", "the output folder cannot be the source folder")
    if source.is_relative_to(output):
        return dg.error("D502", f"the output folder {output} contains the source folder; choose a folder inside it, such as build/")
    for protected in ("content", "themes", "templates", "static"):
        if output == source / protected or output.is_relative_to(source / protected):
            return dg.error("D502", f"the output folder cannot be inside {protected}/")
    if output.exists():
        if not output.is_dir():
            return dg.error("D502", f"{output} exists and is not a folder")
        if any(output.iterdir()) and not (output / MARKER).exists():
            return dg.error("D502", f"{output} is not empty and was not made by dossier; refusing to replace it",
                            hint="choose an empty or new folder, or delete it yourself")
    return None


class AtomicTree:
    """Collect a whole output tree in a temporary folder, then swap it in."""

    def __init__(self, output: Path, keep: tuple[str, ...] = (), origin=None):
        self.origin = origin or (lambda rel: None)  # output path -> the source file of its page, for messages
        self.output = Path(output).resolve()
        self.parent = self.output.parent
        self.tmp = self.parent / f".{self.output.name}.tmp-{os.getpid()}"
        self.keep = keep
        self.written = 0
        self._dirs: set[Path] = set()

    def __enter__(self) -> "AtomicTree":
        self.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(self.parent, self.output.name, self.output)
        self.tmp.mkdir()
        return self

    def _target(self, rel: str) -> Path:
        """``tmp/rel``, its folder made once (thousands of pages share few folders' parents)."""
        target = safe_join(self.tmp, rel)
        folder = target.parent
        if folder not in self._dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._dirs.add(folder)
        return target

    def put(self, rel: str, data: bytes) -> None:
        try:
            _store(self._target(rel), data)
        except OSError as exc:
            raise write_failed(self.output / rel, exc) from None
        self.written += 1

    def link(self, rel: str, existing: Path) -> None:
        """Reuse an unchanged file of the current output: a hard link keeps its bytes and mtime."""
        try:
            target = self._target(rel)
            try:
                os.link(existing, target)
            except OSError:
                shutil.copy2(existing, target)
        except OSError as exc:
            raise write_failed(self.output / rel, exc) from None

    def copy(self, rel: str, source: Path) -> None:
        self.put(rel, source)

    def commit(self) -> None:
        try:
            self._commit()
        except OSError as exc:
            raise write_failed(Path(exc.filename or self.output), exc) from None

    def _commit(self) -> None:
        mine, _ = entries(self.tmp)
        present, empty = entries(self.output)
        kept = {p for p in present if under(p, self.keep)}
        carried = theirs(present, read_record(self.output), mine) | kept
        clashes = sorted((carried & mine) - kept)
        if clashes:
            raise WriteError(clash_error(self.output, clashes[0], self.origin(clashes[0])))
        for rel in sorted(carried):  # the user's files: hard links, so a failure here loses nothing
            target = self._target(rel)
            if rel in mine:
                target.unlink()  # keep: wins over a page of the same name
            _carry(self.output / rel, target)
        for rel in sorted(empty - {p for p in mine}):
            safe_join(self.tmp, rel).mkdir(parents=True, exist_ok=True)
        _store(self.tmp / MARKER, record_text(mine - kept - {MARKER}), "wb")
        old = self.parent / f".{self.output.name}.old-{os.getpid()}"
        if self.output.exists():
            os.replace(self.output, old)
        try:
            os.replace(self.tmp, self.output)
        except OSError:
            if old.exists() and not self.output.exists():
                os.replace(old, self.output)  # put the previous output back
            raise
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.abort()
        return False


def _carry(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)


def update_record(output: Path, ours) -> None:
    """Rewrite the record after an in-place commit (atomically)."""
    output = Path(output)
    tmp = output / f".{MARKER}.new-{os.getpid()}"
    try:
        _store(tmp, record_text(set(ours) - {MARKER}), "wb")
        os.replace(tmp, output / MARKER)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_failed(output / MARKER, exc) from None


def in_place_clashes(output: Path, changed, known, keep=()) -> list[str]:
    """Paths an in-place commit would write over a file of the user's (one the last build did not write)."""
    return sorted(rel for rel in changed if rel not in known and not under(rel, keep)
                  and os.path.lexists(safe_join(Path(output), rel)))


def recover(output: Path) -> None:
    """Undo what a killed build left beside ``output`` (run before every build)."""
    output = Path(output).resolve()
    if output.parent.is_dir():
        _remove_stale(output.parent, output.name, output)
        for journal in output.parent.glob(f".{output.name}.journal-*"):
            pid = journal.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                _roll_back(output, journal)
        for finished in output.parent.glob(f".{output.name}.finished-*"):
            pid = finished.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                _finish(output, finished)  # its renames were all done: only its backups are left


def commit_in_place(output: Path, changed: dict, removed: list[str], later=None) -> None:
    """Apply a small change to an existing output, file by file, with a journal.

    Every new file is first written in full beside its target; the files it
    replaces or removes are kept as hard-linked backups, listed in a journal
    beside the output. Only then are the renames done. If the process dies in
    between, the next build rolls the output back to the previous build from
    the journal, so a build is all or nothing here too (``recover``).

    Then the journal is renamed ``finished`` and the backups are deleted: by
    ``later(finish)`` when given (serve: freeing thousands of old files after a
    template edit took seconds, and the browser need not wait for it), else
    now. A build killed meanwhile leaves a ``finished`` journal: the next one
    deletes its backups, and rolls nothing back.
    """
    import json

    output = Path(output).resolve()
    pid = os.getpid()
    journal = output.parent / f".{output.name}.journal-{pid}"
    entries = []
    targets = {rel: safe_join(output, rel) for rel in [*changed, *removed]}  # (checked once: thousands on a template edit)
    try:
        for rel, data in changed.items():
            target = targets[rel]
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.new-{pid}")
            try:
                _store(tmp, data, "wb")
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise write_failed(target, exc) from None
            entries.append([rel, tmp.name, target.exists()])
        for rel in removed:
            entries.append([rel, None, targets[rel].exists()])
        for rel, _tmp, existed in entries:
            if existed:
                target = targets[rel]
                os.link(target, target.with_name(f".{target.name}.bak-{pid}"))
        _store(journal, json.dumps(entries).encode(), "wb")
    except BaseException as exc:
        _roll_back(output, journal, entries)
        if isinstance(exc, OSError):
            raise write_failed(Path(exc.filename or output), exc) from None
        raise
    try:
        for rel, tmp, _existed in entries:  # the commit: renames and unlinks only
            target = targets[rel]
            if tmp:
                os.replace(target.with_name(tmp), target)
            else:
                target.unlink(missing_ok=True)
    except OSError as exc:
        _roll_back(output, journal, entries)
        raise write_failed(Path(exc.filename or output), exc) from None
    finished = output.parent / f".{output.name}.finished-{pid}"
    os.replace(journal, finished)
    if later is None:
        _finish(output, finished, entries)
    else:
        later(lambda: _finish(output, finished, entries))


def _finish(output: Path, finished: Path, entries=None) -> None:
    """Delete the backups of a commit whose renames are all done, then its journal."""
    pid = finished.name.rsplit("-", 1)[-1]
    entries = _journal_entries(finished) if entries is None else entries
    emptied = set()
    for rel, tmp, existed in entries:
        try:
            target = safe_join(output, rel)
        except WriteError:
            continue
        if existed:
            target.with_name(f".{target.name}.bak-{pid}").unlink(missing_ok=True)
        if not tmp:
            emptied.add(target.parent)
    for folder in sorted(emptied, key=lambda f: -len(f.parts)):  # (after the backups went: they were in them)
        _prune_empty(output, folder)
    finished.unlink(missing_ok=True)


def _journal_entries(journal: Path) -> list:
    """The [path, temporary name or None, existed] entries a journal lists (none if it cannot be read)."""
    import json

    try:
        return json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def _roll_back(output: Path, journal: Path, entries=None) -> None:
    pid = journal.name.rsplit("-", 1)[-1]
    entries = _journal_entries(journal) if entries is None else entries
    for rel, tmp, existed in entries:
        try:
            target = safe_join(output, rel)
        except WriteError:
            continue
        backup = target.with_name(f".{target.name}.bak-{pid}")
        if existed and backup.exists():
            if target.exists() and os.path.samefile(backup, target):
                backup.unlink()  # never replaced (rename between two links of one file would do nothing)
            else:
                os.replace(backup, target)
        elif not existed and tmp and not target.with_name(tmp).exists():
            target.unlink(missing_ok=True)  # it was new in the dead build
            _prune_empty(output, target.parent)
        if tmp:
            target.with_name(tmp).unlink(missing_ok=True)
            if not existed:
                _prune_empty(output, target.parent)
    journal.unlink(missing_ok=True)


def remove_files(output: Path, rels) -> None:
    """Delete generated files (no journal: used for files a hook makes afresh)."""
    emptied = set()
    for rel in rels:
        target = safe_join(output, rel)
        target.unlink(missing_ok=True)
        emptied.add(target.parent)
    for folder in sorted(emptied, key=lambda f: -len(f.parts)):
        _prune_empty(output, folder)


def _prune_empty(output: Path, folder: Path) -> None:
    while folder != output and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _remove_stale(parent: Path, name: str, output: Path) -> None:
    """Temp and old folders left by a killed build (their process is gone).

    A build killed between the two renames of the swap leaves the previous
    output as ``.<name>.old-<pid>`` and no output: put it back first.
    """
    for prefix in (f".{name}.old-", f".{name}.tmp-"):
        for entry in parent.glob(prefix + "*"):
            pid = entry.name[len(prefix):]
            if not (pid.isdigit() and not _alive(int(pid)) and entry.is_dir()):
                continue
            if prefix.endswith(".old-") and not output.exists():
                os.replace(entry, output)
            else:
                shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    """A process other than this one (leftovers of this process are its own to clean up) still runs."""
    return pid != os.getpid() and process_alive(pid)
