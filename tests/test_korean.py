"""The report in Korean (issue 24): a second catalogue of the same facts.

Static: both catalogues hold the same template ids with the same placeholders, and Korean
particles take the form the rendered text before them needs (compare.words.josa). On runs (slow:
one compiled model per shape, --quick): the facts of a run are made once and rendered in both
languages; a Korean report holds no English prose outside code, maths and data; its worked example
shows the paper's arithmetic; summary.json is the English run's plus ``"lang"``; report.html says
lang="ko" and keeps its MathML; every figure draws in Hangul without a missing glyph.
"""

import json
import logging
import re
import warnings

import pytest

from compare.records import Fact, Table, Texts
from compare.words import LANGUAGES, catalogue, placeholders, render, show
from compare.words.josa import choose, final, resolve


# ------------------------------------------------------------------ catalogues

def test_both_languages_are_offered():
    assert LANGUAGES == ("en", "ko")


def test_every_template_id_is_in_both_catalogues():
    en, ko = set(catalogue("en")), set(catalogue("ko"))
    assert not en - ko, f"no Korean template for {sorted(en - ko)}"
    assert not ko - en, f"no English template for {sorted(ko - en)}"


@pytest.mark.parametrize("key", sorted(catalogue("en")))
def test_same_placeholders_in_both_languages(key):
    assert placeholders(catalogue("ko")[key]) == placeholders(catalogue("en")[key]), key


def test_korean_templates_use_only_known_particle_markers():
    from compare.words.josa import PAIRS

    for key, template in catalogue("ko").items():
        for m in re.finditer(r"\((이|은|을|과|으|아)\)[가-힣]", template):
            rest = template[m.start():]
            assert any(rest.startswith(p) for p in PAIRS), \
                f"{key}: unknown particle marker {rest[:6]!r}"


def test_korean_nouns_have_no_plural():
    ko = catalogue("ko")
    for noun in ("coin", "set", "iteration"):
        assert ko[f"noun.{noun}.one"] == ko[f"noun.{noun}.other"]
    assert show(1, "n:coin", "ko") == "동전 1개" and show(3, "n:coin", "ko") == "동전 3개"


# ------------------------------------------------------------------ particles

@pytest.mark.parametrize("text,sound", [
    ("동전", "c"), ("모형", "c"), ("사후분포", "v"), ("길", "l"),
    ("0", "c"), ("1", "l"), ("2", "v"), ("3", "c"), ("4", "v"), ("5", "v"), ("6", "c"),
    ("7", "l"), ("8", "l"), ("9", "v"), ("10", "c"), ("100", "c"), ("0.45", "v"), ("0.71", "l"),
    ("EM", "c"), ("ML", "l"), ("MAP", "c"), ("NUTS", "v"), ("HDI", "v"), ("EM-MAP", "c"),
    ("theta_0", "c"), ("theta_1", "l"), ("45%", "v"), ("최대가능도(ML)", "v"),
    ("[0.45, 0.80]", "c"), ("**동전**", "c"),
])
def test_final_sound(text, sound):
    assert final(text) == sound


@pytest.mark.parametrize("marker,before,want", [
    ("(이)가", "동전", "이"), ("(이)가", "사후분포", "가"), ("(이)가", "1", "이"), ("(이)가", "2", "가"),
    ("(은)는", "EM", "은"), ("(은)는", "NUTS", "는"), ("(을)를", "3", "을"), ("(을)를", "4", "를"),
    ("(과)와", "ML", "과"), ("(과)와", "MAP", "과"), ("(과)와", "0.45", "와"),
    ("(으)로", "1", "로"), ("(으)로", "3", "으로"), ("(으)로", "길", "로"), ("(으)로", "모형", "으로"),
    ("(으)로", "베이즈 인자", "로"), ("(이)다", "0.58", "이다"), ("(이)다", "0.45", "다"),
])
def test_particle_form(marker, before, want):
    assert choose(marker, before) == want


