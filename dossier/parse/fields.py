"""Per-kind field schemas: raw front matter -> typed fields, links and diagnostics.

Reference fields (``people``, ``place``, ``within``...) become :class:`Link`
values; the typed field keeps the link's index, so resolve can fill in the
target without parse knowing any other file.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable
from urllib.parse import urlsplit

from .. import diagnostics as dg
from ..dates import DateError, PartialDate, check_range, parse_date
from ..model import CLAIM_STATUSES, InlineEvent, Link, SourceRef
from ..names import has_bidi_controls, strip_invisible

_WIKI = re.compile(r"^\s*\[\[(.+?)\]\]\s*$")
LOCATION_PRECISIONS = ("exact", "town", "district", "province", "country", "region")

COMMON = {
    "title": "str", "slug": "slug", "summary": "str", "draft": "bool", "updated": "date",
    "lang": "str", "previous_slugs": "str_list", "sensitive": "bool", "aliases": "str_list",
    "tags": "str_list", "date": "date", "template": "str",
    "ignore_checks": "str_list",  # editorial check codes acknowledged for this file, e.g. [E605]
    "translation_of": "str",  # the original of a translation (a path, slug or title); see resolve/translations.py
    "authors": "str_list",
    "permalink": "url_path",  # this page's own address, "/2010/03/02/old-slug/" (Jekyll, WordPress exports)
}
# Other generators' names for our fields (Hugo, Jekyll, Eleventy): read as ours.
SYNONYMS = {"author": "authors", "description": "summary", "url": "permalink"}
SCHEMAS: dict[str, dict[str, str]] = {
    "article": {
        "type": "str", "source": "article_source", "people": "ref_list",
        "places": "ref_list", "organizations": "ref_list", "events": "inline_events",
        "claims": "ref_list", "sources": "sources",
    },
    "person": {"born": "date", "died": "date", "roles": "str_list", "affiliations": "ref_list"},
    "place": {"coordinates": "coordinates", "within": "ref"},
    "organization": {"founded": "date", "type": "str"},
    "event": {
        "end": "date", "approximate": "bool", "place": "ref", "location_precision": "location_precision",
        "people": "ref_list", "organizations": "ref_list", "casualties": "casualties", "sources": "sources",
    },
    "claim": {"status": "status", "claimant": "ref", "sources": "sources", "rebutted_by": "ref_list"},
    "page": {},
    "section": {},  # _index.md: the intro of a listing or of the home page
}
REQUIRED = {
    "section": (),
    "article": ("title", "date"),
    "event": ("title", "date"),
    "claim": ("title", "status"),
}


class _Ctx:
    def __init__(self, path: str, key_lines: dict, item_lines: dict, lines: list[str]):
        self.path = path
        self.key_lines = key_lines
        self.item_lines = item_lines
        self.lines = lines
        self.links: list[Link] = []
        self.diags: list[dg.Diagnostic] = []

    def line_of(self, key: str, item: int | None = None) -> int | None:
        if item is not None and key in self.item_lines and item < len(self.item_lines[key]):
            return self.item_lines[key][item] + 2
        if key in self.key_lines:
            return self.key_lines[key] + 2
        return None

    def source(self, line):
        return self.lines[line - 1] if line and 0 < line <= len(self.lines) else None

    def err(self, code, key, message, item=None, hint=None):
        line = self.line_of(key, item)
        self.diags.append(dg.error(code, message, self.path, line, hint=hint, source_line=self.source(line)))

    def warn(self, code, key, message, item=None, hint=None):
        line = self.line_of(key, item)
        self.diags.append(dg.warning(code, message, self.path, line, hint=hint, source_line=self.source(line)))

    def link(self, target: str, origin: str, line: int | None) -> int:
        self.links.append(Link(target=target, label=None, anchor=None, line=line, col=None, origin=origin))
        return len(self.links) - 1


def clean_text(value: str) -> str:
    """NFC, no C0 controls (except tab/newline), trimmed."""
    text = unicodedata.normalize("NFC", value)
    text = "".join(ch for ch in text if ch >= " " or ch in "\t\n")
    return text.strip()


def _type_name(value) -> str:
    return {int: "number", float: "number", bool: "true/false", list: "list", dict: "mapping", str: "text"}.get(
        type(value), type(value).__name__
    )


# -------------------------------------------------------------- converters

def _str(ctx, key, value, item=None):
    if isinstance(value, bool) or value is None:
        ctx.err("D104", key, f"{key}: expected text, got {_type_name(value)}", item)
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        ctx.err("D104", key, f"{key}: expected text, got {_type_name(value)}", item)
        return None
    return clean_text(value)


def _str_list(ctx, key, value):
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]  # "tags: war" is a one-item list
    if not isinstance(value, list):
        ctx.err("D104", key, f"{key}: expected a list of text, got {_type_name(value)}", hint=f"write {key}: [a, b]")
        return None
    out = []
    for i, item in enumerate(value):
        text = _str(ctx, key, item, i)
        if text:
            out.append(text)
    return tuple(out)


def _bool(ctx, key, value):
    if not isinstance(value, bool):
        ctx.err("D104", key, f"{key}: expected true or false, got {_type_name(value)}")
        return None
    return value


def _date(ctx, key, value):
    try:
        return parse_date(value)
    except DateError as exc:
        line = ctx.line_of(key)
        ctx.diags.append(dg.error("D301", f"{key}: {exc}", ctx.path, line, source_line=ctx.source(line)))
        return None


def _slug(ctx, key, value):
    text = _str(ctx, key, value)
    if text is None:
        return None
    if has_bidi_controls(text):
        ctx.warn("D205", key, "slug: bidi control characters removed")
    text = strip_invisible(text)
    if re.search(r"[/\\]|^\.+$|\.\.", text):
        ctx.err("D205", key, f'slug: "{text}" must not contain "/", "\\" or ".."')
        return None
    return text


def _target(raw: str) -> str:
    m = _WIKI.match(raw)
    return (m.group(1) if m else raw).strip()


def _ref(ctx, key, value, item=None):
    text = _str(ctx, key, value, item)
    if not text:
        return None
    return ctx.link(_target(text), key, ctx.line_of(key, item))


def _ref_list(ctx, key, value):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        ctx.err("D104", key, f"{key}: expected a list of names, got {_type_name(value)}", hint=f"write {key}: [Name One, Name Two]")
        return None
    out = []
    for i, item in enumerate(value):
        idx = _ref(ctx, key, item, i)
        if idx is not None:
            out.append(idx)
    return tuple(out)


def _coordinates(ctx, key, value):
    if (
        isinstance(value, list) and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and -90 <= value[0] <= 90 and -180 <= value[1] <= 180
    ):
        return (float(value[0]), float(value[1]))
    ctx.err("D104", key, f"{key}: expected [latitude, longitude] in degrees, got {_short(value)}")
    return None


def _url_path(ctx, key, value):
    text = _str(ctx, key, value)
    if text is None:
        return None
    path = urlsplit(text).path if "://" in text else text
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts) or "\\" in path:
        ctx.err("D205", key, f'{key}: "{text}" must be a path below the site, such as /2021/08/report/')
        return None
    return "/".join(parts) + ("/" if parts and not parts[-1].endswith((".html", ".htm")) else "")


def _status(ctx, key, value):
    if value is False:  # YAML reads an unquoted `status: false` as a boolean; the writer meant the status
        value = "false"
    text = _str(ctx, key, value)
    if text is None:
        return None
    if text.lower() not in CLAIM_STATUSES:
        ctx.err("D104", key, f'status: "{text}" is not one of {", ".join(CLAIM_STATUSES)}')
        return None
    return text.lower()


def _location_precision(ctx, key, value):
    text = _str(ctx, key, value)
    if text is None:
        return None
    if text.lower() not in LOCATION_PRECISIONS:
        ctx.err("D104", key, f'location_precision: "{text}" is not one of {", ".join(LOCATION_PRECISIONS)}')
        return None
    return text.lower()


def check_url(value: str) -> str | None:
    """An error message when ``value`` is not an absolute http(s) URL."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.netloc or " " in value:
        return "is not a valid URL"
    return None


