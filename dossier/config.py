"""Site configuration: ``dossier.yaml`` at the source root."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from . import diagnostics as dg
from .yamltools import YamlProblem, load_yaml

CONFIG_FILE = "dossier.yaml"

KNOWN_KEYS = {
    "title": str,
    "description": str,
    "base_url": str,
    "language": str,
    "timezone": str,
    "theme": str,
    "author": str,
    "unsafe_html": bool,
    "permalinks": dict,
    "timeline": dict,
    "home": dict,
    "keep": list,
    "feeds": dict,  # {count: 20, content: full|summary} (render/feeds.py)
    "checks": dict,  # editorial checks (dossier/check.py): unverified_days, ignore
    "embeds": list,  # hosts whose https <iframe> embeds survive the sanitiser
    "search": bool,  # build the Pagefind search index (default true)
    "calendar": str,  # gregorian (default) or persian: dates shown in the Solar Hijri calendar (dossier/dates.py)
    "languages": list,  # a multilingual dossier: [{code, name, direction, calendar, title, description, path}], default first
    "map": dict,  # {tiles: URL template, attribution: text} for /map/ (render/timemap.py); default: the vendored basemap
}
# Keys whose value is one of a few words (the first is the default).
CHOICES = {"calendar": ("gregorian", "persian")}


@dataclass(frozen=True)
class Language:
    """One language of a multilingual dossier (``languages:`` in dossier.yaml)."""

    code: str  # BCP 47: "en", "fa-AF", "ps"
    name: str  # as its readers write it: "دری"
    direction: str = "ltr"
    calendar: str = "gregorian"
    title: str = ""  # the site's title in this language ("" = the site's title)
    description: str = ""
    path: str = ""  # URL folder of this language's pages: "fa-af/"; "" for the default language

    @property
    def date_language(self) -> str:
        return self.code + "-u-ca-persian" if self.calendar == "persian" else self.code


LANGUAGE_KEYS = ("code", "name", "direction", "calendar", "title", "description", "path")


@dataclass(frozen=True)
class Config:
    root: str  # absolute path of the source folder
    title: str
    description: str = ""
    base_url: str = "/"  # "https://example.org/panjshir/" or "/"
    language: str = "en"
    timezone: str = "UTC"
    theme: str = "default"
    author: str = ""
    unsafe_html: bool = False
    permalinks: dict = field(default_factory=dict)
    timeline: dict = field(default_factory=dict)
    home: dict = field(default_factory=dict)
    keep: tuple = ()
    feeds: dict = field(default_factory=dict)
    checks: dict = field(default_factory=dict)
    embeds: tuple = ()
    search: bool = True
    calendar: str = "gregorian"
    languages: tuple = ()  # of Language; empty: a single-language dossier (``language:``)
    map: dict = field(default_factory=dict)
    drafts: bool = False

    @property
    def prefix(self) -> str:
        """The path part of ``base_url``, always starting and ending with "/"."""
        path = urlsplit(self.base_url).path or "/"
        if not path.endswith("/"):
            path += "/"
        return path

    @property
    def date_language(self) -> str:
        """The language dates are formatted in: ``fa-AF``, or ``fa-AF-u-ca-persian`` (BCP 47) for the Solar Hijri calendar."""
        return self.language + "-u-ca-persian" if self.calendar == "persian" else self.language

    @property
    def origin(self) -> str:
        """``https://example.org`` (empty when base_url has no host)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""

    @property
    def timeline_order(self) -> str:
        return "newest" if str(self.timeline.get("order", "oldest")).lower().startswith("new") else "oldest"

    def parse_digest(self) -> str:
        """Digest of every setting that changes how a single file parses."""
        return hashlib.blake2b(
            json.dumps([self.unsafe_html, self.language, list(self.embeds)], sort_keys=True).encode(), digest_size=8
        ).hexdigest()

    def digest(self) -> str:
        data = {k: v for k, v in asdict(self).items() if k != "root"}
        return hashlib.blake2b(json.dumps(data, sort_keys=True, default=str).encode(), digest_size=8).hexdigest()


