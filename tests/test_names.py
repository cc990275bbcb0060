import pytest

from dossier.names import match_key, slugify, suggestions


def test_match_key_folds_case_accents_and_normal_form():
    assert match_key("Massoud") == match_key("MASSOUD") == match_key("massoud")
    assert match_key("Lévy") == match_key("Le\u0301vy") == match_key("Levy")


def test_match_key_folds_arabic_and_persian_variants():
    assert match_key("علي") == match_key("علی")  # Arabic yeh vs Persian yeh
    assert match_key("كابل") == match_key("کابل")  # Arabic kaf vs keheh
    assert match_key("می\u200cخواهم") == match_key("میخواهم")  # ZWNJ


def test_slugs_are_ascii_stable_and_non_empty():
    assert slugify("Ahmad Massoud") == "ahmad-massoud"
    assert slugify("Bernard-Henri Lévy") == "bernard-henri-levy"
    persian = slugify("پنجشیر")
    assert persian and persian.isascii() and " " not in persian
    assert slugify("پنجشیر") == persian  # the same on every call (and machine: anyascii is a table)
    assert slugify("کابل") != persian


def test_slug_never_a_path_or_device_or_bidi():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("con") == "con-page"
    assert slugify("\u202eevil\u202c") == "evil"
    assert slugify("!!!").startswith("page-")


def test_suggestions_offer_close_names():
    names = {match_key(n): n for n in ["Ahmad Massoud", "Ahmad Shah Massoud", "Kabul"]}
    assert suggestions("Ahmad Masoud", names)[0] == "Ahmad Massoud"


# ------------------------------------------------------------ across scripts and articles
from dossier.names import SoundIndex, sound_key, without_article  # noqa: E402,I001


@pytest.mark.parametrize("latin, arabic_script", [
    ("Ahmad Massoud", "احمد مسعود"), ("Masoud", "مسعود"), ("Taleban", "طالبان"), ("Haqqani", "حقانی"),
    ("Amrullah Saleh", "امرالله صالح"), ("Panjshir", "پنجشیر"), ("Emmanuel Macron", "امانوئل ماکرون"),
])
def test_sound_key_is_shared_by_latin_and_persian_spellings(latin, arabic_script):
    assert sound_key(latin) == sound_key(arabic_script) != ""


def test_sound_key_leaves_out_articles_and_keeps_names_apart():
    assert sound_key("the Taleban") == sound_key("Taliban") == sound_key("طالبان")
    assert without_article("the taleban") == "taleban" and without_article("al qaeda") == "qaeda"
    assert without_article("القاعده") == "قاعده" and without_article("the") == "the"
    assert sound_key("Kabul") != sound_key("Kandahar") and sound_key("Ahmad Massoud") != sound_key("Ahmad Shah Massoud")
    assert sound_key("Lévy") == ""  # one consonant: too short to propose anything


def test_did_you_mean_crosses_scripts_and_articles():
    names = {match_key(n): n for n in ("احمد مسعود", "The Taleban", "Kabul", "Ahmad Shah Massoud")}
    assert suggestions("Masoud", names)[0] == "احمد مسعود"
    assert suggestions("Taleban", names) == ["The Taleban"]
    assert suggestions("Taliban", names) == ["The Taleban"]
    assert suggestions("Kandahar", names) == []


def test_sound_index_matches_only_across_scripts_and_whole_names():
    index = SoundIndex([("احمد مسعود", "p1"), ("Ahmad Shah Massoud", "p2"), ("مسعود", "p3")])
    words = "Interview with Ahmad Masoud today".split()
    assert index.match(words, 2) == (2, "p1")
    assert index.match(words, 3) is None  # one short word alone ("msd") is not matched in running text
    assert index.match("احمد شاه مسعود".split(), 0) == (3, "p2")
    assert index.match("احمد مسعود".split(), 0) is None  # the same script: the exact matcher's job
    assert index.useful_for("Latin text") and not SoundIndex([("Ahmad Shah Massoud", "p2")]).useful_for("Latin text")


# ------------------------------------------------------------------ did you mean, at scale
import difflib  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

from dossier.names import Suggester, _sound_matches  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def scan_all_names(wanted: str, names: dict[str, str], limit: int = 3) -> list[str]:
    """The previous implementation, kept as the oracle: difflib over every name, then word containment."""
    key = match_key(wanted)
    close = difflib.get_close_matches(key, names.keys(), n=limit * 3, cutoff=0.6)
    if len(key) >= 3:
        words = set(key.split())
        for k in names:
            if len(close) >= limit * 3:
                break
            if k not in close and words & set(k.split()):
                close.append(k)
    if len(close) < limit * 3:  # across scripts and articles (the plain scan of dossier.names._sound_matches)
        close += [k for k in _sound_matches(wanted, names) if k not in close]
    out: list[str] = []
    for k in close:
        if names[k] not in out:
            out.append(names[k])
        if len(out) == limit:
            break
    return out


