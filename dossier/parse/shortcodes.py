"""Hugo shortcodes and Liquid tags in a Markdown body, before Markdown sees it.

Content is never run as a template. The common shortcodes are understood and
turned into Markdown: ``figure``, ``youtube``, ``vimeo``, ``tweet``/``x``,
``ref``/``relref`` (a link to another page, by its file name), ``highlight``;
Jekyll's ``highlight``, ``raw``, ``post_url`` and ``link`` likewise. Any other
shortcode or Liquid tag is a warning with file:line:col and is removed (the
text between a paired shortcode's tags stays), so foreign syntax never reaches
a reader, a meta description or a feed. Code blocks and code spans are left
alone. Replacements keep the number of lines, so later line numbers stay right.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from .. import diagnostics as dg
from .conventions import read_name

# {{< name args >}}, {{% name args %}}, closing {{< /name >}}; Hugo's escaped {{</* */>}} is a literal
SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w./-]+)((?:[^>%}]|[>%](?!\}\})|\}(?!\}))*?)\s*[>%]\}\}", re.S)
LIQUID = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
LIQUID_OUTPUT = re.compile(r"\{\{-?\s*(site|page|include|post|layout|paginator|content|jekyll)\b[^{}]*?-?\}\}")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)
REF_IN_LINK = re.compile(r"\]\(\s*\{\{[<%]\s*(?:rel)?ref\s+\"?([^\"\s>%]+)\"?\s*[>%]\}\}\s*\)")
FOREIGN = ("{{<", "{{%", "{%")
# a whole highlighted block, Hugo's or Jekyll's: its inside is code, left exactly as written
HIGHLIGHT = re.compile(r"\{\{[<%]\s*highlight\s+\"?([\w+#.-]*)\"?[^>%]*?[>%]\}\}\n?(.*?)\n?\{\{[<%]\s*/highlight\s*[>%]\}\}"
                       r"|\{%-?\s*highlight\s+([\w+#.-]*)[^%]*?%\}\n?(.*?)\n?\{%-?\s*endhighlight\s*-?%\}", re.S)


@dataclass
class Converted:
    text: str
    diagnostics: list


def _args(raw: str) -> tuple[list[str], dict[str, str]]:
    try:
        parts = shlex.split(raw.strip().replace("\n", " "), posix=True)
    except ValueError:
        parts = raw.split()
    positional, named = [], {}
    for p in parts:
        key, eq, value = p.partition("=")
        if eq and re.fullmatch(r"[\w-]+", key):
            named[key] = value
        else:
            positional.append(p)
    return positional, named


def page_name(target: str) -> str:
    """``blog/2020-06-08-face-blur/index.md#x`` -> ``face-blur`` (a slug the wiki-link index knows)."""
    path = target.split("#")[0].rstrip("/")
    if not path.endswith((".md", ".markdown")):
        path += ".md"
    return read_name("content/" + path.lstrip("/")).stem


def _anchor(target: str) -> str:
    return "#" + target.split("#", 1)[1] if "#" in target else ""


def _video(kind: str, pos, named) -> str:
    vid = named.get("id") or (pos[0] if pos else "")
    title = named.get("title") or f"{kind} video"
    url = {"YouTube": "https://www.youtube.com/watch?v=", "Vimeo": "https://vimeo.com/"}[kind] + vid
    return f"[▶ {title}]({url})" if vid else ""


def _tweet(pos, named) -> str:
    user, tid = named.get("user", ""), named.get("id") or (pos[-1] if pos else "")
    url = f"https://x.com/{user or 'i'}/status/{tid}"
    return f"[Post on X by @{user}]({url})" if user else f"[Post on X]({url})"


def _figure(pos, named) -> str:
    src = named.get("src") or (pos[0] if pos else "")
    alt = named.get("alt") or named.get("caption") or named.get("title") or ""
    caption = named.get("caption") or named.get("title") or ""
    credit = named.get("attr") or named.get("credit") or ""
    title = caption + (f" | {credit}" if credit else "")
    title_part = f' "{title}"' if title else ""
    return f"\n![{alt}]({src}{title_part})\n" if src else ""


def _ref(pos, named) -> str:
    target = named.get("path") or (pos[0] if pos else "")
    return f"[[{page_name(target)}{_anchor(target)}]]" if target else ""


SIMPLE = {  # shortcode name -> Markdown for its arguments
    "youtube": lambda p, n: _video("YouTube", p, n),
    "vimeo": lambda p, n: _video("Vimeo", p, n),
    "tweet": _tweet, "x": _tweet,
    "figure": _figure,
    "ref": _ref, "relref": _ref,
}
PAIRED = {  # name -> (opening Markdown, closing Markdown)
    "highlight": (lambda p, n: f"\n```{p[0] if p else ''}\n", "\n```\n"),
}
LIQUID_PAIRED = {"highlight": "endhighlight", "raw": "endraw", "comment": "endcomment"}