def test_particles_resolved_after_rendering():
    assert resolve("동전 2개(이)가 있고 EM(은)는 0.71(과)와 0.58(을)를 준다") == \
        "동전 2개가 있고 EM은 0.71과 0.58을 준다"
    # a placeholder's rendered value decides: {k} = 1 or 2
    for k, want in ((1, "1이"), (2, "2가"), (3, "3이")):
        assert render(Fact("choice.verdict.supported_plain", None, {"k": k}), "ko").count("") and \
            resolve(f"{k}(이)가") == want
    assert "(이)" not in render(Fact("choice.verdict.fitted", None, {"k": 2}), "ko")


def test_a_datas_texts_follow_the_language():
    t = Texts({"en": "five sets", "ko": "세트 5개"})
    assert show(t, "user", "en") == "five sets" and show(t, "user", "ko") == "세트 5개"
    assert show(Texts({"en": "only English"}), "", "ko") == "only English"


def test_every_builtin_data_set_has_a_korean_description():
    from coindata.builtins import BUILTINS

    for name, b in BUILTINS.items():
        assert "description" in b.texts.get("ko", {}), name
        assert bool(b.meaning) == ("meaning" in b.texts["ko"]), name
        if b.source.startswith("made up"):          # our own words, not a citation's title
            assert "source" in b.texts["ko"], name


# ------------------------------------------------------------------ English left in Korean prose

_MATH_WORDS = {"log", "exp", "data", "theta", "ln", "sd", "ulp"}


def english_runs(md: str, min_words: int = 3) -> list[str]:
    """Runs of ``min_words`` or more English words in the prose of ``md``: code, maths, figure
    paths, table rows (data cells), the data's source citation (titles) and the glossary's
    English equivalents in brackets left out."""
    text = re.sub(r"```.*?```", " ", md, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"\]\(figures/[^)]*\)", "]", text)
    glossary = text.find("## 용어")
    if glossary >= 0:           # the glossary names the English term each Korean one renders
        end = text.find("\n## ", glossary + 1)
        end = len(text) if end < 0 else end
        part = re.sub(r"\([^()]*\)", " ", text[glossary:end])
        text = text[:glossary] + part + text[end:]
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            continue
        line = line.split("출처:")[0]
        words = re.findall(r"[A-Za-z][A-Za-z'’\-]*|[^\sA-Za-z,;:]+", line)
        run = []
        for w in words + ["."]:
            if re.fullmatch(r"[A-Za-z][A-Za-z'’\-]*", w) and any(c.islower() for c in w) \
                    and len(w) > 1 and w.lower() not in _MATH_WORDS:
                run.append(w)
                continue
            if len(run) >= min_words:
                out.append(" ".join(run))
            run = []
    return out


def test_the_english_detector_finds_english_and_spares_korean():
    assert english_runs("이것은 the posterior mean is 0.5 이다.") == ["the posterior mean is"]
    assert english_runs("사후분포 `python -m compare --lang ko` 와 $\\theta_0$ log p(data)") == []
    assert english_runs("| known coin | B |\n출처: What is the expectation maximization algorithm?") == []


# ------------------------------------------------------------------ on runs (slow)

RUNS = {
    "paper": dict(),
    "three": dict(data="builtin:three-coins", components=3),
    "one": dict(data="builtin:women-queue", components=1),
}


@pytest.fixture(scope="module")
def runs():
    import compare

    return {name: compare.run(quick=True, progress=False, lang="ko", **kw)
            for name, kw in RUNS.items()}


def _facts(block):
    """Every fact in a record, nested ones included."""
    if isinstance(block, Fact):
        yield block
        for v in block.values.values():
            yield from _facts(v)
    elif isinstance(block, (list, tuple)):
        for b in block:
            yield from _facts(b)
    elif isinstance(block, Table):
        yield from _facts(list(block.header))
        for row in block.rows:
            yield from _facts(list(row))
    elif hasattr(block, "caption"):
        yield from _facts(block.caption)


