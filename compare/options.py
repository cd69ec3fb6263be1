"""The options of one comparison run, and their validation without importing PyMC."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import bayes
import em.options

PAPER_INIT = (0.6, 0.5)
#: the report's tables and figures are laid out for at most this many coins
MAX_COMPONENTS = 10


@dataclass(frozen=True)
class Options:
    components: int = 2
    weights: str = "fixed"
    prior: tuple[float, float] = (2.0, 2.0)
    dirichlet: float = 1.0
    init: tuple[float, ...] | None = None     # EM start; None: (0.6, 0.5) for K = 2
    draws: int = 2500
    tune: int = 1000
    chains: int = 4
    target_accept: float = 0.98
    seed: int = 0
    max_iter: int = 1000
    tol: float = 1e-12
    restarts: int = 4
    hdi_prob: float = 0.94
    quick: bool = False

    def __post_init__(self):
        # one coin has weight 1 whatever is asked: "learned" would be a parameter with nothing
        # to learn, so K = 1 runs (and says, in summary.json's options) fixed weights
        if self.components == 1 and self.weights == "learned":
            object.__setattr__(self, "weights", "fixed")

    @property
    def em_init(self):
        if self.init is not None:
            return tuple(self.init)
        return PAPER_INIT if self.components == 2 else None

    @property
    def learned(self) -> bool:
        return self.weights == "learned"

    def em_options(self) -> dict:
        """The keyword arguments every EM rung passes to em.fit / em.vb: SQUAREM, for speed (the
        engines' default is plain EM; compare runs plain EM itself for the worked example)."""
        return dict(components=self.components, weights=self.weights, dirichlet=self.dirichlet,
                    init=self.em_init, max_iter=self.max_iter, tol=self.tol,
                    restarts=self.restarts, seed=self.seed, accelerate="squarem")

    def to_dict(self) -> dict:
        return {"components": self.components, "weights": self.weights,
                "prior": list(self.prior), "dirichlet": self.dirichlet,
                "init": None if self.em_init is None else list(self.em_init),
                "draws": self.draws, "tune": self.tune, "chains": self.chains,
                "target_accept": self.target_accept, "seed": self.seed,
                "max_iter": self.max_iter, "tol": self.tol, "restarts": self.restarts,
                "hdi_prob": self.hdi_prob, "quick": self.quick, "sampler": "nutpie NUTS",
                "ml_prior": None, "flat_prior": [1.0, 1.0]}


def derived_seed(seed: int, offset: int) -> int:
    """A second seed from the run's, for a stream of its own (Gibbs, a study's replicates):
    seed + offset, wrapped so that it stays in the range every command accepts (< 2^63)."""
    return (int(seed) + int(offset)) % (1 << 63)


def check(options: Options, data) -> None:
    """Raise ValueError (one line, naming the value) for any option the run would reject: the
    engines' own validations, run on this data before any work is done."""
    o = options
    init = o.em_init
    if o.components > MAX_COMPONENTS:
        raise ValueError(f"components must be at most {MAX_COMPONENTS}, got {o.components}")
    try:    # EM-MAP with this prior must exist: the comparison is built around it
        em.options.check(prior=o.prior, method="em", **o.em_options())
    except em.options.OptionError as exc:
        value = {"prior": f"{o.prior[0]:g},{o.prior[1]:g}", "dirichlet": f"{o.dirichlet:g}",
                 "init": ",".join(f"{v:g}" for v in init or ())}.get(exc.option)
        raise ValueError(f"--{exc.option} {value}: {exc}" if value else str(exc)) from None
    bayes.check_options(data.heads, data.tosses, components=o.components, weights=o.weights,
                        prior=o.prior, dirichlet=o.dirichlet, draws=o.draws, tune=o.tune,
                        chains=o.chains, target_accept=o.target_accept, sampler="nuts",
                        init=None if init is None else np.sort(init), hdi_prob=o.hdi_prob,
                        seed=o.seed)
