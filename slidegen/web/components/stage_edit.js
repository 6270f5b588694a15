// Inline text editing, inside the stage's sandboxed slide frame (see slidegen/web/inline_edit.py).
// The parent inserts this script after the slide's HTML and before the slide's own scripts, so
// it numbers the editable blocks of the source as written, before any script changed the DOM.
// A block whose content differs from the source when the user clicks it belongs to a script
// (a value filled in at run time) and is not editable. Edits are posted to the parent only;
// the stored HTML is edited on the server, never serialized from this live DOM.
(function () {
  var page = document.querySelector(".sg-page[data-sg-slide]");
  var root = page && page.firstElementChild;
  if (!root || window.parent === window) return;
  var parentWindow = window.parent;
  var post = function (message) { parentWindow.postMessage(message, "*"); };
  var slide = page.getAttribute("data-sg-slide");
  var SELECTOR = "h1,h2,h3,h4,h5,h6,p,li,td,th";
  var PAUSE_MS = 1500;
  var blocks = Array.prototype.filter.call(root.querySelectorAll(SELECTOR), function (el) {
    for (var p = el.parentElement; p && p !== root; p = p.parentElement) {
      if (p.matches(SELECTOR)) return false;
    }
    return true;
  });
  var saved = blocks.map(function (el) { return { html: el.innerHTML, text: el.textContent }; });
  var touched = {};
  var active = null;
  var timer = 0;
  blocks.forEach(function (el) { el.setAttribute("data-sg-text", ""); });
  var style = document.createElement("style");
  style.textContent =
    "[data-sg-text]:hover{outline:2px dashed rgba(59,130,246,.55);outline-offset:4px;cursor:text}" +
    "[data-sg-text][contenteditable]{outline:2px solid #3b82f6;outline-offset:4px;cursor:text}";
  document.head.appendChild(style);

  function commit() {
    clearTimeout(timer);
    var edits = [];
    Object.keys(touched).forEach(function (key) {
      var i = Number(key);
      var el = blocks[i];
      if (el.innerHTML !== saved[i].html) {
        edits.push({ i: i, before: saved[i].text, html: el.innerHTML });
        saved[i] = { html: el.innerHTML, text: el.textContent };
      }
    });
    touched = {};
    if (edits.length) post({ type: "sg-text-edit", slide: slide, edits: edits });
  }

  function finish(refocus) {
    if (!active) return;
    var el = active;
    active = null;
    commit();
    el.removeAttribute("contenteditable");
    post({ type: "sg-editing", slide: slide, active: false, refocus: !!refocus });
  }

  document.addEventListener("mousedown", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-sg-text]") : null;
    var i = el ? blocks.indexOf(el) : -1;
    if (el === active && el) return;
    if (active) finish(false);
    if (i < 0 || el.innerHTML !== saved[i].html) {
      post({ type: "sg-click", slide: slide });
      return;
    }
    active = el;
    touched[i] = true;
    el.setAttribute("contenteditable", "true");
    post({ type: "sg-editing", slide: slide, active: true });
    setTimeout(function () { if (active === el && document.activeElement !== el) el.focus(); }, 0);
  }, true);

  document.addEventListener("focusout", function (e) {
    if (active && e.target === active) finish(false);
  }, true);

  document.addEventListener("input", function (e) {
    if (!active || !active.contains(e.target)) return;
    clearTimeout(timer);
    timer = setTimeout(commit, PAUSE_MS);  // a pause ends the edit (still editing afterwards)
  }, true);

  document.addEventListener("keydown", function (e) {
    if (!active) return;
    if (e.key === "Escape" || (e.key === "Enter" && !e.shiftKey && !e.isComposing)) {
      e.preventDefault();
      e.stopPropagation();
      var el = active;
      finish(true);
      el.blur();
    }
  }, true);

  // Pasted or dropped content arrives as plain text: markup from elsewhere stays out.
  document.addEventListener("paste", function (e) {
    if (!active) return;
    e.preventDefault();
    var text = (e.clipboardData && e.clipboardData.getData("text/plain")) || "";
    document.execCommand("insertText", false, text);
  }, true);
  document.addEventListener("drop", function (e) { if (active) e.preventDefault(); }, true);
  window.addEventListener("blur", function () { if (active) finish(false); });
})();
