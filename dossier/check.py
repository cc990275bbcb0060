"""Editorial checks: rules over a resolved :class:`Site` -> diagnostics with stable E6xx codes.

These are the rules that separate a dossier from a blog: every event and claim
names a source, external sources are archived, translations say who translated
what, rumours do not stay "unverified" for ever, and no entity page floats
unconnected. They are warnings (``dossier check --strict`` fails on them).

| code | rule |
|------|------|
| E601 | an event or claim has no source |
| E602 | an external source (with a URL) has no ``archived_url`` |
| E603 | a translated article (``source.translated_from``) does not name its ``translator`` |
| E604 | a translated article has no ``url`` of the original |
| E605 | a claim is still ``unverified`` more than N days after its date |
| E606 | a person, place or organisation is mentioned nowhere (orphan) |
| E607 | an original image under content/ carries a GPS position (published copies never do) |
| E608 | a translated page links to entities that have no version in its language |
| E609 | a translation is older than its original (the original's ``updated:`` is later) |

Configuration (``dossier.yaml``)::

    checks:
      unverified_days: 30     # E605 threshold, default 30
      ignore: [E602]          # codes not checked anywhere

A file can acknowledge a finding with ``ignore_checks: [E605]`` in its front
matter (say why in a YAML comment); the acknowledgement is visible in review.
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from . import diagnostics as dg
from .resolve.translations import translation_findings
from .model import Document, Site, SourceRef

CHECKS = {code: text for code, text in dg.CODES.items() if code.startswith("E6")}
DEFAULT_UNVERIFIED_DAYS = 30
_OPTIONS = ("unverified_days", "ignore")


def check_options(config) -> tuple[int, frozenset[str], list[dg.Diagnostic]]:
    """(unverified_days, codes ignored everywhere, config diagnostics) from ``checks:`` in dossier.yaml."""
    raw = dict(getattr(config, "checks", None) or {})
    diags: list[dg.Diagnostic] = []
    root = Path(getattr(config, "root", "."))

    def where(key):
        return dict(path="dossier.yaml", line=_config_line(root, key))

    for key in raw:
        if key not in _OPTIONS:
            diags.append(dg.warning("D105", f'config: checks: unknown key "{key}" is ignored', **where(key),
                                    hint="known keys: " + ", ".join(_OPTIONS)))
    days = raw.get("unverified_days", DEFAULT_UNVERIFIED_DAYS)
    if days is None:
        days = DEFAULT_UNVERIFIED_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        diags.append(dg.error("D108", f"config: checks: unverified_days must be a whole number of days, not {days!r}",
                              **where("unverified_days")))
        days = DEFAULT_UNVERIFIED_DAYS
    ignore = raw.get("ignore") or []
    if isinstance(ignore, str):
        ignore = [ignore]
    codes = set()
    if not isinstance(ignore, list):
        diags.append(dg.error("D108", "config: checks: ignore must be a list of codes such as [E602]", **where("ignore")))
        ignore = []
    for code in ignore:
        code = str(code).strip().upper()
        if code not in CHECKS:
            diags.append(dg.warning("D108", f'config: checks: ignore: "{code}" is not an editorial check code',
                                    **where("ignore"), hint="codes: " + ", ".join(CHECKS)))
        codes.add(code)
    return days, frozenset(codes), diags


def _config_line(root: Path, key: str) -> int | None:
    try:
        lines = (root / "dossier.yaml").read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def run_checks(site: Site, today: _dt.date | None = None) -> list[dg.Diagnostic]:
    """Every editorial finding for ``site``, in a stable order."""
    today = today or _dt.date.today()
    days, ignored, diags = check_options(site.config)
    findings: list[dg.Diagnostic] = []
    for doc in sorted(site.documents.values(), key=lambda d: d.path):
        local = {str(c).strip().upper() for c in doc.fields.get("ignore_checks", ())}
        for d in _check_document(site, doc, today, days):
            if d.code not in ignored and d.code not in local:
                findings.append(d)
    if "E607" not in ignored:  # originals under content/ that still carry a GPS position
        from pathlib import Path

        from .images import gps_report

        findings.extend(gps_report(Path(site.config.root), site.assets))
    return diags + sorted(findings, key=dg.sort_key)


# ----------------------------------------------------------------- the rules

def _warn(code: str, message: str, doc: Document, line: int | None, hint: str | None = None) -> dg.Diagnostic:
    return dg.warning(code, message, doc.path, line, hint=hint)


def _check_document(site: Site, doc: Document, today: _dt.date, days: int):
    """The rules of the document's kind (``KIND_CHECKS``), in order."""
    for rule in KIND_CHECKS.get(doc.kind, (_unarchived_sources,)):
        yield from rule(site, doc, today, days)
    # E608 / E609: translations that lag behind their original, or link to pages their readers cannot read
    if site.translations:
        yield from translation_findings(site, doc)


