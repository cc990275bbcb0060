"""A URL for every page, listing and export; two sources for one URL is an error naming both."""
from __future__ import annotations

import dataclasses
import posixpath

from .. import diagnostics as dg
from ..model import FOLDERS, KINDS, Document, DocId, Route
from ..names import slugify
from ..parse.conventions import read_name

# Listing routes the site always has, with a readable owner for collision messages.
# Other modules append (url, template, extra, owner) entries for their pages.
FIXED = [
    ("", "index.html", None, "the home page"),
    ("tags/", "tags.html", None, "the tags index"),
    ("timeline/", "timeline.html", None, "the timeline"),
    ("map/", "map.html", None, "the map"),
    ("404.html", "404.html", None, "the 404 page"),
    ("sources/", "sources.html", None, "the sources index"),
    ("search/", "search.html", None, "the search page"),
]


def doc_url(doc: Document, permalinks: dict) -> str:
    lang = doc.fields.get("_lang_prefix")
    url = _own_url(doc, permalinks)
    return f"{lang}/{url}" if lang else url


def _placeholders(slug: str, kind: str, date) -> dict[str, str]:
    """What ``:name`` stands for in a permalink pattern (ours, Hugo's and Jekyll's names)."""
    year = f"{date.year:04d}" if date else "undated"
    month = f"{date.month:02d}" if date and date.month else "00"
    day = f"{date.day:02d}" if date and date.day else "00"
    return {
        ":short_year": year[-2:], ":i_month": month.lstrip("0") or "0", ":i_day": day.lstrip("0") or "0",
        ":year": year, ":month": month, ":day": day, ":slug": slug, ":title": slug, ":filename": slug,
        ":section": FOLDERS.get(kind, ""), ":categories": "", ":output_ext": "",
    }


def expand(pattern: str, slug: str, kind: str, date) -> str:
    """A permalink pattern filled in: "/:year/:month/:slug/" -> "2021/08/report/"."""
    url = str(pattern)
    for name, value in _placeholders(slug, kind, date).items():  # longest names first (":short_year" before ":year")
        url = url.replace(name, value)
    parts = [slugify(p) for p in url.strip("/").split("/") if p]
    return "/".join(parts) + "/" if parts else ""


def _own_url(doc: Document, permalinks: dict) -> str:
    own = doc.fields.get("permalink")
    if own is not None:  # the page's own address (Jekyll, WordPress exports); may be a pattern
        return expand(own, doc.slug, doc.kind, doc.date) if ":" in own else own
    pattern = permalinks.get(doc.kind) or permalinks.get(FOLDERS.get(doc.kind, ""))
    if pattern:
        return expand(pattern, doc.slug, doc.kind, doc.date)
    if doc.kind in FOLDERS:
        return f"{FOLDERS[doc.kind]}/{doc.slug}/"
    folder = posixpath.dirname(doc.path[len("content/"):])
    name = read_name(doc.path)
    if (name.bundle or name.section) and folder:  # a bundle: its folder is the page
        folder = posixpath.dirname(folder)
    parts = [slugify(p) for p in folder.split("/") if p] + [doc.slug]
    if parts == ["index"]:
        return ""
    return "/".join(parts) + "/"


# Pages every other language of a multilingual dossier has under its folder (/fa-af/...).
LANGUAGE_PAGES = [("", "index.html", None), ("timeline/", "timeline.html", None), ("map/", "map.html", None),
                  ("search/", "search.html", None)]
# Their urls below a language's folder (the kind indexes included): each language's copy of a shared page.
SHARED_PAGES = frozenset([url for url, _t, _e in LANGUAGE_PAGES] + [f"{folder}/" for folder in KINDS])


