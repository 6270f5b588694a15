// Checks that a rendered slide fits its 1280x720 page (see slidegen/export/fit.py, which turns
// the findings into sentences). window.__sgFit() resolves to
//   {v: 1, width, height, extent: [left, top, right, bottom], items: [...]}
// in CSS pixels of the page, where `extent` is the box of everything visible the slide holds
// (text, tables, images, charts; decorative shapes without content are left out) and each item
// is one problem: {kind, name, px, edge?}
//   "beyond"   content past an edge of the page (edge: bottom|right|top|left, px past it)
//   "outside"  content entirely off the page
//   "clipped"  text cut off by a box with overflow hidden/scroll (px hidden)
//   "overflow" text spilling out of a box of fixed size (px out)
//   "empty_chart" a Chart.js chart with no data; "blank_canvas" a canvas nothing was drawn on
// In a sandboxed frame the parent asks with postMessage({type: "sg-fit", id}) and gets
// {type: "sg-fit-report", id, report | error} back.
(function () {
  "use strict";
  var W = 1280, H = 720, SLACK = 2, MAX_ITEMS = 60;
  var SKIP = { SCRIPT: 1, STYLE: 1, TEMPLATE: 1, NOSCRIPT: 1, META: 1, LINK: 1, TITLE: 1 };
  var MEDIA = { IMG: 1, CANVAS: 1, SVG: 1, VIDEO: 1, PICTURE: 1, svg: 1 };
  var BLOCKS = { TABLE: "table", UL: "list", OL: "list", PRE: "code block", FIGURE: "figure" };

  function excerpt(el) {
    var text = (el.textContent || "").replace(/\s+/g, " ").trim();
    return text.length > 40 ? text.slice(0, 39) + "\u2026" : text;
  }

  function name(el) {
    var tag = el.tagName.toUpperCase();
    var quoted = function (noun) {
      var t = excerpt(el);
      return t ? noun + " \u201c" + t + "\u201d" : noun;
    };
    if (/^H[1-6]$/.test(tag)) return quoted("the heading");
    if (tag === "CANVAS") {
      var label = el.getAttribute("aria-label") || el.id;
      return label ? "the chart \u201c" + label + "\u201d" : "the chart";
    }
    if (tag === "IMG") return el.alt ? "the image \u201c" + el.alt + "\u201d" : "the image";
    if (tag === "SVG") return "the drawing";
    if (BLOCKS[tag]) return "the " + BLOCKS[tag];
    if (tag === "P") return quoted("the paragraph");
    if (tag === "LI") return quoted("the list item");
    if (tag === "TD" || tag === "TH") return quoted("the table cell");
    return quoted("the text");
  }

  function ownText(el) {
    for (var n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 && /\S/.test(n.nodeValue)) return true;
    }
    return false;
  }

  function hasText(el) { return /\S/.test(el.textContent || ""); }

  function rectOf(el, origin) {
    var r;
    if (MEDIA[el.tagName]) {
      r = el.getBoundingClientRect();
    } else if (BLOCKS[el.tagName.toUpperCase()]) {
      // a list or table squeezed by a flex column: its box is short, its rows run on past it
      var box = el.getBoundingClientRect();
      var rows = document.createRange();
      rows.selectNodeContents(el);
      var inner = rows.getBoundingClientRect();
      r = inner.width < 1 && inner.height < 1 ? box : {
        left: Math.min(box.left, inner.left), top: Math.min(box.top, inner.top),
        right: Math.max(box.right, inner.right), bottom: Math.max(box.bottom, inner.bottom) };
    } else {
      // the text itself, not the (often full-width) box around it
      var range = document.createRange();
      range.selectNodeContents(el);
      r = range.getBoundingClientRect();
      if (r.width < 1 && r.height < 1) r = el.getBoundingClientRect();
    }
    return { left: r.left - origin.x, top: r.top - origin.y, right: r.right - origin.x,
      bottom: r.bottom - origin.y };
  }

  function clipsOverflow(style) {
    return style.overflowX !== "visible" || style.overflowY !== "visible";
  }

  function Check(page) {
    var pr = page.getBoundingClientRect();
    this.origin = { x: pr.left, y: pr.top };
    this.page = page;
    this.items = [];
    this.extent = null;
  }

  Check.prototype.add = function (item) {
    if (this.items.length < MAX_ITEMS) this.items.push(item);
  };

  Check.prototype.grow = function (r) {
    var e = this.extent;
    this.extent = e ? { left: Math.min(e.left, r.left), top: Math.min(e.top, r.top),
      right: Math.max(e.right, r.right), bottom: Math.max(e.bottom, r.bottom) } : r;
  };

  // A piece of content (text block, table, image, chart): where it is against the page and the
  // boxes that clip it (`clip`: the innermost clipping box inside the slide, or null).
  Check.prototype.content = function (el, clip) {
    var r = rectOf(el, this.origin);
    if (r.right - r.left < 1 && r.bottom - r.top < 1) return;
    if (clip) {
      r = { left: Math.max(r.left, clip.left), top: Math.max(r.top, clip.top),
        right: Math.min(r.right, clip.right), bottom: Math.min(r.bottom, clip.bottom) };
      if (r.right <= r.left || r.bottom <= r.top) return; // hidden by its box: reported there
    }
    this.grow(r);
    var label = name(el);
    if (r.right <= 0 || r.left >= W || r.bottom <= 0 || r.top >= H) {
      var away = Math.max(-r.right, r.left - W, -r.bottom, r.top - H, 0);
      this.add({ kind: "outside", name: label, px: Math.round(away) });
      return;
    }
    var past = { bottom: r.bottom - H, right: r.right - W, top: -r.top, left: -r.left };
    for (var edge in past) {
      if (past[edge] > SLACK) this.add({ kind: "beyond", name: label, edge: edge, px: Math.round(past[edge]) });
    }
  };

  Check.prototype.box = function (el, style) {
    // text that does not fit the box it is in: cut off by a clipping box, or spilling out of a
    // box of fixed size (a box of automatic size grows with its text and never gets here)
    if (!hasText(el)) return;
    var clips = clipsOverflow(style);
    if (!clips && !ownText(el)) return;
    var b = el.getBoundingClientRect();
    var range = document.createRange();
    range.selectNodeContents(el);
    var t = range.getBoundingClientRect();
    if (t.width < 1 && t.height < 1) return;
    var bottom = clips ? b.top + el.clientTop + el.clientHeight : b.bottom;
    var right = clips ? b.left + el.clientLeft + el.clientWidth : b.right;
    var px = Math.max(t.bottom - bottom, t.right - right);
    if (px <= SLACK) return;
    // how much is hidden: the box's scrollable overflow (whole lines), else the text's extent
    if (clips) px = Math.max(px, el.scrollHeight - el.clientHeight, el.scrollWidth - el.clientWidth);
    this.add({ kind: clips ? "clipped" : "overflow", name: name(el), px: Math.round(px) });
  };

  Check.prototype.chart = function (canvas) {
    var chart = window.Chart && window.Chart.getChart ? window.Chart.getChart(canvas) : null;
    if (chart) {
      var sets = (chart.data && chart.data.datasets) || [];
      var points = 0;
      sets.forEach(function (set) {
        (set.data || []).forEach(function (v) {
          if (v !== null && v !== undefined && !(typeof v === "number" && isNaN(v))) points++;
        });
      });
      if (!points) this.add({ kind: "empty_chart", name: name(canvas), px: 0 });
      return;
    }
    if (!canvas.width || !canvas.height) {
      this.add({ kind: "blank_canvas", name: name(canvas).replace(/^the chart/, "the canvas"), px: 0 });
      return;
    }
    try {
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      if (!ctx) return; // a WebGL canvas: its pixels cannot be read back here
      var data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (var i = 3; i < data.length; i += 4) if (data[i] !== 0) return;
      this.add({ kind: "blank_canvas", name: name(canvas).replace(/^the chart/, "the canvas"), px: 0 });
    } catch (e) { /* unreadable: say nothing rather than guess */ }
  };

  Check.prototype.visit = function (el, clip, root) {
    if (SKIP[el.tagName]) return;
    var style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || parseFloat(style.opacity) < 0.05) return;
    if (!el.getClientRects().length && style.display !== "contents") return;
    var tag = el.tagName.toUpperCase();
    if (tag === "CANVAS") this.chart(el);
    if (!root) this.box(el, style);
    if (MEDIA[el.tagName] || BLOCKS[tag] || ownText(el)) {
      this.content(el, clip); // one finding for a table or a paragraph, not one per cell
      return;
    }
    // the slide's own box is what is measured: it never counts as clipping its content
    if (!root && clipsOverflow(style)) {
      var r = el.getBoundingClientRect();
      var own = { left: r.left - this.origin.x, top: r.top - this.origin.y,
        right: r.right - this.origin.x, bottom: r.bottom - this.origin.y };
      clip = clip ? { left: Math.max(own.left, clip.left), top: Math.max(own.top, clip.top),
        right: Math.min(own.right, clip.right), bottom: Math.min(own.bottom, clip.bottom) } : own;
    }
    for (var c = el.firstElementChild; c; c = c.nextElementSibling) this.visit(c, clip, false);
  };

  function check() {
    var page = document.querySelector("[data-sg-slide]") || document.body;
    var c = new Check(page);
    var first = page.firstElementChild;
    for (var el = first; el; el = el.nextElementSibling) {
      // the slide container (and a page-level wrapper) is the box being checked
      c.visit(el, null, el === first);
    }
    var e = c.extent;
    return {
      v: 1, width: W, height: H,
      extent: e ? [Math.round(e.left), Math.round(e.top), Math.round(e.right), Math.round(e.bottom)] : null,
      items: c.items,
    };
  }

  // @shared slide_settle.js
  window.__sgFit = function () { return settle().then(check); };
  answerParent("sg-fit", "sg-fit-report", "report", function () { return window.__sgFit(); });
})();
