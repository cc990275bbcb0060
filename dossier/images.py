"""Images published from content/ (Pillow): sizes, responsive variants, metadata stripped.

Every image the build publishes is re-saved without its metadata: EXIF (GPS
position, camera serial number, owner and artist names, dates), XMP and
comments. A photo published with its GPS tags can expose a source. The EXIF
orientation is applied to the pixels first, so a stripped photo still stands
the right way up; the colour profile (ICC) is kept. The original in content/
is only ever read.

Besides the stripped image at its own URL, each raster image gets WebP
variants at a few widths (``photo.480w.webp``) for ``srcset``. Both are cached
in ``.dossier-cache/images/`` by the digest of the original's bytes, so an
unchanged image costs one file read per build.
"""
from __future__ import annotations

import hashlib
import io
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from . import diagnostics as dg

RASTER = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}
WIDTHS = (480, 960, 1600)  # srcset steps; never wider than the original
PROCESS_VERSION = "1"  # bump when the published bytes of an image would change
KEEP_INFO = ("icc_profile", "dpi", "transparency", "duration", "loop", "background")
GPS_IFD = 0x8825
ORIENTATION = 0x0112
CACHE = Path(".dossier-cache") / "images"


@dataclass(frozen=True, slots=True)
class ImageInfo:
    width: int  # as displayed (after the EXIF orientation)
    height: int
    animated: bool = False
    vector: bool = False  # SVG: published as written, no raster variants

    def variant_widths(self) -> tuple[int, ...]:
        if self.animated or self.vector:
            return ()
        return tuple(w for w in WIDTHS if w < self.width) + (self.width,)


def is_image(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in RASTER


def variant_url(url: str, width: int) -> str:
    """``articles/x/photo.jpg`` at 480 px -> ``articles/x/photo.480w.webp``."""
    stem = posixpath.splitext(url)[0]
    return f"{stem}.{width}w.webp"


def _open(data: bytes):
    from PIL import Image

    im = Image.open(io.BytesIO(data))
    im.load()
    return im


_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_SVG_NUMBER = r"\s*=\s*[\"']\s*([\d.]+)\s*(?:px)?\s*[\"']"


def svg_size(path: Path) -> ImageInfo | None:
    """Width and height of an SVG from its root tag (width/height in px, else the viewBox)."""
    try:
        head = path.read_bytes()[:8192].decode("utf-8", errors="replace")
    except OSError:
        return None
    tag = _SVG_TAG.search(head)
    if not tag:
        return None
    w, h = (re.search(r"\s" + name + _SVG_NUMBER, tag.group(0)) for name in ("width", "height"))
    if w and h:
        return ImageInfo(round(float(w.group(1))), round(float(h.group(1))), vector=True)
    box = re.search(r"viewBox\s*=\s*[\"']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)", tag.group(0))
    return ImageInfo(round(float(box.group(1))), round(float(box.group(2))), vector=True) if box else None


def probe(root: Path, paths) -> tuple[dict[str, ImageInfo], list[dg.Diagnostic]]:
    """Displayed size of every image among ``paths`` (project-relative)."""
    from PIL import Image, UnidentifiedImageError

    infos: dict[str, ImageInfo] = {}
    diags: list[dg.Diagnostic] = []
    for path in sorted(p for p in paths if p.lower().endswith(".svg")):
        info = svg_size(root / path)
        if info and info.width and info.height:
            infos[path] = info
    for path in sorted(p for p in paths if is_image(p)):
        try:
            with Image.open(root / path) as im:
                width, height = im.size
                if im.getexif().get(ORIENTATION) in (5, 6, 7, 8):  # turned a quarter: sides swap
                    width, height = height, width
                infos[path] = ImageInfo(width, height, getattr(im, "n_frames", 1) > 1)
        except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as exc:
            diags.append(dg.warning("D210", f"image could not be read ({exc}); it is not published", path))
    return infos, diags


def strip(data: bytes) -> bytes:
    """The image without EXIF, XMP or comments, orientation applied, in its own format."""
    from PIL import ImageOps

    im = _open(data)
    fmt = im.format
    orientation = im.getexif().get(ORIENTATION, 1)
    kept = {k: v for k, v in im.info.items() if k in KEEP_INFO}
    options: dict = {}
    if orientation not in (None, 1) and not getattr(im, "is_animated", False):
        im = ImageOps.exif_transpose(im)
    elif fmt == "JPEG":
        options["quality"] = "keep"  # same quantisation tables: no visible loss from the re-save
    im.info = dict(kept)  # Pillow copies some info (XMP, comments) into the saved file: keep only the harmless keys
    if fmt == "JPEG":
        options.setdefault("quality", 90)
        options.update(optimize=True, icc_profile=kept.get("icc_profile"))
    elif fmt == "GIF" and getattr(im, "is_animated", False):
        options.update(save_all=True)
    elif fmt == "WEBP":
        options.update(lossless=False, quality=85, icc_profile=kept.get("icc_profile"))
    out = io.BytesIO()
    im.save(out, format=fmt, exif=b"", **options)
    return out.getvalue()


def variant(data: bytes, width: int) -> bytes:
    """A WebP at ``width`` pixels (aspect kept), orientation applied, no metadata."""
    from PIL import Image, ImageOps

    im = ImageOps.exif_transpose(_open(data))
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if "transparency" in im.info or im.mode in ("LA", "PA", "P") else "RGB")
    if width < im.width:
        im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
    im.info = {}
    out = io.BytesIO()
    im.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()


