"""``dossier import``: scraped material (plain text or saved HTML) -> a draft article.

Plain text: the first non-empty line is the title, blank lines separate
paragraphs. Saved HTML: the main text and its metadata (title, author, date,
canonical URL, site name) come from ``trafilatura``. Either way, known debris
(comment-form prompts, share buttons, "Source link") is dropped, and the people,
places and organisations of the dossier whose title or alias occurs in the text
are proposed, matched whole-word with :func:`dossier.names.match_key` (so
"Masood" and "Panshir" find their pages).

Nothing here prints: :func:`import_file` returns an :class:`ImportReport` that
the CLI shows. Existing files are never overwritten.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .model import ENTITY_KINDS, FOLDERS, Site
from .names import SoundIndex, match_key, slugify, sort_key, strip_invisible, without_article

# Whole lines that are page furniture, not article text (compared with _debris_key).
DEBRIS = {
    "source link", "please enter your comment", "please enter your name here",
    "please enter your email address here", "you have entered an incorrect email address",
    "leave a reply", "leave a comment", "post comment", "cancel reply", "reply",
    "save my name email and website in this browser for the next time i comment",
    "share", "share this", "share this article", "share this story", "share on facebook", "share on twitter",
    "share on whatsapp", "share via email", "click to share on facebook opens in new window",
    "click to share on twitter opens in new window", "tweet", "facebook", "twitter", "whatsapp", "telegram",
    "linkedin", "pinterest", "reddit", "email", "print", "copy link", "link copied", "related posts",
    "related articles", "read more", "read also", "advertisement", "sponsored", "subscribe",
    "subscribe to our newsletter", "sign up for our newsletter", "follow us", "previous article", "next article",
    "loading", "like this", "like loading", "comments", "no comments", "0 comments",
}
_DEBRIS_PREFIXES = ("share on ", "click to share", "follow us on ", "sign up for ", "subscribe to ")
ROLE_FIELDS = {"person": "people", "place": "places", "organization": "organizations"}
_LINE_BREAK = re.compile(r"\r\n?|\u2028|\u2029")
_MD_BLOCK_START = re.compile(r"^(\s*)([#>+*-]|=+$|\d+[.)]\s|\|)")


class ImportProblem(Exception):
    """A file that cannot be imported (unreadable, empty, or its article already exists)."""


@dataclass
class Found:
    doc_id: str
    kind: str
    title: str
    spellings: list[str]  # the dossier names (title or aliases) found in the text
    count: int


@dataclass
class ImportReport:
    source_file: str
    path: Path | None  # the draft written (None on a dry run or failure)
    title: str
    slug: str
    fmt: str  # "text" or "html"
    metadata: dict = field(default_factory=dict)  # what was found: title, author, date, url, sitename, language
    missing: list[str] = field(default_factory=list)  # metadata that could not be found
    entities: list[Found] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)  # capitalised names with no page in the dossier
    dropped: list[str] = field(default_factory=list)  # debris lines removed
    paragraphs: int = 0
    notes: list[str] = field(default_factory=list)
    text: str = ""  # the Markdown file written


# ------------------------------------------------------------------ reading

def _debris_key(line: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", line.casefold()).split())


def is_debris(line: str) -> bool:
    key = _debris_key(line)
    if not key:
        return bool(line.strip())  # punctuation-only lines ("***", "|")
    return key in DEBRIS or (len(key) < 60 and key.startswith(_DEBRIS_PREFIXES))


def _clean_line(line: str) -> str:
    line = unicodedata.normalize("NFC", strip_invisible(line)).replace("\u00a0", " ").replace("\t", " ")
    line = "".join(ch for ch in line if ch >= " ")
    return " ".join(line.split())


def read_text_file(raw: bytes) -> tuple[str, list[str]]:
    notes = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        notes.append("the file is not UTF-8; read as Windows-1252")
    return text, notes


def split_plain_text(text: str) -> tuple[str, list[str], list[str]]:
    """(title, paragraphs, dropped debris) from plain text."""
    lines = _LINE_BREAK.sub("\n", text).split("\n")
    title = ""
    paragraphs: list[str] = []
    dropped: list[str] = []
    current: list[str] = []

    def flush():
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for raw in lines:
        line = _clean_line(raw)
        if not line:
            flush()
            continue
        if not title:
            title = line
            continue
        if is_debris(line):
            flush()
            dropped.append(line)
            continue
        current.append(line)
    flush()
    return title, paragraphs, dropped


def looks_like_html(path: Path, raw: bytes) -> bool:
    if path.suffix.lower() in (".html", ".htm", ".xhtml", ".mhtml"):
        return True
    head = raw[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<!doctype", b"\xef\xbb\xbf<html"))


def extract_html(raw: bytes) -> tuple[dict, list[str], list[str], list[str]]:
    """(metadata, paragraphs, dropped debris, notes) from a saved web page, with trafilatura."""
    try:
        import trafilatura  # imported here: only HTML imports pay for it
    except ImportError as exc:
        raise ImportProblem(f"reading saved HTML needs trafilatura ({exc}); "
                            "install it with: pip install trafilatura lxml_html_clean") from None

    notes: list[str] = []
    result = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=False,
                                         favor_precision=True, deduplicate=True)
    meta: dict = {}
    text = ""
    if result is not None:
        get = (lambda k: result.get(k)) if isinstance(result, dict) else (lambda k: getattr(result, k, None))
        for key in ("title", "author", "date", "url", "sitename", "description"):
            value = get(key)
            if value:
                meta[key] = _clean_line(str(value))
        text = get("text") or ""
    else:
        notes.append("no main text could be extracted from the page")
    lang = _html_language(raw)
    if lang:
        meta["language"] = lang
    paragraphs, dropped = [], []
    for raw_line in _LINE_BREAK.sub("\n", text).split("\n"):
        line = _clean_line(raw_line)
        if not line:
            continue
        if is_debris(line):
            dropped.append(line)
        elif not (paragraphs and line == paragraphs[-1]):
            paragraphs.append(line)
    if paragraphs and meta.get("title") and match_key(paragraphs[0]) == match_key(meta["title"]):
        paragraphs.pop(0)  # the headline repeated as the first paragraph
    return meta, paragraphs, dropped, notes


def _html_language(raw: bytes) -> str | None:
    try:
        import lxml.html

        tree = lxml.html.fromstring(raw)
    except Exception:  # noqa: BLE001 - any parse failure just means "unknown"
        return None
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        og = tree.xpath('//meta[@property="og:locale"]/@content')
        lang = og[0].replace("_", "-") if og else None
    if lang and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang.strip()):
        return lang.strip().split("-")[0].lower()
    return None


# ------------------------------------------------------------------ names

def entity_names(site: Site) -> list[tuple[tuple[str, ...], str, str, bool]]:
    """(key tokens, doc id, spelling, is an acronym) for every title and alias of an entity."""
    out = []
    for doc in site.documents.values():
        if doc.kind not in ENTITY_KINDS:
            continue
        for name in (doc.title, *doc.aliases):
            tokens = tuple(match_key(name).split())
            if tokens:
                out.append((tokens, doc.id, name, _is_acronym(name)))
            bare = tuple(without_article(" ".join(tokens)).split())
            if bare and bare != tokens:  # "The Taleban" is also found as "Taleban"
                out.append((bare, doc.id, name, False))
    return out


def _is_acronym(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return 0 < len(letters) <= 5 and all(ch.isupper() for ch in letters)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(match key, start, end) for each word of ``text``; keys agree with ``match_key(name).split()``.

    A word is a run of letters, digits, combining marks and the invisible joiners
    ``match_key`` removes, so "Lévy" written with a decomposed accent and Persian
    words with a zero-width non-joiner stay whole.
    """
    out = []
    start = None
    for i, ch in enumerate(text + " "):
        cat = unicodedata.category(ch)
        inside = cat[0] in "LNM" or ch in "\u200b\u200c\u200d\u2060\ufeff\u0640"
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            for key in match_key(text[start:i]).split():
                out.append((key, start, i))
            start = None
    return out


