"""config.load_config on dossier.yaml files written here (no build, no theme)."""
from dossier.config import load_config


def _load(tmp_path, text=None, **kw):
    if text is not None:
        (tmp_path / "dossier.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path, **kw)


def test_without_a_file_the_defaults_apply_and_the_title_is_the_folder_name(tmp_path):
    config, diags = _load(tmp_path)
    assert diags == [] and config.title == tmp_path.name and config.base_url == "/" and config.language == "en"
    assert config.prefix == "/" and config.search is True


def test_base_url_gives_the_prefix_and_origin(tmp_path):
    config, diags = _load(tmp_path, "title: T\nbase_url: https://example.org/panjshir\n")
    assert not diags and config.base_url == "https://example.org/panjshir/"
    assert config.prefix == "/panjshir/" and config.origin == "https://example.org"


def test_an_unknown_key_is_a_warning_with_its_line(tmp_path):
    config, diags = _load(tmp_path, "title: T\n\ncolour: blue\n")
    assert [(d.code, d.line, d.severity) for d in diags] == [("D105", 3, "warning")]
    assert config.title == "T"


def test_a_value_of_the_wrong_type_is_an_error_and_ignored(tmp_path):
    config, diags = _load(tmp_path, "title: T\nsearch: perhaps\n")
    assert [d.code for d in diags] == ["D108"] and diags[0].is_error and config.search is True


def test_a_bad_base_url_is_an_error(tmp_path):
    _config, diags = _load(tmp_path, "base_url: ftp://example.org/\n")
    assert any(d.code == "D108" and d.is_error for d in diags)


def test_command_line_base_url_and_drafts_win(tmp_path):
    config, _ = _load(tmp_path, "title: T\nbase_url: /a/\n", base_url="/b", drafts=True)
    assert config.base_url == "/b/" and config.drafts


def test_digests_change_with_the_settings_that_matter(tmp_path):
    a, _ = _load(tmp_path, "title: T\nunsafe_html: false\n")
    b, _ = _load(tmp_path, "title: T\nunsafe_html: true\n")
    c, _ = _load(tmp_path, "title: Other\nunsafe_html: false\n")
    assert a.parse_digest() != b.parse_digest()  # parse output depends on it
    assert a.parse_digest() == c.parse_digest() and a.digest() != c.digest()  # the title is not a parse setting
