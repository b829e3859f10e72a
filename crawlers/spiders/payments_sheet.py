"""Payments pages that publish the ITP as spreadsheets (.xlsx, .csv; .xls/.ods recorded as unreadable)."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Response

from authorities.figures import PageReading
from authorities.itp import read_spreadsheet
from crawlers.policy import CrawlPolicy
from crawlers.spiders.payments_common import PaymentsSpider


class PaymentsSheetSpider(PaymentsSpider):
    name = "payments_sheet"
    shape = "sheet"
    file_extensions = (".xlsx", ".xlsm", ".csv", ".xls", ".ods")
    policy = CrawlPolicy(
        name="Pagamenti dell'amministrazione - fogli di calcolo (ITP)", kind="payments",
        notes="authorities listed in crawlers/data/payments_tenants.yaml (shape sheet)",
    )

    def read(self, response: Response) -> PageReading:
        return read_spreadsheet(response.body, urlsplit(response.url).path.rsplit("/", 1)[-1])
