"""What a page says to machines: schema.org JSON-LD, Open Graph, Twitter card, canonical link.

:func:`head` builds the ``head`` entry of every view's context (see ``Views.base``);
``partials/head_meta.html`` prints it. JSON-LD per kind:

==============  ===============================================================
article         NewsArticle (headline, datePublished, dateModified, author,
                publisher, isBasedOn for its ``source`` and ``sources``,
                translator, about/mentions the linked entities)
person          Person (alternateName, birthDate, deathDate, affiliation)
place           Place (alternateName, GeoCoordinates, containedInPlace)
organization    Organization (alternateName, foundingDate)
event           Event (startDate/endDate at their written precision, location)
claim           ClaimReview (claimReviewed, reviewRating with alternateName,
                itemReviewed: a Claim with its claimant and date)
page            WebPage
home            WebSite with a SearchAction pointing at /search/
listings        CollectionPage
==============  ===============================================================

Dates are ISO 8601 at the precision they were written with ("2021-08" stays
a month): schema.org's Date/DateTime accept ISO 8601, and inventing a day
would state something the dossier does not know.

The JSON is serialised with :func:`json_script`: ``json.dumps`` and then
``<``, ``>``, ``&`` (and U+2028/2029) as ``\\u003c`` etc., so a title holding
``</script><!--<script>`` stays inside its ``<script type="application/ld+json">``
and still parses to the same string.
"""
from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup

from ..model import FOLDERS, Route

# Our claim statuses on a 1 (false) .. 5 (true) scale; alternateName is what readers see.
# "denied" and "unverified" are not verdicts: they sit in the middle, their name says why.
CLAIM_RATINGS = {
    "false": (1, "False"),
    "misleading": (2, "Misleading"),
    "disputed": (3, "Disputed"),
    "denied": (3, "Denied by those concerned; not independently verified"),
    "unverified": (3, "Unverified"),
    "confirmed": (5, "Confirmed"),
}
SENSITIVE_DESCRIPTION = "This page carries a content warning."
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def json_script(data: Any) -> Markup:
    """JSON safe to put between ``<script type="application/ld+json">`` and ``</script>``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return Markup(_JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group()], text))


def absolute(config, path: str) -> str:
    """Site path below the prefix ("articles/x/") -> absolute URL when base_url has a host, else the prefixed path."""
    return config.origin + config.prefix + path.lstrip("/")


def add_translations_jsonld(views, doc, data: dict) -> None:
    """schema.org: a version says its language, the original lists its translations, a translation its original."""
    tr, site, config = views.tr, views.site, views.site.config
    data["inLanguage"] = tr.lang_of[doc.id]
    original = tr.canon(doc.id)
    if original != doc.id and original in site.urls:
        data["translationOfWork"] = {"@type": "CreativeWork", "url": absolute(config, site.urls[original]),
                                     "inLanguage": tr.lang_of[original]}
    others = [d for _code, d in sorted(tr.versions.get(original, {}).items()) if d != doc.id]
    if original == doc.id and others:
        data["workTranslation"] = [{"@type": "CreativeWork", "url": absolute(config, site.urls[d]),
                                    "inLanguage": tr.lang_of[d]} for d in others if d in site.urls]


def _iso(d) -> str | None:
    return d.iso() if d is not None else None


def _clean(obj):
    """Drop empty values so the JSON-LD only states what is known."""
    if isinstance(obj, dict):
        out = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v is not None and (v or not isinstance(v, _EMPTIABLE))}
    if isinstance(obj, list):
        return [x for x in (_clean(v) for v in obj) if x is not None and (x or not isinstance(x, _EMPTIABLE))]
    return obj


_EMPTIABLE = (str, list, dict)  # an empty one of these is left out (0 and False are stated)


class _Ctx:
    def __init__(self, views):
        self.views = views
        self.site = views.site
        self.config = views.site.config

    def abs(self, path: str) -> str:
        return absolute(self.config, path)

    def publisher(self) -> dict:
        return {"@type": "Organization", "name": self.config.author or self.config.title, "url": self.abs("")}

    def ref(self, doc_id) -> dict | None:
        """A short node for a linked document: type, name, url."""
        doc = self.site.documents.get(doc_id)
        if doc is None:
            return None
        node = {"@type": SCHEMA_TYPE.get(doc.kind, "Thing"), "name": doc.title}
        if doc_id in self.site.urls:
            node["url"] = self.abs(self.site.urls[doc_id])
        return node  # name and url only: what the linking page shows (incremental builds track cards)

    def targets(self, doc, key) -> list:
        value = doc.fields.get(key)
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            value = [value]
        out = []
        for i in value:
            if isinstance(i, int):
                t = self.site.resolved.get((doc.id, i))
                if t and t not in out:
                    out.append(t)
        return out


SCHEMA_TYPE = {
    "article": "NewsArticle",
    "person": "Person",
    "place": "Place",
    "organization": "Organization",
    "event": "Event",
    "claim": "Claim",
    "page": "WebPage",
}


def _geo(coords) -> dict | None:
    try:
        lat, lon = float(coords[0]), float(coords[1])
    except (TypeError, ValueError, IndexError):
        return None
    return {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}


def _source_nodes(c, doc) -> list:
    """JSON-LD nodes for a document's ``sources:``: dossier articles by reference, external ones in full."""
    nodes = []
    for ref in doc.fields.get("sources", ()):
        if getattr(ref, "link", None) is not None:
            t = c.site.resolved.get((doc.id, ref.link))
            node = c.ref(t) if t else None
        else:
            node = _external(ref)
        if node:
            nodes.append(node)
    return nodes


