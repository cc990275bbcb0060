"""Cards: what other pages show of a document, computed once per build at resolve time.

A :class:`~dossier.model.Card` holds the fields listings, backlinks, related
lists, feeds and exports display, and a digest of them. Incremental builds
compare card digests to know which pages that *show* a document must be
rendered again; views format the same card for templates (``Views.card``).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from ..model import Card, Document

SUMMARY_CHARS = 220
_GRAPHEME_SAFE = re.compile(r"\s+\S*$")


def truncate(text: str, limit: int) -> str:
    """Cut plain text at a word boundary (never inside a grapheme); escaping happens later, in the template."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    shorter = _GRAPHEME_SAFE.sub("", cut)
    if len(shorter) > limit // 2:
        cut = shorter
    else:
        while cut and unicodedata.combining(cut[-1]) or (cut and "\u200d" == cut[-1]):
            cut = cut[:-1]
    return cut.rstrip(" ,;:") + "…"


def make_card(doc: Document, url: str | None, versions: tuple = ()) -> Card:
    """``versions``: (language, id) of every version of the document in a multilingual dossier (listings show them)."""
    f = doc.fields
    fields = dict(
        id=doc.id, kind=doc.kind, title=doc.title, url=url, slug=doc.slug, date=f.get("date"), end=f.get("end"),
        summary=f.get("summary") or truncate(doc.text, SUMMARY_CHARS), lang=f.get("lang"), aliases=doc.aliases,
        status=f.get("status"), type=f.get("type"), tags=tuple(f.get("tags", ())), sensitive=bool(f.get("sensitive")),
        versions=versions,
    )
    # the maps draw these; the sitemap shows the date a page was updated and leaves drafts out
    drawn = (f.get("coordinates"), f.get("location_precision"), f.get("updated"), doc.draft)
    digest = hashlib.blake2b(repr((*fields.values(), *drawn)).encode(), digest_size=12).hexdigest()
    return Card(**fields, digest=digest)


def make_cards(documents: dict, urls: dict, translations=None) -> dict:
    if translations is None:
        return {doc_id: make_card(doc, urls.get(doc_id)) for doc_id, doc in documents.items()}
    return {doc_id: make_card(doc, urls.get(doc_id), _versions(doc_id, translations)) for doc_id, doc in documents.items()}


def _versions(doc_id, translations) -> tuple:
    """(language, id) of the document itself, then of every version of its family (original first)."""
    original = translations.canon(doc_id)
    family = translations.versions.get(original, {translations.lang_of[original]: original})
    return ((translations.lang_of[doc_id], doc_id), *sorted(family.items()))


__all__ = ["Card", "make_card", "make_cards", "truncate", "SUMMARY_CHARS"]
