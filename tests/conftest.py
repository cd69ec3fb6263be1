"""Shared, expensive fixtures: one nutpie compile per model shape for the whole session.

bayes.model caches each (K, weights) compilation per process, so every NUTS fit in the
session after the first of its shape is compile-free; these fixtures also share the fits.
"""

import os

import numpy as np
import pytest
from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

# Hypothesis: by default every run draws the same examples and stores none (no .hypothesis/
# database), so a run can fail only for reasons that are in the commit. HYPOTHESIS_PROFILE=explore
# searches afresh each run and remembers failures, for hunting bugs locally.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PAPER_HEADS = np.array([5, 9, 8, 4, 7])
PAPER_TOSSES = np.full(5, 10)


@pytest.fixture(scope="session")
def paper():
    return PAPER_HEADS.copy(), PAPER_TOSSES.copy()


@pytest.fixture(scope="session")
def grid_fixed(paper):
    from bayes.grid import grid_posterior

    return grid_posterior(*paper, weights="fixed", prior=(2, 2))


@pytest.fixture(scope="session")
def grid_learned(paper):
    from bayes.grid import grid_posterior

    return grid_posterior(*paper, weights="learned", prior=(2, 2), dirichlet=1.0)


@pytest.fixture(scope="session")
def nuts_fixed(paper):
    import bayes

    return bayes.fit(*paper, seed=11, progress=False)


@pytest.fixture(scope="session")
def nuts_learned(paper):
    import bayes

    return bayes.fit(*paper, weights="learned", seed=12, progress=False)
