"""Link -> target document; backlinks; diagnostics with file:line:col and suggestions."""
from __future__ import annotations

from collections import defaultdict

from markdown.extensions.toc import slugify_unicode

from .. import diagnostics as dg
from ..model import Backlink, Document, DocId
from .index import NameIndex


def resolve_links(documents: dict[DocId, Document], index: NameIndex):
    resolved: dict[tuple[DocId, int], DocId | None] = {}
    anchors: dict[tuple[DocId, int], str] = {}
    backlinks: dict[DocId, list[Backlink]] = defaultdict(list)
    diags: list[dg.Diagnostic] = []
    seen_backlinks: set[tuple[DocId, DocId, str]] = set()
    memo: dict[str, DocId] = {}  # names that resolved cleanly (most names recur many times)
    for doc in documents.values():
        for i, link in enumerate(doc.links):
            if link.form == "name" and link.target in memo:
                target = memo[link.target]
            else:
                target = _resolve_one(doc, link, index, diags)
                if target is not None and link.form == "name" and link.target:
                    memo[link.target] = target
            resolved[(doc.id, i)] = target
            if target is None:
                continue
            if link.anchor:
                anchor = _check_anchor(doc, link, documents[target], diags)
                if anchor:
                    anchors[(doc.id, i)] = anchor
            if target != doc.id:
                key = (target, doc.id, link.origin)
                if key not in seen_backlinks:
                    seen_backlinks.add(key)
                    backlinks[target].append(Backlink(doc.id, link.origin, link.context))
    return resolved, anchors, dict(backlinks), diags


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
