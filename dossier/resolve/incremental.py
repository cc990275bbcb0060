"""Resolve again after an edit, from the previous resolve: only what the changed documents reach.

:func:`resolve_full` is the whole-site resolve (``resolve.resolve`` returns its
``site``); it also returns what an incremental resolve needs, as one frozen
value, a :class:`Resolution`. :func:`resolve_incremental` takes the previous
``Resolution`` and the new documents and returns the next one, equal to
``resolve_full`` of the same documents (the site's values, their order and the
diagnostics; tests/test_resolve_incremental.py runs random edit scripts against
it). A live builder (``dossier serve``) keeps the last ``Resolution`` in memory.

What an edit re-does:

* links: the changed documents' own links; when a title, slug, alias, kind or
  path changes, or a document comes or goes, the documents whose links named
  (or failed to name) one of its old or new names or paths; when the
  document's title, kind or headings change, the documents linking to it
  (anchors, event places and people); when the set of names changes, the
  documents with an unresolved link ("did you mean" reads every name);
* events: those of the documents whose links were resolved again, and the
  events they cite (or cited); the sorted list is updated in place (bisect);
* the link tables: ``resolved`` updated in place and the backlinks of the
  targets the re-resolved documents link (or linked) to, when every document
  kept its place and its number of links and no target's first linker
  changed; else the per-document units are merged again in document order
  (dict updates, no link resolved again). Anchors and diagnostics are always
  concatenated from the units (a pass over the documents);
* cards: the changed documents' (all compared when URLs were made again);
* tags, routes, file URLs and the checks of site-absolute links: kept when
  no changed document's tags (for tags) or URL, template or old addresses
  (for the rest) changed and no document came, went or moved; else made
  again for the whole site (``tags_of``, ``build_routes``, ``asset_urls``,
  ``ref_context``: dict work, no link resolved again).

Falls back to the whole-site resolve (``resolve_full``) when: there is no
previous resolve; the dossier is multilingual (``resolve.multilingual``); the configuration differs (drafts, permalinks, prefix...); a
slug collision (D501: two documents, one id) exists before or after the edit;
an ``_index.md`` intro has the id of a document; more than a quarter of the
documents changed (the whole resolve is then cheaper). The name index is made
again whole (no link resolved again for it) when a name changed: a title, slug,
alias, kind or path, or a document came or went. Routes and file URLs are also
made again when the files of content/ changed or the last build had a URL
collision.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Mapping

from .. import diagnostics as dg
from ..model import Document, DocId, Event, Site
from ..names import slugify
from .cards import make_card
from .index import NameIndex
from .links import LinkUnit, asset_urls, check_doc_refs, link_units, merge_links, ref_context
from .multilingual import resolve_languages
from .routes import build_routes, doc_url, previous_urls
from .timeline import EventUnit, event_citers, event_key, event_units, merge_events, with_citers
from .translations import link_translations

FULL_SHARE = 4  # more than 1/FULL_SHARE of the documents changed: resolve everything


@dataclass(frozen=True)
class Resolution:
    """A resolved site and what resolving part of it again needs (per-document results, reverse maps)."""

    site: Site
    inputs: Mapping[str, Document]  # path -> every document given (drafts and intros too)
    assets: tuple  # the files of content/ given
    intros: Mapping[DocId, Document]  # _index.md intros by id (their links are resolved too)
    links: Mapping[DocId, LinkUnit]  # documents and intros
    events: Mapping[DocId, EventUnit]  # documents
    citers: Mapping[str, tuple]  # event id -> the documents citing it (document order, repeats kept)
    linkers: Mapping  # match key, or ("path", path) -> ids of the documents whose links use it
    refs: Mapping[DocId, tuple]  # the site-absolute and file link warnings of each document and intro
    parts: Mapping[str, tuple] = field(default_factory=dict)  # "slugs", "routes": those diagnostics
    full: bool = True  # made by resolve_full
    why_full: str = ""
    context: tuple = ()  # links.ref_context of the site


# ------------------------------------------------------------------ the whole site

def partition(docs, config) -> tuple[dict, dict, list]:
    """(documents by id, _index.md intros by folder, D501 diagnostics for documents sharing an id)."""
    diags: list[dg.Diagnostic] = []
    documents: dict[str, Document] = {}
    sections: dict[str, Document] = {}  # _index.md intros: folder ("" for home, "articles") -> document
    for doc in sorted(docs, key=lambda d: d.path):
        if doc.draft and not config.drafts:
            continue
        if "_section" in doc.fields:
            sections[doc.fields["_section"]] = doc
            continue
        first = documents.get(doc.id)
        if first is not None:
            diags.append(dg.error(
                "D501", f"{first.path} and {doc.path} both have the slug \"{doc.slug}\" and would write /{doc.id}/",
                doc.path, doc.line("slug", default=1),
                hint="slugs are compared in lower case; set slug: to something else in one of them"))
            continue
        documents[doc.id] = doc
    return documents, sections, diags


def tags_of(documents: dict[DocId, Document]) -> dict[str, tuple[str, list[str]]]:
    tags: dict[str, tuple[str, list[str]]] = {}
    seen: set[tuple[str, DocId]] = set()  # (a list scan per tag made this quadratic in a tag's size)
    for doc in documents.values():
        for tag in doc.fields.get("tags", ()):
            slug = slugify(tag)
            entry = tags.setdefault(slug, (tag, []))
            if (slug, doc.id) not in seen:
                seen.add((slug, doc.id))
                entry[1].append(doc.id)
    return tags


def resolve_full(docs: list[Document], config, assets=(), bodies=None, why: str = "") -> Resolution:
    """The whole graph: names, links and backlinks, events, tags, routes and cards (see ``resolve.resolve``)."""
    documents, sections, slug_diags = partition(docs, config)
    index = NameIndex(documents)
    translations = link_translations(documents, config, index)  # None for a single-language dossier
    if translations:
        site = resolve_languages(documents, sections, [*slug_diags, *index.diagnostics], config, assets, bodies, index,
                                 translations)
        return Resolution(site, {d.path: d for d in docs}, tuple(assets), {}, {}, {}, {}, {}, {}, {}, True,
                          "a multilingual dossier")
    intros = {doc.id: doc for doc in sections.values()}
    sources = {**documents, **intros}
    links = link_units(sources, index, sources)
    events = event_units(documents, _Resolved(links), documents)
    citers = event_citers(documents, events)
    tags = tags_of(documents)
    routes, urls, route_diags = build_routes(documents, tags, config.permalinks)
    published = asset_urls(documents, urls, assets)
    context = ref_context(routes, urls, published, config.prefix, index)
    refs = {doc_id: tuple(check_doc_refs(doc, context)) for doc_id, doc in sources.items()}
    cards = {doc_id: make_card(doc, urls.get(doc_id)) for doc_id, doc in documents.items()}
    ordered = sorted(merge_events(documents, events, citers).values(), key=event_key)
    site = _site(config, documents, sections, index, merge_links(sources, links), events, ordered, tags,
                 (routes, urls, published), cards, refs, {"slugs": tuple(slug_diags), "routes": tuple(route_diags)}, bodies)
    return Resolution(site, {d.path: d for d in docs}, tuple(assets), intros, links, events, citers,
                      _linkers(links), refs, {"slugs": tuple(slug_diags), "routes": tuple(route_diags)},
                      True, why or "no previous resolve", context)


def _linkers(links: Mapping[DocId, LinkUnit]) -> dict:
    linkers: dict = {}
    for doc_id, unit in links.items():
        for key in _uses(unit):
            linkers.setdefault(key, set()).add(doc_id)
    return {k: frozenset(v) for k, v in linkers.items()}


def _uses(unit: LinkUnit):
    yield from unit.names
    for path in unit.paths:
        yield ("path", path)


def _site(config, documents, sections, index, tables, events, ordered, tags, routing, cards, refs, parts, bodies) -> Site:
    """The Site of the per-document results, in document order (as ``resolve`` always made it)."""
    routes, urls, published = routing
    resolved, anchors, backlinks, link_diags = tables
    diags = [*parts["slugs"], *index.diagnostics, *link_diags]
    for doc_id in documents:
        if events[doc_id].diagnostics:
            diags.extend(events[doc_id].diagnostics)
    diags.extend(parts["routes"])
    for found in refs.values():
        if found:
            diags.extend(found)
    return Site(config=config, documents=documents, resolved=resolved, backlinks=backlinks, events=ordered,
                tags=tags, routes=routes, urls=urls, diagnostics=diags, anchors=anchors, index=index,
                bodies=bodies, cards=cards, sections=sections, assets=published)


# ------------------------------------------------------------------ after an edit

def resolve_incremental(previous: Resolution | None, docs: list[Document], config, assets=(), bodies=None) -> Resolution:
    """The next :class:`Resolution` after ``docs`` (every document again) replaced the previous ones.

    Equal to ``resolve_full(docs, config, assets, bodies)``; see the module docstring for what is
    done again and when it falls back to the whole-site resolve.
    """
    inputs = {d.path: d for d in docs}
    why = _why_full(previous, inputs, config)
    if why:
        return resolve_full(docs, config, assets, bodies, why)
    changed = {p for p, d in inputs.items() if previous.inputs.get(p) is not d} | (previous.inputs.keys() - inputs.keys())
    if len(changed) * FULL_SHARE > max(len(inputs), 8):
        return resolve_full(docs, config, assets, bodies, f"{len(changed)} of {len(inputs)} documents changed")
    old_site = previous.site
    documents, sections, slug_diags, in_place = _documents(previous, inputs, changed, config)
    intros = {doc.id: doc for doc in sections.values()}
    if slug_diags or previous.parts["slugs"] or intros.keys() & documents.keys():
        return resolve_full(docs, config, assets, bodies, "a slug collision")
    sources = {**documents, **intros}
    olds = [d for d in (previous.inputs.get(p) for p in changed) if d is not None]
    news = [d for d in (inputs.get(p) for p in changed) if d is not None]
    index, names = _index(previous, documents, olds, news)
    again = _to_resolve(previous, index, sources, olds, news, names, changed)
    links, linkers = _relink(previous, sources, index, again)
    events, citers, ordered = _reevent(previous, documents, links, again)
    tables = _link_tables(previous, sources, links, again, in_place)
    tags = _tags(previous, documents, olds, news, in_place)
    routing, route_diags = _routes(previous, documents, tags, config, (olds, news, in_place), tuple(assets))
    refs, context = _refs(previous, sources, index, routing, config, news)
    cards = _cards(old_site, documents, routing[1], news, in_place)
    parts = {"slugs": (), "routes": route_diags}
    site = _site(config, documents, sections, index, tables, events, ordered, tags, routing, cards, refs, parts, bodies)
    return Resolution(site, inputs, tuple(assets), intros, links, events, citers, linkers, refs, parts, False,
                      f"{len(changed)} changed, {len(again)} re-resolved", context)


def _why_full(previous: Resolution | None, inputs: dict, config) -> str:
    if previous is None:
        return "no previous resolve"
    if previous.site.config != config:
        return "the configuration changed"
    if previous.site.translations is not None:
        return "a multilingual dossier"
    return ""


def _documents(previous: Resolution, inputs: dict, changed: set, config) -> tuple[dict, dict, list, bool]:
    """Documents, intros, slug collisions, and whether every document kept its place: the previous ones
    with the changed documents replaced when each kept its id and its place (a plain document before
    and after), else partitioned again."""
    old_site = previous.site
    in_place = []
    for path in changed:
        old, new = previous.inputs.get(path), inputs.get(path)
        if not (_plain(old, config) and _plain(new, config) and old.id == new.id
                and old_site.documents.get(old.id) is old):
            return (*partition(inputs.values(), config), False)
        in_place.append(new)
    documents = dict(old_site.documents)
    for doc in in_place:
        documents[doc.id] = doc
    return documents, old_site.sections, [], True


def _plain(doc: Document | None, config) -> bool:
    return doc is not None and not (doc.draft and not config.drafts) and "_section" not in doc.fields


def _name_sig(doc: Document) -> tuple:
    """What the name index reads of a document."""
    return (doc.id, doc.path, doc.kind, doc.title, doc.slug, doc.aliases, doc.alias_lines, doc.lines.get("aliases"))


def _index(previous: Resolution, documents: dict, olds: list, news: list) -> tuple[NameIndex, set]:
    """The name index (the previous one when no name changed) and the match keys whose documents changed."""
    old_index = previous.site.index
    same = (len(documents) == len(previous.site.documents)
            and _sigs(olds, previous.site.documents, _name_sig) == _sigs(news, documents, _name_sig))
    if same:
        return old_index.with_documents(documents), set()
    index = NameIndex(documents)
    names: set = set()
    for doc in (*olds, *news):
        names.update(NameIndex.keys_of(doc))
        names.add(("path", doc.path))
    if list(index.display.items()) != list(old_index.display.items()):
        names.add(None)  # every unresolved link: its suggestions read every name
    return index, names


def _sigs(docs: list, documents: dict, sig) -> dict:
    """Path -> ``sig(doc)`` for those of ``docs`` that are in ``documents`` (not drafts, not intros)."""
    return {d.path: sig(d) for d in docs if documents.get(d.id) is d}


def _tag_sig(doc: Document) -> tuple:
    return doc.id, tuple(doc.fields.get("tags", ()))


def _shown(doc: Document) -> tuple:
    """What a link's source reads of its target: anchors (headings), events (kind, title)."""
    return doc.id, doc.kind, doc.title, doc.headings


