// Shared by fit_slide.js and measure_slide.js: slidegen/export/page_scripts.py puts this inside
// each one's function, where the script says `// @shared slide_settle.js`, so both read the
// slide as it ends up and answer a sandboxed frame's parent the same way.

  function settle() {
    // the slide as it ends up: CSS entrance animations and transitions run to their end
    // (fade-ins start at opacity 0); endless ones stay as they are
    if (document.getAnimations) {
      document.getAnimations().forEach(function (animation) {
        try { animation.finish(); } catch (e) { /* infinite: no end to go to */ }
      });
    }
    // the final frame of every chart, not a moment of its animation
    if (window.Chart && window.Chart.instances) {
      Object.keys(window.Chart.instances).forEach(function (k) {
        try { var ch = window.Chart.instances[k]; ch.stop(); ch.options.animation = false; ch.update("none"); } catch (e) {}
      });
    }
    var fonts = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
    return fonts.then(function () {
      // two frames, or a moment where the browser throttles frames (a frame out of view)
      return new Promise(function (r) {
        setTimeout(r, 250);
        requestAnimationFrame(function () { requestAnimationFrame(r); });
      });
    });
  }

  // The parent of a sandboxed frame posts {type: ask, id}; once the document has loaded,
  // `compute()` runs and the parent gets {<field>: its result, type: answer, id} or
  // {error, type: answer, id} back.
  function answerParent(ask, answer, field, compute) {
    window.addEventListener("message", function (event) {
      var msg = event.data;
      if (event.source !== window.parent || !msg || msg.type !== ask) return;
      var reply = function (body) {
        body.type = answer;
        body.id = msg.id;
        window.parent.postMessage(body, "*");
      };
      var run = function () {
        compute().then(function (result) { var body = {}; body[field] = result; reply(body); },
          function (error) { reply({ error: String(error && error.message || error) }); });
      };
      if (document.readyState === "complete") run();
      else window.addEventListener("load", run);
    });
  }
