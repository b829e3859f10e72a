"""The document store tolerates crawl processes creating the same directories at the same time."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from crawlers.pipelines.documents import DocumentsPipeline, SharedFSFilesStore


def _open_store(basedir: str, barrier, results) -> None:  # type: ignore[no-untyped-def]
    barrier.wait()
    try:
        store = SharedFSFilesStore(basedir)
        store._mkdir(Path(basedir) / "ab")
    except Exception as exc:  # noqa: BLE001 - the parent asserts on it
        results.put(f"{type(exc).__name__}: {exc}")
        return
    results.put("ok")


def test_concurrent_processes_create_the_store(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for attempt in range(10):
        basedir = str(tmp_path / f"store{attempt}" / "documents")
        barrier, results = ctx.Barrier(4), ctx.Queue()
        workers = [ctx.Process(target=_open_store, args=(basedir, barrier, results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        assert outcomes == ["ok"] * 4
        assert (Path(basedir) / "ab").is_dir()


def test_the_pipeline_uses_the_shared_store() -> None:
    assert DocumentsPipeline.STORE_SCHEMES[""] is SharedFSFilesStore
    assert DocumentsPipeline.STORE_SCHEMES["file"] is SharedFSFilesStore