def _to_resolve(previous: Resolution, index, sources: dict, olds: list, news: list, names: set, changed: set) -> set:
    """Ids of the documents and intros whose links must be resolved again."""
    again = {d.id for d in news if d.id in sources and sources[d.id] is d}
    for key in names:
        if key is None:
            again.update(i for i, u in previous.links.items() if u.unresolved)
        else:
            again.update(previous.linkers.get(key, ()))
    shown = {d.id: _shown(d) for d in news}
    for old in olds:
        if shown.get(old.id) != _shown(old):
            again.update(b.source for b in previous.site.backlinks.get(old.id, ()))
    return {i for i in again if i in sources}


def _relink(previous: Resolution, sources: dict, index, again: set) -> tuple[dict, dict]:
    """Link units with those of ``again`` made anew (and those of documents gone dropped); the linkers map."""
    fresh = link_units(sources, index, sorted(again))
    links = {doc_id: fresh.get(doc_id) or previous.links[doc_id] for doc_id in sources}
    linkers = dict(previous.linkers)
    touched = again | (previous.links.keys() - sources.keys())
    edits: dict = {}
    for doc_id in touched:
        before = set(_uses(previous.links[doc_id])) if doc_id in previous.links else set()
        after = set(_uses(links[doc_id])) if doc_id in links else set()
        for key in before - after:
            edits.setdefault(key, [set(), set()])[0].add(doc_id)
        for key in after - before:
            edits.setdefault(key, [set(), set()])[1].add(doc_id)
    for key, (gone, came) in edits.items():
        ids = (linkers.get(key, frozenset()) - gone) | came
        if ids:
            linkers[key] = frozenset(ids)
        else:
            linkers.pop(key, None)
    return links, linkers


