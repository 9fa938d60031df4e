"""`app.py ingest`: progress bar on stderr, one summary line on stdout, non-zero exit when nothing was ingested.

stderr also names every failed or partly read source, skipped item, warning and retired post."""

from __future__ import annotations

import sys

from tqdm import tqdm

from cli.errors import EXIT_FAILED
from cli.wiring import index_store, ingest_options, resolve_sources
from index import STAGE_UNITS, Embedder, IngestReport, run_ingest
from settings import Settings

EXIT_OK, EXIT_PARTIAL = 0, 3
__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_PARTIAL", "ingest_command"]


def ingest_command(settings: Settings, sources: list[str], keep_missing: bool = False, show_progress: bool = True, embedder: Embedder | None = None) -> int:
    """Ingest `sources` (default: the configured feeds) into a new index version; EXIT_OK, or EXIT_PARTIAL
    when a source failed or was read partly. Nothing usable read raises IngestError, a locked or unusable
    data directory IndexStoreError (`cli.errors` turns both into "ingest failed: ..." and EXIT_FAILED)."""
    bar: tqdm | None = None

    def progress(stage: str, done: int, total: int) -> None:
        """One bar per stage, counting what the stage counts (posts read, texts embedded); no total while unknown."""
        nonlocal bar
        if not show_progress:
            return
        if bar is None or bar.desc != stage:
            if bar is not None:
                bar.close()
            bar = tqdm(total=total or None, desc=stage, unit=f" {STAGE_UNITS.get(stage) or 'step'}", file=sys.stderr)
        if total and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        report = run_ingest(resolve_sources(sources, settings), index_store(settings), embedder or Embedder(), ingest_options(settings, keep_missing), progress)
    finally:
        if bar is not None:
            bar.close()
    _print_report(report)
    return EXIT_PARTIAL if report.failures or report.partial else EXIT_OK


def _print_report(report: IngestReport) -> None:
    for failure in report.failures:
        print(f"source failed: {failure}", file=sys.stderr)
    for source in report.partial:
        print(f"source read partly (a page failed): {source}; nothing of it was retired", file=sys.stderr)
    for item in report.skipped:
        print(f"skipped {item.item} from {item.source}: {item.reason}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for post in report.retired:
        print(f"retired: {post.title!r} <{post.url}> (gone from a complete read of {post.source or 'its source'})", file=sys.stderr)
    print(report.summary_line())
