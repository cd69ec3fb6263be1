"""Compare the EM and Bayesian engines on the same coin-toss data."""
