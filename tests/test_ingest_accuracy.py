"""The accuracy targets, on the hand-made gold: fail when a rule change costs quotations, speakers or noise."""
from __future__ import annotations

import sys

import pytest
import yaml

from engine import FIXTURES, PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
import ingest_accuracy as bench  # noqa: E402

GOLD = FIXTURES / "ingest"


def _sets() -> list[tuple[str, dict, list]]:
    gold = yaml.safe_load((GOLD / "gold.yaml").read_text(encoding="utf-8"))
    blind = yaml.safe_load((GOLD / "gold-blind.yaml").read_text(encoding="utf-8"))
    sets = [("own", gold["fixtures"], sorted(GOLD / n for n in gold["fixtures"])),
            ("blind", blind, sorted(GOLD / n for n in blind))]
    if bench.SEEDS.is_dir():
        sets.insert(0, ("seeds", gold["seeds"], sorted(bench.SEEDS.glob("*.txt"))))
    return sets


@pytest.mark.parametrize(("label", "gold", "files"), _sets(), ids=[s[0] for s in _sets()])
def test_quotations_speakers_precision_and_noise_meet_the_targets(label: str, gold: dict, files: list) -> None:
    n_gold, found, right, got, real, noise, removed = bench.score(gold, files, label, timed=False)
    assert found / n_gold >= 0.95 and right / n_gold >= 0.90 and real / got >= 0.95
    assert removed == noise


@pytest.mark.skipif(not bench.SEEDS.is_dir(), reason="the seed articles are not available")
def test_seed_dates_conflict_and_titles_are_found() -> None:
    assert [label for label, ok in bench.seed_checks() if not ok] == []
