"""Report PDFs -> numbered pages; broken and locked files are a classified error."""

from __future__ import annotations

import pytest

from monitor.domain.errors import FetchError
from monitor.sources.pdf import pdf_pages
from tests.monitor.sources.pdfs import TLATLAYA, report_pdf, tlatlaya_report


def test_pages_are_numbered_from_one() -> None:
    first, second = pdf_pages(tlatlaya_report())
    assert (first.number, second.number) == (1, 2)
    assert "Annual report on Mexico" in first.text
    assert second.text == "Findings " + TLATLAYA


def test_pages_without_text_are_left_out_and_max_pages_is_respected() -> None:
    data = report_pdf([["one"], [], ["three"], ["four"]])
    assert [page.number for page in pdf_pages(data)] == [1, 3, 4]
    assert [page.number for page in pdf_pages(data, max_pages=3)] == [1, 3]


@pytest.mark.parametrize("data", [b"", b"<html>not a pdf</html>", b"%PDF-1.7\n garbage \x00\xff" * 10,
                                  tlatlaya_report()[:400]],
                         ids=["empty", "html", "garbage", "truncated"])
def test_garbage_is_bad_pdf(data: bytes) -> None:
    with pytest.raises(FetchError) as caught:
        pdf_pages(data)
    assert caught.value.kind == "bad_pdf"


def test_password_protected_pdf_is_bad_pdf() -> None:
    with pytest.raises(FetchError) as caught:
        pdf_pages(report_pdf([["secret"]], password="s3cret"))
    assert caught.value.kind == "bad_pdf" and "encrypted" in str(caught.value)
