"""Payments pages that publish the ITP as PDF files (the page links them, or the URL is the PDF)."""

from __future__ import annotations

from scrapy.http import Response

from authorities.figures import PageReading
from authorities.itp import read_pdf
from crawlers.policy import CrawlPolicy
from crawlers.spiders.payments_common import PaymentsSpider


class PaymentsPdfSpider(PaymentsSpider):
    name = "payments_pdf"
    shape = "pdf"
    file_extensions = (".pdf",)
    policy = CrawlPolicy(
        name="Pagamenti dell'amministrazione - file PDF (ITP)", kind="payments",
        notes="authorities listed in crawlers/data/payments_tenants.yaml (shape pdf); scanned PDFs are read with OCR (noted)",
    )

    def read(self, response: Response) -> PageReading:
        return read_pdf(response.body)
