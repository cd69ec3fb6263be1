"""Tests for coindata: built-ins, CSV/text loading, errors, from_counts, simulate."""

import hashlib
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coindata import (
    BUILTINS,
    CoinData,
    DataError,
    builtin_names,
    from_counts,
    load,
    simulate,
)


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


# --------------------------------------------------------------------------- built-ins


def test_do_batzoglou_matches_the_paper():
    d = load("builtin:do-batzoglou")
    assert d.name == "do-batzoglou"
    assert d.source == "builtin:do-batzoglou"
    assert d.heads.tolist() == [5, 9, 8, 4, 7]
    assert d.tosses.tolist() == [10] * 5
    assert d.tails.tolist() == [5, 1, 2, 6, 3]
    assert d.labels == ("B", "A", "A", "B", "A")
    assert d.sequences == ("HTTTHHTHTH", "HHHHTHHHHH", "HTHHHHHTHH", "HTHTTTHHTT", "THHHTHHHTH")
    assert [s.count("H") for s in d.sequences] == d.heads.tolist()
    assert d.n_sets == 5
    assert d.heads.dtype == np.int64 and d.tosses.dtype == np.int64
    # the paper's labels-known ML estimates: A = 24/30 = 0.80, B = 9/20 = 0.45
    labels = np.array(d.labels)
    assert d.heads[labels == "A"].sum() / d.tosses[labels == "A"].sum() == pytest.approx(0.80)
    assert d.heads[labels == "B"].sum() / d.tosses[labels == "B"].sum() == pytest.approx(0.45)


def test_builtin_sha256_is_that_of_its_csv_text():
    d = load("builtin:do-batzoglou")
    text = d.to_csv()
    assert text.splitlines()[:2] == ["sequence,coin", "HTTTHHTHTH,B"]
    assert d.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert load("builtin:do-batzoglou") == d


def test_builtin_written_out_loads_with_the_same_hash(tmp_path):
    d = load("builtin:do-batzoglou")
    back = load(write(tmp_path, "paper.csv", d.to_csv()))
    assert back.sha256 == d.sha256 and back.sequences == d.sequences and back.labels == d.labels


def test_import_is_light():
    heavy = "{'pymc', 'arviz', 'matplotlib', 'scipy', 'em', 'bayes'}"
    code = f"import sys, coindata, coindata.cli; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(__file__)), check=True)
    assert out.stdout.strip() == "[]"


SYNTHETIC = ("do-batzoglou", "three-coins", "unequal")      # made with known coins
REAL = ("geissler", "saxony", "weldon-dice", "women-queue")   # published frequency tables


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_every_builtin_loads(name):
    d = load(f"builtin:{name}")
    assert d.name == name and d.n_sets >= 5
    if name in SYNTHETIC:
        assert d.labels is not None and len(d.labels) == d.n_sets
    assert BUILTINS[name].source          # every data set says where it comes from


def test_real_data_match_their_published_totals():
    """Totals as published (Edwards 1958; Pearson 1900; Jinkinson & Slater 1981)."""
    sax = load("builtin:saxony")
    assert sax.n_sets == 6115 and set(sax.tosses.tolist()) == {12}
    assert np.bincount(sax.heads).tolist() == [3, 24, 104, 286, 670, 1033, 1343, 1112, 829, 478,
                                                181, 45, 7]
    geissler = load("builtin:geissler")
    assert geissler.n_sets == 991_958 and sorted(set(geissler.tosses.tolist())) == list(range(1, 13))
    # Saxony is Geissler's row for 12 children
    twelve = geissler.tosses == 12
    assert np.array_equal(np.sort(geissler.heads[twelve]), np.sort(sax.heads))
    dice = load("builtin:weldon-dice")
    assert dice.n_sets == 26_306 and int(dice.heads.sum()) == 106_602
    queue = load("builtin:women-queue")
    assert queue.n_sets == 100 and int(queue.heads.sum()) == 435


