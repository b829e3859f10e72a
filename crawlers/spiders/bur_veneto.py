"""BUR Veneto: DGRs on accredited services (disability, minors, mental health, elderly residential care).
One page per DGR, `/BurvServices/pubblica/DettaglioDgr.aspx?id=<n>` (ACCREDITATION.md §4)."""

from __future__ import annotations

from crawlers.policy import CrawlPolicy
from crawlers.spiders.bur_common import TariffBulletinSpider


class BurVenetoSpider(TariffBulletinSpider):
    name = "bur_veneto"
    policy = CrawlPolicy(name="BUR Veneto - DGR (tariffe dell'accreditamento)", kind="regional",
                         notes="per-DGR pages DettaglioDgr.aspx?id=<n> (ACCREDITATION.md §4); listing shape not documented")
    default_base_url = "https://bur.regione.veneto.it"
    region = "05"
    watch_key = "bur_veneto"
    listing_path = "/BurvServices/pubblica/SommarioDgr.aspx"
    act_link = "DettaglioDgr.aspx"
