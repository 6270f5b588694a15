// Runs each slide script with a slide-scoped `document` (see slidegen/deck/render.py).
// window.__sgSlide(id, fn): fn(document) where getElementById / querySelector(All) look inside
// the slide's page first, then in the whole document. A throwing script is logged, not fatal.
(function () {
  function firstHit(own, all) {
    return function (arg) {
      var hit = own(arg);
      var found = hit && (hit.length === undefined || hit.length > 0);
      return found ? hit : all(arg);
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
})();
