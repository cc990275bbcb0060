"""Themes: override file by file, parent themes, autoescaping everywhere."""
from dossier.render.theme import Theme


def test_site_templates_and_static_override_the_theme(make_site, minimal_files):
    files = dict(minimal_files)
    files["templates/person.html"] = '{% extends "base.html" %}{% block main %}<p class="custom">{{ page.title }}</p>{% endblock %}'
    files["static/style.css"] = "/* site css */"
    site = make_site(files)
    assert site.build().code == 0
    assert '<p class="custom">Ahmad Massoud</p>' in site.read("people/ahmad-massoud/index.html")
    assert site.read("static/style.css") == "/* site css */"
    assert (site.out / "static/timeline.js").is_file()  # not overridden: still from the theme
    assert 'class="prose"' in site.read("articles/interview/index.html")  # other templates untouched


def test_theme_with_parent(make_site, minimal_files):
    files = dict(minimal_files)
    files["dossier.yaml"] = "title: T\ntheme: night\n"
    files["themes/night/theme.yaml"] = "name: night\nparent: default\n"
    files["themes/night/templates/page.html"] = "<p>night page</p>"
    files["themes/night/static/night.css"] = "body{}"
    files["content/about.md"] = "---\ntitle: About\n---\n"
    site = make_site(files)
    assert site.build().code == 0
    assert site.read("about/index.html") == "<p>night page</p>"
    assert (site.out / "static/night.css").is_file() and (site.out / "static/style.css").is_file()


def test_missing_theme_is_a_clear_error(make_site, minimal_files):
    files = dict(minimal_files)
    files["dossier.yaml"] = "title: T\ntheme: nowhere\n"
    run = make_site(files).build()
    assert run.code == 1 and 'theme "nowhere" not found' in run.err


def test_template_error_names_template_file_and_line(make_site, minimal_files):
    files = dict(minimal_files)
    files["templates/page.html"] = "line one\n{% if %}\n"
    files["content/about.md"] = "---\ntitle: About\n---\n"
    run = make_site(files).build()
    assert run.code == 1
    assert "templates/page.html:2: D401 template:" in run.err


def test_autoescape_is_on(tmp_path):
    theme = Theme(tmp_path)
    assert theme.env.autoescape is True


def test_hostile_titles_are_inert(make_site):
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    site = make_site({
        "content/articles/x.md": f"---\ntitle: '{evil}'\nsummary: '{evil}'\nauthors: ['{evil}']\ntags: ['{evil}']\ndate: 2021\n---\n",
    })
    assert site.build().code == 0
    for page in site.out.rglob("*.html"):
        html = page.read_text()
        assert "<script>alert" not in html and "<img src=x" not in html, page


def test_templates_get_no_env_exec_or_network_helpers(tmp_path):
    from dossier.render.theme import Theme

    theme = Theme(tmp_path)
    labels = {"_", "gettext", "ngettext", "pgettext", "npgettext"}  # jinja2.ext.i18n: catalog look-ups only
    assert set(theme.env.globals) <= {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "url", "rtl"} | labels


def test_build_makes_no_network_request(make_site, minimal_files, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during build: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    site = make_site(minimal_files)
    run = site.build("--jobs", "1")
    assert run.code == 0, run.err


def test_a_theme_made_again_after_an_edit_parses_only_the_changed_template_for_closures(tmp_path):
    from dossier.render.theme import Theme

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_text('{% extends "base.html" %}{% block main %}A{% endblock %}')
    first = Theme(tmp_path)
    before = first.closure_digest("article.html")
    (tmp_path / "templates" / "article.html").write_text('{% extends "base.html" %}{% block main %}B{% endblock %}')
    second = Theme(tmp_path)
    second.inherit(first)
    parsed = []
    real_parse = second.env.parse
    second.env.parse = lambda source, *a, **k: parsed.append(source) or real_parse(source, *a, **k)
    after = second.closure_digest("article.html")
    assert after != before
    assert parsed == ['{% extends "base.html" %}{% block main %}B{% endblock %}']  # base.html and its partials: known
    fresh = Theme(tmp_path)
    assert fresh.closure_digest("article.html") == after  # the same digest as a theme that parsed everything
