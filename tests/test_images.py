"""Published images: metadata stripped (bytes checked), originals untouched, sizes, variants, alt text."""
import hashlib
import io
import re

import pytest
from PIL import Image

from dossier import images

SECRET = {"serial": b"SN-998877", "owner": b"Jane Owner", "artist": b"Jane Source", "xmp": b"SECRETXMP",
          "comment": b"SECRETCOMMENT"}


def photo(fmt="JPEG", size=(1200, 800), orientation=None) -> bytes:
    """An image carrying GPS, camera serial, owner, artist, XMP (and a comment for JPEG)."""
    im = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = "Jane Source"
    if orientation:
        exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0xA431] = "SN-998877"
    exif.get_ifd(0x8769)[0xA430] = "Jane Owner"
    gps = exif.get_ifd(images.GPS_IFD)
    gps.update({1: "N", 2: (34.0, 30.0, 12.0), 3: "E", 4: (69.0, 10.0, 5.0)})
    buf = io.BytesIO()
    extra = {"comment": b"SECRETCOMMENT"} if fmt == "JPEG" else {}
    im.save(buf, fmt, exif=exif, xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SECRETXMP</x:xmpmeta>', **extra)
    data = buf.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(images.GPS_IFD)  # the test image really has GPS
    return data


def assert_clean(data: bytes):
    im = Image.open(io.BytesIO(data))
    exif = im.getexif()
    assert not exif.get_ifd(images.GPS_IFD), "GPS tags left in a published image"
    assert not exif.get_ifd(0x8769)
    for name, secret in SECRET.items():
        assert secret not in data, f"{name} left in a published image"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_strip_removes_gps_serial_owner_and_xmp(fmt):
    data = photo(fmt)
    assert SECRET["serial"] in data
    assert_clean(images.strip(data))
    assert_clean(images.variant(data, 480))


def test_orientation_is_applied_before_stripping():
    out = Image.open(io.BytesIO(images.strip(photo(orientation=6))))
    assert out.size == (800, 1200)


BODY = "---\ntitle: Field photos\ndate: 2021-08-15\n---\n![A checkpoint at dawn](checkpoint.jpg \"The checkpoint | Photo: A. Reporter\")\n\n![](second.png)\n"


@pytest.fixture
def bundle_site(make_site):
    jpg, png = photo("JPEG"), photo("PNG", (300, 200))
    site = make_site({"content/articles/2021-08-15-field-photos/index.md": BODY,
                      "content/articles/2021-08-15-field-photos/checkpoint.jpg": jpg,
                      "content/articles/2021-08-15-field-photos/second.png": png,
                      "content/articles/2021-08-15-field-photos/report.pdf": b"%PDF-1.4 test"})
    return site, {"checkpoint.jpg": jpg, "second.png": png}


def test_bundle_images_are_published_stripped_and_originals_untouched(bundle_site):
    site, originals = bundle_site
    before = {n: hashlib.sha256(d).hexdigest() for n, d in originals.items()}
    run = site.build()
    assert run.code == 0, run.err
    folder = site.out / "articles" / "field-photos"
    for name in originals:
        published = (folder / name).read_bytes()
        assert_clean(published)
        original = (site.root / "content/articles/2021-08-15-field-photos" / name).read_bytes()
        assert hashlib.sha256(original).hexdigest() == before[name]
        assert images.has_gps(site.root / "content/articles/2021-08-15-field-photos" / name)
    for variant in folder.glob("*.webp"):
        assert_clean(variant.read_bytes())
    assert (folder / "checkpoint.480w.webp").is_file() and (folder / "checkpoint.960w.webp").is_file()
    assert (folder / "report.pdf").read_bytes() == b"%PDF-1.4 test"


def test_img_gets_width_height_srcset_caption_and_credit(bundle_site):
    site, _ = bundle_site
    site.build()
    html = site.read("articles/field-photos/index.html")
    img = re.search(r'<img src="/articles/field-photos/checkpoint.jpg"[^>]*>', html).group(0)
    assert 'width="1200"' in img and 'height="800"' in img and 'alt="A checkpoint at dawn"' in img
    assert 'srcset="/articles/field-photos/checkpoint.480w.webp 480w' in html
    assert '<figcaption>The checkpoint <small class="credit">Photo: A. Reporter</small></figcaption>' in html


def test_missing_alt_text_is_a_warning_with_file_and_line(bundle_site):
    site, _ = bundle_site
    run = site.build()
    assert 'content/articles/2021-08-15-field-photos/index.md:7:5: warning: D208 image "second.png" has no alt text' in run.err


def test_variants_are_cached_between_builds(bundle_site, monkeypatch):
    site, _ = bundle_site
    assert site.build().code == 0
    calls = []
    monkeypatch.setattr(images, "variant", lambda *a: calls.append(a) or b"")
    monkeypatch.setattr(images, "strip", lambda *a: calls.append(a) or b"")
    (site.root / "build").rename(site.root / "old-build")
    assert site.build().code == 0
    assert calls == []
    assert_clean((site.out / "articles/field-photos/checkpoint.jpg").read_bytes())


def test_check_reports_originals_with_gps(bundle_site):
    site, _ = bundle_site
    run = site.run("check", "--source", str(site.root))
    assert "content/articles/2021-08-15-field-photos/checkpoint.jpg: [E607] the original carries a GPS position" in run.out


def test_sensitive_page_images_are_blurred_until_asked(make_site):
    site = make_site({"content/articles/x/index.md": "---\ntitle: X\ndate: 2021\nsensitive: true\n---\n![Victims](a.png)\n",
                      "content/articles/x/a.png": photo("PNG", (100, 80))})
    assert site.build().code == 0
    html = site.read("articles/x/index.html")
    assert re.search(r'<label class="blurred-image"><input type="checkbox" class="reveal-image">.*?<img src="/articles/x/a.png"', html)


def test_unreadable_image_is_not_published(make_site):
    site = make_site({"content/articles/x/index.md": "---\ntitle: X\ndate: 2021\n---\nText\n",
                      "content/articles/x/broken.jpg": b"not a jpeg"})
    run = site.build()
    assert "content/articles/x/broken.jpg: warning: D210" in run.err
    assert not (site.out / "articles/x/broken.jpg").exists()


def test_captions_stay_out_of_the_summary():
    from dossier.model import SourceFile
    from dossier.parse import ParseOptions, parse

    d = parse(SourceFile("content/articles/x.md", "article", BODY, "d"), ParseOptions())
    assert "<figcaption>" in d.body_html and "The checkpoint" not in d.text and "Photo:" not in d.text


def test_rebuild_picks_up_a_replaced_image(bundle_site):
    site, _ = bundle_site
    assert site.build().code == 0
    target = site.root / "content/articles/2021-08-15-field-photos/second.png"
    target.write_bytes(photo("PNG", (640, 320)))
    import os
    import time

    later = time.time() + 5
    os.utime(target, (later, later))
    assert site.build().code == 0
    assert Image.open(site.out / "articles/field-photos/second.png").size == (640, 320)
    assert 'width="640" height="320"' in site.read("articles/field-photos/index.html")


def test_svg_gets_its_size_from_the_root_tag(make_site):
    site = make_site({"content/articles/x/index.md": "---\ntitle: X\ndate: 2021\n---\n![Map](map.svg) ![Logo](logo.svg)\n",
                      "content/articles/x/map.svg": '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300"/>',
                      "content/articles/x/logo.svg": '<svg width="64px" height="32" xmlns="http://www.w3.org/2000/svg"></svg>'})
    assert site.build().code == 0
    html = site.read("articles/x/index.html")
    assert re.search(r'<img src="/articles/x/map.svg"[^>]* width="400" height="300"', html)
    assert re.search(r'<img src="/articles/x/logo.svg"[^>]* width="64" height="32"', html)
    assert (site.out / "articles/x/map.svg").is_file()


def test_missing_alt_of_a_percent_encoded_name_still_has_a_line(make_site):
    site = make_site({"content/articles/x.md": "---\ntitle: X\ndate: 2021\n---\nText.\n\n![](../assets/Al-Farouq%20Mosque-4.png)\n",
                      "content/assets/Al-Farouq Mosque-4.png": photo("PNG", (50, 40))})
    run = site.build()
    assert 'content/articles/x.md:7:5: warning: D208 image "Al-Farouq Mosque-4.png" has no alt text' in run.err
    assert 'src="/assets/Al-Farouq%20Mosque-4.png"' in site.read("articles/x/index.html")


def test_the_same_image_twice_without_alt_is_two_warnings_on_two_lines(make_site):
    site = make_site({"content/articles/x.md": "---\ntitle: X\ndate: 2021\n---\n![](a.png)\n\nText\n\n![](a.png)\n",
                      "content/articles/a.png": photo("PNG", (50, 40))})
    run = site.build()
    assert [l.split(": warning")[0] for l in run.err.splitlines() if "D208" in l] == ["content/articles/x.md:5:5", "content/articles/x.md:9:5"]
