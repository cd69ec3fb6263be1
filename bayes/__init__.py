"""The Bayesian engine: the coin mixture's full posterior (PyMC + nutpie, or a Gibbs sampler) and
an exact grid posterior as referee. Imports nothing else of this project.

Importing ``bayes`` is cheap: PyMC is imported only when a NUTS fit or a posterior mode is asked for.
"""

from .fit import BayesResult, Draws, fit, sample_draws
from .options import check_options
from .thresholds import ESS_BULK_THRESHOLD, RHAT_THRESHOLD

__all__ = ["BayesResult", "Draws", "ESS_BULK_THRESHOLD", "RHAT_THRESHOLD", "check_options", "fit",
           "sample_draws"]
