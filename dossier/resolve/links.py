"""Link -> target document; backlinks; diagnostics with file:line:col and suggestions."""
from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote
from typing import Mapping

from markdown.extensions.toc import slugify_unicode

from .. import diagnostics as dg
from ..model import Backlink, Document, DocId
from ..names import match_key
from ..parse.conventions import read_name
from .index import NameIndex


@dataclass(frozen=True)
class LinkUnit:
    """One document's links, resolved: what it adds to the site's tables, and what that depended on.

    The site's ``resolved``, ``anchors``, link diagnostics and backlinks are these
    units merged in document order (``resolve.incremental``); an incremental resolve recomputes only the
    units whose dependencies changed (``resolve.incremental``).
    """

    resolved: dict  # (doc id, link index) -> target or None
    anchors: dict  # (doc id, link index) -> heading id
    diagnostics: tuple
    backlinks: tuple  # (target, Backlink): the first link per (target, origin), in link order
    names: frozenset  # match keys of its name links, resolved or not
    paths: frozenset  # targets of its path links
    unresolved: bool  # a name link named nothing: its "did you mean" reads every name


def link_units(documents: dict[DocId, Document], index: NameIndex, which) -> dict[DocId, LinkUnit]:
    """:func:`resolve_doc` for the documents ``which`` names (ids of ``documents``)."""
    memo: dict[str, DocId] = {}  # names that resolved cleanly (most names recur many times)
    return {doc_id: resolve_doc(documents[doc_id], documents, index, memo) for doc_id in which}


def merge_links(sources, links: Mapping[DocId, LinkUnit]) -> tuple[dict, dict, dict, list]:
    """(resolved, anchors, backlinks, link diagnostics): the units of ``sources`` merged in its order."""
    resolved, anchors, backlinks, diags = {}, {}, {}, []
    for doc_id in sources:
        unit = links[doc_id]
        resolved.update(unit.resolved)
        if unit.anchors:
            anchors.update(unit.anchors)
        if unit.diagnostics:
            diags.extend(unit.diagnostics)
        for target, backlink in unit.backlinks:
            if target in backlinks:
                backlinks[target].append(backlink)
            else:
                backlinks[target] = [backlink]
    return resolved, anchors, backlinks, diags


def resolve_doc(doc: Document, documents: dict[DocId, Document], index: NameIndex, memo: dict) -> LinkUnit:
    """Resolve one document's links against the name index (``memo``: name -> id, shared between calls)."""
    resolved, anchors, diags, backlinks = {}, {}, [], []
    seen: set[tuple[DocId, str]] = set()
    names, paths, unresolved = set(), set(), False
    for i, link in enumerate(doc.links):
        if link.form == "path":
            paths.add(link.target)
        elif link.target:
            names.add(_key(link.target))
        if link.form == "name" and link.target in memo:
            target = memo[link.target]
        else:
            target = _resolve_one(doc, link, index, diags)
            if target is not None and link.form == "name" and link.target:
                memo[link.target] = target
            unresolved = unresolved or (target is None and link.form != "path")
        resolved[(doc.id, i)] = target
        if target is None:
            continue
        if link.anchor:
            anchor = _check_anchor(doc, link, documents[target], diags)
            if anchor:
                anchors[(doc.id, i)] = anchor
        if target != doc.id and (target, link.origin) not in seen:
            seen.add((target, link.origin))
            backlinks.append((target, Backlink(doc.id, link.origin, link.context)))
    return LinkUnit(resolved, anchors, tuple(diags), tuple(backlinks), frozenset(names), frozenset(paths), unresolved)


_key = lru_cache(maxsize=1 << 17)(match_key)  # every name link is keyed on every resolve


def _resolve_one(doc: Document, link, index: NameIndex, diags) -> DocId | None:
    where = dict(path=doc.path, line=link.line, col=link.col)
    if link.form == "path":
        target = index.by_path.get(link.target)
        if target is None:
            diags.append(dg.warning("D201", f'link: no page at "{link.target}"', **where,
                                    hint="relative links are resolved from the linking file's folder"))
        return target
    if not link.target:  # [[#heading]] on the same page
        return doc.id
    ids, tier = index.lookup(link.target)
    if len(ids) == 1:
        return ids[0]
    what = "link" if link.origin == "body" else link.origin
    if len(ids) > 1:
        cands = ", ".join(f'"{index.documents[i].title}" ({index.documents[i].path})' for i in ids)
        diags.append(dg.warning("D202", f'{what}: "{link.target}" is ambiguous: it names {cands}', **where,
                                hint="link by the full title or the slug"))
        return None
    close = index.suggest(link.target)
    hint = ("did you mean " + " or ".join(f'"{s}"' for s in close) + "?") if close else None
    diags.append(dg.warning("D201", f'{what}: no page named "{link.target}"', **where, hint=hint))
    return None