class ImageCache:
    """Stripped images and variants on disk, keyed by the original's bytes.

    With the cache on, a file is made once and then given as its cache ``Path``
    (the build copies it and compares it by its stat, never reading it back);
    with ``--no-cache`` the bytes are made every time.
    """

    def __init__(self, root: Path, enabled: bool = True):
        self.folder = Path(root) / CACHE
        self.enabled = enabled

    @staticmethod
    def key(data: bytes) -> str:
        """One digest per original (its variants share it)."""
        h = hashlib.blake2b(data, digest_size=16)
        h.update(PROCESS_VERSION.encode())
        return h.hexdigest()

    def get(self, key: str, name: str, make) -> "bytes | Path":
        if not self.enabled:
            return make()
        path = self.folder / f"{key}.{name}"
        if not path.is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(make())
            tmp.replace(path)
        return path


def publish(root: Path, assets: dict[str, str], infos: dict[str, ImageInfo], cache: ImageCache):
    """(output path, bytes or a file's Path) for every published file of content/.

    Raster images are stripped and get their variants; an image that could not
    be read is left out (its metadata could not be removed); other files are copied.
    """
    for path, url in sorted(assets.items()):
        if not is_image(path):
            yield url, root / path
            continue
        info = infos.get(path)
        if info is None:
            continue
        data = (root / path).read_bytes()
        key = cache.key(data)
        yield url, cache.get(key, "stripped" + posixpath.splitext(path)[1].lower(), lambda: strip(data))
        for width in info.variant_widths():
            yield variant_url(url, width), cache.get(key, f"{width}w.webp", lambda w=width: variant(data, w))


def has_gps(path: Path) -> bool:
    """True when the file's EXIF carries a GPS position."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            gps = im.getexif().get_ifd(GPS_IFD)
    except (OSError, UnidentifiedImageError, ValueError):
        return False
    return bool(gps)


def gps_report(root: Path, paths) -> list[dg.Diagnostic]:
    """A warning per original image under content/ that carries GPS tags (they are stripped when published)."""
    return [dg.warning("E607", "the original carries a GPS position in its EXIF; the published copy has none "
                       "(the build strips it), but the file in content/ still has it", path,
                       hint="remove it from the original before sharing the source folder (exiftool -gps:all= FILE)")
            for path in sorted(p for p in paths if is_image(p)) if has_gps(Path(root) / path)]
