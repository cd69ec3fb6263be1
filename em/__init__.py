"""Hand-written EM and variational Bayes for a mixture of K binomials ("which coin?").

``em.fit`` is maximum likelihood or MAP by EM; ``em.vb`` is mean-field variational Bayes, the
same loop with distributions in place of points. Imports nothing else of this project.
"""

from .fit import EMResult, Step, fit, responsibilities
from .vb import VBResult, VBStep, vb

__all__ = ["EMResult", "Step", "VBResult", "VBStep", "fit", "responsibilities", "vb"]
