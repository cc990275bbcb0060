"""Names, links and backlinks across the dossier."""


def test_links_resolve_by_alias_case_accents_and_show_backlinks(make_site, minimal_files):
    files = dict(minimal_files)
    files["content/articles/second.md"] = (
        "---\ntitle: Second\ndate: 2021-08\n---\nAgain [[MASOOD]], [[ahmad massoud]] and [[Pan\u0073hir]]. "
        "Also [the interview](interview.md).\n"
    )
    site = make_site(files)
    run = site.build("--strict")
    assert run.code == 0, run.err
    second = site.read("articles/second/index.html")
    assert second.count('href="/people/ahmad-massoud/"') >= 2
    assert 'href="/places/panjshir/"' in second
    assert '<a href="/articles/interview/">the interview</a>' in second
    person = site.read("people/ahmad-massoud/index.html")
    # backlinks from body links and from front matter, with context
    assert 'href="/articles/second/"' in person and 'href="/articles/interview/"' in person
    assert "We spoke to Masood in the valley." in person


def test_unresolved_link_warns_with_position_and_suggestion(make_site, minimal_files):
    files = dict(minimal_files)
    files["content/articles/typo.md"] = "---\ntitle: Typo\ndate: 2021\n---\nText.\n\nHe met [[Ahmad Masoud]] there.\n"
    site = make_site(files)
    run = site.build()
    assert run.code == 0
    assert ('content/articles/typo.md:7:8: warning: D201 link: no page named "Ahmad Masoud" '
            '(did you mean "Ahmad Massoud"') in run.err
    page = site.read("articles/typo/index.html")
    assert '<span class="broken-link" title="not found: Ahmad Masoud">Ahmad Masoud</span>' in page
    assert "[[" not in page
    assert site.build("--strict").code == 1
    assert site.run("check", "--source", str(site.root), "--strict").code == 1


def test_front_matter_reference_warning_names_the_line(make_site, minimal_files):
    files = dict(minimal_files)
    files["content/articles/x.md"] = "---\ntitle: X\ndate: 2021\npeople:\n  - Masood\n  - Nobody Known\n---\n"
    run = make_site(files).build()
    assert 'content/articles/x.md:6: warning: D201 people: no page named "Nobody Known"' in run.err


def test_alias_claimed_by_two_entities_warns_at_both(make_site):
    site = make_site({
        "content/people/a.md": "---\ntitle: Ahmad Massoud\naliases:\n  - Massoud\n---\n",
        "content/people/b.md": "---\ntitle: Ahmad Shah Massoud\naliases:\n  - Massoud\n---\n",
        "content/articles/x.md": "---\ntitle: X\ndate: 2021\n---\n[[Massoud]]\n",
    })
    run = site.build()
    assert 'content/people/a.md:4: warning: D203 alias "Massoud" is also claimed by content/people/b.md' in run.err
    assert 'content/people/b.md:4: warning: D203 alias "Massoud" is also claimed by content/people/a.md' in run.err
    assert 'D202 link: "Massoud" is ambiguous' in run.err


def test_heading_anchor_resolves_or_warns(make_site, minimal_files):
    files = dict(minimal_files)
    files["content/articles/x.md"] = "---\ntitle: X\ndate: 2021\n---\n[[The interview#Context]] [[The interview#Nope]]\n"
    site = make_site(files)
    run = site.build()
    assert 'href="/articles/interview/#context"' in site.read("articles/x/index.html")
    assert 'D204 link: "The interview" has no heading "#Nope"' in run.err


def test_persian_names_match_across_letter_variants(make_site):
    site = make_site({
        "content/places/kabul.md": "---\ntitle: کابل\n---\n",
        "content/articles/x.md": "---\ntitle: X\ndate: 2021\nplaces: [كابل]\n---\n[[كابل]]\n",
    })
    run = site.build("--strict")
    assert run.code == 0, run.err
    assert site.read("articles/x/index.html").count('href="/places/kabul/"') >= 2


def _load_site(root):
    from dossier.build import BuildOptions, load

    _config, site, diags, _timings = load(BuildOptions(source=root, cache=False, jobs=1))
    return site, diags


def test_suggestions_are_computed_once_per_unknown_name_not_per_link(tmp_path):
    """3 unknown names, linked from 5 or from 150 articles: the same 3 look-ups and the same hints."""
    counts = {}
    for n in (5, 150):
        root = tmp_path / str(n)
        (root / "content/people").mkdir(parents=True)
        (root / "content/articles").mkdir(parents=True)
        for name in ("Ahmad Massoud", "Amrullah Saleh", "Zabihullah Mujahid"):
            (root / "content/people" / f"{name.split()[1].lower()}.md").write_text(f"---\ntitle: {name}\n---\n")
        for i in range(n):
            (root / "content/articles" / f"a{i}.md").write_text(
                f"---\ntitle: A{i}\ndate: 2021\npeople: [Ahmad Masoud, Amrulah Saleh]\n---\nMet [[Zabiullah Mujahid]].\n")
        site, diags = _load_site(root)
        hints = sorted({(d.message, d.hint) for d in diags if d.code == "D201"})
        assert len([d for d in diags if d.code == "D201"]) == 3 * n
        counts[n] = (site.index.suggester.lookups, site.index.suggester.compared, hints)
    assert counts[5] == counts[150]
    assert counts[5][0] == 3
    assert ('people: no page named "Ahmad Masoud"', 'did you mean "Ahmad Massoud"?') in counts[5][2]