def test_other_builtins_have_the_promised_shape():
    assert builtin_names() == sorted(SYNTHETIC + REAL)
    three = load("builtin:three-coins")
    assert three.tosses.tolist() == [20] * 12 and sorted(set(three.labels)) == ["A", "B", "C"]
    rates = {c: three.heads[np.array(three.labels) == c].sum() / 80 for c in "ABC"}
    assert rates == pytest.approx({"A": 0.20, "B": 0.50, "C": 0.85})
    unequal = load("builtin:unequal")
    assert len(set(unequal.tosses.tolist())) == unequal.n_sets  # all lengths differ


# --------------------------------------------------------------------------- files


def test_csv_counts_with_coin(tmp_path):
    path = write(tmp_path, "coins.csv", "heads,tosses,coin\n5,10,B\n9,10,A\n\n3,4,A\n")
    d = load(path)
    assert d.name == "coins" and d.source == path
    assert d.heads.tolist() == [5, 9, 3] and d.tosses.tolist() == [10, 10, 4]
    assert d.labels == ("B", "A", "A") and d.sequences is None
    assert d.sha256 == hashlib.sha256((tmp_path / "coins.csv").read_bytes()).hexdigest()


def test_csv_counts_without_coin_any_case_bom_crlf_spaces(tmp_path):
    content = "\ufeff Tosses , HEADS\r\n10, 5\r\n 4 ,0\r\n"
    d = load(write(tmp_path, "mixed.csv", content))
    assert d.heads.tolist() == [5, 0] and d.tosses.tolist() == [10, 4]
    assert d.labels is None
    assert d.sha256 == hashlib.sha256(content.encode()).hexdigest()


def test_csv_sequences_lower_case(tmp_path):
    d = load(write(tmp_path, "flips.csv", "Sequence,Coin\nhtth,x\nHHHH,y\n"))
    assert d.sequences == ("HTTH", "HHHH")
    assert d.heads.tolist() == [2, 4] and d.tosses.tolist() == [4, 4]
    assert d.labels == ("x", "y")


def test_csv_quoted_fields_keep_line_numbers(tmp_path):
    path = write(tmp_path, "q.csv", 'heads,tosses,coin\n1,2,"a\nb"\n3,2,c\n')
    with pytest.raises(DataError) as err:
        load(path)
    assert err.value.line == 4 and "heads 3 > tosses 2" in str(err.value)


def test_text_with_comments_and_blank_lines(tmp_path):
    content = "# Do & Batzoglou\n\nHTTTHHTHTH\n   # indented comment\nhhhhthhhhh  # trailing\n\n"
    path = write(tmp_path, "flips.txt", content)
    d = load(path)
    assert d.name == "flips"
    assert d.sequences == ("HTTTHHTHTH", "HHHHTHHHHH")
    assert d.heads.tolist() == [5, 9] and d.tosses.tolist() == [10, 10]
    assert d.labels is None
    assert d.sha256 == hashlib.sha256(content.encode()).hexdigest()


def test_to_csv_round_trips_through_a_file(tmp_path):
    d = from_counts([1, 2, 3], [3, 3, 4], name="mine", labels=["a", "b,c", 'd"'])
    path = write(tmp_path, "mine.csv", d.to_csv())
    back = load(path)
    assert back.sha256 == d.sha256
    assert back.heads.tolist() == [1, 2, 3] and back.labels == ("a", "b,c", 'd"')


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 10**6), st.floats(0, 1)), min_size=1, max_size=20),
       st.booleans())
def test_round_trip_property(tmp_path, pairs, with_labels):
    tosses = [t for t, _ in pairs]
    heads = [int(t * f) for t, f in pairs]
    labels = [f"c{h % 3}" for h in heads] if with_labels else None
    d = from_counts(heads, tosses, labels=labels)
    back = load(write(tmp_path, "rt.csv", d.to_csv()))
    assert back.heads.tolist() == heads and back.tosses.tolist() == tosses
    assert back.labels == (tuple(labels) if labels else None)
    assert back.sha256 == d.sha256


