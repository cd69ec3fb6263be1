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
<section id="cmx" class="cmx" aria-label="{w:aria}">
<h2>{w:title}</h2>
<p class="cmx-note">{w:intro}</p>
<div class="cmx-grid">
<div class="cmx-panel">
<h3>{w:data}</h3>
<div class="cmx-scroll"><table><thead><tr><th>{w:set}</th><th>{w:heads}</th><th>{w:tosses}</th><th></th><th></th></tr></thead>
<tbody id="cmx-rows"></tbody></table></div>
<button type="button" id="cmx-add">{w:add}</button><button type="button" id="cmx-reset-data">{w:reset_data}</button>
<div class="cmx-err" id="cmx-data-err"></div>
<details><summary>{w:paste}</summary>
<p class="cmx-note">{w:paste_help}</p>
<textarea id="cmx-paste" aria-label="{w:paste}"></textarea>
<button type="button" id="cmx-paste-go">{w:use}</button> <span class="cmx-err" id="cmx-paste-err"></span>
</details>
</div>
<div class="cmx-panel">
<h3>{w:model}</h3>
<div class="cmx-row"><label>{w:coins} <select id="cmx-k"><option value="1">1</option><option value="2">2</option>
<option value="3">{w:three_more}</option></select></label>
<label>{w:weights} <select id="cmx-weights"><option value="fixed">{w:fixed}</option>
<option value="learned">{w:learned}</option></select></label></div>
<div class="cmx-row">{w:beta_prior}</div>
<div class="cmx-row"><label>a <input type="range" id="cmx-a-range" min="1" max="50" step="0.5">
<input class="cmx-num" inputmode="decimal" id="cmx-a" aria-label="{w:prior_a}"></label> <span class="cmx-err" id="cmx-a-err"></span></div>
<div class="cmx-row"><label>b <input type="range" id="cmx-b-range" min="1" max="50" step="0.5">
<input class="cmx-num" inputmode="decimal" id="cmx-b" aria-label="{w:prior_b}"></label> <span class="cmx-err" id="cmx-b-err"></span></div>
<div class="cmx-row" id="cmx-alpha-row"><label>{w:dirichlet} <input class="cmx-num" inputmode="decimal" id="cmx-alpha"></label>
<span class="cmx-err" id="cmx-alpha-err"></span></div>
<div class="cmx-row">{w:starts_at} <label>&#x3B8;A <input class="cmx-num" inputmode="decimal" id="cmx-t0"></label>
<span class="cmx-err" id="cmx-t0-err"></span>
<span id="cmx-t1-row"><label>&#x3B8;B <input class="cmx-num" inputmode="decimal" id="cmx-t1"></label>
<span class="cmx-err" id="cmx-t1-err"></span></span></div>
<p class="cmx-err" id="cmx-status"></p>
</div>
<div class="cmx-panel">
<h3>{w:em_steps}</h3>
<div class="cmx-row"><button type="button" id="cmx-step">{w:one_step}</button><button type="button" id="cmx-reset">{w:back}</button>
<label><input type="checkbox" id="cmx-step-prior"> {w:with_prior}</label></div>
<p>{w:after_before}<span id="cmx-step-iter">0</span>{w:after_after} <span id="cmx-step-names">&#x3B8;A / &#x3B8;B</span> =
<b id="cmx-step-theta"></b><span id="cmx-step-w"></span> <span class="cmx-note">{w:named}</span></p>
<div id="cmx-surface-box"><canvas id="cmx-surface" data-aspect="1" aria-label="{w:surface_aria}"></canvas>
<p class="cmx-note">{w:surface_note}</p></div>
<div class="cmx-scroll"><table id="cmx-estep"></table></div>
<div class="cmx-row"><button type="button" id="cmx-run">{w:run}</button>
<label>{w:at_most} <input class="cmx-num" id="cmx-maxiter" value="10000" inputmode="numeric"> {w:iterations}</label>
<label>tol <input class="cmx-num" id="cmx-tol" inputmode="decimal"></label>
<span class="cmx-err" id="cmx-maxiter-err"></span></div>
<p id="cmx-run-out" class="cmx-note"></p>
</div>
<div class="cmx-panel">
<h3>{w:estimates}</h3>
<div class="cmx-scroll"><table>
<tr><th></th><th>{w:coin1}</th><th id="cmx-col2">{w:coin2}</th><th>{w:em_iter}</th></tr>
<tr id="cmx-ml"><th>ML (EM)</th><td></td><td class="cmx-c2"></td><td></td></tr>
<tr id="cmx-map"><th>MAP (EM)</th><td></td><td class="cmx-c2"></td><td></td></tr>
<tr id="cmx-mean"><th>{w:mean_sd}</th><td></td><td class="cmx-c2"></td><td></td></tr>
<tr id="cmx-hdi"><th>{w:hdi}</th><td></td><td class="cmx-c2"></td><td></td></tr>
<tr id="cmx-wrow"><th>{w:weights}</th><td></td><td class="cmx-c2"></td><td></td></tr>
</table></div>
<p class="cmx-note">{w:table_note}</p>
<p class="cmx-note" id="cmx-method"></p>
<div id="cmx-joint-box"><canvas id="cmx-joint" data-aspect="1" aria-label="{w:joint_aria}"></canvas>
<p class="cmx-note">{w:joint_note}</p></div>
<canvas id="cmx-marg0" data-aspect="0.45" aria-label="{w:marg1_aria}"></canvas>
<canvas id="cmx-marg1" data-aspect="0.45" aria-label="{w:marg2_aria}"></canvas>
<p id="cmx-evidence"></p>
<p class="cmx-err" id="cmx-msg"></p>
<p class="cmx-note" id="cmx-timing"></p>
</div>
</div>
<script type="application/json" id="cmx-init">{init}</script>
<script type="application/json" id="cmx-words">{words}</script>
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