def _check_anchor(doc: Document, link, target: Document, diags) -> str | None:
    ids = {h.anchor for h in target.headings}
    for candidate in (link.anchor, slugify_unicode(link.anchor, "-")):
        if candidate in ids:
            return candidate
    names = ", ".join(f'"{h.text}"' for h in target.headings[:6]) or "none"
    diags.append(dg.warning("D204", f'link: "{target.title}" has no heading "#{link.anchor}"', doc.path, link.line, link.col,
                            hint=f"its headings: {names}"))
    return None


# ------------------------------------------------------------ files and site-absolute URLs

def asset_urls(documents: dict[DocId, Document], urls: dict[DocId, str], assets) -> dict[str, str]:
    """Published URL (below the site root) of every non-Markdown file under content/.

    A file in a page bundle (a folder with an ``index.md``) is published beside
    that page, wherever the page's URL is; any other file at its path below content/.
    """
    bundles: dict[str, str] = {}  # bundle folder ("content/articles/x") -> page URL
    for doc in documents.values():
        if doc.id in urls and read_name(doc.path).bundle:
            bundles.setdefault(posixpath.dirname(doc.path), urls[doc.id])
    out: dict[str, str] = {}
    for path in assets:
        folder = posixpath.dirname(path)
        while folder not in bundles and folder not in ("content", ""):
            folder = posixpath.dirname(folder)
        if folder in bundles:
            out[path] = bundles[folder] + path[len(folder) + 1:]
        else:
            out[path] = path[len("content/"):]
    return out


def check_refs(documents: dict[DocId, Document], routes, urls: dict, assets: dict[str, str], prefix: str, index: NameIndex):
    """Warnings for body URLs that lead nowhere: a missing file, a site-absolute path with no page."""
    context = ref_context(routes, urls, assets, prefix, index)
    return [d for doc in documents.values() for d in check_doc_refs(doc, context)]


def ref_context(routes, urls: dict, assets: dict[str, str], prefix: str, index: NameIndex) -> tuple:
    """What :func:`check_doc_refs` looks addresses up in: the whole site's URLs, files and folders."""
    published = set(assets.values())
    by_slug: dict[str, list[str]] = defaultdict(list)  # last path segment -> pages' URLs (for "moved to")
    for url in sorted(urls.values()):
        seg = url.rstrip("/").rsplit("/", 1)[-1]
        if seg:
            by_slug[seg.casefold()].append(url)
    folders = {posixpath.dirname(p) for p in index.by_path}
    return routes, published, prefix, by_slug, folders, index.by_path, assets


def check_doc_refs(doc: Document, context: tuple) -> list[dg.Diagnostic]:
    routes, published, prefix, by_slug, folders, by_path, assets = context
    diags: list[dg.Diagnostic] = []
    seen = set()
    for ref in doc.refs:
        if ref in seen:
            continue
        seen.add(ref)
        where = dict(path=doc.path, line=ref.line, col=ref.col)
        if ref.kind == "asset":
            if ref.target not in assets and ref.target not in folders and ref.target not in by_path:
                diags.append(dg.warning("D207", f'no file "{ref.written or ref.target}" (looked for {ref.target})',
                                        **where, hint="a relative address is a file beside the page; "
                                        "a web address starts with https://"))
            continue
        problem = _absolute_problem(ref.target, routes, published, prefix, by_slug)
        if problem:
            diags.append(dg.warning("D201", problem[0], **where, hint=problem[1]))
    return diags


def _absolute_problem(target: str, routes, published: set, prefix: str, by_slug) -> tuple[str, str | None] | None:
    path = unquote(target.split("#")[0].split("?")[0])
    if prefix != "/" and not path.startswith(prefix):
        inner = path.lstrip("/")
        if _exists(inner, routes, published):
            return f'link: "{target}" leaves out the site prefix {prefix}', f"write {prefix}{inner}"
    inner = path[len(prefix):] if path.startswith(prefix) else path.lstrip("/")
    if _exists(inner, routes, published):
        return None
    seg = inner.rstrip("/").rsplit("/", 1)[-1].casefold()
    seg = posixpath.splitext(seg)[0] if seg.endswith((".html", ".htm")) else seg
    moved = by_slug.get(seg) or by_slug.get(_undated(seg), [])
    hint = ("moved to " + " or ".join(f"{prefix}{u}" for u in moved[:2]) + "?") if moved else None
    return f'link: no page at "{target}"', hint


def _undated(seg: str) -> str:
    return re.sub(r"^\d{4}-\d{2}-\d{2}-", "", seg)


# Files every build writes besides the routes (render.render_outputs, the search index, theme files)
OUTPUT_FILES = ("feed.xml", "feed.json", "sitemap.xml", "robots.txt", "timeline.json", "events.json", "events.csv",
                "places.geojson")
OUTPUT_FOLDERS = ("pagefind/", "static/")


def _exists(inner: str, routes, published: set) -> bool:
    if inner in routes or inner in published or inner in OUTPUT_FILES or inner.startswith(OUTPUT_FOLDERS):
        return True
    if inner.startswith("tags/") and inner.endswith("/feed.xml") and inner[: -len("feed.xml")] in routes:
        return True
    stripped = inner.rstrip("/")
    return (stripped + "/") in routes or stripped in published or inner.endswith("index.html") and inner[:-10] in routes
