"""Report PDFs -> numbered pages of text, so an alert can cite "page 14"."""

from __future__ import annotations

import io
import logging
import struct
import zlib
from typing import TYPE_CHECKING

from monitor.domain.errors import FetchError
from monitor.domain.item import Page
from monitor.sources.markup import squash

if TYPE_CHECKING:  # pypdf is imported when a PDF is read: a cycle of unchanged feeds never needs it
    from pypdf import PdfReader

log = logging.getLogger(__name__)


def _broken() -> tuple[type[BaseException], ...]:
    """pypdf on hostile or broken files fails with more than its own error type; every one of these
    means "this document cannot be read", never a bug of ours to hide."""
    from pypdf.errors import PyPdfError

    return (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
            RecursionError, ZeroDivisionError, OverflowError, struct.error, zlib.error, UnicodeError)


def pdf_pages(data: bytes, *, max_pages: int = 300) -> tuple[Page, ...]:
    """The text of each page (1-based numbers; pages with no text layer are left out).

    Raises `FetchError("bad_pdf")` for garbage, a document locked with a password, or a file with
    no readable page at all. Only the first `max_pages` pages are read.
    """
    reader, broken = _open(data), _broken()
    pages: list[Page] = []
    for number, page in enumerate(reader.pages[:max_pages], start=1):
        try:
            text = squash(page.extract_text())
        except broken as exc:  # one bad page must not cost the others
            log.info("PDF page %d unreadable: %s", number, exc)
            continue
        if text:
            pages.append(Page(text, number))
    return tuple(pages)


def _open(data: bytes) -> PdfReader:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise FetchError("bad_pdf", "not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FetchError("bad_pdf", "PDF is encrypted with a password")
        len(reader.pages)  # force the page tree to load here, where failures are classified
    except FileNotDecryptedError as exc:
        raise FetchError("bad_pdf", f"PDF is encrypted: {exc}") from exc
    except _broken() as exc:
        raise FetchError("bad_pdf", f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    return reader
