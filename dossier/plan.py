"""Planning: which pages to render again, and why.

A pure function of values: the previous build's record (``cache.State``), the
new link graph, the routes and the digest of each route's template closure.
No rendering, no disk. A page is rendered again when it

* is new, or its template closure changed;
* belongs to a document whose content or links changed;
* shows the card of a document whose card changed (listings, backlinks, related lists);
* lists the linkers of a document that gained or lost one;
* is the page of a document a changed document links (or linked) to: its backlinks;
* is the index of a changed card's kind, the page of one of its tags, or the
  timeline and the map when a changed document's timeline entries changed (not on a body edit);
* is the home page (it shows counts, the latest cards, events and the most linked people and places)
  when a card, a link or an event changed; the tags index (every tag and its count) when a card changed.

In a multilingual dossier the versions of a document share links, backlinks and
events (``DocGraph.family``): a change to one is a change to all; and each
language's copy of a shared page (home, indexes, timeline, map: ``SHARED_PAGES``)
is rendered again with the default language's.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from types import MappingProxyType
from typing import Collection, Mapping

from .model import FOLDERS, DocId, _fast_reduce
from .names import slugify
from .resolve.routes import SHARED_PAGES

HOME, TAGS = "", "tags/"  # the home page and the tags index summarise the whole dossier


@dataclass(frozen=True, slots=True)
class DocGraph:
    """The part of a resolved document other pages depend on."""

    digest: str
    card: str  # Card.digest: what other pages show of it
    kind: str
    url: str | None
    targets: frozenset  # resolved link targets
    tags: frozenset  # its tags and those of its timeline entries (tag pages show both)
    events: str  # its timeline entries ("" for none): an event file's digest, else a digest of its inline events
    family: frozenset = frozenset()  # multilingual dossiers: the other versions of the document
    # what its targets' pages show of its links: (target, origin, context) of each backlink it makes
    mentions: frozenset = frozenset()


DocGraph.__reduce__ = _fast_reduce  # one per document in the build cache: loaded by every build


@dataclass(frozen=True)
class Change:
    """What changed since the last build, as derived outputs (feeds, exports) declare their inputs."""

    full: bool = True  # everything (no previous build, settings, output touched): every input changed
    kinds: frozenset = frozenset()  # kinds of the documents whose content or links changed
    cards: bool = False  # a card changed, or a document came or went
    events: bool = False  # a changed document's timeline entries changed (or it came or went with some)
    ids: frozenset = frozenset()  # the documents whose content, links or card changed, or that came or went


@dataclass(frozen=True)
class Plan:
    full: bool  # render every route
    urls: frozenset  # routes to render (every route when full)
    why: Mapping[str, str]  # url -> the first reason found (or, when full, the reason for a full build)
    change: Change = Change()

    def routes(self, routes: Mapping) -> list:
        """The routes to render, in a stable order."""
        if self.full:
            return list(routes.values())
        return [routes[u] for u in sorted(self.urls) if u in routes]


def graph_of(site, links: Mapping | None = None, memo: dict | None = None) -> dict[DocId, DocGraph]:
    """The link graph of a resolved site, as planning compares it between builds.

    ``links`` (``Resolution.links``, one-language dossiers): each document's resolved links, read instead of
    the site's whole table; ``memo`` (kept by the caller between builds): doc id -> (document, card, url,
    links, entries, graph): a document whose inputs are the very objects of the last call (its URL and its
    timeline entries equal: the graph reads their values) keeps its graph."""
    tr = site.translations
    if tr is not None or links is None:
        return _whole_graph(site)
    memo = {} if memo is None else memo
    graph = {}
    entries = _entries_by_origin(site.events)
    for doc in site.documents.values():
        doc_id, card, url, unit = doc.id, site.cards[doc.id], site.urls.get(doc.id), links[doc.id]
        mine = entries.get(doc_id, ())
        kept = memo.get(doc_id)
        if kept is not None and kept[0] is doc and kept[1] is card and kept[2] == url and kept[3] is unit and kept[4] == mine:
            graph[doc_id] = kept[5]
            continue
        targets = frozenset(t for (origin, _i), t in unit.resolved.items() if t and origin == doc_id)
        mentions = frozenset((t, b.origin, b.context) for t, b in unit.backlinks)
        graph[doc_id] = g = _doc_graph(doc, card, url, targets, frozenset(), mine, mentions)
        memo[doc_id] = (doc, card, url, unit, mine, g)
    for doc_id in memo.keys() - graph.keys():
        del memo[doc_id]
    return graph


def _doc_graph(doc, card, url, targets: frozenset, family: frozenset, entries: tuple, mentions: frozenset) -> DocGraph:
    return DocGraph(digest=doc.digest, card=card.digest, kind=doc.kind, url=url, targets=targets,
                    tags=frozenset((*doc.fields.get("tags", ()), *(t for e in entries for t in e.tags))),
                    events=_events_digest(doc, entries), family=family, mentions=mentions)


def _entries_by_origin(events) -> dict[DocId, tuple]:
    by_origin: dict[DocId, list] = {}
    for e in events:
        by_origin.setdefault(e.origin, []).append(e)
    return {origin: tuple(entries) for origin, entries in by_origin.items()}


def _events_digest(doc, entries: tuple) -> str:
    """What the timeline, the map and the exports show of a document's own entries ("" when it has none):
    all of an event file; an article's inline entries (as resolved, and as written) but not its body."""
    if doc.kind == "event":
        return doc.digest
    written = doc.fields.get("events")
    if not entries and not written:
        return ""
    return hashlib.blake2b(repr((entries, written)).encode(), digest_size=12).hexdigest()


