// Runs each slide script with a slide-scoped `document` (see slidegen/deck/render.py).
// window.__sgSlide(id, fn): fn(document) where getElementById / querySelector(All) look inside
// the slide's page first, then in the rest of the document outside every slide's page (head,
// body): never in another slide, so code a deck shares between slides cannot draw twice on one
// canvas in a deck document. A throwing script is logged, not fatal.
(function () {
  function outsidePages(node) {
    return !(node.closest && node.closest("[data-sg-slide]"));
  }
  function firstHit(own, all) {
    return function (arg) {
      var hit = own(arg);
      var found = hit && (hit.length === undefined || hit.length > 0);
      if (found) return hit;
      var other = all(arg);
      if (!other) return other;
      if (other.length === undefined) return outsidePages(other) ? other : null;
      return Array.prototype.filter.call(other, outsidePages);
    };
  }
  function scoped(root) {
    return new Proxy(document, {
      get: function (doc, prop) {
        if (prop === "getElementById") {
          return firstHit(
            function (id) { return root.querySelector('[id="' + CSS.escape(id) + '"]'); },
            function (id) { return doc.getElementById(id); });
        }
        if (prop === "querySelector" || prop === "querySelectorAll") {
          return firstHit(
            function (sel) { return root[prop](sel); },
            function (sel) { return doc[prop](sel); });
        }
        var value = Reflect.get(doc, prop);
        return typeof value === "function" ? value.bind(doc) : value;
      },
    });
  }
  window.__sgSlide = function (id, fn) {
    var root = document.querySelector('[data-sg-slide="' + id + '"]') || document.body;
    try {
      fn.call(window, scoped(root));
    } catch (error) {
      console.error("slide " + id + ": script failed", error);
    }
  };

  // Decks with their own navigation hide every slide but the current one (display:none,
  // opacity 0, moved off screen) until a class such as "active" is set. Here each slide has its
  // own page, so once the slide scripts ran, a hidden slide gets the class the deck's CSS shows
  // it with, or is shown outright.
  var STATE_CLASSES = ["active", "present", "current", "visible", "show", "shown", "is-active"];
  function hidden(el, page) {
    var style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return true;
    if (parseFloat(style.opacity) < 0.05) return true;
    var r = el.getBoundingClientRect(), p = page.getBoundingClientRect();
    return r.width < 1 || r.height < 1 || r.right <= p.left + 1 || r.left >= p.right - 1 ||
      r.bottom <= p.top + 1 || r.top >= p.bottom - 1;
  }
  function stateClasses() {
    var found = [];
    var pattern = /\.slide\.([\w-]+)|\.([\w-]+)\.slide\b/g;
    function scan(rules) {
      for (var i = 0; i < rules.length; i++) {
        var rule = rules[i];
        if (rule.cssRules) scan(rule.cssRules);
        var text = rule.selectorText || "", match;
        while ((match = pattern.exec(text))) {
          var name = match[1] || match[2];
          if (found.indexOf(name) < 0) found.push(name);
        }
      }
    }
    for (var s = 0; s < document.styleSheets.length; s++) {
      try { scan(document.styleSheets[s].cssRules); } catch (error) { /* not readable */ }
    }
    return found.concat(STATE_CLASSES.filter(function (c) { return found.indexOf(c) < 0; }));
  }
  function show(page, candidates) {
    var slide = page.firstElementChild;
    if (!slide || !hidden(slide, page)) return;
    for (var i = 0; i < candidates.length; i++) {
      if (slide.classList.contains(candidates[i])) continue;
      slide.classList.add(candidates[i]);
      if (!hidden(slide, page)) return;
      slide.classList.remove(candidates[i]);
    }
    var style = slide.style;
    if (getComputedStyle(slide).display === "none") style.setProperty("display", "block", "important");
    style.setProperty("visibility", "visible", "important");
    style.setProperty("opacity", "1", "important");
    if (hidden(slide, page)) {
      style.setProperty("transform", "none", "important");
      style.setProperty("left", "0", "important");
      style.setProperty("top", "0", "important");
    }
  }
  window.__sgShowSlides = function () {
    var pages = document.querySelectorAll("[data-sg-slide]");
    var candidates = null;
    for (var i = 0; i < pages.length; i++) {
      var slide = pages[i].firstElementChild;
      if (slide && hidden(slide, pages[i])) {
        candidates = candidates || stateClasses();
        show(pages[i], candidates);
      }
    }
  };
  document.addEventListener("DOMContentLoaded", window.__sgShowSlides);
})();
