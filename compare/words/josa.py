"""Korean particles chosen by the sound they follow.

A Korean particle has two forms, one after a final consonant (받침) and one after a vowel:
이/가, 은/는, 을/를, 과/와, (으)로 (ㄹ takes 로), 이다/다. A template cannot know which a
placeholder needs (``{k}`` may render as 2 or 3, ``{method}`` as 최대가능도 or EM), so the Korean
catalogue writes the particle as a marker after the placeholder, ``{k}(이)가``, ``{x}(은)는``,
``{x}(을)를``, ``{x}(과)와``, ``{x}(으)로``, ``{x}(이)다``, and :func:`resolve` picks the form
once the template is rendered, by the final sound of the text just before the marker:

- a Hangul syllable: by its final consonant;
- a digit, as Korean reads it: 0 영, 1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구, and a
  whole number ending in 0 is read 십, 백, 천, 만 (all with a final consonant);
- a Latin letter or word, as Korean reads it: a capital abbreviation letter by letter
  (ML 엠엘, HDI 에이치디아이; a few that are read as words, MAP 맵, NUTS 너츠), other words by
  their last letters (…m, …n, …ng and a final stop have a final consonant, …l has ㄹ);
- an annotation in brackets or a closing quote, mark or Markdown emphasis is skipped:
  최대가능도(ML) takes the particle of 최대가능도.
"""

from __future__ import annotations

import re

#: marker -> (form after a final consonant, form after a vowel)
PAIRS = {"(이)가": ("이", "가"), "(은)는": ("은", "는"), "(을)를": ("을", "를"),
         "(과)와": ("과", "와"), "(으)로": ("으로", "로"), "(이)다": ("이다", "다"),
         "(이)며": ("이며", "며"), "(이)고": ("이고", "고"), "(이)나": ("이나", "나"),
         "(이)라": ("이라", "라"), "(아)야": ("이야", "야"),
         "(이)므로": ("이므로", "므로"), "(이)면": ("이면", "면"), "(이)어서": ("이어서", "여서")}
_MARKER = re.compile("|".join(re.escape(m) for m in PAIRS))

# final sound of a digit's Korean name: "c" a consonant, "l" the consonant ㄹ, "v" a vowel
_DIGIT = {"0": "c", "1": "l", "2": "v", "3": "c", "4": "v", "5": "v", "6": "c", "7": "l",
          "8": "l", "9": "v"}
# a Latin letter's Korean name (A 에이, L 엘, M 엠, R 알, ...)
_LETTER = {c: "v" for c in "ABCDEFGHIJKOPQSTUVWXYZ"} | {"L": "l", "M": "c", "N": "c", "R": "l"}
_LETTER["F"] = "v"
#: capital words Korean reads as words, not letter by letter
_WORDS = {"MAP": "c", "NUTS": "v", "SQUAREM": "c", "ELBO": "v", "LOO": "v",
          "PyMC": "v", "MCMC": "v", "ArviZ": "v", "JSON": "c", "EM": "c", "VB": "v",
          "ESS": "v", "MCSE": "v", "KL": "l", "BF": "v", "ln": "c", "log": "c",
          "exp": "v", "theta": "v", "sd": "v", "Beta": "v", "Dirichlet": "v", "Gibbs": "v",
          "Wald": "v", "Laplace": "v", "elpd": "v", "R-hat": "c", "NaN": "c"}
_PAIRED = {")": "(", "]": "[", "}": "{", "）": "（"}


def final(text: str) -> str:
    """The final sound of ``text`` as Korean reads it: "c" (a final consonant), "l" (ㄹ), "v" (a
    vowel), or "v" when there is nothing to read."""
    t = text.rstrip()
    while t:
        ch = t[-1]
        if ch in "*`\"'’”»":
            t = t[:-1].rstrip()
            continue
        if ch in _PAIRED:
            # an annotation after a word, 최대가능도(ML), is skipped; a bracket that stands on
            # its own ([0.45, 0.80]) is read inside
            depth, i = 0, len(t) - 1
            while i >= 0:
                if t[i] == ch:
                    depth += 1
                elif t[i] == _PAIRED[ch]:
                    depth -= 1
                    if depth == 0:
                        break
                i -= 1
            before = t[:i].rstrip() if i > 0 else ""
            if i > 0 and before and t[i - 1] != " ":
                t = before
            else:
                t = t[:-1] if i <= 0 else t[i + 1:-1]
            continue
        break
    if not t:
        return "v"
    ch = t[-1]
    if ch == "%":
        return "v"            # 퍼센트
    if "\uac00" <= ch <= "\ud7a3":
        jong = (ord(ch) - 0xAC00) % 28
        return "v" if jong == 0 else ("l" if jong == 8 else "c")
    if ch.isdigit():
        if ch == "0":
            return "c"        # 영, 십, 백, 천, 만
        return _DIGIT.get(ch, "v")
    m = re.search(r"[A-Za-z][A-Za-z-]*$", t)
    if m:
        word = m.group(0)
        if word not in _WORDS and "-" in word.strip("-"):
            word = word.strip("-").rsplit("-", 1)[-1]       # EM-MAP: read as its last part
        if word in _WORDS:
            return _WORDS[word]
        if word.isupper():
            return _LETTER.get(word[-1], "v")
        w = word.lower()
        if w.endswith(("m", "n", "ng", "k", "p", "t", "b", "d", "g", "ck")):
            return "c"
        if w.endswith("l"):
            return "l"
        return "v"
    if ch in "θ":
        return "v"
    return "v"


def choose(marker: str, before: str) -> str:
    """The form of ``marker`` ("(이)가", ...) that follows ``before``."""
    consonant, vowel = PAIRS[marker]
    sound = final(before)
    if marker == "(으)로":
        return consonant if sound == "c" else vowel
    return vowel if sound == "v" else consonant


def resolve(text: str) -> str:
    """Every particle marker in ``text`` replaced by the form its preceding text takes."""
    if "(" not in text:
        return text
    out, last = [], 0
    for m in _MARKER.finditer(text):
        out.append(text[last:m.start()])
        out.append(choose(m.group(0), "".join(out)[-80:]))
        last = m.end()
    out.append(text[last:])
    return "".join(out)
