"""A multilingual dossier's links between languages: the switcher and the hreflang alternates of a page.

Every page of a language has a switcher entry for each language: to the page's version in that
language when there is one, else to that language's home. ``hreflang`` alternates (and
``x-default``, the default language's version) name only real versions, the same set on
every version of a page, so the pairs are reciprocal.
"""
from __future__ import annotations

import html
import re

from ..model import KINDS, Route
from ..names import is_arabic_script, match_key
from ..resolve.routes import SHARED_PAGES
from .jsonld import absolute


def version_urls(site, route: Route) -> dict[str, str]:
    """Language code -> site path of this page's version in that language (only the page's own for one-language pages)."""
    tr = site.translations
    if route.doc_id:
        family = tr.versions.get(tr.canon(route.doc_id)) or {tr.lang_of[route.doc_id]: route.doc_id}
        return {lang.code: site.urls[family[lang.code]] for lang in tr.languages
                if lang.code in family and family[lang.code] in site.urls}
    here = next((lang for lang in tr.languages[1:] if route.url.startswith(lang.path)), tr.languages[0])
    rest = route.url[len(here.path):]
    if rest not in SHARED_PAGES:
        return {here.code: route.url}
    return {lang.code: lang.path + rest for lang in tr.languages}


def language_links(views, route: Route) -> dict:
    tr, config = views.tr, views.site.config
    urls = version_urls(views.site, route)
    switcher = [{"code": lang.code, "name": lang.name, "url": views.url(urls.get(lang.code, lang.path)),
                 "current": lang.code == views.language, "translated": lang.code in urls} for lang in tr.languages]
    alternates = [{"code": code, "href": absolute(config, url)} for code, url in urls.items()] if len(urls) > 1 else []
    x_default = absolute(config, urls[tr.default]) if alternates and tr.default in urls else None
    return {"languages": switcher, "alternates": alternates, "x_default": x_default}


def link_language(views, doc, target, label: str) -> str:
    """Attributes of a body link from ``doc`` to ``target`` written in another language.

    ``hreflang`` names the language of the page it leads to; ``lang`` and ``dir`` mark the link's
    text too when it is written in that language: in the target's script where the page's is
    another (a Latin name on a Dari page), or one of the target's own names.
    """
    tr = views.tr
    page, there = tr.lang_of.get(doc.id, views.language), tr.lang_of.get(target)
    if not there or there == page:
        return ""
    attrs = f' hreflang="{there}"'
    text = html.unescape(re.sub(r"<[^>]*>", "", label)).strip()
    own_names = {match_key(n) for n in (views.site.documents[target].title, *views.site.documents[target].aliases)}
    target_rtl = tr.language(there).direction == "rtl"
    in_script = any(ch.isalpha() for ch in text) and is_arabic_script(text) == target_rtl
    if match_key(text) in own_names or (in_script and target_rtl != (tr.language(page).direction == "rtl")):
        attrs += f' lang="{there}" dir="{"rtl" if target_rtl else "ltr"}"'
    return attrs


# Lines of the theme's CSS and scripts that only pages in other languages use: from a line
# starting "/* i18n: " to the line "/* :i18n */", both included.
_I18N_PART = re.compile(rb"^[ \t]*/\* i18n: .*?^[ \t]*/\* :i18n \*/\n", re.S | re.M)


def english_only(site) -> bool:
    """A single-language English site: its pages use none of the theme's multilingual parts."""
    return not site.translations and (site.config.language or "en").lower().split("-")[0] == "en"


def static_file(site, path: str, src):
    """A theme file as published: on an English single-language site, without its ``i18n:`` parts,
    so such a site gets the same bytes as before dossier had languages."""
    if not path.endswith((".css", ".js")) or "/vendor/" in path or not english_only(site):
        return src
    data = src.read_bytes()
    return _I18N_PART.sub(b"", data) if b"/* i18n: " in data else src


__all__ = ["language_links", "version_urls", "add_translations_jsonld", "english_only", "static_file"]
