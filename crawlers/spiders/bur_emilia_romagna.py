"""BUR Emilia-Romagna (Parte Seconda, Giunta acts): tariff DGRs of the accredited social and socio-health
services (DGR 514/2009 system, CRA/CSRD reference costs). One page per act, `/dettaglio-inserzione?i=<hash>`."""

from __future__ import annotations

from crawlers.policy import CrawlPolicy
from crawlers.spiders.bur_common import TariffBulletinSpider


class BurEmiliaRomagnaSpider(TariffBulletinSpider):
    name = "bur_emilia_romagna"
    policy = CrawlPolicy(name="BUR Emilia-Romagna - atti della Giunta (tariffe dell'accreditamento)", kind="regional",
                         notes="per-act pages dettaglio-inserzione?i=<hash> (ACCREDITATION.md §4); listing shape not documented")
    default_base_url = "https://bur.regione.emilia-romagna.it"
    region = "08"
    watch_key = "bur_emilia_romagna"
    listing_path = "/parte-seconda"
    act_link = "dettaglio-inserzione"