def _whole_graph(site) -> dict[DocId, DocGraph]:
    tr = site.translations
    targets: dict[str, set] = {i: set() for i in site.documents}
    for (doc_id, _i), target in site.resolved.items():
        if target and doc_id in targets:
            targets[doc_id].add(target)
    mentions: dict[str, set] = {i: set() for i in site.documents}
    for target, backlinks in site.backlinks.items():
        for b in backlinks:
            if b.source in mentions:
                mentions[b.source].add((target, b.origin, b.context))
    entries = _entries_by_origin(site.events)
    return {
        doc.id: _doc_graph(doc, site.cards[doc.id], site.urls.get(doc.id), frozenset(targets[doc.id]),
                           frozenset(tr.family({doc.id}) - {doc.id}) if tr else frozenset(), entries.get(doc.id, ()),
                           frozenset(mentions[doc.id]))
        for doc in site.documents.values()
    }


def plan(previous, graph: Mapping[DocId, DocGraph], routes: Collection[str], templates: Mapping[str, str],
         globals_digest: str, output_ok: bool, folders: tuple = ()) -> Plan:
    """What to render. ``previous``: the last build's record or None; ``output_ok``: its output is intact;
    ``folders``: the URL folders of a multilingual dossier's other languages ("fa-af/")."""
    why_full = _why_full(previous, globals_digest, output_ok)
    if why_full:
        return Plan(True, frozenset(routes), MappingProxyType({"*": why_full}))
    why: dict[str, str] = {}
    for url, reason in _affected(previous, graph, routes):
        why.setdefault(url, reason)
        if url in SHARED_PAGES:  # each language's copy of the page
            for folder in folders:
                why.setdefault(folder + url, reason)
    for url, digest in templates.items():
        if previous.templates.get(url) != digest:
            why.setdefault(url, "its template changed")
    return Plan(False, frozenset(why), MappingProxyType(why), describe_change(previous.graph, graph))


def describe_change(old: Mapping[DocId, DocGraph], new: Mapping[DocId, DocGraph]) -> Change:
    dirty, cards = changed_documents(old, new)
    graphs = [g for doc_id in dirty for g in (old.get(doc_id), new.get(doc_id)) if g is not None]
    return Change(False, frozenset(g.kind for g in graphs), bool(cards), _events_changed(old, new, dirty), frozenset(dirty))


def _events_changed(old: Mapping[DocId, DocGraph], new: Mapping[DocId, DocGraph], dirty) -> bool:
    """A changed document's timeline entries changed (it came or went with some, or they differ)."""
    for doc_id in dirty:
        a, b = old.get(doc_id), new.get(doc_id)
        if ((a and a.events) or "") != ((b and b.events) or ""):
            return True
    return False


def _why_full(previous, globals_digest: str, output_ok: bool) -> str | None:
    if previous is None or not previous.ok:
        return "no previous build"
    if previous.globals_digest != globals_digest:
        return "the configuration, the engine or the list of plain pages changed"
    if not output_ok:
        return "the output is not the one the last build wrote"
    return None


