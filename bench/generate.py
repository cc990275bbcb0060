"""Generate a synthetic dossier, deterministic for a seed.

N articles of ~780 words with realistic front matter, N/5 entities (people,
places, organisations) with aliases, N events with mixed date precision,
wiki links between them, and a few claims.

    python bench/generate.py OUT_DIR --articles 4000 [--seed 1] [--no-people-pages]

``--no-people-pages`` writes the same files except ``content/people/``: every
person is still named in ``people:`` lists and ``[[links]]`` but has no page
(the state of a fresh import), so each of those names is an unresolved link.
"""
from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = (
    "the valley road convoy fighters commander resistance city province reported witnesses said statement "
    "checkpoint river bridge night morning officials negotiations talks supplies mountains village district "
    "clashes security forces government spokesman according sources local residents fled families aid "
    "agency ceasefire weapons airport capital northern southern eastern western border crossing medical "
    "hospital school market mosque elders council meeting agreement announced denied confirmed rumours "
    "telephone interview translation archive photograph video footage satellite imagery analysis timeline"
).split()
FIRST = "Ahmad Mohammad Abdul Ali Hamid Karim Nasir Zahir Farid Jamil Rahim Wali Yusuf Omar Bashir Latif".split()
LAST = "Massoud Hayat Karimi Rahimi Noori Sadat Wardak Popal Safi Amin Naderi Hashimi Ludin Sultani".split()
PLACE = "Panjshir Kabul Bazarak Rukha Anaba Dashtak Khenj Paryan Charikar Jabal Saraj Gulbahar Salang Mazar Kunduz Taloqan".split()
ORG = "Front Council Brigade Movement Alliance Committee Union Network Office Agency".split()
TAGS = "resistance rumours displacement negotiations aid media weapons roads ceasefire casualties".split()
PARTIAL = ["{y}", "{y}-{m:02d}", "{y}-{m:02d}-{d:02d}", "{y}-{m:02d}-{d:02d}", "{y}-{m:02d}-{d:02d}"]