def _source_mapping(ctx, key, value, item=None, fields=("url", "title", "publisher", "date", "archived_url", "language")):
    out: dict[str, Any] = {}
    for name in value:
        if name not in fields and name not in ("translated_from", "translator", "published"):
            ctx.warn("D105", key, f'{key}: unknown field "{name}" in a source', item)
    for name, raw in value.items():
        if raw is None:
            continue
        if name in ("date", "published"):
            try:
                out[name] = parse_date(raw)
            except DateError as exc:
                ctx.err("D301", key, f"{key}: {name}: {exc}", item)
        elif name in ("url", "archived_url"):
            text = _str(ctx, key, raw, item)
            if text is None:
                continue
            problem = check_url(text)
            if problem:
                ctx.err("D104", key, f'{key}: {name} "{text}" {problem}', item)
                continue
            out[name] = text
        else:
            text = _str(ctx, key, raw, item)
            if text is not None:
                out[name] = text
    return out


def _sources(ctx, key, value):
    if not isinstance(value, list):
        value = [value]
    out = []
    for i, item in enumerate(value):
        line = ctx.line_of(key, i)
        if isinstance(item, str):
            out.append(SourceRef(link=ctx.link(_target(item), key, line), line=line))
        elif isinstance(item, dict):
            m = _source_mapping(ctx, key, item, i)
            out.append(SourceRef(url=m.get("url"), title=m.get("title"), publisher=m.get("publisher"),
                                 date=m.get("date"), archived_url=m.get("archived_url"),
                                 language=m.get("language"), line=line))
        else:
            ctx.err("D104", key, f"{key}: a source is a wiki link to an article or a mapping with url, title, publisher", i)
    return tuple(out)


