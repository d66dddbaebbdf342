"""The ordered map over forked workers: results in item order whatever the scheduling, each
worker process doing at most its share, and no process left behind however the map ends."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.workers import _runs, ordered_map


def square_with_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def slow_after_20(x: int) -> int:
    if x >= 20:
        time.sleep(60)  # a worker still busy when the map is closed
    return os.getpid()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


@pytest.mark.parametrize("count, workers, per_process", [(5, 2, 1), (10, 3, 2), (7, 2, 0), (1000, 2, 3), (3, 4, 1)])
def test_runs_cover_every_item_once_each_in_its_slot(count: int, workers: int, per_process: int) -> None:
    slots = min(workers, count)
    runs = _runs(count, slots, per_process)
    assert sorted(i for run in runs for i in run) == list(range(count))
    assert all(len({i % slots for i in run}) == 1 for run in runs)


def test_results_come_in_item_order_from_short_lived_workers() -> None:
    results = list(ordered_map(square_with_pid, list(range(64)), 2, per_process=4))
    assert [square for square, _ in results] == [x * x for x in range(64)]
    pids = [pid for _, pid in results]
    assert os.getpid() not in pids
    assert len(set(pids)) == 64 // 4  # each process did its four items and left
    assert all(pids.count(pid) == 4 for pid in pids)


def test_a_failing_item_is_done_again_here_with_its_own_exception() -> None:
    def fail_on_57(x: int) -> int:
        if x == 57:
            raise ValueError("item 57")
        return x

    with pytest.raises(ValueError, match="item 57"):
        list(ordered_map(fail_on_57, list(range(100)), 2, per_process=5))


def test_no_worker_is_left_running_when_the_map_is_closed_early() -> None:
    results = ordered_map(slow_after_20, list(range(400)), 2, per_process=16)
    seen = [next(results) for _ in range(20)]
    results.close()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 5  # a killed process is gone once the kernel has run it down
    while any(alive(pid) for pid in set(seen)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(alive(pid) for pid in set(seen))


def touch_later(path: str) -> str:
    time.sleep(0.3)
    Path(path).touch()
    return path


def test_a_map_closed_before_any_result_is_read_stops_its_workers(tmp_path: Path) -> None:
    """As the build does when the content fails its check while the site is linked ahead."""
    marks = [str(tmp_path / f"mark-{i}") for i in range(4)]
    results = ordered_map(touch_later, marks, 2)
    results.close()  # type: ignore[attr-defined]
    time.sleep(1)
    assert not any(os.path.exists(mark) for mark in marks)
