"""Stage 3: [Document] -> Site. The whole dossier graph; no Markdown work, only dict work."""
from __future__ import annotations

from .. import diagnostics as dg
from ..model import Document, Site
from ..names import match_key, slugify
from .cards import make_cards
from .index import NameIndex
from .links import asset_urls, check_refs, resolve_links
from .routes import build_routes
from .timeline import build_events
from .translations import canonicalize, link_translations


def resolve(docs: list[Document], config, assets=(), bodies=None) -> Site:
    """The whole graph: names, links and backlinks, events, tags, routes and cards.

    ``assets`` are the non-Markdown files of content/ (published when referenced); ``bodies`` (path -> HTML) gives the bodies of documents kept without them (the build cache).
    """
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
    index = NameIndex(documents)
    diags.extend(index.diagnostics)
    translations = link_translations(documents, config, index)  # None for a single-language dossier
    if translations:
        index.same_as = translations.canon
    intros = {doc.id: doc for doc in sections.values()}
    resolved, anchors, backlinks, link_diags = resolve_links({**documents, **intros}, index)
    diags.extend(link_diags)
    if translations:
        diags.extend(translations.diagnostics)
        resolved, backlinks = canonicalize(resolved, backlinks, translations)
    events, event_diags = build_events(documents, resolved)
    diags.extend(event_diags)
    if translations:  # a version repeats its original's events
        events = [ev for ev in events if ev.origin not in translations.canonical]
    tags: dict[str, tuple[str, list[str]]] = {}
    for doc in documents.values():
        if translations and translations.lang_of[doc.id] != translations.default:
            continue  # tag pages list the default language's documents
        for tag in doc.fields.get("tags", ()):
            slug = slugify(tag)
            entry = tags.setdefault(slug, (tag, []))
            if doc.id not in entry[1]:
                entry[1].append(doc.id)
    routes, urls, route_diags = build_routes(documents, tags, config.permalinks, translations)
    diags.extend(route_diags)
    published = asset_urls(documents, urls, assets)
    diags.extend(check_refs({**documents, **intros}, routes, urls, published, config.prefix, index))
    return Site(config=config, documents=documents, resolved=resolved, backlinks=backlinks, events=events,
                tags=tags, routes=routes, urls=urls, diagnostics=diags, anchors=anchors, index=index,
                bodies=bodies, cards=make_cards(documents, urls, translations), sections=sections, assets=published,
                translations=translations)


__all__ = ["resolve", "match_key"]
