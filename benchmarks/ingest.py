"""Ingest benchmark: a synthetic feed of N posts built from the sample's sections.

Prints full-ingest throughput (posts/s, chunks/s), peak memory, index size on disk, the time of an
unchanged re-ingest, and — on the same texts, in the same run — the bare model's embedding
throughput, so that the cost of parsing, chunking and indexing can be read off as a ratio.

    python benchmarks/ingest.py [--posts 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index import Embedder, IndexStore, IngestOptions, embedded_texts, run_ingest
from ingest import read_feed
from settings import SAMPLE_FEED


def synthetic_feed(n_posts: int, seed: int = 7) -> bytes:
    """N posts, each a shuffled mix of the sample's sections; every sentence made unique to the post
    (a real site's posts don't share sentences, and the embedding cache would otherwise hide the cost)."""
    raw = SAMPLE_FEED.read_text(encoding="utf-8")
    head, rest = raw.split("<item>", 1)
    items = re.findall(r"<item>.*?</item>", "<item>" + rest, re.S)
    bodies = [re.search(r"<content:encoded><!\[CDATA\[(.*?)\]\]>", it, re.S).group(1) for it in items]  # type: ignore[union-attr]
    sections = [s for body in bodies for s in re.split(r"(?=<h2>)", body) if s.startswith("<h2>") and "References" not in s[:40]]
    rng = random.Random(seed)
    out = [head]
    for i in range(n_posts):
        picked = rng.sample(sections, 6)
        body = "".join(re.sub(r"(?<=[.?!]) (?=[A-Z])", f" In case {i}, ", s) for s in picked)
        out.append(
            f"<item><title>Synthetic post {i}: {rng.choice(['Ketamine', 'PTSD', 'SGB', 'Depression'])} notes</title>"
            f'<link>https://softrebootwellness.com/synthetic-{i}/</link><guid isPermaLink="false">synthetic-{i}</guid>'
            f"<pubDate>Wed, 13 May 2026 04:00:00 +0000</pubDate><content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    out.append("</channel></rss>")
    return "\n".join(out).encode()


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the data directory here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    feed = work / "feed.xml"
    feed.write_bytes(synthetic_feed(args.posts))
    data_dir = args.keep or work / "data"
    embedder = Embedder()
    embedder.encode(["warm up"])  # model load is not ingest work

    t0 = time.perf_counter()
    report = run_ingest([str(feed)], IndexStore(data_dir), embedder, IngestOptions(max_pages=1))
    full_s = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t0 = time.perf_counter()
    again = run_ingest([str(feed)], IndexStore(data_dir), embedder, IngestOptions(max_pages=1))
    unchanged_s = time.perf_counter() - t0
    assert again.chunks_embedded == 0 and not again.published

    version = IndexStore(data_dir).load_current(embedder.name, embedder.dimension)
    chunk_texts = [c.embed_text for c in version.chunks]
    all_texts = sorted(set(embedded_texts(version.chunks)))
    t0 = time.perf_counter()
    embedder.encode(all_texts)
    bare_all_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    embedder.encode(chunk_texts)
    bare_chunks_s = time.perf_counter() - t0

    n_posts, n_chunks = len(read_feed(str(feed)).posts), len(version.chunks)
    print(f"posts: {n_posts}  chunks: {n_chunks}  texts embedded (chunks + sentences + sentences in context + FAQ questions): {report.texts_embedded}")
    rates = f"{n_posts / full_s:7.2f} posts/s  {n_chunks / full_s:7.2f} chunks/s  {report.texts_embedded / full_s:7.1f} texts/s"
    print(f"full ingest:        {full_s:8.1f} s  {rates}")
    print(f"bare model, same texts:   {bare_all_s:8.1f} s  {len(all_texts) / bare_all_s:7.1f} texts/s")
    print(f"bare model, chunks only:  {bare_chunks_s:8.1f} s  {n_chunks / bare_chunks_s:7.2f} chunks/s")
    print(f"ingest throughput / bare throughput on the same texts: {bare_all_s / full_s:.2f}  (target >= 0.80)")
    print(f"unchanged re-ingest: {unchanged_s:.2f} s  (target <= 2 s)")
    print(f"peak RSS: {peak_mb:.0f} MB   index on disk: {dir_size(data_dir / 'index') / 1e6:.1f} MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