def load_config(root: Path, base_url: str | None = None, drafts: bool = False) -> tuple[Config, list[dg.Diagnostic]]:
    """Read ``dossier.yaml`` (defaults when absent). Problems come back as diagnostics."""
    root = Path(root).resolve()
    diags: list[dg.Diagnostic] = []
    values = _read_values(root / CONFIG_FILE, diags)
    if base_url is not None:
        values["base_url"] = base_url
    if "base_url" in values:
        values["base_url"] = _clean_base_url(values["base_url"], diags)
    if "keep" in values:
        values["keep"] = tuple(str(k) for k in values["keep"])
    if "embeds" in values:
        values["embeds"] = tuple(str(h).strip().lower() for h in values["embeds"] if str(h).strip())
    if "feeds" in values:
        diags.extend(_check_feeds(values["feeds"], CONFIG_FILE))
    values.setdefault("title", root.name)
    return Config(root=str(root), drafts=drafts, **values), diags


def _value_problem(key: str, value, expected: type) -> str | None:
    """What is wrong with a config value ("must be a list, not str"), or None."""
    if not isinstance(value, expected):
        return f"must be a {expected.__name__}, not {type(value).__name__}"
    if key in CHOICES and value not in CHOICES[key]:
        return f'must be one of {", ".join(CHOICES[key])}, not "{value}"'
    return None


def _apply_languages(values: dict, rel: str, line: int) -> list[dg.Diagnostic]:
    """``languages:`` into Language values; the first one sets ``language`` and ``calendar``."""
    values["languages"], problems = _languages(values["languages"], rel, line)
    if values["languages"]:
        values["language"] = values["languages"][0].code  # the first is the default
        values["calendar"] = values["languages"][0].calendar
    return problems


def _languages(raw: list, rel: str, line: int | None) -> tuple[tuple, list[dg.Diagnostic]]:
    """``languages:`` -> Language values; the first is the default (served at the root, the others under /<code>/)."""
    from .i18n import is_rtl

    out, diags, seen = [], [], set()
    for i, item in enumerate(raw):
        if isinstance(item, str):
            item = {"code": item}
        if not isinstance(item, dict) or not str(item.get("code") or "").strip():
            diags.append(dg.error("D108", f"config: languages[{i}] needs a code (en, fa-AF, ps...)", rel, line))
            continue
        unknown = sorted(set(map(str, item)) - set(LANGUAGE_KEYS))
        if unknown:
            diags.append(dg.warning("D105", f'config: languages[{i}]: unknown key "{unknown[0]}" is ignored', rel, line,
                                    hint="known: " + ", ".join(LANGUAGE_KEYS)))
        code = str(item["code"]).strip()
        calendar = str(item.get("calendar") or "gregorian")
        direction = str(item.get("direction") or ("rtl" if is_rtl(code) else "ltr"))
        if calendar not in CHOICES["calendar"] or direction not in ("ltr", "rtl"):
            diags.append(dg.error("D108", f"config: languages[{i}] ({code}): calendar must be one of "
                                  f"{', '.join(CHOICES['calendar'])} and direction ltr or rtl", rel, line))
            continue
        if code.lower() in seen:
            diags.append(dg.error("D108", f"config: languages: {code} is listed twice", rel, line))
            continue
        seen.add(code.lower())
        folder = "" if not out else (str(item.get("path") or code).strip("/").lower() + "/")
        out.append(Language(code, str(item.get("name") or code), direction, calendar, str(item.get("title") or ""),
                            str(item.get("description") or ""), folder))
    return tuple(out), diags


