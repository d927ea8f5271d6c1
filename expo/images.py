"""Checks and cleans uploaded images. Plain Python and Pillow, no Django.

An upload is accepted only if its *content* is a JPEG, PNG or WebP image within
the byte and pixel bounds; the pixel count is read from the header before any
decoding, so a decompression bomb is refused without using its memory. Files
that also carry markup (HTML/PNG polyglots, SVG) are refused. What is kept is a
fresh encoding of the pixels: no metadata (EXIF, GPS, comments), no trailing bytes.
"""

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (400, 400)
# Markup that makes a file dangerous if a browser ever sniffs it as HTML or SVG. Polyglots put it
# in the first or last bytes (a header chunk, a comment, data after the image's end); those are
# searched, not the compressed pixels between, where such bytes can occur by chance.
_MARKUP = re.compile(rb"<\s*(html|script|svg|iframe|object|embed|!doctype|\?xml)", re.IGNORECASE)
_MARKUP_WINDOW = 4096


class ImageRejected(ValueError):
    """The upload is not an acceptable image; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    thumbnail: bytes
    extension: str
    width: int
    height: int


def clean_image(data: bytes, *, max_bytes: int, max_pixels: int, messages: dict[str, str]) -> CleanImage:
    """Check ``data`` and return a re-encoded image and its thumbnail, or raise ``ImageRejected``.

    ``messages`` supplies the user-facing (translated) text for each reason:
    ``too_large``, ``not_image``, ``wrong_format``, ``markup``, ``too_many_pixels``, ``broken``.
    """
    if len(data) > max_bytes:
        raise ImageRejected(messages["too_large"])
    if _MARKUP.search(data[:_MARKUP_WINDOW]) or _MARKUP.search(data[-_MARKUP_WINDOW:]):
        raise ImageRejected(messages["markup"])
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise ImageRejected(messages["too_many_pixels"]) from error
    except (UnidentifiedImageError, OSError) as error:
        raise ImageRejected(messages["not_image"]) from error
    image_format = image.format
    if image_format not in ALLOWED_FORMATS:
        raise ImageRejected(messages["wrong_format"])
    width, height = image.size
    if width * height > max_pixels or getattr(image, "n_frames", 1) > 1:
        raise ImageRejected(messages["too_many_pixels"])
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageRejected(messages["broken"]) from error

    image = _without_palette_surprises(ImageOps.exif_transpose(image), image_format)
    content = _encode(image, image_format)
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    return CleanImage(
        content=content,
        thumbnail=_encode(thumbnail, image_format),
        extension=ALLOWED_FORMATS[image_format],
        width=image.width,
        height=image.height,
    )


def _without_palette_surprises(image: Image.Image, image_format: str) -> Image.Image:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return image.convert("RGBA")
    return image


def _encode(image: Image.Image, image_format: str) -> bytes:
    """Encode pixels only: Pillow writes no EXIF or text chunks unless asked to."""
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 85}}
    image.save(buffer, format=image_format, **options[image_format])
    return buffer.getvalue()