def find_entities(text: str, site: Site) -> tuple[list[Found], set[int]]:
    """Entities whose title or alias occurs whole-word in ``text`` (case, accents and letter variants ignored).

    At each position the longest name wins, so "Ahmed Shah Masood" is the father
    even though "Masood" alone is the son. A name owned by two entities is not
    proposed (it says nothing about which one is meant). Acronyms (UK, NRF) must
    appear in capitals. ``Found.spellings`` are the spellings as written in the text.
    """
    words = _tokens(text)
    tokens = [w[0] for w in words]
    by_first: dict[str, list[tuple[tuple[str, ...], str, str, bool]]] = {}
    owners: dict[tuple[str, ...], set[str]] = {}
    for entry in entity_names(site):
        by_first.setdefault(entry[0][0], []).append(entry)
        owners.setdefault(entry[0], set()).add(entry[1])
    for entries in by_first.values():
        entries.sort(key=lambda e: -len(e[0]))
    found: dict[str, Found] = {}
    consumed: set[int] = set()
    sound = SoundIndex((name, doc_id) for _t, doc_id, name, _a in entity_names(site))
    if sound.useful_for(text):  # "Ahmad Masoud" in Latin text for an entity written "احمد مسعود"
        written_words = [text[start:end] for _k, start, end in words]
        i = 0
        while i < len(words):
            match = sound.match(written_words, i)
            if match:
                n, doc_id = match
                _record(found, site, doc_id, text[words[i][1]:words[i + n - 1][2]])
                consumed.update(range(i, i + n))
            i += match[0] if match else 1
    i = 0
    while i < len(tokens):
        step = 1
        for name_tokens, doc_id, spelling, acronym in by_first.get(tokens[i], ()):
            n = len(name_tokens)
            if tuple(tokens[i:i + n]) != name_tokens:
                continue
            written = text[words[i][1]:words[i + n - 1][2]]
            if len(owners[name_tokens]) > 1:
                step = n
                break
            if acronym and written != spelling:
                continue
            _record(found, site, doc_id, written)
            consumed.update(range(i, i + n))
            step = n
            break
        i += step
    ordered = sorted(found.values(), key=lambda f: (ENTITY_KINDS.index(f.kind), -f.count, sort_key(f.title)))
    return ordered, consumed


