"""Issue 25, item 2 and the low items: arrays that NumPy would quietly turn into something else.

``np.asarray`` drops a mask, so a masked array used to be fitted with its masked sets
(em.fit gave 0.00 / 0.66 where the unmasked sets give 0.52 / 0.80). Every entry point refuses it
in one clear line; None and object arrays get a message that says what they are; float16 counts
work without an overflow warning.
"""

import warnings

import numpy as np
import pytest

H = np.array([5, 9, 8, 4, 7, 0, 10])
N = np.full(7, 10)
MASK = np.array([0, 0, 0, 0, 0, 1, 1], bool)


def _entry_points():
    import bayes
    import em
    from bayes.grid import grid_posterior
    from coindata import from_counts

    return {"em.fit": em.fit, "em.vb": em.vb,
            "bayes.fit": lambda h, n: bayes.fit(h, n, sampler="gibbs", draws=20, tune=20),
            "grid_posterior": grid_posterior, "coindata.from_counts": from_counts}


@pytest.mark.parametrize("which", ["heads", "tosses", "both"])
def test_masked_arrays_are_refused_everywhere(which):
    h = np.ma.array(H, mask=MASK) if which != "tosses" else H
    n = np.ma.array(N, mask=MASK) if which != "heads" else N
    name = "tosses" if which == "tosses" else "heads"
    for entry, fn in _entry_points().items():
        with pytest.raises(ValueError, match=f"{name} is a masked array") as err:
            fn(h, n)
        assert "compressed()" in str(err.value), entry


def test_a_mask_that_hides_nothing_is_refused_too():
    """The refusal is by type, not by what the mask hides: the rule is the same for every array."""
    import em

    with pytest.raises(ValueError, match="masked array"):
        em.fit(np.ma.array(H), N)


@pytest.mark.parametrize("heads,words", [
    (None, "heads is None"),
    (np.array([5, None, 8, 4, 7, 1, 2], dtype=object), "heads is an array of Python objects "
                                                       "(None at set 2)"),
    (H.astype(object), "heads is an array of Python objects; expected whole numbers"),
])
def test_none_and_object_arrays_say_what_they_are(heads, words):
    import em

    for fn in (em.fit, em.vb):
        with pytest.raises(ValueError) as err:
            fn(heads, N)
        assert words in str(err.value)


def test_coindata_names_none():
    from coindata import DataError, from_counts

    with pytest.raises(DataError, match="heads is None"):
        from_counts(None, N)
    with pytest.raises(DataError, match="set 2: heads None is not a whole number"):
        from_counts([5, None], [10, 10])


def test_float16_counts_fit_without_a_warning():
    import em
    from coindata import from_counts

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = em.fit(H.astype(np.float16), N.astype(np.float16))
        d = from_counts(H.astype(np.float16), N.astype(np.float16))
    b = em.fit(H, N)
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(d.heads, H)
