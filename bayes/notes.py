"""A warning that says what it is: the English line (a ``str``, as every caller reads it) with a
``code`` and the ``params`` it names, so that a report can say it in another language.
(A twin of the other engine's: the engines share no code.)"""

from __future__ import annotations


class Note(str):
    """``Note(code, text, **params)``: ``text`` is the English line; ``code`` names the warning,
    ``params`` are the values it states."""

    code: str
    params: dict

    def __new__(cls, code: str, text: str, **params):
        note = super().__new__(cls, text)
        note.code, note.params = code, params
        return note

    def __reduce__(self):       # pickled through the PyMC process's pipe
        return _rebuild, (self.code, str(self), self.params)


def _rebuild(code, text, params):
    return Note(code, text, **params)
