"""Incremental resolve (resolve.incremental) equals a full resolve after every step of random edit scripts.

A small dossier lives in memory (file text by path); each step adds, deletes or
renames a file, or changes a title, aliases, slug, links, anchors, dates, tags,
inline events, drafts or an _index.md intro. Unchanged files keep their parsed
Document (as the builder does), changed ones are parsed again. After each step,
``resolve_incremental(previous, ...)`` must give exactly the values of
``resolve_full`` on the same documents: documents, links, anchors, backlinks,
events, tags, routes, URLs, cards, file URLs, the name index and every
diagnostic, all in the same order.
"""
import random
from types import SimpleNamespace

import pytest

from dossier.model import SourceFile
from dossier.parse import ParseOptions, parse
from dossier.resolve import incremental
from dossier.resolve.incremental import resolve_full, resolve_incremental

CONFIG = SimpleNamespace(drafts=False, permalinks={}, language="en", prefix="/")
FOLDERS = {"person": "people", "place": "places", "organization": "organizations", "event": "events", "article": "articles"}
NAMES = ["Ahmad Massoud", "Kabul", "Panjshir", "Taliban", "Le Monde", "Macron", "Masood", "Haqqani", "Fall of Kabul",
         "Lévy", "Northern Alliance", "Missing Person", "Report One", "Report Two", "Kabul Airport"]
TAGS = ["war", "Kabul", "rumours", "claims", "War", "panjshir"]
HEADINGS = ["History", "Sources", "Background"]


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split()) or "x"