def _reevent(previous: Resolution, documents: dict, links: dict, again: set):
    """Event units of the re-resolved documents; the citers of the events they cite (or cited); the sorted list
    with the entries of those documents and of the events they cite (or cited) taken out and put back."""
    redo = [i for i in again if i in documents]
    fresh = event_units(documents, _Resolved(links), redo)
    gone = previous.events.keys() - documents.keys()
    events = {doc_id: fresh.get(doc_id) or previous.events[doc_id] for doc_id in documents}
    touched = set(redo) | gone
    cited = {eid for doc_id in touched for unit in (previous.events.get(doc_id), fresh.get(doc_id)) if unit
             for eid in unit.cites}
    citers = _recite(previous.citers, cited, touched, fresh, documents)
    put = _entries(events, fresh, cited, citers)
    stale = {e.id for doc_id in touched if doc_id in previous.events for e in previous.events[doc_id].events} | cited
    ordered = [e for e in previous.site.events if e.id not in stale]
    for e in put.values():
        bisect.insort(ordered, e, key=event_key)
    return events, citers, ordered


def _entries(events: dict, fresh: dict, cited: set, citers: dict) -> dict[str, Event]:
    """The entries to put back in the sorted list: the fresh units', and those of the events cited (or once
    cited) by a re-resolved document, each with its citers."""
    put: dict[str, Event] = {e.id: e for unit in fresh.values() for e in unit.events}
    for eid in cited:  # an event file's own entry has its document's id
        own = [e for e in events[eid].events if e.id == eid] if eid in events and eid not in put else ()
        if own:
            put[eid] = own[0]
    return {eid: with_citers(e, citers[eid]) if eid in citers else e for eid, e in put.items()}


