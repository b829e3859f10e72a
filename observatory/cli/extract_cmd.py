"""`observatory extract` (pending documents), `observatory extract eval DIR`, `observatory extract-file PATH`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kernel.errors import ObservatoryError


def register(cli: click.Group) -> None:
    cli.add_command(extract)
    cli.add_command(extract_file)


@click.group(invoke_without_command=True)
@click.option("--limit", type=int, default=None, help="At most this many documents.")
@click.option("--workers", type=int, default=None, help="Documents read at the same time [OBSERVATORY_EXTRACT_WORKERS, 2].")
@click.option("--outdated", is_flag=True, help="Also read again the documents read by an older extractor version.")
@click.pass_context
def extract(ctx: click.Context, limit: int | None, workers: int | None, outdated: bool) -> None:
    """Read every retrieved document still pending and merge the fields of each notice."""
    if ctx.invoked_subcommand is not None:
        return
    from extract.runner import mark_outdated_pending, run_pending
    from kernel.settings import get_settings
    from observatory.app import get_engine, require_schema

    settings = get_settings()
    engine = get_engine(settings)
    require_schema(engine)
    if outdated:
        click.echo(f"documents to read again (older extractor version): {mark_outdated_pending(engine)}")
    with click.progressbar(length=0, label="documents", show_pos=True, file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        counts = run_pending(engine, settings.document_store, limit=limit, progress=progress,
                             workers=workers or settings.extract_workers, timeout_s=settings.extract_timeout_seconds,
                             memory_mb=settings.extract_memory_mb)
    click.echo(
        f"documents: {counts['pending']} pending, {counts['extracted']} extracted, {counts['failed']} failed, "
        f"{counts['skipped']} skipped; notices merged: {counts['notices_merged']}"
    )


@extract.command("eval")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--files", "files_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Where golden files' own documents (\"file\") are; default DIRECTORY.")
def extract_eval(directory: Path, files_dir: Path | None) -> None:
    """Precision and recall per field against the golden pairs in DIRECTORY."""
    from extract.evaluate import GoldenError, format_report, load_cases, read_with_extractor, score
    from kernel.settings import get_settings

    missing: list[str] = []
    try:
        cases = load_cases(directory, corpus_dir=get_settings().corpus_dir, files_dir=files_dir, missing=missing)
    except GoldenError as exc:
        raise ObservatoryError(str(exc)) from None
    if not cases:
        raise ObservatoryError(f"no golden document to evaluate in {directory} (documents missing: {len(missing)})")
    scores, kinds = score(cases, read_with_extractor)
    click.echo(f"{len(cases)} golden documents")
    if missing:
        click.echo(
            f"left out, document not found: {', '.join(missing)} "
            "(built ones: python tests/extract/make_documents.py DIR, then --files DIR)"
        )
    click.echo(format_report(scores, kinds))


@click.command("extract-file")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract (document + fields).")
@click.option("--isolated/--in-process", default=True, show_default=True,
              help="Read in a child process with a memory limit and a timeout.")
def extract_file(path: Path, as_json: bool, isolated: bool) -> None:
    """Read one file (PDF, scan, .p7m, .p7s, zip, docx, odt, xlsx, ods, rtf, HTML) and print its fields with evidence."""
    from extract.errors import ExtractionError

    if isolated:
        from extract.isolation import extract_file_isolated

        outcome = extract_file_isolated(path)
        if outcome.status != "extracted":
            raise ObservatoryError(f"{path.name}: {outcome.status}: {outcome.reason_text}")
        payload = outcome.result
    else:
        from extract.document import extract_bytes

        try:
            payload = extract_bytes(path.read_bytes()).to_json()
        except ExtractionError as exc:
            raise ObservatoryError(f"{path.name}: {exc.message}") from None
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    doc = payload["document"]
    click.echo(f"{path.name}: {doc['kind']}, {doc['pages']} pages, {doc['media_type']}{', OCR' if doc['ocr'] else ''}")
    for name, item in payload["fields"].items():
        value = item["value"]
        shown = "—" if value is None else json.dumps(value, ensure_ascii=False)
        click.echo(f"  {name:32} {shown}")
        for ev in item["evidence"][:1]:
            click.echo(f"  {'':32} p. {ev['page']}: {ev['text'][:150]}")
