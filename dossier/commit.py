"""The commit step: the one place that makes a build's output visible, and runs the post-write steps.

While pages render, :class:`Changes` collects the files whose bytes changed
(a full build to a new tree streams them straight into it). :func:`commit`
then writes them with one of three strategies and runs the post-write steps
(``render.registry.POST_WRITE``, the search index) once, over the complete
new output, before it becomes visible:

=============  ==============================================================
stream         full build: every file went into a new tree beside the output
               as it was rendered; the tree is swapped in (``AtomicTree``)
in place       a few changed files (or ``serve``): replaced one by one under a
               journal that is rolled back after a crash (``commit_in_place``)
relink         a new tree of hard links to the unchanged files plus the
               changed ones, swapped in (many changes, or a failed step to retry)
=============  ==============================================================
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import diagnostics as dg
from . import progress
from .record import clash_error, read_record, under
from .write import (MARKER, AtomicTree, WriteError, commit_in_place, in_place_clashes, remove_files, safe_join,
                    update_record)


@dataclass(frozen=True)
class Target:
    output: Path
    keep: tuple[str, ...] = ()
    in_place: bool = False  # serve: replace changed files in place (a full build still streams into a new tree)
    post_write: tuple = ()  # steps (folder, site) -> [Diagnostic]; empty: none run
    later: Callable | None = None  # serve: runs the end of an in-place commit (old files deleted) after the build


@dataclass(frozen=True)
class Committed:
    """What the post-write steps left: their files (kept out of the build's own list) and whether they worked."""

    diagnostics: tuple = ()
    hook_outputs: frozenset = frozenset()
    hooks_ok: bool = True
    known: frozenset = frozenset()  # the output files of the last build (in the output's record)


class Changes:
    """Output files whose bytes changed in this build (bytes, or a Path for a static file)."""

    def __init__(self, tree: AtomicTree | None = None):
        self.tree = tree  # a full build's new tree: files go into it at once
        self.files: dict[str, bytes | Path | bool] = {}

    def put(self, path: str, data: bytes | Path) -> None:
        if self.tree is None:
            self.files[path] = data
            return
        self.tree.copy(path, data) if isinstance(data, Path) else self.tree.put(path, data)
        self.files[path] = True

    def put_written(self, path: str) -> None:
        """A file a render worker already wrote into the new tree."""
        self.tree.written += 1
        self.files[path] = True

    def abort(self) -> None:
        """Rendering failed: the previous output stays as it was."""
        if self.tree is not None:
            self.tree.abort()
            self.tree = None


def open_changes(target: Target, full: bool, site=None) -> Changes:
    """A full build (in serve too: a config edit) streams every file into a new tree as it is rendered
    (memory stays flat); the tree is swapped in at the end."""
    if full:
        return Changes(AtomicTree(target.output, keep=target.keep, origin=origin(site)).__enter__())
    return Changes()


def origin(site):
    """output path -> the source file of the page written there (None for indexes, exports, static files)."""
    if site is None:
        return None
    from .resolve.routes import output_path

    sources = {output_path(url): site.documents[r.doc_id].path for url, r in site.routes.items()
               if r.doc_id in site.documents}
    return sources.get


def commit(changes: Changes, removed: list[str], digests: dict, site, target: Target, full: bool,
           previous: Committed) -> Committed:
    """Write ``changes`` and delete ``removed`` with the strategy that fits; ``previous``: the last build's steps."""
    strategy = choose(changes, removed, digests, target, full, previous.hooks_ok)
    if strategy is None:
        return previous
    return strategy(changes, removed, digests, site, target, previous)


def choose(changes: Changes, removed: list[str], digests: dict, target: Target, full: bool, hooks_ok: bool) -> Callable | None:
    if changes.tree is not None:
        return _stream
    changed = bool(changes.files or removed)
    small = len(changes.files) + len(removed) <= max(200, len(digests) // 10)
    if not full and (target.in_place or small) and (changed or target.in_place):
        return _in_place
    if full or changed or not hooks_ok:  # (a step that failed last time, e.g. a missing search binary, is retried)
        return _relink
    return None


def _stream(changes, removed, digests, site, target, previous) -> Committed:
    tree = changes.tree
    done = _post_write(tree.tmp, digests, site, target)
    tree.commit()
    tree.__exit__(None, None, None)
    changes.tree = None
    return done


def _in_place(changes, removed, digests, site, target, previous) -> Committed:
    recorded = read_record(target.output)
    known = set(previous.known or recorded or ()) | set(previous.hook_outputs)
    refuse_clashes(target, changes.files, known, site)
    if not known.issuperset(changes.files):
        update_record(target.output, known | set(changes.files))  # a superset until the commit is done
    commit_in_place(target.output, changes.files, removed, target.later)
    done = previous
    if target.post_write and _steps_read(target.post_write, [*changes.files, *removed], previous.hooks_ok):
        remove_files(target.output, sorted(previous.hook_outputs))  # the steps make their files afresh
        others = set(_step_files(target.output, target.post_write))  # (the user's files are not the steps')
        done = _post_write(target.output, digests, site, target, others)
    if set(digests) | done.hook_outputs != known:
        update_record(target.output, set(digests) | done.hook_outputs)
    return done


def refuse_clashes(target: Target, changed: dict, known: set, site) -> None:
    """No in-place write over a file the user put in the output; ``keep:`` files win over pages."""
    output = target.output
    for rel in [r for r in changed if under(r, target.keep) and (output / r).exists() and r not in known]:
        del changed[rel]
    clashes = in_place_clashes(output, changed, known, target.keep)
    if clashes:
        source_of = origin(site)
        raise WriteError(clash_error(output, clashes[0], source_of(clashes[0]) if source_of else None))


def _relink(changes, removed, digests, site, target, previous) -> Committed:
    """A new tree beside the output (unchanged files hard-linked), steps run over it, then swapped in."""
    with AtomicTree(target.output, keep=target.keep, origin=origin(site)) as tree:
        for path in sorted(digests):
            data = changes.files.get(path)
            if data is None:
                tree.link(path, safe_join(target.output, path))  # unchanged: same inode, same mtime
            elif isinstance(data, Path):
                tree.copy(path, data)
            else:
                tree.put(path, data)
        done = _post_write(tree.tmp, digests, site, target)
        tree.commit()
    return done


def _post_write(folder: Path, digests: dict, site, target: Target, others=frozenset()) -> Committed:
    """Run every post-write step over ``folder`` (the complete new output); note the files they made."""
    if not target.post_write:
        return Committed()
    diags: list[dg.Diagnostic] = []
    progress.stage("search index")
    for step in target.post_write:
        diags.extend(step(folder, site) or ())
    made = frozenset(_step_files(folder, target.post_write)) - set(digests) - {MARKER} - set(others)
    return Committed(tuple(diags), made, not diags)


def _steps_read(steps: tuple, paths: list[str], hooks_ok: bool) -> bool:
    """Run the steps again after an in-place commit of ``paths``: one of them reads one of those files (a step's
    ``reads`` attribute: the endings of the files it reads, e.g. ``.html`` for the search index; every file when
    it declares none), or a step failed last time. (An edit that changed only images, feeds or exports does
    not index the site again: the index is a function of the pages.)"""
    if not paths:
        return False
    if not hooks_ok:
        return True
    for step in steps:
        reads = getattr(step, "reads", None)
        if reads is None or any(p.endswith(tuple(reads)) for p in paths):
            return True
    return False


def _step_files(folder: Path, steps: tuple):
    """The files below ``folder`` where the steps may write: the folders they declare (a step's ``writes``
    attribute, e.g. ``pagefind`` for the search index), else the whole output."""
    declared = [getattr(step, "writes", None) for step in steps]
    if not all(declared):
        yield from walk(folder)
        return
    for under in sorted({f for folders in declared for f in folders}):
        yield from walk(folder, under)


def walk(folder: Path, under: str = ""):
    """Every file below ``folder`` (or below its subfolder ``under``), as POSIX paths relative to ``folder``.

    (``os.scandir`` with the relative prefix carried along: ``os.walk`` plus ``relpath`` per folder costs
    three times as much over the 9,000 folders of a 4,000-article site.)
    """
    stack = [(os.path.join(folder, under) if under else os.fspath(folder), f"{under.strip('/')}/" if under else "")]
    while stack:
        path, prefix = stack.pop()
        try:
            entries = os.scandir(path)
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    yield prefix + entry.name
                elif not entry.is_symlink():  # (as os.walk: a symlink to a folder is neither a file nor walked)
                    stack.append((entry.path, f"{prefix}{entry.name}/"))


__all__ = ["Changes", "Committed", "Target", "choose", "commit", "open_changes", "walk"]
