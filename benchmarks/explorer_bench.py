"""The explorer's speed in headless Chromium (the system's /usr/bin/chromium via Playwright).

    PYTHONPATH=. .venv/bin/python benchmarks/explorer_bench.py

1. A slider move (prior a) with 100 distinct (heads, tosses) pairs, fixed and learned weights:
   the page's own update time (performance.now() around EM-ML, EM-MAP, the exact posterior of
   one and two coins, the evidence and every drawing), median and worst of 15 moves after a
   warm-up; targets 50 ms (fixed) and 200 ms (learned).
2. A 10^4-iteration run (tol 0: plain EM and SQUAREM, each from three nudged starts) on the
   same data: the longest gap between animation frames while it runs (a frozen tab would show
   the run's whole duration), and the run's total time.
"""

import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare import explorer  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def hundred_pairs(seed=1):
    rng = np.random.default_rng(seed)
    pairs = set()
    while len(pairs) < 100:
        n = int(rng.integers(5, 60))
        pairs.add((int(rng.binomial(n, 0.45 if rng.random() < 0.5 else 0.75)), n))
    pairs = sorted(pairs)
    return [h for h, _ in pairs], [n for _, n in pairs]


def main():
    from playwright.sync_api import sync_playwright
    heads, tosses = hundred_pairs()
    out = Path("/tmp/coinmix-explorer-bench")
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for weights in ("fixed", "learned"):
            settings = {"components": 2, "weights": weights, "prior": [2, 2], "dirichlet": 1,
                        "init": [0.6, 0.5], "max_iter": 1000, "tol": 1e-12}
            path = out / f"explore-{weights}.html"
            path.write_text(explorer.page({"name": "bench", "heads": heads, "tosses": tosses},
                                          settings), encoding="utf-8")
            pg = browser.new_page(viewport={"width": 1280, "height": 900})
            pg.goto(path.as_uri())
            pg.wait_for_function("document.getElementById('cmx').getAttribute('data-updates') >= '1'")
            times = []
            for i, a in enumerate([3, 4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5, 4, 3, 2, 2.5, 3.5]):
                before = int(pg.get_attribute("#cmx", "data-updates"))
                pg.eval_on_selector("#cmx-a-range", "(e, v) => { e.value = v; e.dispatchEvent(new Event('input')); }", str(a))
                pg.wait_for_function(f"Number(document.getElementById('cmx').getAttribute('data-updates')) > {before}")
                if i >= 3:
                    times.append(pg.evaluate("window.coinmixExplorer.lastUpdateMs"))
            print(f"slider move, 100 distinct pairs, {weights} weights: median "
                  f"{statistics.median(times):.0f} ms, worst {max(times):.0f} ms ({len(times)} moves)")
            if weights == "fixed":
                pg.fill("#cmx-maxiter", "10000")
                pg.evaluate("""() => { window.gaps = []; let last = performance.now();
                    window.frameLoop = () => { const t = performance.now(); window.gaps.push(t - last); last = t;
                      if (document.getElementById('cmx').getAttribute('data-run') !== 'done') requestAnimationFrame(window.frameLoop); };
                    requestAnimationFrame(window.frameLoop); }""")
                t0 = pg.evaluate("performance.now()")
                pg.eval_on_selector("#cmx-maxiter", "e => { e.value = '10000'; }")
                pg.fill("#cmx-tol", "0")
                pg.click("#cmx-run")
                pg.wait_for_function("document.getElementById('cmx').getAttribute('data-run') === 'done'", timeout=600000)
                total = pg.evaluate("performance.now()") - t0
                gaps = pg.evaluate("window.gaps")
                print(f"run to convergence (max 10^4 iterations, tol 0: plain EM and SQUAREM, 3 starts each = 6 x 10^4 "
                      f"iterations): {total / 1000:.1f} s in all; longest gap between frames {max(gaps):.0f} ms "
                      f"over {len(gaps)} frames")
            pg.close()
        browser.close()


if __name__ == "__main__":
    main()
