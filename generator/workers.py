"""An ordered map over forked worker processes, for rendering large sites on every core.

Workers are forked, so they inherit the function and its inputs (the resolved briefing, the
compiled templates) without pickling them; only results travel back, through one pipe per
worker. Item i is done by worker i % n and results are yielded in item order, so the output
never depends on scheduling. If a worker fails, this process computes that item and the rest
itself, so the error is raised here with its own traceback, as in a one-process build.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # multiprocessing is imported only to fork: a small build (or none) never pays for it
    import multiprocessing
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")


def worker_count() -> int:
    """Every core this process may use; BRIEFING_WORKERS overrides it (1 = no workers)."""
    configured = os.environ.get("BRIEFING_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> Iterator[R]:
    """fn(item) for each item, in order, computed by `workers` forked processes (here if 1).
    The workers start at once, so call it before starting threads in this process (a fork
    copies only the calling thread); they are stopped when the iterator ends or is closed."""
    if workers <= 1 or len(items) <= 1 or not can_fork():
        return map(fn, items)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    pipes, processes = [], []
    for first in range(min(workers, len(items))):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(fn, items, first, workers, send), daemon=True)
        process.start()
        send.close()
        pipes.append(receive)
        processes.append(process)
    return _results(fn, items, pipes, processes)


def _results(fn: Callable[[T], R], items: Sequence[T], pipes: Sequence[Connection],
             processes: Sequence[multiprocessing.process.BaseProcess]) -> Iterator[R]:
    try:
        for i in range(len(items)):
            ok, value = _receive(pipes[i % len(pipes)])
            if not ok:  # do it here, so its exception surfaces as in a serial build
                yield from map(fn, items[i:])
                return
            yield value  # type: ignore[misc]  # what the worker computed: fn's result
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
        for pipe in pipes:
            pipe.close()


def _receive(pipe: Connection) -> tuple[bool, object]:
    try:
        return pipe.recv()  # type: ignore[no-any-return]
    except (EOFError, OSError):  # the worker died (killed, out of memory)
        return False, None


def _work(fn: Callable[[T], R], items: Sequence[T], first: int, step: int, pipe: Connection) -> None:
    try:
        for i in range(first, len(items), step):
            try:
                result = fn(items[i])
            except BaseException:  # reported by the parent, which does this item again itself
                pipe.send((False, None))
                return
            pipe.send((True, result))
    finally:
        pipe.close()