def _recite(old: Mapping[str, tuple], cited: set, touched: set, fresh: dict, documents: dict) -> dict:
    """Citers of the events in ``cited`` made again: the untouched documents citing them, and the fresh units."""
    citers = dict(old)
    position = None
    for eid in cited:
        kept = [d for d in old.get(eid, ()) if d not in touched]
        added = [d for d, unit in fresh.items() for c in unit.cites if c == eid]
        who = kept + added
        if added and len(set(who)) > 1:
            position = position or _position(documents)
            who.sort(key=position)  # stable: a document's repeated citations stay together
        if who:
            citers[eid] = tuple(who)
        else:
            citers.pop(eid, None)
    return citers


def _origin(eid: str) -> str:
    return eid.split("#", 1)[0]


class _Resolved:
    """``resolved`` of the site, read through the link units (no merged dict needed)."""

    def __init__(self, links: Mapping[DocId, LinkUnit]):
        self.links = links

    def get(self, key, default=None):
        unit = self.links.get(key[0])
        return unit.resolved.get(key, default) if unit is not None else default


def _position(documents: dict):
    order = {doc_id: n for n, doc_id in enumerate(documents)}
    return order.__getitem__


def _tags(previous: Resolution, documents: dict, olds: list, news: list, in_place: bool) -> dict:
    """Tags: the previous table unless a changed document's tags changed, or documents came or went."""
    old_site = previous.site
    same = (in_place
            and _sigs(olds, old_site.documents, _tag_sig) == _sigs(news, documents, _tag_sig))
    return old_site.tags if same else tags_of(documents)


