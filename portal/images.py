"""Uploaded photos: checked with Pillow, re-encoded without metadata, and their renditions.

`prepare_upload` turns an uploaded file into the file that is stored: it refuses anything
that is not a JPEG, PNG or WebP (by content, not by name), a file whose name claims another
format than its content, an oversize file, a decompression bomb, an animated image and a
truncated or corrupt file, each with a Swedish message. What it returns is decoded and
encoded again, turned upright by its EXIF orientation, converted to sRGB, and carries no
EXIF, XMP, ICC profile or comment, so no location or camera data is published.

`sync_renditions` makes the smaller WebP copies the public pages use, beside the original
under a name derived from it (bilder/2026/foo.jpg -> bilder/2026/foo-480w.webp), and
removes those of an image that has been replaced. `renditions` and `sources` list them for
templates from the photo's stored width and height, without opening any file.

Originals are never deleted here: the photo's history (django-simple-history) refers to
them, and a reverted photo gets its renditions back the next time it is saved.
"""

import io
import math
import posixpath
import re
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Widths of the WebP renditions. A rendition is never wider than its original.
RENDITION_WIDTHS = (480, 960, 1600)
# The src of the <img>: the widest rendition up to this width, else the original.
DEFAULT_WIDTH = 960
# The original joins the srcset only when it is no wider than this (larger ones are
# served by the renditions).
MAX_SRCSET_ORIGINAL_WIDTH = 2400
# The column of the public pages: 68rem wide less 1rem padding each side.
DEFAULT_SIZES = "(min-width: 68rem) 66rem, calc(100vw - 2rem)"

# The true format, the extension it is stored with, and the extensions a name may claim.
FORMATS = {
    "JPEG": (".jpg", {".jpg", ".jpeg", ".jpe", ".jfif"}),
    "PNG": (".png", {".png"}),
    "WEBP": (".webp", {".webp"}),
}
FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 88, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90, "method": 4},
}
RENDITION_OPTIONS = {"quality": 82, "method": 4}
RENDITION_SUFFIX = re.compile(r"-\d+w$")

MESSAGES = {
    "not_an_image": "Filen är inte en JPEG-, PNG- eller WebP-bild.",
    "too_large": "Bilden är för stor (högst {limit}). Förminska den och försök igen.",
    "too_many_pixels": (
        "Bilden har för många pixlar{actual}. Högst {limit} megapixlar går att ladda upp – "
        "förminska bilden och försök igen."
    ),
    "extension_mismatch": (
        "Filen heter {extension} men är en {format}-bild. Byt filändelse till {expected} "
        "och försök igen."
    ),
    "animated": "Animerade bilder går inte att ladda upp. Välj en stillbild.",
    "corrupt": (
        "Bilden är skadad eller ofullständig. Spara eller exportera den på nytt och försök igen."
    ),
}


def _error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code].format(**params), code=code)


def _decimal(value: float) -> str:
    """48.0 -> '48', 0.5 -> '0,5'"""
    return f"{value:.1f}".removesuffix(".0").replace(".", ",")


def _format_size(size: int) -> str:
    """10485760 -> '10 MB', 51200 -> '50 kB', with a decimal comma when needed."""
    value, unit = (size / 1024**2, "MB") if size >= 1024**2 else (size / 1024, "kB")
    return f"{_decimal(value)} {unit}"


@dataclass(frozen=True)
class PreparedImage:
    """The file to store, with its pixel size and true format."""

    file: ContentFile
    width: int
    height: int
    format: str


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Sources:
    """What an <img> needs: src, srcset (may be empty), sizes, width and height."""

    src: str
    srcset: str
    sizes: str
    width: int | None
    height: int | None


