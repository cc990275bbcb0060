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