def _record(found: dict, site: Site, doc_id: str, written: str) -> None:
    doc = site.documents[doc_id]
    entry = found.setdefault(doc_id, Found(doc_id, doc.kind, doc.title, [], 0))
    entry.count += 1
    if written not in entry.spellings:
        entry.spellings.append(written)


_CAP_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_PARTICLES = {"de", "du", "des", "la", "le", "al", "el", "bin", "ibn", "van", "von", "der", "of", "the"}
_COMMON_CAPS = {"the", "a", "an", "and", "but", "or", "if", "in", "on", "at", "of", "to", "for", "with", "by", "from",
                "this", "that", "these", "those", "he", "she", "it", "we", "they", "i", "you", "his", "her", "their",
                "our", "my", "your", "its", "there", "here", "when", "while", "what", "who", "why", "how", "so", "yes",
                "no", "not", "as", "mr", "mrs", "ms", "dr", "dear", "then", "now", "also", "however", "moreover",
                "finally", "first", "obviously", "specifically", "although", "because", "imagine", "sometimes",
                "is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would", "may", "might",
                "please", "talking", "talk", "really", "good", "well", "since", "after", "before", "during", "until",
                "all", "every", "each", "some", "many", "most", "one", "two", "three", "sunday", "monday", "tuesday",
                "wednesday", "thursday", "friday", "saturday", "january", "february", "march", "april", "june",
                "july", "august", "september", "october", "november", "december"}


def unknown_names(paragraphs: list[str], site: Site, limit: int = 12) -> list[str]:
    """Capitalised multi-word names in the text that match no entity: candidates for new pages."""
    known = {tuple(t) for t, *_ in entity_names(site)}
    counts: dict[str, int] = {}
    display: dict[str, str] = {}
    for para in paragraphs:
        for sentence in re.split(r"(?<=[.!?:;“”\"])\s+", para):
            words = list(_CAP_WORD.finditer(sentence))
            run: list[str] = []

            def close():
                whole = tuple(match_key(" ".join(run)).split())
                if any(_contains(whole, k) for k in known):
                    run.clear()  # "La Regle du Jeu", "The Taliban": a known name, perhaps with an article
                    return
                while run and run[-1].casefold() in _PARTICLES:
                    run.pop()
                while run and (run[0].casefold() in _COMMON_CAPS or run[0].casefold() in _PARTICLES):
                    run.pop(0)
                if len(run) >= 2:
                    name = " ".join(run)
                    key = match_key(name)
                    tokens = tuple(key.split())
                    if not any(_contains(tokens, k) for k in known):
                        counts[key] = counts.get(key, 0) + 1
                        display.setdefault(key, name)
                run.clear()

            end = None
            for m in words:
                word = m.group(0)
                if end is not None and sentence[end:m.start()].strip():
                    close()  # punctuation between two words ends a name ("Churchill, de Gaulle")
                end = m.end()
                if word[0].isupper() or (run and word.casefold() in _PARTICLES):
                    run.append(word.rstrip("’'-"))
                else:
                    close()
            close()
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    return [display[k] for k in ranked[:limit]]


def _contains(tokens: tuple[str, ...], name: tuple[str, ...]) -> bool:
    n = len(name)
    return any(tokens[i:i + n] == name for i in range(len(tokens) - n + 1))


# ------------------------------------------------------------------ writing

