"""Fixtures: a mutable copy of the basic briefing, and the basic briefing built once."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import BASIC, Briefing, invoke


@pytest.fixture
def briefing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Briefing:
    """A mutable copy of the basic fixture; messages then name `content/...` paths."""
    monkeypatch.chdir(tmp_path)
    return Briefing(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic fixture built once for the whole session; tests must not change it."""
    out = tmp_path_factory.mktemp("basic") / "site"
    result = invoke("build", "--content", BASIC, "--out", out)
    assert result.exit_code == 0, result.output
    return out