def build_routes(documents: dict[DocId, Document], tags: dict, permalinks: dict, translations=None):
    routes: dict[str, Route] = {}
    owners: dict[str, str] = {}  # url (case-folded) -> who writes it
    urls: dict[DocId, str] = {}
    diags: list[dg.Diagnostic] = []

    def add(route: Route, owner: str, doc: Document | None = None, redirect: tuple | None = None) -> bool:
        key = route.url.casefold()
        if key in owners:
            first = owners[key]
            where = doc.path if doc else None
            if redirect:  # (old slug, line): a previous_slugs redirect must never replace a page
                diags.append(dg.error("D501", f'previous_slugs: the redirect from "{redirect[0]}" would overwrite '
                                      f'{first} at /{route.url} ({where} and {first} both want that URL)',
                                      where, redirect[1], hint=f"remove \"{redirect[0]}\" from previous_slugs, or give {first} another slug"))
                return False
            diags.append(dg.error("D501", f'{first} and {where or owner} both write the URL /{route.url}',
                                  where, 1 if doc else None,
                                  hint="give one of them another slug: in front matter, slug: another-name"))
            return False
        owners[key] = doc.path if doc else owner
        routes[route.url] = route
        return True

    for url, template, extra, owner in FIXED:
        add(Route(url, template, None, extra), owner)
    for folder, kind in KINDS.items():
        add(Route(f"{folder}/", "list.html", None, kind), f"the {folder} index")
    for tag_slug in sorted(tags):
        add(Route(f"tags/{tag_slug}/", "tag.html", None, tag_slug), f'the tag page "{tags[tag_slug][0]}"')
    for lang in (translations.languages[1:] if translations else ()):
        pages = LANGUAGE_PAGES + [(f"{folder}/", "list.html", kind) for folder, kind in KINDS.items()]
        for url, template, extra in pages:
            add(Route(lang.path + url, template, None, extra), f"the {lang.code} pages")
    for doc in sorted(documents.values(), key=lambda d: d.path):
        url = doc_url(doc, permalinks)
        if translations and translations.lang_of[doc.id] != translations.default:
            original = documents[translations.canon(doc.id)]  # a version lives at its original's address
            if doc.id in translations.slugs:
                original = dataclasses.replace(doc, slug=translations.slugs[doc.id],  # its folder comes from languages:
                                               fields={**doc.fields, "_lang_prefix": None})
            url = translations.folder(translations.lang_of[doc.id]) + doc_url(original, permalinks)
        template = doc.fields.get("template") or f"{doc.kind}.html"
        if add(Route(url, template, doc.id), doc.path, doc):
            urls[doc.id] = url
    for doc in sorted(documents.values(), key=lambda d: d.path):  # old addresses, after every real page
        if doc.id in urls:
            for old, old_url in previous_urls(doc, permalinks):
                if old_url.casefold() != urls[doc.id].casefold():
                    add(Route(old_url, "redirect.html", None, doc.id), doc.path, doc,
                        redirect=(old, doc.line("previous_slugs")))
    return routes, urls, diags


def previous_urls(doc: Document, permalinks: dict) -> list[tuple[str, str]]:
    """(what the author wrote, URL) for each ``previous_slugs`` entry: a slug, or a site path with "/"."""
    import dataclasses

    out = []
    for old in doc.fields.get("previous_slugs", ()) or ():
        old = str(old).strip()
        if "/" in old:
            parts = [slugify(p) for p in old.strip("/").split("/") if p and p not in (".", "..")]
            url = "/".join(parts) + "/" if parts else ""
            page = old.rstrip("/").rsplit("/", 1)[-1]
            if parts and page.lower().endswith((".html", ".htm")):  # an old file address (Jekyll, WordPress)
                url = "/".join(parts[:-1] + [slugify(page.rsplit(".", 1)[0]) + ".html"])
        else:
            url = doc_url(dataclasses.replace(doc, slug=slugify(old), fields={**doc.fields, "permalink": None}), permalinks)
        if url:
            out.append((old, url))
    return out


def output_path(url: str) -> str:
    """URL path below the site root -> file path below the output folder."""
    if url == "" or url.endswith("/"):
        return url + "index.html"
    return url
