"""Everything a build writes besides the document pages, in one place.

Read this module to know which files a build produces and what runs after
writing; nothing registers itself elsewhere as a side effect of an import.

* ``PAGE_VIEWS``: template -> view function ``(views, route) -> View`` for routes
  without a document (home, listings, tags, timeline, search, sources, redirects).
  Document pages are dispatched by kind in ``views.DOCUMENT_VIEWS``.
* ``OUTPUTS``: functions ``(site, views) -> iterable of Output`` for the files
  that are not routed pages (timeline exports, feeds, sitemap, robots.txt).
* ``POST_WRITE``: functions ``(folder, site) -> [Diagnostic]`` run over the
  complete new output before it becomes visible (the Pagefind search index).
"""
from __future__ import annotations

from types import MappingProxyType

from .search import build_index, search_view
from .exports import timeline_exports
from .feeds import feeds
from .redirects import redirect_view
from .sources import sources_view
from .views import Views, not_found_view

PAGE_VIEWS = MappingProxyType({
    "index.html": Views.home_view,
    "list.html": Views.list_view,
    "tag.html": Views.tag_view,
    "tags.html": Views.tags_view,
    "timeline.html": Views.timeline_view,
    "search.html": search_view,  # /search/
    "sources.html": sources_view,  # /sources/
    "redirect.html": redirect_view,  # previous_slugs
    "404.html": not_found_view,
})

OUTPUTS = (
    timeline_exports,  # timeline.json, events.json, events.csv, places.geojson
    feeds,  # feed.xml, feed.json, tags/<tag>/feed.xml, sitemap.xml, robots.txt
)

POST_WRITE = (
    build_index,  # pagefind/ (search: false removes it)
)

__all__ = ["PAGE_VIEWS", "OUTPUTS", "POST_WRITE"]