def words(lang: str = "en") -> tuple[dict, dict]:
    """The explorer's words in ``lang`` (the catalogue's ``explorer.*``): the markup's, and the
    table ui.js reads its labels and messages from (``explorer.ui.*``, passed as JSON)."""
    from ..words import catalogue

    cat = catalogue(lang)
    markup = {k[len("explorer."):]: v for k, v in cat.items()
              if k.startswith("explorer.") and not k.startswith("explorer.ui.")}
    ui = {k[len("explorer.ui."):]: v for k, v in cat.items() if k.startswith("explorer.ui.")}
    return markup, ui


def _markup(lang: str) -> str:
    import re

    markup, _ = words(lang)
    return re.sub(r"\{w:([a-z_0-9]+)\}", lambda m: markup[m.group(1)], MARKUP)


def section(data: dict, settings: dict, lang: str = "en") -> str:
    """The explorer as an HTML fragment (its style, markup, data and scripts), for report.html,
    its words in ``lang``."""
    ui = words(lang)[1]
    body = (_markup(lang).replace("{max_pairs}", "200").replace("{init}", _json(_init(data, settings)))
            .replace("{words}", _json(ui))
            .replace("{coinmix}", _script("coinmix.js")).replace("{ui}", _script("ui.js")))
    return f"<style>{STYLE}</style>\n{body}"


def page(data: dict, settings: dict, lang: str = "en") -> str:
    """The whole explore.html."""
    from ..html import _font_face

    title = html.escape(f"coinmix explorer: {data.get('name', '')}").replace("://", "&#58;//")
    body = section(data, settings, lang)
    return (f"<!DOCTYPE html>\n<html lang=\"{html.escape(lang)}\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{title}</title><style>body{{margin:0.8em auto;padding:0 0.6em;"
            f"max-width:1000px}}{_font_face(lang, body)}</style></head><body>\n"
            f"{body}\n</body></html>\n")
