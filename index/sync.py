"""Sync semantics: which posts a new version holds, given the previous version and what each source returned.

A source read completely (every page, no error) publishes its exact set of posts: posts that came from it
before and are gone now are *retired*. A source read partially (a page failed, the page limit stopped it) or
not at all (it failed) retires nothing. `keep_missing` keeps missing posts even after a complete read, for a
feed that is only a window onto the site. A post whose item was seen but could not be read (skipped) is never
retired for that: it is still on the site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest import FeedResult, Post


@dataclass(frozen=True)
class RetiredPost:
    """A post removed from the index because a complete read of its source no longer has it."""

    title: str
    url: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "source": self.source}


@dataclass
class SyncPlan:
    """The posts of the next version (in order), where each came from, and what changed."""

    posts: list[Post] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)  # post key -> source it was read from
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    kept: int = 0  # missing from their source's read but kept (partial read, source not read, --keep-missing)
    retired: list[RetiredPost] = field(default_factory=list)


def plan_sync(
    previous_posts: Sequence[Post],
    previous_origin: Mapping[str, str],
    results: Sequence[FeedResult],
    all_sources_complete: bool,
    keep_missing: bool = False,
) -> SyncPlan:
    """Merge this run's results over the previous version's posts.

    `previous_origin` maps a post key to the source it came from (from the manifest); a post without one (an
    index written before sources were recorded) is retired only when every source of this run was read completely.
    """
    plan = SyncPlan()
    old = {p.key: p for p in previous_posts}
    merged: dict[str, Post] = {}
    for result in results:
        for post in result.posts:
            if post.key in merged:
                continue  # the same post from two sources: the first source wins
            merged[post.key], plan.origin[post.key] = post, result.source
            before = old.get(post.key)
            if before is None:
                plan.new += 1
            elif before.source_hash != post.source_hash:
                plan.changed += 1
            else:
                plan.unchanged += 1
    complete = {r.source for r in results if r.complete}
    unreadable = frozenset().union(*(r.unreadable for r in results)) if results else frozenset()
    for key, post in old.items():
        if key in merged:
            continue
        source = previous_origin.get(key)
        gone = source in complete if source is not None else all_sources_complete
        if gone and not keep_missing and post.guid not in unreadable and post.url not in unreadable:
            plan.retired.append(RetiredPost(post.title, post.url, source or ""))
            continue
        plan.kept += 1
        merged[key] = post
        if source is not None:
            plan.origin[key] = source
    plan.posts = list(merged.values())
    return plan


def previous_origin(manifest: Mapping[str, Any]) -> dict[str, str]:
    """Post key -> source, as recorded in a version's manifest (empty for older manifests)."""
    return {key: str(p["source"]) for key, p in manifest.get("posts", {}).items() if isinstance(p, dict) and p.get("source")}
