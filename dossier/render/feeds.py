"""Feeds and crawler files: ``/feed.xml`` (Atom 1.0), ``/feed.json`` (JSON Feed 1.1),
``/tags/<tag>/feed.xml``, ``/sitemap.xml`` and ``/robots.txt``.

Why no feed library and no templates: XML is written with the standard
library's ElementTree, which escapes every text and attribute value by
construction (a template would leave escaping to whoever edits it; the feed
libraries on PyPI either pull in lxml or do not write JSON Feed), and JSON Feed
with ``json.dumps``. Before anything is serialised, every string passes
:func:`xml_text`, which drops the characters XML 1.0 forbids (NUL and the other
C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF): scraped text
carrying a stray ``\\x02`` must not make the whole feed unreadable
(RELIABILITY.md row 20). Summaries are cut as plain text first and escaped
afterwards, so no entity is ever cut in half (row 21).

Articles only (newest first, ``feeds.count`` of them, default 20), without
drafts and without pages marked ``sensitive``. ``feeds.content``: ``full``
(default: the rendered article, links made absolute) or ``summary``.
URLs are absolute when ``base_url`` has a host; otherwise they are prefixed
paths and ``dossier build`` prints a note (:func:`base_url_note`).
"""
from __future__ import annotations

import bisect
import json
import re
import uuid
import xml.etree.ElementTree as ET
from typing import Iterator

from ..model import Document, Output, Part, Site
from ..names import slugify
from .jsonld import absolute

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
DEFAULT_COUNT = 20
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src|poster)=")(/(?!/)[^"]*)"')
GENERATOR = "dossier"


def xml_text(value) -> str:
    """A string XML 1.0 can carry: forbidden control characters removed."""
    return _INVALID_XML.sub("", "" if value is None else str(value))


def base_url_note(site: Site | None) -> str | None:
    """One line for the build output when feeds and the sitemap cannot have absolute URLs."""
    if site is None or site.config.origin:
        return None
    return ("note: feed.xml, feed.json and sitemap.xml need an absolute base_url to give readers and crawlers "
            "full addresses; set base_url: https://your.host/path/ in dossier.yaml (or pass --base-url) before publishing")


def _newest_first(site: Site, memo: dict | None = None) -> list[Document]:
    """The articles a feed may show (a page, no draft, not sensitive), newest first (then by id), sorted once.

    ``memo`` (kept by the caller between builds): the last call's articles and their order; the articles that
    are not the very objects of the last call (or came, or went) are taken out and put back in place."""
    docs = {d.id: d for d in site.documents.values()
            if d.kind == "article" and d.id in site.urls and not d.draft and not d.fields.get("sensitive")}
    ascending = _reordered(memo, docs) if memo else None
    if ascending is None:
        ascending = sorted((_feed_key(d), d.id) for d in docs.values())
    if memo is not None:
        memo["docs"], memo["ascending"] = docs, ascending
    return [docs[doc_id] for _key, doc_id in reversed(ascending)]


def _feed_key(doc: Document) -> tuple:
    return doc.date.sort_key() if doc.date else (0,)


def _reordered(memo: dict, docs: dict) -> list | None:
    """The last order with the changed articles moved (None: too many changed, sort them all)."""
    before = memo["docs"]
    changed = [i for i, d in docs.items() if before.get(i) is not d] + [i for i in before if i not in docs]
    if len(changed) * 8 > len(docs):
        return None
    ascending = list(memo["ascending"])
    for doc_id in changed:
        if doc_id in before:
            del ascending[bisect.bisect_left(ascending, (_feed_key(before[doc_id]), doc_id))]
        if doc_id in docs:
            bisect.insort(ascending, (_feed_key(docs[doc_id]), doc_id))
    return ascending


def feed_windows(site: Site, memo: dict | None = None) -> Iterator[tuple[str, str, str | None, list[Document]]]:
    """(path, language, tag slug or None, the articles shown) of every feed: the site's (one per language,
    ``feeds.count`` newest articles of that language) and one per tag (the default language's articles).
    ``memo``: see :func:`_newest_first`."""
    tr = site.translations  # a multilingual dossier: each language has its own feeds
    count = site.config.feeds.get("count", DEFAULT_COUNT)
    ordered = _newest_first(site, memo)
    default = site.config.language

    def of(language: str) -> list[Document]:
        return ordered if tr is None else [d for d in ordered if tr.lang_of[d.id] == language]

    mine = of(default)
    yield "feed.xml", default, None, mine[:count]
    for lang in (tr.languages[1:] if tr else ()):
        yield lang.path + "feed.xml", lang.code, None, of(lang.code)[:count]
    rank = {d.id: i for i, d in enumerate(mine)}
    for tag_slug, (_name, ids) in sorted(site.tags.items()):
        shown = sorted((i for i in set(ids) if i in rank), key=rank.__getitem__)[:count]
        yield f"tags/{tag_slug}/feed.xml", default, tag_slug, [site.documents[i] for i in shown]


