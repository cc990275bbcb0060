"""What a file's name says, as Hugo, Jekyll and Eleventy read it.

- ``2012-04-10-how-we-help.md``: the date 2012-04-10 and the name ``how-we-help``;
- ``<name>/index.md`` (a page bundle): the name is the folder's;
- ``name.fa.md``: the same page, in Persian (``lang: fa``);
- ``_index.md``: the intro text of its folder's index page (a *section*).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache

_DATED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_LANG = re.compile(r"^(.+)\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$")  # name.fa, name.zh-hant, name.pt-br
MARKDOWN_EXTENSIONS = (".md", ".markdown")
BUNDLE_INDEX = "index"
SECTION_INDEX = "_index"


@dataclass(frozen=True, slots=True)
class FileName:
    stem: str  # the document's name before slugify: "how-we-help"
    date: str | None  # "2012-04-10" from the name, or None
    lang: str | None  # "fa" from name.fa.md, or None
    bundle: bool  # <name>/index.md: the folder is the page's own
    section: bool  # _index.md: its folder's intro text


@lru_cache(maxsize=256)
def is_language(code: str) -> bool:
    """A language babel knows ("fa", "zh-Hant", "pt-BR"), not any dotted word ("readme.txt")."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _strip_ext(name: str) -> str:
    for ext in MARKDOWN_EXTENSIONS:
        if name.lower().endswith(ext):
            return name[: -len(ext)]
    return name


def read_name(path: str) -> FileName:
    """``path`` is project-relative ("content/articles/2012-04-10-x.md")."""
    folder, base = posixpath.split(path)
    stem = _strip_ext(base)
    lang = None
    m = _LANG.match(stem)
    if m and is_language(m.group(2)):
        stem, lang = m.group(1), m.group(2)
    section = stem == SECTION_INDEX
    bundle = stem == BUNDLE_INDEX and posixpath.basename(folder) not in ("content", "")
    if bundle or section:
        stem = _strip_ext(posixpath.basename(folder)) or stem  # a bundle folder named "x.md" is still "x"
    date = None
    d = _DATED.match(stem)
    if d:
        date, stem = f"{d.group(1)}-{d.group(2)}-{d.group(3)}", d.group(4)
    return FileName(stem, date, lang, bundle, section)