class Dossier:
    """File texts by path, and the Documents parsed from them (re-parsed only when a text changed)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.files: dict[str, str] = {}
        self.docs: dict = {}

    def documents(self) -> list:
        for path in list(self.docs):
            if path not in self.files:
                del self.docs[path]
        for path, text in self.files.items():
            doc = self.docs.get(path)
            if doc is None or doc.digest != str(hash(text)):
                kind = next((k for k, f in FOLDERS.items() if path.startswith(f"content/{f}/")), "page")
                doc = parse(SourceFile(path, kind, text, str(hash(text))), ParseOptions())
                self.docs[path] = doc
        return [d for d in self.docs.values() if hasattr(d, "links")]

    # ------------------------------------------------------------------ random texts
    def names(self, n: int) -> list[str]:
        return self.rng.sample(NAMES, n)

    def text(self, kind: str, title: str) -> str:
        rng = self.rng
        fm = [f"title: {title}"]
        if rng.random() < 0.3:
            fm.append(f"aliases: [{', '.join(self.names(rng.randint(1, 2)))}]")
        if kind in ("article", "event") or rng.random() < 0.2:
            fm.append(f"date: {rng.choice(['2021', '2021-08', '2021-08-15', '2020-01-02', '2019-12'])}")
        if rng.random() < 0.5:
            fm.append(f"tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 3)))}]")
        if kind in ("article", "event"):
            fm.append(f"people: [{', '.join(self.names(rng.randint(0, 3)))}]")
        if kind == "event" and rng.random() < 0.6:
            fm.append(f"place: {rng.choice(NAMES)}")
        if kind == "article" and rng.random() < 0.6:
            fm.append("events:")
            for _ in range(rng.randint(1, 2)):
                if rng.random() < 0.4:
                    fm.append(f"  - {{ref: {rng.choice(NAMES)}}}")
                else:
                    fm.append(f"  - {{title: {rng.choice(NAMES)} event, date: 2021-0{rng.randint(1, 9)}, "
                              f"place: {rng.choice(NAMES)}, people: [{rng.choice(NAMES)}]}}")
        if rng.random() < 0.1:
            fm.append("draft: true")
        if rng.random() < 0.05:
            fm.append(f"slug: {_slug(rng.choice(NAMES))}")  # may collide with another file's slug
        if rng.random() < 0.1:
            fm.append(f"previous_slugs: [{_slug(rng.choice(NAMES))}-old]")
        return "---\n" + "\n".join(fm) + "\n---\n" + self.body()

    def body(self) -> str:
        rng = self.rng
        parts = [f"## {h}\n\nText about {rng.choice(NAMES)}." for h in rng.sample(HEADINGS, rng.randint(0, 2))]
        for _ in range(rng.randint(0, 4)):
            name = rng.choice(NAMES)
            form = rng.random()
            if form < 0.5:
                parts.append(f"See [[{name}]].")
            elif form < 0.7:
                parts.append(f"See [[{name}#{rng.choice(HEADINGS)}]].")
            elif form < 0.85:
                folder = rng.choice(list(FOLDERS.values()))
                parts.append(f"See [that](../{folder}/{_slug(name)}.md).")
            else:
                parts.append(f"See [the page](/{rng.choice(list(FOLDERS.values()))}/{_slug(name)}/).")
        return "\n\n".join(parts) + "\n"

    # ------------------------------------------------------------------ edits
    def add(self):
        kind = self.rng.choice(list(FOLDERS))
        title = self.rng.choice(NAMES)
        if kind == "article" and self.rng.random() < 0.5:
            title += f" {self.rng.randint(1, 3)}"
        self.files[f"content/{FOLDERS[kind]}/{_slug(title)}.md"] = self.text(kind, title)

    def intro(self):
        folder = self.rng.choice(["articles", "people"])
        self.files[f"content/{folder}/_index.md"] = f"---\ntitle: {folder}\n---\n" + self.body()

    def pick(self) -> str | None:
        return self.rng.choice(sorted(self.files)) if self.files else None

    def delete(self):
        path = self.pick()
        if path:
            del self.files[path]

    def rename(self):
        path = self.pick()
        if path and not path.endswith("_index.md"):
            folder = path.rsplit("/", 1)[0]
            self.files[f"{folder}/{_slug(self.rng.choice(NAMES))}-{self.rng.randint(1, 2)}.md"] = self.files.pop(path)

    def rewrite(self, what: str):
        """Change one front-matter line (title, aliases, date, tags, people...) or the body of a file."""
        path = self.pick()
        if not path or path.endswith("_index.md"):
            return
        kind = next(k for k, f in FOLDERS.items() if path.startswith(f"content/{f}/"))
        head, _, body = self.files[path][4:].partition("\n---\n")
        lines = head.split("\n")
        fresh = self.text(kind, self.rng.choice(NAMES)) if what != "body" else None
        if fresh is None:
            self.files[path] = "---\n" + head + "\n---\n" + self.body()
            return
        new_lines = fresh[4:].partition("\n---\n")[0].split("\n")
        mine = [line for line in new_lines if line.startswith(what + ":")] or []
        kept = [line for line in lines if not line.startswith(what + ":")]
        if what == "events":  # the list's items follow it
            kept = [line for line in kept if not line.startswith("  - ")]
            mine = new_lines[new_lines.index(mine[0]):] if mine else []
            mine = [mine[0], *[line for line in mine[1:] if line.startswith("  - ")]] if mine else []
        self.files[path] = "---\n" + "\n".join(kept + mine) + "\n---\n" + body

    def step(self):
        rng = self.rng
        op = rng.choice(["add", "add", "delete", "rename", "body", "body", "title", "aliases", "date", "tags", "people",
                         "place", "events", "draft", "slug", "intro", "nothing"])
        if op == "add":
            self.add()
        elif op == "delete":
            self.delete()
        elif op == "rename":
            self.rename()
        elif op == "intro":
            self.intro()
        elif op != "nothing":
            self.rewrite(op)
        return op


# ------------------------------------------------------------------ the comparison

def values(resolution) -> dict:
    """Everything a Site holds, in order (dicts as lists of items)."""
    site = resolution.site
    index = site.index
    return {
        "documents": list(site.documents.items()), "sections": list(site.sections.items()),
        "resolved": list(site.resolved.items()), "anchors": list(site.anchors.items()),
        "backlinks": [(k, list(v)) for k, v in site.backlinks.items()], "events": list(site.events),
        "tags": [(k, (v[0], list(v[1]))) for k, v in site.tags.items()], "routes": list(site.routes.items()),
        "urls": list(site.urls.items()), "cards": list(site.cards.items()), "assets": list(site.assets.items()),
        "diagnostics": list(site.diagnostics),
        "index": ([(k, {t: list(ids) for t, ids in v.items()}) for k, v in index._names.items() if any(v.values())],
                  list(index.display.items()), list(index.by_path.items()), index.diagnostics),
        "index documents": index.documents is site.documents,
    }


def run_script(seed: int, steps: int, files: int = 14):
    rng = random.Random(seed)
    dossier = Dossier(rng)
    for _ in range(files):
        dossier.add()
    if rng.random() < 0.5:
        dossier.intro()
    assets = ("content/articles/report.pdf",)
    previous = resolve_full(dossier.documents(), CONFIG, assets)
    kinds = {"full": 0, "incremental": 0}
    for n in range(steps):
        op = dossier.step()
        docs = dossier.documents()
        got = resolve_incremental(previous, docs, CONFIG, assets)
        want = resolve_full(docs, CONFIG, assets)
        a, b = values(got), values(want)
        for key in b:
            assert a[key] == b[key], f"seed {seed}, step {n} ({op}): {key} differs ({got.why_full})"
        kinds["full" if got.full else "incremental"] += 1
        previous = got
    return kinds


@pytest.mark.parametrize("seed", range(40))
def test_random_edit_scripts_resolve_as_a_full_resolve(seed):
    kinds = run_script(seed, steps=25)
    assert kinds["incremental"] >= 5  # the incremental path is the one being tested (a slug collision falls back)


def _without_collisions(files: int):
    for seed in range(100):
        dossier = Dossier(random.Random(seed))
        for _ in range(files):
            dossier.add()
        first = resolve_full(dossier.documents(), CONFIG)
        if not first.parts["slugs"]:
            return dossier, first
    raise AssertionError("every dossier had a slug collision")


def test_a_body_edit_resolves_only_its_document_and_keeps_the_tables():
    dossier, first = _without_collisions(20)
    path = next(p for p, d in dossier.docs.items() if hasattr(d, "links") and not d.draft and d.id in first.site.documents)
    dossier.files[path] += "\nOne more sentence.\n"
    after = resolve_incremental(first, dossier.documents(), CONFIG)
    assert not after.full and after.why_full.startswith("1 changed, 1 re-resolved"), after.why_full
    assert after.site.routes is first.site.routes and after.site.tags is first.site.tags
    assert values(after) == values(resolve_full(dossier.documents(), CONFIG))


def test_a_config_change_or_a_slug_collision_resolves_everything():
    dossier, first = _without_collisions(10)
    other = SimpleNamespace(**{**vars(CONFIG), "permalinks": {"article": "/:year/:slug/"}})
    assert resolve_incremental(first, dossier.documents(), other).why_full == "the configuration changed"
    dossier.files["content/people/twin.md"] = "---\ntitle: Twin\nslug: same\n---\n"
    dossier.files["content/people/twin-2.md"] = "---\ntitle: Twin 2\nslug: same\n---\n"
    again = resolve_incremental(first, dossier.documents(), CONFIG)
    assert again.full and again.why_full == "a slug collision"
    assert any(d.code == "D501" for d in again.site.diagnostics)


def _only_changed(previous, index, sources, olds, news, names, changed):
    return {d.id for d in news if d.id in sources and sources[d.id] is d}  # never the linkers of a changed name


def _no_suggestions_again(real):
    def index(previous, documents, olds, news):
        found, names = real(previous, documents, olds, news)
        return found, names - {None}  # unresolved links keep their old "did you mean"
    return index


BREAKAGES = {
    "linkers of a changed name not resolved again": lambda: ("_to_resolve", _only_changed),
    "suggestions not made again when names change": lambda: ("_index", _no_suggestions_again(incremental._index)),
    "linkers of a retitled document not resolved again": lambda: ("_shown", lambda doc: doc.id),
    "citers of events not updated": lambda: ("_recite", lambda old, cited, touched, fresh, documents: dict(old)),
    "tags kept": lambda: ("_tags", lambda previous, documents, olds, news, in_place: previous.site.tags),
    "routes kept when a URL changes": lambda: ("_route_sig", lambda doc, permalinks: doc.id),
    "backlinks kept": lambda: ("_backlinks", lambda old, old_links, links, again, sources: old),
    "cards kept": lambda: ("_cards", lambda old, documents, urls, news, in_place: {i: old.cards.get(i) or incremental.make_card(
        d, urls.get(i)) for i, d in documents.items()}),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_the_comparison_finds_a_broken_incremental_path(monkeypatch, breakage):
    """Each piece of the incremental path, broken on purpose, makes some script fail."""
    monkeypatch.setattr(incremental, *BREAKAGES[breakage]())
    with pytest.raises(AssertionError, match="differs"):
        for seed in range(40):
            run_script(seed, steps=25)
