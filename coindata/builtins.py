"""The data sets shipped with coinmix: ``builtin:NAME``. Plain data, each with its story and source.

Counts from frequency tables (the real data) are expanded into one set per family or throw;
the likelihood depends only on the distinct (heads, tosses) pairs, so 991,958 families cost what
their 90 distinct pairs cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class Builtin:
    """A data set: literal counts (or frequency tables), optional labels and sequences, a
    one-line story and its source."""

    description: str
    heads: tuple[int, ...] = ()
    tosses: tuple[int, ...] = ()
    labels: tuple[str, ...] | None = None
    sequences: tuple[str, ...] | None = None
    source: str = ""
    tables: dict | None = None      # {tosses n: (units with 0, 1, ..., n successes)}
    meaning: str = ""               # what a set, a toss and a head are, when not coins
    #: the description and meaning in other languages: {"ko": {"description": ..., "meaning": ...}}
    texts: dict = field(default_factory=dict)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """heads and tosses, one entry per set (tables expanded), int64."""
        if self.tables is None:
            return np.array(self.heads, np.int64), np.array(self.tosses, np.int64)
        rows = sorted(self.tables.items())
        heads = np.concatenate([np.repeat(np.arange(n + 1), f) for n, f in rows])
        tosses = np.concatenate([np.full(sum(f), n) for n, f in rows])
        return heads.astype(np.int64), tosses.astype(np.int64)


def _from_sequences(description: str, sequences: tuple[str, ...], labels, source="") -> Builtin:
    return Builtin(description, tuple(s.count("H") for s in sequences),
                   tuple(len(s) for s in sequences), labels, sequences, source)


def _from_tables(description: str, tables: dict[int, tuple[int, ...]], source: str,
                 meaning: str = "") -> Builtin:
    assert all(len(freq) == n + 1 for n, freq in tables.items())
    return Builtin(description, source=source, tables=tables, meaning=meaning)


# Geissler's Saxony families, 1876-1885: number of boys among the children of families of each
# size (vcdExtra 0.9.6, data set Geissler, from Edwards 1958, Table 1). The size-12 row is vcd's
# Saxony data set. Counts checked against both packages' data files and the Rdatasets CSVs.
_GEISSLER = {
    1: (108719, 114609),
    2: (42860, 89213, 47819),
    3: (17395, 53789, 57179, 20540),
    4: (7004, 28101, 44793, 31611, 8628),
    5: (2839, 13740, 28630, 30175, 16340, 3666),
    6: (1096, 6233, 15700, 22221, 17332, 7908, 1579),
    7: (436, 2719, 8171, 13972, 14479, 9547, 3725, 631),
    8: (161, 1152, 3951, 7603, 10263, 8498, 4948, 1655, 264),
    9: (66, 432, 1776, 3895, 5917, 6436, 4757, 2418, 713, 90),
    10: (30, 151, 722, 1783, 3072, 3878, 3470, 2309, 1027, 287, 30),
    11: (8, 72, 275, 837, 1540, 2161, 2310, 1801, 1077, 492, 93, 24),
    12: (3, 24, 104, 286, 670, 1033, 1343, 1112, 829, 478, 181, 45, 7),
}
_GEISSLER_SOURCE = (
    "A. Geissler (1889), Z. K. Saechsischen Statistischen Bureaus 35; A. W. F. Edwards (1958), "
    "An analysis of Geissler's data on the human sex ratio, Annals of Human Genetics 23:6-15, "
    "Table 1; as shipped in the R packages vcd (Saxony) and vcdExtra (Geissler); see also "
    "Lindsey & Altham (1998), JRSS C 47:149-157. Families were recorded over ten years, so one "
    "family may appear more than once.")


BUILTINS: dict[str, Builtin] = {
    "do-batzoglou": _from_sequences(
        "Do & Batzoglou (2008), Nature Biotechnology 26:897: five sets of 10 tosses of "
        "coins A and B (heads 5, 9, 8, 4, 7); known coins B, A, A, B, A.",
        ("HTTTHHTHTH", "HHHHTHHHHH", "HTHHHHHTHH", "HTHTTTHHTT", "THHHTHHHTH"),
        ("B", "A", "A", "B", "A"),
        "C. B. Do & S. Batzoglou (2008), What is the expectation maximization algorithm?, "
        "Nature Biotechnology 26:897-899, Figure 1.",
    ),
    # K = 3 demo: 12 sets of 20 tosses, 4 per coin; the known-label ML estimates are
    # exactly A = 16/80 = 0.20, B = 40/80 = 0.50, C = 68/80 = 0.85.
    "three-coins": Builtin(
        "K = 3 demonstration: 12 sets of 20 tosses, four from each of coins "
        "A (~0.20), B (~0.50) and C (~0.85); known coins given.",
        (4, 10, 17, 3, 9, 18, 11, 5, 16, 4, 10, 17),
        (20,) * 12,
        ("A", "B", "C", "A", "B", "C", "B", "A", "C", "A", "B", "C"),
        source="made up for coinmix (a demonstration, not a measurement)",
    ),
    # Unequal set sizes, which the paper's example never exercises. Known-label ML:
    # A = 27/33 = 0.818, B = 29/65 = 0.446 (close to the paper's 0.80 / 0.45).
    "unequal": Builtin(
        "Two coins, eight sets of unequal length (3 to 25 tosses), A ~0.8 and B ~0.45; "
        "known coins given.",
        (2, 10, 6, 9, 3, 7, 8, 11),
        (5, 12, 8, 20, 3, 15, 10, 25),
        ("B", "A", "A", "B", "A", "B", "A", "B"),
        source="made up for coinmix (a demonstration, not a measurement)",
    ),
    "saxony": _from_tables(
        "Geissler's Saxony families: the number of boys in each of 6,115 families with 12 "
        "children (Saxony, 1876-1885). One 'coin' per family would be a binomial; the data are "
        "over-dispersed, the textbook case for a mixture of two.",
        {12: _GEISSLER[12]}, _GEISSLER_SOURCE,
        "a set is a family of 12 children, a toss a child, heads a boy"),
    "geissler": _from_tables(
        "Geissler's data for every family size: the number of boys in 991,958 Saxon families "
        "with 1 to 12 children (sets of unequal length).",
        _GEISSLER, _GEISSLER_SOURCE,
        "a set is a family (1 to 12 children), a toss a child, heads a boy"),
    "weldon-dice": _from_tables(
        "Weldon's dice: 26,306 throws of 12 dice, counting the dice that show a 5 or a 6 "
        "(a fair die: probability 1/3). Weldon sent the counts to Galton in 1894.",
        {12: (185, 1149, 3265, 5475, 6114, 5194, 3067, 1331, 403, 105, 14, 4, 0)},
        "K. Pearson (1900), Philosophical Magazine 50:157-175; R package vcd, data set "
        "WeldonDice (which pools 10 or more into one class: 18 = 14 + 4 + 0); the 13 classes "
        "as in S. M. Stigler (2016), The Seven Pillars of Statistical Wisdom, p. 184.",
        "a set is a throw of 12 dice, a toss a die, heads a die showing 5 or 6"),
    "women-queue": _from_tables(
        "Women in 100 queues of 10 people at a London Underground station.",
        {10: (1, 3, 4, 23, 25, 19, 18, 5, 1, 1, 0)},
        "R. A. Jinkinson & M. Slater (1981), The Statistician 30:239-248; R package vcd, data set "
        "WomenQueue.",
        "a set is a queue of 10 people, a toss a person, heads a woman"),
}


#: the built-in data sets' description, meaning and (where it is ours, not a citation) source in
#: Korean (the report's --lang ko)
KOREAN = {
    "do-batzoglou": {
        "description": "Do & Batzoglou (2008), Nature Biotechnology 26:897: 동전 A와 B를 10번씩 "
                       "던진 세트 5개(앞면 5, 9, 8, 4, 7번). 각 세트를 던진 동전은 B, A, A, B, A다."},
    "three-coins": {
        "source": "coinmix를 위해 만든 자료(측정값이 아닌 예시)",
        "description": "K = 3 예시: 20번씩 던진 세트 12개. 동전 A(약 0.20), B(약 0.50), C(약 "
                       "0.85)에서 4개씩 나왔으며, 각 세트를 던진 동전이 주어져 있다."},
    "unequal": {
        "source": "coinmix를 위해 만든 자료(측정값이 아닌 예시)",
        "description": "동전 두 개, 길이가 서로 다른 세트 8개(3번에서 25번까지 던짐). A는 약 "
                       "0.8, B는 약 0.45이며, 각 세트를 던진 동전이 주어져 있다."},
    "saxony": {
        "description": "Geissler의 작센 가족 자료: 자녀가 12명인 가족 6,115가구 각각의 아들 수"
                       "(작센, 1876-1885). 가족마다 '동전' 하나라면 이항분포가 되겠지만, 데이터는 "
                       "과대산포되어 있어 두 성분 혼합모형의 교과서적인 예다.",
        "meaning": "세트는 자녀 12명의 가족, 던지기는 자녀 한 명, 앞면은 아들이다"},
    "geissler": {
        "description": "모든 가족 크기에 대한 Geissler의 자료: 자녀가 1명에서 12명인 작센 가족 "
                       "991,958가구의 아들 수(길이가 서로 다른 세트).",
        "meaning": "세트는 가족(자녀 1명에서 12명), 던지기는 자녀 한 명, 앞면은 아들이다"},
    "weldon-dice": {
        "description": "Weldon의 주사위: 주사위 12개를 26,306번 던져 5나 6이 나온 주사위의 수를 "
                       "센 자료(공정한 주사위라면 확률 1/3). Weldon은 1894년에 이 결과를 "
                       "Galton에게 보냈다.",
        "meaning": "세트는 주사위 12개를 한 번 던진 것, 던지기는 주사위 하나, 앞면은 5나 6이 "
                   "나온 주사위다"},
    "women-queue": {
        "description": "런던 지하철역에서 10명씩 선 줄 100개에 있던 여성의 수.",
        "meaning": "세트는 10명이 선 줄 하나, 던지기는 한 사람, 앞면은 여성이다"},
}
BUILTINS = {name: replace(b, texts={"ko": KOREAN[name]}) if name in KOREAN else b
            for name, b in BUILTINS.items()}


def builtin_names() -> list[str]:
    """Names accepted by ``load('builtin:NAME')``, sorted."""
    return sorted(BUILTINS)
