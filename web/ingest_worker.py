"""The staff console's re-ingest, run in a child process so that it never slows the patient chat.

Embedding a feed keeps torch busy for seconds to minutes. In the serving process it competed with the
chat's own query embeddings for the same two cores and the same torch thread pool (first replies took
12-17 s during a re-ingest). Here the work runs in a separate process that:

- is started with the "spawn" method (no fork of a process that holds torch, FAISS and uvicorn threads);
- lowers its own CPU priority (`os.nice(NICE)`), so the kernel runs the chat first when both want a core;
- limits torch, OpenMP and MKL to `THREADS` thread(s), so it never takes both cores;
- loads its own embedding model (~100 MB, a few seconds) and writes a new index version, which the
  serving process then switches to (`ChatService.swap_to_current`).

Progress and the result come back over a multiprocessing queue as plain tuples.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from index import IngestOptions, IngestReport
from web.errors import IngestFailedError

NICE = 10  # added to the child's niceness: 0 (normal) -> 10, the chat's requests win any contention
THREADS = 1  # torch/OpenMP threads in the child: one of the machine's cores stays free for the chat
POLL_S = 0.25

ProgressCallback = Callable[[str, int, int], None]
WorkerCallback = Callable[[dict[str, int]], None]


def _child(sources: list[str], data_dir: str, keep_versions: int, options: IngestOptions, out: Any) -> None:
    """Entry point of the child process: lower priority, few threads, run the ingest, report."""
    with contextlib.suppress(OSError):  # not permitted on some systems: still run, just without the lower priority
        os.nice(NICE)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(THREADS)
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    try:
        import torch

        torch.set_num_threads(THREADS)
        from index import Embedder, IndexStore, run_ingest

        def progress(stage: str, done: int, total: int) -> None:
            out.put(("progress", stage, done, total))

        out.put(("worker", {"pid": os.getpid(), "nice": os.nice(0), "torch_threads": torch.get_num_threads()}))
        out.put(("progress", "loading the embedding model", 0, 0))
        report = run_ingest(sources, IndexStore(Path(data_dir), keep_versions), Embedder(), options, progress)
        out.put(("done", report))
    except Exception as exc:
        from index import IndexStoreError
        from ingest import IngestError

        expected = isinstance(exc, IngestError | IndexStoreError)  # said as is; anything else names its type
        out.put(("error", str(exc) if expected else f"{type(exc).__name__}: {exc}"))


def run_ingest_in_child(
    sources: Sequence[str],
    data_dir: Path,
    options: IngestOptions,
    progress: ProgressCallback | None,
    keep_versions: int,
    timeout_s: float = 3600.0,
    on_worker: WorkerCallback | None = None,
) -> IngestReport:
    """Run `index.run_ingest` in a low-priority child process and return its report.

    `keep_versions`: the versions the data directory keeps (the serving IndexStore's own setting).
    Blocks the calling thread (call it from a background thread). `progress(stage, done, total)` is called
    in the caller's process for each stage the child reports; `on_worker({"pid", "nice", "torch_threads"})` once
    the child has lowered its priority. Raises IngestFailedError with the child's message
    when the ingest raised (e.g. "nothing usable was read"), when the child died, or after `timeout_s`.
    """
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_child, args=(list(sources), str(data_dir), keep_versions, options, out), name="reingest", daemon=True)
    child.start()
    try:
        return _collect(child, out, progress, on_worker, timeout_s)
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)
        out.close()


def _collect(child: Any, out: Any, progress: ProgressCallback | None, on_worker: WorkerCallback | None, timeout_s: float) -> IngestReport:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            message = out.get(timeout=POLL_S)
        except queue.Empty:
            if not child.is_alive() and out.empty():
                raise IngestFailedError(f"the ingest process stopped without a result (exit code {child.exitcode})") from None
            continue
        kind = message[0]
        if kind == "progress" and progress is not None:
            progress(message[1], message[2], message[3])
        elif kind == "worker" and on_worker is not None:
            on_worker(message[1])
        elif kind == "done":
            return message[1]
        elif kind == "error":
            raise IngestFailedError(message[1])
    raise IngestFailedError(f"the ingest took longer than {timeout_s:.0f} s and was stopped")
