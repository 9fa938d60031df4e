"""Where index versions live under the data directory, and how one is published atomically.

    DATA_DIR/index/
        CURRENT                 name of the serving version (replaced with os.replace: atomic)
        versions/<name>/        complete, immutable versions; the previous ones are kept for rollback
        versions/.building-*    a build in progress (removed when it fails, swept by the next ingest)
        ingest.lock             held by the one ingest allowed at a time

A build writes into a `.building-*` directory, renames it into place, then switches CURRENT.
A crash or kill at any moment leaves CURRENT naming a complete version.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import filelock

from index.errors import IndexCorruptError, IndexNotFoundError, IndexStoreError, IngestBusyError
from index.version import IndexVersion, VersionData, fsync_path, load_version, read_manifest, write_version

log = logging.getLogger(__name__)

BUILDING_PREFIX = ".building-"


class IndexStore:
    """The index versions under one data directory."""

    def __init__(self, data_dir: Path, keep_versions: int = 3) -> None:
        self.root = Path(data_dir) / "index"
        self.versions_dir = self.root / "versions"
        self.current_file = self.root / "CURRENT"
        self.keep_versions = max(2, keep_versions)

    def current_name(self) -> str | None:
        try:
            name = self.current_file.read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def version_names(self) -> list[str]:
        """Complete versions, newest first."""
        if not self.versions_dir.is_dir():
            return []
        names = [p.name for p in self.versions_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
        return sorted(names, reverse=True)

    def exists(self) -> bool:
        return self.current_name() is not None

    def current_manifest(self) -> dict[str, Any] | None:
        name = self.current_name()
        return read_manifest(self.versions_dir / name) if name else None

    def load_current(self, model: str, dimension: int) -> IndexVersion:
        name = self.current_name()
        if name is None:
            raise IndexNotFoundError(f"no index under {self.root}: run `python app.py ingest` first")
        return load_version(self.versions_dir / name, model, dimension)

    def load_serving(self, model: str, dimension: int) -> tuple[IndexVersion, list[str]]:
        """The current version, or if it is corrupt the newest older version that loads.

        Returns the version and the problems met on the way (empty when the current one loaded).
        """
        current = self.current_name()
        if current is None:
            raise IndexNotFoundError(f"no index under {self.root}: run `python app.py ingest` first")
        problems: list[str] = []
        candidates = [current] + [n for n in self.version_names() if n < current]
        for name in candidates:
            try:
                version = load_version(self.versions_dir / name, model, dimension)
            except IndexCorruptError as exc:
                log.error("index version %s cannot be served: %s", name, exc)
                problems.append(str(exc))
                continue
            if problems:
                log.warning("serving older index version %s (rolled back from %s)", name, current)
            return version, problems
        raise IndexCorruptError("; ".join(problems))

    @contextmanager
    def ingest_lock(self, timeout_s: float = 0.0) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.root / "ingest.lock"))
        try:
            lock.acquire(timeout=timeout_s)
        except filelock.Timeout as exc:
            raise IngestBusyError(f"another ingest is running on {self.root} (lock {lock.lock_file})") from exc
        try:
            yield
        finally:
            lock.release()

    def publish(self, manifest: dict[str, Any], data: VersionData, index_factory: str) -> str:
        """Write a new version and make it current. On any error the current version stays as it was."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        name = _new_version_name(self.current_name())
        building = self.versions_dir / f"{BUILDING_PREFIX}{name}-{os.getpid()}"
        try:
            write_version(building, {**manifest, "version": name, "previous": self.current_name()}, data, index_factory)
            os.rename(building, self.versions_dir / name)
            fsync_path(self.versions_dir)
            self._switch_current(name)
        except OSError as exc:
            shutil.rmtree(building, ignore_errors=True)
            raise IndexStoreError(f"could not write the new index version under {self.versions_dir}: {exc.strerror or exc}") from exc
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        self._prune_old_versions()
        return name

    def sweep_abandoned_builds(self) -> None:
        """Remove build directories left by an ingest that was killed (call with the lock held)."""
        if self.versions_dir.is_dir():
            for path in self.versions_dir.glob(f"{BUILDING_PREFIX}*"):
                shutil.rmtree(path, ignore_errors=True)

    def _switch_current(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.current_file)
        fsync_path(self.root)

    def _prune_old_versions(self) -> None:
        current = self.current_name()
        for name in self.version_names()[self.keep_versions :]:
            if name != current:
                shutil.rmtree(self.versions_dir / name, ignore_errors=True)


def _new_version_name(current: str | None) -> str:
    name = "v" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    # names sort by time; never step backwards even if the clock does
    return name if current is None or name > current else current + "-1"
