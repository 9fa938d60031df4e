"""Ingest benchmark: a synthetic WordPress site (N posts + M pages) served from 127.0.0.1, read through the REST
API and through the feed.

For each way of reading it prints: the full ingest (posts/s, texts/s), the bare model's throughput on the same
texts in the same run, an unchanged re-sync (target <= 2 s, nothing embedded), and a re-sync after 10 edits and 5
deletions (only the 10 edited posts re-embedded, the 5 retired); then peak memory and index size.

    python benchmarks/ingest.py [--posts 1000] [--pages 50] [--via rest,feed] [--keep DIR]
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index import Embedder, IndexStore, IngestOptions, IngestReport, embedded_texts, run_ingest
from settings import SAMPLE_FEED
from tests import feeds
from tests.httpserver import FeedServer, Reply
from tests.wp_site import WordPressSite, post_item

FEED_PAGE_SIZE = 10  # WordPress's default "Syndication feeds show the most recent" setting
EDITS, DELETIONS = 10, 5


def sample_sections() -> list[str]:
    """The sample feed's `<h2>` sections (references excluded), as HTML."""
    raw = SAMPLE_FEED.read_text(encoding="utf-8")
    bodies = re.findall(r"<content:encoded><!\[CDATA\[(.*?)\]\]>", raw, re.S)
    return [s for body in bodies for s in re.split(r"(?=<h2>)", body) if s.startswith("<h2>") and "References" not in s[:40]]


def synthetic_body(sections: list[str], rng: random.Random, tag: str) -> str:
    """Six sections, every sentence made unique to `tag` (a real site's posts don't share sentences, and the
    embedding cache would otherwise hide the cost)."""
    return "".join(re.sub(r"(?<=[.?!]) (?=[A-Z])", f" In case {tag}, ", s) for s in rng.sample(sections, 6))


@dataclass
class Site:
    """The synthetic site's items in the REST API's format; posts can be edited and deleted."""

    posts: list[dict[str, Any]]
    pages: list[dict[str, Any]]

    @classmethod
    def build(cls, n_posts: int, n_pages: int, seed: int = 7) -> Site:
        rng, sections = random.Random(seed), sample_sections()
        posts = [
            post_item(i, html=synthetic_body(sections, rng, f"p{i}"), title=f"Synthetic post {i}: {rng.choice(['Ketamine', 'PTSD', 'SGB'])} notes")
            for i in range(n_posts)
        ]
        pages = []
        for i in range(n_pages):
            page = post_item(10_000 + i, html=synthetic_body(sections, rng, f"page{i}"), title=f"Clinic page {i}")
            page.update(type="page", link=f"https://clinic.test/page-{i}/", guid={"rendered": f"https://clinic.test/?page_id={i}"})
            pages.append(page)
        return cls(posts, pages)

    def edit_and_delete(self) -> None:
        """Edit the first EDITS posts (one sentence each, new modified_gmt); delete the next DELETIONS."""
        for item in self.posts[:EDITS]:
            item["content"]["rendered"] = item["content"]["rendered"].replace("</p>", " This sentence was added in an edit.</p>", 1)
            item["modified_gmt"] = "2026-06-01T12:00:00"
        del self.posts[EDITS : EDITS + DELETIONS]

    def feed_pages(self) -> list[bytes]:
        """The posts as WordPress's paged RSS feed would list them (content:encoded, FEED_PAGE_SIZE a page)."""
        items = self.feed_items()
        return [feeds.rss(*items[i : i + FEED_PAGE_SIZE]) for i in range(0, len(items), FEED_PAGE_SIZE)]

    def feed_items(self) -> list[str]:
        """Each post as an RSS <item>."""
        return [
            f'<item><title>{p["title"]["rendered"]}</title><link>{p["link"]}</link><guid isPermaLink="false">{p["guid"]["rendered"]}</guid>'
            f"<pubDate>Wed, 13 May 2026 04:00:00 +0000</pubDate><content:encoded><![CDATA[{p['content']['rendered']}]]></content:encoded></item>"
            for p in self.posts
        ]