def changed_documents(old: Mapping[DocId, DocGraph], new: Mapping[DocId, DocGraph]) -> tuple[set, set]:
    """(dirty, cards): documents whose content or links changed; those whose card changed (or that came or went)."""
    dirty, cards = set(), set()
    for doc_id in [*new, *(old.keys() - new.keys())]:
        a, b = old.get(doc_id), new.get(doc_id)
        if a is b:  # kept by graph_of's memo: unchanged
            continue
        if a is None or b is None or a.card != b.card:
            cards.add(doc_id)
            dirty.add(doc_id)
        elif a.digest != b.digest or a.targets != b.targets:
            dirty.add(doc_id)
    return _families(old, new, dirty), _families(old, new, cards)


def _families(old: Mapping[DocId, DocGraph], new: Mapping[DocId, DocGraph], ids: set) -> set:
    """``ids`` and the other versions of their documents (before and after; none in a one-language dossier)."""
    out = set(ids)
    for doc_id in ids:
        for g in (old.get(doc_id), new.get(doc_id)):
            if g is not None:
                out |= g.family
    return out


def _link_changes(old, new, dirty) -> tuple[set, set]:
    """(linked, membership): documents whose pages show a dirty one's links to them (its backlinks there);
    those that gained or lost a linker.

    A document whose targets and timeline entries stay the same changes its targets' pages only through
    what they show of its links (``mentions``: origin and context): only the targets whose mentions changed
    are linked; otherwise every target, before and after (their related entities and timelines read it)."""
    linked, membership = set(), set()
    for doc_id in dirty:
        a, b = old.get(doc_id), new.get(doc_id)
        before, after = (a.targets if a else frozenset()), (b.targets if b else frozenset())
        if a and b and before == after and a.events == b.events:
            linked |= {target for target, _origin, _context in a.mentions ^ b.mentions}
        else:
            linked |= before | after
        membership |= before ^ after if a and b else before | after
    return _families(old, new, linked), _families(old, new, membership)


def _affected(previous, graph: Mapping[DocId, DocGraph], routes: Collection[str]):
    """(url, reason) for every page the changes between the two graphs reach."""
    old = previous.graph
    dirty, cards = changed_documents(old, graph)
    if not dirty:
        return  # nothing changed: render nothing
    linked, membership = _link_changes(old, graph, dirty)
    for url in sorted(dirty):
        if url in graph and graph[url].url is not None:
            yield graph[url].url, "its document changed"
    for url, shown in previous.shows.items():
        if not cards.isdisjoint(shown):
            yield url, "it shows a changed card"
    for url, listed in previous.lists.items():
        if not membership.isdisjoint(listed):
            yield url, "it lists the linkers of a document that gained or lost one"
    for doc_id in linked:
        if doc_id in graph and graph[doc_id].url is not None:
            yield graph[doc_id].url, "its backlinks changed"
    for url in routes:
        if url not in previous.shows:
            yield url, "a new page"
    yield from _summaries(old, graph, dirty, cards, bool(membership))


def _summaries(old, new, dirty: set, cards: set, links: bool):
    """Indexes of changed cards; tag pages of changed cards and entries; the timeline when entries changed; the home page
    when a card, a link (``links``: a document gained or lost a linker) or an event changed; the tags index
    when a card changed."""
    kinds, tags, events = set(), set(), False
    for doc_id in dirty:
        entries = _events_changed(old, new, (doc_id,))
        events = events or entries
        for g in (old.get(doc_id), new.get(doc_id)):
            if g is None:
                continue
            if doc_id in cards:  # indexes show cards
                kinds.add(g.kind)
            if doc_id in cards or entries:  # tag pages show cards and the timeline entries of the tag
                tags |= g.tags
    for kind in sorted(k for k in kinds if k in FOLDERS):
        yield f"{FOLDERS[kind]}/", "an index of a changed card's kind"
    for tag in sorted(tags):
        yield f"tags/{slugify(tag)}/", "a tag of a changed card"
    if events:
        yield "timeline/", "events changed"
        yield "map/", "events changed"
    if cards or links or events:
        yield HOME, "it summarises the whole dossier (counts, latest cards and events, the most linked)"
    if cards:
        yield TAGS, "it lists every tag with its count"


__all__ = ["HOME", "TAGS", "Change", "DocGraph", "Plan", "changed_documents", "describe_change", "graph_of", "plan"]