def _article_source(ctx, key, value):
    if not isinstance(value, dict):
        ctx.err("D104", key, f"source: expected a mapping (publisher, url, published...), got {_type_name(value)}")
        return None
    m = _source_mapping(ctx, key, value,
                        fields=("publisher", "url", "archived_url", "published", "language", "translated_from", "translator", "title", "date"))
    return SourceRef(**m, line=ctx.line_of(key)) if m else None


def _range(ctx, key, value, item=None):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value, value]
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)):
        if value[0] > value[1]:
            ctx.err("D104", key, f"casualties: minimum {value[0]} is above the maximum {value[1]}", item)
            return None
        return (value[0], value[1])
    ctx.err("D104", key, f"casualties: expected [min, max] whole numbers, got {_short(value)}", item)
    return None


def _casualties(ctx, key, value):
    if not isinstance(value, dict):
        ctx.err("D104", key, f"casualties: expected a mapping like {{killed: [min, max]}}, got {_type_name(value)}")
        return None
    out = {}
    for name, raw in value.items():
        if name not in ("killed", "injured", "missing", "displaced", "detained"):
            ctx.warn("D105", key, f'casualties: unknown figure "{name}"')
            continue
        r = _range(ctx, key, raw)
        if r is not None:
            out[name] = r
    return out


def _inline_events(ctx, key, value):
    if not isinstance(value, list):
        ctx.err("D104", key, f"events: expected a list of events, got {_type_name(value)}")
        return None
    out = []
    for i, raw in enumerate(value):
        line = ctx.line_of(key, i)
        if not isinstance(raw, dict):
            ctx.err("D104", key, "events: each event is a mapping with title and date", i)
            continue
        ref = raw.get("ref")
        ref_idx = ctx.link(_target(str(ref)), "events", line) if ref else None
        title = _str(ctx, key, raw.get("title", "") or "", i) if "title" in raw else ""
        if not ref and (not title or "date" not in raw):
            ctx.err("D103", key, "events: an inline event needs a title and a date (or ref: to an existing event)", i)
            continue
        dates = _inline_dates(ctx, key, raw, i)
        if dates is None:
            continue
        date, end = dates
        place = ctx.link(_target(str(raw["place"])), "events", line) if raw.get("place") else None
        people = tuple(ctx.link(_target(str(p)), "events", line) for p in _as_list(raw.get("people")))
        orgs = tuple(ctx.link(_target(str(p)), "events", line) for p in _as_list(raw.get("organizations")))
        tags = tuple(clean_text(str(t)) for t in _as_list(raw.get("tags")))
        summary = clean_text(str(raw.get("summary", "") or ""))
        out.append(InlineEvent(title or "", date or PartialDate(1), end, summary, place, people, orgs, tags, ref_idx, line))
    return tuple(out)


def _inline_dates(ctx, key, raw: dict, i: int):
    """(date, end) of an inline event, either None when absent; None (and an error) when invalid."""
    date = end = None
    try:
        if "date" in raw:
            date = parse_date(raw["date"], bool(raw.get("approximate")))
        if raw.get("end") is not None:
            end = parse_date(raw["end"])
    except DateError as exc:
        ctx.err("D301", key, f"events: {exc}", i)
        return None
    problem = check_range(date, end) if date and end else None
    if problem:
        ctx.err("D302", key, f"events: {problem}", i)
        return None
    return date, end


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _short(value) -> str:
    r = repr(value)
    return r if len(r) < 50 else r[:47] + "..."


