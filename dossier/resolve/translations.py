"""Multilingual dossiers: which documents are versions of one another, and in which language.

With ``languages:`` in dossier.yaml, ``name.fa.md`` beside ``name.md`` (or any file with
``translation_of: <path, slug or title>``) is the ``fa`` version of the same document. The
original is the *canonical* document: links to any version resolve to it, so a person has one
identity, one set of backlinks and one timeline whatever language names them; pages then show
each item in the reader's language when a version exists. A document without an original
exists in its own language only (``lang:``, else the default language).

Without ``languages:`` nothing here runs and nothing changes.
"""
from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field

from .. import diagnostics as dg
from ..model import ENTITY_KINDS, Document, DocId
from ..names import slugify


@dataclass
class Translations:
    default: str  # the default language's code
    languages: tuple  # config.Language values, default first
    lang_of: dict[DocId, str] = field(default_factory=dict)  # every document's language code
    canonical: dict[DocId, DocId] = field(default_factory=dict)  # a translation -> its original
    versions: dict[DocId, dict[str, DocId]] = field(default_factory=dict)  # original -> {code: document}
    slugs: dict[DocId, str] = field(default_factory=dict)  # "x.fa.md" without an original: its slug is "x"
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)

    def canon(self, doc_id: DocId | None) -> DocId | None:
        return self.canonical.get(doc_id, doc_id)

    def version(self, doc_id: DocId, code: str) -> DocId:
        """The document of ``doc_id``'s family written in ``code``, else the original."""
        original = self.canon(doc_id)
        return self.versions.get(original, {}).get(code, original)

    def family(self, ids) -> set:
        """``ids`` and every other version of their documents (for incremental rebuilds: versions share pages' data)."""
        out = set(ids)
        for doc_id in ids:
            original = self.canon(doc_id)
            out.add(original)
            out.update(self.versions.get(original, {}).values())
        return out

    def language(self, code: str):
        return next((lang for lang in self.languages if lang.code == code), self.languages[0])

    def folder(self, code: str) -> str:
        """URL folder of a language ("fa-af/"; "" for the default)."""
        return self.language(code).path if code != self.default else ""


def link_translations(documents: dict[DocId, Document], config, index) -> Translations | None:
    languages = tuple(getattr(config, "languages", ()) or ())
    if not languages:
        return None
    out = Translations(languages[0].code, languages)
    codes = {lang.code.lower(): lang.code for lang in languages}
    by_path = {doc.path: doc.id for doc in documents.values()}
    for doc in sorted(documents.values(), key=lambda d: d.path):
        code, original = _from_file_name(doc.path, codes, by_path)
        written = doc.fields.get("translation_of")
        if written:
            original = _find_original(doc, str(written), by_path, index, out.diagnostics)
        own = str(doc.fields.get("lang") or "").lower()
        out.lang_of[doc.id] = code or codes.get(own) or out.default
        if original and original != doc.id:
            out.canonical[doc.id] = original
        elif code and not doc.fields.get("slug"):
            out.slugs[doc.id] = slugify(posixpath.basename(doc.path).rsplit(".", 2)[0], fallback_seed=doc.path)
    for doc_id, original in out.canonical.items():
        original = out.canon(original)  # a translation of a translation belongs to the same family
        out.canonical[doc_id] = original
        family = out.versions.setdefault(original, {out.lang_of[original]: original})
        code = out.lang_of[doc_id]
        if code in family:
            doc = documents[doc_id]
            out.diagnostics.append(dg.error(
                "D701", f"{doc.path} and {documents[family[code]].path} are both the {code} version of "
                f"{documents[original].path}", doc.path, doc.line("translation_of", default=1),
                hint="set lang: to the translation's language (" + ", ".join(lang.code for lang in out.languages[1:]) + ")"))
            continue
        family[code] = doc_id
    return out


def _from_file_name(path: str, codes: dict[str, str], by_path: dict[str, DocId]) -> tuple[str | None, DocId | None]:
    """"content/people/x.fa.md" -> ("fa", id of content/people/x.md when it exists)."""
    stem, ext = posixpath.splitext(path)
    base, dot, suffix = stem.rpartition(".")
    if not dot or suffix.lower() not in codes:
        return None, None
    return codes[suffix.lower()], by_path.get(base + ext) or by_path.get(base + ".md")


def _find_original(doc: Document, written: str, by_path: dict, index, diags: list) -> DocId | None:
    path = posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), written))
    if path in by_path:
        return by_path[path]
    ids, _tier = index.lookup(written)
    if len(ids) == 1:
        return ids[0]
    line = doc.line("translation_of", default=1)
    hint = "name the original's file (../people/x.md), slug or title"
    suggestions = index.suggest(written)
    if suggestions:
        hint = f'did you mean "{suggestions[0]}"?'
    what = "is ambiguous" if ids else "points nowhere"
    diags.append(dg.error("D702", f'translation_of: "{written}" {what}', doc.path, line, hint=hint))
    return None


def canonicalize(resolved: dict, backlinks: dict, translations: Translations):
    """Links and backlinks of every version on the originals (one identity per family).

    A backlink keeps its real source (the version that links, with its sentence in its own
    language): pages pick the version in the reader's language (``Views.backlink_groups``).
    """
    canon = translations.canon
    resolved = {key: canon(target) for key, target in resolved.items()}
    merged: dict[DocId, list[Backlink]] = defaultdict(list)
    seen = set()
    for target, links in backlinks.items():
        for bl in links:
            key = (canon(target), bl.source, bl.origin)
            if canon(target) == canon(bl.source) or key in seen:
                continue
            seen.add(key)
            merged[key[0]].append(bl)
    return resolved, dict(merged)


def translation_findings(site, doc: Document):
    """E609: a translation older than its original (by ``updated:``); E608: a translated page linking to an entity
    that has no version in its language (its readers land on a page in another language)."""
    tr = site.translations
    original_id = tr.canon(doc.id)
    if original_id == doc.id:
        return
    original, code = site.documents[original_id], tr.lang_of[doc.id]
    changed, mine = original.fields.get("updated"), doc.fields.get("updated") or doc.date
    if changed is not None and (mine is None or mine.sort_key() < changed.sort_key()):
        yield dg.warning("E609", f"translation may be out of date: {original.path} was updated {changed.iso()}, "
                         f"this {code} version " + (f"on {mine.iso()}" if mine else "has no updated: date"),
                         doc.path, doc.line("updated", "title", default=1),
                         hint=f"update the translation and set updated: to the day you did (or ignore_checks: [E609])")
    missing = []
    for i, _link in enumerate(doc.links):
        target = site.resolved.get((doc.id, i))
        if target and site.documents[target].kind in ENTITY_KINDS and code not in tr.versions.get(target, {
                tr.lang_of[target]: target}) and target not in missing:
            missing.append(target)
    if missing:  # one finding per page: its readers meet these names in another language
        names = ", ".join(f'"{site.documents[t].title}"' for t in missing)
        first = site.documents[missing[0]].path
        yield dg.warning("E608", f"links to {len(missing)} {'entity' if len(missing) == 1 else 'entities'} with no {code} "
                         f"version: {names}", doc.path, doc.line("title", default=1),
                         hint=f"translate them (e.g. {first} as {_version_path(first, code)}), or ignore_checks: [E608]")


def _version_path(path: str, code: str) -> str:
    stem, ext = posixpath.splitext(path)
    return f"{stem}.{code}{ext}"


__all__ = ["Translations", "link_translations", "canonicalize", "translation_findings"]
