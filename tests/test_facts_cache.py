"""compare.facts.cached: one computation per run and arguments, nothing written into the run."""

from compare import facts


class Run:
    """A stand-in for compare.results.Run (a plain object, as the run is)."""


def test_cached_keys_by_arguments_and_keeps_the_run_clean():
    calls = []

    @facts.cached
    def seeded(r, seed=0):
        calls.append(seed)
        return seed * 10

    r = Run()
    assert seeded(r, seed=0) == 0 and seeded(r, seed=1) == 10 and seeded(r, seed=0) == 0
    assert calls == [0, 1]                       # seed=1 is not served seed=0's result
    assert vars(r) == {}                         # the run itself is not written into
    other = Run()
    assert seeded(other, seed=1) == 10 and calls == [0, 1, 1]    # runs do not share facts
