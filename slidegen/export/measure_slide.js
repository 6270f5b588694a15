// Measures a rendered slide for the PPTX export (see slidegen/export/layout_tree.py for the
// format). window.__sgMeasure() resolves to a JSON layout tree: every visible element's box in
// CSS pixels of the 1280x720 slide, its fills, gradients, borders and radii, text as runs with
// their resolved font, size, weight, colour and alignment, tables cell by cell, Chart.js charts
// as their live configuration (data as drawn, even when computed in JavaScript), and inline SVG,
// images and plain canvases as PNG data URIs.
// In a sandboxed frame (no same-origin access) the parent asks with
// postMessage({type: "sg-measure", id}) and gets {type: "sg-layout", id, layout | error} back.
(function () {
  "use strict";
  var MAX_ITEMS = 3000;
  var SKIP = { script: 1, style: 1, template: 1, noscript: 1, head: 1, meta: 1, link: 1,
    title: 1, option: 1, datalist: 1 };
  var MEDIA = { svg: 1, img: 1, canvas: 1, video: 1, picture: 0 };
  var probe = null;
  var colorCache = {};
  var fontCache = {};

  // --- colours: any CSS colour (rgb, hsl, oklch, color()) through a 1x1 canvas ---------------
  function color(value, alpha) {
    if (!value || value === "transparent" || value === "none") return null;
    var key = value;
    var rgba = colorCache[key];
    if (rgba === undefined) {
      rgba = null;
      var m = /^rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/
        .exec(value);
      if (m) {
        var a = m[4] === undefined ? 1 : (m[4].slice(-1) === "%" ? parseFloat(m[4]) / 100
          : parseFloat(m[4]));
        rgba = [Math.round(+m[1]), Math.round(+m[2]), Math.round(+m[3]), a];
      } else {
        if (!probe) {
          var c = document.createElement("canvas");
          c.width = c.height = 1;
          probe = c.getContext("2d", { willReadFrequently: true });
        }
        probe.clearRect(0, 0, 1, 1);
        probe.fillStyle = "rgba(0,0,0,0)";
        probe.fillStyle = value;
        probe.fillRect(0, 0, 1, 1);
        var d = probe.getImageData(0, 0, 1, 1).data;
        rgba = [d[0], d[1], d[2], d[3] / 255];
      }
      colorCache[key] = rgba;
    }
    if (!rgba) return null;
    var out = [rgba[0], rgba[1], rgba[2], Math.round(rgba[3] * (alpha === undefined ? 1 : alpha) * 1000) / 1000];
    return out[3] <= 0.005 ? null : out;
  }

  function averageColor(stops) {
    var sum = [0, 0, 0, 0];
    stops.forEach(function (s) { for (var k = 0; k < 4; k++) sum[k] += s[1][k]; });
    return sum.map(function (v, k) { return k < 3 ? Math.round(v / stops.length) : Math.round(v / stops.length * 1000) / 1000; });
  }

  // --- gradients: "linear-gradient(135deg, rgb(..) 0%, rgb(..) 100%)" -------------------------
  function splitTop(text) {
    var parts = [], depth = 0, start = 0;
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (ch === "(") depth++;
      else if (ch === ")") depth--;
      else if (ch === "," && depth === 0) { parts.push(text.slice(start, i).trim()); start = i + 1; }
    }
    parts.push(text.slice(start).trim());
    return parts;
  }
  var SIDES = { "to top": 0, "to right": 90, "to bottom": 180, "to left": 270,
    "to top right": 45, "to right top": 45, "to bottom right": 135, "to right bottom": 135,
    "to bottom left": 225, "to left bottom": 225, "to top left": 315, "to left top": 315 };
  function gradient(layer, alpha) {
    var m = /^(repeating-)?(linear|radial|conic)-gradient\((.*)\)$/.exec(layer);
    if (!m) return null;
    var args = splitTop(m[3]);
    var angle = 180;
    var first = args[0];
    if (m[2] === "linear") {
      var deg = /^(-?[\d.]+)(deg|turn|rad)$/.exec(first);
      if (deg) {
        angle = +deg[1] * (deg[2] === "turn" ? 360 : deg[2] === "rad" ? 180 / Math.PI : 1);
        args.shift();
      } else if (SIDES[first] !== undefined) {
        angle = SIDES[first];
        args.shift();
      }
    } else if (!/^(rgb|hsl|#|oklch|oklab|lab|lch|color|transparent|[a-z]+\s*$)/.test(first) ||
        /\bat\b|circle|ellipse|closest|farthest|from/.test(first)) {
      args.shift();
    }
    var stops = [];
    for (var i = 0; i < args.length; i++) {
      var sm = /^(.*?\))\s*([-\d.]+%)?(?:\s+([-\d.]+%))?$/.exec(args[i]) ||
        /^([#\w]+)\s*([-\d.]+%)?(?:\s+([-\d.]+%))?$/.exec(args[i]);
      if (!sm) continue;
      var c = color(sm[1], alpha);
      stops.push([sm[2] ? parseFloat(sm[2]) / 100 : null, c || [0, 0, 0, 0]]);
      if (sm[3]) stops.push([parseFloat(sm[3]) / 100, c || [0, 0, 0, 0]]);
    }
    if (stops.length < 2) return null;
    // CSS spreads stops without a position evenly between their neighbours
    if (stops[0][0] === null) stops[0][0] = 0;
    if (stops[stops.length - 1][0] === null) stops[stops.length - 1][0] = 1;
    for (var k = 1; k < stops.length; k++) {
      if (stops[k][0] !== null) continue;
      var j = k;
      while (stops[j][0] === null) j++;
      var from = stops[k - 1][0], to = stops[j][0];
      for (var n = k; n < j; n++) stops[n][0] = from + (to - from) * (n - k + 1) / (j - k + 1);
    }
    for (var q = 0; q < stops.length; q++) stops[q][0] = Math.max(0, Math.min(1, stops[q][0]));
    return { kind: m[2] === "linear" ? "linear" : "radial", angle: angle, stops: stops.slice(0, 10) };
  }

  // --- geometry -------------------------------------------------------------------------------
  var origin = { x: 0, y: 0 };
  function box(r) {
    return [round(r.left - origin.x), round(r.top - origin.y), round(r.width), round(r.height)];
  }
  function round(v) { return Math.round(v * 100) / 100; }
  function px(v) { var n = parseFloat(v); return isFinite(n) ? n : 0; }
  function scaleOf(el, rect) {
    var w = el.offsetWidth;
    var s = w > 0 && rect.width > 0 ? rect.width / w : 1;
    return Math.abs(s - 1) < 0.01 ? 1 : s;  // offsetWidth is rounded to whole pixels
  }
  function visibleBox(b) {
    return b[2] > 0.5 && b[3] > 0.5 && b[0] < 1280 && b[1] < 720 && b[0] + b[2] > 0 && b[1] + b[3] > 0;
  }

  // --- fonts: the family the browser really used, so the PPTX names an installed font --------
  var GENERIC = {
    "sans-serif": ["Arial", "Helvetica", "Liberation Sans", "DejaVu Sans", "Segoe UI", "Roboto",
      "Noto Sans", "Nimbus Sans", "Helvetica Neue"],
    serif: ["Times New Roman", "Liberation Serif", "DejaVu Serif", "Georgia", "Times",
      "Noto Serif", "Nimbus Roman"],
    monospace: ["Courier New", "Liberation Mono", "DejaVu Sans Mono", "Menlo", "Consolas",
      "Noto Sans Mono", "Nimbus Mono PS"],
  };
  var metricCtx = null;
  function widthIn(font) {
    if (!metricCtx) metricCtx = document.createElement("canvas").getContext("2d");
    metricCtx.font = "40px " + font;
    return metricCtx.measureText("mmmmmmmmmwwwwwliIl10OQ@#&gGyY").width;
  }
  function installed(family) {
    var quoted = '"' + family.replace(/"/g, "") + '"';
    return ["monospace", "serif", "sans-serif"].some(function (g) {
      return widthIn(quoted + "," + g) !== widthIn(g);
    });
  }
  var CANDIDATES = GENERIC["sans-serif"].concat(GENERIC.serif, GENERIC.monospace);
  function resolveGeneric(generic) {
    // the installed face this generic family (or system-ui) stands for here
    var target = widthIn(generic);
    for (var i = 0; i < CANDIDATES.length; i++) {
      var name = '"' + CANDIDATES[i] + '",';
      if (widthIn(name + "monospace") === target && widthIn(name + "serif") === target) {
        return CANDIDATES[i];
      }
    }
    return (GENERIC[generic] || GENERIC["sans-serif"])[0];
  }
  var KEYWORDS = { "sans-serif": 1, serif: 1, monospace: 1, "system-ui": 1, cursive: 1, fantasy: 1 };
  function fontName(family) {
    if (fontCache[family] !== undefined) return fontCache[family];
    var names = splitTop(family).map(function (f) { return f.replace(/^["']|["']$/g, "").trim(); });
    var found = null;
    for (var i = 0; i < names.length && !found; i++) {
      var name = names[i];
      var quoted = /^["']/.test(splitTop(family)[i]);
      if (!quoted && KEYWORDS[name.toLowerCase()]) found = resolveGeneric(name.toLowerCase());
      else if (installed(name)) found = name;
    }
    fontCache[family] = found || resolveGeneric("sans-serif");
    return fontCache[family];
  }

  // --- text runs ------------------------------------------------------------------------------
  function transform(text, how) {
    if (how === "uppercase") return text.toUpperCase();
    if (how === "lowercase") return text.toLowerCase();
    if (how === "capitalize") return text.replace(/(^|\s)(\S)/g, function (m, a, b) { return a + b.toUpperCase(); });
    return text;
  }
  function runStyle(cs, scale, alpha) {
    var fill = cs.webkitTextFillColor;
    var col = color(fill && fill !== cs.color ? fill : cs.color, alpha);
    if (!col && cs.backgroundClip === "text" || !col && cs.webkitBackgroundClip === "text") {
      var g = gradient(splitTop(cs.backgroundImage)[0] || "", alpha);
      if (g) col = averageColor(g.stops);  // text in one colour: the gradient's average
    }
    var deco = cs.textDecorationLine || cs.textDecoration || "";
    var spacing = cs.letterSpacing === "normal" ? 0 : px(cs.letterSpacing) * scale;
    return {
      font: fontName(cs.fontFamily).slice(0, 120),
      size: round(px(cs.fontSize) * scale),
      bold: (parseInt(cs.fontWeight, 10) || 400) >= 600,
      italic: cs.fontStyle === "italic" || cs.fontStyle.indexOf("oblique") === 0,
      underline: deco.indexOf("underline") >= 0,
      strike: deco.indexOf("line-through") >= 0,
      color: col || [0, 0, 0, 0],
      spacing: round(spacing),
    };
  }
  function pseudoText(el, which) {
    var ps = getComputedStyle(el, which);
    var content = ps.content;
    if (!content || content === "none" || content === "normal") return null;
    var m = /^"((?:[^"\\]|\\.)*)"$/.exec(content);
    if (!m) return null;
    return { cs: ps, text: m[1].replace(/\\(.)/g, "$1") };
  }
  function inlineRuns(el, scale, alpha, runs, media) {
    var before = pseudoText(el, "::before");
    var cs = getComputedStyle(el);
    if (before && !/absolute|fixed/.test(before.cs.position)) {
      runs.push(assign({ t: transform(before.text, before.cs.textTransform) }, runStyle(before.cs, scale, alpha)));
    }
    for (var node = el.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 3) {
        var text = node.data;
        if (!/^pre/.test(cs.whiteSpace) && cs.whiteSpace !== "break-spaces") text = text.replace(/[\s\u200b]+/g, " ");
        if (text) runs.push(assign({ t: transform(text, cs.textTransform) }, runStyle(cs, scale, alpha)));
      } else if (node.nodeType === 1) {
        var tag = node.tagName.toLowerCase();
        if (SKIP[tag]) continue;
        var ccs = getComputedStyle(node);
        if (ccs.display === "none") continue;
        if (tag === "br") { runs.push(assign({ t: "\n" }, runStyle(cs, scale, alpha))); continue; }
        if (MEDIA[tag]) { media.push(node); continue; }
        if (ccs.visibility === "hidden") continue;
        media.push(node);  // its own fills and borders (badges, highlights) are drawn too
        // a block inside a table cell starts a line of its own
        var block = !/^inline/.test(ccs.display) && ccs.display !== "contents";
        var last = runs[runs.length - 1];
        if (block && last && last.t !== "\n") runs.push(assign({ t: "\n" }, runStyle(cs, scale, alpha)));
        inlineRuns(node, scale, alpha * (parseFloat(ccs.opacity) || 0), runs, media);
        last = runs[runs.length - 1];
        if (block && last && last.t !== "\n") runs.push(assign({ t: "\n" }, runStyle(cs, scale, alpha)));
      }
    }
    var after = pseudoText(el, "::after");
    if (after && !/absolute|fixed/.test(after.cs.position)) {
      runs.push(assign({ t: transform(after.text, after.cs.textTransform) }, runStyle(after.cs, scale, alpha)));
    }
    return runs;
  }
  function assign(target, source) {
    for (var k in source) target[k] = source[k];
    return target;
  }
  function tidyRuns(runs) {
    var out = [];
    for (var i = 0; i < runs.length; i++) {
      var r = runs[i];
      var prev = out[out.length - 1];
      var atStart = !prev || prev.t === "\n" || /\s$/.test(prev.t);
      if (r.t !== "\n" && atStart && !/pre/.test(r.ws || "")) r.t = r.t.replace(/^ +/, "");
      if (r.t === "\n" && prev) prev.t = prev.t.replace(/ +$/, "");
      if (!r.t) continue;
      if (prev && prev.t !== "\n" && r.t !== "\n" && sameStyle(prev, r)) prev.t += r.t;
      else out.push(r);
    }
    while (out.length && (out[out.length - 1].t === "\n")) out.pop();
    // the server's limits (layout_tree.py): 2000 runs of 20000 characters
    if (out.length > 2000) {
      var rest = out.slice(1999).map(function (r) { return r.t; }).join("");
      out = out.slice(0, 1999).concat([assign(assign({}, out[1999]), { t: rest })]);
    }
    out.forEach(function (r) { if (r.t.length > 20000) r.t = r.t.slice(0, 20000); });
    if (out.length) out[out.length - 1].t = out[out.length - 1].t.replace(/ +$/, "");
    return out.filter(function (r) { return r.t; });
  }
  function sameStyle(a, b) {
    return a.font === b.font && a.size === b.size && a.bold === b.bold && a.italic === b.italic &&
      a.underline === b.underline && a.strike === b.strike && a.spacing === b.spacing &&
      a.color.join() === b.color.join();
  }
  function lineCount(range) {
    var rects = range.getClientRects();
    var tops = [];
    for (var i = 0; i < rects.length; i++) {
      var r = rects[i];
      if (r.width < 0.5 || r.height < 0.5) continue;
      var mid = r.top + r.height / 2;
      if (!tops.some(function (t) { return Math.abs(t[0] - mid) < Math.max(t[1], r.height) / 2; })) {
        tops.push([mid, r.height]);
      }
    }
    return tops.length;
  }
  function textBounds(range) {
    var rects = range.getClientRects();
    var l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
    for (var i = 0; i < rects.length; i++) {
      var x = rects[i];
      if (x.width < 0.5 && x.height < 0.5) continue;
      l = Math.min(l, x.left); t = Math.min(t, x.top); r = Math.max(r, x.right); b = Math.max(b, x.bottom);
    }
    return l === Infinity ? null : { left: l, top: t, right: r, bottom: b, width: r - l, height: b - t };
  }
  var ALIGN = { left: "l", start: "l", center: "c", right: "r", end: "r", justify: "j", "-webkit-center": "c" };

  // --- the walk -------------------------------------------------------------------------------
  function Measure() {
    this.items = [];
    this.pending = [];
    this.hidden = [];
    this.truncated = false;
  }
  Measure.prototype.push = function (item) {
    if (this.items.length >= MAX_ITEMS) { this.truncated = true; return; }
    this.items.push(item);
  };
  Measure.prototype.decorate = function (el, cs, rect, alpha, scale) {
    var b = box(rect);
    if (!visibleBox(b)) return;
    var clipText = cs.backgroundClip === "text" || cs.webkitBackgroundClip === "text";
    var fill = clipText ? null : color(cs.backgroundColor, alpha);
    var radius = Math.min(px(cs.borderTopLeftRadius), b[2] / 2, b[3] / 2) * scale;
    if (cs.borderTopLeftRadius.indexOf("%") >= 0) radius = Math.min(b[2], b[3]) * parseFloat(cs.borderTopLeftRadius) / 100;
    var sides = ["Top", "Right", "Bottom", "Left"].map(function (s) {
      var w = cs["border" + s + "Style"] === "none" || cs["border" + s + "Style"] === "hidden" ? 0
        : px(cs["border" + s + "Width"]) * scale;
      return { w: round(w), c: w ? color(cs["border" + s + "Color"], alpha) : null };
    });
    var uniform = sides.every(function (s) {
      return s.w === sides[0].w && String(s.c) === String(sides[0].c);
    });
    var line = uniform && sides[0].w && sides[0].c ? { width: sides[0].w, color: sides[0].c } : null;
    var shadow = null;
    if (cs.boxShadow && cs.boxShadow !== "none") {
      var sm = /^(rgba?\([^)]*\)|#\w+)?\s*(-?[\d.]+)px\s+(-?[\d.]+)px\s+([\d.]+)px/.exec(cs.boxShadow);
      if (sm && !/inset/.test(cs.boxShadow)) {
        var sc = color(sm[1] || cs.color, alpha);
        if (sc) shadow = { dx: round(+sm[2] * scale), dy: round(+sm[3] * scale), blur: round(+sm[4] * scale), color: sc };
      }
    }
    var layers = clipText ? [] : splitTop(cs.backgroundImage || "none");
    var fillSpec = fill ? { color: fill } : null;
    if (!fill && layers.length === 1) {
      // one gradient and no colour under it: a single shape carries it (and the shadow)
      var only = gradient(layers[0], alpha);
      if (only) { fillSpec = { gradient: only }; layers = []; }
    }
    if (fillSpec || line || (shadow && fillSpec)) {
      this.push({ kind: "shape", box: b, fill: fillSpec, line: line,
        radius: round(radius), shadow: fillSpec ? shadow : null });
    }
    for (var i = layers.length - 1; i >= 0; i--) {
      var layer = layers[i];
      if (layer === "none") continue;
      var g = gradient(layer, alpha);
      if (g) this.push({ kind: "shape", box: b, fill: { gradient: g }, line: null, radius: round(radius), shadow: null });
      var url = /^url\("?(data:image\/[^")]+)"?\)$/.exec(layer);
      var size = cs.backgroundSize || "";
      var bgFit = size === "contain" ? "contain" : /^100%( 100%)?$/.test(size) ? "fill" : "cover";
      if (url) this.image(url[1], b, "", null, bgFit);
    }
    if (!uniform) {
      var self = this;
      sides.forEach(function (s, k) {
        if (!s.w || !s.c) return;
        var sb = k === 0 ? [b[0], b[1], b[2], s.w] : k === 1 ? [b[0] + b[2] - s.w, b[1], s.w, b[3]]
          : k === 2 ? [b[0], b[1] + b[3] - s.w, b[2], s.w] : [b[0], b[1], s.w, b[3]];
        self.push({ kind: "shape", box: sb.map(round), fill: { color: s.c }, line: null, radius: 0, shadow: null });
      });
    }
  };
  Measure.prototype.pseudoBoxes = function (el, rect, scale, alpha) {
    var self = this;
    ["::before", "::after"].forEach(function (which) {
      var ps = getComputedStyle(el, which);
      if (!ps.content || ps.content === "none" || ps.content === "normal") return;
      if (!/absolute|fixed/.test(ps.position) || ps.display === "none") return;
      var w = px(ps.width) * scale, h = px(ps.height) * scale;
      var x = rect.left + (px(getComputedStyle(el).borderLeftWidth) + px(ps.left)) * scale;
      var y = rect.top + (px(getComputedStyle(el).borderTopWidth) + px(ps.top)) * scale;
      if (ps.left === "auto" && ps.right !== "auto") x = rect.right - (px(ps.right) * scale) - w;
      if (ps.top === "auto" && ps.bottom !== "auto") y = rect.bottom - (px(ps.bottom) * scale) - h;
      var a = alpha * (parseFloat(ps.opacity) || 0);
      var fake = { left: x, top: y, width: w, height: h, right: x + w, bottom: y + h };
      if (w > 0 && h > 0) self.decorate(el, ps, fake, a, 1);
      var text = pseudoText(el, which);
      if (text && text.text.trim()) {
        var st = runStyle(ps, scale, a);
        var tb = box({ left: x, top: y, width: Math.max(w, st.size * text.text.length * 0.7), height: Math.max(h, st.size * 1.3) });
        self.push({ kind: "text", box: tb, align: "l", valign: "t", wrap: false, lineHeight: null,
          bullet: null, indent: 0, runs: [assign({ t: text.text }, st)] });
      }
    });
  };
  Measure.prototype.image = function (src, b, alt, el, fit) {
    var item = { kind: "image", box: b, src: "", alt: (alt || "").slice(0, 2000), fit: fit || "fill" };
    this.push(item);
    var self = this;
    if (/^data:image\/(png|jpe?g|gif);base64,/i.test(src) && !el) { item.src = src; return; }
    this.pending.push(rasterize(src, b[2], b[3]).then(function (png) { item.src = png; },
      function () { item.src = ""; }));
  };
  Measure.prototype.svg = function (el, b) {
    var clone = el.cloneNode(true);
    inlineSvgStyles(el, clone);
    clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    clone.setAttribute("width", String(b[2]));
    clone.setAttribute("height", String(b[3]));
    var xml = new XMLSerializer().serializeToString(clone);
    this.image("data:image/svg+xml;charset=utf-8," + encodeURIComponent(xml), b,
      el.getAttribute("aria-label") || "", el);
  };
  Measure.prototype.canvas = function (el, b) {
    var chart = window.Chart && window.Chart.getChart ? window.Chart.getChart(el) : null;
    var png = "";
    try { png = el.toDataURL("image/png"); } catch (e) { png = ""; }
    if (chart) {
      var config = chartConfig(chart);
      if (config) {
        var defaults = window.Chart.defaults || {};
        var font = (chart.options.font && chart.options.font.size) || (defaults.font && defaults.font.size) || 12;
        this.push({ kind: "chart", box: b, config: config, image: png, fontSize: Math.max(1, Math.min(200, +font || 12)),
          textColor: color(String(chart.options.color || defaults.color || ""), 1) });
        return;
      }
    }
    this.push({ kind: "image", box: b, src: png, alt: el.getAttribute("aria-label") || "" });
  };
  Measure.prototype.text = function (el, cs, rect, scale, alpha, mixedNodes) {
    var runs = [], media = [];
    var range = document.createRange();
    if (mixedNodes) {
      for (var i = 0; i < mixedNodes.length; i++) {
        var n = mixedNodes[i];
        if (n.nodeType === 3) {
          var text = n.data;
          if (!/^pre/.test(cs.whiteSpace)) text = text.replace(/[\s\u200b]+/g, " ");
          runs.push(assign({ t: transform(text, cs.textTransform) }, runStyle(cs, scale, alpha)));
        } else {
          var ncs = getComputedStyle(n);
          var tag = n.tagName.toLowerCase();
          if (tag === "br") { runs.push(assign({ t: "\n" }, runStyle(cs, scale, alpha))); continue; }
          if (MEDIA[tag]) { media.push(n); continue; }
          media.push(n);
          inlineRuns(n, scale, alpha * (parseFloat(ncs.opacity) || 0), runs, media);
        }
      }
      range.setStartBefore(mixedNodes[0]);
      range.setEndAfter(mixedNodes[mixedNodes.length - 1]);
    } else {
      inlineRuns(el, scale, alpha, runs, media);
      range.selectNodeContents(el);
    }
    for (var k = 0; k < media.length; k++) this.visit(media[k], alpha, true);
    runs = tidyRuns(runs);
    if (!runs.length || !runs.some(function (r) { return r.t.trim(); })) return;
    var bounds = textBounds(range);
    if (!bounds) return;
    var lines = lineCount(range);
    var left, width;
    if (mixedNodes) {
      left = bounds.left; width = bounds.width;
      if (lines > 1) {
        var pr = el.getBoundingClientRect();
        left = pr.left + (px(cs.borderLeftWidth) + px(cs.paddingLeft)) * scale;
        width = pr.width - (px(cs.borderLeftWidth) + px(cs.paddingLeft) + px(cs.paddingRight) + px(cs.borderRightWidth)) * scale;
      }
    } else {
      left = rect.left + (px(cs.borderLeftWidth) + px(cs.paddingLeft)) * scale;
      width = rect.width - (px(cs.borderLeftWidth) + px(cs.paddingLeft) + px(cs.paddingRight) + px(cs.borderRightWidth)) * scale;
      if (width < bounds.width) { left = Math.min(left, bounds.left); width = bounds.width; }
    }
    var lh = cs.lineHeight === "normal" ? null : round(px(cs.lineHeight) * scale);
    var bullet = null, indent = 0;
    if (cs.display === "list-item" && cs.listStyleType !== "none" && !mixedNodes) {
      var ordered = el.parentElement && el.parentElement.tagName === "OL";
      if (ordered) {
        var index = 0;
        for (var s = el; s; s = s.previousElementSibling) if (s.tagName === "LI") index++;
        bullet = { number: index + (el.parentElement.start || 1) - 1 };
      } else {
        bullet = { char: cs.listStyleType === "circle" ? "\u25e6" : cs.listStyleType === "square" ? "\u25aa" : "\u2022" };
      }
      indent = round(px(cs.fontSize) * scale * 1.1);
      bullet.color = color(cs.color, alpha);
    }
    var b = box({ left: left, top: bounds.top, width: width, height: bounds.height });
    var dir = cs.direction === "rtl";
    var item = { kind: "text", box: b, align: ALIGN[cs.textAlign] || (dir ? "r" : "l"), valign: "t",
      wrap: lines > 1, lineHeight: lh, bullet: bullet, indent: indent, runs: runs };
    if (el === this.titleElement && !mixedNodes) { item.role = "title"; this.titleElement = null; }
    this.push(item);
  };
  Measure.prototype.table = function (el, alpha) {
    var rows = Array.prototype.slice.call(el.rows, 0, 200);
    if (!rows.length) return false;
    var edges = [];
    function addEdge(x) {
      for (var i = 0; i < edges.length; i++) if (Math.abs(edges[i] - x) < 1.5) return;
      edges.push(x);
    }
    // columns start at cells' left edges; the last ends at the rightmost cell (with
    // border-spacing, a cell's right edge is the next column's start minus the spacing)
    var rightmost = -Infinity;
    rows.forEach(function (tr) {
      Array.prototype.forEach.call(tr.cells, function (td) {
        var r = td.getBoundingClientRect();
        if (r.width > 0) { addEdge(r.left); rightmost = Math.max(rightmost, r.right); }
      });
    });
    if (rightmost > -Infinity) addEdge(rightmost);
    edges.sort(function (a, b) { return a - b; });
    if (edges.length < 2 || edges.length > 64) return false;
    function edgeIndex(x) {
      var best = 0;
      for (var i = 1; i < edges.length; i++) if (Math.abs(edges[i] - x) < Math.abs(edges[best] - x)) best = i;
      return best;
    }
    var out = { kind: "table", box: box(el.getBoundingClientRect()), cols: [], rows: [] };
    for (var e = 1; e < edges.length; e++) out.cols.push(round(edges[e] - edges[e - 1]));
    var self = this;
    var tableCs = getComputedStyle(el);
    var collapse = tableCs.borderCollapse === "collapse";
    rows.forEach(function (tr) {
      var trRect = tr.getBoundingClientRect();
      var trCs = getComputedStyle(tr);
      if (trCs.display === "none") return;
      var section = tr.parentElement && tr.parentElement !== el ? getComputedStyle(tr.parentElement) : null;
      // a row reaches down to the next one: border-spacing between rows belongs to it
      var next = rows[rows.indexOf(tr) + 1];
      var nextTop = next && getComputedStyle(next).display !== "none" ? next.getBoundingClientRect().top : null;
      var row = { h: round(nextTop !== null && nextTop > trRect.top ? nextTop - trRect.top : trRect.height), cells: [] };
      Array.prototype.forEach.call(tr.cells, function (td) {
        var r = td.getBoundingClientRect();
        if (r.width <= 0) return;
        var cs = getComputedStyle(td);
        var scale = scaleOf(td, r);
        var runs = [], media = [];
        inlineRuns(td, scale, alpha, runs, media);
        var fill = color(cs.backgroundColor, alpha) || color(trCs.backgroundColor, alpha) ||
          (section ? color(section.backgroundColor, alpha) : null);
        var g = null;
        [cs, trCs, section].some(function (s) {
          if (!s || s.backgroundImage === "none") return false;
          g = gradient(splitTop(s.backgroundImage)[0], alpha);
          return !!g;
        });
        var col = edgeIndex(r.left), end = edgeIndex(r.right);
        function border(side) {
          var w = cs["border" + side + "Style"] === "none" ? 0 : px(cs["border" + side + "Width"]) * scale;
          var c = w ? color(cs["border" + side + "Color"], alpha) : null;
          if (!c && side === "Bottom" && !collapse) return null;
          return c ? { width: round(w), color: c } : null;
        }
        row.cells.push({
          col: col, colspan: Math.max(1, end - col), rowspan: Math.max(1, Math.min(td.rowSpan || 1, 200)),
          fill: g ? { gradient: g } : fill ? { color: fill } : null,
          align: ALIGN[cs.textAlign] || "l",
          valign: cs.verticalAlign === "middle" ? "m" : cs.verticalAlign === "bottom" ? "b" : "t",
          pad: [cs.paddingTop, cs.paddingRight, cs.paddingBottom, cs.paddingLeft].map(function (p) { return round(px(p) * scale); }),
          borders: [border("Top"), border("Right"), border("Bottom"), border("Left")],
          runs: tidyRuns(runs),
        });
        for (var k = 0; k < media.length; k++) {
          var t = media[k].tagName.toLowerCase();
          if (MEDIA[t]) self.visit(media[k], alpha, true);
        }
      });
      out.rows.push(row);
    });
    this.decorate(el, tableCs, el.getBoundingClientRect(), alpha, scaleOf(el, el.getBoundingClientRect()));
    this.push(out);
    return true;
  };
  function isInline(node) {
    if (node.nodeType === 3) return true;
    if (node.nodeType !== 1) return true;
    var tag = node.tagName.toLowerCase();
    if (SKIP[tag]) return true;
    var cs = getComputedStyle(node);
    if (cs.display === "none") return true;
    if (/absolute|fixed/.test(cs.position)) return false;
    if (cs.display === "inline") return !MEDIA[tag] || tag !== "canvas";
    if (/^inline-(block|flex|grid)$/.test(cs.display) && !MEDIA[tag]) {
      for (var c = node.firstChild; c; c = c.nextSibling) if (!isInline(c)) return false;
      return true;
    }
    return false;
  }
  function hasText(node) {
    return node.nodeType === 3 ? /\S/.test(node.data) : node.nodeType === 1 && /\S/.test(node.textContent || "");
  }
  Measure.prototype.visit = function (el, alpha, asMedia) {
    if (this.items.length >= MAX_ITEMS) { this.truncated = true; return; }
    var tag = el.tagName.toLowerCase();
    if (SKIP[tag]) return;
    var cs = getComputedStyle(el);
    if (cs.display === "none") return;
    var a = alpha * (parseFloat(cs.opacity) || 0);
    if (a < 0.02) {
      // transparent until hovered or scripted: no place on a static slide, kept for the notes
      var hiddenText = (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
      if (hiddenText && this.hidden.length < 200) this.hidden.push(hiddenText.slice(0, 2000));
      return;
    }
    var rect = el.getBoundingClientRect();
    var scale = tag === "svg" ? 1 : scaleOf(el, rect);
    var hidden = cs.visibility === "hidden" || cs.visibility === "collapse";
    var b = box(rect);
    if (tag === "svg" || tag === "img" || tag === "canvas" || tag === "video") {
      if (hidden || !visibleBox(b)) return;
      this.decorate(el, cs, rect, a, scale);
      if (tag === "svg") this.svg(el, b);
      else if (tag === "img") {
        var objectFit = cs.objectFit === "cover" ? "cover" : /contain|none|scale-down/.test(cs.objectFit) ? "contain" : "fill";
        if (el.currentSrc || el.src) this.image(el.currentSrc || el.src, b, el.alt || "", /^data:image\/(png|jpe?g|gif)/i.test(el.src) ? null : el, objectFit);
      } else if (tag === "canvas") this.canvas(el, b);
      return;
    }
    if (!hidden) this.decorate(el, cs, rect, a, scale);
    if (!hidden) this.pseudoBoxes(el, rect, scale, a);
    if (asMedia) return;  // an inline element of a text: its text is in the parent's runs
    if (tag === "table" && !hidden && this.table(el, a)) return;
    var children = el.childNodes;
    var allInline = true, anyText = false;
    for (var i = 0; i < children.length; i++) {
      if (!isInline(children[i])) allInline = false;
      else if (hasText(children[i])) anyText = true;
    }
    if (allInline) {
      if (anyText && !hidden) this.text(el, cs, rect, scale, a, null);
      else this.visitMediaOnly(el, a);
      return;
    }
    var group = [];
    var self = this;
    function flush() {
      if (group.length && group.some(hasText) && !hidden) self.text(el, cs, rect, scale, a, group);
      else group.forEach(function (n) { if (n.nodeType === 1) self.visit(n, a, false); });
      group = [];
    }
    for (var j = 0; j < children.length; j++) {
      var child = children[j];
      if (child.nodeType === 1 && SKIP[child.tagName.toLowerCase()]) continue;
      if (isInline(child)) group.push(child);
      else { flush(); if (child.nodeType === 1) this.visit(child, a, false); }
    }
    flush();
  };
  Measure.prototype.visitMediaOnly = function (el, alpha) {
    for (var c = el.firstElementChild; c; c = c.nextElementSibling) this.visit(c, alpha, false);
  };

  // --- SVG: inline the computed paint so the picture looks as on the slide ------------------
  var SVG_PROPS = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "opacity", "font-family", "font-size", "font-weight",
    "text-anchor", "dominant-baseline", "color", "stop-color", "stop-opacity", "display", "visibility"];
  function inlineSvgStyles(source, clone) {
    var from = [source].concat(Array.prototype.slice.call(source.querySelectorAll("*")));
    var to = [clone].concat(Array.prototype.slice.call(clone.querySelectorAll("*")));
    for (var i = 0; i < from.length && i < 5000; i++) {
      var cs = getComputedStyle(from[i]);
      var style = "";
      for (var k = 0; k < SVG_PROPS.length; k++) {
        var v = cs.getPropertyValue(SVG_PROPS[k]);
        if (v) style += SVG_PROPS[k] + ":" + v + ";";
      }
      to[i].setAttribute("style", style + (to[i].getAttribute("style") || ""));
    }
  }
  function rasterize(src, w, h) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        try {
          // keep the picture's own proportions (the PPTX applies object-fit), at twice the box
          var nw = img.naturalWidth || w, nh = img.naturalHeight || h;
          var fitScale = Math.max(w / nw, h / nh) || 1;
          var ratio = Math.min(2 * fitScale, 4096 / Math.max(nw, nh, 1));
          var c = document.createElement("canvas");
          c.width = Math.max(1, Math.round(nw * ratio));
          c.height = Math.max(1, Math.round(nh * ratio));
          c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
          resolve(c.toDataURL("image/png"));
        } catch (e) { reject(e); }
      };
      img.onerror = reject;
      img.src = src;
    });
  }

  // --- Chart.js: the live chart's data and resolved colours --------------------------------------
  function plain(v, depth) {
    if (v === null || v === undefined) return null;
    if (typeof v === "number") return isFinite(v) ? v : null;
    if (typeof v === "string") return v.slice(0, 500);
    if (typeof v === "boolean") return v;
    if (depth > 2) return null;
    if (Array.isArray(v)) return v.slice(0, 2000).map(function (x) { return plain(x, depth + 1); });
    if (typeof v === "object" && (v.constructor === Object || v.x !== undefined)) {
      var o = {};
      ["x", "y", "r", "v"].forEach(function (k) { if (k in v) o[k] = plain(v[k], depth + 1); });
      return o;
    }
    return null;
  }
  function colorString(v) {
    if (typeof v !== "string") return null;
    var c = color(v, 1);
    return c ? "rgba(" + c[0] + "," + c[1] + "," + c[2] + "," + c[3] + ")" : null;
  }
  function opaqueColor(v) {
    var c = typeof v === "string" ? color(v, 1) : null;
    return c && c[3] >= 0.99 ? "rgb(" + c[0] + "," + c[1] + "," + c[2] + ")" : null;
  }
  function chartConfig(chart) {
    try {
      var data = chart.data || {};
      var type = chart.config.type;
      var datasets = (data.datasets || []).slice(0, 50).map(function (ds, i) {
        var meta = chart.getDatasetMeta(i);
        var elements = (meta && meta.data) || [];
        var perPoint = elements.slice(0, 2000).map(function (e) {
          return colorString(e.options && e.options.backgroundColor);
        });
        var lineOpts = meta && meta.dataset && meta.dataset.options;
        var isLine = (type === "line" || type === "radar" || ds.type === "line") && lineOpts;
        // a line's backgroundColor is the area under it; a bar's is the bar itself
        var main = isLine ? colorString(lineOpts.backgroundColor) || colorString(ds.backgroundColor)
          : perPoint[0] || colorString(ds.backgroundColor);
        return {
          label: (typeof ds.label === "string" ? ds.label : String(ds.label || "")).slice(0, 500),
          type: typeof ds.type === "string" ? ds.type : null,
          data: plain(ds.data || [], 0),
          backgroundColor: type === "pie" || type === "doughnut" || type === "polarArea" || (Array.isArray(ds.backgroundColor))
            ? perPoint : main,
          borderColor: lineOpts ? colorString(lineOpts.borderColor) : colorString(ds.borderColor),
          fill: ds.fill === undefined ? null : !!ds.fill && ds.fill !== "false",
          hidden: meta ? !!meta.hidden : false,
        };
      });
      var o = chart.options || {};
      var scales = o.scales || {};
      function stacked(axis) { return !!(scales[axis] && scales[axis].stacked); }
      var title = o.plugins && o.plugins.title;
      var legend = o.plugins && o.plugins.legend;
      // the value axis's tick labels as drawn ("$700K"): the PPTX axis gets the same format
      var valueScale = chart.scales && chart.scales[o.indexAxis === "y" ? "x" : "y"];
      var ticks = valueScale && Array.isArray(valueScale.ticks) ? valueScale.ticks.slice(0, 50).map(function (t) {
        return [typeof t.value === "number" && isFinite(t.value) ? t.value : null,
          String(Array.isArray(t.label) ? t.label.join(" ") : t.label).slice(0, 100)];
      }) : [];
      return {
        type: type,
        data: { labels: plain(data.labels || [], 0), datasets: datasets },
        options: {
          indexAxis: o.indexAxis === "y" ? "y" : "x",
          scales: { x: { stacked: stacked("x") }, y: { stacked: stacked("y") } },
          plugins: {
            title: { display: !!(title && title.display), text: title && title.display ? String(title.text || "").slice(0, 500) : "" },
            legend: { display: !legend || legend.display !== false },
          },
          valueTicks: ticks,
          valueRange: valueScale && isFinite(valueScale.min) && isFinite(valueScale.max)
            ? [valueScale.min, valueScale.max] : null,
          // grid and axis line colours as drawn (a theme's border colour), when opaque:
          // Chart.js's see-through stock grey keeps the PPTX's own light grey
          gridColor: opaqueColor(valueScale && valueScale.options.grid && valueScale.options.grid.color),
          axisColor: opaqueColor(valueScale && valueScale.options.border && valueScale.options.border.color),
        },
      };
    } catch (e) {
      return null;
    }
  }

  // --- entry points ---------------------------------------------------------------------------
  function measure() {
    var page = document.querySelector("[data-sg-slide]") || document.body;
    var pr = page.getBoundingClientRect();
    origin = { x: pr.left, y: pr.top };
    var m = new Measure();
    // the slide's title: its first visible heading, as the deck's outline names the slide
    m.titleElement = Array.prototype.slice.call(page.querySelectorAll("h1, h2, h3")).filter(function (h) {
      return h.getClientRects().length > 0;
    }).sort(function (a, b) { return +a.tagName[1] - +b.tagName[1]; })[0] || null;
    var background = null;
    [document.documentElement, document.body, page].forEach(function (el) {
      var cs = getComputedStyle(el);
      var c = color(cs.backgroundColor, 1);
      if (c && c[3] > 0.99) background = { color: c };
      else if (c && background && background.color) background = { color: blend(c, background.color) };
      else if (c && !background) background = { color: blend(c, [255, 255, 255, 1]) };
      var g = cs.backgroundImage && cs.backgroundImage !== "none" ? gradient(splitTop(cs.backgroundImage)[0], 1) : null;
      if (g && el !== page) background = { gradient: g };
      else if (g) m.push({ kind: "shape", box: [0, 0, 1280, 720], fill: { gradient: g }, line: null, radius: 0, shadow: null });
    });
    for (var c = page.firstElementChild; c; c = c.nextElementSibling) m.visit(c, 1, false);
    return Promise.all(m.pending).then(function () {
      return {
        v: 1, width: 1280, height: 720, background: background,
        items: m.items.filter(function (i) { return i.kind !== "image" || i.src; }),
        truncated: m.truncated,
        hiddenText: m.hidden,
      };
    });
  }
  function blend(top, bottom) {
    var a = top[3];
    return [0, 1, 2].map(function (i) { return Math.round(top[i] * a + bottom[i] * (1 - a)); }).concat([1]);
  }
  // @shared slide_settle.js
  window.__sgMeasure = function () { return settle().then(measure); };
  answerParent("sg-measure", "sg-layout", "layout", function () { return window.__sgMeasure(); });
})();
