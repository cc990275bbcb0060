"""Site search with Pagefind, built into ``/pagefind/`` at the end of every build.

Pagefind (the ``pagefind`` package from PyPI, with its binary in ``pagefind_bin``)
indexes the finished HTML and writes a static, chunked index that the reader's
browser queries with no server; ``/search/`` is a small script of ours over its
JavaScript API (``static/search.js``). Only the main ``<article>`` of document
pages is indexed (``data-pagefind-body`` in the templates), with the
"Also spelled" aliases weighted up, so "Masood" finds Ahmad Massoud; pages marked
``sensitive`` are left out.

It runs as a ``POST_WRITE`` step (``render/registry.py``) over the temporary output, before the output is
swapped in. If the index cannot be built (no binary, a crash, a timeout), the build
still succeeds with a warning, and the search page says search is unavailable.
``PAGEFIND_BINARY_PATH`` points at another binary (the ``pagefind`` package reads it too).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from .. import diagnostics as dg
from ..model import Route
from .views import View, Views

BUNDLE = "pagefind"
TIMEOUT = 300  # seconds
UNAVAILABLE_CODE = "D504"


def pagefind_binary() -> Path | None:
    """The Pagefind executable: $PAGEFIND_BINARY_PATH, else the one from the pagefind_bin wheel, else on PATH."""
    env = os.environ.get("PAGEFIND_BINARY_PATH")
    if env:
        return Path(env)
    try:
        from pagefind.service import get_executable  # the pagefind package's own lookup

        found = get_executable()
        return Path(found) if found else None
    except Exception:  # package missing or broken: fall back to PATH
        which = shutil.which("pagefind_extended") or shutil.which("pagefind")
        return Path(which) if which else None


def search_view(views: Views, route: Route) -> View:
    binary = pagefind_binary()
    enabled = views.config.search
    return View("search.html", views.base(route, title="Search", search_enabled=enabled,
                                          search_available=bool(enabled and binary and binary.exists())), set())


def build_index(tmp: Path, site) -> list[dg.Diagnostic]:
    """POST_WRITE hook: index ``tmp`` into ``tmp/pagefind/``; a warning (never an error) when it cannot."""
    tmp = Path(tmp)
    if not site.config.search:  # `search: false` in dossier.yaml: no index, and /search/ says so
        shutil.rmtree(tmp / BUNDLE, ignore_errors=True)
        return []
    binary = pagefind_binary()
    problem = None
    if binary is None or not binary.exists():
        problem = "the Pagefind binary was not found (pip install 'pagefind[bin]')"
    else:
        args = [str(binary), "--site", str(tmp), "--output-subdir", BUNDLE, "--quiet"]
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT,
                                  stdin=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
            if proc.returncode != 0:
                tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
                problem = f"Pagefind exited with status {proc.returncode}" + (": " + " / ".join(tail) if tail else "")
            elif not (tmp / BUNDLE / "pagefind.js").is_file():
                problem = "Pagefind ran but wrote no pagefind.js"
        except subprocess.TimeoutExpired:
            problem = f"Pagefind did not finish within {TIMEOUT} s"
        except OSError as exc:
            problem = f"Pagefind could not be started: {exc}"
    if problem is None:
        _stable_entry(tmp / BUNDLE / "pagefind-entry.json")
        return []
    shutil.rmtree(tmp / BUNDLE, ignore_errors=True)
    _mark_unavailable(tmp / "search" / "index.html")
    return [dg.warning(UNAVAILABLE_CODE, f"search index not built: {problem}; /search/ says search is unavailable",
                       hint="the rest of the site was built; install pagefind[bin] and build again")]


build_index.writes = (BUNDLE,)  # the only folder it writes: commit walks only this one to see what it made
build_index.reads = (".html",)  # Pagefind indexes the pages only: no page changed, no new index (commit._steps_read)


def _stable_entry(entry: Path) -> None:
    """Pagefind lists a multilingual site's languages in a varying order: sort them, so equal sites give equal bytes."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    languages = data.get("languages") if isinstance(data, dict) else None
    if isinstance(languages, dict) and len(languages) > 1:
        data["languages"] = dict(sorted(languages.items()))
        entry.unlink()  # never write through a hard link to the previous build's copy
        entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _mark_unavailable(page: Path) -> None:
    """Switch the rendered search page to its "search is unavailable" state."""
    if not page.is_file():
        return
    html = page.read_text(encoding="utf-8")
    html = html.replace('id="search-unavailable" hidden', 'id="search-unavailable"', 1)
    if " data-search-form hidden" not in html:
        html = html.replace(" data-search-form", " data-search-form hidden", 1)
    page.unlink()  # the file may be a hard link to the previous build's copy: never write through it
    page.write_text(html, encoding="utf-8")


__all__ = ["build_index", "pagefind_binary", "search_view"]
