"""A local replay of the real portals: serves ../shared/corpus in the shape of each portal's API/pages.

Each site (one portal) runs on its own 127.0.0.1 port, so that robots.txt, Crawl-delay and
politeness are per host as on the real web. Site modules are listed in `replay.sites`.
"""