@pytest.mark.slow
@pytest.mark.parametrize("name", RUNS)
def test_every_fact_renders_in_both_languages(runs, name):
    """The facts are made once (the run's records) and said twice: no template is missing or
    names a value its fact does not carry, in either language, and no particle marker is left."""
    from compare import text

    r = runs[name]
    said = set()
    for f in _facts(r.records):
        for lang in LANGUAGES:
            out = render(f, lang)
            if lang == "ko":
                assert not re.search(r"\((이|은|을|과|으)\)", out), (f.key, out)
        said.add(f.key)
    assert len(said) > 100
    en, ko = text.render(r.records, "en"), text.render(r.records, "ko")
    assert en != ko and "## In short" in en and "## 요약" in ko


@pytest.mark.slow
@pytest.mark.parametrize("name", RUNS)
def test_korean_report_has_no_english_prose(runs, name):
    from compare.report import markdown_of

    md = markdown_of(runs[name])
    assert re.search(r"[가-힣]", md)
    assert english_runs(md) == [], name


@pytest.mark.slow
def test_korean_worked_example_reproduces_the_papers_arithmetic(runs):
    from compare.report import markdown_of

    md = markdown_of(runs["paper"])
    part = md[md.index("## 풀이 예제"):md.index("## EM에서")]
    assert "0.6^5 × 0.4^5 = 0.0007962624" in part
    assert "논문은 이를 0.45로 반올림한다" in part
    assert "(논문의 0.71, 0.58)" in part
    assert "(논문: 0.80, 0.52)" in part
    assert "열 번 반복한 뒤: theta_A = 0.80, theta_B = 0.52" in part


@pytest.mark.slow
def test_summary_is_the_english_runs_plus_lang(runs):
    import compare

    en = compare.run(quick=True, progress=False).summary
    ko = runs["paper"].summary
    for s in (en, ko):
        for volatile in ("timings", "versions"):
            s.pop(volatile)
    assert ko.pop("lang") == "ko" and "lang" not in en
    assert ko == en


@pytest.mark.slow
def test_korean_page_declares_its_language_and_keeps_the_maths(runs):
    from compare.report import page_of

    page = page_of(runs["paper"])
    assert page.startswith('<!DOCTYPE html>\n<html lang="ko">')
    assert page.count('<math display="block"') >= 2
    assert "theta_k = (H_k" not in page         # the display formula became MathML
    # Hangul on any machine: the glyphs it uses, from NanumGothic, inlined (no address)
    assert "@font-face{font-family:'NanumGothic';src:url(data:font/ttf;base64," in page
    assert "://" not in page


def test_english_page_inlines_no_font():
    from compare import html

    assert "@font-face" not in html.render("# Which coin?", {}, "t")
    ko = html.render("# 어느 동전일까?", {}, "t", lang="ko")
    assert "@font-face" in ko and '<html lang="ko">' in ko


@pytest.mark.slow
@pytest.mark.parametrize("name", RUNS)
def test_every_korean_figure_draws_without_a_missing_glyph(runs, name, tmp_path, caplog):
    from compare import figures

    r = runs[name]
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("error")
        for fig in figures.names(r):
            figures.draw(r, fig, tmp_path / f"{fig}.png")
    missing = [rec.getMessage() for rec in caplog.records if "glyph" in rec.getMessage().lower()]
    assert not missing, missing
    assert len(list(tmp_path.glob("*.png"))) == len(figures.names(r))


@pytest.mark.slow
def test_english_figures_keep_matplotlibs_font(runs):
    import matplotlib.pyplot as plt

    from compare import figures  # noqa: F401 - importing the figures changes no font

    before = list(plt.rcParams["font.family"])
    from compare.style import font

    with font("ko"):
        assert plt.rcParams["font.family"][0] == "NanumGothic"
    with font("en"):
        assert plt.rcParams["font.family"] == before
    assert plt.rcParams["font.family"] == before
