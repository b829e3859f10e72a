"""Reading tender documents: pure functions from document bytes to fields with evidence.

`extract.document.extract_bytes` is the pure entry point (bytes -> `DocumentResult`);
`extract.isolation` runs it in a child process with a memory limit and a timeout;
`extract.runner.run_pending` processes the pending documents of the database and
`extract.merge.merge_notice` merges the documents of one notice into `NoticeTerms`.
"""

# Stored with every Extraction row: bump it when a change alters what is extracted, so that
# documents can be re-read and results of different versions are never mixed silently.
EXTRACTOR_VERSION = "2026.11.2"
