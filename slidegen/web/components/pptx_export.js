// The PPTX export, laid out by this browser (see slidegen/export/pptx_export.py).
// sgExportPptx(link): asks the export route for each slide's own document (with the measuring
// script), renders them one at a time in an invisible sandboxed frame (allow-scripts only, so
// the slide has an opaque origin), collects each layout by postMessage, posts them with the
// export request and saves the answer. On any failure the plain download link is followed: the
// server then lays the slides out itself (Chromium when present, else its flow layout).
window.sgExportPptx = window.sgExportPptx || (function () {
  "use strict";
  var SLIDE_TIMEOUT_MS = 15000;

  function measureOne(documentHtml, script) {
    return new Promise(function (resolve, reject) {
      var frame = document.createElement("iframe");
      var id = "m" + Math.random().toString(36).slice(2);
      var timer = setTimeout(function () { done(new Error("the slide did not answer")); }, SLIDE_TIMEOUT_MS);
      function onMessage(event) {
        var msg = event.data;
        if (event.source !== frame.contentWindow || !msg || msg.type !== "sg-layout" || msg.id !== id) return;
        if (msg.layout) done(null, msg.layout);
        else done(new Error(msg.error || "no layout"));
      }
      function done(error, layout) {
        clearTimeout(timer);
        window.removeEventListener("message", onMessage);
        frame.remove();
        if (error) reject(error); else resolve(layout);
      }
      frame.setAttribute("sandbox", "allow-scripts");
      frame.setAttribute("aria-hidden", "true");
      frame.setAttribute("title", "slide being measured for the PPTX export");
      frame.tabIndex = -1;
      // In the viewport but invisible: browsers throttle frames scrolled out of view.
      frame.style.cssText = "position:fixed;left:0;top:0;width:1280px;height:720px;border:0;" +
        "opacity:0;pointer-events:none;z-index:-1";
      window.addEventListener("message", onMessage);
      frame.addEventListener("load", function () {
        frame.contentWindow.postMessage({ type: "sg-measure", id: id }, "*");
      });
      // the measuring script goes last in the head, after the slide runtime and Chart.js
      var at = documentHtml.indexOf("</head>");
      frame.srcdoc = at < 0 ? documentHtml
        : documentHtml.slice(0, at) + "<script>" + script + "</" + "script>" + documentHtml.slice(at);
      document.body.appendChild(frame);
    });
  }

  function fileName(disposition) {
    var utf = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
    if (utf) { try { return decodeURIComponent(utf[1]); } catch (e) { /* fall through */ } }
    var plain = /filename="([^"]+)"/i.exec(disposition || "");
    return plain ? plain[1] : "deck.pptx";
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  // A status line of its own, outside the app's React tree (which must not be touched).
  function status() {
    var box = document.createElement("div");
    box.setAttribute("role", "status");
    box.id = "sg-pptx-status";
    box.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483647;padding:8px 14px;" +
      "border-radius:8px;background:rgba(17,24,39,.92);color:#fff;font:13px system-ui,sans-serif;" +
      "box-shadow:0 4px 14px rgba(0,0,0,.25)";
    box.textContent = "Preparing the PowerPoint file\u2026";
    document.body.appendChild(box);
    return box;
  }

  return async function (link) {
    if (!link || link.dataset.sgBusy) return;
    var href = link.href;
    link.dataset.sgBusy = "1";
    link.setAttribute("aria-busy", "true");
    var shown = status();
    try {
      var docs = new URL(href);
      docs.searchParams.set("measure", "documents");
      docs.searchParams.set("asset_base", window.location.origin);
      var answer = await fetch(docs.toString(), { credentials: "include" });
      if (!answer.ok) throw new Error("slide documents: HTTP " + answer.status);
      var payload = await answer.json();
      var slides = payload.slides || [];
      var layouts = {};
      for (var i = 0; i < slides.length; i++) {
        shown.textContent = "Laying out slide " + (i + 1) + " of " + slides.length + " for PowerPoint\u2026";
        try {
          layouts[slides[i].id] = await measureOne(slides[i].document, payload.measure_script);
        } catch (error) {
          console.warn("PPTX export: slide " + (i + 1) + " keeps the server's layout:", error);
        }
      }
      shown.textContent = "Writing the PowerPoint file\u2026";
      var response = await fetch(href, {
        method: "POST",
        credentials: "include",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ layouts: layouts }),
      });
      if (!response.ok) throw new Error("export: HTTP " + response.status + " " + (await response.text()));
      save(await response.blob(), fileName(response.headers.get("Content-Disposition")));
    } catch (error) {
      console.warn("PPTX export: measuring in this browser failed; the server lays it out:", error);
      window.location.assign(href);
    } finally {
      shown.remove();
      delete link.dataset.sgBusy;
      link.removeAttribute("aria-busy");
    }
  };
})();
