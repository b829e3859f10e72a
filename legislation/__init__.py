"""The legislation watch: watched sources as data (`data/sources.yaml`), the topics a title is matched on
(`data/topics.yaml`, plus R-ACC-6 for accreditation tariffs), the pure readers of each source's shape
(`feeds.py`) and the storage of what was seen (`store.py`). The `legislation_watch` spider reads the sources;
`alerts.watch` tells the National Observatory (and the region's for a regional act) of every new match."""
