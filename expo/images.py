"""Checks and cleans uploaded images. Plain Python and Pillow, no Django.

``check_image`` runs while the upload is in the request and must stay cheap: an
upload is accepted only if its *content* is a JPEG, PNG or WebP image within the
byte and pixel bounds; the pixel count is read from the header before any
decoding, so a decompression bomb is refused without using its memory. Files
that also carry markup (HTML/PNG polyglots, SVG) are refused, and so are damaged
ones. ``reencode`` is the expensive part, run later by a worker: a fresh encoding
of the pixels (no metadata such as EXIF, GPS or comments, no trailing bytes) and
a thumbnail.

Both decode with Pillow's ``LOAD_TRUNCATED_IMAGES`` off, whatever the process has
set it to: WeasyPrint turns it on for the whole process when it is imported,
which would make a truncated file pass as a whole one.
"""

import io
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (400, 400)
# Markup that makes a file dangerous if a browser ever sniffs it as HTML or SVG. Polyglots put it
# in the first or last bytes (a header chunk, a comment, data after the image's end); those are
# searched, not the compressed pixels between, where such bytes can occur by chance.
_MARKUP = re.compile(rb"<\s*(html|script|svg|iframe|object|embed|!doctype|\?xml)", re.IGNORECASE)
_MARKUP_WINDOW = 4096
# A JPEG is checked by decoding it at 1/8 scale: every byte of the compressed stream is still read
# (so a cut or damaged file fails), at a fraction of the time and memory of the full picture.
_JPEG_CHECK_SCALE = 8
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)
_strict_lock = threading.Lock()


class ImageRejected(ValueError):
    """The upload is not an acceptable image; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class CheckedImage:
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    thumbnail: bytes
    extension: str
    width: int
    height: int


@contextmanager
def _strict_decoding():
    """Decode with truncated images refused, and put the process-wide flag back afterwards.

    The lock keeps two checks in this process from restoring each other's value; code elsewhere
    that reads the flag meanwhile sees the stricter setting, never a looser one.
    """
    with _strict_lock:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def check_image(data: bytes, *, max_bytes: int, max_pixels: int, messages: dict[str, str]) -> CheckedImage:
    """Check ``data`` without decoding it in full, or raise ``ImageRejected``.

    ``messages`` supplies the user-facing (translated) text for each reason:
    ``too_large``, ``not_image``, ``wrong_format``, ``markup``, ``too_many_pixels``, ``broken``.
    A PNG is checked by Pillow's ``verify`` (every chunk's checksum, up to the end marker), a JPEG by
    a reduced decode of its whole stream, a WebP by decoding it.
    """
    if len(data) > max_bytes:
        raise ImageRejected(messages["too_large"])
    if _MARKUP.search(data[:_MARKUP_WINDOW]) or _MARKUP.search(data[-_MARKUP_WINDOW:]):
        raise ImageRejected(messages["markup"])
    with _strict_decoding():
        image = _open(data, messages)
        image_format = image.format
        if image_format not in ALLOWED_FORMATS:
            raise ImageRejected(messages["wrong_format"])
        width, height = image.size
        if width * height > max_pixels or getattr(image, "n_frames", 1) > 1:
            raise ImageRejected(messages["too_many_pixels"])
        try:
            if image_format == "PNG":
                image.verify()
            else:
                if image_format == "JPEG":
                    image.draft(image.mode, (width // _JPEG_CHECK_SCALE, height // _JPEG_CHECK_SCALE))
                image.load()
        except _DECODE_ERRORS as error:
            raise ImageRejected(messages["broken"]) from error
    return CheckedImage(extension=ALLOWED_FORMATS[image_format], width=width, height=height)


def reencode(data: bytes, *, messages: dict[str, str]) -> CleanImage:
    """Decode an image that passed ``check_image`` and return a fresh encoding of its pixels and a thumbnail.

    Raises ``ImageRejected`` (``broken``) for a file that passed the cheap check but cannot be decoded:
    only one crafted to carry valid checksums around damaged pixel data gets that far.
    """
    with _strict_decoding():
        image = _open(data, messages)
        image_format = image.format
        if image_format not in ALLOWED_FORMATS:
            raise ImageRejected(messages["wrong_format"])
        try:
            image.load()
        except _DECODE_ERRORS as error:
            raise ImageRejected(messages["broken"]) from error
    image = _without_palette_surprises(ImageOps.exif_transpose(image), image_format)
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    return CleanImage(
        content=_encode(image, image_format),
        thumbnail=_encode(thumbnail, image_format),
        extension=ALLOWED_FORMATS[image_format],
        width=image.width,
        height=image.height,
    )


def _open(data: bytes, messages: dict[str, str]) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise ImageRejected(messages["too_many_pixels"]) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ImageRejected(messages["not_image"]) from error


def _without_palette_surprises(image: Image.Image, image_format: str) -> Image.Image:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return image.convert("RGBA")
    return image


def _encode(image: Image.Image, image_format: str) -> bytes:
    """Encode pixels only: Pillow writes no EXIF or text chunks unless asked to.

    PNG keeps zlib's default level: ``optimize`` cost seconds on a large logo for a few per cent of size.
    """
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {}, "WEBP": {"quality": 85}}
    image.save(buffer, format=image_format, **options[image_format])
    return buffer.getvalue()
