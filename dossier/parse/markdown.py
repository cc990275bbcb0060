"""Markdown -> HTML with link slots, heading ids, safe URLs and sanitising.

Links are data before they are HTML: ``[[Target|label]]`` and relative links
to ``.md`` files become ``<a href="dossier:link/N">`` *slots* and a
:class:`Link` record with its line and column. Resolve decides the target;
render fills the slot. The HTML of one file never depends on another file.
"""
from __future__ import annotations

import html
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import InlineProcessor as TreeInlineProcessor
from markdown.treeprocessors import Treeprocessor

from ..model import Heading, Link
from .refs import collect_refs

SLOT_SCHEME = "dossier:link/"
PAGE_SCHEME = "dossier-page:"  # a link to a page by name, from a Hugo ref shortcode or a Liquid post_url (parse.shortcodes)
SLOT_RE = re.compile(r'<a((?:\s+(?!href=)[\w-]+="[^"]*")*)\s+href="dossier:link/(\d+)"([^>]*)>(.*?)</a>', re.S)
# "[[1]](https://...)" is a Markdown link reading "[1]" (CommonMark), not a wiki link
WIKI_RE = re.compile(r"\[\[([^\[\]\n]+?)\]\](?!\()")
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# a relative .md link, or a page link by name from a converted shortcode: "](../x.md#a)", "](dossier-page:x)"
_PATH_LINK = re.compile(r"\]\(\s*<?((?:dossier-page:[^)\s>]*)|[^)\s>]+\.md(?:#[^)\s>]*)?)")
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")