def _external(src) -> dict | None:
    """An external SourceRef (``source:`` or an entry of ``sources:``) as a CreativeWork."""
    if src.link is not None:
        return None
    date = src.when
    node = {
        "@type": "CreativeWork",
        "name": src.title,
        "url": src.url,
        "sameAs": src.archived_url,
        "datePublished": _iso(date),
        "inLanguage": src.language,
    }
    if src.publisher:
        node["publisher"] = {"@type": "Organization", "name": src.publisher}
    node = _clean(node)
    return node if len(node) > 1 else None


_MACHINE = re.compile(r"machine|unattributed|unknown", re.I)


def _article(c: _Ctx, doc, base: dict, url: str, lang: str, description: str) -> dict:
    f = doc.fields
    source = f.get("source")
    based_on = [node for node in (_external(source) if source else None,) if node]
    based_on.extend(_source_nodes(c, doc))
    data = {
        **base,
        "@type": "NewsArticle",
        "headline": doc.title,
        "datePublished": _iso(doc.date),
        "dateModified": _iso(f.get("updated") or doc.date),
        "author": [{"@type": "Person", "name": a} for a in f.get("authors", ())] or [c.publisher()],
        "publisher": c.publisher(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": lang,
        "keywords": list(f.get("tags", ())),
        "articleSection": f.get("type"),
        "isBasedOn": based_on,
        "mentions": [c.ref(t) for key in ("people", "places", "organizations") for t in c.targets(doc, key)],
    }
    data.pop("name")
    if source is not None and source.translated_from:
        _translation(data, source, based_on)
    return data


def _translation(data: dict, source, based_on: list) -> None:
    """A translated article names its translator (unless a machine) and the work it translates."""
    if source.translator and not _MACHINE.search(source.translator):
        data["translator"] = {"@type": "Person", "name": source.translator}
    if based_on:
        if "inLanguage" not in based_on[0]:
            based_on[0]["inLanguage"] = source.translated_from
        data["translationOfWork"] = based_on[0]


def _person(c: _Ctx, doc, base: dict, url: str, lang: str, description: str) -> dict:
    f = doc.fields
    return {
        **base,
        "@type": "Person",
        "birthDate": _iso(f.get("born")),
        "deathDate": _iso(f.get("died")),
        "jobTitle": list(f.get("roles", ())),
        "affiliation": [c.ref(t) for t in c.targets(doc, "affiliations")],
    }


def _place(c: _Ctx, doc, base: dict, url: str, lang: str, description: str) -> dict:
    f = doc.fields
    within = c.targets(doc, "within")
    return {
        **base,
        "@type": "Place",
        "geo": _geo(f["coordinates"]) if f.get("coordinates") else None,
        "containedInPlace": c.ref(within[0]) if within else None,
    }


def _organization(c: _Ctx, doc, base: dict, url: str, lang: str, description: str) -> dict:
    f = doc.fields
    data = {**base, "@type": "Organization", "foundingDate": _iso(f.get("founded"))}
    if f.get("type"):
        data["additionalType"] = f["type"]
    return data


def _event(c: _Ctx, doc, base: dict, url: str, lang: str, description: str) -> dict:
    f = doc.fields
    place = c.targets(doc, "place")
    data = {
        **base,
        "@type": "Event",
        "startDate": _iso(doc.date),
        "endDate": _iso(f.get("end")),
        "location": c.ref(place[0]) if place else None,
        "about": [c.ref(t) for key in ("people", "organizations") for t in c.targets(doc, key)],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if f.get("approximate") or (doc.date is not None and doc.date.approximate):
        data["description"] = ("Approximate date. " + description).strip()
    return data


def _claim(c: _Ctx, doc, base: dict, url: str, lang: str, description: str) -> dict:
    f = doc.fields
    value, label = CLAIM_RATINGS.get(f.get("status", "unverified"), (3, str(f.get("status")).capitalize()))
    claimant = c.targets(doc, "claimant")
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": doc.title,
        "datePublished": _iso(f.get("updated") or doc.date),
        "author": c.publisher(),
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
                         "alternateName": label},
        "itemReviewed": {
            "@type": "Claim",
            "author": c.ref(claimant[0]) if claimant else None,
            "datePublished": _iso(doc.date),
            "appearance": _source_nodes(c, doc),
        },
        "description": description,
        "inLanguage": lang,
    }