def _reads(site: Site, docs: list[Document]) -> frozenset:
    """The documents a feed shows: its articles and the targets of their links (whose URLs and cards they show)."""
    ids = {d.id for d in docs}
    for d in docs:
        ids.update(t for i in range(len(d.links)) if (t := site.resolved.get((d.id, i))))
    return frozenset(ids)


def _updated(doc: Document):
    return doc.fields.get("updated") or doc.date


def _entry_id(site: Site, doc: Document) -> str:
    """The entry's permanent id: its URL when absolute, else a UUID derived from the site and the page."""
    if site.config.origin:
        return absolute(site.config, site.urls[doc.id])
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"dossier:{site.config.title}:{doc.id}"))


def _feed_id(site: Site, path: str) -> str:
    if site.config.origin:
        return absolute(site.config, path)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"dossier:{site.config.title}:{path}"))


def _content_html(site: Site, views, doc: Document) -> str:
    html = str(views.fill_slots(doc))
    origin = site.config.origin
    if origin:
        html = _ROOT_RELATIVE.sub(lambda m: f'{m.group(1)}{origin}{m.group(2)}"', html)
    return xml_text(html)


def _item(site: Site, views, doc: Document) -> dict:
    card = views.card(doc.id)
    full = site.config.feeds.get("content", "full") == "full"
    f = doc.fields
    return {
        "id": _entry_id(site, doc),
        "url": absolute(site.config, site.urls[doc.id]),
        "title": xml_text(doc.title),
        "summary": xml_text(card.get("summary") or ""),
        "content": _content_html(site, views, doc) if full else None,
        "published": doc.date,
        "updated": _updated(doc),
        "authors": [xml_text(a) for a in f.get("authors", ())],
        "tags": [(slugify(t), xml_text(t)) for t in f.get("tags", ())],
        "lang": f.get("lang"),
        "external_url": getattr(f.get("source"), "url", None),
    }


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_text(text)
    return el


