"""The live explorer: explore.html (a page of its own) and a section of report.html.

The numbers come from one small JavaScript module, ``coinmix.js`` (``window.coinmix``: ``em``,
``exact``, ``evidence1``; tested against the Python engines in tests/test_explorer_js.py); the
page's controls (``ui.js``) only call it and draw. Both files are inlined, so the page works
from ``file:`` with no network, and neither the scripts nor the embedded data hold an address
(the report's HTML writes no "://" anywhere).

    page(data, settings) -> str       the whole explore.html
    section(data, settings) -> str    the fragment report.html carries

``data``: summary.json's ``data`` ({name, heads, tosses} or, for large data, {name, pairs:
{heads, tosses, count}}); ``settings``: summary.json's ``settings`` (components, weights, prior,
dirichlet, init, max_iter, tol). The table starts with one row per set, or one row per
distinct (heads, tosses) pair with its count when there are more than ``MAX_ROWS`` sets.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_ROWS = 200

STYLE = """
.cmx{font-family:system-ui,-apple-system,Segoe UI,sans-serif;line-height:1.4;color:#222;
  max-width:980px;box-sizing:border-box}
.cmx *{box-sizing:border-box}
.cmx h2{font-family:Georgia,serif}
.cmx h3{margin:0.2em 0 0.4em;font-size:1.05em}
.cmx-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr));gap:12px}
.cmx-panel{border:1px solid #ccc;border-radius:6px;padding:8px 10px;min-width:0;background:#fcfcfc}
.cmx-scroll{overflow-x:auto;max-width:100%}
.cmx table{border-collapse:collapse;font-size:0.88em}
.cmx th,.cmx td{border:1px solid #ddd;padding:2px 5px;text-align:right;white-space:nowrap}
.cmx th:first-child,.cmx td:first-child{text-align:left}
.cmx td.cmx-err{border:none;text-align:left;white-space:normal}
.cmx-err{color:#b00;font-size:0.85em}
.cmx-note{font-size:0.88em;color:#444}
.cmx-num{width:4.5em}
.cmx input[type=number]{width:5em}
.cmx input[type=range]{width:9em;vertical-align:middle}
.cmx label{display:inline-block;margin:2px 8px 2px 0}
.cmx button{margin:2px 4px 2px 0}
.cmx textarea{width:100%;min-height:5em;font-family:monospace}
.cmx canvas{display:block;margin:6px 0;max-width:100%}
.cmx-total td{font-weight:bold}
.cmx td.cmx-wrap{white-space:normal;text-align:left}
#cmx-wrow td{white-space:normal}
.cmx-row{margin:3px 0}
"""

MARKUP = """
<section id="cmx" class="cmx" aria-label="explorer">
<h2>Explore: change the data, move the prior, step EM</h2>
<p class="cmx-note">Computed live in this page by coinmix.js, from the report's data and settings.
<b>Exact</b>: EM's estimates (the same numbers as the Python engine's plain EM from the same start),
the one-coin posterior and its evidence (closed form). <b>Grid quadrature</b> (accurate to the grid,
stated beside it): the two-coin posterior and its evidence. EM here uses the start you give and no random
restarts, so it can stop at a local maximum the report's restarts would avoid. Limits: one or two coins;
at most {max_pairs} distinct (heads, tosses) pairs for the exact posterior.</p>
<div class="cmx-grid">
<div class="cmx-panel">
<h3>Data</h3>
<div class="cmx-scroll"><table><thead><tr><th>set</th><th>heads</th><th>tosses</th><th></th><th></th></tr></thead>
<tbody id="cmx-rows"></tbody></table></div>
<button type="button" id="cmx-add">add a set</button><button type="button" id="cmx-reset-data">the report's data</button>
<div class="cmx-err" id="cmx-data-err"></div>
<details><summary>paste data</summary>
<p class="cmx-note">One set per line: an H/T sequence (HTTHH…) or <code>heads,tosses</code>.</p>
<textarea id="cmx-paste" aria-label="paste data"></textarea>
<button type="button" id="cmx-paste-go">use these</button> <span class="cmx-err" id="cmx-paste-err"></span>
</details>
</div>
<div class="cmx-panel">
<h3>Model</h3>
<div class="cmx-row"><label>coins <select id="cmx-k"><option value="1">1</option><option value="2">2</option>
<option value="3">3 or more</option></select></label>
<label>weights <select id="cmx-weights"><option value="fixed">fixed (equal)</option>
<option value="learned">learned</option></select></label></div>
<div class="cmx-row">Beta prior on each &#x3B8;:</div>
<div class="cmx-row"><label>a <input type="range" id="cmx-a-range" min="1" max="50" step="0.5">
<input class="cmx-num" inputmode="decimal" id="cmx-a" aria-label="prior a"></label> <span class="cmx-err" id="cmx-a-err"></span></div>
<div class="cmx-row"><label>b <input type="range" id="cmx-b-range" min="1" max="50" step="0.5">
<input class="cmx-num" inputmode="decimal" id="cmx-b" aria-label="prior b"></label> <span class="cmx-err" id="cmx-b-err"></span></div>
<div class="cmx-row" id="cmx-alpha-row"><label>Dirichlet &#x3B1; on the weights <input class="cmx-num" inputmode="decimal" id="cmx-alpha"></label>
<span class="cmx-err" id="cmx-alpha-err"></span></div>
<div class="cmx-row">EM starts at <label>&#x3B8;A <input class="cmx-num" inputmode="decimal" id="cmx-t0"></label>
<span class="cmx-err" id="cmx-t0-err"></span>
<span id="cmx-t1-row"><label>&#x3B8;B <input class="cmx-num" inputmode="decimal" id="cmx-t1"></label>
<span class="cmx-err" id="cmx-t1-err"></span></span></div>
<p class="cmx-err" id="cmx-status"></p>
</div>
<div class="cmx-panel">
<h3>EM, one step at a time</h3>
<div class="cmx-row"><button type="button" id="cmx-step">one EM step</button><button type="button" id="cmx-reset">back to the start</button>
<label><input type="checkbox" id="cmx-step-prior"> with the prior (MAP)</label></div>
<p>After <span id="cmx-step-iter">0</span> step(s): <span id="cmx-step-names">&#x3B8;A / &#x3B8;B</span> =
<b id="cmx-step-theta"></b><span id="cmx-step-w"></span> <span class="cmx-note">(coins named as started)</span></p>
<div id="cmx-surface-box"><canvas id="cmx-surface" data-aspect="1" aria-label="log-likelihood contours with the EM path"></canvas>
<p class="cmx-note">Contours of the log-likelihood (0.5, 1, 2, 4 … 128 below its maximum) over (&#x3B8;A, &#x3B8;B); red: your steps; grey: the last run to convergence.</p></div>
<div class="cmx-scroll"><table id="cmx-estep"></table></div>
<div class="cmx-row"><button type="button" id="cmx-run">run to convergence</button>
<label>at most <input class="cmx-num" id="cmx-maxiter" value="10000" inputmode="numeric"> iterations</label>
<label>tol <input class="cmx-num" id="cmx-tol" inputmode="decimal"></label>
<span class="cmx-err" id="cmx-maxiter-err"></span></div>
<p id="cmx-run-out" class="cmx-note"></p>
</div>
<div class="cmx-panel">
<h3>Estimates and the exact posterior</h3>
<div class="cmx-scroll"><table>
<tr><th></th><th>coin 1 (lower &#x3B8;)</th><th id="cmx-col2">coin 2</th><th>EM iter.</th></tr>
<tr id="cmx-ml"><th>ML (EM)</th><td></td><td class="cmx-c2"></td><td></td></tr>
<tr id="cmx-map"><th>MAP (EM)</th><td></td><td class="cmx-c2"></td><td></td></tr>
<tr id="cmx-mean"><th>mean &#xB1; sd</th><td></td><td class="cmx-c2"></td><td></td></tr>
<tr id="cmx-hdi"><th>94% HDI</th><td></td><td class="cmx-c2"></td><td></td></tr>
<tr id="cmx-wrow"><th>weights</th><td></td><td class="cmx-c2"></td><td></td></tr>
</table></div>
<p class="cmx-note">ML and MAP: EM from the start above (exact: Python's plain EM gives the same to 1e-9).
Mean, sd and the 94% highest-density interval: the exact posterior.</p>
<p class="cmx-note" id="cmx-method"></p>
<div id="cmx-joint-box"><canvas id="cmx-joint" data-aspect="1" aria-label="joint posterior density with the MAP path"></canvas>
<p class="cmx-note">The exact joint posterior of (&#x3B8; coin 1, &#x3B8; coin 2), darker where denser; red: EM's MAP path from the start.</p></div>
<canvas id="cmx-marg0" data-aspect="0.45" aria-label="marginal posterior of coin 1"></canvas>
<canvas id="cmx-marg1" data-aspect="0.45" aria-label="marginal posterior of coin 2"></canvas>
<p id="cmx-evidence"></p>
<p class="cmx-err" id="cmx-msg"></p>
<p class="cmx-note" id="cmx-timing"></p>
</div>
</div>
<script type="application/json" id="cmx-init">{init}</script>
<script>{coinmix}</script>
<script>{ui}</script>
</section>
"""


@cache
def _script(name: str) -> str:
    text = (HERE / name).read_text(encoding="utf-8")
    if "://" in text or "</script" in text.lower():
        raise ValueError(f"{name} must hold no address and no closing script tag")
    return text


def _rows(data: dict) -> list[list[int]]:
    """[heads, tosses, count] rows: one per set, or per distinct pair above MAX_ROWS sets."""
    if data.get("heads") is not None:
        pairs = list(zip((int(h) for h in data["heads"]), (int(n) for n in data["tosses"])))
        if len(pairs) <= MAX_ROWS:
            return [[h, n, 1] for h, n in pairs]
        counts = Counter(pairs)
    else:
        p = data["pairs"]
        counts = Counter()
        for h, n, c in zip(p["heads"], p["tosses"], p["count"]):
            counts[(int(h), int(n))] += int(c)
    return [[h, n, c] for (h, n), c in sorted(counts.items())]


def _json(obj) -> str:
    """JSON that is safe inside <script> and holds no address: <, >, & and / escaped."""
    text = json.dumps(obj, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("/", "\\/"))


def _init(data: dict, settings: dict) -> dict:
    prior = settings.get("prior") or [2.0, 2.0]
    init = settings.get("init")
    return {"name": str(data.get("name", "")), "rows": _rows(data),
            "settings": {"components": int(settings.get("components", 2)),
                         "weights": settings.get("weights", "fixed"),
                         "prior": [max(1.0, float(prior[0])), max(1.0, float(prior[1]))],
                         "dirichlet": max(1.0, float(settings.get("dirichlet", 1.0))),
                         "init": None if init is None else [float(v) for v in init],
                         "max_iter": int(settings.get("max_iter", 1000)),
                         "tol": float(settings.get("tol", 1e-12))}}


def section(data: dict, settings: dict) -> str:
    """The explorer as an HTML fragment (its style, markup, data and scripts), for report.html."""
    body = (MARKUP.replace("{max_pairs}", "200").replace("{init}", _json(_init(data, settings)))
            .replace("{coinmix}", _script("coinmix.js")).replace("{ui}", _script("ui.js")))
    return f"<style>{STYLE}</style>\n{body}"


def page(data: dict, settings: dict) -> str:
    """The whole explore.html."""
    title = html.escape(f"coinmix explorer: {data.get('name', '')}").replace("://", "&#58;//")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{title}</title><style>body{{margin:0.8em auto;padding:0 0.6em;"
            "max-width:1000px}</style></head><body>\n"
            f"{section(data, settings)}\n</body></html>\n")
