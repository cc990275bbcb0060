"""Labels from message catalogs (dossier/i18n.py, themes/default/locale/, babel.cfg)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from conftest import REPO, copy_example, single_language
from dossier.i18n import locale_candidates, translations

LOCALES = REPO / "themes/default/locale"
LANGUAGES = ("en", "fr", "fa", "ps", "ar")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
TAG = re.compile(r"</?[a-z]+")


def _extracted() -> set:
    with open(REPO / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    return {msg for _file, _line, msg, _comments, _ctx in
            extract_from_dir(str(REPO), method_map, options_map, keywords=keywords)}


def _po(lang: str):
    with open(LOCALES / lang / "LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f, locale=lang)


def test_every_label_in_code_and_templates_is_translated_in_every_catalog():
    wanted = _extracted()
    assert len(wanted) > 100  # the extraction really reads the templates and the Python labels
    assert "Date within the year unknown" in wanted and ("%(num)s event", "%(num)s events") in wanted
    for lang in LANGUAGES:
        catalog = _po(lang)
        for msgid in wanted:
            message = catalog.get(msgid)
            assert message is not None, f"{lang}: {msgid!r} is missing (run scripts/update-catalogs)"
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(forms), f"{lang}: {msgid!r} is not translated"
            source = " ".join(msgid) if isinstance(msgid, tuple) else msgid
            for form in forms:
                if lang != "ar" or "%(num)s" in form:  # Arabic's "one" and "two" forms spell the number out
                    assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(source)), (lang, msgid, form)
                else:
                    assert set(PLACEHOLDER.findall(form)) <= set(PLACEHOLDER.findall(source)), (lang, msgid, form)
                assert sorted(TAG.findall(form)) == sorted(TAG.findall(msgid[0] if isinstance(msgid, tuple) else msgid)), \
                    (lang, msgid, form)


def test_compiled_catalogs_match_their_sources():
    for lang in LANGUAGES:
        source = _po(lang)
        with open(LOCALES / lang / "LC_MESSAGES/messages.mo", "rb") as f:
            compiled = read_mo(f)
        have = {_key(m.id): _key(m.string) for m in compiled if m.id}
        want = {_key(m.id): _key(m.string) for m in source if m.id}
        assert have == want, f"{lang}: messages.mo is older than messages.po (run scripts/update-catalogs)"


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


# Attributes a reader hears or sees; their literal text in a template must be a label call.
_LABEL_ATTR = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"{]*[A-Za-z]{2,}[^"{]*)"')


def _template_text_problems(source: str) -> list[str]:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    problems = []
    data = "".join(value for _line, kind, value in env.lex(source) if kind == "data")
    data = re.sub(r"<style>.*?</style>", " ", data, flags=re.S)  # CSS is no text (base.html's <noscript> rule)
    for m in _LABEL_ATTR.finditer(data):
        problems.append(m.group(1))
    text = re.sub(r"<[^>]*>", " ", data)  # only what is between tags
    text = re.sub(r"&\w+;", " ", text)
    # words, not class names written between blocks ({% block body_class %}kind-article{% endblock %})
    problems += re.findall(r"(?<![-\w])[A-Za-z]{2,}(?:[ '’][A-Za-z]+)*(?![-\w])", text)
    return problems


@pytest.mark.parametrize("template", sorted(p.relative_to(REPO).as_posix() for p in (REPO / "themes/default/templates").rglob("*.html")))
def test_no_template_writes_a_label_outside_the_catalogs(template):
    source = (REPO / template).read_text(encoding="utf-8")
    assert _template_text_problems(source) == []


def test_the_template_check_finds_a_bare_label():
    assert _template_text_problems('<h2 id="x">Linked from</h2>') == ["Linked from"]
    assert _template_text_problems('<nav aria-label="Sections">{{ _("Sections") }}</nav>') == ["Sections"]
    assert _template_text_problems('<h2>{{ _("Linked from") }}</h2>{% if x %}<p class="meta">{{ y }}</p>{% endif %}') == []


def test_catalog_lookup_falls_back_from_region_to_language(tmp_path):
    assert locale_candidates("fa-AF") == ["fa_AF", "fa"]
    fa = translations((LOCALES,), "fa-AF")
    assert fa.gettext("Timeline") == "گاه‌شمار"
    assert translations((LOCALES,), "de").gettext("Timeline") == "Timeline"  # no German catalog: the source text


# ------------------------------------------------------------------ built pages
class _Labels(HTMLParser):
    """Visible text and spoken attributes outside content (dir="auto", own lang, code, tag chips)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.page_lang = page_lang
        self.found: list[str] = []

    def _inside_content(self) -> bool:
        return any(c for _, c in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        content = (tag in ("script", "style", "code", "svg") or a.get("dir") == "auto" or "chip-tag" in classes
                   or (tag != "html" and "lang" in a and a["lang"] != self.page_lang))
        if not self._inside_content() and not content:
            self.found += [a[k] for k in ("aria-label", "title", "alt", "placeholder") if a.get(k)]
        if tag not in self.VOID:
            self.stack.append((tag, content))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and not self._inside_content():
            self.found.append(data.strip())


def _content_strings(root: Path) -> list[str]:
    """What the writers wrote (titles, other spellings, types, tags, the site's title): not labels."""
    out = [yaml.safe_load((root / "dossier.yaml").read_text(encoding="utf-8"))["title"], "Atom", "JSON Feed"]  # + feed formats
    for md in (root / "content").rglob("*.md"):
        front = yaml.safe_load(md.read_text(encoding="utf-8").split("---")[1])
        out += [str(front.get("title", ""))] + [str(a) for a in front.get("aliases", ())]
        out += [str(front.get("type", ""))] + ["#" + str(t) for t in front.get("tags", ())] + [str(t) for t in front.get("tags", ())]
    return sorted({s for s in out if s}, key=len, reverse=True)


def english_left(html: str, lang: str, content: list[str]) -> list[str]:
    parser = _Labels(lang)
    parser.feed(html)
    left = []
    for text in parser.found:
        for s in content:
            text = text.replace(s, " ")
        text = re.sub(r"\([a-z]{2,3}(?:-[A-Za-z]{2,4})?\)", " ", text)  # a source's language code, "(fr)", is data
        if re.search(r"[A-Za-z]{2,}", text):
            left.append(text)
    return left


@pytest.fixture(scope="module")
def persian_example(tmp_path_factory):
    site = copy_example(tmp_path_factory.mktemp("example-fa"))
    single_language(site.root, "fa-AF")
    assert "languages:" not in (site.root / "dossier.yaml").read_text(encoding="utf-8")
    run = site.build("--strict")
    assert run.code == 0, run.err
    return site


def test_no_english_label_remains_on_a_persian_page_of_the_example(persian_example):
    content = _content_strings(persian_example.root)
    pages = sorted(persian_example.out.rglob("*.html"))
    assert len(pages) > 40
    leftovers = {}
    for page in pages:
        left = english_left(page.read_text(encoding="utf-8"), "fa-AF", content)
        if left:
            leftovers[page.relative_to(persian_example.out).as_posix()] = left
    assert leftovers == {}
    home = persian_example.read("index.html")
    assert '<html lang="fa-AF" dir="rtl">' in home
    assert "گاه‌شمار" in home and "رفتن به محتوا" in home


def test_no_english_label_remains_on_the_dari_pages_of_the_multilingual_example(example_build):
    content = _content_strings(REPO)
    pages = sorted((example_build.out / "fa-af").rglob("*.html"))
    assert len(pages) >= 15
    leftovers = {p.relative_to(example_build.out).as_posix(): left for p in pages
                 if (left := english_left(p.read_text(encoding="utf-8"), "fa-AF", content))}
    assert leftovers == {}


def test_the_page_check_sees_an_english_label():
    assert english_left('<html lang="fa"><body><h2>Linked from</h2><p dir="auto">Kabul</p></body></html>', "fa", []) == ["Linked from"]
    assert english_left('<html lang="fa"><body><h2>Kabul</h2></body></html>', "fa", ["Kabul"]) == []


def test_python_side_labels_follow_the_language(make_site):
    files = {
        "content/events/a.md": "---\ntitle: Something in 2021\ndate: 2021\nsources: [{url: 'https://example.org/a', archived_url: 'https://archive.org/a'}]\n---\n",
        "content/claims/c.md": "---\ntitle: A rumour\nstatus: unverified\ndate: 2021-08-20\nsources: [{url: 'https://example.org/b', archived_url: 'https://archive.org/b'}]\n---\n",
    }
    site = make_site(files, config="title: T\nlanguage: fr\n")
    assert site.build().code == 0, site.build().err
    timeline = site.read("timeline/index.html")
    assert "Date dans l’année inconnue" in timeline and "Date within the year unknown" not in timeline
    assert ">Chronologie</a>" in timeline  # navigation
    claim = site.read("claims/c/index.html")
    assert ">non vérifiée</strong>" in claim and "Pas encore vérifiée auprès de sources indépendantes." in claim
    assert 'class="status status-unverified"' in claim  # the class keeps the status's own name
    claims = site.read("claims/index.html")
    assert ">Non vérifiée</span>" in claims


def test_a_sites_own_catalog_overrides_a_label(make_site, minimal_files):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="fr")
    catalog.add("Timeline", "Frise")
    site = make_site(minimal_files, config="title: T\nlanguage: fr\n")
    folder = site.root / "locale/fr/LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as f:
        write_mo(f, catalog)
    assert site.build().code == 0
    page = site.read("timeline/index.html")
    assert "<h1>Frise</h1>" in page
    assert ">Personnes</a>" in page  # everything else still from the theme's catalog
