"""discover.scan on folders made here: kinds by folder, editor files ignored, known files not read again."""
import os
import time

from dossier.discover import is_ignored, scan


def _tree(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_folder_decides_the_kind(tmp_path):
    _tree(tmp_path, {"content/articles/a.md": "x", "content/people/p.md": "x", "content/about.md": "x",
                     "content/misc/m.md": "x", "content/articles/notes.txt": "x"})
    found = scan(tmp_path)
    assert {(f.path, f.kind) for f in found.files} == {
        ("content/articles/a.md", "article"), ("content/people/p.md", "person"),
        ("content/about.md", "page"), ("content/misc/m.md", "page")}


def test_editor_and_hidden_files_are_ignored(tmp_path):
    _tree(tmp_path, {"content/articles/a.md": "x", "content/articles/.a.md.swp": "x", "content/articles/a.md~": "x",
                     "content/articles/#a.md#": "x", "content/.hidden/b.md": "x"})
    assert [f.path for f in scan(tmp_path).files] == ["content/articles/a.md"]
    assert is_ignored("4913") and is_ignored("x.bak") and not is_ignored("x.md")


def test_a_file_whose_stat_is_known_and_settled_is_not_read(tmp_path):
    _tree(tmp_path, {"content/articles/a.md": "one", "content/articles/b.md": "two"})
    old = time.time() - 60
    for name in ("a.md", "b.md"):
        os.utime(tmp_path / "content/articles" / name, (old, old))
    first = scan(tmp_path)
    again = scan(tmp_path, first.stats, settled_before=time.time())
    assert again.files == [] and sorted(again.unchanged) == ["content/articles/a.md", "content/articles/b.md"]
    racy = scan(tmp_path, first.stats, settled_before=old)  # modified too close to the record: read again
    assert len(racy.files) == 2


def test_bad_bytes_are_errors_naming_the_file(tmp_path):
    (tmp_path / "content/articles").mkdir(parents=True)
    (tmp_path / "content/articles/latin1.md").write_bytes(b"caf\xe9")
    (tmp_path / "content/articles/nul.md").write_bytes(b"a\x00b")
    found = scan(tmp_path)
    assert found.files == []
    assert sorted((d.path, d.code) for d in found.diagnostics) == [
        ("content/articles/latin1.md", "D100"), ("content/articles/nul.md", "D100")]


def test_no_content_folder_is_an_empty_dossier(tmp_path):
    found = scan(tmp_path)
    assert found.files == [] and found.diagnostics == []


def test_scan_changed_looks_only_at_the_named_files(tmp_path):
    from dossier.discover import scan_changed

    _tree(tmp_path, {"content/articles/a.md": "one", "content/articles/b.md": "two"})
    known = scan(tmp_path).stats
    (tmp_path / "content/articles/a.md").write_text("one, edited", encoding="utf-8")
    (tmp_path / "content/articles/b.md").unlink()
    _tree(tmp_path, {"content/people/p.md": "new", "templates/x.html": "t"})
    found = scan_changed(tmp_path, known, {"content/articles/a.md", "content/articles/b.md", "content/people/p.md",
                                           "templates/x.html", "content/articles/.a.md.swp"})
    assert sorted(f.path for f in found.files) == ["content/articles/a.md", "content/people/p.md"]
    assert sorted(found.stats) == ["content/articles/a.md", "content/people/p.md"] and found.unchanged == []


def test_scan_changed_leaves_folders_symlinks_and_name_twins_to_the_walk(tmp_path):
    import unicodedata

    from dossier.discover import scan_changed

    _tree(tmp_path, {"content/articles/a.md": "one"})
    known = scan(tmp_path).stats
    (tmp_path / "content/articles/folder.md").mkdir()
    assert scan_changed(tmp_path, known, {"content/articles/folder.md"}) is None
    nfc, nfd = "café.md", unicodedata.normalize("NFD", "café.md")
    _tree(tmp_path, {f"content/articles/{nfc}": "x", f"content/articles/{nfd}": "y"})
    assert scan_changed(tmp_path, known, {f"content/articles/{nfc}"}) is None
