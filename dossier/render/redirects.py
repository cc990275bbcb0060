"""Redirect pages for ``previous_slugs``: each old address gets a small page with a
meta refresh and a canonical link to the page's current URL, so readers' bookmarks
and other newsrooms' links keep working. The routes (and the error when an old
address would overwrite a real page) are made in ``resolve/routes.py``.
"""
from __future__ import annotations

from ..model import Route
from .jsonld import absolute
from .views import View, Views


def redirect_view(views: Views, route: Route) -> View:
    target = views.site.documents[route.extra]
    card = views.card(target.id)
    ctx = {
        "site": views.site_view,
        "lang": views.language,
        "route_url": views.url(route.url),
        "target": {"title": target.title, "url": card["url"]},
        "canonical": absolute(views.site.config, views.site.urls[target.id]),
    }
    return View("redirect.html", ctx, {target.id})
