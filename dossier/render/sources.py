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
from .views import KINDS_ORDER, View, Views, _source_dict

NO_PUBLISHER = N_("Publisher not named")


def _external_citations(views: Views, doc) -> list[tuple[dict, str]]:
    """(source as shown, how the document uses it) for its ``source:`` and external ``sources:``."""
    cited = []
    src = doc.fields.get("source") if doc.kind == "article" else None
    if src is not None and (src.url or src.title or src.publisher):
        cited.append((_source_dict(src, views.dates_in), views._("based on it")))
    cited.extend((_source_dict(ref, views.dates_in), views._("cites it")) for ref in doc.fields.get("sources", ()) if ref.link is None)
    return cited


def _internal_citations(views: Views, doc, internal: dict) -> set[str]:
    """Articles of the dossier that ``doc`` cites, into ``internal``; returns the ids the page shows."""
    shows = set()
    for ref in doc.fields.get("sources", ()):
        target = views.site.resolved.get((doc.id, ref.link)) if ref.link is not None else None
        if target and target != doc.id:
            item = internal.setdefault(target, {"card": views.card(target), "cited_by": []})
            if doc.id not in {c["card"]["id"] for c in item["cited_by"]}:
                item["cited_by"].append({"card": views.card(doc.id), "how": views._("cites it")})
            shows.update((target, doc.id))
    return shows


def _add_citation(entries: dict, data: dict, cited_by: dict) -> None:
    """One entry per source: two citations are one source when their URLs (or title and publisher) match."""
    key = ("url:" + url_key(data["url"])) if data.get("url") else (
        "text:" + match_key(data.get("title") or "") + "|" + match_key(data.get("publisher") or ""))
    entry = entries.get(key)
    if entry is None:
        entry = entries[key] = {**data, "cited_by": []}
    else:  # fill what an earlier citation left out
        for k, v in data.items():
            if v and not entry.get(k):
                entry[k] = v
    if cited_by["card"]["id"] not in {c["card"]["id"] for c in entry["cited_by"]}:
        entry["cited_by"].append(cited_by)


def _by_publisher(entries, no_publisher: str) -> list[dict]:
    """Sources grouped by publisher (``no_publisher``: the group of those that name none, last)."""
    groups: dict[str, dict] = {}
    for entry in entries:
        name = entry.get("publisher") or _host(entry.get("url")) or no_publisher
        group = groups.setdefault(match_key(name), {"publisher": name, "items": []})
        group["items"].append(entry)
    for group in groups.values():
        group["items"].sort(key=lambda e: sort_key(e.get("title") or e.get("url") or ""))
        group["count"] = len(group["items"])
    return sorted(groups.values(), key=lambda g: (g["publisher"] == no_publisher, sort_key(g["publisher"])))


def url_key(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def _host(url: str | None) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.") if url else ""


def sources_view(views: Views, route: Route) -> View:
    site = views.site
    entries: dict[str, dict] = {}
    internal: dict[str, dict] = {}
    shows: set[str] = set()
    docs = sorted(site.documents.values(), key=lambda d: (KINDS_ORDER.get(d.kind, 9), views._listing_key(d.id)))
    for doc in docs:
        if views.tr and views.tr.lang_of[doc.id] != views.language:
            continue  # the page lists the citations of its own language's documents
        shows.update(_internal_citations(views, doc, internal))
        for data, how in _external_citations(views, doc):
            _add_citation(entries, data, {"card": views.card(doc.id), "how": how})
            shows.add(doc.id)
    ordered = _by_publisher(entries.values(), views._(NO_PUBLISHER))
    articles = sorted(internal.values(), key=lambda i: sort_key(i["card"]["title"]))
    ctx = views.base(route, title=views._("Sources"), publishers=ordered, internal=articles,
                     source_count=len(entries), internal_count=len(articles))
    return View("sources.html", ctx, shows)


__all__ = ["sources_view", "url_key"]