def _page(c: _Ctx, doc, base: dict, url: str, lang: str, description: str) -> dict:
    return {**base, "@type": "WebPage", "inLanguage": lang, "isPartOf": {"@type": "WebSite", "url": c.abs("")}}


# kind -> builder (ctx, doc, base node, absolute url, language, description) -> JSON-LD node
JSONLD_BUILDERS = {
    "article": _article,
    "person": _person,
    "place": _place,
    "organization": _organization,
    "event": _event,
    "claim": _claim,
    "page": _page,
}


def document_jsonld(views, doc) -> dict:
    c = _Ctx(views)
    url = c.abs(c.site.urls.get(doc.id, ""))
    description = views.card(doc.id).get("summary") or ""
    lang = doc.fields.get("lang") or c.config.language
    base = {"@context": "https://schema.org", "url": url, "name": doc.title, "description": description}
    if doc.aliases:
        base["alternateName"] = list(doc.aliases)
    data = JSONLD_BUILDERS.get(doc.kind, _page)(c, doc, base, url, lang, description)
    if doc.fields.get("sensitive"):
        data["description"] = SENSITIVE_DESCRIPTION
    data = {"@context": "https://schema.org", "@type": data["@type"], **data}
    return _clean(data)


def page_jsonld(views, route: Route, title: str) -> dict:
    c = _Ctx(views)
    url = c.abs(route.url)
    if route.url == "":
        return _clean({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": c.config.title,
            "description": c.config.description,
            "url": url,
            "inLanguage": c.config.language,
            "publisher": c.publisher(),
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": c.abs("search/") + "?q={search_term_string}"},
                "query-input": "required name=search_term_string",
            },
        })
    return _clean({
        "@context": "https://schema.org",
        "@type": "WebPage" if route.template in ("search.html", "404.html") else "CollectionPage",
        "name": title,
        "url": url,
        "inLanguage": c.config.language,
        "isPartOf": {"@type": "WebSite", "name": c.config.title, "url": c.abs("")},
    })


