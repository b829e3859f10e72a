"""Child process that reads one document: `python -m extract.child PATH --memory-mb N`.

It limits its own address space before touching the file, so that a PDF inflating to gigabytes
fails here with MemoryError (or dies) instead of taking the pipeline down; the parent
(`extract.isolation`) adds the wall-clock timeout. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys

MEMORY_EXIT = 3


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract.child")
    parser.add_argument("path")
    parser.add_argument("--memory-mb", type=int, default=1536)
    parser.add_argument("--no-ocr", action="store_true")
    args = parser.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    # Import before limiting memory: the libraries' own mappings should not count against the document.
    from extract.document import extract_bytes
    from extract.errors import ExtractionError

    _limit_memory(args.memory_mb)
    try:
        with open(args.path, "rb") as handle:
            data = handle.read()
        result = extract_bytes(data, ocr=not args.no_ocr)
    except ExtractionError as exc:
        out = {"status": "skipped" if exc.skip else "failed", "reason": exc.reason, "detail": exc.detail}
    except MemoryError:
        sys.stdout.write(json.dumps({"status": "failed", "reason": "memory_limit", "detail": f"over {args.memory_mb} MB"}))
        return MEMORY_EXIT
    except Exception as exc:  # noqa: BLE001 - a parser bug on one document must not stop the batch
        out = {"status": "failed", "reason": "error", "detail": f"{exc.__class__.__name__}: {exc}"[:500]}
    else:
        out = {"status": "extracted", "result": result.to_json(), "warnings": result.warnings, "envelope": result.envelope}
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