def test_large_file_reports_the_first_bad_line(tmp_path):
    rows = ["heads,tosses"] + [f"{i % 7},{6 + i % 5}" for i in range(20000)]
    good = write(tmp_path, "many.csv", "\n".join(rows) + "\n")
    assert load(good).n_sets == 20000
    rows[15001] = "9,3"  # line 15002
    rows[17000] = "x,3"
    rows[18000] = "1,2,3"
    with pytest.raises(DataError, match=r"^.*many\.csv:15002: heads 9 > tosses 3$"):
        load(write(tmp_path, "many.csv", "\n".join(rows) + "\n"))


# --------------------------------------------------------------------------- errors

CATALOGUE = [
    # (file name, content, line or None, words that must appear)
    ("gt.csv", "heads,tosses\n5,10\n\n12,10\n", 4, ["heads 12 > tosses 10"]),
    ("neg.csv", "heads,tosses\n-1,10\n", 2, ["heads -1", "negative"]),
    ("frac.csv", "heads,tosses\n1,10\n2.5,10\n", 3, ["'2.5'", "whole number"]),
    ("word.csv", "heads,tosses\n1,ten\n", 2, ["tosses 'ten'", "whole number"]),
    ("blank.csv", "heads,tosses\n1,\n", 2, ["tosses is empty"]),
    ("huge.csv", "heads,tosses\n1,99999999999999999999\n", 2, ["too large"]),
    ("zero.csv", "heads,tosses\n1,1\n0,0\n", 3, ["tosses 0", "at least one toss"]),
    ("noseq.csv", "sequence,coin\nHT,A\n,B\n", 3, ["empty sequence"]),
    ("chars.csv", "sequence\nHHTT\nHHXT\n", 3, ["unknown character 'X' in 'HHXT'"]),
    ("fields.csv", "heads,tosses\n1,2\n1,2,3\n", 3, ["3 fields", "expected 2"]),
    ("short.csv", "heads,tosses,coin\n1,2\n", 2, ["2 fields", "expected 3"]),
    ("first.csv", "heads,tosses\n1,2\n5,2\n1,2,3\n", 3, ["heads 5 > tosses 2"]),
    ("missing.csv", "heads,coin\n1,A\n", 1, ["missing column 'tosses'"]),
    ("none.csv", "coin\nA\n", 1, ["missing columns", "heads,tosses or sequence"]),
    ("both.csv", "heads,tosses,sequence\n1,2,HT\n", 1, ["both", "sequence"]),
    ("extra.csv", "heads,tosses,weight\n1,2,3\n", 1, ["unknown column 'weight'"]),
    ("nohead.csv", "5,10\n4,10\n", 1, ["unknown columns '5', '10'", "header"]),
    ("twice.csv", "heads,tosses,HEADS\n1,2,3\n", 1, ["'heads' appears twice"]),
    ("label.csv", "heads,tosses,coin\n1,2,A\n1,2,\n", 3, ["coin label is empty"]),
    ("quote.csv", 'heads,tosses\n1,2\n"3"x,4\n', 3, ["malformed CSV"]),
    ("crlf.csv", "\ufeffheads,tosses\r\n1,2\r\n\r\n3,2\r\n", 4, ["heads 3 > tosses 2"]),
    ("empty.csv", "", None, ["no data rows"]),
    ("onlyhead.csv", "heads,tosses\n\n\n", None, ["no data rows"]),
    ("latin1.csv", b"heads,tosses,coin\n1,2,\xe9\n", 2, ["not valid UTF-8", "0xe9"]),
    ("flips.txt", "# c\n\nHHTT\nHHXT\n", 4, ["unknown character 'X'", "only H and T"]),
    ("spaced.txt", "HHTT\nHH TT # x\n", 2, ["space inside sequence 'HH TT'"]),
    ("crlf.txt", "HT\r\n\r\nHh\r\nH-T\r\n", 4, ["unknown character '-'"]),
    ("comments.txt", "# nothing\n\n   \n", None, ["no data rows"]),
    ("data.json", "{}", None, ["builtin:NAME", ".csv", ".txt"]),
]