def typos(name: str, rng: random.Random, n: int = 6) -> list[str]:
    """Misspellings a reporter makes: a letter dropped, doubled, swapped or replaced, a word left out."""
    out = []
    for _ in range(n):
        chars = list(name)
        i = rng.randrange(len(chars)) if chars else 0
        op = rng.choice(("drop", "double", "swap", "replace", "word", "case"))
        if op == "drop" and len(chars) > 1:
            del chars[i]
        elif op == "double" and chars:
            chars.insert(i, chars[i])
        elif op == "swap" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == "replace" and chars:
            chars[i] = rng.choice("aeiouyhkst")
        elif op == "word" and " " in name:
            words = name.split()
            del words[rng.randrange(len(words))]
            chars = list(" ".join(words))
        else:
            chars = list(name.upper())
        out.append("".join(chars))
    return out


@pytest.fixture(scope="module")
def example_names(tmp_path_factory):
    """match key -> display name of every document of the example dossier, as the build indexes them."""
    from conftest import copy_example
    from dossier.build import BuildOptions, load

    site = copy_example(tmp_path_factory.mktemp("names-example"))
    _config, loaded, _diags, _t = load(BuildOptions(source=site.root, cache=False, jobs=1))
    return dict(loaded.index.display)


def corpus_names() -> dict[str, str]:
    """Titles and file names of the real corpora (English, Arabic): names we did not write."""
    from dossier.parse.frontmatter import load_front_matter, split_front_matter

    names: dict[str, str] = {}
    for path in sorted(CORPUS.rglob("*.md")):
        try:
            title = load_front_matter(split_front_matter(path.read_text(encoding="utf-8"))).data.get("title")
        except Exception:
            title = None
        for name in (str(title) if title else None, path.stem.replace("-", " ")):
            if name and match_key(name):
                names.setdefault(match_key(name), name)
    return names


def test_same_suggestions_as_a_scan_of_every_name_on_the_example(example_names):
    rng = random.Random(13)
    wanted = [w for name in example_names.values() for w in typos(name, rng)] + ["Masood", "Panshir", "Kabol", "Talib"]
    index = Suggester(example_names)
    differ = [w for w in wanted if index.suggest(w) != scan_all_names(w, example_names)]
    assert not differ
    assert sum(bool(index.suggest(w)) for w in wanted) > len(wanted) / 2  # the typos do find their names


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_same_suggestions_as_a_scan_of_every_name_on_real_titles():
    names = corpus_names()
    assert len(names) > 300
    rng = random.Random(7)
    sample = rng.sample(sorted(names.values()), 150)
    wanted = [w for name in sample for w in typos(name, rng, 3)]
    index = Suggester(names)
    differ = [w for w in wanted if index.suggest(w) != scan_all_names(w, names)]
    assert not differ
    assert index.compared < len(wanted) * len(names) / 10  # difflib sees few of the names


def test_same_suggestions_on_a_generated_dossier_without_people_pages(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    from dossier.build import BuildOptions, load

    generate(tmp_path / "d", 100, people_pages=False)
    _config, site, diags, _t = load(BuildOptions(source=tmp_path / "d", cache=False, jobs=1))
    names = dict(site.index.display)
    unknown = {d.message.split('"')[1] for d in diags if d.code == "D201"}
    assert len(unknown) >= 5
    rng = random.Random(3)
    wanted = sorted(unknown) + [w for name in sorted(names.values())[:80] for w in typos(name, rng, 2)]
    index = Suggester(names)
    assert [index.suggest(w) for w in wanted] == [scan_all_names(w, names) for w in wanted]


NAME_POOL = ["Ahmad Massoud", "Ahmad Shah Massoud", "Amrullah Saleh", "Panjshir", "Bazarak", "Kabul", "Taliban",
             "National Resistance Front", "احمد مسعود", "پنجشیر", "Bernard-Henri Lévy", "Zabihullah Mujahid",
             "Rukha", "Charikar", "Salang Pass", "Khenj", "Report 12: clashes in Rukha"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NAME_POOL), st.randoms(use_true_random=False), st.integers(1, 3))
def test_same_suggestions_for_any_typo(name, rng, n):
    names = {match_key(n): n for n in NAME_POOL}
    for wanted in typos(name, rng, n):
        assert Suggester(names).suggest(wanted) == scan_all_names(wanted, names), wanted


def test_each_distinct_name_is_looked_up_once():
    rng = random.Random(5)
    word = lambda: "".join(rng.choice("abdefghiklmnorstuyz") for _ in range(rng.randint(4, 9))).title()  # noqa: E731
    display = [f"{word()} {word()}" for _ in range(600)] + ["Ahmad Massoud"]
    names = {match_key(n): n for n in display}
    index = Suggester(names)
    first = index.suggest("Ahmad Masoud")
    assert first[0] == "Ahmad Massoud"
    compared = index.compared
    assert 0 < compared < len(names) / 10  # difflib compares only the names that can pass its cutoff
    for _ in range(500):
        assert index.suggest("Ahmad Masoud") == first
        assert index.suggest("AHMAD masoud") == first  # same match key
    assert (index.lookups, index.compared) == (1, compared)