ALLOWED_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "dir", "lang"},
    "a": {"href", "rev", "data-anchor"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "time": {"datetime"},
    "ol": {"start", "type"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "abbr": {"title"},
}


@dataclass
class MarkdownResult:
    html: str
    links: list[Link]
    headings: list[Heading]
    text: str
    refs: list = field(default_factory=list)  # parse.refs: assets and site-absolute URLs
    diagnostics: list = field(default_factory=list)


def safe_url(url: str) -> bool:
    """True for relative URLs and http(s)/mailto/tel; false for javascript:, data:, vbscript: ..."""
    decoded = _CONTROL.sub("", html.unescape(html.unescape(url or "")))
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", decoded)
    if not m:  # no scheme: a relative path ("data/report.pdf" is a folder named data, not a data: URL)
        return not re.match(r"(?:javascript|vbscript|data)(?![\w./-])", decoded.lower())
    scheme = m.group(1).lower()
    return scheme in SAFE_SCHEMES or decoded.startswith(SLOT_SCHEME)


# ----------------------------------------------------------- source scan

def _scan_source(body: str, first_line: int):
    """Positions of wiki links and .md links in the source, outside code.

    Returns {raw text: [(line, col, context), ...]} in document order; the
    context is the sentence around the link, taken from its whole paragraph.
    """
    found: dict[str, list[tuple[int, int, str]]] = {}
    lines = body.split("\n")
    para_start = [0] * len(lines)  # index of the first line of each line's paragraph
    start = 0
    for i, line in enumerate(lines):
        if not line.strip():
            start = i + 1
        para_start[i] = start
    fence = None
    for offset, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(2)[0] == fence[0] and len(m.group(2)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(2)
            continue
        if not any(mark in line for mark in ("[[", ".md", PAGE_SCHEME)):
            continue
        masked = _CODE_SPAN.sub(lambda c: " " * len(c.group(0)), line)
        hits = [(w.group(0), w.start()) for w in WIKI_RE.finditer(masked)]
        hits += [(p.group(1), p.start()) for p in _PATH_LINK.finditer(masked)]
        if not hits:
            continue
        a = para_start[offset]
        b = offset
        while b + 1 < len(lines) and lines[b + 1].strip():
            b += 1
        paragraph = " ".join(lines[a:b + 1])
        shift = sum(len(lines[k]) + 1 for k in range(a, offset))
        for raw, col in sorted(hits, key=lambda h: h[1]):
            found.setdefault(raw, []).append((first_line + offset, col + 1, _context(paragraph, shift + col)))
    return found


def _context(line: str, pos: int) -> str:
    start = 0
    for m in _SENTENCE_END.finditer(line):
        if m.end() > pos:
            break
        start = m.end()
    m = _SENTENCE_END.search(line, pos)
    end = m.start() if m else len(line)
    text = line[start:end]
    text = WIKI_RE.sub(lambda w: w.group(1).split("|")[-1].split("#")[0], text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`>#]+", "", text).strip()
    return text if len(text) <= 240 else text[:237].rsplit(" ", 1)[0] + "…"


class _Collector:
    def __init__(self):
        self.positions: dict[str, list[tuple[int, int, str]]] = {}
        self.used: dict[str, int] = {}
        self.links: list[Link] = []
        self.base = 0  # index offset: front-matter links come first

    def reset(self, positions, base):
        self.positions = positions
        self.used = {}
        self.links = []
        self.base = base

    def position(self, raw: str):
        n = self.used.get(raw, 0)
        self.used[raw] = n + 1
        spots = self.positions.get(raw) or []
        return spots[n] if n < len(spots) else (spots[-1] if spots else (None, None, ""))

    def add(self, raw, target, label, anchor, form) -> int:
        line, col, context = self.position(raw)
        self.links.append(Link(target, label, anchor, line, col, "body", form, context))
        return self.base + len(self.links) - 1


class _WikiLinkProcessor(InlineProcessor):
    def __init__(self, collector: _Collector):
        super().__init__(WIKI_RE.pattern)
        self.collector = collector

    def handleMatch(self, m, data):
        inner = m.group(1)
        target, _, label = inner.partition("|")
        target, _, anchor = target.partition("#")
        target, label, anchor = target.strip(), label.strip() or None, anchor.strip() or None
        if not target and not anchor:
            return None, None, None
        idx = self.collector.add(m.group(0), target, label, anchor, "name")
        el = etree.Element("a")
        el.set("href", f"{SLOT_SCHEME}{idx}")
        el.set("class", "wikilink")
        el.text = label or target or anchor
        return el, m.start(0), m.end(0)


class _LinkTreeprocessor(Treeprocessor):
    """Relative .md links become slots; unsafe URL schemes are removed."""

    def __init__(self, md, collector: _Collector):
        super().__init__(md)
        self.collector = collector
        self.doc_dir = ""

    def run(self, root):
        for el in root.iter():
            if el.tag == "a":
                href = el.get("href")
                if href is None or href.startswith(SLOT_SCHEME):
                    continue
                if href.startswith(PAGE_SCHEME):
                    target, _, anchor = href[len(PAGE_SCHEME):].partition("#")
                    el.set("href", f"{SLOT_SCHEME}{self.collector.add(href, target, None, anchor or None, 'name')}")
                    continue
                if not safe_url(href):
                    del el.attrib["href"]
                    continue
                path, _, anchor = href.partition("#")
                if path.endswith(".md") and "://" not in path and not path.startswith(("/", "mailto:")):
                    target = posixpath.normpath(posixpath.join(self.doc_dir, unquote(path)))
                    idx = self.collector.add(href, target, None, anchor or None, "path")
                    el.set("href", f"{SLOT_SCHEME}{idx}")
            elif el.tag == "img":
                if not safe_url(el.get("src", "")):
                    el.set("src", "")


def unquote(path: str) -> str:
    from urllib.parse import unquote as _unquote

    return unicodedata.normalize("NFC", _unquote(path))


class DossierExtension(Extension):
    def __init__(self, **kwargs):
        self.collector = _Collector()
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # Above the bundled "link" (160) and "reference" (170) patterns, below code spans (190).
        md.inlinePatterns.register(_WikiLinkProcessor(self.collector), "dossier-wikilink", 175)
        self.tree = _LinkTreeprocessor(md, self.collector)
        md.treeprocessors.register(self.tree, "dossier-links", 5)
        md.treeprocessors.register(_SkippingInlineProcessor(md), "inline", 20)  # (the stock one's name and place)


# What each bundled inline pattern needs in the text to match at all (any one of them): its regular
# expression cannot match text without it (the patterns are listed in ``Renderer``'s Markdown).
_NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",), "dossier-wikilink": ("[[",),
    "reference": ("[",), "link": ("[",), "short_reference": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",),
    "autolink": ("<",), "automail": ("<",), "html": ("<",), "linebreak": ("  \n",), "entity": ("&",),
    "em_strong": ("*", "_"),
}


class _SkippingInlineProcessor(TreeInlineProcessor):
    """Python-Markdown's inline pass, with each pattern skipped over text that lacks what it needs (``_NEEDS``).

    The stock pass runs every pattern's regular expression over every text node
    (16 patterns, most text having none of ``[`<&*_``): two thirds of the
    Markdown time. A pattern skipped here is one whose expression would have
    found nothing, so the output is the stock output (compared byte for byte in
    tests/test_parse_markdown.py). Patterns not in the table always run.
    """

    def run(self, tree, ancestors=None):
        patterns = self.md.inlinePatterns
        self._needs = {id(patterns[name]): needs for name, needs in _NEEDS.items() if name in patterns}
        return super().run(tree, ancestors)

    def _InlineProcessor__applyPattern(self, pattern, data, patternIndex, startIndex=0):  # the base class's private step
        needs = self._needs.get(id(pattern))
        if needs is not None and all(data.find(n, startIndex) < 0 for n in needs):
            return data, False, 0
        return super()._InlineProcessor__applyPattern(pattern, data, patternIndex, startIndex)


# What any of smarty's patterns needs to match: a quote, "--" or "..." (angled quotes are off).
_SMARTY_TRIGGER = re.compile(r"['\"]|--|\.\.\.")


class _SkippingSmartyProcessor(TreeInlineProcessor):
    """Python-Markdown's own smarty pass, not run over text that none of its patterns can match.

    Smarty is an inline pass of its own (18 patterns tried on every text node):
    about 40% of the Markdown time. Its patterns only substitute text that holds
    a quote, "--" or "...", and put placeholders (never such characters) in its
    place, so a tree, or a text node, without any of them comes out unchanged:
    it is skipped; anything else goes through the stock code. Same output by
    construction (and compared byte for byte in tests/test_parse_markdown.py).
    """

    def run(self, tree, ancestors=None):
        for el in tree.iter():
            if (el.text and _SMARTY_TRIGGER.search(el.text)) or (el.tail and _SMARTY_TRIGGER.search(el.tail)):
                return super().run(tree, ancestors)
        return tree

    def _InlineProcessor__handleInline(self, data, patternIndex=0):  # the base class's private per-text step
        if not _SMARTY_TRIGGER.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class QuickSmartyExtension(SmartyExtension):
    """``smarty`` with :class:`_SkippingSmartyProcessor` in place of its inline pass."""

    def extendMarkdown(self, md):
        super().extendMarkdown(md)
        stock = md.treeprocessors["smarty"]
        quick = _SkippingSmartyProcessor(md)
        quick.inlinePatterns = stock.inlinePatterns
        md.treeprocessors.register(quick, "smarty", 6)


class Renderer:
    """One configured Markdown instance, reused (``reset()``) for every file of a process."""

    def __init__(self, unsafe_html: bool = False, embeds: tuple[str, ...] = ()):
        self.unsafe_html = unsafe_html
        self.embeds = tuple(embeds)
        tags, attributes = set(ALLOWED_TAGS), dict(ALLOWED_ATTRIBUTES)
        if self.embeds:
            tags.add("iframe")
            attributes["iframe"] = {"src", "width", "height", "title", "allow", "allowfullscreen", "loading"}
        self._tags, self._attributes = tags, attributes
        self.ext = DossierExtension()
        self.md = markdown.Markdown(
            extensions=[
                "fenced_code", "tables", "footnotes", "attr_list", "def_list", "abbr", "sane_lists",
                QuickSmartyExtension(), "toc", self.ext,
            ],
            extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "1-6"}},
            output_format="html",
        )

    def plain(self, body: str, link_base: int) -> MarkdownResult:
        """The text as an escaped preformatted block (for input the renderer cannot take)."""
        return MarkdownResult(f'<pre class="unrendered">{html.escape(body)}</pre>', [], [], body[:2000])

    def reset_after_interrupt(self) -> None:
        """A render cut short leaves the Markdown instance half-way: start a fresh one."""
        self.__init__(self.unsafe_html, self.embeds)

    def render(self, body: str, path: str, first_line: int, link_base: int, source: str | None = None) -> MarkdownResult:
        """``source``: the body as written, when ``body`` had shortcodes converted (URLs are located in it)."""
        self.md.reset()
        self.ext.collector.reset(_scan_source(body, first_line), link_base)
        self.ext.tree.doc_dir = posixpath.dirname(path)
        out = self.md.convert(body)
        headings = _flatten(getattr(self.md, "toc_tokens", []))
        links = list(self.ext.collector.links)
        if self.unsafe_html:
            out = _strip_unsafe_urls(out)
        else:
            out = nh3.clean(
                out,
                tags=self._tags,
                attributes=self._attributes,
                url_schemes={"http", "https", "mailto", "tel", "dossier"},
                link_rel=None,
                strip_comments=True,
                attribute_filter=self._filter if self.embeds else None,
            )
            if self.embeds:
                out = _EMPTY_IFRAME.sub("", out)
        out, refs, diags = collect_refs(out, path, source if source is not None else body, first_line)
        return MarkdownResult(out, links, headings, html_to_text(out), refs, diags)


    def _filter(self, tag: str, attr: str, value: str):
        """Embeds only from the configured hosts, only over https."""
        if tag == "iframe" and attr == "src":
            from urllib.parse import urlsplit

            parts = urlsplit(value)
            if parts.scheme != "https" or (parts.hostname or "").lower() not in self.embeds:
                return None
        return value


_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>")


def _flatten(tokens) -> list[Heading]:
    out: list[Heading] = []
    for t in tokens:
        out.append(Heading(int(t["level"]), html.unescape(re.sub(r"<[^>]+>", "", t["name"])), t["id"]))
        out.extend(_flatten(t.get("children", [])))
    return out


_URL_ATTR = re.compile(r'(\s(?:href|src|action|formaction|xlink:href)\s*=\s*)("[^"]*"|\'[^\']*\'|[^\s>]+)', re.I)


def _strip_unsafe_urls(text: str) -> str:
    """With ``unsafe_html: true`` raw HTML stays, but dangerous URL schemes still go."""

    def fix(m):
        value = m.group(2).strip("\"'")
        return m.group(0) if safe_url(value) else f'{m.group(1)}"#"'

    return _URL_ATTR.sub(fix, text)


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|td|th|tr|blockquote|dd|dt|figcaption|caption)>|<br\s*/?>|<hr\s*/?>", re.I)
_SPACE = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    fragment = re.sub(r'<div class="footnote">.*?</div>', " ", fragment, flags=re.S)
    fragment = re.sub(r"<(?:pre|script|style|figcaption)[^>]*>.*?</(?:pre|script|style|figcaption)>", " ", fragment, flags=re.S)
    fragment = _BLOCK_END.sub(" ", fragment)
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", fragment))).strip()
