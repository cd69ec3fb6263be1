"""Compare the EM and Bayesian engines on the same coin-toss data.

``compare.run(...)`` runs the whole comparison from Python (a notebook) and returns the run the
report is written from (compare.api). Importing ``compare`` imports nothing heavy: PyMC and
matplotlib come only with the first run.
"""


def run(data: str | None = None, **options):
    """``python -m compare`` from Python: keywords are its flags with underscores
    (``data="builtin:saxony", components=2, weights="fixed", prior=(2, 2), quick=True``...;
    without ``data``, the paper's builtin:do-batzoglou). Returns the run
    (compare.results.Run): it shows itself in Jupyter and has ``.summary``, ``.posterior`` and
    ``.save(path, force=False)``. A bad value raises ValueError with the command line's message.
    See compare.api.run for every keyword."""
    from .api import run as run_api

    return run_api(data, **options)
