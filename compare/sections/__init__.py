"""The report's sections as records: one module per section, each with ``build(r, ...)``
returning a list of facts and blocks (compare.records). Every choice of what to say is made
here, from the run's numbers (compare.facts); compare.words says it in a language."""
