"""Extraction speed, peak memory and field accuracy: the whole extraction against raw PDFium text and
pdfplumber alone, on the same documents in the same run (issue 8; ECOSYSTEM.md §3.1).

    .venv/bin/python bench/extract_speed.py [--rounds N]

Documents: the four real PDFs of the corpus (read in place) and the text PDFs built by
tests/extract/make_documents.py (the scanned one is left out: OCR time is not text extraction).
Each mode runs in a fresh child process (peak RSS is that process's own), `--rounds` times, best
time kept. Field accuracy is measured on each mode's own text against the golden pairs.
Goal: the whole extraction at least half as fast as raw PDFium text, at equal accuracy.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "extract"))

GOLDEN = ROOT / "tests" / "extract" / "golden"
MODES = ("whole extraction", "raw PDFium text", "pdfplumber alone")


def _pages_pdfium(data: bytes):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    from extract.model import Page

    document = pdfium.PdfDocument(data)
    pages = []
    for i in range(len(document)):
        page = document[i]
        textpage = page.get_textpage()
        pages.append(Page(i + 1, textpage.get_text_bounded()))
        textpage.close()
        page.close()
    document.close()
    return pages


def _pages_pdfplumber(data: bytes):  # type: ignore[no-untyped-def]
    import pdfplumber

    from extract.model import Page

    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i, page in enumerate(pdf.pages):
            text = page.extract_text() or ""
            tables = [[[" ".join((c or "").split()) for c in row] for row in t] for t in page.extract_tables() if t]
            pages.append(Page(i + 1, text, tables=tables))
            page.close()
    return pages


def run_mode(mode: str, files: list[str], rounds: int) -> dict:
    """In the child: time `rounds` passes over the files; return figures and the fields of each file."""
    from extract.document import extract_bytes
    from extract.fields import extract_fields

    blobs = [Path(f).read_bytes() for f in files]
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        outputs = []
        for data in blobs:
            if mode == "whole extraction":
                result = extract_bytes(data)
                outputs.append((result.pages, result.fields))
            elif mode == "raw PDFium text":
                outputs.append((_pages_pdfium(data), None))
            else:
                outputs.append((_pages_pdfplumber(data), None))
        best = min(best, time.perf_counter() - started)
    fields, pages = {}, 0
    for path, (out, extracted) in zip(files, outputs, strict=True):
        if extracted is None:  # text-only modes: the same field extractors on that text, outside the timing
            extracted = extract_fields(out)
            out = len(out)
        pages += out
        fields[path] = extracted
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": best, "pages": pages, "peak_mb": peak_mb, "fields": fields}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        json.dump(run_mode(args.mode, args.files, args.rounds), sys.stdout)
        return

    import make_documents

    from extract.evaluate import accuracy, load_cases, score
    from kernel.settings import get_settings

    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp)
        make_documents.build(built)
        cases = [
            c for c in load_cases(GOLDEN, corpus_dir=get_settings().corpus_dir, files_dir=built)
            if c.path.suffix == ".pdf" and c.name != "scanned_lowest"
        ]
        files = [str(c.path) for c in cases]
        results = {}
        for mode in MODES:
            proc = subprocess.run(
                [sys.executable, __file__, "--mode", mode, "--rounds", str(args.rounds), "--files", *files],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )
            figures = json.loads(proc.stdout)
            scores, _ = score(cases, lambda data, f=figures: f["fields"][str(_path_of(cases, data))])
            figures["accuracy"] = accuracy(scores)
            results[mode] = figures

    print(f"{len(files)} PDFs, {results['whole extraction']['pages']} pages, best of {args.rounds} rounds")
    print(f"{'mode':20} {'pages/s':>9} {'seconds':>8} {'peak MB':>8} {'field accuracy':>15}")
    for mode, r in results.items():
        print(f"{mode:20} {r['pages'] / r['seconds']:9.1f} {r['seconds']:8.3f} {r['peak_mb']:8.1f} {r['accuracy'] * 100:14.1f}%")
    whole, raw = results["whole extraction"], results["raw PDFium text"]
    ratio = (whole["pages"] / whole["seconds"]) / (raw["pages"] / raw["seconds"])
    plumber = results["pdfplumber alone"]
    print(f"ratio whole / raw PDFium: {ratio:.2f} (goal >= 0.50: {'met' if ratio >= 0.5 else 'NOT met'})")
    print(f"ratio whole / pdfplumber alone: {(whole['pages'] / whole['seconds']) / (plumber['pages'] / plumber['seconds']):.1f}x faster")


def _path_of(cases, data: bytes) -> Path:  # type: ignore[no-untyped-def]
    for case in cases:
        if case.path.read_bytes() == data:
            return case.path
    raise LookupError("document not among the cases")


if __name__ == "__main__":
    main()