@pytest.mark.parametrize(
    "name, content, line, words", CATALOGUE, ids=[c[0] for c in CATALOGUE]
)
def test_malformed_input(tmp_path, name, content, line, words):
    path = write(tmp_path, name, content)
    with pytest.raises(DataError) as err:
        load(path)
    message = str(err.value)
    assert "\n" not in message and "\r" not in message
    where = path if line is None else f"{path}:{line}"
    assert message.startswith(where + ": "), message
    assert err.value.line == line
    for word in words:
        assert word in message


def test_missing_file_directory_and_unknown_builtin(tmp_path):
    (tmp_path / "somedir.csv").mkdir()
    cases = {
        str(tmp_path / "somedir.csv"): "is a directory, not a file",
        str(tmp_path / "nofile.csv"): "no such file",
        "builtin:nope": "unknown built-in data set 'nope'",
    }
    for src, problem in cases.items():
        with pytest.raises(DataError) as err:
            load(src)
        assert str(err.value) == f"{src}: {problem}" or str(err.value).startswith(
            f"{src}: {problem} ("
        )


def test_unreadable_file(tmp_path, monkeypatch):
    import coindata.sources as data_module

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    path = write(tmp_path, "secret.csv", "heads,tosses\n1,2\n")
    monkeypatch.setattr(data_module, "open", refuse, raising=False)  # root could read it
    with pytest.raises(DataError) as err:
        load(path)
    assert str(err.value) == f"{path}: not readable (permission denied)"


def test_error_is_one_line_even_for_odd_paths_and_pickles():
    err = DataError("odd\nname.csv", "bad\nthing", 3)
    assert str(err) == "odd\\nname.csv:3: bad\\nthing"
    assert isinstance(err, ValueError)
    back = pickle.loads(pickle.dumps(err))
    assert (back.source, back.line, back.problem, str(back)) == (
        err.source, 3, err.problem, str(err))


# --------------------------------------------------------------------------- in memory


def test_from_counts_and_read_only_arrays():
    heads = np.array([1, 2, 3])
    d = from_counts(heads, [3.0, 3, 4], name="mem", labels=[0, 1, 0])
    assert d.heads.tolist() == [1, 2, 3] and d.tosses.dtype == np.int64
    assert d.labels == ("0", "1", "0") and d.source == "mem"
    heads[0] = 99  # the data kept its own copy
    assert d.heads[0] == 1
    with pytest.raises(ValueError):
        d.heads[0] = 2
    with pytest.raises(ValueError):
        d.tails[0] = 2
    assert d.sha256 == hashlib.sha256(b"heads,tosses,coin\n1,3,0\n2,3,1\n3,4,0\n").hexdigest()


@pytest.mark.parametrize(
    "heads, tosses, message",
    [
        ([1, 2, 12], [10, 10, 10], "data: set 3: heads 12 > tosses 10"),
        ([1, -2], [3, 3], "data: set 2: heads -2 is negative"),
        ([1.5], [2], "data: set 1: heads 1.5 is not a whole number"),
        ([float("nan")], [2], "data: set 1: heads nan is not a whole number"),
        ([1], [0], "data: set 1: tosses 0: need at least one toss"),
        ([True], [True], "data: heads holds booleans; need whole-number counts"),
        ([], [], "data: no sets (heads and tosses are empty)"),
        ([1, 2], [3], "data: heads has 2 sets but tosses has 1"),
        ([[1]], [[2]], "data: heads must be one-dimensional, got shape (1, 1)"),
        ([1, None], [2, 2], "data: set 2: heads None is not a whole number"),
    ],
)
def test_from_counts_errors(heads, tosses, message):
    with pytest.raises(DataError) as err:
        from_counts(heads, tosses)
    assert str(err.value) == message


