"""What the three front ends (``python -m em``, ``python -m bayes``, ``python -m compare``) share,
owned by no engine: the data sources and the command-line conventions.

- ``coindata.sources``: ``load("builtin:NAME" | "file.csv" | "file.txt")``, ``from_counts``,
  ``simulate`` -> ``CoinData`` (validated heads and tosses, labels, sha256), and ``DataError``,
  whose message is one line naming the file, the line and the problem.
- ``coindata.builtins``: the data sets shipped with coinmix, each with its source.
- ``coindata.cli``: argparse with one-line errors and exit code 2, the shared flags.

The engines (``em``, ``bayes``) take plain integer arrays and import nothing of this package;
only the front ends do. Importing it costs NumPy only, so bad input is rejected in a fraction of
a second, before PyMC is ever imported.
"""

from .builtins import BUILTINS, builtin_names
from .sources import CoinData, DataError, from_counts, load, simulate

__all__ = ["BUILTINS", "CoinData", "DataError", "builtin_names", "from_counts", "load", "simulate"]
