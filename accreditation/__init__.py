"""Accreditation tariffs: the controlled list of service types, the tariff records (import files in CSV or
YAML, crawled acts), their validation and storage, and what `observatory accreditation list/show` prints.

The R-ACC rules that judge the stored tariffs live in `rules/accreditation/` (run by `rules.tariff_engine`);
the legislation watch in `legislation/`.
"""
