from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from extract.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def rules_nlp():
    from extract.nlp import load_pipeline

    return load_pipeline(None)


@pytest.fixture(scope="session")
def seed_dataset(tmp_path_factory):
    """The dataset produced from seeds/ by the default pipeline (run once)."""
    from extract.pipeline import run

    out = tmp_path_factory.mktemp("seed_outputs")
    result = run([SEEDS], out)
    assert not result.failures
    return out
