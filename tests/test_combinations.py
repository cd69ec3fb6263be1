"""Every model the command line can ask for runs end to end: K in {1, 2, 3} x {fixed, learned}
x {ML only (a flat Beta(1, 1) prior, so MAP is ML), Beta(2, 2)} on one small data set, each
writing a whole report (issue 22.4: K = 1 with learned weights crashed after the sampling).

Short chains: this guards that every stage, section and figure runs, not the numbers (the panel
and the engines' tests hold those). One compile per (K, weights) shape, shared with the rest of
the session through bayes.model's cache."""

import json

import pytest

pytestmark = pytest.mark.slow

HEADS = "heads,tosses\n1,10\n2,10\n5,10\n6,10\n8,10\n9,10\n"


@pytest.mark.parametrize("prior", [(1, 1), (2, 2)], ids=["ml-only", "prior"])
@pytest.mark.parametrize("weights", ["fixed", "learned"])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_every_combination_writes_a_report(tmp_path, k, weights, prior):
    import compare

    src = tmp_path / "six.csv"
    src.write_text(HEADS)
    r = compare.run(data=str(src), components=k, weights=weights, prior=prior, quick=True,
                    draws=200, tune=200, chains=2, progress=False)
    r.save(str(tmp_path / "out"))
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert s["settings"]["components"] == k
    # one coin has weight 1: learned weights are fixed ones there, and summary.json says so
    assert s["settings"]["weights"] == ("fixed" if k == 1 else weights)
    md = (tmp_path / "out" / "report.md").read_text()
    assert md.startswith("# ") and "{" not in md.replace("{}", "")
    assert (tmp_path / "out" / "report.html").stat().st_size > 10_000
