"""Everything a build writes besides the document pages, in one place.

Read this module to know which files a build produces and what runs after
writing; nothing registers itself elsewhere as a side effect of an import.

* ``PAGE_VIEWS``: template -> view function ``(views, route) -> View`` for routes
  without a document (home, listings, tags, timeline, map, search, sources, redirects).
  Document pages are dispatched by kind in ``views.DOCUMENT_VIEWS``.
* ``OUTPUTS``: functions ``(site, views) -> iterable of Output`` for the files
  that are not routed pages (timeline exports, feeds, sitemap, robots.txt).
* ``READS``: what each output reads, as a predicate over ``plan.Change``; an
  incremental build produces an output again only when it answers true (its
  files are written only when their bytes changed).
* ``PARTS``: outputs made of pieces that can be produced on their own (each feed),
  as functions ``(site, views) -> iterable of model.Part``; when the output's READS
  answers true, only the parts whose key changed or that show a changed document
  are produced again.
* ``POST_WRITE``: functions ``(folder, site) -> [Diagnostic]`` run over the
  complete new output before it becomes visible (the Pagefind search index).
"""
from __future__ import annotations

from types import MappingProxyType

from .search import build_index, search_view
from .exports import timeline_exports
from .feeds import feed_parts, feeds, site_files
from .redirects import redirect_view
from .sources import sources_view
from .timemap import map_view
from .views import Views, not_found_view

PAGE_VIEWS = MappingProxyType({
    "index.html": Views.home_view,
    "list.html": Views.list_view,
    "tag.html": Views.tag_view,
    "tags.html": Views.tags_view,
    "timeline.html": Views.timeline_view,
    "map.html": map_view,  # /map/ (time-map)
    "search.html": search_view,  # /search/
    "sources.html": sources_view,  # /sources/
    "redirect.html": redirect_view,  # previous_slugs
    "404.html": not_found_view,
})

OUTPUTS = (
    timeline_exports,  # timeline.json, events.json, events.csv, places.geojson
    feeds,  # feed.xml, feed.json, tags/<tag>/feed.xml
    site_files,  # sitemap.xml, robots.txt
)


READS = MappingProxyType({
    # events and their sources, the cards (titles, urls, sensitive) they name, places (coordinates, within)
    timeline_exports: lambda c: c.full or c.events or c.cards or "place" in c.kinds,
    # the latest articles: their fields and bodies (whose links show other documents' urls: cards); per feed: PARTS
    feeds: lambda c: c.full or c.cards or "article" in c.kinds,
    # every page's address and date (``date``, ``updated`` and ``draft`` are in the card digest), robots.txt: settings
    site_files: lambda c: c.full or c.cards,
})

PARTS = MappingProxyType({
    feeds: feed_parts,  # one part per feed: its window (the latest N articles of its language or tag) and their links
})

POST_WRITE = (
    build_index,  # pagefind/ (search: false removes it)
)

__all__ = ["PAGE_VIEWS", "OUTPUTS", "READS", "PARTS", "POST_WRITE"]
