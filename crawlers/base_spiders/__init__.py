"""Base spiders by access pattern. Every spider of the project derives from one of them:

- `BaseSpider` (base.py): arguments, policy, scope, documents-page following, error recording.
- `JsonApiSpider` / `DateWindowSpider` (api.py): paged JSON APIs, optionally by date window.
- `BulkFileSpider` (bulk.py): big files (zip CSV, JSONL) streamed to disk and read row by row.
"""

from crawlers.base_spiders.api import DateWindowSpider, JsonApiSpider
from crawlers.base_spiders.base import BaseSpider
from crawlers.base_spiders.bulk import BulkFileSpider

__all__ = ["BaseSpider", "BulkFileSpider", "DateWindowSpider", "JsonApiSpider"]
