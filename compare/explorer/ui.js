/* The explorer's page: controls that call coinmix.js (window.coinmix) and draw what it returns.
 * The starting data and settings are the report's, embedded as JSON (#cmx-init). Nothing here
 * computes a number of its own: every estimate comes from coinmix.em / exact / evidence1. */
(function () {
  "use strict";
  var cm = window.coinmix;
  var root = document.getElementById("cmx");
  if (!root || !cm) return;
  var init = JSON.parse(document.getElementById("cmx-init").textContent);
  var MAX_ROWS = 200;                 // rows the data table shows (more: distinct pairs)
  var TABLE_ROWS = 60;                // rows of the E-step table
  function $(id) { return document.getElementById(id); }
  function fmt(x, d) { return x === null || x === undefined || !isFinite(x) ? "\u2014" : x.toFixed(d === undefined ? 3 : d); }
  // the page's words in the report's language (the catalogue's explorer.* table, #cmx-words)
  var wordsEl = document.getElementById("cmx-words");
  var WORDS = wordsEl ? JSON.parse(wordsEl.textContent) : {};
  function L(key, values) {
    var text = WORDS[key] === undefined ? key : WORDS[key];
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  }
  function methodText(text) {       // coinmix.js names its method in English
    var g = /^grid quadrature \((\d+) points per theta axis(?:, (\d+) for the weight)?\)$/.exec(text);
    if (g) return L(g[2] ? "method_grid_weight" : "method_grid", {g: g[1], gw: g[2]});
    return text === "conjugate Beta posterior (closed form)" ? L("method_conjugate") : text;
  }
  function setErr(id, text) { var e = $(id); if (e) e.textContent = text || ""; }

  var state = {
    rows: init.rows.map(function (r) { return {heads: String(r[0]), tosses: String(r[1]), count: r[2]}; }),
    good: null,                // the last inputs that passed every check
    step: null,                // {theta, weights, iteration, path}
    run: null,                 // a long run in progress
    cache: {},
    lastUpdateMs: null
  };
  window.coinmixExplorer = state;

  // ---------------------------------------------------------------- the data table
  function renderRows() {
    var body = $("cmx-rows");
    body.textContent = "";
    state.rows.forEach(function (r, i) {
      var tr = document.createElement("tr");
      tr.innerHTML = '<td>' + (i + 1) + (r.count > 1 ? ' <small>\u00d7' + r.count + '</small>' : '') + '</td>' +
        '<td><input class="cmx-num" inputmode="numeric" aria-label="' + L("aria_heads", {i: i + 1}) + '"></td>' +
        '<td><input class="cmx-num" inputmode="numeric" aria-label="' + L("aria_tosses", {i: i + 1}) + '"></td>' +
        '<td><button type="button" class="cmx-del" aria-label="' + L("aria_remove", {i: i + 1}) + '">\u2212</button></td>' +
        '<td class="cmx-err"></td>';
      var ins = tr.querySelectorAll("input");
      ins[0].value = r.heads; ins[1].value = r.tosses;
      ins[0].addEventListener("input", function () { r.heads = ins[0].value; schedule(); });
      ins[1].addEventListener("input", function () { r.tosses = ins[1].value; schedule(); });
      tr.querySelector("button").addEventListener("click", function () {
        state.rows.splice(i, 1); renderRows(); schedule();
      });
      body.appendChild(tr);
    });
  }

  function whole(text) {
    var t = String(text).trim();
    return /^\d+$/.test(t) ? Number(t) : NaN;
  }

  function readData() {
    var heads = [], tosses = [], count = [], ok = true;
    var cells = $("cmx-rows").querySelectorAll("tr");
    state.rows.forEach(function (r, i) {
      var h = whole(r.heads), n = whole(r.tosses), msg = "";
      if (isNaN(h)) msg = L("err_heads");
      else if (isNaN(n)) msg = L("err_tosses");
      else if (n < 1) msg = L("err_tosses_min");
      else if (n > 1e9) msg = L("err_tosses_max");
      else if (h > n) msg = L("err_heads_tosses");
      if (cells[i]) cells[i].lastChild.textContent = msg;
      if (msg) ok = false;
      heads.push(h); tosses.push(n); count.push(r.count || 1);
    });
    if (!state.rows.length) { setErr("cmx-data-err", L("err_no_sets")); return null; }
    setErr("cmx-data-err", ok ? "" : L("err_fix"));
    return ok ? {heads: heads, tosses: tosses, count: count} : null;
  }

  function parsePaste(text) {
    var rows = [], lines = text.split(/\r?\n/);
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].replace(/#.*/, "").trim();
      if (!line || /^heads\s*[,;\t ]\s*tosses$/i.test(line)) continue;
      var m = /^(\d+)\s*[,;\t ]\s*(\d+)$/.exec(line);
      if (m) {
        var h = Number(m[1]), n = Number(m[2]);
        if (n < 1 || h > n) return {error: L("err_line_counts", {i: i + 1, h: h, n: n})};
        rows.push({heads: String(h), tosses: String(n), count: 1});
      } else if (/^[HTht\s]+$/.test(line)) {
        var seq = line.replace(/\s+/g, "").toUpperCase();
        rows.push({heads: String(seq.split("H").length - 1), tosses: String(seq.length), count: 1});
      } else {
        return {error: L("err_line_text", {i: i + 1, text: line.slice(0, 30)})};
      }
    }
    if (!rows.length) return {error: L("err_nothing")};
    if (rows.length > MAX_ROWS) return {error: L("err_lines", {n: MAX_ROWS})};
    return {rows: rows};
  }

  // ---------------------------------------------------------------- the model's controls
  function numberOf(id, lo, hi, what) {
    var t = $(id).value.trim(), v = Number(t);
    if (t === "" || !isFinite(v)) { setErr(id + "-err", L("err_number", {what: what})); return NaN; }
    if (v < lo || v > hi) { setErr(id + "-err", L("err_between", {what: what, lo: lo, hi: hi})); return NaN; }
    setErr(id + "-err", "");
    return v;
  }

  function readModel() {
    var k = Number($("cmx-k").value);
    var a = numberOf("cmx-a", 1, 1000, "a"), b = numberOf("cmx-b", 1, 1000, "b");
    var alpha = numberOf("cmx-alpha", 1, 1000, "\u03b1");
    var t0 = numberOf("cmx-t0", 0.001, 0.999, L("start")), t1 = numberOf("cmx-t1", 0.001, 0.999, L("start"));
    if (!isNaN(t0) && !isNaN(t1) && Math.abs(t0 - t1) < 1e-6) {
      setErr("cmx-t1-err", L("err_starts"));
      t1 = NaN;
    }
    if ([a, b, alpha, t0, t1].some(isNaN)) return null;
    return {k: k, weights: $("cmx-weights").value, a: a, b: b, alpha: alpha, start: [t0, t1]};
  }

  function syncSlider(name) {
    var slider = $("cmx-" + name + "-range"), box = $("cmx-" + name);
    slider.addEventListener("input", function () { box.value = slider.value; schedule(); });
    box.addEventListener("input", function () {
      var v = Number(box.value);
      if (isFinite(v) && v >= Number(slider.min) && v <= Number(slider.max)) slider.value = v;
      schedule();
    });
  }

  // ---------------------------------------------------------------- the update
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; update(); });
  }

  function emOptions(m, prior, extra) {
    var o = {components: m.k, weights: m.weights, init: m.k === 2 ? m.start : [m.start[0]],
      max_iter: init.settings.max_iter, tol: init.settings.tol, restarts: 0};
    if (prior) { o.prior = [m.a, m.b]; o.dirichlet = m.alpha; }
    return Object.assign(o, extra || {});
  }

  function cached(key, make) {
    if (!(key in state.cache)) {
      var keys = Object.keys(state.cache);
      if (keys.length > 40) delete state.cache[keys[0]];
      state.cache[key] = make();
    }
    return state.cache[key];
  }

  function update() {
    var t0 = performance.now();
    var data = readData(), m = readModel();
    if (!data || !m) {
      $("cmx-status").textContent = L("status_fix");
      return;
    }
    $("cmx-status").textContent = "";
    $("cmx-alpha-row").style.display = m.weights === "learned" ? "" : "none";
    $("cmx-t1-row").style.display = m.k === 1 ? "none" : "";
    $("cmx-surface-box").style.display = m.k === 2 ? "" : "none";
    $("cmx-joint-box").style.display = m.k === 2 ? "" : "none";
    var dkey = JSON.stringify(data), msg = [];
    state.good = {data: data, model: m};
    if (m.k > 2) {
      refuse(L("refuse_k", {k: m.k}));
      return;
    }
    var pairs;
    try { pairs = cm.compress(data); } catch (e) { refuse(e.message); return; }
    if (m.k === 2 && pairs.longest < 3) {
      refuse(L("refuse_short", {n: pairs.longest}));
      return;
    }
    if (!state.step || state.step.key !== dkey + m.k + m.weights + m.start) resetStep(data, m, dkey);
    var ml, map, ex = null, ex2 = null;
    try {
      ml = cached("ml" + dkey + JSON.stringify(emOptions(m, false)), function () { return cm.em(data, emOptions(m, false)); });
      map = cm.em(data, emOptions(m, true));
    } catch (e) { refuse(e.message); return; }
    var tooMany = pairs.J > cm.limits.max_exact_pairs;
    if (tooMany) {
      msg.push(L("too_many", {j: pairs.J, max: cm.limits.max_exact_pairs}));
    } else {
      var prior = [m.a, m.b];
      ex = cm.exact(data, {components: m.k, weights: m.weights, prior: prior, dirichlet: m.alpha});
      if (m.k === 2) ex2 = ex;
      else if (pairs.longest >= 3) ex2 = cm.exact(data, {components: 2, weights: m.weights, prior: prior, dirichlet: m.alpha});
    }
    showTable(m, ml, map, ex);
    showEvidence(data, m, ex2, pairs);
    drawSurface(data, m, dkey);
    drawJoint(ex, map, m);
    drawMarginals(ex, m);
    $("cmx-msg").textContent = msg.join(" ");
    var ms = performance.now() - t0;
    state.lastUpdateMs = ms;
    $("cmx-timing").textContent = L("updated", {ms: ms.toFixed(0)});
    root.setAttribute("data-updates", String(Number(root.getAttribute("data-updates") || 0) + 1));
  }

  function refuse(text) {
    $("cmx-msg").textContent = text;
    ["cmx-ml", "cmx-map", "cmx-mean", "cmx-hdi", "cmx-wrow"].forEach(function (id) {
      var e = $(id); if (e) { e.querySelectorAll("td").forEach(function (td) { td.textContent = "\u2014"; }); e.removeAttribute("data-theta"); }
    });
    $("cmx-evidence").textContent = "";
    root.setAttribute("data-updates", String(Number(root.getAttribute("data-updates") || 0) + 1));
  }

  function two(values) { return values.length === 1 ? [values[0], ""] : values; }

  function cells(id, values) {
    var tds = $(id).querySelectorAll("td");
    for (var i = 0; i < tds.length; i++) tds[i].textContent = values[i] === undefined ? "" : values[i];
  }

  function showTable(m, ml, map, ex) {
    var k = m.k;
    $("cmx-col2").style.display = k === 2 ? "" : "none";
    document.querySelectorAll(".cmx-c2").forEach(function (e) { e.style.display = k === 2 ? "" : "none"; });
    cells("cmx-ml", two(ml.theta.map(function (v) { return fmt(v); })).concat([ml.iterations + (ml.converged ? "" : L("not_converged"))]));
    cells("cmx-map", two(map.theta.map(function (v) { return fmt(v); })).concat([map.iterations + (map.converged ? "" : L("not_converged"))]));
    $("cmx-ml").setAttribute("data-theta", JSON.stringify(ml.theta));
    $("cmx-map").setAttribute("data-theta", JSON.stringify(map.theta));
    $("cmx-map").setAttribute("data-weights", JSON.stringify(map.weights));
    if (ex) {
      cells("cmx-mean", two(ex.theta.mean.map(function (v, i) { return fmt(v) + " \u00b1 " + fmt(ex.theta.sd[i]); })).concat([""]));
      cells("cmx-hdi", two(ex.theta.hdi_low.map(function (v, i) { return fmt(v) + " \u2013 " + fmt(ex.theta.hdi_high[i]); })).concat([""]));
      $("cmx-mean").setAttribute("data-theta", JSON.stringify(ex.theta.mean));
      $("cmx-method").textContent = methodText(ex.method) + (ex.cell ? L("cell", {w: fmt(ex.cell.theta[0], 4)}) : L("rounding"));
    } else {
      cells("cmx-mean", ["\u2014", "\u2014", ""]); cells("cmx-hdi", ["\u2014", "\u2014", ""]);
      $("cmx-method").textContent = "";
    }
    var wrow = $("cmx-wrow");
    wrow.style.display = m.weights === "learned" && k === 2 ? "" : "none";
    if (m.weights === "learned" && k === 2) {
      var w = [fmt(map.weights[0]) + " MAP", fmt(map.weights[1]) + " MAP"];
      if (ex && ex.weights) w = w.map(function (s, i) { return s + "; " + fmt(ex.weights.mean[i]) + " \u00b1 " + fmt(ex.weights.sd[i]); });
      cells("cmx-wrow", w.concat([""]));
    }
  }

  function kassRaftery(x) {
    x = Math.abs(x);
    return x < 2 ? L("kr_barely") : x < 6 ? L("kr_positive") : x < 10 ? L("kr_strong") : L("kr_very_strong");
  }

  function showEvidence(data, m, ex2, pairs) {
    var e1 = cm.evidence1(data, m.a, m.b), out = $("cmx-evidence");
    if (!ex2) {
      out.textContent = L("evidence_one", {e: fmt(e1, 3)}) + " " +
        (pairs.longest < 3 ? L("no_bf_short") : L("no_bf_many"));
      return;
    }
    var twoLnBf = 2 * (ex2.log_evidence - e1), favours = twoLnBf >= 0 ? L("two_coins") : L("one_coin");
    out.innerHTML = "";
    out.appendChild(document.createTextNode(
      L("evidence_two", {e1: fmt(e1, 3), weights: L("w_" + m.weights), e2: fmt(ex2.log_evidence, 3),
        bf: fmt(twoLnBf, 2), favours: favours})));
    var strong = document.createElement("strong");
    strong.id = "cmx-kr";
    strong.textContent = kassRaftery(twoLnBf);
    out.appendChild(strong);
    out.appendChild(document.createTextNode(L("kr_scale")));
  }

  // ---------------------------------------------------------------- EM one step at a time
  function resetStep(data, m, dkey) {
    var th = m.k === 2 ? m.start.slice() : [m.start[0]];
    state.step = {key: dkey + m.k + m.weights + m.start, theta: th, weights: th.map(function () { return 1 / th.length; }),
      iteration: 0, path: [th.slice()]};
    state.runPath = null;
    if (state.run) { state.run.cancelled = true; root.setAttribute("data-run", "cancelled"); }
    state.run = null;
    $("cmx-run-out").textContent = "";
    showStep(data, m, null);
  }

  function names(k) { return k === 2 ? ["A", "B"] : ["A"]; }

  function showStep(data, m, table) {
    var s = state.step, k = s.theta.length, nm = names(k);
    $("cmx-step-iter").textContent = String(s.iteration);
    $("cmx-step-theta").textContent = s.theta.map(function (v) { return v.toFixed(2); }).join(" / ");
    $("cmx-step-theta").setAttribute("data-theta", JSON.stringify(s.theta));
    $("cmx-step-names").textContent = nm.map(function (n) { return "\u03b8" + n; }).join(" / ");
    $("cmx-step-w").textContent = m.weights === "learned" && k === 2 ?
      L("step_weights") + s.weights.map(function (v) { return v.toFixed(2); }).join(" / ") : "";
    var tab = $("cmx-estep");
    if (!table) { tab.innerHTML = "<tr><td class='cmx-wrap'>" + L("press") + "</td></tr>"; return; }
    var h = "<tr><th>" + L("set") + "</th><th>H</th><th>T</th>" + nm.map(function (n) { return "<th>P(" + n + ")</th><th>" + n + ": H</th><th>" + n + ": T</th>"; }).join("") + "</tr>";
    table.rows.slice(0, TABLE_ROWS).forEach(function (r, i) {
      h += "<tr><td>" + (i + 1) + "</td><td>" + r.heads + "</td><td>" + r.tails + "</td>" + r.probability.map(function (p, c) {
        return "<td>" + fmt(p, 2) + "</td><td>" + fmt(r.credited_heads[c], 1) + "</td><td>" + fmt(r.credited_tails[c], 1) + "</td>";
      }).join("") + "</tr>";
    });
    if (table.rows.length > TABLE_ROWS) h += "<tr><td colspan='" + (3 + 3 * k) + "'>\u2026 " + (table.rows.length - TABLE_ROWS) + L("more_rows") + "</td></tr>";
    h += "<tr class='cmx-total'><td colspan='3'>" + L("credited") + "</td>" + nm.map(function (n, c) {
      return "<td></td><td>" + fmt(table.total_heads[c], 1) + "</td><td>" + fmt(table.total_tails[c], 1) + "</td>";
    }).join("") + "</tr>";
    h += "<tr class='cmx-total'><td colspan='3'>" + L("new_theta") + "</td>" + nm.map(function (n, c) {
      return "<td colspan='3'>" + fmt(s.theta[c], 2) + "</td>";
    }).join("") + "</tr>";
    tab.innerHTML = h;
  }

  function oneStep() {
    if (!state.good) return;
    var g = state.good, m = g.model, s = state.step;
    var withPrior = $("cmx-step-prior").checked;
    var o = {components: s.theta.length, weights: m.weights};
    if (withPrior) { o.prior = [m.a, m.b]; o.dirichlet = m.alpha; }
    var r = cm.step(g.data, {theta: s.theta, weights: s.weights}, o);
    s.theta = r.theta; s.weights = r.weights; s.iteration += 1; s.path.push(r.theta.slice());
    showStep(g.data, m, r.table);
    drawSurface(g.data, m, JSON.stringify(g.data));
  }

  // ---------------------------------------------------------------- run to convergence, in slices
  function runAll() {
    if (!state.good) return;
    if (state.run) { state.run.cancelled = true; }
    var g = state.good, m = g.model, out = $("cmx-run-out");
    var maxIter = whole($("cmx-maxiter").value);
    if (isNaN(maxIter) || maxIter < 1 || maxIter > 1e6) { setErr("cmx-maxiter-err", L("err_maxiter")); return; }
    setErr("cmx-maxiter-err", "");
    var withPrior = $("cmx-step-prior").checked;
    var tolText = $("cmx-tol").value.trim(), tol = Number(tolText);
    if (tolText === "" || !isFinite(tol) || tol < 0) { setErr("cmx-maxiter-err", L("err_tol")); return; }
    var base = emOptions(m, withPrior, {max_iter: maxIter, tol: tol});
    var jobs = [], results = {};
    ["none", "squarem"].forEach(function (acc) {
      cm.nudgedInits(g.data, base).forEach(function (start, i) {
        jobs.push({acc: acc, i: i, runner: cm.runner(g.data, Object.assign({}, base, {accelerate: acc, init: start}))});
      });
    });
    var run = {cancelled: false};
    state.run = run;
    root.setAttribute("data-run", "running");
    function slice() {
      if (run.cancelled) return;
      var t = performance.now();
      while (jobs.length && performance.now() - t < 12) {
        var job = jobs[0];
        if (job.runner.advance(20)) {
          (results[job.acc] = results[job.acc] || [])[job.i] = job.runner;
          jobs.shift();
        }
      }
      var done = 0;
      Object.keys(results).forEach(function (a) { done += results[a].filter(Boolean).length; });
      out.textContent = L("running") + (jobs.length ? (jobs[0].acc === "none" ? L("plain_em") : "SQUAREM") + L("iteration_n", {n: jobs[0].runner.run.path.length - 1}) : "") + L("runs_done", {n: done});
      if (jobs.length) { setTimeout(slice, 0); return; }
      finishRun(results, m, withPrior, maxIter);
    }
    setTimeout(slice, 0);
  }

  function countText(rs, what) {
    var counts = rs.map(function (r) { return r.run.path.length - 1; });
    var first = rs[0].result();
    var stable = counts[0] === counts[1] && counts[0] === counts[2];
    var conv = first.converged ? "" : L("raise_max");
    if (stable) return {text: what + ": " + counts[0] + conv, shown: counts[0], result: first};
    return {text: L("no_count", {what: what, counts: counts.join(", ")}), shown: null, result: first};
  }

  function finishRun(results, m, withPrior, maxIter) {
    var plain = countText(results.none, L("plain_iterations"));
    var sq = countText(results.squarem, L("squarem_cycles"));
    var th = plain.result.theta.map(function (v) { return fmt(v, 4); }).join(" / ");
    $("cmx-run-out").textContent = L("run_out", {est: withPrior ? "MAP" : "ML", theta: th, plain: plain.text, squarem: sq.text});
    $("cmx-run-out").setAttribute("data-plain", plain.shown === null ? "" : String(plain.shown));
    $("cmx-run-out").setAttribute("data-squarem", sq.shown === null ? "" : String(sq.shown));
    root.setAttribute("data-run", "done");
    state.run = null;
    state.runPath = plain.result.history.map(function (h) { return h.theta; });
    drawSurface(state.good.data, m, JSON.stringify(state.good.data));
  }

  // ---------------------------------------------------------------- drawing
  function canvas(id) {
    var c = $(id), w = Math.min(c.parentNode.clientWidth || 300, 420), ratio = window.devicePixelRatio || 1;
    var h = Math.round(w * Number(c.getAttribute("data-aspect") || 1));
    c.style.width = w + "px"; c.style.height = h + "px";
    c.width = Math.round(w * ratio); c.height = Math.round(h * ratio);
    var ctx = c.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return {ctx: ctx, w: w, h: h};
  }

  var PAD = 28;
  function axes(ctx, w, h, xl, yl, x0, x1, y0, y1) {
    ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.strokeRect(PAD, 4, w - PAD - 4, h - PAD - 4);
    ctx.fillStyle = "#333"; ctx.font = "11px sans-serif, NanumGothic";
    ctx.fillText(xl, PAD + 30, h - 4);
    ctx.save(); ctx.translate(10, h / 2 + 10); ctx.rotate(-Math.PI / 2); ctx.fillText(yl, 0, 0); ctx.restore();
    ctx.fillText(fmt(x0, 2), PAD - 4, h - PAD + 12); ctx.fillText(fmt(x1, 2), w - 30, h - PAD + 12);
    if (y0 !== undefined) { ctx.fillText(fmt(y0, 2), 0, h - PAD); ctx.fillText(fmt(y1, 2), 0, 14); }
  }

  function drawSurface(data, m, dkey) {
    var cv = canvas("cmx-surface"), ctx = cv.ctx, w = cv.w, h = cv.h;
    if (m.k !== 2) { ctx.fillStyle = "#555"; ctx.font = "13px sans-serif, NanumGothic"; ctx.fillText(L("one_coin_surface"), 10, 30); return; }
    var w0 = state.step ? state.step.weights[0] : 0.5;
    var srf = cached("srf" + dkey + w0.toFixed(3), function () { return cm.surface(data, {points: 60, w0: w0}); });
    var n = srf.points, v = srf.values, top = -Infinity, i;
    for (i = 0; i < v.length; i++) if (v[i] > top) top = v[i];
    var X = function (t) { return PAD + t * (w - PAD - 4); }, Y = function (t) { return h - PAD - t * (h - PAD - 4); };
    axes(ctx, w, h, "\u03b8A", "\u03b8B", 0, 1, 0, 1);
    var levels = [0.5, 1, 2, 4, 8, 16, 32, 64, 128];
    levels.forEach(function (d, li) {
      var lev = top - d;
      ctx.strokeStyle = "hsl(" + (220 - li * 22) + ",60%," + (35 + li * 4) + "%)";
      ctx.beginPath();
      for (var a = 0; a < n - 1; a++) for (var b = 0; b < n - 1; b++) {
        // corners: value at (theta_A = x[a], theta_B = x[b]) is v[a * n + b]
        var q = [v[a * n + b], v[(a + 1) * n + b], v[(a + 1) * n + b + 1], v[a * n + b + 1]];
        var px = [srf.x[a], srf.x[a + 1], srf.x[a + 1], srf.x[a]], py = [srf.x[b], srf.x[b], srf.x[b + 1], srf.x[b + 1]];
        var pts = [];
        for (var e = 0; e < 4; e++) {
          var f = (e + 1) % 4, qa = q[e] - lev, qb = q[f] - lev;
          if ((qa >= 0) !== (qb >= 0)) {
            var t = qa / (qa - qb);
            pts.push([px[e] + t * (px[f] - px[e]), py[e] + t * (py[f] - py[e])]);
          }
        }
        for (var p = 0; p + 1 < pts.length; p += 2) {
          ctx.moveTo(X(pts[p][0]), Y(pts[p][1])); ctx.lineTo(X(pts[p + 1][0]), Y(pts[p + 1][1]));
        }
      }
      ctx.stroke();
    });
    function path(points, colour) {
      ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 1.5; ctx.beginPath();
      points.forEach(function (pt, j) { if (j) ctx.lineTo(X(pt[0]), Y(pt[1])); else ctx.moveTo(X(pt[0]), Y(pt[1])); });
      ctx.stroke();
      var last = points[points.length - 1];
      ctx.beginPath(); ctx.arc(X(last[0]), Y(last[1]), 4, 0, 2 * Math.PI); ctx.fill();
    }
    if (state.runPath && state.runPath.length) {
      // the run's history is ordered by theta; draw it in the start's labels
      var swap = m.start[0] > m.start[1];
      path(state.runPath.map(function (t) { return swap ? [t[1], t[0]] : [t[0], t[1]]; }), "#999");
    }
    if (state.step) path(state.step.path, "#c22");
  }

  function drawJoint(ex, map, m) {
    var cv = canvas("cmx-joint"), ctx = cv.ctx, w = cv.w, h = cv.h;
    if (!ex || !ex.joint) {
      ctx.fillStyle = "#555"; ctx.font = "13px sans-serif, NanumGothic";
      ctx.fillText(m.k === 1 ? L("one_coin_joint") : L("not_computed"), 10, 30); return;
    }
    var j = ex.joint, G = j.x0.length, d = j.density, top = 0, i;
    for (i = 0; i < d.length; i++) if (d[i] > top) top = d[i];
    var lo = Math.min(j.x0[0], j.x1[0]), hi = Math.max(j.x0[G - 1], j.x1[G - 1]);
    var pw = w - PAD - 4, ph = h - PAD - 4;
    var X = function (t) { return PAD + (t - lo) / (hi - lo) * pw; }, Y = function (t) { return h - PAD - (t - lo) / (hi - lo) * ph; };
    var img = ctx.createImageData(Math.ceil(pw), Math.ceil(ph));
    var hx0 = j.x0[1] - j.x0[0], hx1 = j.x1[1] - j.x1[0];
    for (var py = 0; py < img.height; py++) {
      var t1 = lo + (img.height - py - 0.5) / img.height * (hi - lo), i1 = Math.floor((t1 - (j.x1[0] - hx1 / 2)) / hx1);
      for (var px = 0; px < img.width; px++) {
        var t0 = lo + (px + 0.5) / img.width * (hi - lo), i0 = Math.floor((t0 - (j.x0[0] - hx0 / 2)) / hx0);
        var val = i0 >= 0 && i0 < G && i1 >= 0 && i1 < G ? d[i0 * G + i1] / top : 0;
        var o = (py * img.width + px) * 4, c = Math.round(255 * (1 - Math.sqrt(val)));
        img.data[o] = c; img.data[o + 1] = c; img.data[o + 2] = 255; img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, PAD * (window.devicePixelRatio || 1), 4 * (window.devicePixelRatio || 1));
    // putImageData ignores the transform: redraw at device scale only when the ratio is 1
    if ((window.devicePixelRatio || 1) !== 1) {
      var tmp = document.createElement("canvas"); tmp.width = img.width; tmp.height = img.height;
      tmp.getContext("2d").putImageData(img, 0, 0);
      ctx.clearRect(0, 0, w, h); ctx.drawImage(tmp, PAD, 4, pw, ph);
    }
    axes(ctx, w, h, L("axis_coin1"), L("axis_coin2"), lo, hi, lo, hi);
    ctx.strokeStyle = "#c22"; ctx.fillStyle = "#c22"; ctx.lineWidth = 1.5; ctx.beginPath();
    map.history.forEach(function (s, k) {
      var x = X(s.theta[0]), y = Y(s.theta[1]);
      if (k) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    });
    ctx.stroke();
    var last = map.history[map.history.length - 1].theta;
    ctx.beginPath(); ctx.arc(X(last[0]), Y(last[1]), 4, 0, 2 * Math.PI); ctx.fill();
  }

  function drawMarginals(ex, m) {
    ["cmx-marg0", "cmx-marg1"].forEach(function (id, c) {
      var cv = canvas(id), ctx = cv.ctx, w = cv.w, h = cv.h;
      var dens = ex && ex.densities.theta[c];
      $(id).style.display = dens ? "" : "none";
      if (!dens) return;
      var x = dens.x, d = dens.density, top = 0, i;
      for (i = 0; i < d.length; i++) if (d[i] > top) top = d[i];
      var lo = x[0], hi = x[x.length - 1];
      var X = function (t) { return PAD + (t - lo) / (hi - lo) * (w - PAD - 4); }, Y = function (v) { return h - PAD - v / top * (h - PAD - 10); };
      ctx.fillStyle = "#dde6ff";
      ctx.fillRect(X(ex.theta.hdi_low[c]), 4, X(ex.theta.hdi_high[c]) - X(ex.theta.hdi_low[c]), h - PAD - 4);
      axes(ctx, w, h, L("axis_marginal", {c: c + 1, mean: fmt(ex.theta.mean[c])}), "", lo, hi);
      ctx.strokeStyle = "#224"; ctx.lineWidth = 1.5; ctx.beginPath();
      for (i = 0; i < x.length; i++) { if (i) ctx.lineTo(X(x[i]), Y(d[i])); else ctx.moveTo(X(x[i]), Y(d[i])); }
      ctx.stroke();
      ctx.strokeStyle = "#c22"; ctx.beginPath(); ctx.moveTo(X(ex.theta.mean[c]), 4); ctx.lineTo(X(ex.theta.mean[c]), h - PAD); ctx.stroke();
    });
  }

  // ---------------------------------------------------------------- wiring
  var s0 = init.settings;
  $("cmx-k").value = String(s0.components <= 2 ? s0.components : 3);
  $("cmx-weights").value = s0.weights;
  $("cmx-a").value = $("cmx-a-range").value = s0.prior[0];
  $("cmx-b").value = $("cmx-b-range").value = s0.prior[1];
  $("cmx-alpha").value = s0.dirichlet;
  var st = s0.init && s0.init.length >= 2 ? s0.init : [0.6, 0.5];
  $("cmx-t0").value = st[0]; $("cmx-t1").value = st[1];
  $("cmx-tol").value = String(s0.tol);
  renderRows();
  syncSlider("a"); syncSlider("b");
  ["cmx-k", "cmx-weights", "cmx-alpha", "cmx-t0", "cmx-t1"].forEach(function (id) {
    $(id).addEventListener("input", schedule); $(id).addEventListener("change", schedule);
  });
  $("cmx-add").addEventListener("click", function () {
    if (state.rows.length >= MAX_ROWS) { setErr("cmx-data-err", L("err_rows", {n: MAX_ROWS})); return; }
    var last = state.rows[state.rows.length - 1];
    state.rows.push({heads: "5", tosses: last ? last.tosses : "10", count: 1}); renderRows(); schedule();
  });
  $("cmx-paste-go").addEventListener("click", function () {
    var r = parsePaste($("cmx-paste").value);
    if (r.error) { setErr("cmx-paste-err", r.error); return; }
    setErr("cmx-paste-err", ""); state.rows = r.rows; renderRows(); schedule();
  });
  $("cmx-reset-data").addEventListener("click", function () {
    state.rows = init.rows.map(function (r) { return {heads: String(r[0]), tosses: String(r[1]), count: r[2]}; });
    renderRows(); schedule();
  });
  $("cmx-step").addEventListener("click", oneStep);
  $("cmx-reset").addEventListener("click", function () { state.step = null; state.runPath = null; schedule(); });
  $("cmx-run").addEventListener("click", runAll);
  $("cmx-step-prior").addEventListener("change", function () { state.step = null; schedule(); });
  var resizeTimer = null;
  window.addEventListener("resize", function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(schedule, 100); });
  update();
  // a page font inlined for the report's language loads after the first drawing: draw again
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);
})();