def _route_sig(doc: Document, permalinks) -> tuple:
    return (doc.id, doc.path, doc_url(doc, permalinks), doc.fields.get("template"), doc.kind,
            tuple(previous_urls(doc, permalinks)), doc.line("previous_slugs"))


def _routes(previous: Resolution, documents: dict, tags: dict, config, change: tuple, assets: tuple):
    """((routes, urls, file URLs), route diagnostics): the previous ones when no changed document's
    URL, template or old addresses changed and no tag came or went; else made again."""
    old_site = previous.site
    olds, news, in_place = change

    def sig(doc: Document) -> tuple:
        return _route_sig(doc, config.permalinks)

    same = (not previous.parts["routes"] and in_place
            and tags.keys() == old_site.tags.keys()
            and _sigs(olds, old_site.documents, sig) == _sigs(news, documents, sig))
    if same:
        routes, urls, diags = old_site.routes, old_site.urls, ()
    else:
        routes, urls, route_diags = build_routes(documents, tags, config.permalinks)
        diags = tuple(route_diags)
    if same and assets == previous.assets:
        published = old_site.assets
    else:
        published = asset_urls(documents, urls, assets)
    return (routes, urls, published), diags


def _refs(previous: Resolution, sources: dict, index, routing: tuple, config, news: list) -> tuple[dict, tuple]:
    """Site-absolute and file link warnings: those of the changed documents, or all when an address changed.
    Returns them with the ``ref_context`` they were checked against."""
    old_site = previous.site
    routes, urls, published = routing
    if routes is old_site.routes and published is old_site.assets and index.by_path == old_site.index.by_path:
        context = previous.context
        refs = {doc_id: previous.refs.get(doc_id) for doc_id in sources}
        for doc in news:
            if sources.get(doc.id) is doc:
                refs[doc.id] = tuple(check_doc_refs(doc, context))
        return refs, context
    context = ref_context(routes, urls, published, config.prefix, index)
    return {doc_id: tuple(check_doc_refs(doc, context)) for doc_id, doc in sources.items()}, context


