"""The whole-site resolve of a multilingual dossier (``languages:`` in dossier.yaml).

Translations share one identity: names of every version resolve to the original,
links and backlinks point at it (``translations.canonicalize``), a version does
not repeat its original's events, tag pages list the default language's
documents, routes put each language under its folder and cards list the
versions. The incremental resolve (``resolve.incremental``) does not follow
translations: a multilingual dossier is always resolved whole.
"""
from __future__ import annotations

from ..model import Document, Site
from ..names import slugify
from .cards import make_cards
from .index import NameIndex
from .links import asset_urls, check_refs, link_units, merge_links
from .routes import build_routes
from .timeline import build_events
from .translations import Translations, canonicalize


def resolve_languages(documents: dict, sections: dict, diags: list, config, assets, bodies, index: NameIndex,
                      translations: Translations) -> Site:
    """``documents`` by id, ``sections`` (_index.md intros), ``diags`` so far (slug collisions, the index's)."""
    diags = list(diags)
    index.same_as = translations.canon
    intros = {doc.id: doc for doc in sections.values()}
    sources = {**documents, **intros}
    resolved, anchors, backlinks, link_diags = merge_links(sources, link_units(sources, index, sources))
    diags.extend(link_diags)
    diags.extend(translations.diagnostics)
    resolved, backlinks = canonicalize(resolved, backlinks, translations)
    events, event_diags = build_events(documents, resolved)
    diags.extend(event_diags)
    events = [ev for ev in events if ev.origin not in translations.canonical]  # a version repeats its original's
    tags = _default_language_tags(documents, translations)
    routes, urls, route_diags = build_routes(documents, tags, config.permalinks, translations)
    diags.extend(route_diags)
    published = asset_urls(documents, urls, assets)
    diags.extend(check_refs(sources, routes, urls, published, config.prefix, index))
    return Site(config=config, documents=documents, resolved=resolved, backlinks=backlinks, events=events,
                tags=tags, routes=routes, urls=urls, diagnostics=diags, anchors=anchors, index=index,
                bodies=bodies, cards=make_cards(documents, urls, translations), sections=sections, assets=published,
                translations=translations)


def _default_language_tags(documents: dict[str, Document], translations: Translations) -> dict:
    """Tag pages list the default language's documents."""
    tags: dict[str, tuple[str, list[str]]] = {}
    for doc in documents.values():
        if translations.lang_of[doc.id] != translations.default:
            continue
        for tag in doc.fields.get("tags", ()):
            entry = tags.setdefault(slugify(tag), (tag, []))
            if doc.id not in entry[1]:
                entry[1].append(doc.id)
    return tags
