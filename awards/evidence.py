"""Checks an uploaded PDF by its content. Plain Python and pypdf, no Django.

A file is accepted as a PDF only if it starts with the PDF signature, is within the size bound, and pypdf
reads it strictly to at least one page. A PDF that would act when opened (JavaScript, launch actions,
embedded files, additional actions) or cannot be read without a password is refused: jurors open these files.
Images go through ``expo.images`` instead.
"""

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF_SIGNATURE = b"%PDF-"
MAX_PAGES = 100
# Catalogue entries that make a PDF do something when it is opened.
_ACTIVE_ROOT_KEYS = ("/OpenAction", "/AA")
_ACTIVE_NAME_TREES = ("/JavaScript", "/EmbeddedFiles")
_PARSE_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError)


class PdfRejected(ValueError):
    """The upload is not an acceptable PDF; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class CheckedPdf:
    pages: int


def looks_like_pdf(data: bytes) -> bool:
    """Whether ``data`` starts with the PDF signature (which is what decides the checks it goes through)."""
    return data[:1024].lstrip().startswith(PDF_SIGNATURE)


def check_pdf(data: bytes, *, max_bytes: int, messages: dict[str, str]) -> CheckedPdf:
    """Check ``data`` or raise ``PdfRejected`` with ``messages[key]`` for the reason.

    The keys: ``too_large``, ``not_pdf``, ``broken``, ``encrypted``, ``active``, ``too_many_pages``.
    """
    if len(data) > max_bytes:
        raise PdfRejected(messages["too_large"])
    if not looks_like_pdf(data):
        raise PdfRejected(messages["not_pdf"])
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise PdfRejected(messages["encrypted"])
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        if any(key in root for key in _ACTIVE_ROOT_KEYS) or any(key in names for key in _ACTIVE_NAME_TREES):
            raise PdfRejected(messages["active"])
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise PdfRejected(messages["too_many_pages"])
        if pages < 1:
            raise PdfRejected(messages["broken"])
        for page in reader.pages:
            if "/AA" in page:
                raise PdfRejected(messages["active"])
    except PdfRejected:
        raise
    except _PARSE_ERRORS as error:
        raise PdfRejected(messages["broken"]) from error
    return CheckedPdf(pages=pages)
