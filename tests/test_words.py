"""The words layer: every template in the catalogue is used with exactly the values it names, and
every number format behaves at its edges.

The check is static (no run needed): every ``fact("id", variant, name=value, ...)`` call in
compare/ is read from the source; its id (with every variant it may take) must have a template,
each template's placeholders must be among the values the call passes (so a misspelt placeholder,
or a misspelt value name, fails). A record may carry more numbers than its words use: tests of
facts read them."""

import ast
from pathlib import Path

import pytest

from compare.records import fact
from compare.words import MissingValue, catalogue, placeholders, render, show
from compare.words import fmt

ROOT = Path(__file__).resolve().parents[1] / "compare"


PREFIXES = set()        # ids built with an f-string: every template under the prefix is used


def _constants(node):
    """The constant strings an expression can take (nested x if c else y), or None."""
    if isinstance(node, ast.Constant):
        return {node.value}
    if isinstance(node, ast.IfExp):
        a, b = _constants(node.body), _constants(node.orelse)
        return None if a is None or b is None else a | b
    return None


def fact_calls():
    """(file:line, id, variant or None for 'any', keyword names or None when **kwargs) of every
    fact(...) call with a literal id."""
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "fact"):
                continue
            if node.args and isinstance(node.args[0], ast.JoinedStr):   # f"ladder.rung.{key}.x"
                head = node.args[0].values[0]
                if isinstance(head, ast.Constant):
                    PREFIXES.add(head.value)
                continue
            if (node.args and isinstance(node.args[0], ast.Call)
                    and getattr(node.args[0].func, "id", None) == "caption"):   # a figure's
                from compare.figure_list import caption                        # caption id
                node.args[0] = ast.Constant(caption(node.args[0].args[0].value))
            if not node.args or not isinstance(node.args[0], ast.Constant):
                continue            # an id built at run time: covered by the panel's renders
            variant = "*"
            if len(node.args) > 1:
                v = node.args[1]
                leaves = _constants(v)
                variant = (v.value if isinstance(v, ast.Constant) else
                           frozenset(leaves) if leaves is not None else None)
            names = None if any(k.arg is None for k in node.keywords) else {
                k.arg for k in node.keywords}
            if isinstance(node.args[0].value, str):
                yield f"{path.name}:{node.lineno}", node.args[0].value, variant, names


CALLS = list(fact_calls())


def templates_for(key, variant):
    cat = catalogue("en")
    if variant == "*":                      # no variant given
        return {key: cat[key]} if key in cat else {}
    if variant is None:                     # chosen at run time: every variant of the id
        return {k: t for k, t in cat.items() if k.startswith(key + ".")}
    if isinstance(variant, frozenset):      # one of these constants
        return {f"{key}.{v}": cat.get(f"{key}.{v}") for v in variant}
    return {f"{key}.{variant}": cat[f"{key}.{variant}"]} if f"{key}.{variant}" in cat else {}


@pytest.mark.parametrize("where,key,variant,names", CALLS, ids=[c[0] for c in CALLS])
def test_every_fact_has_its_template_and_values(where, key, variant, names):
    found = templates_for(key, variant)
    assert found, f"{where}: no template for {key!r} (variant {variant!r})"
    absent = [k for k, t in found.items() if t is None]
    assert not absent, f"{where}: no template {absent}"
    if names is None:
        return
    fits = [k for k, template in found.items() if not placeholders(template) - names]
    if variant is None:         # a variant chosen by a variable: some variant must fit the call
        assert fits, f"{where}: no template of {key!r} is filled by {sorted(names)}"
    else:
        for k, template in found.items():
            missing = placeholders(template) - names
            assert not missing, f"{where}: template {k!r} names {missing}, not passed"


def test_every_template_is_used_somewhere():
    used = set()
    for _, key, variant, _ in CALLS:
        used |= set(templates_for(key, variant))
    dynamic = ("noun.", "verb.", "rung.", "ladder.rung.", "engine.", "figure.", "name.", "explorer.",
               *PREFIXES)  # tested elsewhere: rung words in test_words_worked.py, engine
    # warnings in test_engine_notes.py, figures' and the explorer's words below
    unused = [k for k in catalogue("en") if k not in used and not k.startswith(dynamic)]
    assert not unused, f"templates no fact uses: {unused}"


def test_missing_value_is_an_error():
    with pytest.raises(MissingValue, match="check.borderline"):
        render(fact("check.borderline"))