def _keep_lines(original: str, replacement: str) -> str:
    """Pad or fold the replacement so it spans as many lines as what it replaces."""
    want, have = original.count("\n"), replacement.count("\n")
    if have < want:
        return replacement + "\n" * (want - have)
    if have > want:
        head, *rest = replacement.split("\n")
        lines = [head] + rest
        return "\n".join(lines[: want]) + " " + " ".join(lines[want:]) if want else " ".join(lines)
    return replacement


class _Pass:
    def __init__(self, path: str, first_line: int, text: str):
        self.path = path
        self.first = first_line
        self.text = text
        self.diags: list = []
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(self, offset: int) -> tuple[int, int]:
        import bisect

        i = bisect.bisect_right(self.line_starts, offset) - 1
        return self.first + i, offset - self.line_starts[i] + 1

    def warn(self, offset: int, what: str, hint: str) -> None:
        line, col = self.where(offset)
        src = self.text.split("\n")[line - self.first] if 0 <= line - self.first < len(self.line_starts) else None
        self.diags.append(dg.warning("D209", what, self.path, line, col, hint=hint, source_line=src))


def _masked(text: str) -> str:
    """The text with fenced code and code spans blanked (same length), so patterns skip them."""
    out, fence = [], None
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence:
            out.append(" " * len(line))
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            out.append(" " * len(line))
            continue
        out.append(line)
    joined = "\n".join(out)
    return _CODE_SPAN.sub(lambda c: re.sub(r"[^\n]", " ", c.group(0)), joined)


def convert(body: str, path: str, first_line: int) -> Converted:
    """The body with shortcodes and Liquid tags converted or removed, and a warning per removed one."""
    if "{{" not in body and "{%" not in body:
        return Converted(body, [])
    state = _Pass(path, first_line, body)
    masked = _masked(body)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the original text
    passes = (  # earlier passes win where matches overlap ({{% x %}} holds a Liquid-looking {% x %})
        (HIGHLIGHT, lambda m: _fenced(m, body)),
        (REF_IN_LINK, lambda m: f"]({_md_target(m.group(1))})"),  # [text]({{< ref "x.md" >}})
        (SHORTCODE, lambda m: _shortcode(m, state)),
        (LIQUID, lambda m: _liquid(m, state)),
        (LIQUID_OUTPUT, lambda m: _liquid_output(m, state)),
    )
    for pattern, handle in passes:
        for m in pattern.finditer(masked):
            if not any(a < m.end() and m.start() < b for a, b, _ in edits):
                edits.append((m.start(), m.end(), handle(m)))
    out, last = [], 0
    for start, end, repl in sorted(edits):
        if start < last:
            continue
        out.append(body[last:start])
        out.append(repl if repl.startswith(("```", "\n```")) else _keep_lines(body[start:end], repl))
        last = end
    out.append(body[last:])
    return Converted("".join(out), state.diags)


def _fenced(m, body: str) -> str:
    """A fenced code block; blank lines around it when the tags shared lines with text."""
    lang, code = (m.group(1), m.group(2)) if m.group(2) is not None else (m.group(3), m.group(4))
    before = "" if m.start() == 0 or body[m.start() - 1] == "\n" else "\n"
    after = "" if m.end() == len(body) or body[m.end()] == "\n" else "\n"
    return f"{before}```{lang or ''}\n{body[m.start(2 if m.group(2) is not None else 4):m.end(2 if m.group(2) is not None else 4)]}\n```{after}"


def _md_target(target: str) -> str:
    return f"dossier-page:{page_name(target)}{_anchor(target)}"


def _shortcode(m, state: _Pass) -> str:
    closing, name, raw = m.group(2), m.group(3).lower(), m.group(4)
    if name in PAIRED:
        opening, end = PAIRED[name]
        return end if closing else opening(*_args(raw))
    if closing:
        return ""
    if name in SIMPLE:
        return SIMPLE[name](*_args(raw))
    state.warn(m.start(), f'Hugo shortcode "{name}" is not supported; it was left out of the page',
               "replace it with Markdown (or HTML); the text between paired shortcodes is kept")
    return ""


def _liquid(m, state: _Pass) -> str:
    name, raw = m.group(1).lower(), m.group(2)
    if name == "highlight":
        return f"\n```{raw.split()[0] if raw.split() else ''}\n"
    if name == "endhighlight":
        return "\n```\n"
    if name in ("raw", "endraw"):
        return ""
    if name in ("post_url", "link"):  # a page of the site by its file name
        return f"dossier-page:{page_name(raw.strip())}"
    state.warn(m.start(), f'Liquid tag "{{% {name} %}}" is not supported; it was left out of the page',
               "dossier does not run templates in content; write the text or link it includes")
    return ""


def _liquid_output(m, state: _Pass) -> str:
    expr = m.group(0)
    if re.fullmatch(r"\{\{-?\s*site\.(baseurl|url)\s*-?\}\}", expr):
        return ""  # "{{ site.baseurl }}/about/" is a site-absolute link: checked as one
    state.warn(m.start(), f'Liquid output "{expr}" is not supported; it was left out of the page',
               "dossier does not run templates in content; write the value")
    return ""
