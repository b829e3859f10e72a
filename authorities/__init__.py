"""Contracting authorities after the award: the registry (who they are and where), their payment
timeliness (ITP) and the execution of their contracts (BDNCP datasets joined on CIG).

Modules: `placement` (ISTAT place from whatever fields a source gives), `national` (which bodies go to
the National Observatory, as data), `registry` (ANAC stazioni-appaltanti), `datasets` (reading ANAC
CSV files), `execution` (BDNCP datasets joined on CIG, reconciliation between sources), `itp` (reading
the "Pagamenti dell'amministrazione" pages), `payments` (storing the series), `refresh` (after-crawl
housekeeping), `report` (what `observatory authorities show` prints). The spiders are in
crawlers/spiders (anac_registry, anac_execution, payments_*), their pipeline in
crawlers/pipelines/post_award.py.
"""
