"""Each study on tiny settings, and coverage on a large-data case."""

import json
import re

import numpy as np
import pytest

from coindata import load
from compare.options import Options
from compare.studies import StudyArgs, module, names, run_studies

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def paper():
    return load("builtin:do-batzoglou"), Options(quick=True, seed=3)


def _args(**kw):
    base = dict(truth=(0.3, 0.75), weights=(0.5, 0.5), tosses=10, replicates=8,
                sizes=(5, 50, 2000))
    base.update(kw)
    return StudyArgs(**base)


def test_every_study_runs_and_explains_itself(paper, caplog):
    """Run once, in Korean (issue 24): every figure drawn in Hangul with warnings as errors and
    no missing glyph; each section's records said in Korean with no English prose, and in
    English with summary.json's English explanation."""
    import logging
    import warnings

    from compare.words.blocks import section
    from test_korean import english_runs

    data, options = paper
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        studies, sections = run_studies(names(), data, options, _args(), lang="ko")
    assert not [r.getMessage() for r in caplog.records if "glyph" in r.getMessage().lower()]
    assert set(studies) == {"prior", "size", "coverage", "labels", "components"}
    json.dumps(studies, allow_nan=False, default=float)
    for sec, (name, s) in zip(sections, studies.items()):
        assert s["explanation"] and not re.search(r"[가-힣]", s["explanation"])
        assert sec.seconds > 0
        assert sec.markdown.startswith("## 연구: ")
        assert english_runs(sec.markdown) == [], (name, english_runs(sec.markdown))
        english = section(sec.records, "en")
        assert english.startswith("## Study: ") and s["explanation"] in english
        for path in sec.figures.values():
            assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"

    prior = studies["prior"]["table"]
    assert prior[0]["strength"] == 0
    # strength 0 is Beta(1, 1): MAP is ML
    import em
    ml = em.fit(data.heads, data.tosses, init=(0.6, 0.5), accelerate="squarem")   # as the study
    np.testing.assert_allclose(prior[0]["map"], ml.theta, atol=1e-8)
    # stronger priors pull the high coin's MAP down towards 0.5
    assert prior[-1]["map"][1] < prior[0]["map"][1]
    # the median is invariant to the log-odds reparameterisation; the mode is not
    for row in prior:
        np.testing.assert_allclose(row["draws_median"], row["median_via_logit"], atol=1e-6)
    assert abs(prior[0]["map_logit"][1] - prior[0]["map"][1]) > 0.01

    size = studies["size"]["table"]
    assert size[-1]["hdi_width"][1] < size[0]["hdi_width"][1] / 5
    ratio = studies["size"]["width_ratio"][-1]
    assert all(abs(r - 1) < 0.1 for r in ratio)

    labels = studies["labels"]
    assert 0.05 < labels["share_swapped"] < 0.95          # the unordered chains swap
    assert max(labels["r_hat_unordered"]) < 1.05          # ... and R-hat does not see it

    comp = studies["components"]
    assert [row["components"] for row in comp["table"]] == [1, 2, 3]
    assert comp["k_bic"] in (1, 2, 3) and comp["k_loo"] in (1, 2, 3)


def test_coverage_on_large_data_is_nominal(paper):
    """200 sets of 10 tosses, well-separated coins: Wald and HDI coverage within 3.5 MC se of 94%."""
    data, options = paper
    res = module("coverage").compute(data, Options(quick=True, seed=11),
                                     _args(replicates=150, coverage_sets=200))
    for c in res["coverage"]:
        se = np.sqrt(0.94 * 0.06 / c["replicates"])
        assert abs(c["coverage"] - 0.94) < 3.5 * se, c
    for row in res["estimators"]:
        assert abs(row["bias"]) < 4 * row["bias_se"] + 0.005, row
