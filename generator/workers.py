"""An ordered map over forked worker processes, for rendering large sites on every core.

Workers are forked, so they inherit the function and its inputs (the resolved briefing, the
compiled templates) without pickling them; only results travel back, through one pipe per
worker process. Item i is done in slot i % n and results are yielded in item order, so the
output never depends on scheduling. If a worker fails, this process computes that item and the
rest itself, so the error is raised here with its own traceback, as in a one-process build.

A forked worker shares its parent's memory only until it writes to it, and CPython writes to
every object it reads (its reference count): a worker that renders half of 30,000 pages ends
up holding its own copy of half the briefing (~150 MB). So a worker process does at most
`per_process` items and exits, and a fresh one takes the next items of its slot. The fresh
ones are forked by a spawner, itself forked at the start, which only waits for its children:
it copies nothing, and it runs no thread, so this process may start threads meanwhile.
"""
from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # multiprocessing is imported only to fork: a small build (or none) never pays for it
    import multiprocessing
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")

MAX_RUNS_PER_SLOT = 64  # a pipe each: bounds the file descriptors a huge map holds


def worker_count() -> int:
    """Every core this process may use; BRIEFING_WORKERS overrides it (1 = no workers)."""
    configured = os.environ.get("BRIEFING_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(fn: Callable[[T], R], items: Sequence[T], workers: int, per_process: int = 0) -> Iterator[R]:
    """fn(item) for each item, in order, computed by `workers` forked processes (here if 1),
    each doing at most `per_process` items (0: no limit) before a fresh process takes over.
    The spawner is forked at once, so call this before starting threads in this process (a
    fork copies only the calling thread); every worker is stopped when the iterator ends or
    is closed."""
    if workers <= 1 or len(items) <= 1 or not can_fork():
        return map(fn, items)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    slots = min(workers, len(items))
    runs = _runs(len(items), slots, per_process)
    pipes, sends = zip(*(context.Pipe(duplex=False) for _ in runs))
    spawner = context.Process(target=_spawn, args=(fn, items, slots, runs, pipes, sends), daemon=True)
    spawner.start()
    _own_group(spawner.pid)
    for send in sends:
        send.close()
    return _Results(_results(fn, items, runs, pipes, spawner), spawner, pipes)


class _Results(Iterator[R]):
    """The map's results. `close()` stops every worker even if no result was read yet: closing a
    generator that never started runs none of its `finally`, and the workers would go on."""

    def __init__(self, results: Iterator[R], spawner: multiprocessing.process.BaseProcess,
                 pipes: Sequence[Connection]) -> None:
        self._results, self._spawner, self._pipes = results, spawner, pipes

    def __next__(self) -> R:
        return next(self._results)

    def close(self) -> None:
        self._results.close()  # type: ignore[attr-defined]  # a generator
        _stop(self._spawner)
        for pipe in self._pipes:
            pipe.close()


def _runs(count: int, slots: int, per_process: int) -> list[range]:
    """The items of each worker process, by generation then slot: the slot's items (i % slots)
    cut into runs of `per_process`. A run starts at an item of its slot: start % slots = slot."""
    per_slot = -(-count // slots)
    per_process = max(per_process or per_slot, -(-per_slot // MAX_RUNS_PER_SLOT))
    step = slots * per_process
    return [r for first in range(0, count, step) for slot in range(slots)
            if (r := range(first + slot, min(first + step, count), slots))]


def _own_group(pid: int | None) -> None:
    """The spawner leads a process group of its own (set here and there, whichever runs first),
    so that the spawner and every worker it forked can be stopped at once."""
    try:
        os.setpgid(pid or 0, pid or 0)
    except OSError:  # already done by the other side, or the process is gone
        pass


def _spawn(fn: Callable[[T], R], items: Sequence[T], slots: int, runs: list[range],
           pipes: Sequence[Connection], sends: Sequence[Connection]) -> None:
    """In the spawner: one worker process at a time per slot, each doing its run in turn.
    SIGTERM stops it, and every worker it has running, before it exits."""
    _own_group(None)
    for pipe in pipes:
        pipe.close()  # only the parent reads: if it dies, a worker's next write fails and it exits
    running: dict[int, int] = {}  # pid -> run index

    def stop(signum: int, frame: object) -> None:
        for pid in list(running):
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:  # it had exited (and been waited for) already
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    waiting = list(range(len(runs)))  # by generation, then slot
    for index in waiting[:slots]:
        _start(fn, items, runs, sends, index, running)
    del waiting[:slots]
    while running:
        pid, _ = os.wait()
        slot = runs[running.pop(pid)].start % slots if pid in running else None
        following = next((index for index in waiting if runs[index].start % slots == slot), None)
        if following is not None:
            waiting.remove(following)
            _start(fn, items, runs, sends, following, running)


def _start(fn: Callable[[T], R], items: Sequence[T], runs: list[range], sends: Sequence[Connection],
           index: int, running: dict[int, int]) -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # a worker is stopped only once it is known
    try:
        pid = os.fork()
        if pid == 0:  # the worker
            _run_worker(fn, items, runs[index], sends, index)
        running[pid] = index
        sends[index].close()  # only the worker writes to it now
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _run_worker(fn: Callable[[T], R], items: Sequence[T], run: range, sends: Sequence[Connection], index: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        for other, send in enumerate(sends):
            if other != index:
                send.close()  # else a dead worker's pipe would stay open and its reader wait forever
        _work(fn, items, run, sends[index])
        code = 0
    finally:
        os._exit(code)


def _results(fn: Callable[[T], R], items: Sequence[T], runs: list[range], pipes: Sequence[Connection],
             spawner: multiprocessing.process.BaseProcess) -> Iterator[R]:
    run_of = {i: index for index, run in enumerate(runs) for i in run}
    try:
        for i in range(len(items)):
            ok, value = _receive(pipes[run_of[i]])
            if not ok:  # do it here, so its exception surfaces as in a serial build
                _stop(spawner)  # first, so that no worker is still at work on what is redone here
                yield from map(fn, items[i:])
                return
            yield value  # type: ignore[misc]  # what the worker computed: fn's result
    finally:
        _stop(spawner)
        for pipe in pipes:
            pipe.close()


def _stop(spawner: multiprocessing.process.BaseProcess) -> None:
    """Stop the spawner and every worker; when this returns, none of them runs any more."""
    if spawner.is_alive():
        spawner.terminate()  # it kills and waits for its workers, then exits
        spawner.join(5)
    if spawner.exitcode != 0:  # it died otherwise: its workers may live on, in its group
        try:
            os.killpg(spawner.pid or 0, signal.SIGKILL)
        except OSError:
            pass
        if spawner.is_alive():
            spawner.kill()
    spawner.join()


def _receive(pipe: Connection) -> tuple[bool, object]:
    try:
        return pipe.recv()  # type: ignore[no-any-return]
    except (EOFError, OSError):  # the worker died (killed, out of memory)
        return False, None


def _work(fn: Callable[[T], R], items: Sequence[T], run: range, pipe: Connection) -> None:
    try:
        for i in run:
            try:
                result = fn(items[i])
            except BaseException:  # reported by the parent, which does this item again itself
                pipe.send((False, None))
                return
            pipe.send((True, result))
    finally:
        pipe.close()
