"""The engine's type hints hold: mypy finds no error in generator/."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from engine import PROJECT_ROOT


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed (pip install -r requirements-dev.txt)")
def test_mypy_finds_no_type_errors_in_the_engine() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--cache-dir", "/dev/null"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