def _escape_markdown(paragraph: str) -> str:
    """Keep scraped text literal: no accidental headings, lists, quotes, wiki links or raw HTML."""
    text = paragraph.replace("\\", "\\\\").replace("[[", "\\[\\[").replace("]]", "\\]\\]")
    text = text.replace("<", "&lt;")
    m = _MD_BLOCK_START.match(text)
    if m:
        text = text[: m.end(1)] + "\\" + text[m.end(1):]
    return text


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _parse_day(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return None
    return "-".join(g for g in m.groups() if g)


def render_article(title: str, paragraphs: list[str], meta: dict, entities: list[Found], source_file: str,
                   today: _dt.date) -> str:
    date = _parse_day(meta.get("date"))
    lines = ["---", f"title: {_q(title)}"]
    if date:
        lines.append(f"date: {date}")
    else:
        lines.append(f"date: {today.isoformat()}   # date of import: replace with the date of the original")
    lines.append("draft: true")
    if meta.get("description"):
        lines.append(f"summary: {_q(meta['description'])}")
    if meta.get("author"):
        authors = [a.strip() for a in re.split(r";|\band\b|,", meta["author"]) if a.strip()]
        lines.append("authors: [" + ", ".join(_q(a) for a in authors) + "]")
    lines.append(f"# imported by dossier import from {source_file} on {today.isoformat()}; check every field")
    source = _source_lines(title, meta, date)
    if source:
        lines.append("source:")
        lines.extend(source)
    for kind in ENTITY_KINDS:
        names = [e.title for e in entities if e.kind == kind]
        if names:
            lines.append(f"{ROLE_FIELDS[kind]}: [" + ", ".join(_q(n) for n in names) + "]")
    lines.append("---")
    lines.append("")
    body = "\n\n".join(_escape_markdown(p) for p in paragraphs)
    return "\n".join(lines) + "\n" + body + ("\n" if body else "")


def _source_lines(title: str, meta: dict, date) -> list[str]:
    """The ``source:`` mapping of an imported article, one YAML line each."""
    source = []
    if meta.get("title") or title:
        source.append(f"  title: {_q(meta.get('title') or title)}")
    if meta.get("sitename"):
        source.append(f"  publisher: {_q(meta['sitename'])}")
    if meta.get("url"):
        source.append(f"  url: {_q(meta['url'])}")
        source.append("  # archived_url: https://web.archive.org/web/" + meta["url"])
    if date:
        source.append(f"  published: {date}")
    if meta.get("language"):
        source.append(f"  language: {meta['language']}")
    return source


def import_file(file: Path, site: Site, root: Path, dry_run: bool = False,
                today: _dt.date | None = None) -> ImportReport:
    """Read one scraped file and write ``content/articles/<slug>.md`` (never overwriting)."""
    today = today or _dt.date.today()
    file = Path(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"{file}: cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise ImportProblem(f"{file}: the file is empty")
    if looks_like_html(file, raw):
        fmt = "html"
        try:
            meta, paragraphs, dropped, notes = extract_html(raw)
        except ImportProblem as exc:
            raise ImportProblem(f"{file}: {exc}") from None
        title = meta.get("title") or (paragraphs.pop(0) if paragraphs else "")
        wanted = ["title", "author", "date", "url", "sitename", "language"]
    else:
        fmt = "text"
        text, notes = read_text_file(raw)
        title, paragraphs, dropped = split_plain_text(text)
        meta = {}
        wanted = ["author", "date", "url", "sitename"]
    if not title:
        raise ImportProblem(f"{file}: no title found (the first non-empty line is the title)")
    slug = slugify(title)
    report = ImportReport(source_file=str(file), path=None, title=title, slug=slug, fmt=fmt, metadata=meta,
                          dropped=dropped, paragraphs=len(paragraphs), notes=list(notes))
    report.missing = [k for k in wanted if not meta.get(k)]
    full_text = "\n".join([title, *paragraphs])
    report.entities, _ = find_entities(full_text, site)
    report.unknown_names = unknown_names([title, *paragraphs], site)
    doc_id = f"{FOLDERS['article']}/{slug}"
    target = Path(root) / "content" / FOLDERS["article"] / f"{slug}.md"
    if doc_id in site.documents and not target.exists():
        raise ImportProblem(f'{file}: an article with the slug "{slug}" already exists '
                           f"({site.documents[doc_id].path}); nothing was written")
    if meta.get("url"):
        for doc in site.documents.values():
            src = doc.fields.get("source")
            if src is not None and src.url == meta["url"]:
                report.notes.append(f"{doc.path} already cites this URL as its source")
    report.text = render_article(title, paragraphs, meta, report.entities, file.name, today)
    if dry_run:
        return report
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as fh:  # "x": never overwrite
            fh.write(report.text)
    except FileExistsError:
        raise ImportProblem(f"{file}: {target} already exists; nothing was written "
                           "(rename or remove it first)") from None
    report.path = target
    return report


__all__ = ["DEBRIS", "Found", "ImportReport", "ImportProblem", "find_entities", "import_file", "is_debris",
           "split_plain_text", "extract_html", "unknown_names"]