def _no_source(site: Site, doc: Document, today: _dt.date, days: int):
    """E601: an event or a claim with no source."""
    refs: tuple[SourceRef, ...] = tuple(doc.fields.get("sources", ()))
    internal = [site.resolved.get((doc.id, r.link)) for r in refs if r.link is not None]
    usable = [t for t in internal if t] + [r for r in refs if r.link is None]
    if doc.kind == "event":
        ev = next((e for e in site.events if e.doc_id == doc.id), None)
        if ev is not None:
            usable += list(ev.sources) + list(ev.external_sources)  # includes articles that ref: it
    if usable:
        return
    what = "an event" if doc.kind == "event" else "a claim"
    if refs:
        message = f'{doc.kind} "{doc.title}" has no usable source: none of its sources could be found'
    else:
        message = f'{doc.kind} "{doc.title}" has no source'
    yield _warn("E601", message, doc, doc.line("sources", "title", default=1),
                hint=f'{what} needs sources: ["[[An article in this dossier]]"] or '
                     "{url: https://..., title: ..., publisher: ..., archived_url: https://web.archive.org/...}")


def _unarchived_sources(site: Site, doc: Document, today: _dt.date, days: int):
    """E602: external sources without an archived copy."""
    for ref in doc.fields.get("sources", ()):
        if ref.link is None and ref.url and not ref.archived_url:
            yield _warn("E602", f'source {_describe(ref.title, ref.publisher, ref.url)} has no archived_url', doc,
                        ref.line or doc.line("sources", default=1), hint=_archive_hint(ref.url))


def _article_source(site: Site, doc: Document, today: _dt.date, days: int):
    """E602 for an article's ``source:``; E603 / E604: translations say who translated what."""
    source = doc.fields.get("source")
    if source is None:
        return
    line = doc.line("source", default=1)
    if source.url and not source.archived_url:
        yield _warn("E602", f"source {_describe(source.title, source.publisher, source.url)} has no archived_url",
                    doc, line, hint=_archive_hint(source.url))
    lang = source.translated_from
    if lang and not source.translator:
        yield _warn("E603", f"article is translated (from {lang}) but does not name its translator", doc, line,
                    hint='add translator: under source: (a name, or "machine translation")')
    if lang and not source.url:
        yield _warn("E604", f"article is translated (from {lang}) but gives no url of the original", doc, line,
                    hint="add url: under source: so readers can compare with the original")


def _stale_claim(site: Site, doc: Document, today: _dt.date, days: int):
    """E605: a rumour left unverified."""
    if doc.fields.get("status") != "unverified" or doc.date is None:
        return
    age = (today - doc.date.last_day()).days
    if age > days:
        yield _warn("E605", f'claim "{doc.title}" is still unverified {age} days after its date '
                            f"(limit {days} days)", doc, doc.line("status", default=1),
                    hint="check it again and update status:; or raise checks: {unverified_days: N} in dossier.yaml; "
                         "or acknowledge with ignore_checks: [E605]")


_ENTITY_LABEL = {"person": "person", "place": "place", "organization": "organisation"}


def _orphan(site: Site, doc: Document, today: _dt.date, days: int):
    """E606: an entity nothing mentions."""
    key = site.translations.canon(doc.id) if site.translations else doc.id  # a translation shares its original's backlinks
    if any(bl.source != doc.id and bl.source in site.documents for bl in site.backlinks.get(key, ())):
        return
    yield _warn("E606", f'{_ENTITY_LABEL[doc.kind]} "{doc.title}" is not mentioned or listed on any other page', doc,
                doc.line("title", default=1),
                hint=f"link it from an article, event or claim ([[{doc.title}]]), or remove the page")


# kind -> its rules, each (site, doc, today, days) -> diagnostics; every kind checks its sources' archives (E602)
KIND_CHECKS = {
    "article": (_unarchived_sources, _article_source),
    "event": (_no_source, _unarchived_sources),
    "claim": (_no_source, _unarchived_sources, _stale_claim),
    "person": (_unarchived_sources, _orphan),
    "place": (_unarchived_sources, _orphan),
    "organization": (_unarchived_sources, _orphan),
    "page": (_unarchived_sources,),
}


def _describe(title, publisher, url) -> str:
    name = title or publisher or url
    text = f'"{name}"'
    if url and name != url:
        text += f" ({url})"
    return text


def _archive_hint(url: str) -> str:
    return f"save a copy (e.g. https://web.archive.org/save/{url}) and add archived_url:"


def summarize(diags: list[dg.Diagnostic]) -> list[dict]:
    """One row per (code, severity): count and what the code means, sorted by code."""
    counts: dict[tuple[str, str], int] = {}
    for d in diags:
        counts[(d.code, d.severity)] = counts.get((d.code, d.severity), 0) + 1
    return [{"code": code, "severity": sev, "count": n, "description": dg.CODES.get(code, "")}
            for (code, sev), n in sorted(counts.items())]


__all__ = ["CHECKS", "DEFAULT_UNVERIFIED_DAYS", "check_options", "run_checks", "summarize"]