def _cards(old_site: Site, documents: dict, urls: dict, news: list, in_place: bool) -> dict:
    """Cards: the changed documents' made again (and, when URLs were made again, those whose URL changed)."""
    if in_place and urls is old_site.urls:
        cards = dict(old_site.cards)
        for doc in news:
            cards[doc.id] = make_card(doc, urls.get(doc.id))
        return cards
    old_docs, old_cards, old_urls = old_site.documents, old_site.cards, old_site.urls
    return {doc_id: old_cards[doc_id] if old_docs.get(doc_id) is doc and old_urls.get(doc_id) == urls.get(doc_id)
            else make_card(doc, urls.get(doc_id)) for doc_id, doc in documents.items()}


def _link_tables(previous: Resolution, sources: dict, links: dict, again: set, in_place: bool) -> tuple:
    """(resolved, anchors, backlinks, link diagnostics) with the units of ``again`` put in their place,
    when every document kept its place; ``resolved`` merged again when a link count changed, the
    backlinks when a target's first linker changed."""
    old_links, old_site = previous.links, previous.site
    if not in_place:
        return merge_links(sources, links)
    if any(len(links[i].resolved) != len(old_links[i].resolved) for i in again):
        resolved = {}
        for unit in map(links.__getitem__, sources):
            resolved.update(unit.resolved)
    else:
        resolved = dict(old_site.resolved)
        for doc_id in again:
            resolved.update(links[doc_id].resolved)
    anchors, diags = {}, []
    for unit in map(links.__getitem__, sources):
        if unit.anchors:
            anchors.update(unit.anchors)
        if unit.diagnostics:
            diags.extend(unit.diagnostics)
    backlinks = _backlinks(old_site.backlinks, old_links, links, again, sources)
    if backlinks is None:  # a target gained its first linker, lost its last, or its first linker changed
        backlinks = merge_links(sources, links)[2]
    return resolved, anchors, backlinks, diags


def _backlinks(old: dict, old_links: Mapping, links: Mapping, again: set, sources: dict) -> dict | None:
    """Backlinks with those of the documents in ``again`` replaced (documents in place); None when the
    order of the table's keys (each target's first linker) may have changed."""
    fresh: dict = {}
    for doc_id in again:
        for target, backlink in old_links[doc_id].backlinks:
            fresh.setdefault(target, [])
        for target, backlink in links[doc_id].backlinks:
            fresh.setdefault(target, []).append(backlink)
    if not fresh:
        return old
    backlinks = dict(old)
    position = None
    for target, added in fresh.items():
        before = old.get(target, ())
        both = [b for b in before if b.source not in again] + added
        if added and len({b.source for b in both}) > 1:
            position = position or {doc_id: n for n, doc_id in enumerate(sources)}.__getitem__
            both.sort(key=lambda b: position(b.source))  # stable: each source's own order stays
        if not both or not before or _first(old_links, before, target) != _first(links, both, target):
            return None
        backlinks[target] = both
    return backlinks


def _first(links: Mapping, backlinks, target: DocId) -> tuple:
    """Where a target's first backlink sits: its source, and its place among that source's backlinks."""
    source = backlinks[0].source
    return source, next(n for n, (t, _b) in enumerate(links[source].backlinks) if t == target)


__all__ = ["Resolution", "partition", "resolve_full", "resolve_incremental", "tags_of"]
