"""Report PDFs built in the test with reportlab: what a UN report looks like to pypdf."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

TLATLAYA = ("Soldiers of the 102nd Infantry Battalion executed at least twelve people in Tlatlaya "
            "after they had surrendered, and the scene was altered.")


def report_pdf(pages: list[list[str]], *, password: str | None = None) -> bytes:
    """A PDF with one page per entry of `pages`, each a list of lines of text."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=password, invariant=True)
    for lines in pages:
        text = pdf.beginText(50, 780)
        for line in lines:
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def tlatlaya_report() -> bytes:
    """Two pages; the allegation is on page 2."""
    return report_pdf([
        ["Office of the High Commissioner for Human Rights", "Annual report on Mexico"],
        ["Findings", "Soldiers of the 102nd Infantry Battalion executed at least twelve people in Tlatlaya",
         "after they had surrendered, and the scene was altered."],
    ])