def _page_title(views, route: Route, extra: dict) -> str:
    site = views.site
    if route.template == "list.html" and route.extra in FOLDERS:
        from ..model import KIND_LABELS

        return views._(KIND_LABELS[route.extra][1])
    if route.template == "tag.html" and route.extra in site.tags:
        return "#" + site.tags[route.extra][0]
    named = {"tags/": "Tags", "timeline/": "Timeline", "search/": "Search", "sources/": "Sources", "404.html": "Page not found"}
    if route.url in named:
        return views._(named[route.url])  # the same labels as the templates' headings
    return site.config.title if route.url == "" else (extra.get("title") or site.config.title)


def _og_locale(language: str) -> str | None:
    parts = language.replace("-", "_").split("_")
    if len(parts) >= 2 and len(parts[1]) == 2:
        return f"{parts[0].lower()}_{parts[1].upper()}"
    return None


def head(views, route: Route, extra: dict | None = None) -> dict:
    """Everything ``partials/head_meta.html`` prints for one page."""
    extra = extra or {}
    site = views.site
    config = site.config
    doc = site.documents.get(route.doc_id) if route.doc_id else None
    if doc is not None:
        title = doc.title
        description = views.card(doc.id).get("summary") or config.description
        data = document_jsonld(views, doc)
        if site.translations:
            add_translations_jsonld(views, doc, data)
        if doc.fields.get("sensitive"):
            description = SENSITIVE_DESCRIPTION
    else:
        title = _page_title(views, route, extra)
        description = config.description
        data = page_jsonld(views, route, title)
    og = [
        ("og:type", _OG_TYPES.get(doc.kind, "website") if doc is not None else "website"),
        ("og:title", title),
        ("og:description", description),
        ("og:url", absolute(config, route.url) if config.origin else None),  # Open Graph wants absolute URLs
        ("og:site_name", config.title),
        ("og:locale", _og_locale((doc.fields.get("lang") if doc is not None else None) or config.language)),
        *(_article_og(doc) if doc is not None and doc.kind == "article" else ()),
    ]
    return {
        "canonical": absolute(config, route.url),
        "og": [(k, v) for k, v in og if v],
        "twitter": [("twitter:card", "summary"), ("twitter:title", title), ("twitter:description", description)],
        "jsonld": json_script(data),
        "feeds": _feed_links(views, route),
        "noindex": route.template == "404.html",
    }


_OG_TYPES = {"article": "article", "person": "profile"}


def _article_og(doc) -> list:
    og = []
    if doc.date:
        og.append(("article:published_time", doc.date.iso()))
    if doc.fields.get("updated"):
        og.append(("article:modified_time", doc.fields["updated"].iso()))
    og.extend(("article:tag", t) for t in doc.fields.get("tags", ()))
    return og


def _feed_links(views, route: Route) -> list[dict]:
    site, config = views.site, views.site.config
    folder = getattr(views, "folder", "")  # a language's own feeds, in a multilingual dossier
    feeds = [{"type": "application/atom+xml", "title": f"{config.title} (Atom)", "href": views.url(folder + "feed.xml")},
             {"type": "application/feed+json", "title": f"{config.title} (JSON Feed)", "href": views.url(folder + "feed.json")}]
    if route.template == "tag.html" and route.extra in site.tags:
        feeds.append({"type": "application/atom+xml", "title": f"#{site.tags[route.extra][0]} · {config.title}",
                      "href": views.url(f"tags/{route.extra}/feed.xml")})
    return feeds


__all__ = ["head", "json_script", "document_jsonld", "page_jsonld", "absolute", "CLAIM_RATINGS"]
