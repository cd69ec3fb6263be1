/* coinmix.js: the two-coin mixture of Do & Batzoglou (2008) in plain JavaScript, for the explorer.
 *
 * No framework, no network. Defines globalThis.coinmix (window.coinmix in a browser) with
 *
 *   em(data, options)        plain EM exactly as Python's em.fit(..., accelerate="none",
 *                            restarts=0): the same M-step, objective, stop rule (Aitken's
 *                            estimate of the gain still to come, relative, 16-ulp floor, tol = 0
 *                            never stops early), canonical order (ascending theta), history;
 *                            options.accelerate = "squarem" runs em.driver's SQUAREM (scheme S3
 *                            with its safeguards) instead
 *   exact(data, options)     the exact posterior: K = 1 in closed form (Beta), K = 2 by the
 *                            midpoint rule on an adaptive grid (as bayes.grid, smaller grid)
 *   evidence1(data, a, b)    log p(data | one coin, Beta(a, b)), binomial coefficients included
 *   estep(data, theta, weights), step(data, state, options), runner(data, options),
 *   surface(data, options)   the pieces the explorer page draws with
 *
 * data = {heads: [...], tosses: [...]}; options use em.fit's keyword names (components,
 * weights, prior: [a, b], dirichlet, init, max_iter, tol, restarts). Every sum over sets runs over
 * the distinct (heads, tosses) pairs, in log space where it could underflow. Bad input throws an
 * Error whose message starts with the name of the field (error.field names it too).
 */
