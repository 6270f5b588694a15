// Measures slide documents for fit in this browser (see slidegen/web/fit_bridge.py).
// sgMeasureFit(docs) resolves to one raw report per document (or null where that one failed):
// each document (the slide's own, with slidegen/export/fit_slide.js in its head) is rendered in
// an invisible sandboxed frame (allow-scripts only: an opaque origin), asked by postMessage
// and answered the same way.
window.sgMeasureFit = window.sgMeasureFit || (function () {
  "use strict";
  var SLIDE_TIMEOUT_MS = 10000;

  function measureOne(documentHtml) {
    return new Promise(function (resolve) {
      var frame = document.createElement("iframe");
      var id = "f" + Math.random().toString(36).slice(2);
      var timer = setTimeout(function () { done(null); }, SLIDE_TIMEOUT_MS);
      function onMessage(event) {
        var msg = event.data;
        if (event.source !== frame.contentWindow || !msg || msg.type !== "sg-fit-report" || msg.id !== id) return;
        done(msg.report || null);
      }
      function done(report) {
        clearTimeout(timer);
        window.removeEventListener("message", onMessage);
        frame.remove();
        resolve(report);
      }
      frame.setAttribute("sandbox", "allow-scripts");
      frame.setAttribute("aria-hidden", "true");
      frame.setAttribute("title", "slide being checked for fit");
      frame.tabIndex = -1;
      // In the viewport but invisible: browsers throttle frames scrolled out of view.
      frame.style.cssText = "position:fixed;left:0;top:0;width:1280px;height:720px;border:0;" +
        "opacity:0;pointer-events:none;z-index:-1";
      window.addEventListener("message", onMessage);
      frame.addEventListener("load", function () {
        frame.contentWindow.postMessage({ type: "sg-fit", id: id }, "*");
      });
      frame.srcdoc = documentHtml;
      document.body.appendChild(frame);
    });
  }

  return async function (docs) {
    var reports = [];
    for (var i = 0; i < docs.length; i++) reports.push(await measureOne(docs[i]));
    return reports;
  };
})();
