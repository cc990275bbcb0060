"""The output folder belongs to the user too: a build's own record of the files it wrote.

The marker file ``.dossier-build`` in the output lists, one per line, every file the last build
wrote there (pages, exports, static files, the search index). A build replaces or deletes only
those; anything else found in the folder (``.git``, ``CNAME``, a host's verification file) is the
user's and is carried over into every new tree. A file of the user's at a path a page now wants is
an error naming both; ``keep:`` names files that win even over a page.

A marker without a list (dossier before this record) cannot say which files were its own: then a
file is taken as the user's unless the new build writes it too, so nothing is lost on the upgrade.
"""
from __future__ import annotations

import os
from pathlib import Path

MARKER = ".dossier-build"
HEADER = "made by dossier; it replaces only the files listed below (anything else here is kept)\n"


def record_text(paths) -> bytes:
    return (HEADER + "".join(f"{p}\n" for p in sorted(paths))).encode("utf-8")


def read_record(output: Path) -> frozenset[str] | None:
    """The files the last build wrote in ``output``; None when it has no list (or no marker)."""
    try:
        text = (Path(output) / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith(HEADER):
        return None
    return frozenset(line for line in text[len(HEADER):].splitlines() if line)


def entries(folder: Path) -> tuple[set[str], set[str]]:
    """(files, empty folders) below ``folder`` as POSIX paths; symlinks count as files, never followed."""
    files: set[str] = set()
    empty: set[str] = set()
    folder = Path(folder)
    if not folder.is_dir():
        return files, empty
    for dirpath, dirs, names in os.walk(folder):
        rel = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        links = [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]
        dirs[:] = [d for d in dirs if d not in links]
        files.update(prefix + n for n in [*names, *links])
        if not names and not dirs and not links and prefix:
            empty.add(rel)
    return files, empty


def under(path: str, names) -> bool:
    """``path`` is one of ``names`` or inside one of them (``keep:`` entries may be folders)."""
    return any(path == k.strip("/") or path.startswith(k.strip("/") + "/") for k in names)


def theirs(present: set[str], record: frozenset[str] | None, ours_now: set[str]) -> set[str]:
    """Files in the output that are the user's, not a build's."""
    present = present - {MARKER}
    return present - (record if record is not None else ours_now)


def clash_error(output: Path, rel: str, origin: str | None):
    """The error for a page that would overwrite a file the user put in the output."""
    from . import diagnostics as dg

    page = f"its page {rel}" if origin is None else f"the page {rel}"
    return dg.error("D505", f"{page} would overwrite {Path(output) / rel}, a file dossier did not write",
                    path=origin, hint="move that file away, or list it under keep: in dossier.yaml to keep it instead")
