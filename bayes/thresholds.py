"""What the sampler diagnostics ask of a chain (Vehtari et al. 2021): one place, read by the
summaries that raise the warnings and by anything that explains them."""

#: chains have not settled on one distribution above this R-hat
RHAT_THRESHOLD = 1.01
#: fewer effective draws than this make the Monte Carlo error itself unreliable
ESS_BULK_THRESHOLD = 400
