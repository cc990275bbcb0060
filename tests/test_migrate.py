"""dossier import --from hugo|jekyll (dossier/migrate.py): a whole site into a new dossier, the site untouched."""
import hashlib
from pathlib import Path

from conftest import SiteDir


def tree_digest(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def write(root: Path, files: dict):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())


HUGO = {
    "hugo.toml": 'baseURL = "https://example.org/rights/"\ntitle = "Rights Watch"\nlanguageCode = "en-us"\n',
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/posts/_index.md": "+++\ntitle = \"Posts\"\n+++\nAll posts.\n",
    "content/posts/2021-08-15-first.md": "---\ntitle: First\nauthor: Ana\ncategories: [Iran]\ntags: [vpn]\n"
                                         "aliases: [/old/first/, legacy/first]\nlayout: post\nguid: 7\n---\n"
                                         "{{< youtube abc >}}\n\n{{< gallery >}}\n\nSee [second]({{< ref \"second/index.md\" >}}).\n",
    "content/posts/second/index.md": '{\n"title": "Second",\n"date": "2021-09-01"\n}\n![A map](map.png)\n',
    "content/posts/second/map.png": b"\x89PNG not really",
    "content/about.md": "---\ntitle: About\ndescription: Who we are.\n---\nUs.\n",
    "content/posts/report.fa.md": "---\ntitle: گزارش\ndate: 2021-10-01\n---\nمتن\n",
    "static/images/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "layouts/index.html": "{{ .Content }}",
}


def test_hugo_site_is_imported_into_a_new_folder_and_builds(tmp_path):
    site = tmp_path / "hugo-site"
    write(site, HUGO)
    before = tree_digest(site)
    runner = SiteDir(tmp_path)
    run = runner.run("import", "--from", "hugo", str(site), "--into", str(tmp_path / "new"))
    assert run.code == 0, run.err
    assert tree_digest(site) == before  # never writes into SITE
    new = tmp_path / "new"
    config = (new / "dossier.yaml").read_text()
    assert "title: Rights Watch" in config and "base_url: https://example.org/rights/" in config and "language: en" in config
    first = (new / "content/articles/2021-08-15-first.md").read_text()
    assert "authors:\n- Ana" in first and "tags:\n- Iran\n- vpn" in first
    assert "previous_slugs:\n- /old/first/\n- /legacy/first" in first and "guid" not in first and "layout" not in first
    assert (new / "content/articles/second/map.png").read_bytes() == b"\x89PNG not really"
    assert (new / "content/images/logo.svg").is_file() and not (new / "layouts").exists()
    assert "content/articles/2021-08-15-first.md:14: shortcode \"gallery\" is not understood" in run.out
    assert "{{< youtube >}} x1" in run.out and "1 page bundle" in run.out and "2 old addresses" in run.out
    built = SiteDir(new).build()
    assert "Traceback" not in built.err
    assert (new / "build/old/first/index.html").is_file()  # redirect from the Hugo alias
    assert (new / "build/images/logo.svg").is_file()
    html = (new / "build/articles/first/index.html").read_text()
    assert "{{" not in html and 'href="/rights/articles/second/"' in html
    assert (new / "build/fa/articles/report/index.html").is_file()


def test_import_refuses_a_target_inside_the_site_or_not_empty(tmp_path):
    site = tmp_path / "s"
    write(site, HUGO)
    runner = SiteDir(tmp_path)
    run = runner.run("import", "--from", "hugo", str(site), "--into", str(site / "dossier"))
    assert run.code == 2 and "never written to" in run.err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert runner.run("import", "--from", "hugo", str(site), "--into", str(tmp_path / "full")).code == 2
    assert not (site / "dossier").exists()


JEKYLL = {
    "_config.yml": "title: Helpline\nurl: https://help.example.org\nbaseurl: /blog\nlang: en\n",
    "_posts/2019-05-02-digital-safety.md": "---\ntitle: Digital safety\ncategories: [guides]\n---\n"
                                           "{% include toc.html %}\nSee [old]({% post_url 2018-01-01-welcome %}).\n",
    "_posts/2018-01-01-welcome.markdown": "---\nlayout: post\ntitle: Welcome\n---\nHi.\n",
    "_drafts/soon.md": "---\ntitle: Soon\ndate: 2020-01-01\n---\nDraft.\n",
    "_posts/2019-06-01-hidden.md": "---\ntitle: Hidden\npublished: false\n---\nNot yet.\n",
    "_layouts/default.html": "{{ content }}",
    "about.md": "---\ntitle: About us\npermalink: /about/\n---\nText.\n",
    "assets/img/team.jpg": b"jpeg?",
    "index.html": "---\nlayout: home\n---\n",
}


def test_jekyll_site_is_imported_with_old_addresses_as_redirects(tmp_path):
    site = tmp_path / "jekyll-site"
    write(site, JEKYLL)
    before = tree_digest(site)
    run = SiteDir(tmp_path).run("import", "--from", "jekyll", str(site), "--into", str(tmp_path / "d"))
    assert run.code == 0, run.err
    assert tree_digest(site) == before
    d = tmp_path / "d"
    assert "base_url: https://help.example.org/blog/" in (d / "dossier.yaml").read_text()
    post = (d / "content/articles/2019-05-02-digital-safety.md").read_text()
    assert "/guides/2019/05/02/digital-safety.html" in post
    assert "draft: true" in (d / "content/articles/soon.md").read_text()
    assert "draft: true" in (d / "content/articles/2019-06-01-hidden.md").read_text()
    assert (d / "content/assets/img/team.jpg").is_file() and not (d / "content/index.html").exists()
    assert 'Liquid tag "{% include %}" is not understood' in run.out
    built = SiteDir(d).build()
    assert "Traceback" not in built.err
    assert (d / "build/guides/2019/05/02/digital-safety.html").is_file()
    assert (d / "build/about/index.html").is_file()
    html = (d / "build/articles/digital-safety/index.html").read_text()
    assert 'href="/blog/articles/welcome/"' in html and "{%" not in html


def test_hugo_permalinks_keep_old_addresses(tmp_path):
    site = tmp_path / "h"
    write(site, {
        "config.yaml": "title: GP\nbaseURL: https://example.org/\npermalinks:\n  blog: /:year/:month/:day/:title/\n",
        "content/blog/2012-04-10-how-we-help.md": "---\ntitle: How We Help Journalists\n---\nText.\n",
        "content/blog/2013-01-02-same.md": "---\ntitle: Same\n---\nText.\n",
    })
    run = SiteDir(tmp_path).run("import", "--from", "hugo", str(site), "--into", str(tmp_path / "d"))
    assert run.code == 0, run.err
    d = tmp_path / "d"
    assert "article: /:year/:month/:day/:title/" in (d / "dossier.yaml").read_text()
    assert "/2012/04/10/how-we-help-journalists/" in (d / "content/articles/2012-04-10-how-we-help.md").read_text()
    assert "previous_slugs" not in (d / "content/articles/2013-01-02-same.md").read_text()
    assert SiteDir(d).build().code == 0
    assert (d / "build/2012/04/10/how-we-help/index.html").is_file()
    assert "2012/04/10/how-we-help/" in (d / "build/2012/04/10/how-we-help-journalists/index.html").read_text()
    assert (d / "build/2013/01/02/same/index.html").is_file()
