"""The ``/sources/`` page: every external source, grouped by publisher, with the pages citing it.

External sources are the mappings in ``sources:`` (articles, events, claims) and an
article's own ``source:`` (what it reports or translates). The same source cited
from several pages is listed once: two citations are one source when their URLs
agree (ignoring the scheme, ``www.``, a trailing slash and the fragment), or, without
a URL, when title and publisher agree. Articles of the dossier cited as sources
are listed after, each with the pages citing it.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from ..i18n import N_
from ..model import Route
from ..names import match_key, sort_key
from .views import KINDS_ORDER, View, Views, _source_dict, page_view

NO_PUBLISHER = N_("Publisher not named")


def url_key(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def _host(url: str | None) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.") if url else ""


@page_view("sources.html")
def sources_view(views: Views, route: Route) -> View:
    site = views.site
    entries: dict[str, dict] = {}
    internal: dict[str, dict] = {}
    shows: set[str] = set()
    docs = sorted(site.documents.values(), key=lambda d: (KINDS_ORDER.get(d.kind, 9), views._listing_key(d.id)))
    for doc in docs:
        if views.tr and views.tr.lang_of[doc.id] != views.language:
            continue  # the page lists the citations of its own language's documents
        cited = []
        src = doc.fields.get("source") if doc.kind == "article" else None
        if isinstance(src, dict) and (src.get("url") or src.get("title") or src.get("publisher")):
            cited.append((_source_dict(src, views.dates_in), views._("based on it")))
        for ref in doc.fields.get("sources", ()):
            if ref.link is None:
                cited.append((_source_dict(ref, views.dates_in), views._("cites it")))
                continue
            target = site.resolved.get((doc.id, ref.link))
            if target and target != doc.id:
                item = internal.setdefault(target, {"card": views.card(target), "cited_by": []})
                if doc.id not in {c["card"]["id"] for c in item["cited_by"]}:
                    item["cited_by"].append({"card": views.card(doc.id), "how": views._("cites it")})
                shows.update((target, doc.id))
        for data, how in cited:
            key = ("url:" + url_key(data["url"])) if data.get("url") else (
                "text:" + match_key(data.get("title") or "") + "|" + match_key(data.get("publisher") or ""))
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = {**data, "cited_by": []}
            else:  # fill what an earlier citation left out
                for k, v in data.items():
                    if v and not entry.get(k):
                        entry[k] = v
            if doc.id not in {c["card"]["id"] for c in entry["cited_by"]}:
                entry["cited_by"].append({"card": views.card(doc.id), "how": how})
            shows.add(doc.id)
    groups: dict[str, dict] = {}
    for entry in entries.values():
        name = entry.get("publisher") or _host(entry.get("url")) or views._(NO_PUBLISHER)
        group = groups.setdefault(match_key(name), {"publisher": name, "items": []})
        group["items"].append(entry)
    for group in groups.values():
        group["items"].sort(key=lambda e: sort_key(e.get("title") or e.get("url") or ""))
        group["count"] = len(group["items"])
    ordered = sorted(groups.values(), key=lambda g: (g["publisher"] == views._(NO_PUBLISHER), sort_key(g["publisher"])))
    articles = sorted(internal.values(), key=lambda i: sort_key(i["card"]["title"]))
    ctx = views.base(route, title=views._("Sources"), publishers=ordered, internal=articles,
                     source_count=len(entries), internal_count=len(articles))
    return View("sources.html", ctx, shows)


__all__ = ["sources_view", "url_key"]
