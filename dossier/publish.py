"""``dossier publish``: put the built output on a static host.

Two targets:

- a **git branch** (GitHub Pages style): the output becomes one new commit on top of
  the branch (``gh-pages`` by default) of ``--remote``, with ``.nojekyll`` (so Pages
  serves ``_``-prefixed files as they are) and an optional ``CNAME``; the push is an
  ordinary fast-forward, never a force push, and nothing is pushed when nothing changed;
- a **folder** (a mounted web root, a synced share, an rsync source): files are copied
  when their bytes changed, and files that an earlier ``dossier publish`` put there and
  that are gone from the build are removed. A manifest (``.dossier-published``) records
  what was written, so files that ``dossier`` did not put there are never deleted.

Before anything is sent, the build must be current: a dossier with errors (as
``dossier check`` finds them) or a build older than its sources (content, config,
templates, static files, themes) is refused unless ``force``. What changed is
returned so the CLI can print it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .write import MARKER

MANIFEST = ".dossier-published"
SOURCE_PARTS = ("dossier.yaml", "content", "templates", "static", "themes")
NOT_PUBLISHED = {MARKER, MANIFEST}


class PublishError(Exception):
    """A refusal or failure; the message says what to do."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.usage = usage


@dataclass
class Changes:
    target: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    commit: str | None = None
    pushed: bool = False

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self, limit: int = 40) -> list[str]:
        rows = [f"A {p}" for p in self.added] + [f"M {p}" for p in self.changed] + [f"D {p}" for p in self.removed]
        out = rows[:limit]
        if len(rows) > limit:
            out.append(f"... and {len(rows) - limit} more")
        return out

    def summary(self) -> str:
        if not self.any:
            return f"nothing to publish: {self.target} is up to date ({self.unchanged} files)"
        s = (f"published to {self.target}: {len(self.added)} added, {len(self.changed)} changed, "
             f"{len(self.removed)} removed, {self.unchanged} unchanged")
        if self.commit:
            s += f" (commit {self.commit[:12]})"
        return s


# ----------------------------------------------------------------- readiness

def _newest(paths) -> tuple[float, Path | None]:
    from .discover import is_ignored

    best, where = 0.0, None
    for base in paths:
        if base.is_file():
            candidates = [base]
        elif base.is_dir():
            candidates = (p for p in base.rglob("*") if p.is_file() and not any(is_ignored(part) for part in p.parts))
        else:
            continue
        for p in candidates:
            try:
                m = p.stat().st_mtime
            except OSError:
                continue
            if m > best:
                best, where = m, p
    return best, where


def check_ready(source: Path, output: Path, force: bool = False) -> list[str]:
    """Problems that stop a publish (empty: ready). ``force`` skips the errors and staleness checks."""
    source, output = Path(source).resolve(), Path(output).resolve()
    marker = output / MARKER
    if not marker.is_file() or not (output / "index.html").is_file():
        return [f"no build in {output}: run dossier build first"]
    if force:
        return []
    problems = []
    built = marker.stat().st_mtime
    # An incremental build that changed no output file leaves the marker alone but records its state.
    state = source / ".dossier-cache" / "state.pickle"
    if state.is_file():
        built = max(built, state.stat().st_mtime)
    newest, where = _newest([source / part for part in SOURCE_PARTS])
    if where is not None and newest > built:
        rel = where.relative_to(source) if where.is_relative_to(source) else where
        problems.append(f"the build is stale: {rel} changed after the last build; run dossier build "
                        "(or publish anyway with --force)")
    from . import diagnostics as dg
    from .build import BuildOptions, build

    result = build(BuildOptions(source=source, output=None, jobs=1))
    errors = [d for d in result.diagnostics if d.is_error]
    if errors:
        first = dg.format_diagnostic(errors[0]).splitlines()[0]
        problems.append(f"the dossier has {len(errors)} error{'s' * (len(errors) != 1)} (first: {first}); "
                        "fix them and build again (or publish anyway with --force)")
    return problems


def output_files(output: Path) -> dict[str, Path]:
    """Files to publish, by POSIX path below the output (no build marker, no VCS folders)."""
    output = Path(output)
    files = {}
    for p in sorted(output.rglob("*")):
        rel = p.relative_to(output).as_posix()
        if p.is_file() and rel not in NOT_PUBLISHED and ".git" not in p.relative_to(output).parts:
            files[rel] = p
    return files


# ----------------------------------------------------------------- git target

def _git(args, cwd=None, env=None, input: bytes | None = None, check=True) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        raise PublishError("git is not installed; install it or publish to a --folder")
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, input=input, capture_output=True)
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip() or proc.stdout.decode("utf-8", "replace").strip()
        raise PublishError(f"git {args[0]} failed: {msg}")
    return proc


def default_remote(source: Path) -> str | None:
    """The ``origin`` remote of the git repository holding the dossier, if any."""
    if shutil.which("git") is None:
        return None
    proc = subprocess.run(["git", "-C", str(source), "remote", "get-url", "origin"], capture_output=True, text=True)
    return (proc.stdout.strip() or None) if proc.returncode == 0 else None