_CONVERTERS: dict[str, Callable] = {
    "str": _str, "str_list": _str_list, "bool": _bool, "date": _date, "slug": _slug, "ref": _ref,
    "ref_list": _ref_list, "coordinates": _coordinates, "status": _status, "sources": _sources,
    "article_source": _article_source, "casualties": _casualties, "inline_events": _inline_events,
    "location_precision": _location_precision, "url_path": _url_path,
}


def _synonyms(data: dict) -> dict:
    """``author: X`` is ``authors: [X]``, ``description:`` the summary, ``url:`` the permalink.

    Hugo's ``aliases`` entries that start with "/" are old addresses (redirects), not names.
    """
    out = {}
    for key, value in data.items():
        ours = SYNONYMS.get(key) if isinstance(key, str) else None
        if ours and ours not in data:
            out[ours] = value
        elif not ours:
            out[key] = value
    _path_aliases(out)
    return out


def _path_aliases(out: dict) -> None:
    """Hugo's ``aliases`` entries that start with "/" move to ``previous_slugs`` (they are old addresses)."""
    aliases = out.get("aliases")
    if not _has_paths(aliases):
        return
    paths = [a for a in aliases if isinstance(a, str) and a.startswith("/")]
    out["aliases"] = [a for a in aliases if a not in paths]
    previous = out.get("previous_slugs")
    out["previous_slugs"] = (previous if isinstance(previous, list) else [previous] if previous else []) + paths


def _has_paths(aliases) -> bool:
    return isinstance(aliases, list) and any(isinstance(a, str) and a.startswith("/") for a in aliases)


def synonym_lines(data: dict, lines: dict) -> dict:
    """Key (or item) positions under the names ``_synonyms`` gives the keys of ``data``."""
    out = dict(lines)
    for key in data:
        ours = SYNONYMS.get(key) if isinstance(key, str) else None
        if ours and ours not in data and key in lines:
            out[ours] = lines[key]
    if "previous_slugs" not in out and "aliases" in out and _has_paths(data.get("aliases")):
        out["previous_slugs"] = out["aliases"]
    return out


def _unknown_key_note(ctx, key: str, schema: dict) -> None:
    import difflib

    known = sorted(set(schema) | set(SYNONYMS))
    close = difflib.get_close_matches(key.lower(), known, n=2, cutoff=0.7)
    hint = ("did you mean " + " or ".join(f'"{c}"' for c in close) + "?") if close else \
        "it is kept for templates as page.extra; `dossier schema` lists the known fields"
    line = ctx.line_of(key)
    ctx.diags.append(dg.Diagnostic(dg.NOTE, "D105", f'unknown field "{key}"', ctx.path, line, None, hint,
                                   ctx.source(line)))


def validate_fields(kind: str, data: dict, path: str, key_lines: dict, item_lines: dict, lines: list[str]):
    """Typed fields, links from front matter, diagnostics."""
    key_lines, item_lines = synonym_lines(data, key_lines), synonym_lines(data, item_lines)
    ctx = _Ctx(path, key_lines, item_lines, lines)
    schema = {**COMMON, **SCHEMAS.get(kind, {})}
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    data = _synonyms(data)
    for key, value in data.items():
        if not isinstance(key, str):
            ctx.diags.append(dg.warning("D105", f"front matter key {key!r} is not text; ignored", path))
            continue
        ftype = schema.get(key)
        if ftype is None:
            _unknown_key_note(ctx, key, schema)
            if isinstance(value, (str, int, float, bool)) or value is None:
                extra[key] = value  # custom scalar fields are available to templates as page.extra
            continue
        if value is None:
            continue
        converted = _CONVERTERS[ftype](ctx, key, value)
        if converted is not None:
            fields[key] = converted
    for key in REQUIRED.get(kind, ("title",)):
        if key not in data or data[key] is None or data[key] == "":
            ctx.diags.append(dg.error("D103", f'{kind} needs "{key}:" in its front matter', path, 1,
                                      hint=f"add a line such as {key}: {_EXAMPLE.get(key, '...')}",
                                      source_line=lines[0] if lines else None))
    if "date" in fields and "end" in fields:
        problem = check_range(fields["date"], fields["end"])
        if problem:
            ctx.err("D302", "end", f"end: {problem}")
            del fields["end"]
    if fields.get("approximate") and "date" in fields:
        fields["date"] = fields["date"].with_approximate(True)
    if extra:
        fields["extra"] = extra
    return fields, ctx.links, ctx.diags


_EXAMPLE = {"title": "A title", "date": "2021-08-15", "status": "unverified"}