def _read_values(path: Path, diags: list) -> dict:
    """The known keys of ``dossier.yaml`` with values of the right type; the rest reported in ``diags``."""
    rel = CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        diags.append(dg.error("D108", f"config could not be read: {exc}", rel))
        text = ""
    try:
        loaded = load_yaml(text)
    except YamlProblem as exc:
        diags.append(dg.error("D108", f"config: {exc.message}", rel, None if exc.line is None else exc.line + 1))
        return {}
    if loaded.data is not None and not isinstance(loaded.data, dict):
        diags.append(dg.error("D108", "config must be a mapping of keys to values", rel, 1))
        return {}
    if not loaded.data:
        return {}
    for key, line in loaded.duplicates:
        diags.append(dg.warning("D106", f'config: key "{key}" appears twice; the last one wins', rel, line + 1))
    values = {}
    for key, value in loaded.data.items():
        value = _typed(key, value, loaded.key_lines.get(str(key), 0) + 1, diags)
        if value is not None:
            values[key] = value
    if "languages" in values:
        diags.extend(_apply_languages(values, rel, loaded.key_lines.get("languages", 0) + 1))
    if "map" in values:
        diags.extend(_check_map(values["map"], rel, loaded.key_lines.get("map", 0) + 1))
    return values


def _typed(key, value, line: int, diags: list):
    """``value`` when ``key`` is known and ``value`` has its type (numbers become text where text is expected)."""
    rel = CONFIG_FILE
    expected = KNOWN_KEYS.get(key)
    if expected is None:
        diags.append(dg.warning("D105", f'config: unknown key "{key}" is ignored', rel, line,
                                hint="known keys: " + ", ".join(sorted(KNOWN_KEYS))))
        return None
    if value is None:
        return None
    if expected is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    problem = _value_problem(key, value, expected)
    if problem:
        diags.append(dg.error("D108", f"config: {key} {problem}", rel, line))
        return None
    return value


def _clean_base_url(url: str, diags: list) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "") or (parts.scheme and not parts.netloc):
        diags.append(dg.error("D108", f'config: base_url "{url}" must be an absolute http(s) URL or a path', CONFIG_FILE))
        url = "/"
    return url if url.endswith("/") else url + "/"


def _check_feeds(feeds: dict, rel: str) -> list[dg.Diagnostic]:
    """``feeds: {count: 20, content: full|summary}``; bad values warn and fall back to the defaults."""
    out = []
    for key, value in list(feeds.items()):
        if key == "count" and not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            out.append(dg.warning("D108", f"config: feeds.count must be a whole number above 0, not {value!r}; using 20", rel))
            feeds.pop(key)
        elif key == "content" and value not in ("full", "summary"):
            out.append(dg.warning("D108", f"config: feeds.content must be full or summary, not {value!r}; using full", rel))
            feeds.pop(key)
        elif key not in ("count", "content"):
            out.append(dg.warning("D105", f'config: unknown key "feeds.{key}" is ignored', rel, hint="known: count, content"))
    return out


MAP_KEYS = ("tiles", "attribution")


def _check_map(settings: dict, rel: str, line: int) -> list[dg.Diagnostic]:
    """``map: {tiles: "https://tile.example.org/{z}/{x}/{y}.png", attribution: "© ..."}``.

    Without ``tiles`` the map uses the basemap vendored in the theme and makes no off-site
    request. A tile server's terms nearly always require a credit, so tiles without an
    attribution is a warning; a tiles value that is not an http(s) URL with {z}, {x}, {y} is
    dropped with a warning (the vendored basemap is used).
    """
    out = []
    for key in [k for k in settings if k not in MAP_KEYS]:
        out.append(dg.warning("D105", f'config: unknown key "map.{key}" is ignored', rel, line, hint="known: tiles, attribution"))
        settings.pop(key)
    tiles = settings.get("tiles")
    if tiles is None:
        return out
    tiles = str(tiles).strip()
    if urlsplit(tiles).scheme not in ("http", "https") or not all(p in tiles for p in ("{z}", "{x}", "{y}")):
        out.append(dg.warning("D108", f'config: map.tiles must be an http(s) URL with {{z}}, {{x}} and {{y}}, not "{tiles}"; '
                              "using the built-in basemap", rel, line))
        settings.pop("tiles")
        return out
    settings["tiles"] = tiles
    if not str(settings.get("attribution") or "").strip():
        out.append(dg.warning("D112", "config: map.tiles is set without map.attribution; tile servers require a credit "
                              "on the map", rel, line, hint="add map.attribution with the credit your tile server asks for, "
                              'e.g. attribution: "© OpenStreetMap contributors"'))
    return out


def with_drafts(config: Config, drafts: bool) -> Config:
    return replace(config, drafts=drafts)