def publish_git(output: Path, remote: str, branch: str = "gh-pages", cname: str | None = None,
                message: str | None = None) -> Changes:
    output = Path(output).resolve()
    changes = Changes(target=f"{remote} (branch {branch})")
    ref = f"refs/heads/{branch}"
    _git(["check-ref-format", ref])
    with tempfile.TemporaryDirectory(prefix="dossier-publish-") as tmp:
        repo = Path(tmp) / "repo"
        _git(["init", "-q", str(repo)])
        gitdir = str(repo / ".git")
        env = {**os.environ, "GIT_DIR": gitdir, "GIT_WORK_TREE": str(output), "GIT_INDEX_FILE": str(Path(tmp) / "index"),
               "GIT_TERMINAL_PROMPT": "0"}
        if not _git(["config", "user.email"], env=env, check=False).stdout.strip():
            env.update(GIT_AUTHOR_NAME="dossier publish", GIT_AUTHOR_EMAIL="dossier@localhost",
                       GIT_COMMITTER_NAME="dossier publish", GIT_COMMITTER_EMAIL="dossier@localhost")
        listed = _git(["ls-remote", "--heads", remote, ref], env=env, check=False)
        if listed.returncode != 0:
            why = listed.stderr.decode("utf-8", "replace").strip().splitlines()
            raise PublishError(f"cannot reach the remote {remote}" + (f": {why[-1]}" if why else ""))
        parent = None
        if listed.stdout.strip():
            _git(["fetch", "-q", "--depth=1", remote, f"{ref}:refs/remotes/target/{branch}"], env=env)
            parent = _git(["rev-parse", f"refs/remotes/target/{branch}"], env=env).stdout.decode().strip()
        # stage the output as it is: -f ignores any global excludes file
        _git(["add", "-A", "-f", "--", "."], env=env)
        for name in NOT_PUBLISHED:
            _git(["rm", "-q", "--cached", "--ignore-unmatch", "--", name], env=env)
        extra = {".nojekyll": b""}
        if cname:
            extra["CNAME"] = cname.strip().encode("utf-8") + b"\n"
        elif parent and not (output / "CNAME").is_file():  # a custom domain set once stays set
            kept = _git(["cat-file", "blob", f"{parent}:CNAME"], env=env, check=False)
            if kept.returncode == 0:
                extra["CNAME"] = kept.stdout
        for name, data in extra.items():
            blob = _git(["hash-object", "-w", "--stdin"], env=env, input=data).stdout.decode().strip()
            _git(["update-index", "--add", "--cacheinfo", f"100644,{blob},{name}"], env=env)
        tree = _git(["write-tree"], env=env).stdout.decode().strip()
        if parent:
            diff = _git(["diff-tree", "-r", "--no-renames", "--name-status", parent, tree], env=env).stdout.decode()
            total = len(_git(["ls-tree", "-r", "--name-only", tree], env=env).stdout.decode().splitlines())
        else:
            diff = "".join(f"A\t{p}\n" for p in _git(["ls-tree", "-r", "--name-only", tree], env=env).stdout.decode().splitlines())
            total = len(diff.splitlines())
        for line in diff.splitlines():
            status, _, path = line.partition("\t")
            {"A": changes.added, "M": changes.changed, "D": changes.removed}.get(status[:1], changes.changed).append(path)
        changes.unchanged = total - len(changes.added) - len(changes.changed)
        if not changes.any:
            return changes
        msg = message or f"Publish the dossier: {len(changes.added)} added, {len(changes.changed)} changed, {len(changes.removed)} removed"
        commit = _git(["commit-tree", tree, *(["-p", parent] if parent else []), "-m", msg], env=env).stdout.decode().strip()
        _git(["push", "-q", remote, f"{commit}:{ref}"], env=env)
        changes.commit, changes.pushed = commit, True
    return changes


# -------------------------------------------------------------- folder target

def _refuse_folder(source: Path, output: Path, target: Path) -> str | None:
    home = Path.home().resolve()
    if target == Path(target.anchor) or target == home:
        return f"refusing to publish into {target} (the filesystem root or your home)"
    if target == output or target.is_relative_to(output) or output.is_relative_to(target):
        return "the publish folder cannot be the output folder, inside it, or around it"
    if target == source or source.is_relative_to(target) or target.is_relative_to(source / "content"):
        return "the publish folder cannot be the dossier's folder, a folder holding it, or inside content/"
    if target.exists() and not target.is_dir():
        return f"{target} exists and is not a folder"
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        return (f"{target} is not empty and was not published to by dossier; refusing to mix files into it "
                "(choose an empty or new folder)")
    return None


def publish_folder(source: Path, output: Path, target: Path, cname: str | None = None) -> Changes:
    source, output, target = Path(source).resolve(), Path(output).resolve(), Path(target).resolve()
    problem = _refuse_folder(source, output, target)
    if problem:
        raise PublishError(problem)
    changes = Changes(target=str(target))
    files = {rel: p.read_bytes() for rel, p in output_files(output).items()}
    if cname:
        files["CNAME"] = cname.strip().encode("utf-8") + b"\n"
    manifest = target / MANIFEST
    before = set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()
    target.mkdir(parents=True, exist_ok=True)
    for rel, data in sorted(files.items()):
        dest = target.joinpath(*rel.split("/"))
        if dest.is_file():
            if dest.read_bytes() == data:
                changes.unchanged += 1
                continue
            changes.changed.append(rel)
        else:
            changes.added.append(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.dossier-tmp")
        tmp.write_bytes(data)
        os.replace(tmp, dest)
    for rel in sorted(before - set(files)):
        dest = target.joinpath(*rel.split("/"))
        if rel and ".." not in rel.split("/") and dest.is_file() and dest.resolve().is_relative_to(target):
            dest.unlink()
            changes.removed.append(rel)
            parent = dest.parent
            while parent != target and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    manifest.write_text("".join(f"{rel}\n" for rel in sorted(files)), encoding="utf-8")
    return changes


__all__ = ["PublishError", "Changes", "check_ready", "publish_git", "publish_folder", "output_files", "default_remote"]