def paragraph(rng: random.Random, links: list[str], n_words: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n_words)]
    for _ in range(max(1, n_words // 60)):
        pos = rng.randrange(len(words))
        words[pos] = f"[[{rng.choice(links)}]]"
    if rng.random() < 0.3:  # a name written without a link: an "unlinked mention"
        words[rng.randrange(len(words))] = rng.choice(links)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def generate(out: Path, articles: int, seed: int = 1, clean: bool = True, people_pages: bool = True) -> dict:
    rng = random.Random(seed)
    if clean and out.exists():
        shutil.rmtree(out)
    content = out / "content"
    for folder in ("articles", "people", "places", "organizations", "events", "claims"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (out / "dossier.yaml").write_text(f'title: "Synthetic dossier ({articles} articles)"\nbase_url: /\nlanguage: en\n', encoding="utf-8")
    n_entities = max(3, articles // 5)
    people, places, orgs = [], [], []
    for i in range(n_entities):
        kind = i % 3
        if kind == 0:
            title = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            aliases = [title.replace("Massoud", "Masood").replace("Ahmad", "Ahmed") + " ", f"{title.split()[1]} {i}"]
            people.append(title)
            folder, extra = "people", f"roles: [commander]\n"
        elif kind == 1:
            title = f"{rng.choice(PLACE)} {i}"
            aliases = [title.replace("Panjshir", "Panshir").replace("Kabul", "Kaboul") + " x"]
            places.append(title)
            folder = "places"
            extra = f"coordinates: [{rng.uniform(33, 37):.4f}, {rng.uniform(67, 71):.4f}]\n"
        else:
            title = f"{rng.choice(LAST)} {rng.choice(ORG)} {i}"
            aliases = [f"{title} group"]
            orgs.append(title)
            folder, extra = "organizations", "type: armed group\n"
        alias_list = ", ".join(f'"{a.strip()}"' for a in aliases)
        body = "\n\n".join(paragraph(rng, [t for t in (people + places + orgs)[-20:] or [title]], 40) for _ in range(2))
        (content / folder / f"entity-{i}.md").write_text(
            f'---\ntitle: "{title}"\naliases: [{alias_list}]\n{extra}---\n\n{body}\n', encoding="utf-8")
    entities = people + places + orgs
    titles = []
    for i in range(articles):
        y, m, d = rng.choice([2019, 2020, 2021, 2022]), rng.randint(1, 12), rng.randint(1, 28)
        title = f"Report {i}: {rng.choice(WORDS)} {rng.choice(WORDS)} in {rng.choice(PLACE)}"
        titles.append(title)
        ppl = rng.sample(people, min(3, len(people)))
        plc = rng.sample(places, min(2, len(places)))
        org = rng.sample(orgs, min(1, len(orgs)))
        tags = rng.sample(TAGS, 2)
        linkable = ppl + plc + org + ([f"Report {i - 1}: x"] if False else [])
        paras = [paragraph(rng, linkable, rng.randint(90, 110)) for _ in range(7)]
        if i > 0 and rng.random() < 0.5:
            paras.append(f"See also [[{titles[rng.randrange(i)]}]].")
        sections = "\n\n".join(
            (f"## Section {k}\n\n" if k % 3 == 0 else "") + p for k, p in enumerate(paras))
        inline = ""
        if rng.random() < 0.2:
            inline = (f"events:\n  - title: \"Inline event {i}\"\n    date: {y}-{m:02d}\n    place: \"{plc[0]}\"\n")
        (content / "articles" / f"report-{i}.md").write_text(
            "---\n"
            f'title: "{title}"\n'
            f"date: {y}-{m:02d}-{d:02d}\n"
            f"summary: A synthetic report number {i}.\n"
            "authors: [Bench desk]\n"
            "type: report\n"
            f"people: [{', '.join(chr(34) + p + chr(34) for p in ppl)}]\n"
            f"places: [{', '.join(chr(34) + p + chr(34) for p in plc)}]\n"
            f"organizations: [{', '.join(chr(34) + p + chr(34) for p in org)}]\n"
            f"tags: [{', '.join(tags)}]\n"
            f"{inline}"
            "---\n\n"
            f"{sections}\n",
            encoding="utf-8",
        )
    for i in range(articles):
        y, m, d = rng.choice([1998, 2001, 2019, 2020, 2021, 2022]), rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice(PARTIAL).format(y=y, m=m, d=d)
        approx = "approximate: true\n" if rng.random() < 0.1 else ""
        end = f"end: {y + 1}\n" if rng.random() < 0.05 and len(date) == 4 else ""
        src = titles[rng.randrange(len(titles))]
        (content / "events" / f"event-{i}.md").write_text(
            "---\n"
            f'title: "Event {i}: {rng.choice(WORDS)} at {rng.choice(PLACE)}"\n'
            f"date: {date}\n{approx}{end}"
            f'place: "{rng.choice(places)}"\n'
            f'people: ["{rng.choice(people)}"]\n'
            f'organizations: ["{rng.choice(orgs)}"]\n'
            f"tags: [{rng.choice(TAGS)}]\n"
            f'sources: ["[[{src}]]"]\n'
            "---\n\n"
            f"{paragraph(rng, entities[:50], 50)}\n",
            encoding="utf-8",
        )
    for i in range(max(2, articles // 50)):
        (content / "claims" / f"claim-{i}.md").write_text(
            "---\n"
            f'title: "Claim {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}"\n'
            f"status: {rng.choice(['unverified', 'disputed', 'denied', 'false', 'confirmed'])}\n"
            f'claimant: "{rng.choice(people)}"\n'
            f"date: 2021-08-{rng.randint(1, 28):02d}\n"
            f'sources: ["[[{titles[rng.randrange(len(titles))]}]]"]\n'
            "---\n\nEvidence.\n",
            encoding="utf-8",
        )
    if not people_pages:  # same names, same bodies, no pages for the people
        shutil.rmtree(content / "people")
        (content / "people").mkdir()
    return {"articles": articles, "entities": n_entities, "events": articles, "people_pages": people_pages}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-people-pages", action="store_true", help="name people everywhere but give them no pages")
    args = ap.parse_args()
    print(generate(args.out, args.articles, args.seed, people_pages=not args.no_people_pages))


if __name__ == "__main__":
    main()