def _open(data) -> Image.Image:
    """Image.open with a decompression bomb (by Pillow's limit or ours) as an error."""
    try:
        with warnings.catch_warnings(action="error", category=Image.DecompressionBombWarning):
            image = Image.open(data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        # Pillow's own limit, met before ours can look: its message holds the pixel count.
        found = re.search(r"\((\d+) pixels\)", str(bomb))
        raise _too_many_pixels(int(found[1]) if found else None) from None
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(image.width * image.height)
    return image


def _too_many_pixels(pixels: int | None) -> ValidationError:
    # Rounded up, so an image just over the limit never reads as exactly the limit.
    actual = f" ({_decimal(math.ceil(pixels / 100_000) / 10)} megapixlar)" if pixels else ""
    return _error("too_many_pixels", actual=actual, limit=_decimal(MAX_PIXELS / 1_000_000))


def _read(upload) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    upload.seek(0)
    return data


def _stored_name(original_name: str, extension: str) -> str:
    """A plain ASCII name with the format's extension that no rendition name can take."""
    stem = posixpath.splitext(posixpath.basename(original_name or ""))[0]
    stem = slugify(stem)[:50].strip("-_") or "bild"
    if RENDITION_SUFFIX.search(stem):
        stem += "-bild"
    return stem + extension


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a broken EXIF block: keep the pixels as they are
        return image.copy()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colour converted from an embedded ICC profile to sRGB, so the profile can go."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except Exception:  # an unusable profile: fall back to Pillow's plain conversion
        return image
    return converted or image


def _scaled_to_8_bits(image: Image.Image) -> Image.Image:
    return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")


def _web_mode(image: Image.Image, fmt: str) -> Image.Image:
    """The image in a mode its format stores and every browser shows."""
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        image = _scaled_to_8_bits(image)
    elif mode == "F":
        image = image.convert("L")
    elif mode in ("La", "LA"):
        image = image.convert("LA")
    elif mode in ("PA", "RGBa"):
        image = image.convert("RGBA")
    elif mode not in ("1", "L", "P", "RGB", "RGBA"):  # CMYK, YCbCr, LAB, HSV, RGBX
        image = image.convert("RGB")

    if fmt == "JPEG" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    return image


def _without_metadata(image: Image.Image) -> Image.Image:
    """Pillow writes some of im.info when saving (comment, ICC): keep only transparency."""
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    return image


def prepare_upload(upload) -> PreparedImage:
    """Check an uploaded file and return it re-encoded, or raise a Swedish ValidationError."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise _error("too_large", limit=_format_size(MAX_UPLOAD_BYTES))

    name = getattr(upload, "name", "") or ""
    extension = posixpath.splitext(name)[1].lower()
    if not any(extension in claims for _, claims in FORMATS.values()):
        raise _error("not_an_image")

    data = _read(upload)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _error("too_large", limit=_format_size(MAX_UPLOAD_BYTES))

    try:
        image = _open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise _error("not_an_image") from None
    except ValidationError:
        raise
    except Exception:
        raise _error("corrupt") from None

    fmt = image.format
    if fmt == "MPO":  # a camera JPEG with extra pictures (depth map, preview): keep the first
        fmt = "JPEG"
    if fmt not in FORMATS:
        raise _error("not_an_image")
    stored_extension, claims = FORMATS[fmt]
    if extension not in claims:
        raise _error(
            "extension_mismatch",
            extension=extension,
            format=FORMAT_NAMES[fmt],
            expected=stored_extension,
        )
    if fmt != "JPEG" and getattr(image, "is_animated", False):
        raise _error("animated")

    try:
        image.verify()
        image = _open(io.BytesIO(data))
        image.load()  # a truncated file fails here: verify() does not decode JPEG data
    except ValidationError:
        raise
    except Exception:
        raise _error("corrupt") from None

    upright = _web_mode(_to_srgb(_upright(image)), fmt)
    clean = _without_metadata(upright)
    output = io.BytesIO()
    try:
        clean.save(output, format=fmt, **SAVE_OPTIONS[fmt])
    except Exception:
        raise _error("corrupt") from None
    content = ContentFile(output.getvalue(), name=_stored_name(name, stored_extension))
    return PreparedImage(content, clean.width, clean.height, fmt)


def rendition_name(name: str, width: int) -> str:
    """bilder/2026/foo.jpg -> bilder/2026/foo-480w.webp"""
    return f"{posixpath.splitext(name)[0]}-{width}w.webp"


def rendition_size(width: int, height: int, target: int) -> tuple[int, int]:
    return target, max(1, round(height * target / width))


def rendition_widths(width: int | None) -> list[int]:
    """The rendition widths an original of this width gets: never upscaled."""
    if not width:
        return []
    return [target for target in RENDITION_WIDTHS if target < width]


def make_renditions(storage, name: str, *, replace: bool = True) -> list[str]:
    """Write the renditions of the stored image `name`; return their names.

    With replace=False only missing renditions are made (a photo saved without a new image).
    """
    wanted = {}
    with storage.open(name, "rb") as stored:
        image = _open(stored)
        widths = rendition_widths(image.width)
        if not replace:
            widths = [w for w in widths if not storage.exists(rendition_name(name, w))]
        if not widths:
            return []
        image.load()
    source = image.convert("RGBA" if image.has_transparency_data else "RGB")
    for target in widths:
        resized = source.resize(
            rendition_size(source.width, source.height, target), Image.Resampling.LANCZOS
        )
        output = io.BytesIO()
        resized.save(output, format="WEBP", **RENDITION_OPTIONS)
        wanted[rendition_name(name, target)] = output.getvalue()
    for rendition, data in wanted.items():
        if storage.exists(rendition):
            storage.delete(rendition)
        storage.save(rendition, ContentFile(data))
    return list(wanted)


def delete_renditions(storage, name: str) -> None:
    for target in RENDITION_WIDTHS:
        rendition = rendition_name(name, target)
        if storage.exists(rendition):
            storage.delete(rendition)


def sync_renditions(field_file, previous_name: str = "") -> None:
    """After a save: renditions for the current image, none left of a replaced one."""
    storage = field_file.storage
    current = field_file.name or ""
    if previous_name and previous_name != current:
        delete_renditions(storage, previous_name)
    if current:
        make_renditions(storage, current, replace=current != previous_name)


def renditions(photo) -> list[Rendition]:
    """The photo's renditions, narrowest first, from its stored size: no file is opened."""
    if not photo.image or not photo.width or not photo.height:
        return []
    storage = photo.image.storage
    return [
        Rendition(storage.url(rendition_name(photo.image.name, target)), *size)
        for target in rendition_widths(photo.width)
        for size in [rendition_size(photo.width, photo.height, target)]
    ]


def sources(photo, sizes: str = "") -> Sources | None:
    """src, srcset and sizes for the photo's <img>, or None without an image."""
    if not photo.image:
        return None
    copies = renditions(photo)
    original = Rendition(photo.image.url, photo.width, photo.height)
    candidates = list(copies)
    if photo.width and (not copies or photo.width <= MAX_SRCSET_ORIGINAL_WIDTH):
        candidates.append(original)
    fitting = [copy for copy in copies if copy.width <= DEFAULT_WIDTH]
    src = fitting[-1] if fitting and photo.width > DEFAULT_WIDTH else original
    srcset = (
        ", ".join(f"{item.url} {item.width}w" for item in candidates) if len(candidates) > 1 else ""
    )
    return Sources(
        src=src.url,
        srcset=srcset,
        sizes=sizes or DEFAULT_SIZES,
        width=photo.width,
        height=photo.height,
    )