def atom(site: Site, views, docs: list[Document], path: str, title: str, alternate: str) -> bytes:
    config = site.config
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": views.language})
    _sub(feed, "id", _feed_id(site, path))
    _sub(feed, "title", title)
    if config.description:
        _sub(feed, "subtitle", config.description)
    items = [_item(site, views, d) for d in docs]
    stamps = [i["updated"] for i in items if i["updated"]]
    newest = max(stamps, key=lambda d: d.sort_key()).rfc3339() if stamps else "1970-01-01T00:00:00Z"
    _sub(feed, "updated", newest)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute(config, path))
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute(config, alternate))
    author = _sub(feed, "author")
    _sub(author, "name", config.author or config.title)
    _sub(feed, "generator", GENERATOR)
    for item in items:
        entry = _sub(feed, "entry")
        _sub(entry, "id", item["id"])
        _sub(entry, "title", item["title"], type="text")
        _sub(entry, "link", rel="alternate", type="text/html", href=item["url"])
        if item["published"]:
            _sub(entry, "published", item["published"].rfc3339())
        _sub(entry, "updated", item["updated"].rfc3339() if item["updated"] else newest)
        for name in item["authors"]:
            _sub(_sub(entry, "author"), "name", name)
        for term, label in item["tags"]:
            _sub(entry, "category", term=term, label=label)
        if item["summary"]:
            _sub(entry, "summary", item["summary"], type="text")
        if item["content"] is not None:
            _sub(entry, "content", item["content"], type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def json_feed(site: Site, views, docs: list[Document], path: str = "feed.json") -> bytes:
    config = site.config
    items = []
    for d in docs:
        i = _item(site, views, d)
        entry = {
            "id": i["id"],
            "url": i["url"],
            "title": i["title"],
            "summary": i["summary"] or None,
            "date_published": i["published"].rfc3339() if i["published"] else None,
            "date_modified": i["updated"].rfc3339() if i["updated"] else None,
            "authors": [{"name": n} for n in i["authors"]] or None,
            "tags": [label for _, label in i["tags"]] or None,
            "language": i["lang"],
            "external_url": i["external_url"],
        }
        if i["content"] is not None:
            entry["content_html"] = i["content"]
        else:
            entry["content_text"] = i["summary"] or i["title"]
        items.append({k: v for k, v in entry.items() if v is not None})
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": xml_text(views.site_view["title"]),
        "home_page_url": absolute(config, views.folder),
        "feed_url": absolute(config, path),
        "description": xml_text(views.site_view["description"]) or None,
        "language": views.language,
        "authors": [{"name": xml_text(config.author or config.title)}],
        "items": items,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _lastmod(doc: Document) -> str | None:
    """W3C date for a sitemap: only dates known to the day (a month is not a day)."""
    d = _updated(doc)
    if d is None or d.day is None:
        return None
    return d.rfc3339() if d.hour is not None else d.iso()


def sitemap(site: Site) -> bytes:
    """sitemap.xml, written as text (ElementTree took 1.3 s of a save at 4,000 articles for the same bytes)."""
    newest_by = _newest_by_kind(site)
    entries = []
    for url in sorted(site.routes):
        route = site.routes[url]
        if not (url == "" or url.endswith("/")) or route.template == "redirect.html":
            continue  # 404.html, feeds, redirects
        doc = site.documents.get(route.doc_id) if route.doc_id else None
        if doc is not None and doc.draft:
            continue
        lm = _lastmod(doc) if doc is not None else (
            newest_by.get("") if url == "" else newest_by.get(route.extra) if route.template == "list.html" else None)
        entry = f"  <url>\n    <loc>{_xml_escape(xml_text(absolute(site.config, url)))}</loc>\n"
        if site.translations:
            entry += _sitemap_alternates(site, route)
        if lm:
            entry += f"    <lastmod>{_xml_escape(lm)}</lastmod>\n"
        entries.append(entry + "  </url>\n")
    head = f"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=\"{SITEMAP_NS}\""
    if any("<xhtml:link " in e for e in entries):  # (ElementTree declared a namespace only where used)
        head += f' xmlns:xhtml="{XHTML_NS}"'
    body = f">\n{''.join(entries)}</urlset>" if entries else " />"
    return (head + body + "\n").encode("utf-8")


def _newest_by_kind(site: Site) -> dict[str, str]:
    """The newest day-precise date overall ("") and per kind, for the index pages' lastmod."""
    newest_by: dict[str, str] = {}
    for doc in site.documents.values():
        lm = _lastmod(doc)
        if lm and doc.id in site.urls and not doc.draft:
            for key in ("", doc.kind):
                if lm[:10] > newest_by.get(key, "")[:10]:
                    newest_by[key] = lm[:10]
    return newest_by


def _xml_escape(text: str) -> str:
    """Text content as ElementTree writes it (&, < and > escaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sitemap_alternates(site: Site, route) -> str:
    """<xhtml:link rel="alternate" hreflang=...> for each version of a page (and x-default), as Google reads them."""
    from .languages import version_urls

    urls = version_urls(site, route)
    if len(urls) < 2:
        return ""
    default = site.translations.default
    links = [*urls.items(), *((("x-default", urls[default]),) if default in urls else ())]
    return "".join(f'    <xhtml:link rel="alternate" hreflang="{_xml_attr(code)}" href="{_xml_attr(absolute(site.config, path))}" />\n'
                   for code, path in links)


def _xml_attr(text: str) -> str:
    """An attribute value as ElementTree writes it."""
    return _xml_escape(text).replace('"', "&quot;").replace("\n", "&#10;")


def robots(site: Site) -> bytes:
    config = site.config
    lines = ["User-agent: *", f"Disallow: {config.prefix}pagefind/", ""]
    if config.origin:
        lines.append(f"Sitemap: {absolute(config, 'sitemap.xml')}")
    else:
        lines.append(f"# Sitemap: needs an absolute base_url in dossier.yaml; the sitemap is at {config.prefix}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")


def feed_parts(site: Site, views) -> Iterator[Part]:
    """Every feed as a :class:`Part`: remade only when its window or a document it shows changed."""
    config = site.config
    for path, language, tag_slug, docs in feed_windows(site, views.memo.feeds):
        mine = views if language == views.language else views.for_language(language)
        if tag_slug is not None:
            title, alternate = xml_text(f"#{site.tags[tag_slug][0]} · {config.title}"), f"tags/{tag_slug}/"
        else:  # the default language's feed has the site's title (its languages: entry's only in other languages)
            title = xml_text(config.title if language == config.language else mine.site_view["title"])
            alternate = path[: -len("feed.xml")]
        yield Part(path, (title, tuple(d.id for d in docs)), _reads(site, docs), _feed_maker(site, mine, docs, path, title, alternate))


def _feed_maker(site: Site, views, docs: list[Document], path: str, title: str, alternate: str):
    def make() -> Iterator[Output]:
        yield Output(path, atom(site, views, docs, path, title, alternate))
        if not path.startswith("tags/"):
            json_path = path[: -len("feed.xml")] + "feed.json"
            yield Output(json_path, json_feed(site, views, docs, json_path))
    return make


def feeds(site: Site, views) -> Iterator[Output]:
    """feed.xml and feed.json (per language), tags/<tag>/feed.xml."""
    for part in feed_parts(site, views):
        yield from part.make()


def site_files(site: Site, views) -> Iterator[Output]:
    yield Output("sitemap.xml", sitemap(site))
    yield Output("robots.txt", robots(site))


__all__ = ["xml_text", "atom", "json_feed", "sitemap", "robots", "feed_windows", "base_url_note", "feeds", "feed_parts", "site_files"]