def test_coin_data_validates_itself():
    sha = "0" * 64
    with pytest.raises(DataError, match=r"^x: set 2: heads 5 > tosses 4$"):
        CoinData("x", np.array([1, 5]), np.array([2, 4]), None, sha, "x")
    with pytest.raises(DataError, match="2 labels for 1 sets"):
        CoinData("x", np.array([1]), np.array([2]), ("a", "b"), sha, "x")
    with pytest.raises(DataError, match="has 1 heads in 2 tosses"):
        CoinData("x", np.array([2]), np.array([2]), None, sha, "x", ("HT",))
    with pytest.raises(DataError, match="sha256"):
        CoinData("x", np.array([1]), np.array([2]), None, "abc", "x")
    ok = CoinData("x", [1], [2], ["a"], sha, "x", ["TH"])
    assert ok.labels == ("a",) and ok.sequences == ("TH",) and not ok.heads.flags.writeable


def test_simulate_is_reproducible_and_plausible():
    a = simulate([0.2, 0.9], [0.25, 0.75], 400, 30, seed=7)
    b = simulate([0.2, 0.9], [0.25, 0.75], 400, 30, seed=7)
    c = simulate([0.2, 0.9], [0.25, 0.75], 400, 30, seed=8)
    assert a == b and a.sha256 == b.sha256 and a.sha256 != c.sha256
    assert a.name == "simulated" and a.n_sets == 400 and set(a.labels) == {"0", "1"}
    coin = np.array(a.labels).astype(int)
    assert 0.65 < coin.mean() < 0.85
    assert abs(a.heads[coin == 0].sum() / a.tosses[coin == 0].sum() - 0.2) < 0.05
    assert abs(a.heads[coin == 1].sum() / a.tosses[coin == 1].sum() - 0.9) < 0.05
    sizes = simulate([0.5], [1.0], 3, [1, 5, 9], seed=0)
    assert sizes.tosses.tolist() == [1, 5, 9] and sizes.labels == ("0", "0", "0")


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(theta=[0.2, 1.2]), "theta[1] = 1.2 is outside [0, 1]"),
        (dict(weights=[0.5, 0.6]), "weights sum to 1.1"),
        (dict(weights=[0.5]), "theta has 2 coins but weights has 1"),
        (dict(n_sets=0), "n_sets 0 must be at least 1"),
        (dict(n_sets=2.5), "n_sets must be an integer"),
        (dict(tosses=0), "tosses 0: need at least one toss"),
        (dict(tosses=[3, 0, 2]), "set 2: tosses 0"),
        (dict(tosses=[3, 2]), "tosses has 2 entries for 3 sets"),
    ],
)
def test_simulate_rejects_bad_arguments(kwargs, words):
    args = dict(theta=[0.2, 0.5], weights=[0.5, 0.5], n_sets=3, tosses=10) | kwargs
    with pytest.raises(DataError) as err:
        simulate(**args, seed=0)
    assert str(err.value).startswith("simulate: ") and words in str(err.value)


# --------------------------------------------------------------------------- issue 15