def synthetic_feed(n_posts: int) -> bytes:
    """N synthetic posts in one RSS document (for benchmarks that need a feed file, e.g. chat_during_ingest.py)."""
    return feeds.rss(*Site.build(n_posts, 0).feed_items())


def serve(server: FeedServer, site: Site) -> tuple[str, str]:
    """(REST API site URL, feed URL) for the site's current state."""
    WordPressSite(server).publish(site.posts, site.pages)
    for path in [p for p in server.routes if p.startswith("/feed/")]:
        del server.routes[path]
    for number, body in enumerate(site.feed_pages(), start=1):
        server.routes["/feed/" if number == 1 else f"/feed/?paged={number}"] = Reply(200, body)
    return f"{server.base}/", f"{server.base}/feed/"


def timed(source: str, data_dir: Path, embedder: Embedder) -> tuple[IngestReport, float]:
    t0 = time.perf_counter()
    report = run_ingest([source], IndexStore(data_dir), embedder, IngestOptions())
    return report, time.perf_counter() - t0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench(via: str, args: argparse.Namespace, work: Path, embedder: Embedder) -> None:
    site = Site.build(args.posts, args.pages)
    data_dir = (args.keep or work) / f"data-{via}"
    with FeedServer() as server:
        rest_url, feed_url = serve(server, site)
        source = rest_url if via == "rest" else feed_url
        full, full_s = timed(source, data_dir, embedder)
        items = full.new
        version = IndexStore(data_dir).load_current(embedder.name, embedder.dimension)
        texts = sorted(set(embedded_texts(version.chunks)))
        t0 = time.perf_counter()
        embedder.encode(texts)
        bare_s = time.perf_counter() - t0
        same, same_s = timed(source, data_dir, embedder)
        assert same.texts_embedded == 0 and not same.published, same.summary_line()
        site.edit_and_delete()
        serve(server, site)
        edits, edits_s = timed(source, data_dir, embedder)
    print(f"\n== via {'REST API (posts + pages)' if via == 'rest' else 'feed (posts only, ' + str(FEED_PAGE_SIZE) + ' a page)'}: {source}")
    rate = f"{items / full_s:7.2f} posts/s  {full.texts_embedded} texts  {full.texts_embedded / full_s:7.1f} texts/s"
    print(f"full ingest:       {full_s:8.1f} s  {items} items  {rate}")
    print(f"bare model, same texts: {bare_s:8.1f} s  {len(texts) / bare_s:7.1f} texts/s   ingest/bare throughput: {bare_s / full_s:.2f} (target >= 0.80)")
    print(f"unchanged re-sync: {same_s:8.2f} s  (target <= 2 s)  texts embedded: {same.texts_embedded}")
    ok = edits.changed == EDITS and len(edits.retired) == DELETIONS
    print(
        f"{EDITS} edits + {DELETIONS} deletions: {edits_s:6.2f} s  changed {edits.changed}, retired {len(edits.retired)}, "
        f"chunks embedded {edits.chunks_embedded}, texts embedded {edits.texts_embedded}  [{'ok' if ok else 'UNEXPECTED'}]"
    )
    print(f"RSS now: {rss_mb():.0f} MB   index on disk: {sum(p.stat().st_size for p in (data_dir / 'index').rglob('*') if p.is_file()) / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--via", default="rest,feed", help="comma-separated: rest, feed")
    parser.add_argument("--keep", type=Path, help="keep the data directories here")
    args = parser.parse_args()
    if args.posts < EDITS + DELETIONS:
        parser.error(f"--posts must be at least {EDITS + DELETIONS}")
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    embedder = Embedder()
    embedder.encode(["warm up"])  # model load is not ingest work
    for via in [v.strip() for v in args.via.split(",") if v.strip()]:
        bench(via, args, work, embedder)
    print(f"\npeak RSS of the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
