"""Shared fixtures: the built CLI (for results equal to its --json) and the clone."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _cli():
    path = os.environ.get("XPUPLAN_CLI") or shutil.which("xpuplan")
    if not path:
        for candidate in sorted(ROOT.glob("build/*/xpuplan")):
            if os.access(candidate, os.X_OK):
                return str(candidate)
    return path


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """cli(*args) -> (exit status, stdout, stderr) of the built xpuplan binary."""
    path = _cli()
    if not path:
        pytest.skip("no xpuplan binary (set XPUPLAN_CLI; CTest sets it)")

    def run(*args):
        p = subprocess.run([path, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
        return p.returncode, p.stdout, p.stderr

    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    """cli_json(*args) -> the parsed --json output, which must exit 0 or 1 (answered or no answer)."""

    def run(*args):
        code, out, err = cli(*args, "--json")
        assert code in (0, 1), f"xpuplan {' '.join(args)} exited {code}: {err}"
        return json.loads(out)

    return run