def test_plural_nouns_and_lists():
    assert show(1, "n:coin") == "1 coin" and show(3, "n:coin") == "3 coins"
    assert show([fact("check.coin", i=0), fact("check.coin", i=2)], "list") == "coin 0, coin 2"
    assert show(["a", "b"], "list: and ") == "a and b"
    assert show(None) == "" and show(None, "f4") == "n/a"


@pytest.mark.parametrize("spec,x,want", [
    ("signed", 0.0, "+0.0000"), ("signed", 3e-6, "+3.0e-06"), ("signed", -0.01234, "-0.0123"),
    ("signed2", -0.001, "-1.0e-03"), ("signed2", 0.0, "0.00"), ("corr", -0.004, "0.00"),
    ("corr", -0.5, "-0.50"), ("fixed2", -0.001, "0.00"), ("sds", 0.004, "< 0.01"),
    ("skew1", -0.04, "0.0"), ("odds", 0.0, "1"), ("odds", 50.0, "about 10^22"),
    ("rough_odds", 2.2, "about 9"), ("short", 0.0007962624, "0.0007962624"),
    ("short", 1e-5, "1.0000e-05"), ("interval3", (0.1, 0.25), "[0.100, 0.250]"),
    ("interval3", (None, None), "n/a"), ("vec4", [0.5, None], "0.5000, n/a"),
    ("vec1", [1.25, 2.0], "1.2, 2.0"), ("vec:sds", [0.001, 0.5], "< 0.01, 0.50"),
    ("f0", None, "n/a"), (".1%", 0.25, "25.0%"),
])
def test_formats(spec, x, want):
    assert fmt.value(x, spec) == want


# ------------------------------------------------------------------ words outside the facts

def _figure_keys():
    """Every ``t("KEY")`` the figures say (compare/figures.py), as ``figure.KEY``."""
    import re

    text = (ROOT / "figures.py").read_text()
    keys = {f"figure.{k}" for k in re.findall(r'\bt\("([a-z_0-9]+)"', text)}
    keys |= {f"figure.rung.{k}" for k in ("ml", "map", "vb", "gibbs", "nuts", "exact")}
    return keys | {"figure.word", "figure.estimate_ml", "figure.estimate_map"}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_figure_word_is_in_the_catalogue(lang):
    cat = catalogue(lang)
    missing = sorted(k for k in _figure_keys() if k not in cat)
    assert not missing, missing
    unused = sorted(k for k in cat if k.startswith("figure.") and not k.startswith(
        ("figure.band_kind.", "figure.rung.")) and k not in _figure_keys())
    assert not unused, unused


def test_figure_words_in_english_are_the_old_labels():
    t = lambda key, **v: render(fact(f"figure.{key}", **v))     # noqa: E731
    assert t("em_ml") == "EM, maximum likelihood"
    assert t("marginal_title", i=1) == "Posterior of $\\theta_1$"
    assert t("bound_title", it=2, other=0, value=0.5) == "iteration 2: $\\theta_0$ held at 0.500"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_explorer_word_is_in_the_catalogue(lang):
    import re

    from compare.explorer import MARKUP, words

    markup, ui = words(lang)
    need = set(re.findall(r"\{w:([a-z_0-9]+)\}", MARKUP))
    assert need <= set(markup), sorted(need - set(markup))
    assert set(markup) <= need, sorted(set(markup) - need)
    js = (ROOT / "explorer" / "ui.js").read_text()
    called = set(re.findall(r'\bL\("([a-z_0-9]+)"\s*[,)]', js)) | {"w_fixed", "w_learned"}
    assert called <= set(ui), sorted(called - set(ui))


def test_explorer_page_speaks_the_language():
    from compare import explorer

    data, settings = {"name": "x", "heads": [5, 9], "tosses": [10, 10]}, {"components": 2}
    en, ko = explorer.page(data, settings), explorer.page(data, settings, lang="ko")
    assert '<html lang="en">' in en and "Explore: change the data" in en
    assert '<html lang="ko">' in ko and "EM, 한 단계씩" in ko and "{w:" not in ko.split("<script>")[0]
    import json

    table = ko.split('id="cmx-words">', 1)[1].split("</script>", 1)[0]
    assert json.loads(table)["kr_barely"] == "언급할 가치가 거의 없음"


def test_korean_formats_of_odds():
    assert fmt.value(50.0, "odds_ko") == "약 10^22" and fmt.value(2.2, "rough_odds_ko") == "약 9"