def test_only_regular_files_are_read(tmp_path):
    """A FIFO named x.csv used to hang forever, a link to /dev/zero to read until memory ran
    out; both are refused before any read (in a subprocess, so an old hang fails, not hangs)."""
    os.mkfifo(tmp_path / "x.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "real.csv").write_text("heads,tosses\n1,2\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    code = ("import sys; from coindata import load, DataError\n"
            "for p in sys.argv[1:]:\n"
            "    try: print(load(p).n_sets)\n"
            "    except DataError as e: print(e)\n")
    names = [str(tmp_path / n) for n in ("x.csv", "zero.csv", "link.csv")]
    out = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True,
                         timeout=60, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.stdout.splitlines() == [
        f"{names[0]}: is a FIFO, not a regular file (give a .csv or .txt file)",
        f"{names[1]}: is a character device, not a regular file (give a .csv or .txt file)",
        "1"]


def test_file_size_is_capped(tmp_path, monkeypatch):
    import coindata.sources as sources

    big = tmp_path / "big.csv"
    with open(big, "wb") as f:                  # sparse: 256 MiB + 1 byte, nothing written
        f.truncate(sources.MAX_FILE_BYTES + 1)
    with pytest.raises(DataError, match=r"larger than the limit of 268435456 bytes \(256 MiB\)"):
        load(str(big))
    # the read itself is bounded: a file larger than its size said (here a /proc file, size 0,
    # or a file growing while read) is refused after reading at most the cap + 1 byte
    small = tmp_path / "proc.csv"
    small.symlink_to("/proc/self/status")
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 10)
    # /proc files are refused outright since issue 25; here one stands for a file larger than
    # its size says, so that refusal is switched off
    monkeypatch.setattr(sources, "_not_a_kernel_file", lambda info, shown: None)
    reads = []
    real_open = open

    def spy(*args, **kwargs):
        f = real_open(*args, **kwargs)
        read = f.read
        f.read = lambda n=-1: reads.append(n) or read(n)
        return f

    monkeypatch.setattr(sources, "open", spy, raising=False)
    with pytest.raises(DataError, match="larger than the limit of 10 bytes"):
        load(str(small))
    assert reads == [11]


@pytest.mark.parametrize("content, line, words", [
    ('sequence\nHT\n""\nTT\n', 3, "empty sequence"),
    ('sequence\nHT\n"  "\nTT\n', 3, "empty sequence"),
    ('sequence,coin\nHT,A\n"",B\n', 3, "empty sequence"),
    ('heads,tosses\n1,2\n""\n', 3, "1 fields, expected 2"),
    ('""\nheads,tosses\n1,2\n', 1, "column 1 of the header has no name"),
])
def test_a_quoted_empty_row_is_not_a_blank_line(tmp_path, content, line, words):
    path = write(tmp_path, "q.csv", content)
    with pytest.raises(DataError) as err:
        load(path)
    assert str(err.value).startswith(f"{path}:{line}: ") and words in str(err.value)
    # blank lines, and quoted values, are still fine
    assert load(write(tmp_path, "ok.csv", 'sequence\n"HT"\n\n  \nTT\n')).sequences == ("HT", "TT")


def test_counts_are_limited_to_the_tested_range(tmp_path):
    ok = load(write(tmp_path, "ok.csv", "heads,tosses\n1000000000,1000000000\n1,2\n"))
    assert ok.tosses.tolist() == [10**9, 2]
    cases = {
        "heads,tosses\n1,2\n1,1000000001\n": "3: tosses 1000000001 is above the limit of 10^9 "
                                               "tosses per set",
        "heads,tosses\n1,2\n1,99999999999999999999\n": "3: tosses '99999999999999999999' is too "
                                                         "large (the limit is 10^9 tosses per set)",
        "heads,tosses\n1,2\n" + "0,1000000000\n" * (10**6 + 1):
            f"{10**6 + 2}: the tosses add up to 1000000000000002 here, above the limit of "
            "10^15 for all sets together",
    }
    for content, tail in cases.items():
        path = write(tmp_path, "big.csv", content)
        with pytest.raises(DataError) as err:
            load(path)
        assert str(err.value) == f"{path}:{tail}"
    with pytest.raises(DataError, match=r"^data: set 2: tosses 1000000001 is above the limit"):
        from_counts([1, 1], [2, 10**9 + 1])
    with pytest.raises(DataError, match=r"^data: set 1: tosses 9223372036854775813 is too large"):
        from_counts(np.array([1], np.uint64), np.array([2**63 + 5], np.uint64))
