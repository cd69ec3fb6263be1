# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Two coins, EM and the posterior: a lesson in a notebook
#
# Do & Batzoglou (2008) toss two coins, A and B, in five sets of ten, but forget which coin
# tossed which set. EM guesses the coins' heads rates; the Bayesian posterior says how sure we
# may be. This notebook walks through their example with coinmix's Python API: one EM step by
# hand, EM to convergence, the posterior, then the whole comparison as a report, and one real
# data set.

# %%
import numpy as np
from scipy.stats import binom

import bayes
import coindata
import compare
import em

data = coindata.load("builtin:do-batzoglou")
print("heads: ", data.heads)
print("tosses:", data.tosses)

# %% [markdown]
# ## One EM step by hand
#
# Start from the paper's guesses, theta_A = 0.6 and theta_B = 0.5. The **E-step** asks, for each
# set, how likely each coin is to have tossed it; the **M-step** credits every set's heads and
# tails to the coins in those proportions and recomputes each coin's heads rate.

# %%
theta = np.array([0.6, 0.5])                       # coin A, coin B
likelihood = binom.pmf(data.heads[:, None], data.tosses[:, None], theta)   # (set, coin)
p = likelihood / likelihood.sum(axis=1, keepdims=True)                     # E-step
heads = p * data.heads[:, None]
tails = p * (data.tosses - data.heads)[:, None]
for i in range(data.n_sets):
    print(f"set {i + 1}: P(A) = {p[i, 0]:.2f}  credited heads A {heads[i, 0]:.1f}, "
          f"B {heads[i, 1]:.1f}")
new = heads.sum(axis=0) / (heads.sum(axis=0) + tails.sum(axis=0))           # M-step
print(f"after one step, theta_A / theta_B = {new[0]:.2f} / {new[1]:.2f}")

# %% [markdown]
# `em.fit` does the same step. It orders the coins by their heads rate (coin 0 has fewer
# heads), so coin A, which started at 0.6, is the last one here. `accelerate="none"` asks for
# plain EM steps, as the paper counts them.

# %%
one = em.fit(data.heads, data.tosses, components=2, weights="fixed", init=(0.6, 0.5),
             restarts=0, max_iter=1, accelerate="none")
print(f"em.fit, one iteration: theta_A / theta_B = {one.theta[1]:.2f} / {one.theta[0]:.2f}")

# %% [markdown]
# ## EM to convergence
#
# Ten steps reach the paper's 0.80 / 0.52; EM then creeps on to the maximum of the likelihood.

# %%
ten = em.fit(data.heads, data.tosses, init=(0.6, 0.5), restarts=0, max_iter=10, tol=0,
             accelerate="none")
print(f"ten iterations: theta_A / theta_B = {ten.theta[1]:.2f} / {ten.theta[0]:.2f}")
ml = em.fit(data.heads, data.tosses, init=(0.6, 0.5), restarts=0, accelerate="none")
ml

# %% [markdown]
# ## The posterior
#
# With a Beta(2, 2) prior on each coin, NUTS (PyMC) draws from the posterior. The first fit of
# a model shape compiles it (half a minute on a machine's first run, a few seconds later).

# %%
posterior = bayes.fit(data.heads, data.tosses, components=2, weights="fixed", prior=(2, 2),
                      draws=1000, tune=500, seed=0)
posterior

# %% [markdown]
# ## The whole comparison
#
# `compare.run` is `python -m compare` from Python (the keywords are its flags): EM (ML, MAP,
# VB), NUTS, a Gibbs sampler and the exact posterior on a grid, the checks that they agree,
# and the figures. Shown in a notebook, the run is the report.

# %%
run = compare.run(data="builtin:do-batzoglou", components=2, weights="fixed", prior=(2, 2),
                  quick=True)
print(repr(run))
run

# %% [markdown]
# The numbers behind the report: `run.summary` is the summary.json dict, `run.posterior` the
# ArviZ DataTree of the draws (posterior.nc), and `run.save(folder)` writes the report folder
# under the command line's rules (an existing folder is replaced only if it holds exactly a
# previous report).

# %%
software = [c for c in run.summary["agreement"] if c["kind"] == "software"]
print(f"{sum(c['agree'] is True for c in software)} of {len(software)} software checks agree")
print(run.posterior["posterior"]["theta"].mean(("chain", "draw")).values.round(4))
folder = run.save("report-do-batzoglou", force=True)
print(sorted(p.name for p in folder.iterdir()))

# %% [markdown]
# Bad input gets the command line's one-line message, as a `ValueError`:

# %%
try:
    compare.run(prior=(0, 2))
except ValueError as exc:
    print("ValueError:", exc)

# %% [markdown]
# ## Real data: boys in Saxon families
#
# Geissler's 6,115 Saxon families of twelve children (Edwards 1958): is the number of boys one
# binomial, or a mix of two? With learned weights EM finds two "coins", about 0.48 and 0.62,
# and a log-likelihood 42 higher than one coin's. Plain EM needs thousands of steps here;
# SQUAREM (`accelerate="squarem"`) reaches the same maximum in a few dozen.

# %%
saxony = coindata.load("builtin:saxony")
one_coin = em.fit(saxony.heads, saxony.tosses, components=1, accelerate="squarem")
plain = em.fit(saxony.heads, saxony.tosses, components=2, weights="learned",
               accelerate="none", max_iter=100_000)
fast = em.fit(saxony.heads, saxony.tosses, components=2, weights="learned",
              accelerate="squarem")
print(f"one coin:  theta {one_coin.theta[0]:.4f}, log-likelihood {one_coin.log_likelihood:.3f}")
print(f"two coins: theta {fast.theta[0]:.4f} / {fast.theta[1]:.4f}, weights "
      f"{fast.weights[0]:.3f} / {fast.weights[1]:.3f}, log-likelihood {fast.log_likelihood:.3f}")
print(f"plain EM: {plain.iterations} iterations; SQUAREM: {fast.iterations}")
fast

# %% [markdown]
# The full comparison on these data is one line, `compare.run(data="builtin:saxony",
# weights="learned")`; it compiles a second model shape (learned weights), so it is left out
# of this lesson's run.
#
# ## The explorer
#
# Every report folder is meant to hold `explore.html`, a page where a student edits the data,
# drags the prior and steps EM one iteration at a time, with the exact posterior beside it;
# shown in a notebook, a run puts it under the report. Open it from the folder saved above
# when your version of coinmix has it:

# %%
explorer = folder / "explore.html"
print(explorer if explorer.exists() else "no explore.html in this version of coinmix yet")
