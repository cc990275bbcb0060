"""``dossier schema``: the fields the parser knows, as JSON Schema (draft 2020-12).

Made from the same tables the parser validates with (``parse.fields.COMMON``,
``SCHEMAS``, ``REQUIRED``, ``SYNONYMS``; ``config.KNOWN_KEYS``), so the editor's
completion, the build's checks and the "did you mean" notes never disagree.
"""
from __future__ import annotations

import json

from .config import CHOICES, KNOWN_KEYS, LANGUAGE_KEYS
from .model import CLAIM_STATUSES, FOLDERS
from .parse.fields import COMMON, LOCATION_PRECISIONS, REQUIRED, SCHEMAS, SYNONYMS

_DATE = {"anyOf": [{"type": "string"}, {"type": "integer"}],
         "description": "2021, 2021-08, 2021-08-15, 2021-08-15T21:00+04:30, 'August 2021', 'c. 1998'"}
_TEXT_LIST = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_SOURCE = {"type": "object", "properties": {k: {"type": "string"} for k in
                                            ("url", "title", "publisher", "archived_url", "language", "translated_from", "translator")}
           | {"date": _DATE, "published": _DATE}, "additionalProperties": False}

TYPES = {  # parse.fields converter name -> JSON Schema
    "str": {"type": ["string", "number"]},
    "slug": {"type": "string", "pattern": r"^[^/\\]+$"},
    "bool": {"type": "boolean"},
    "date": _DATE,
    "str_list": _TEXT_LIST,
    "ref": {"type": "string", "description": "a page's title, slug or alias, or [[Name]]"},
    "ref_list": _TEXT_LIST | {"description": "titles, slugs or aliases of pages, or [[Name]]"},
    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
                    "description": "[latitude, longitude] in degrees"},
    "status": {"enum": list(CLAIM_STATUSES) + [False]},
    "location_precision": {"enum": list(LOCATION_PRECISIONS)},
    "sources": {"type": "array", "items": {"anyOf": [{"type": "string"}, _SOURCE]}},
    "article_source": _SOURCE,
    "casualties": {"type": "object", "additionalProperties": False, "properties": {
        k: {"anyOf": [{"type": "integer", "minimum": 0},
                      {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}]}
        for k in ("killed", "injured", "missing", "displaced", "detained")}},
    "inline_events": {"type": "array", "items": {"type": "object", "properties": {
        "title": {"type": "string"}, "date": _DATE, "end": _DATE, "approximate": {"type": "boolean"},
        "place": {"type": "string"}, "people": _TEXT_LIST, "organizations": _TEXT_LIST, "tags": _TEXT_LIST,
        "summary": {"type": "string"}, "ref": {"type": "string"}}}},
    "url_path": {"type": "string", "description": "this page's address below the site, /2021/08/report/"},
}
CONFIG_TYPES = {str: {"type": "string"}, bool: {"type": "boolean"}, dict: {"type": "object"},
                list: {"type": "array", "items": {"type": "string"}}}
# Keys with a shape of their own (config.py checks the same rules: CHOICES, _languages).
_LANGUAGE = {"type": "object", "required": ["code"], "additionalProperties": False,
             "properties": {**{k: {"type": "string"} for k in LANGUAGE_KEYS},
                            "calendar": {"enum": list(CHOICES["calendar"])}, "direction": {"enum": ["ltr", "rtl"]}}}
CONFIG_SHAPES = {
    "calendar": {"enum": list(CHOICES["calendar"])},
    "languages": {"type": "array", "description": "the site's languages, the default first (code, name, direction, "
                  "calendar, title, description, path)", "items": {"anyOf": [{"type": "string"}, _LANGUAGE]}},
}


def kind_schema(kind: str) -> dict:
    fields = {**COMMON, **SCHEMAS.get(kind, {})}
    props = {key: dict(TYPES[ftype]) for key, ftype in sorted(fields.items())}
    for other, ours in SYNONYMS.items():
        if ours in fields:
            props[other] = dict(TYPES[fields[ours]], description=f"read as {ours}")
    folder = FOLDERS.get(kind)
    return {
        "title": f"dossier front matter: {kind}" + (f" (content/{folder}/)" if folder else ""),
        "type": "object",
        "properties": props,
        "required": list(REQUIRED.get(kind, ("title",))),
        "additionalProperties": True,  # unknown keys are notes (kept for templates as page.extra), not errors
    }


def front_matter_schema(kind: str | None = None) -> dict:
    """One kind's schema, or (None) any content file: the kinds as ``$defs`` and the union of their fields."""
    if kind:
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **kind_schema(kind)}
    kinds = [k for k in SCHEMAS if k != "section"]
    union: dict = {}
    for k in kinds:
        union.update(kind_schema(k)["properties"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dossier front matter (any kind; the folder under content/ decides which fields apply)",
        "type": "object",
        "properties": dict(sorted(union.items())),
        "additionalProperties": True,
        "$defs": {k: kind_schema(k) for k in kinds},
    }


def config_schema() -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dossier.yaml",
        "type": "object",
        "properties": {key: dict(CONFIG_SHAPES.get(key) or CONFIG_TYPES[t]) for key, t in sorted(KNOWN_KEYS.items())},
        "additionalProperties": False,  # the build reports unknown keys with their line
    }


def schema_json(what: str) -> str:
    data = config_schema() if what == "config" else front_matter_schema(None if what == "front-matter" else what)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
