"""Item pipelines, in order (crawlers/settings.py ITEM_PIPELINES):

1. `scope.ScopePipeline`        decides scope when the spider did not; drops out-of-scope items
                                unless the spider keeps them (`keep_out_of_scope`).
2. `normalise.NormalisePipeline` validates and normalises (CIG, CPV code, aware datetimes, place
                                names -> ISTAT codes via kernel.territory); drops invalid items with
                                the reason on the run record.
3. `store.StorePipeline`        writes source, authority, notice (versions), lots, document rows,
                                rettifica links and cross-source dedupe (`canonical_id`).
4. `documents.DocumentsPipeline` (a FilesPipeline) downloads each not-yet-retrieved document into
                                the sha256 store and sets its retrieval status/reason.

A spider only yields `crawlers.items.NoticeItem`s; it never touches the database.
"""
