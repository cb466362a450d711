"""Responsive pictures: each image a story shows, made again at a few widths and in
newer formats, from its pixels alone.

A picture is turned upright by its EXIF orientation, its colours are converted to
sRGB from its own ICC profile (when it has one), then it is rebuilt from its pixel data
(so no EXIF, GPS position, XMP, IPTC, ICC profile or comment survives), then written
at each of ``WIDTHS`` narrower than itself and once at its own width (capped at the
widest): never wider than it is. Each width is written as AVIF (when this Pillow can
write it), WebP, and a JPEG fallback (PNG for a picture with transparency or one that
came as PNG, GIF or another lossless format, so drawings stay sharp).

Files are named by a hash of the upright pixels and the width (``images/3f2a…9c-800.jpg``):
a file name like ``jane-doe-at-home.jpg`` never reaches the output.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

# Pillow is imported where a picture is made, not here: most builds make none (a
# story's pictures are taken from the cache), and a build starts faster without it.
if TYPE_CHECKING:
    from PIL import Image, ImageCms

OUTPUT_FOLDER = "images"
HASH_LENGTH = 20
#: The widths made of every picture wider than them (and the picture's own, up to the last).
WIDTHS = (480, 800, 1200, 1600)
#: The width a shared link's card asks for (og:image), or the widest there is.
SHARE_WIDTH = 1200
#: The width of ``src`` for browsers that read no srcset, or the narrowest there is.
SRC_WIDTH = 800
_LOSSY_SOURCES = frozenset({"JPEG", "MPO", "WEBP", "AVIF"})
_QUALITY = {"AVIF": 55, "WEBP": 76, "JPEG": 82}
_MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png"}
_EXTENSION = {"AVIF": "avif", "WEBP": "webp", "JPEG": "jpg", "PNG": "png"}
_COLOUR = "converted to sRGB from the picture's own profile"


@cache
def modern_formats() -> tuple[str, ...]:
    """The newer formats this Pillow can write, best first (AVIF needs libavif, and a
    Pillow older than 11.2 does not know the feature: it says so, and writes none)."""
    from PIL import features

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        avif = features.check("avif")
    return ("AVIF", "WEBP") if avif else ("WEBP",)


def settings_fingerprint() -> str:
    """Everything besides the source's bytes that shapes the derivatives."""
    import PIL

    parts = [PIL.__version__, repr(WIDTHS), repr(_QUALITY), repr(modern_formats()), _COLOUR]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Rendition:
    """One file of a picture: its path inside the output, its size and its type."""

    path: str
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class Picture:
    """What a page needs to show one picture: every rendition, narrowest first."""

    fallback: tuple[Rendition, ...]  # JPEG or PNG: every browser shows these
    alternates: tuple[tuple[Rendition, ...], ...]  # AVIF, then WebP
    cache_key: str = ""

    @property
    def src(self) -> Rendition:
        """The ``src`` of the <img>: the widest fallback up to ``SRC_WIDTH``."""
        return _widest_up_to(self.fallback, SRC_WIDTH)

    @property
    def share(self) -> Rendition:
        """The rendition a shared link shows (og:image): JPEG or PNG, 1200 wide or less."""
        return _widest_up_to(self.fallback, SHARE_WIDTH)

    @property
    def path(self) -> str:
        return self.src.path

    def srcset(self, root: str, renditions: tuple[Rendition, ...] | None = None) -> str:
        """``renditions`` (default: the fallback) as a srcset, each path after ``root``."""
        chosen = self.fallback if renditions is None else renditions
        return ", ".join(f"{root}{r.path} {r.width}w" for r in chosen)


def _widest_up_to(renditions: tuple[Rendition, ...], width: int) -> Rendition:
    fitting = [r for r in renditions if r.width <= width]
    return fitting[-1] if fitting else renditions[0]


@dataclass(frozen=True)
class Derived:
    """A picture and the bytes of each of its files."""

    picture: Picture
    files: tuple[tuple[str, bytes], ...]


def widths_for(width: int) -> tuple[int, ...]:
    """The widths to make of a picture ``width`` pixels wide: never wider than it."""
    return tuple(sorted({*(w for w in WIDTHS if w < width), min(width, WIDTHS[-1])}))


def derive(source: bytes) -> Derived | str:
    """Every rendition of the picture in ``source`` (a file's bytes), or why not."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(source)) as original:
            source_format = original.format or "PNG"
            profile = original.info.get("icc_profile")
            upright = ImageOps.exif_transpose(original)
            pixels = _in_srgb(upright, profile) or _plain_mode(upright)
            # Rebuilt from the pixel data alone: nothing of the file's metadata comes along.
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as e:
        return f"cannot be read as a picture ({type(e).__name__}) — save it as JPEG or PNG"
    lossy = source_format in _LOSSY_SOURCES and "A" not in clean.mode
    return _renditions(clean, "JPEG" if lossy else "PNG")


def _in_srgb(image: Image.Image, profile: object) -> Image.Image | None:
    """The picture's colours converted from its own ICC profile to sRGB, before the
    profile is dropped (a phone's wide-gamut photo would look dull without it), or
    None when it has no profile this can use."""
    if not isinstance(profile, bytes) or not profile:
        return None
    from PIL import ImageCms

    has_alpha = "A" in image.mode or "transparency" in image.info
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            _srgb(),
            outputMode="RGBA" if has_alpha else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    return converted


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    """What browsers assume of a picture with no colour profile."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _plain_mode(image: Image.Image) -> Image.Image:
    """A mode whose pixels need nothing outside the pixel data (no palette)."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    has_alpha = "A" in image.mode or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _renditions(clean: Image.Image, fallback: str) -> Derived:
    digest = hashlib.sha256(f"{clean.mode}\0{clean.size}\0".encode() + clean.tobytes()).hexdigest()[
        :HASH_LENGTH
    ]
    formats = (*modern_formats(), fallback)
    made: dict[str, list[Rendition]] = {f: [] for f in formats}
    files: list[tuple[str, bytes]] = []
    widest: Image.Image | None = None
    for width in sorted(widths_for(clean.width), reverse=True):
        # The widest is made from the original, the others from the widest: as sharp,
        # and far quicker than resampling twelve million pixels four times.
        height = max(1, round(clean.height * width / clean.width))  # from the original
        scaled = _scaled(widest or clean, width, height)
        widest = widest or scaled
        for format_ in formats:
            path = f"{OUTPUT_FOLDER}/{digest}-{width}.{_EXTENSION[format_]}"
            files.append((path, _encode(scaled, format_)))
            made[format_].insert(0, Rendition(path, scaled.width, scaled.height, _MIME[format_]))
    picture = Picture(
        fallback=tuple(made[fallback]),
        alternates=tuple(tuple(made[f]) for f in modern_formats()),
    )
    return Derived(picture, tuple(files))


def _scaled(image: Image.Image, width: int, height: int) -> Image.Image:
    from PIL import Image

    if (width, height) == image.size:
        return image
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image, format_: str) -> bytes:
    """``image`` in ``format_``, with no metadata: nothing is passed but the pixels."""
    if format_ == "JPEG" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    elif format_ in ("AVIF", "WEBP") and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    options: dict[str, object] = {}
    if format_ == "JPEG":
        options = {"quality": _QUALITY["JPEG"], "optimize": True, "progressive": True}
    elif format_ == "PNG":
        options = {"optimize": True}
    else:
        options = {"quality": _QUALITY[format_]}
    buffer = io.BytesIO()
    image.save(buffer, format_, **options)
    return buffer.getvalue()
