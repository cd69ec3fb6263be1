"""The explorer's page (compare/explorer) in real headless Chromium, driven by Playwright with the
system's browser: the shown MAP follows the prior slider to em.fit's value, one EM step on the
paper's data shows 0.71 / 0.58, a run to convergence shows Python's counts, bad input and K > 2
get a visible message, the page fits 400 px, and it asks for no URL but its own file."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

import em
from compare import explorer

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PAPER = {"name": "do-batzoglou", "heads": [5, 9, 8, 4, 7], "tosses": [10] * 5}
SETTINGS = {"components": 2, "weights": "fixed", "prior": [2.0, 2.0], "dirichlet": 1.0,
            "init": [0.6, 0.5], "max_iter": 1000, "tol": 1e-12}

if not os.access(CHROMIUM, os.X_OK):
    pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("explore") / "explore.html"
    path.write_text(explorer.page(PAPER, SETTINGS), encoding="utf-8")
    return path


def open_page(browser, path, width=1280):
    pg = browser.new_page(viewport={"width": width, "height": 900})
    requests = []
    pg.on("request", lambda r: requests.append(r.url))
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(path.as_uri())
    pg.wait_for_function("document.getElementById('cmx').getAttribute('data-updates') >= '1'")
    return pg, requests, errors


def updates(pg):
    return int(pg.get_attribute("#cmx", "data-updates"))


def set_slider(pg, selector, value):
    before = updates(pg)
    pg.eval_on_selector(selector, "(e, v) => { e.value = v; e.dispatchEvent(new Event('input')); }", value)
    pg.wait_for_function(f"Number(document.getElementById('cmx').getAttribute('data-updates')) > {before}")


def test_the_prior_moves_the_map_to_pythons(browser, page_file):
    pg, requests, errors = open_page(browser, page_file)
    for a, b in [(2, 2), (5, 2), (12.5, 30)]:
        set_slider(pg, "#cmx-a-range", str(a))
        set_slider(pg, "#cmx-b-range", str(b))
        shown = json.loads(pg.get_attribute("#cmx-map", "data-theta"))
        py = em.fit(PAPER["heads"], PAPER["tosses"], prior=(a, b), init=(0.6, 0.5), restarts=0,
                    accelerate="none")
        np.testing.assert_allclose(shown, py.theta, rtol=0, atol=1e-9)
        cells = pg.locator("#cmx-map td").all_inner_texts()
        assert cells[:2] == [f"{v:.3f}" for v in py.theta]
    assert requests == [page_file.as_uri()] and not errors
    pg.close()


def test_one_em_step_shows_the_papers_numbers(browser, page_file):
    pg, _, errors = open_page(browser, page_file)
    assert pg.inner_text("#cmx-step-theta") == "0.60 / 0.50"
    pg.click("#cmx-step")
    assert pg.inner_text("#cmx-step-theta") == "0.71 / 0.58"
    table = pg.inner_text("#cmx-estep")
    assert "21.3" in table and "11.7" in table          # heads credited to A and B (Figure 1)
    for _ in range(9):
        pg.click("#cmx-step")
    assert pg.inner_text("#cmx-step-theta") == "0.80 / 0.52"
    assert not errors
    pg.close()


def test_run_to_convergence_shows_pythons_counts(browser, page_file):
    pg, _, errors = open_page(browser, page_file)
    pg.click("#cmx-run")
    pg.wait_for_function("document.getElementById('cmx').getAttribute('data-run') === 'done'")
    plain = em.fit(PAPER["heads"], PAPER["tosses"], init=(0.6, 0.5), restarts=0, max_iter=10000,
                   accelerate="none")
    squarem = em.fit(PAPER["heads"], PAPER["tosses"], init=(0.6, 0.5), restarts=0, max_iter=10000,
                      accelerate="squarem")
    assert pg.get_attribute("#cmx-run-out", "data-plain") == str(plain.iterations)
    assert pg.get_attribute("#cmx-run-out", "data-squarem") == str(squarem.iterations)
    assert not errors
    pg.close()


def test_bad_input_keeps_the_last_good_result(browser, page_file):
    pg, _, errors = open_page(browser, page_file)
    before = pg.get_attribute("#cmx-map", "data-theta")
    first = pg.locator("#cmx-rows tr").first
    first.locator("input").first.fill("x")
    pg.wait_for_timeout(100)
    assert "whole number" in first.locator("td.cmx-err").inner_text()
    assert pg.get_attribute("#cmx-map", "data-theta") == before
    first.locator("input").first.fill("12")                          # heads > tosses
    pg.wait_for_timeout(100)
    assert "heads > tosses" in first.locator("td.cmx-err").inner_text()
    assert pg.get_attribute("#cmx-map", "data-theta") == before
    first.locator("input").first.fill("5")
    pg.wait_for_timeout(100)
    assert first.locator("td.cmx-err").inner_text() == ""
    pg.fill("#cmx-a", "abc")
    pg.wait_for_timeout(100)
    assert pg.inner_text("#cmx-a-err") != "" and pg.get_attribute("#cmx-map", "data-theta") == before
    pg.fill("#cmx-a", "2")
    pg.select_option("#cmx-k", "3")
    pg.wait_for_timeout(100)
    assert "one or two coins only" in pg.inner_text("#cmx-msg")
    assert pg.get_attribute("#cmx-map", "data-theta") is None       # refused, no number
    assert not errors
    pg.close()


def test_paste_and_one_coin(browser, page_file):
    pg, _, errors = open_page(browser, page_file)
    pg.click("summary")
    pg.fill("#cmx-paste", "HTTTHHTHTH\n9,10\nHHHHTHHHHH\n")
    pg.click("#cmx-paste-go")
    pg.wait_for_timeout(100)
    assert pg.locator("#cmx-rows tr").count() == 3
    pg.select_option("#cmx-k", "1")
    pg.wait_for_timeout(150)
    py = em.fit([5, 9, 9], [10, 10, 10], components=1, prior=(2, 2), restarts=0, accelerate="none")
    np.testing.assert_allclose(json.loads(pg.get_attribute("#cmx-map", "data-theta")), py.theta, atol=1e-12)
    mean = json.loads(pg.get_attribute("#cmx-mean", "data-theta"))
    assert abs(mean[0] - (2 + 23) / (4 + 30)) < 1e-12                 # Beta(25, 9)
    pg.fill("#cmx-paste", "HTX\n")
    pg.click("#cmx-paste-go")
    assert "neither an H/T sequence" in pg.inner_text("#cmx-paste-err")
    assert not errors
    pg.close()


def test_fits_400_px(browser, page_file):
    pg, _, errors = open_page(browser, page_file, width=400)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 400
    assert pg.evaluate("document.body.scrollWidth") <= 400
    assert not errors
    pg.close()


def test_the_report_section_works_inside_report_html(browser, tmp_path):
    from compare import html
    path = tmp_path / "report.html"
    page = html.render("# A report\n\ntheta_0 and text.\n", {}, "t",
                       extra=explorer.section(PAPER, SETTINGS))
    assert "://" not in page
    path.write_text(page, encoding="utf-8")
    pg, requests, errors = open_page(browser, path)
    assert pg.evaluate("typeof window.coinmix.em") == "function"
    assert pg.inner_text("#cmx-step-theta") == "0.60 / 0.50"
    assert requests == [path.as_uri()] and not errors
    pg.close()
