"""render/fragments.py: {% cache %} blocks made once per site and language; theme.py's remembered gettext."""
import jinja2

from dossier.render.fragments import FragmentCache
from dossier.render.theme import Theme


def _env():
    env = jinja2.Environment(extensions=[FragmentCache], autoescape=True)
    calls = []
    env.globals["seen"] = lambda x: calls.append(x) or x
    return env, calls


def test_a_block_is_rendered_once_per_key_and_reused():
    env, calls = _env()
    template = env.from_string("{% for e in items %}{% cache 'row', e.id %}<li>{{ seen(e.title) }}</li>{% endcache %}{% endfor %}")
    site = object()
    env.fragments.begin(site, "en")
    items = [{"id": 1, "title": "A"}, {"id": 2, "title": "B <x>"}, {"id": 1, "title": "A"}]
    assert template.render(items=items) == "<li>A</li><li>B &lt;x&gt;</li><li>A</li>"
    assert calls == ["A", "B <x>"]  # the third row came from the store
    assert template.render(items=items[:1]) == "<li>A</li>" and calls == ["A", "B <x>"]


def test_another_site_or_language_empties_the_store():
    env, calls = _env()
    template = env.from_string("{% cache 'x', 1 %}{{ seen(word) }}{% endcache %}")
    first, second = object(), object()
    env.fragments.begin(first, "en")
    assert template.render(word="one") == "one"
    assert template.render(word="changed") == "one"  # same key, same site: kept (the key must say what varies)
    env.fragments.begin(first, "fr")
    assert template.render(word="un") == "un"
    env.fragments.begin(second, "fr")
    assert template.render(word="two") == "two"
    env.fragments.begin(second, "fr")  # the same site and language again: kept
    assert template.render(word="three") == "two"


def test_an_unhashable_key_renders_every_time():
    env, calls = _env()
    template = env.from_string("{% cache 'x', d %}{{ seen(d.v) }}{% endcache %}")
    env.fragments.begin(object(), "en")
    assert template.render(d={"v": 1}) == "1" and template.render(d={"v": 2}) == "2"


def test_remembered_gettext_answers_as_jinja_does(tmp_path):
    theme = Theme(tmp_path)
    plain = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    from dossier.i18n import translations

    for language in ("en", "fr", "fa"):
        theme.set_language(language)
        plain.install_gettext_translations(translations(theme.locale_dirs, language), newstyle=True)
        source = ("{{ _('Sources:') }}|{{ _('Sources:') }}|{{ gettext('approximate') }}|{{ _('100%% sure') }}"
                  "|{{ _('By <span dir=\"auto\">%(authors)s</span>', authors='<b>') }}|{{ _(nothing) }}")
        ours = theme.env.from_string(source).render()
        assert ours == plain.from_string(source).render(), language
    theme.set_language("fr")
    assert "Sources" in theme.env.from_string("{{ _('Sources:') }}").render()