(function (root) {
  "use strict";

  var EPS = 2.220446049250313e-16;
  var TINY = 2.2250738585072014e-308;          // smallest normal double
  var BELOW_ONE = 1 - EPS / 2;                 // the double just below 1
  var LOWEST = -Number.MAX_VALUE;
  var HALF_LOG_2PI = 0.9189385332046728;
  var NOISE_ULPS = 16;
  var MAX_TOSSES = 1e9, MAX_TOTAL_TOSSES = 1e15, MAX_ITER = 1e6;
  var PRIOR_MIN = 1e-3, PRIOR_MAX = 1e6, MIN_INIT_GAP = 1e-6;
  /** the exact posterior is computed for at most this many distinct (heads, tosses) pairs */
  var MAX_EXACT_PAIRS = 200;
  /** fine-grid sizes of the exact posterior (per theta axis; the weight axis) */
  var GRID_FIXED = 200, GRID_LEARNED = 80, GRID_WEIGHT = 40;
  var COARSE_FIXED = 100, COARSE_LEARNED = 50, COARSE_WEIGHT = 25;
  var LOG_MASS_CUTOFF = 30, MIN_SHARE = 0.1, MIN_WIDTH = 1e-10, MAX_ZOOMS = 30;
  var HDI_STEPS = 4001;
  var SNAP = 4;            // boxes snap outward to multiples of 4 coarse cells

  function fail(field, message) {
    var e = new Error(message);
    e.field = field;
    throw e;
  }

  // ------------------------------------------------------------------ special functions

  /** log(x!) - ((x + 1/2) log x - x + log(2 pi) / 2) at x = 0..15 (from exact factorials) */
  var STIRLING_TABLE = [0.0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834,
    0.020790672103765093, 0.016644691189821193, 0.013876128823070748, 0.01189670994589177,
    0.010411265261972096, 0.009255462182712733, 0.00833056343336287, 0.007573675487951841,
    0.00694284010720953, 0.006408994188004207, 0.0059513701127588475, 0.005554733551962801];

  /** The remainder of Stirling's series, lgamma(x) - ((x - 1/2) log x - x + log(2 pi)/2), for
   * x >= 10 (its first omitted term is below 1e-16 there). */
  function stirlingSeries(x) {
    var r = 1 / (x * x);
    return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188
      - r * (691 / 360360 - r / 156)))))) / x;
  }

  /** log Gamma(x) for x > 0: Stirling's series, shifted up to x >= 15 by the recurrence.
   * Absolute error a few 1e-15 for x < 15, relative 1e-15 beyond. */
  function lgamma(x) {
    if (!(x > 0)) return x === 0 ? Infinity : NaN;
    if (x === 1 || x === 2) return 0;
    var shift = 0;
    if (x < 15) {
      var p = 1;
      while (x < 15) { p *= x; x += 1; }
      shift = Math.log(p);
    }
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingSeries(x) - shift;
  }

  /** log B(a, b) for a, b > 0; Stirling's form for large arguments (no cancellation of the
   * n log n terms). */
  function betaln(a, b) {
    if (a > b) { var s = a; a = b; b = s; }
    if (b < 10) return lgamma(a) + lgamma(b) - lgamma(a + b);
    var c = a + b;
    if (a < 10) {
      return lgamma(a) + (b - 0.5) * Math.log1p(-a / c) - a * Math.log(c) + a
        + stirlingSeries(b) - stirlingSeries(c);
    }
    return (a - 0.5) * Math.log(a / c) + (b - 0.5) * Math.log1p(-a / c) - 0.5 * Math.log(c)
      + HALF_LOG_2PI + stirlingSeries(a) + stirlingSeries(b) - stirlingSeries(c);
  }

  function stirlingError(x) {             // whole x >= 1
    return x < 16 ? STIRLING_TABLE[x] : stirlingSeries(x);
  }

  /** log C(n, h) for whole 0 <= h <= n, as em.pairs.log_binomial (Loader's Stirling form). */
  function logBinomial(n, h) {
    var k = Math.min(h, n - h);
    if (k <= 0) return 0;
    var m = n - k, logRatio = Math.log(n / k);
    return k * logRatio - m * Math.log1p(-k / n) + 0.5 * (logRatio - Math.log(m)) - HALF_LOG_2PI
      + stirlingError(n) - stirlingError(k) - stirlingError(m);
  }

  function logaddexp(a, b) {
    if (a === -Infinity) return b;
    if (b === -Infinity) return a;
    return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
  }

  function xlogy(x, y) { return x === 0 ? 0 : x * Math.log(y); }
  function xlog1py(x, y) { return x === 0 ? 0 : x * Math.log1p(y); }

  // ------------------------------------------------------------------ data

  /** Validate {heads, tosses} and collapse identical pairs (sorted by heads, then tosses, as
   * em.pairs.compress orders its keys). */
  function compress(data) {
    if (!data || typeof data !== "object") fail("data", "data must be {heads: [...], tosses: [...]}");
    var h = data.heads, n = data.tosses;
    if (!h || !n || typeof h.length !== "number" || typeof n.length !== "number")
      fail("data", "data must be {heads: [...], tosses: [...]}");
    if (h.length !== n.length)
      fail("data", "data: heads and tosses differ in length: " + h.length + " and " + n.length);
    if (h.length === 0) fail("data", "data: no sets: heads and tosses are empty");
    var total = 0, i, cnt0 = data.count;
    if (cnt0 !== undefined && cnt0 !== null && cnt0.length !== h.length)
      fail("count", "count: " + cnt0.length + " values for " + h.length + " sets");
    for (i = 0; i < h.length; i++) {
      var hi = h[i], ni = n[i], ci = cnt0 ? cnt0[i] : 1;
      if (typeof ci !== "number" || !Number.isInteger(ci) || ci < 1)
        fail("count", "count: row " + (i + 1) + ": " + ci + " is not a whole number >= 1");
      if (typeof ni !== "number" || !Number.isInteger(ni))
        fail("tosses", "tosses: set " + (i + 1) + ": " + ni + " is not a whole number");
      if (typeof hi !== "number" || !Number.isInteger(hi))
        fail("heads", "heads: set " + (i + 1) + ": " + hi + " is not a whole number");
      if (ni > MAX_TOSSES)
        fail("tosses", "tosses: set " + (i + 1) + ": " + ni + " is above the limit of 10^9 tosses per set");
      if (ni < 1) fail("tosses", "tosses: set " + (i + 1) + ": tosses " + ni + " < 1 (a set needs at least one toss)");
      if (hi < 0) fail("heads", "heads: set " + (i + 1) + ": heads " + hi + " < 0");
      if (hi > ni) fail("heads", "heads: set " + (i + 1) + ": heads " + hi + " > tosses " + ni);
      total += ni * ci;
    }
    if (total > MAX_TOTAL_TOSSES) fail("tosses", "tosses: " + total + " in all, above the limit of 10^15");
    var idx = [];
    for (i = 0; i < h.length; i++) idx.push(i);
    idx.sort(function (x, y) { return (h[x] - h[y]) || (n[x] - n[y]) || (x - y); });
    var uh = [], un = [], cnt = [], inverse = new Array(h.length), nSets = 0;
    for (var q = 0; q < idx.length; q++) {
      var j = idx[q], last = uh.length - 1, cj = cnt0 ? cnt0[j] : 1;
      nSets += cj;
      if (last >= 0 && uh[last] === h[j] && un[last] === n[j]) cnt[last] += cj;
      else { uh.push(h[j]); un.push(n[j]); cnt.push(cj); last += 1; }
      inverse[j] = last;
    }
    var J = uh.length;
    var p = {J: J, heads: new Float64Array(uh), tosses: new Float64Array(un),
      tails: new Float64Array(J), count: new Float64Array(cnt), logBinom: new Float64Array(J),
      cHeads: new Float64Array(J), cTails: new Float64Array(J), inverse: inverse,
      nSets: h.length, rows: h.length, sets: nSets, longest: 0, signature: ""};
    for (i = 0; i < J; i++) {
      p.tails[i] = un[i] - uh[i];
      p.logBinom[i] = logBinomial(un[i], uh[i]);
      p.cHeads[i] = cnt[i] * uh[i];
      p.cTails[i] = cnt[i] * p.tails[i];
      if (un[i] > p.longest) p.longest = un[i];
    }
    p.signature = uh.join(",") + "/" + un.join(",") + "/" + cnt.join(",");
    return p;
  }

  // ------------------------------------------------------------------ options

  function isNum(x) { return typeof x === "number" && isFinite(x); }

  function wholeOption(value, name, low, high) {
    if (typeof value !== "number" || !Number.isInteger(value) || value < low)
      fail(name, name + " must be " + (low === 1 ? "a positive whole number" : "a whole number >= " + low) + ", got " + value);
    if (high !== undefined && value > high) fail(name, name + " must be at most " + high + ", got " + value);
    return value;
  }

  /** Checked settings, as em.options.check (method "em"), with restarts limited to 0. */
  function settings(options, forExact) {
    var o = options || {};
    var k = wholeOption(o.components === undefined ? 2 : o.components, "components", 1);
    var weights = o.weights === undefined ? "fixed" : o.weights;
    if (weights !== "fixed" && weights !== "learned")
      fail("weights", "weights must be 'fixed' or 'learned', got " + weights);
    var maxIter = wholeOption(o.max_iter === undefined ? 10000 : o.max_iter, "max_iter", 0, MAX_ITER);
    var tol = o.tol === undefined ? 1e-12 : o.tol;
    if (!isNum(tol) || tol < 0) fail("tol", "tol must be a number >= 0, got " + tol);
    var restarts = o.restarts === undefined ? 0 : o.restarts;
    wholeOption(restarts, "restarts", 0);
    if (restarts !== 0)
      fail("restarts", "restarts must be 0 here: random restarts need Python's random generator " +
        "(numpy's default_rng); give the start with init");
    var accelerate = o.accelerate === undefined ? "none" : o.accelerate;
    if (accelerate !== "none" && accelerate !== "squarem")
      fail("accelerate", "accelerate must be one of squarem, none, got " + accelerate);
    var alpha = o.dirichlet === undefined ? 1 : o.dirichlet;
    if (!isNum(alpha) || alpha <= 0) fail("dirichlet", "dirichlet must be a number > 0, got " + alpha);
    if (alpha < PRIOR_MIN || alpha > PRIOR_MAX)
      fail("dirichlet", "dirichlet must lie between 10^-3 and 10^6 (the tested range), got " + alpha);
    var prior = o.prior === undefined ? (forExact ? [2, 2] : null) : o.prior;
    var a = null, b = null;
    if (prior !== null) {
      var pairs = prior;
      if (!Array.isArray(prior)) fail("prior", "prior must be [a, b] or " + k + " pairs [a, b]");
      if (prior.length === 2 && typeof prior[0] === "number") {
        pairs = [];
        for (var c = 0; c < k; c++) pairs.push([prior[0], prior[1]]);
      }
      if (pairs.length !== k) fail("prior", "prior must be [a, b] or " + k + " pairs [a, b]");
      a = new Float64Array(k); b = new Float64Array(k);
      for (var i = 0; i < k; i++) {
        if (!Array.isArray(pairs[i]) || pairs[i].length !== 2)
          fail("prior", "prior must be [a, b] or " + k + " pairs [a, b]");
        a[i] = pairs[i][0]; b[i] = pairs[i][1];
        if (!isNum(a[i]) || !isNum(b[i]) || a[i] <= 0 || b[i] <= 0)
          fail("prior", "prior must have a, b > 0 and finite, got " + JSON.stringify(prior));
        if (a[i] < PRIOR_MIN || b[i] < PRIOR_MIN || a[i] > PRIOR_MAX || b[i] > PRIOR_MAX)
          fail("prior", "prior must have 10^-3 <= a, b <= 10^6 (the tested range), got " + JSON.stringify(prior));
        if (a[i] < 1 || b[i] < 1)
          fail("prior", "prior: " + (forExact ? "the grid" : "MAP") + " needs Beta(a, b) priors with a >= 1 and b >= 1, got " +
            "Beta(" + a[i] + ", " + b[i] + "): below 1 the density is unbounded at 0 or 1");
      }
      if (weights === "learned" && alpha < 1)
        fail("dirichlet", "dirichlet: MAP and the grid need a Dirichlet concentration >= 1 on learned weights, got " + alpha);
    }
    var init = null;
    if (o.init !== undefined && o.init !== null) {
      if (!o.init || typeof o.init.length !== "number") fail("init", "init must be a list of " + k + " numbers");
      if (o.init.length !== k) fail("init", "init has " + o.init.length + " values but components = " + k);
      init = new Float64Array(k);
      for (var t = 0; t < k; t++) {
        init[t] = o.init[t];
        if (!(typeof o.init[t] === "number" && o.init[t] > 0 && o.init[t] < 1))
          fail("init", "init values must lie strictly between 0 and 1, got " + JSON.stringify(Array.from(o.init)));
      }
      var sorted = Array.from(init).sort(function (x, y) { return x - y; });
      for (var s2 = 1; s2 < k; s2++) {
        if (sorted[s2] - sorted[s2 - 1] < MIN_INIT_GAP)
          fail("init", "init has identical values " + JSON.stringify(Array.from(init)) +
            ": from identical thetas EM can never separate the coins; give distinct values");
      }
    }
    return {K: k, learned: weights === "learned", weights: weights, a: a, b: b, alpha: alpha,
      init: init, maxIter: maxIter, tol: tol, accelerate: accelerate};
  }

  function checkIdentifiable(k, longest) {
    if (2 * k - 1 > longest)
      fail("components", "components = " + k + " coins cannot be told apart with sets of at most " +
        longest + " toss" + (longest !== 1 ? "es" : "") + ": a mixture of K binomials is identifiable " +
        "only when a set has at least 2K - 1 = " + (2 * k - 1) + " tosses (Teicher 1963)");
  }

  // ------------------------------------------------------------------ the model

  /** Starting thetas spread over the observed proportions (em.model.data_starts). */
  function dataStarts(p, k) {
    var order = [], i;
    var props = new Float64Array(p.J);
    for (i = 0; i < p.J; i++) { props[i] = p.heads[i] / p.tosses[i]; order.push(i); }
    order.sort(function (x, y) { return (props[x] - props[y]) || (x - y); });
    var x = [], ends = [], run = 0;
    for (i = 0; i < order.length; i++) { x.push(props[order[i]]); run += p.count[order[i]]; ends.push(run); }
    var last = ends[ends.length - 1];
    function right(v) {                  // first index with ends[i] > v
      var lo = 0, hi = ends.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (ends[mid] > v) hi = mid; else lo = mid + 1; }
      return lo;
    }
    var init = new Float64Array(k);
    for (var c = 0; c < k; c++) {
      var index = ((c + 0.5) / k) * (last - 1), lower = Math.floor(index), t = index - lower;
      var av = x[right(lower)], bv = x[right(Math.min(lower + 1, last - 1))], diff = bv - av;
      var q = t >= 0.5 ? bv - diff * (1 - t) : av + diff * t;
      init[c] = Math.min(Math.max(0.05 + 0.9 * q, 0.05), 0.95);
    }
    if (k > 1) {
      var s = Array.from(init).sort(function (u, v) { return u - v; }), gap = Infinity;
      for (i = 1; i < k; i++) gap = Math.min(gap, s[i] - s[i - 1]);
      if (gap < 0.02) {
        var hh = 0, nn = 0;
        for (i = 0; i < p.J; i++) { hh += p.heads[i] * p.count[i]; nn += p.tosses[i] * p.count[i]; }
        var centre = Math.min(Math.max(hh / nn, 0.2), 0.8), step = 0.3 / (k - 1);
        for (i = 0; i < k; i++) init[i] = i === k - 1 ? centre + 0.15 : centre + (-0.15 + i * step);
      }
    }
    return init;
  }

  /** One EM pass for the driver: x = theta (fixed weights) or theta then weights (learned). */
  function Model(p, s) {
    var k = s.K;
    this.p = p; this.s = s; this.k = k;
    this.map = s.a !== null;
    this.am1 = new Float64Array(k); this.bm1 = new Float64Array(k);
    this.lo = new Float64Array(k); this.hi = new Float64Array(k);
    this.betaNorm = new Float64Array(k);
    for (var c = 0; c < k; c++) {
      var a = this.map ? s.a[c] : 1, b = this.map ? s.b[c] : 1;
      this.am1[c] = a - 1; this.bm1[c] = b - 1;
      this.lo[c] = a > 1 ? TINY : 0; this.hi[c] = b > 1 ? BELOW_ONE : 1;
      this.betaNorm[c] = betaln(a, b);
    }
    this.alpha = this.map ? s.alpha : 1;
    this.dirNorm = lgamma(k * this.alpha) - k * lgamma(this.alpha);
    this.fixedW = 1 / k;
    this.lj = new Float64Array(k); this.e = new Float64Array(k);
    this.H = new Float64Array(k); this.T = new Float64Array(k); this.S = new Float64Array(k);
    this.lw = new Float64Array(k); this.lt = new Float64Array(k); this.l1 = new Float64Array(k);
  }

  Model.prototype.theta = function (x) { return x.subarray(0, this.k); };
  Model.prototype.weightsOf = function (x) {
    if (this.s.learned) return x.subarray(this.k, 2 * this.k);
    var w = new Float64Array(this.k);
    w.fill(this.fixedW);
    return w;
  };

  Model.prototype.logPrior = function (theta, w) {
    var lp = 0, k = this.k;
    for (var c = 0; c < k; c++)
      lp += (xlogy(this.am1[c], theta[c]) + xlog1py(this.bm1[c], -theta[c])) - this.betaNorm[c];
    if (this.s.learned) {
      var d = 0;
      for (c = 0; c < k; c++) d += xlogy(this.alpha - 1, w[c]);
      lp = lp + (d + this.dirNorm);
    }
    return lp;
  };

  /** E-step at x, then the M-step: [objective(x), F(x)]. With ``table``, also the per-pair
   * responsibilities (J x K, row-major). */
  Model.prototype.evaluate = function (x, table) {
    var k = this.k, p = this.p, J = p.J, c, j;
    var learned = this.s.learned;
    var lw = this.lw, lt = this.lt, l1 = this.l1, lj = this.lj, e = this.e;
    var H = this.H, T = this.T, S = this.S;
    for (c = 0; c < k; c++) {
      var th = x[c];
      lw[c] = Math.log(learned ? x[k + c] : this.fixedW);
      lt[c] = Math.log(th); l1[c] = Math.log1p(-th);
      H[c] = 0; T[c] = 0; S[c] = 0;
    }
    var ll = 0;
    for (j = 0; j < J; j++) {
      var hj = p.heads[j], tj = p.tails[j], lb = p.logBinom[j], top = LOWEST, v;
      for (c = 0; c < k; c++) {
        v = lw[c] + lb + (hj > 0 ? hj * lt[c] : 0) + (tj > 0 ? tj * l1[c] : 0);
        lj[c] = v;
        if (v > top) top = v;
      }
      var total = 0;
      for (c = 0; c < k; c++) { e[c] = Math.exp(lj[c] - top); total += e[c]; }
      ll += (top + Math.log(total)) * p.count[j];
      var ch = p.cHeads[j], ct = p.cTails[j], cn = p.count[j];
      for (c = 0; c < k; c++) {
        var r = e[c] / total;
        if (table) table[j * k + c] = r;
        H[c] += ch * r; T[c] += ct * r; S[c] += cn * r;
      }
    }
    var weights = this.weightsOf(x);
    var objective = this.map ? ll + this.logPrior(x, weights) : ll;
    var next = new Float64Array(x.length), msum = 0;
    for (c = 0; c < k; c++) {
      var num = H[c] + this.am1[c], den = num + (T[c] + this.bm1[c]);
      var t = den > 0 ? num / den : x[c];
      next[c] = Math.min(Math.max(t, this.lo[c]), this.hi[c]);
      if (learned) { next[k + c] = S[c] + (this.alpha - 1); msum += next[k + c]; }
    }
    if (learned) for (c = 0; c < k; c++) next[k + c] = next[k + c] / msum;
    return [objective, next, ll];
  };

  Model.prototype.toFree = function (x) {
    var k = this.k, y = new Float64Array(x.length), c;
    for (c = 0; c < k; c++) y[c] = Math.log(x[c]) - Math.log1p(-x[c]);
    if (this.s.learned) {
      var mean = 0;
      for (c = 0; c < k; c++) { y[k + c] = Math.log(x[k + c]); mean += y[k + c]; }
      mean /= k;
      for (c = 0; c < k; c++) y[k + c] = y[k + c] - mean;
    }
    return y;
  };

  Model.prototype.fromFree = function (y) {
    var k = this.k, x = new Float64Array(y.length), c;
    for (c = 0; c < k; c++) x[c] = 1 / (1 + Math.exp(-y[c]));
    if (this.s.learned) {
      var top = -Infinity, sum = 0;
      for (c = 0; c < k; c++) top = Math.max(top, y[k + c]);
      for (c = 0; c < k; c++) { x[k + c] = Math.exp(y[k + c] - top); sum += x[k + c]; }
      for (c = 0; c < k; c++) x[k + c] = x[k + c] / sum;
    }
    return x;
  };

  // ------------------------------------------------------------------ the driver

  /** Aitken's estimate of the objective still to gain after l2 (em.driver.remaining_gain). */
  function remainingGain(l0, l1, l2) {
    var scale = Math.max(1, Math.abs(l2));
    var floor = NOISE_ULPS * EPS * scale;
    var d1 = l1 - l0 > floor ? l1 - l0 : 0;
    var d2 = l2 - l1 > floor ? l2 - l1 : 0;
    if (d2 === 0) return 0;
    var c = d2 / d1;
    return d1 > 0 && c < 1 ? d2 * c / (1 - c) : Infinity;
  }

  function Stop(objective, tol) {
    this.tol = tol; this.last = [objective, objective, objective]; this.seen = 0; this.quiet = 0;
  }
  Stop.prototype.update = function (objective) {
    this.last[0] = this.last[1]; this.last[1] = this.last[2]; this.last[2] = objective;
    this.seen += 1;
    if (this.tol <= 0) return false;
    var gain = remainingGain(this.last[0], this.last[1], objective);
    var small = gain < this.tol * Math.max(1, Math.abs(objective)) && this.seen >= 2;
    this.quiet = small ? this.quiet + 1 : 0;
    return this.quiet >= 2;
  };

  /** Plain EM, one iteration per call of next(). Yields nothing useful; state in ``run``. */
  function* plainClimb(model, x0, run) {
    var out = model.evaluate(x0);
    var objective = out[0], following = out[1];
    run.path.push([x0, objective]);
    run.evaluations = 1;
    var stop = new Stop(objective, run.tol);
    for (var it = 0; it < run.maxIter; it++) {
      var x = following;
      out = model.evaluate(x);
      objective = out[0]; following = out[1];
      run.evaluations += 1;
      run.path.push([x, objective]);
      if (stop.update(objective)) { run.converged = true; return; }
      yield it;
    }
  }

  var BACKTRACKS = 2;

  /** SQUAREM, scheme S3 with em.driver's safeguards; one cycle per next(). */
  function* squaremClimb(model, x0, run) {
    var out = model.evaluate(x0), objective = out[0], x1 = out[1];
    run.path.push([x0, objective]);
    run.evaluations = 1;
    var stop = new Stop(objective, run.tol), stepMax = 1, n = x0.length, i;
    for (var it = 0; it < run.maxIter; it++) {
      var x2 = model.evaluate(x1)[1];
      run.evaluations += 1;
      var y0 = model.toFree(x0), y1 = model.toFree(x1), y2 = model.toFree(x2);
      var r = new Float64Array(n), v = new Float64Array(n), rr = 0, vv = 0;
      for (i = 0; i < n; i++) {
        r[i] = y1[i] - y0[i];
        v[i] = (y2[i] - y1[i]) - r[i];
        rr += r[i] * r[i]; vv += v[i] * v[i];
      }
      var sr = Math.sqrt(rr), sv = Math.sqrt(vv);
      var ratio = sv > 0 ? sr / sv : Infinity;
      var alpha = -Math.min(stepMax, Math.max(1, ratio));
      if (!isFinite(sr + sv)) alpha = -1;            // on the boundary: the plain step
      var capped = alpha === -stepMax;
      var fresh = x2, newObj = NaN, following = null, accepted = false;
      var todo = alpha < -1;
      for (var t = 0; t < BACKTRACKS + 1; t++) {
        if (!todo) break;
        var y = new Float64Array(n);
        for (i = 0; i < n; i++) y[i] = y0[i] - 2 * alpha * r[i] + alpha * alpha * v[i];
        var stabilised = model.evaluate(model.fromFree(y))[1];
        var o2 = model.evaluate(stabilised);
        run.evaluations += 2;
        if (isFinite(o2[0]) && o2[0] >= objective) {
          accepted = true; fresh = stabilised; newObj = o2[0]; following = o2[1];
          todo = false;
        } else {
          if (capped) stepMax = Math.max(1, stepMax / 4);
          capped = false;
          alpha = 0.5 * (alpha - 1);
          todo = alpha < -1 - 1e-9;
        }
      }
      if (!accepted) {
        var op = model.evaluate(x2);
        run.evaluations += 1;
        newObj = op[0]; following = op[1];
      }
      if (capped && (accepted || alpha === -1)) stepMax *= 4;
      run.path.push([fresh, newObj]);
      if (stop.update(newObj)) { run.converged = true; return; }
      x0 = fresh; objective = newObj; x1 = following;
      yield it;
    }
  }

  function argsortStable(v) {
    var idx = [];
    for (var i = 0; i < v.length; i++) idx.push(i);
    return idx.sort(function (x, y) { return (v[x] - v[y]) || (x - y); });
  }

  /** A fit that advances in slices: ``advance(n)`` runs up to n iterations and returns true
   * when finished; ``result()`` is em's answer (once finished). The explorer runs long fits a
   * few milliseconds at a time so that the page never freezes. */
  function runner(data, options) {
    var s = settings(options, false);
    var p = compress(data);
    checkIdentifiable(s.K, p.longest);
    var model = new Model(p, s), k = s.K;
    var theta0 = s.init === null ? dataStarts(p, k) : s.init;
    var x0 = new Float64Array(s.learned ? 2 * k : k);
    for (var c = 0; c < k; c++) { x0[c] = theta0[c]; if (s.learned) x0[k + c] = 1 / k; }
    var run = {path: [], converged: false, evaluations: 0, maxIter: s.maxIter, tol: s.tol};
    var gen = (s.accelerate === "squarem" ? squaremClimb : plainClimb)(model, x0, run);
    var finished = false;
    return {
      run: run,
      advance: function (n) {
        for (var i = 0; i < n && !finished; i++) finished = gen.next().done;
        return finished;
      },
      get finished() { return finished; },
      result: function () {
        if (!finished) throw new Error("the fit is still running");
        return finish(p, s, model, run);
      }
    };
  }

  function finish(p, s, model, run) {
    var k = s.K, last = run.path[run.path.length - 1][0];
    var order = argsortStable(model.theta(last));
    function pick(v) { var o = []; for (var i = 0; i < k; i++) o.push(v[order[i]]); return o; }
    var history = run.path.map(function (pt, i) {
      return {iteration: i, theta: pick(model.theta(pt[0])), weights: pick(model.weightsOf(pt[0])),
        objective: pt[1]};
    });
    var theta = pick(model.theta(last)), weights = pick(model.weightsOf(last));
    var x = new Float64Array(s.learned ? 2 * k : k);
    for (var c = 0; c < k; c++) { x[c] = theta[c]; if (s.learned) x[k + c] = weights[c]; }
    // the log-likelihood (and responsibilities) at the ordered values, with its own prior order
    var sorted = {K: k, learned: s.learned, a: s.a === null ? null : new Float64Array(pick(s.a)),
      b: s.b === null ? null : new Float64Array(pick(s.b)), alpha: s.alpha};
    var m2 = new Model(p, sorted), table = new Float64Array(p.J * k);
    var out = m2.evaluate(x, table), logLik = out[2];
    var resp = [];
    for (var i = 0; i < p.nSets; i++) {
      var j = p.inverse[i], row = [];
      for (c = 0; c < k; c++) row.push(table[j * k + c]);
      resp.push(row);
    }
    return {
      method: s.a === null ? "ml" : "map",
      theta: theta, weights: weights, log_likelihood: logLik,
      log_posterior: s.a === null ? null : logLik + m2.logPrior(x, weights),
      iterations: run.path.length - 1, e_steps: run.evaluations, accelerate: s.accelerate,
      converged: run.converged, responsibilities: resp, history: history,
      weights_mode: s.weights, prior: s.a === null ? null : pick(s.a).map(function (a, i) { return [a, pick(s.b)[i]]; }),
      dirichlet: s.alpha
    };
  }

  /** em.fit with plain EM (accelerate "none", restarts 0): see the module comment. */
  function em(data, options) {
    var r = runner(data, options);
    r.advance(Infinity);
    return r.result();
  }

  /** The iteration count of a run, and whether it is stable to rounding: the same run from
   * starts one ulp above and one ulp below (each theta) must take as many iterations. SQUAREM's
   * extrapolation can amplify the last bits of the arithmetic (and a stop decision can sit
   * within rounding of its threshold), so a count that changes under a one-ulp nudge is not
   * one that another engine (numpy's em.fit) would reproduce: the explorer shows only stable
   * counts. Returns {iterations, counts: [as given, nudged up, nudged down], stable}. */
  function stableCount(data, options) {
    var inits = nudgedInits(data, options), counts = [];
    for (var i = 0; i < 3; i++) {
      var r = runner(data, Object.assign({}, options, {init: inits[i]}));
      r.advance(Infinity);
      counts.push(r.run.path.length - 1);
    }
    return {iterations: counts[0], counts: counts,
      stable: counts[0] === counts[1] && counts[0] === counts[2]};
  }

  /** [the start, every theta one ulp up, every theta one ulp down] (the start as em() takes it). */
  function nudgedInits(data, options) {
    var s = settings(options, false), p = compress(data);
    var base = Array.from(s.init === null ? dataStarts(p, s.K) : s.init);
    function nudge(sign) {
      return base.map(function (v) {
        var w = v + sign * v * EPS;
        return w === v ? v + sign * EPS : w;
      });
    }
    return [base, nudge(1), nudge(-1)];
  }

  /** The E-step at (theta, weights) in the order given (no relabelling): per set the
   * probability of each coin and the heads and tails credited to it (the paper's Figure 1),
   * the totals, the log-likelihood and the M-step's new thetas (ML: credited heads over
   * credited tosses; with a prior, its mode). */
  function estep(data, theta, weights, prior) {
    var k = theta.length, p = compress(data);
    var w = weights || theta.map(function () { return 1 / k; });
    var s = {K: k, learned: true, a: null, b: null, alpha: 1};
    if (prior) {
      s.a = new Float64Array(k).fill(prior[0]); s.b = new Float64Array(k).fill(prior[1]);
    }
    var m = new Model(p, s), x = new Float64Array(2 * k), table = new Float64Array(p.J * k);
    for (var c = 0; c < k; c++) { x[c] = theta[c]; x[k + c] = w[c]; }
    var out = m.evaluate(x, table);
    var rows = [], th = [], tt = [], ts = [];
    for (c = 0; c < k; c++) { th.push(0); tt.push(0); ts.push(0); }
    for (var i = 0; i < p.nSets; i++) {
      var j = p.inverse[i], h = data.heads[i], t = data.tosses[i] - h, row = {heads: h, tails: t,
        probability: [], credited_heads: [], credited_tails: []};
      for (c = 0; c < k; c++) {
        var r = table[j * k + c];
        row.probability.push(r); row.credited_heads.push(r * h); row.credited_tails.push(r * t);
      }
      rows.push(row);
    }
    for (c = 0; c < k; c++) { th[c] = m.H[c]; tt[c] = m.T[c]; ts[c] = m.S[c]; }
    return {rows: rows, total_heads: th, total_tails: tt, total_sets: ts, log_likelihood: out[2],
      objective: out[0], new_theta: Array.from(out[1].subarray(0, k)),
      new_weights: Array.from(out[1].subarray(k, 2 * k))};
  }

  /** One EM iteration from state {theta, weights} (in the order given, not relabelled), with
   * options' prior and weights mode: {theta, weights, table} where table is the E-step. */
  function step(data, state, options) {
    var s = settings(Object.assign({}, options, {init: state.theta, restarts: 0}), false);
    var k = s.K, w = state.weights || state.theta.map(function () { return 1 / k; });
    var tab = estep(data, state.theta, w, null);
    var m = new Model(compress(data), s), x = new Float64Array(s.learned ? 2 * k : k);
    for (var c = 0; c < k; c++) { x[c] = state.theta[c]; if (s.learned) x[k + c] = w[c]; }
    var out = m.evaluate(x);
    return {theta: Array.from(out[1].subarray(0, k)),
      weights: s.learned ? Array.from(out[1].subarray(k, 2 * k)) : w.slice(),
      objective: out[0], table: tab};
  }

  /** Log-likelihood of two coins with weights (w0, 1 - w0) on an n x n grid of (theta_0,
   * theta_1) midpoints over (0, 1): {x, values (row-major, [i0 * n + i1])}, for contours. */
  function surface(data, options) {
    var o = options || {}, n = o.points || 60, w0 = o.w0 === undefined ? 0.5 : o.w0;
    var p = compress(data), x = new Float64Array(n), L = new Float64Array(p.J * n), j, g;
    for (g = 0; g < n; g++) x[g] = (g + 0.5) / n;
    for (j = 0; j < p.J; j++) for (g = 0; g < n; g++)
      L[j * n + g] = p.logBinom[j] + xlogy(p.heads[j], x[g]) + xlog1py(p.tails[j], -x[g]);
    var values = new Float64Array(n * n), la = Math.log(w0), lb = Math.log1p(-w0);
    for (j = 0; j < p.J; j++) {
      var cj = p.count[j], base = j * n;
      for (var a = 0; a < n; a++) {
        var u = L[base + a] + la;
        for (var b = 0; b < n; b++) values[a * n + b] += cj * logaddexp(u, L[base + b] + lb);
      }
    }
    return {x: Array.from(x), values: values, points: n};
  }

  // ------------------------------------------------------------------ one coin, closed form

  /** log p(data | one coin, Beta(a, b)) = sum log C(n, h) + log B(a + H, b + T) - log B(a, b). */
  function evidence1(data, a, b) {
    if (!isNum(a) || !isNum(b) || a <= 0 || b <= 0) fail("prior", "prior must have a, b > 0 and finite, got " + a + ", " + b);
    var p = compress(data), H = 0, T = 0, lb = 0;
    for (var j = 0; j < p.J; j++) { H += p.cHeads[j]; T += p.cTails[j]; lb += p.count[j] * p.logBinom[j]; }
    return lb + betaln(a + H, b + T) - betaln(a, b);
  }

  /** Regularised incomplete beta I_x(a, b) (Lentz's continued fraction, in log space). */
  function betainc(x, a, b) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    if (x > (a + 1) / (a + b + 2)) return 1 - betainc(1 - x, b, a);
    var front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - betaln(a, b)) / a;
    var f = 1, c = 1, d = 0, small = 1e-300;
    for (var i = 0; i <= 200000; i++) {
      var m = i >> 1, num;
      if (i === 0) num = 1;
      else if (i % 2 === 0) num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
      else num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + num * d; if (Math.abs(d) < small) d = small; d = 1 / d;
      c = 1 + num / c; if (Math.abs(c) < small) c = small;
      var cd = c * d;
      f *= cd;
      if (Math.abs(1 - cd) < 1e-15) return front * (f - 1);
    }
    return front * (f - 1);
  }

  /** The 94% (prob) HDI of Beta(A, B), A, B >= 1: the interval between the two points of equal
   * density that holds prob of the mass (found by bisection on the density level). */
  function betaHdi(A, B, prob) {
    if (A === 1 && B === 1) return [(1 - prob) / 2, (1 + prob) / 2];     // flat: any interval
    if (A === 1) return [0, -Math.expm1(Math.log1p(-prob) / B) ];       // F(x) = 1 - (1-x)^B
    if (B === 1) return [Math.exp(Math.log1p(-prob) / A), 1];
    var mode = (A - 1) / (A + B - 2);
    function logpdf(x) { return (A - 1) * Math.log(x) + (B - 1) * Math.log1p(-x); }
    var top = logpdf(mode);
    function root(level, lo, hi, rising) {      // logpdf(x) = level on [lo, hi]
      for (var i = 0; i < 200; i++) {
        var mid = 0.5 * (lo + hi);
        if (mid === lo || mid === hi) break;
        if ((logpdf(mid) < level) === rising) lo = mid; else hi = mid;
      }
      return 0.5 * (lo + hi);
    }
    var dlo = 0, dhi = 800;          // the level is top - d
    var ends = [0, 1];
    for (var it = 0; it < 200; it++) {
      var d = 0.5 * (dlo + dhi);
      var l = root(top - d, 0, mode, true), u = root(top - d, mode, 1, false);
      var mass = betainc(u, A, B) - betainc(l, A, B);
      ends = [l, u];
      if (mass < prob) dlo = d; else dhi = d;
      if (dhi - dlo < 1e-13 * Math.max(1, d)) break;
    }
    return ends;
  }

  // ------------------------------------------------------------------ two coins on a grid

  function midpoints(lo, hi, n) {
    var x = new Float64Array(n), h = (hi - lo) / n;
    for (var i = 0; i < n; i++) x[i] = lo + (i + 0.5) * h;
    return x;
  }

  function logBetaPdf(x, a, b, norm) { return xlogy(a - 1, x) + xlog1py(b - 1, -x) - norm; }

  /** Per-pair log Binomial(h | n, x_g) on an axis, shifted by its maximum over both axes. */
  function axisTerms(p, x0, x1) {
    var J = p.J, g0 = x0.length, g1 = x1.length;
    var L0 = new Float64Array(J * g0), L1 = new Float64Array(J * g1), top = new Float64Array(J);
    var P0 = new Float64Array(J * g0), P1 = new Float64Array(J * g1);
    var lx0 = new Float64Array(g0), l1x0 = new Float64Array(g0), lx1 = new Float64Array(g1), l1x1 = new Float64Array(g1), g;
    for (g = 0; g < g0; g++) { lx0[g] = Math.log(x0[g]); l1x0[g] = Math.log1p(-x0[g]); }
    for (g = 0; g < g1; g++) { lx1[g] = Math.log(x1[g]); l1x1[g] = Math.log1p(-x1[g]); }
    for (var j = 0; j < J; j++) {
      var h = p.heads[j], t = p.tails[j], m = -Infinity, v;
      for (g = 0; g < g0; g++) { v = h * lx0[g] + t * l1x0[g]; L0[j * g0 + g] = v; if (v > m) m = v; }
      for (g = 0; g < g1; g++) { v = h * lx1[g] + t * l1x1[g]; L1[j * g1 + g] = v; if (v > m) m = v; }
      top[j] = m;
      for (g = 0; g < g0; g++) { L0[j * g0 + g] -= m; P0[j * g0 + g] = Math.exp(L0[j * g0 + g]); }
      for (g = 0; g < g1; g++) { L1[j * g1 + g] -= m; P1[j * g1 + g] = Math.exp(L1[j * g1 + g]); }
    }
    return {L0: L0, L1: L1, P0: P0, P1: P1, top: top};
  }

  /** The log-likelihood on the grid x0 x x1 (x xw): Float64Array, row-major
   * [(i0 * G1 + i1) * GW + iw], -Infinity off the order theta_0 < theta_1, with log(1/2) on
   * the diagonal of a shared grid (the constraint cuts those cells in half). Products of the
   * per-pair mixtures are accumulated in linear space (rescaled, so nothing underflows) and
   * taken to the log only when small: one multiply per cell and pair. */
  function likGrid(p, x0, x1, xw) {
    var g0 = x0.length, g1 = x1.length, gw = xw ? xw.length : 1, J = p.J;
    var ax = axisTerms(p, x0, x1), P0 = ax.P0, P1 = ax.P1, L0 = ax.L0, L1 = ax.L1;
    var cells = g0 * g1 * gw;
    var lp = new Float64Array(cells), acc = new Float64Array(cells);
    var shared = g0 === g1 && x0[0] === x1[0] && x0[g0 - 1] === x1[g1 - 1];
    var wA = new Float64Array(gw), wB = new Float64Array(gw), lwA = new Float64Array(gw), lwB = new Float64Array(gw);
    var constant = 0, i0, i1, iw, j, c;
    if (xw) {
      for (iw = 0; iw < gw; iw++) { wA[iw] = xw[iw]; wB[iw] = 1 - xw[iw]; lwA[iw] = Math.log(xw[iw]); lwB[iw] = Math.log1p(-xw[iw]); }
    } else { wA[0] = 0.5; wB[0] = 0.5; lwA[0] = Math.log(0.5); lwB[0] = Math.log(0.5); }
    acc.fill(1);
    // which cells are inside the order (the rest stay -inf)
    var first = new Int32Array(g0);     // first i1 with x1 > x0 (or = on a shared grid)
    for (i0 = 0; i0 < g0; i0++) {
      var f = 0;
      while (f < g1 && (shared ? f < i0 : x1[f] <= x0[i0])) f++;
      first[i0] = f;
    }
    for (j = 0; j < J; j++) {
      var cj = p.count[j], b0 = j * g0, b1 = j * g1;
      constant += cj * (ax.top[j] + p.logBinom[j]);
      for (i0 = 0; i0 < g0; i0++) {
        var p0 = P0[b0 + i0];
        for (i1 = first[i0]; i1 < g1; i1++) {
          var p1 = P1[b1 + i1], base = (i0 * g1 + i1) * gw;
          for (iw = 0; iw < gw; iw++) {
            var v = wA[iw] * p0 + wB[iw] * p1;
            c = base + iw;
            if (cj === 1 && v > 1e-100) {
              var z = acc[c] * v;
              if (z < 1e-200) { lp[c] += Math.log(z); z = 1; }
              acc[c] = z;
            } else if (v > 0) {
              lp[c] += cj * Math.log(v);
            } else {           // both terms underflow: exactly, in log space
              lp[c] += cj * logaddexp(lwA[iw] + L0[b0 + i0], lwB[iw] + L1[b1 + i1]);
            }
          }
        }
      }
    }
    for (i0 = 0; i0 < g0; i0++) {
      for (i1 = 0; i1 < g1; i1++) {
        var inside = i1 >= first[i0], half = shared && i1 === i0 ? Math.log(0.5) : 0;
        for (iw = 0; iw < gw; iw++) {
          c = (i0 * g1 + i1) * gw + iw;
          lp[c] = inside ? lp[c] + Math.log(acc[c]) + constant + half : -Infinity;
        }
      }
    }
    return lp;
  }

  /** The likelihood grids of the last few (data, box) pairs: moving the prior leaves the
   * likelihood alone, and the boxes sit on a coarse lattice, so a slider's move mostly reuses
   * them and only adds the prior. */
  var likCache = [];
  var LIK_CACHE_SIZE = 12;

  function cachedLik(p, x0, x1, xw) {
    var key = p.signature + "|" + x0.length + "," + x0[0] + "," + x0[x0.length - 1] + "|" + x1.length +
      "," + x1[0] + "," + x1[x1.length - 1] + "|" + (xw ? xw.length + "," + xw[0] + "," + xw[xw.length - 1] : "-");
    for (var i = 0; i < likCache.length; i++) {
      if (likCache[i].key === key) {
        var hit = likCache.splice(i, 1)[0];
        likCache.unshift(hit);
        return hit.lik;
      }
    }
    var lik = likGrid(p, x0, x1, xw);
    likCache.unshift({key: key, lik: lik});
    if (likCache.length > LIK_CACHE_SIZE) likCache.pop();
    return lik;
  }

  /** Unnormalised log posterior on the grid (as likGrid, plus the Beta and Dirichlet priors). */
  function logPost(p, x0, x1, xw, pr, alpha) {
    var lik = cachedLik(p, x0, x1, xw);
    var g0 = x0.length, g1 = x1.length, gw = xw ? xw.length : 1;
    var normA = betaln(pr[0], pr[1]), i0, i1, iw;
    var pa0 = new Float64Array(g0), pa1 = new Float64Array(g1);
    for (i0 = 0; i0 < g0; i0++) pa0[i0] = logBetaPdf(x0[i0], pr[0], pr[1], normA);
    for (i1 = 0; i1 < g1; i1++) pa1[i1] = logBetaPdf(x1[i1], pr[0], pr[1], normA);
    var dir = new Float64Array(gw);
    if (xw) {
      var dn = lgamma(2 * alpha) - 2 * lgamma(alpha);
      for (iw = 0; iw < gw; iw++) dir[iw] = xlogy(alpha - 1, xw[iw]) + xlog1py(alpha - 1, -xw[iw]) + dn;
    }
    var lp = new Float64Array(lik.length);
    for (i0 = 0; i0 < g0; i0++) {
      for (i1 = 0; i1 < g1; i1++) {
        var base = (i0 * g1 + i1) * gw, both = pa0[i0] + pa1[i1];
        for (iw = 0; iw < gw; iw++) lp[base + iw] = lik[base + iw] + both + dir[iw];
      }
    }
    return lp;
  }

  function boxOf(x, mx, pad) {
    var best = -Infinity, n = x.length, i;
    for (i = 0; i < n; i++) if (mx[i] > best) best = mx[i];
    var lo = -1, hi = -1;
    for (i = 0; i < n; i++) if (mx[i] > best - LOG_MASS_CUTOFF) { if (lo < 0) lo = i; hi = i; }
    var h = x[1] - x[0], start = x[0] - 0.5 * h;
    // the padded box, widened outward to whole multiples of SNAP cells of this grid
    var first = Math.floor((lo - pad) / SNAP) * SNAP, last = Math.ceil((hi + pad + 1) / SNAP) * SNAP;
    return [Math.max(0, start + first * h), Math.min(1, start + last * h), hi - lo + 1];
  }

  function axisMax(lp, g0, g1, gw, axis) {
    var n = [g0, g1, gw][axis], out = new Float64Array(n).fill(-Infinity);
    for (var i0 = 0; i0 < g0; i0++) for (var i1 = 0; i1 < g1; i1++) for (var iw = 0; iw < gw; iw++) {
      var v = lp[(i0 * g1 + i1) * gw + iw], i = axis === 0 ? i0 : axis === 1 ? i1 : iw;
      if (v > out[i]) out[i] = v;
    }
    return out;
  }

  /** Boxes per axis that hold the posterior (bayes.grid._locate, with coarser grids). */
  function locate(p, pr, alpha, learned) {
    var sizes = learned ? [COARSE_LEARNED, COARSE_LEARNED, COARSE_WEIGHT] : [COARSE_FIXED, COARSE_FIXED];
    var boxes = sizes.map(function () { return [0, 1]; });
    for (var z = 0; z < MAX_ZOOMS; z++) {
      var axes = boxes.map(function (bx, i) { return midpoints(bx[0], bx[1], sizes[i]); });
      var gw = learned ? sizes[2] : 1;
      var lp = logPost(p, axes[0], axes[1], learned ? axes[2] : null, pr, alpha);
      var top = -Infinity;
      for (var q = 0; q < lp.length; q++) if (lp[q] > top) top = lp[q];
      if (!isFinite(top)) fail("data", "data: the posterior underflows everywhere on the grid");
      var found = [], spans = [];
      for (var i = 0; i < sizes.length; i++) {
        var bx = boxOf(axes[i], axisMax(lp, sizes[0], sizes[1], gw, i), 2);
        found.push([bx[0], bx[1]]); spans.push(bx[2] / sizes[i]);
      }
      var lo = Math.min(found[0][0], found[1][0]), hi = Math.max(found[0][1], found[1][1]);
      if (found[0][1] > found[1][0] &&
          Math.min(found[0][1] - found[0][0], found[1][1] - found[1][0]) >= MIN_SHARE * (hi - lo)) {
        found[0] = [lo, hi]; found[1] = [lo, hi];
      }
      var same = true, narrow = Infinity;
      for (i = 0; i < found.length; i++) {
        if (found[i][0] !== boxes[i][0] || found[i][1] !== boxes[i][1]) same = false;
        narrow = Math.min(narrow, found[i][1] - found[i][0]);
      }
      if (same || narrow < MIN_WIDTH) break;
      boxes = found;
      if (Math.min.apply(null, spans) >= MIN_SHARE) break;
    }
    return boxes;
  }

  /** HDI of a piecewise-constant density on the midpoint grid x (mass p per cell), exactly as
   * bayes.intervals.hdi_from_quantile with a CDF linear inside each cell. */
  function marginal(x, mass, prob) {
    var n = x.length, h = x[1] - x[0], total = 0, i;
    for (i = 0; i < n; i++) total += mass[i];
    var p = new Float64Array(n), mean = 0, v = 0;
    for (i = 0; i < n; i++) { p[i] = mass[i] / total; mean += p[i] * x[i]; }
    for (i = 0; i < n; i++) v += p[i] * (x[i] - mean) * (x[i] - mean);
    var edges = new Float64Array(n + 1), cdf = new Float64Array(n + 1);
    edges[0] = x[0] - h / 2;
    for (i = 0; i < n; i++) { edges[i + 1] = x[i] + h / 2; cdf[i + 1] = cdf[i] + p[i]; }
    cdf[n] = 1;
    function quantile(q) {           // np.interp(q, cdf, edges), clipped to [0, 1]
      var lo = 0, hi = n;
      if (q <= cdf[0]) return Math.min(Math.max(edges[0], 0), 1);
      if (q >= cdf[n]) return Math.min(Math.max(edges[n], 0), 1);
      while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (cdf[mid] <= q) lo = mid; else hi = mid; }
      var d = cdf[lo + 1] - cdf[lo];
      var val = d > 0 ? edges[lo] + (q - cdf[lo]) * (edges[lo + 1] - edges[lo]) / d : edges[lo];
      return Math.min(Math.max(val, 0), 1);
    }
    var best = Infinity, bl = 0, bh = 1;
    for (var s = 0; s < HDI_STEPS; s++) {
      var low = (1 - prob) * s / (HDI_STEPS - 1);
      var a = quantile(low), b = quantile(low + prob);
      if (b - a < best) { best = b - a; bl = a; bh = b; }
    }
    var density = new Float64Array(n);
    for (i = 0; i < n; i++) density[i] = p[i] / h;
    return {mean: mean, sd: Math.sqrt(Math.max(v, 0)), median: quantile(0.5), hdi_low: bl, hdi_high: bh,
      x: x, density: density};
  }

  function plain(m) { return {x: Array.from(m.x), density: Array.from(m.density)}; }

  function block(ms, prob) {
    var out = {mean: [], sd: [], median: [], hdi_low: [], hdi_high: [], hdi_prob: prob};
    ms.forEach(function (m) {
      out.mean.push(m.mean); out.sd.push(m.sd); out.median.push(m.median);
      out.hdi_low.push(m.hdi_low); out.hdi_high.push(m.hdi_high);
    });
    return out;
  }

  /** The exact posterior (see the module comment). K = 1: Beta(a + H, b + T) in closed form;
   * K = 2: the ordered posterior theta_0 < theta_1 (and w_0 with learned weights, Dirichlet
   * prior) on a grid of 200 x 200 midpoints (fixed weights) or 80 x 80 x 40 (learned) over the
   * box that holds it. Returns {theta: {mean, sd, median, hdi_low, hdi_high, hdi_prob},
   * weights: {...} (learned only), log_evidence, method, points, densities, joint}. */
  function exact(data, options) {
    var o = Object.assign({}, options || {});
    var prob = o.hdi_prob === undefined ? 0.94 : o.hdi_prob;
    if (!isNum(prob) || prob <= 0 || prob >= 1) fail("hdi_prob", "hdi_prob must lie strictly between 0 and 1, got " + prob);
    var s = settings({components: o.components === undefined ? 2 : o.components, weights: o.weights,
      prior: o.prior === undefined ? [2, 2] : o.prior, dirichlet: o.dirichlet}, true);
    var k = s.K, p = compress(data), a = s.a[0], b = s.b[0];
    for (var c = 1; c < k; c++)
      if (s.a[c] !== a || s.b[c] !== b) fail("prior", "prior: the exact posterior here needs one (a, b) for every coin");
    if (k > 2) fail("components", "components: the exact posterior is computed for 1 or 2 coins only, got " + k);
    if (p.J > MAX_EXACT_PAIRS)
      fail("data", "data: the exact posterior is computed for at most " + MAX_EXACT_PAIRS +
        " distinct (heads, tosses) pairs, these data have " + p.J);
    if (k === 1) {
      var H = 0, T = 0;
      for (var j = 0; j < p.J; j++) { H += p.cHeads[j]; T += p.cTails[j]; }
      var A = a + H, B = b + T, S = A + B;
      var hdi = betaHdi(A, B, prob);
      var sd = Math.sqrt(A * B / (S * S * (S + 1)));
      var mean = A / S, lo = Math.max(0, mean - 8 * sd), hi = Math.min(1, mean + 8 * sd);
      var xs = midpoints(lo, hi, 300), dens = new Float64Array(300), norm = betaln(A, B);
      for (var g = 0; g < 300; g++) dens[g] = Math.exp(logBetaPdf(xs[g], A, B, norm));
      return {theta: {mean: [mean], sd: [sd], hdi_low: [hdi[0]], hdi_high: [hdi[1]], hdi_prob: prob},
        log_evidence: evidence1(data, a, b), method: "conjugate Beta posterior (closed form)",
        points: null, cell: null, densities: {theta: [{x: Array.from(xs), density: Array.from(dens)}]}, joint: null};
    }
    checkIdentifiable(2, p.longest);
    var pr = [a, b], learned = s.learned, alpha = s.alpha;
    var boxes = locate(p, pr, alpha, learned);
    var G = learned ? GRID_LEARNED : GRID_FIXED, GW = learned ? GRID_WEIGHT : 1;
    var x0 = midpoints(boxes[0][0], boxes[0][1], G), x1 = midpoints(boxes[1][0], boxes[1][1], G);
    var xw = learned ? midpoints(boxes[2][0], boxes[2][1], GW) : null;
    var lp = logPost(p, x0, x1, xw, pr, alpha);
    var top = -Infinity, i;
    for (i = 0; i < lp.length; i++) if (lp[i] > top) top = lp[i];
    var joint = new Float64Array(G * G), m0 = new Float64Array(G), m1 = new Float64Array(G);
    var mw = new Float64Array(GW), total = 0;
    for (var i0 = 0; i0 < G; i0++) for (var i1 = 0; i1 < G; i1++) for (var iw = 0; iw < GW; iw++) {
      var e = Math.exp(lp[(i0 * G + i1) * GW + iw] - top);
      joint[i0 * G + i1] += e; m0[i0] += e; m1[i1] += e; mw[iw] += e; total += e;
    }
    var cell = (x0[1] - x0[0]) * (x1[1] - x1[0]), volume = cell * (learned ? xw[1] - xw[0] : 1);
    var logZ = top + Math.log(total * volume) - Math.log(0.5);
    for (i = 0; i < G * G; i++) joint[i] /= total * cell;
    var t0 = marginal(x0, m0, prob), t1 = marginal(x1, m1, prob);
    var out = {theta: block([t0, t1], prob), log_evidence: logZ,
      method: "grid quadrature (" + G + " points per theta axis" + (learned ? ", " + GW + " for the weight" : "") + ")",
      points: G, cell: {theta: [x0[1] - x0[0], x1[1] - x1[0]], weights: learned ? xw[1] - xw[0] : null},
      densities: {theta: [plain(t0), plain(t1)]},
      joint: {x0: Array.from(x0), x1: Array.from(x1), density: Array.from(joint)}};
    if (learned) {
      var w0 = marginal(xw, mw, prob);
      var rx = new Float64Array(GW), rm = new Float64Array(GW);
      for (i = 0; i < GW; i++) { rx[i] = 1 - xw[GW - 1 - i]; rm[i] = mw[GW - 1 - i]; }
      var w1 = marginal(rx, rm, prob);
      out.weights = block([w0, w1], prob);
      out.densities.weights = [plain(w0), plain(w1)];
    }
    return out;
  }

  root.coinmix = {
    em: em, exact: exact, evidence1: evidence1, estep: estep, stableCount: stableCount,
    nudgedInits: nudgedInits, step: step, runner: runner,
    surface: surface, compress: compress,
    special: {lgamma: lgamma, betaln: betaln, logBinomial: logBinomial, betainc: betainc, betaHdi: betaHdi},
    limits: {max_exact_pairs: MAX_EXACT_PAIRS, grid_fixed: GRID_FIXED, grid_learned: GRID_LEARNED,
      grid_weight: GRID_WEIGHT, max_iter: MAX_ITER},
    version: 1
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
